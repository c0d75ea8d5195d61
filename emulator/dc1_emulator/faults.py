"""Fault injection for the control API (not part of DC1).

A fault matches on method (or ``*``) and an fnmatch glob over the path without
its query. Each matching request consumes one unit of ``count``; faults are
tried in FIFO order and the first match wins."""
from __future__ import annotations

import fnmatch
import threading

# Actions that replace the route (it never runs).
PRE_ACTIONS = {"status", "hang", "reset_before"}
# Actions that run the route first and then damage the response on the wire.
POST_ACTIONS = {"reset_after", "truncate", "malformed_json", "slow_body", "reset_mid_body"}
ACTIONS = PRE_ACTIONS | POST_ACTIONS | {"delay"}


class FaultError(ValueError):
    pass


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[dict] = []
        self._next_id = 1

    def add(self, spec: dict) -> int:
        action = spec.get("action")
        if action not in ACTIONS:
            raise FaultError(f"action must be one of: {', '.join(sorted(ACTIONS))}")
        method = str(spec.get("method") or "*").upper()
        path = spec.get("path") or "*"
        if not isinstance(path, str):
            raise FaultError("path must be a string (an fnmatch glob)")
        count = spec.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise FaultError("count must be a positive integer")
        if action == "status":
            status = spec.get("status")
            if not isinstance(status, int) or not 100 <= status <= 599:
                raise FaultError("status must be an HTTP status code (100-599)")
            headers = spec.get("headers") or {}
            if not isinstance(headers, dict):
                raise FaultError("headers must be an object")
        for k in ("delay_ms", "bytes", "bytes_per_sec"):
            v = spec.get(k)
            if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0):
                raise FaultError(f"{k} must be a non-negative number")
        with self._lock:
            fid = self._next_id
            self._next_id += 1
            self._faults.append(dict(spec, id=fid, method=method, path=path, count=count,
                                     action=action))
            return fid

    def take(self, method: str, path: str) -> dict | None:
        """Consume one unit of the first matching fault and return a copy of it."""
        with self._lock:
            for f in self._faults:
                if f["method"] not in ("*", method.upper()):
                    continue
                if not fnmatch.fnmatchcase(path, f["path"]):
                    continue
                f["count"] -= 1
                if f["count"] <= 0:
                    self._faults.remove(f)
                return dict(f)
            return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> int:
        """Units left across all faults."""
        with self._lock:
            return sum(f["count"] for f in self._faults)

    def list(self) -> list[dict]:
        with self._lock:
            return [dict(f) for f in self._faults]
