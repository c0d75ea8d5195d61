"""§4 rate limiters, express-rate-limit style: a fixed window per client key
that starts at the first hit, draft-6 ``RateLimit-*`` headers on every
response of a limited route, ``Retry-After`` on a 429.

Several limiters run on one request and each overwrites the headers, so the
visible values usually describe the last one: general (300/min per IP), except on
routes whose own limiter the router mounts (retry, POST /api/jobs), which run last."""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass
class Limiter:
    name: str
    limit: int
    window_s: float
    body: str = "custom"          # custom | default | openai | message
    message: str = ""


# name -> Limiter (defaults from the §4 table)
DEFAULTS = {
    "general": Limiter("general", 300, 60, "default", "Rate limit exceeded."),
    "tieredAuth": Limiter("tieredAuth", 1000, 60),
    "tieredPublic": Limiter("tieredPublic", 200, 15 * 60),
    "jobSubmit": Limiter("jobSubmit", 20, 60),
    "jobCreate": Limiter("jobCreate", 10, 60),
    "retryJob": Limiter("retryJob", 3, 60),
    "register": Limiter("register", 5, 3600),
    "topup": Limiter("topup", 10, 60, "message", "Too many top-up requests. Slow down."),
    "webhookRegistration": Limiter("webhookRegistration", 10, 3600),
    "v1": Limiter("v1", 60, 60, "openai"),
    "v1Stream": Limiter("v1Stream", 5, 60, "openai"),
    "containerRegistry": Limiter("containerRegistry", 30, 60),
    "modelCatalog": Limiter("modelCatalog", 100, 60),
}


@dataclass
class Verdict:
    limiter: Limiter
    allowed: bool
    remaining: int
    reset_s: int

    def headers(self) -> list:
        lim = self.limiter
        return [("RateLimit-Policy", f"{lim.limit};w={int(lim.window_s)}"),
                ("RateLimit-Limit", str(lim.limit)),
                ("RateLimit-Remaining", str(self.remaining)),
                ("RateLimit-Reset", str(self.reset_s))]


class RateLimits:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.enabled = True
        self.limiters = {k: Limiter(**vars(v)) for k, v in DEFAULTS.items()}
        self._buckets: dict = {}      # (name, key) -> [hits, reset_at_monotonic]

    def configure(self, enabled=None, limits=None, windows=None) -> None:
        with self._lock:
            if enabled is not None:
                self.enabled = bool(enabled)
            for name, n in (limits or {}).items():
                if name not in self.limiters:
                    raise KeyError(name)
                self.limiters[name].limit = int(n)
            for name, w in (windows or {}).items():
                if name not in self.limiters:
                    raise KeyError(name)
                self.limiters[name].window_s = float(w)
            self._buckets.clear()

    def reset(self) -> None:
        with self._lock:
            self.enabled = True
            self.limiters = {k: Limiter(**vars(v)) for k, v in DEFAULTS.items()}
            self._buckets.clear()

    def describe(self) -> dict:
        with self._lock:
            return {"enabled": self.enabled,
                    "limits": {k: v.limit for k, v in self.limiters.items()},
                    "windows": {k: v.window_s for k, v in self.limiters.items()}}

    def hit(self, name: str, key: str) -> Verdict | None:
        """Count one request; None when limiting is switched off."""
        with self._lock:
            if not self.enabled:
                return None
            lim = self.limiters[name]
            now = time.monotonic()
            b = self._buckets.get((name, key))
            if b is None or now >= b[1]:
                b = [0, now + lim.window_s]
                self._buckets[(name, key)] = b
            b[0] += 1
            reset_s = max(0, math.ceil(b[1] - now))
            return Verdict(lim, b[0] <= lim.limit, max(0, lim.limit - b[0]), reset_s)
