"""Small helpers shared by the emulator modules: time formats, JSON the way
Express writes it, ids and key masking."""
from __future__ import annotations

import datetime as _dt
import email.utils
import json
import math
import re
import secrets
import time
from typing import Any

# --- time ------------------------------------------------------------------


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def iso(ts: float | None = None) -> str:
    """ISO-8601 UTC with milliseconds and a Z, like JS ``toISOString()`` (§1.5)."""
    d = utcnow() if ts is None else _dt.datetime.fromtimestamp(ts, _dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def sql_ms(ts: float | None = None) -> str:
    """``YYYY-MM-DD HH:MM:SS.sss`` (no zone), the form of ``timeout_at`` (§1.5)."""
    return iso(ts).replace("T", " ").rstrip("Z")


def parse_ts(value: Any) -> float | None:
    """Parse both timestamp forms of §1.5 (always UTC) into epoch seconds."""
    if not value or not isinstance(value, str):
        return None
    s = value.strip().replace(" ", "T").rstrip("Z")
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
        try:
            d = _dt.datetime.strptime(s, fmt).replace(tzinfo=_dt.timezone.utc)
            return d.timestamp()
        except ValueError:
            continue
    return None


def http_date(ts: float | None = None) -> str:
    return email.utils.formatdate(time.time() if ts is None else ts, usegmt=True)


def now_ms() -> int:
    return int(time.time() * 1000)


# --- JSON ------------------------------------------------------------------


def _js(value: Any) -> Any:
    """Make Python values serialise the way ``JSON.stringify`` does: integral
    floats print without ``.0``; NaN/Infinity become null."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if isinstance(value, dict):
        return {str(k): _js(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_js(v) for v in value]
    return value


def dumps(value: Any) -> str:
    return json.dumps(_js(value), separators=(",", ":"), ensure_ascii=False)


def js_round(x: float) -> int:
    """``Math.round`` (halves go up), not Python's banker's rounding."""
    return int(math.floor(x + 0.5))


def money2(halala: Any) -> str:
    """Halala as a 2-dp SAR string (``toFixed(2)``)."""
    return f"{(float(halala or 0) / 100):.2f}"


def usd6(halala: Any) -> float | None:
    """§1.5: usd = halala / 375, 6 dp."""
    if halala is None:
        return None
    return round(float(halala) / 375.0 * 1e6) / 1e6


# --- ids and keys -------------------------------------------------------------

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def submit_job_id() -> str:
    """``job-<unix-ms>-<6 base36 chars>`` (§1.5, submit and retry)."""
    return f"job-{now_ms()}-" + "".join(secrets.choice(_B36) for _ in range(6))


def dispatch_job_id() -> str:
    """``job-<unix-ms>-<6 hex>`` (§1.5, POST /api/jobs)."""
    return f"job-{now_ms()}-{secrets.token_hex(3)}"


def renter_key() -> str:
    return "dcp-renter-" + secrets.token_hex(16)


def provider_key() -> str:
    return "dcp-provider-" + secrets.token_hex(16)


_KEY_RE = re.compile(r"(dc[p1]-(?:renter|provider)-|dc1-sk-|dcp_)[A-Za-z0-9_\-]+")
_QUERY_SECRET_RE = re.compile(
    r"((?:^|[?&])(?:key|renter_key|provider_key|api_key|token|admin_token)=)[^&#]*", re.I)


def mask_secrets(text: str) -> str:
    """Never print a credential: mask key-like tokens and secret query values."""
    text = _QUERY_SECRET_RE.sub(r"\1***", text)
    return _KEY_RE.sub(lambda m: m.group(1) + "***", text)


def is_provider_key(key: str | None) -> bool:
    return bool(key) and (key.startswith("dcp-provider-") or key.startswith("dc1-provider-"))
