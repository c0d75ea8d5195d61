"""§3.2: where each endpoint group looks for the key, and what it answers when the
key is missing or wrong (401 / 403 / 404 / 400 differ by group, §16.14).

Each ``gN`` function returns ``(renter_row, None)`` on success or
``(None, Response)`` with the group's exact error."""
from __future__ import annotations

from .httputil import Request, error
from .util import is_provider_key

WRONG_KEY_TYPE = ("A provider API key cannot be used on renter endpoints. "
                  "Use your renter API key (x-renter-key).")


def first(*values):
    for v in values:
        if v:
            return v
    return None


def renter_by_key(req: Request, key: str | None, active_only: bool = True) -> dict | None:
    if not key:
        return None
    sql = "SELECT * FROM renters WHERE api_key = ?" + (" AND status = 'active'" if active_only else "")
    return req.ctx.store.q1(sql, key)


def provider_by_key(req: Request, key: str | None) -> dict | None:
    if not key:
        return None
    return req.ctx.store.q1("SELECT * FROM providers WHERE api_key = ?", key)


def is_admin(req: Request) -> bool:
    token = req.ctx.admin_token
    return bool(token) and token in (req.header("x-admin-token"), req.bearer())


def credential_in_query(req: Request) -> bool:
    """§1.3: a credential in the query string earns the Deprecation headers."""
    return any(req.q(k) for k in ("key", "renter_key", "provider_key"))


# G1: submit, retry, GET/POST /api/jobs. hdr, ?renter_key, ?key; no sub-keys.
def g1(req: Request):
    key = first(req.header("x-renter-key"), req.q("renter_key"), req.q("key"))
    if not key:
        return None, error(401, "Renter API key required (x-renter-key header or renter_key query)")
    if is_provider_key(key):
        return None, error(401, WRONG_KEY_TYPE, code="wrong_key_type")
    renter = renter_by_key(req, key)
    if not renter:
        return None, error(403, "Invalid or inactive renter API key")
    return renter, None


def g1_key(req: Request) -> str | None:
    return first(req.header("x-renter-key"), req.q("renter_key"), req.q("key"))


# G2 job reads / G3 job control: the job is looked up first; 403 Forbidden otherwise.
def can_read_job(req: Request, job: dict) -> bool:
    if is_admin(req):
        return True
    renter = renter_by_key(req, g1_key(req))
    if renter and job["renter_id"] == renter["id"]:
        return True
    pkey = first(req.header("x-provider-key"), req.q("key"),
                 req.body.get("api_key") if isinstance(req.body, dict) else None)
    provider = provider_by_key(req, pkey if isinstance(pkey, str) else None)
    return bool(provider and job["provider_id"] and provider["id"] == job["provider_id"])


def owns_job(req: Request, job: dict) -> bool:
    """G3: only the owning renter or admin."""
    if is_admin(req):
        return True
    renter = renter_by_key(req, g1_key(req))
    return bool(renter and renter["id"] == job["renter_id"])


# G4: GET /api/jobs/:id/logs/stream. ?key first, then hdr; ?renter_key ignored.
def g4(req: Request):
    key = first(req.q("key"), req.header("x-renter-key"))
    if not key:
        return None, error(401, "Renter API key required (?key=...)")
    renter = renter_by_key(req, key)
    if not renter:
        return None, error(401, "Invalid renter API key")
    return renter, None


# G5: GET /api/jobs/history. Header only.
def g5(req: Request):
    key = req.header("x-renter-key")
    if not key:
        return None, error(401, "Renter API key required")
    renter = renter_by_key(req, key)
    if not renter:
        return None, error(401, "Invalid renter key")
    return renter, None


# G6: /api/jobs/active, /queue/status, /queue/:provider_id. admin, provider or renter.
def g6(req: Request):
    """Returns (("admin"|"provider"|"renter", row), None) or (None, 401)."""
    if is_admin(req):
        return ("admin", None), None
    provider = provider_by_key(req, first(req.header("x-provider-key"), req.q("key")))
    if provider:
        return ("provider", provider), None
    renter = renter_by_key(req, g1_key(req))
    if renter:
        return ("renter", renter), None
    return None, error(401, "Authentication required")


# G7: GET /api/renters/me. ?key first, then hdr; 400 without a key, 404 with a bad one.
def g7(req: Request):
    key = first(req.q("key"), req.header("x-renter-key"))
    if not key:
        return None, error(400, "API key required")
    renter = renter_by_key(req, key)
    if not renter:
        return None, error(404, "Renter not found")
    return renter, None


# G8: balance, topup, rotate-key, settings, export. hdr then ?key; 400 / 404.
def g8(req: Request, active_only: bool = True):
    key = first(req.header("x-renter-key"), req.q("key"))
    if not key:
        return None, error(400, "API key required")
    renter = renter_by_key(req, key, active_only)
    if not renter:
        return None, error(404, "Renter not found")
    return renter, None


# G9: /me/usage, /me/jobs/export (and the other ?key-only reads): the header is ignored.
def g9(req: Request):
    key = req.q("key")
    if not key:
        return None, error(400, "API key required")
    renter = renter_by_key(req, key)
    if not renter:
        return None, error(404, "Renter not found")
    return renter, None


# G11: /me/jobs, /me/jobs/:jobId, /me/spending: hdr, ?key; 401 both ways.
def g11(req: Request):
    key = first(req.header("x-renter-key"), req.q("key"))
    if not key:
        return None, error(401, "API key required")
    renter = renter_by_key(req, key)
    if not renter:
        return None, error(401, "Invalid API key")
    return renter, None


# G12: /api/renters/:id/webhooks etc. hdr, ?key, Bearer; master key = owner.
def g12(req: Request, renter_id: str):
    key = first(req.header("x-renter-key"), req.q("key"), req.bearer())
    if not key:
        return None, error(401, "x-renter-key header required")
    renter = renter_by_key(req, key)
    if not renter:
        return None, error(401, "Invalid API key")
    if str(renter["id"]) != str(renter_id):
        return None, error(403, "Forbidden: key does not match renter id")
    return renter, None


# G14: /v1/chat/completions. Bearer, hdr, ?key; OpenAI-shaped errors (built by the caller).
def g14_key(req: Request) -> str | None:
    return first(req.bearer(), req.header("x-renter-key"), req.q("key"))
