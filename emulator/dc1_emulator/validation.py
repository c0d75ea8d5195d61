"""A small zod-4 look-alike for the strict submit schema (§2, §7.1, §16.2).

Issues come out in the schema's key order, then the unrecognized-keys issue,
with zod 4's English messages, formatted as the server formats them:
``{"field": "<dotted.path or (root)>", "message": ...}``."""
from __future__ import annotations

import re
from typing import Any, Callable

Issue = dict  # {"path": [...], "message": str}


def type_name(v: Any) -> str:
    """zod 4's name for the received type."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _invalid(expected: str, v: Any) -> str:
    return f"Invalid input: expected {expected}, received {type_name(v)}"


def _fmt_num(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else repr(float(n))


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# --- schema combinators: each returns a function (value, path) -> [issues] ---

def string(min_len: int | None = None, max_len: int | None = None,
           regex: str | None = None, regex_message: str | None = None) -> Callable:
    def check(v: Any, path: list) -> list:
        if not isinstance(v, str):
            return [{"path": path, "message": _invalid("string", v)}]
        out = []
        n = len(v.encode("utf-16-le")) // 2   # JS string length (UTF-16 units)
        if min_len is not None and n < min_len:
            out.append({"path": path, "message":
                        f"Too small: expected string to have >={min_len} characters"})
        if max_len is not None and n > max_len:
            out.append({"path": path, "message":
                        f"Too big: expected string to have <={max_len} characters"})
        if regex is not None and not re.search(regex, v, re.ASCII):  # JS \w is ASCII
            out.append({"path": path, "message":
                        regex_message or f"Invalid string: must match pattern /{regex}/"})
        return out
    return check


def number(min_v: float | None = None, max_v: float | None = None,
           positive: bool = False, integer: bool = False) -> Callable:
    def check(v: Any, path: list) -> list:
        if not _is_num(v):
            return [{"path": path, "message": _invalid("number", v)}]
        if integer and not float(v).is_integer():
            return [{"path": path, "message": _invalid("int", v)}]
        out = []
        if positive and not v > 0:
            out.append({"path": path, "message": "Too small: expected number to be >0"})
        if min_v is not None and v < min_v:
            out.append({"path": path, "message": f"Too small: expected number to be >={_fmt_num(min_v)}"})
        if max_v is not None and v > max_v:
            out.append({"path": path, "message": f"Too big: expected number to be <={_fmt_num(max_v)}"})
        return out
    return check


def boolean() -> Callable:
    def check(v: Any, path: list) -> list:
        return [] if isinstance(v, bool) else [{"path": path, "message": _invalid("boolean", v)}]
    return check


def null() -> Callable:
    def check(v: Any, path: list) -> list:
        return [] if v is None else [{"path": path, "message": _invalid("null", v)}]
    return check


def union(*options: Callable) -> Callable:
    """Passes when one option passes; otherwise one ``Invalid input`` issue."""
    def check(v: Any, path: list) -> list:
        for opt in options:
            if not opt(v, path):
                return []
        return [{"path": path, "message": "Invalid input"}]
    return check


def record(value_schema: Callable) -> Callable:
    def check(v: Any, path: list) -> list:
        if not isinstance(v, dict):
            return [{"path": path, "message": _invalid("record", v)}]
        out = []
        for k, item in v.items():
            out.extend(value_schema(item, path + [k]))
        return out
    return check


def obj(shape: dict, strict: bool = False) -> Callable:
    """An object; ``strict`` adds the unrecognized-keys issue after the fields."""
    def check(v: Any, path: list) -> list:
        if not isinstance(v, dict):
            return [{"path": path, "message": _invalid("object", v)}]
        out = []
        for key, (schema, optional) in shape.items():
            if key not in v:
                if not optional:
                    out.append({"path": path + [key], "message": _invalid(key, None)})
                continue
            out.extend(schema(v[key], path + [key]))
        if strict:
            extra = [k for k in v if k not in shape]
            if extra:
                label = "key" if len(extra) == 1 else "keys"
                out.append({"path": path, "message":
                            f"Unrecognized {label}: " + ", ".join(f'"{k}"' for k in extra)})
        return out
    return check


def opt(schema: Callable) -> tuple:
    return (schema, True)


# §7.1 POST /api/jobs/submit, in the schema's own key order.
MODEL_MESSAGE = ("model must contain only alphanumeric characters, dots, hyphens, "
                 "underscores, slashes, colons, and @ symbols")

SUBMIT_SCHEMA = obj({
    "job_type": opt(string(1, 64)),
    "template_id": opt(string(1, 128)),
    "bundle_id": opt(string(1, 128)),
    "duration_minutes": opt(number(0.1, 1440)),
    "provider_id": opt(union(number(positive=True, integer=True), null())),
    "gpu_requirements": opt(obj({"min_vram_gb": opt(number(positive=True))})),
    "container_spec": opt(obj({"image_override": opt(string(1, 512))})),
    "env_vars": opt(record(string())),
    "params": opt(record(union(string(), number(), boolean()))),
    "task_spec": opt(record(lambda v, p: [])),
    "model": opt(string(1, 256, r"^[\w.\-/:@]+$", MODEL_MESSAGE)),
    "priority": opt(string(max_len=32)),
    "pricing_class": opt(string(max_len=64)),
    "prewarm_requested": opt(boolean()),
    "max_duration_seconds": opt(number(max_v=86400, positive=True)),
}, strict=True)

# §10 POST /api/renters/topup: strict, amount_halala int 1-100000 or amount_sar 0.01-1000.
TOPUP_SCHEMA = obj({
    "amount_halala": opt(number(1, 100000, integer=True)),
    "amount_sar": opt(number(0.01, 1000)),
}, strict=True)


def validate(schema: Callable, body: Any) -> list[dict]:
    """[] when valid, else the server's ``fields`` list."""
    return [{"field": ".".join(str(p) for p in i["path"]) or "(root)", "message": i["message"]}
            for i in schema(body, [])]


def validation_failed(fields: list[dict]) -> dict:
    return {"error": "Validation failed", "fields": fields}
