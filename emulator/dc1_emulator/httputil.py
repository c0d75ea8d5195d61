"""Request and response objects and the bodies Express produces on its own."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Iterator
from urllib.parse import parse_qsl

from .util import dumps


@dataclass
class Request:
    method: str
    path: str                      # without the query string
    target: str                    # the request target as received (for the log)
    query: dict                    # sanitised; a repeated key becomes a list (like qs)
    headers: Any                   # email.message.Message: case-insensitive .get()
    body: Any                      # parsed JSON body (sanitised), {} when not JSON
    raw_body: bytes
    client_ip: str
    request_id: str
    params: dict = field(default_factory=dict)
    ctx: Any = None                # the running Emulator

    def header(self, name: str) -> str | None:
        v = self.headers.get(name)
        return v if v else None

    def q(self, name: str) -> str | None:
        """A query value when it is a single non-empty string (else None)."""
        v = self.query.get(name)
        return v if isinstance(v, str) and v != "" else None

    def bearer(self) -> str | None:
        auth = self.header("authorization") or ""
        if auth[:7].lower() == "bearer ":
            token = auth[7:].strip()
            return token or None
        return None


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list = field(default_factory=list)   # [(name, value)]
    stream: Iterator[bytes] | None = None         # chunked body (SSE)

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))


def parse_query(qs: str) -> dict:
    out: dict = {}
    for k, v in parse_qsl(qs, keep_blank_values=True):
        if k.endswith("[]"):
            k = k[:-2]
            out.setdefault(k, [])
            if not isinstance(out[k], list):
                out[k] = [out[k]]
            out[k].append(v)
        elif k in out:
            out[k] = (out[k] if isinstance(out[k], list) else [out[k]]) + [v]
        else:
            out[k] = v
    return out


def json_response(status: int, obj: Any, headers: list | None = None) -> Response:
    return Response(status, dumps(obj).encode("utf-8"),
                    [("Content-Type", "application/json; charset=utf-8")] + list(headers or []))


def empty(status: int = 204) -> Response:
    return Response(status, b"", [])


_REASONS = {413: "Payload Too Large", 414: "URI Too Long", 416: "Range Not Satisfiable"}


def reason(status: int) -> str:
    """Reason phrases as Node prints them."""
    if status in _REASONS:
        return _REASONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def html_error(status: int, message: str | None = None) -> Response:
    """Express's finalhandler page (production form): no JSON 404/413/400 handler (§2, §16.17)."""
    text = html.escape(message or reason(status), quote=False)
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Error</title>\n</head>\n<body>\n<pre>" + text + "</pre>\n</body>\n</html>\n")
    return Response(status, page.encode("utf-8"),
                    [("Content-Type", "text/html; charset=utf-8"),
                     ("Content-Security-Policy", "default-src 'none'")])


def error(status: int, error_message: str, **extra: Any) -> Response:
    """Ordinary REST error body: {"error": ..., ...extra} (§2)."""
    return json_response(status, dict({"error": error_message}, **extra))
