"""§1.2 global input sanitiser: applied to every string value of the JSON body
and of the query string before any route runs (keys are not touched)."""
from __future__ import annotations

import re
from typing import Any

_TAG = re.compile(r"<[^>]*>")
# What JavaScript's String.prototype.trim() removes.
_JS_WS = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007" \
         "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def clean_string(s: str) -> str:
    s = s.replace("\x00", "")      # 1. NUL bytes removed
    s = _TAG.sub("", s)            # 2. every "<...>" with no ">" inside deleted
    return s.strip(_JS_WS)         # 3. trim()


def sanitize(value: Any) -> Any:
    """Recursively clean strings inside dicts and lists."""
    if isinstance(value, str):
        return clean_string(value)
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sanitize(v) for v in value]
    return value
