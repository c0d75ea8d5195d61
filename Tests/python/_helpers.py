"""Helpers shared by the Python binding tests (emulator control)."""
from __future__ import annotations

import os
import re
from typing import Any, Dict


def new_renter(emu, balance_halala: int) -> Dict[str, Any]:
    """Creates a renter in the emulator: {'id', 'api_key'}."""
    return emu.control("POST", "/__emulator/renters", {"balance_halala": balance_halala})


def fault(emu, path: str, *, method: str = "GET", count: int = 1, action: str = "status",
          **kw: Any) -> Any:
    """Adds one fault rule: the next `count` requests matching method+path (glob)
    get `action` ("status", "delay", "reset_before", "reset_after", "truncate",
    "malformed_json", …)."""
    body: Dict[str, Any] = {"method": method, "path": path, "count": count, "action": action}
    body.update(kw)
    return emu.control("POST", "/__emulator/faults", body)


def counters(emu) -> Dict[str, Any]:
    return emu.counters()


def rss_kib() -> int:
    """VmRSS of this process in KiB (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(re.findall(r"\d+", line)[0])
    raise RuntimeError("no VmRSS in /proc/self/status")


def unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def llm(client, prompt: str = "Hello from the tests", **kw: Any):
    """Submits a small llm_inference job."""
    kw.setdefault("duration_minutes", 1)
    return client.jobs.submit("llm_inference", {"prompt": prompt, "max_tokens": 32}, **kw)


EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python")
