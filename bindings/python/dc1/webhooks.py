"""Webhook deliveries: signature check and parsing (no client, no I/O).

    from dc1 import verify_webhook, parse_webhook

    def handle(headers, raw_body: bytes):
        if not verify_webhook(SECRET, headers["X-DCP-Signature"], raw_body):
            return 401
        event = parse_webhook(raw_body)
        if seen(event["dedupe_key"]):        # deliveries repeat, in several shapes
            return 200
        ...

The secret is the one given at registration (``client.webhooks.register``);
for the account webhook it is the renter's API key. Pass the raw body bytes as
received — not a re-serialised JSON.
"""
from __future__ import annotations

from typing import Any, Dict, Union

from . import _lib

__all__ = ["verify_webhook", "parse_webhook"]


def _bytes(value: Union[bytes, bytearray, memoryview, str]) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def verify_webhook(secret: Union[str, bytes], signature_header: Union[str, bytes],
                   body: Union[bytes, bytearray, memoryview, str]) -> bool:
    """True when ``signature_header`` (X-DCP-Signature: lowercase hex
    HMAC-SHA256 of the body, with or without "sha256=") matches; compared in
    constant time by libdc1. Raises :class:`InvalidArgumentError` for a
    missing secret or header."""
    if secret is None or signature_header is None:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError("secret and signature_header are required")
    rc = _lib.webhook_verify(secret, signature_header, _bytes(body))
    if rc == _lib.DC1_OK:
        return True
    if rc == _lib.DC1_E_BAD_SIGNATURE:
        return False
    _lib.check(rc, "dc1_webhook_verify")
    return False  # pragma: no cover - check() raised


def parse_webhook(body: Union[bytes, bytearray, memoryview, str]) -> Dict[str, Any]:
    """Parses a delivery body (any of the server's three shapes) into
    ``{"event","job_id","status","cost_halala"?,"dedupe_key","raw"}``
    ("done" becomes "completed"). Dedupe on ``dedupe_key``."""
    return _lib.webhook_parse(_bytes(body))
