"""Express-style routing: ``/api/jobs/:id/status`` patterns tried in the order
they were added (so ``/api/jobs/history`` is added before ``/api/jobs/:id``),
case-insensitive, a trailing slash ignored, HEAD served by the GET route."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import unquote


@dataclass
class Route:
    method: str
    pattern: str
    handler: Callable
    regex: re.Pattern
    names: list
    meta: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The counters key: ``"GET /api/jobs/:id/status"``."""
        return f"{self.method} {self.pattern}"


def _compile(pattern: str) -> tuple[re.Pattern, list]:
    names: list = []
    parts = []
    for seg in pattern.strip("/").split("/"):
        m = re.fullmatch(r":(\w+)(?:\((.+)\))?", seg)
        if m:
            names.append(m.group(1))
            parts.append(f"({m.group(2) or '[^/]+'})")
        else:
            parts.append(re.escape(seg))
    return re.compile("^/" + "/".join(parts) + "/?$", re.IGNORECASE), names


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Callable, **meta) -> None:
        regex, names = _compile(pattern)
        self.routes.append(Route(method.upper(), pattern, handler, regex, names, meta))

    def match(self, method: str, path: str) -> tuple[Route | None, dict]:
        method = "GET" if method.upper() == "HEAD" else method.upper()
        for r in self.routes:
            if r.method != method:
                continue
            m = r.regex.match(path)
            if m:
                return r, {n: unquote(v) for n, v in zip(r.names, m.groups())}
        return None, {}
