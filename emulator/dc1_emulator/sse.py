"""Server-Sent Events framing (§8.6, §8.7, §11.2)."""
from __future__ import annotations

from typing import Any, Iterator

from .httputil import Response
from .util import dumps


def event(data: Any, name: str | None = None, event_id: Any = None) -> bytes:
    """One event. ``data`` is JSON-encoded unless it is already a string."""
    out = ""
    if name:
        out += f"event: {name}\n"
    if event_id is not None:
        out += f"id: {event_id}\n"
    out += f"data: {data if isinstance(data, str) else dumps(data)}\n\n"
    return out.encode("utf-8")


def comment(text: str = "keep-alive") -> bytes:
    return f": {text}\n\n".encode("utf-8")


def sse_response(stream: Iterator[bytes], headers: list | None = None) -> Response:
    """200 text/event-stream, sent with chunked transfer encoding like Express."""
    return Response(200, b"", [("Content-Type", "text/event-stream"),
                               ("Cache-Control", "no-cache, no-transform"),
                               ("X-Accel-Buffering", "no")] + list(headers or []),
                    stream=stream)
