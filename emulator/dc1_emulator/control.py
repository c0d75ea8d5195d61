"""The control API under ``/__emulator/`` (not part of DC1): seed renters and
providers, set the clock, inject faults, read counters, force job transitions,
read webhook deliveries, reset. Token auth (server.py checks it), no rate limit, no sanitiser."""
from __future__ import annotations

import json
import time

from .faults import FaultError
from .httputil import Request, Response, error, json_response
from .state import PROVIDER_FIELDS, provider_row
from .util import iso, renter_key


def _body(req: Request) -> dict:
    return req.body if isinstance(req.body, dict) else {}


def reset(req: Request) -> Response:
    req.ctx.reset()
    return json_response(200, {"ok": True})


def counters(req: Request) -> Response:
    return json_response(200, req.ctx.request_counters.snapshot(req.ctx.faults.pending()))


def faults_add(req: Request) -> Response:
    try:
        fid = req.ctx.faults.add(_body(req))
    except FaultError as e:
        return error(400, str(e))
    return json_response(200, {"ok": True, "id": fid})


def faults_list(req: Request) -> Response:
    return json_response(200, {"faults": req.ctx.faults.list()})


def faults_clear(req: Request) -> Response:
    req.ctx.faults.clear()
    return json_response(200, {"ok": True})


def clock(req: Request) -> Response:
    body = _body(req)
    speed = body.get("speed")
    if speed is not None:
        if not isinstance(speed, (int, float)) or isinstance(speed, bool) or speed <= 0:
            return error(400, "speed must be a number > 0")
        req.ctx.clock.set_speed(float(speed))
    if "timers" in body:
        req.ctx.engine.timers = bool(body["timers"])
    return json_response(200, {"ok": True, "speed": req.ctx.clock.speed,
                               "timers": req.ctx.engine.timers, "sim_seconds": req.ctx.clock.now()})


def _renter_view(r: dict) -> dict:
    keys = ("id", "name", "email", "api_key", "status", "balance_halala", "total_spent_halala",
            "total_jobs", "webhook_url", "daily_jobs_limit", "monthly_spend_limit_halala", "created_at")
    return {k: r[k] for k in keys}


def renters_list(req: Request) -> Response:
    return json_response(200, {"renters": [_renter_view(r) for r in
                                           req.ctx.store.q("SELECT * FROM renters ORDER BY id")]})


def renters_create(req: Request) -> Response:
    body = _body(req)
    bal = body.get("balance_halala", 0)
    if not isinstance(bal, int) or isinstance(bal, bool):
        return error(400, "balance_halala must be an integer")
    key = body.get("api_key") or renter_key()
    store = req.ctx.store
    if store.q1("SELECT id FROM renters WHERE api_key = ?", key):
        return error(409, "api_key already in use")
    now = iso()
    rid = store.insert("renters", {
        "name": body.get("name") or "Test Renter", "email": body.get("email") or "test@emulator.invalid",
        "organization": body.get("organization"), "use_case": body.get("use_case"), "phone": None,
        "api_key": key, "status": body.get("status") or "active", "balance_halala": bal,
        "total_spent_halala": 0, "total_jobs": 0, "webhook_url": body.get("webhook_url"),
        "webhook_secret": renter_key()[11:] * 2, "is_seed": 0, "created_at": now, "updated_at": now})
    return json_response(200, {"id": rid, "api_key": key})


def renters_patch(req: Request) -> Response:
    store = req.ctx.store
    r = store.q1("SELECT * FROM renters WHERE id = ?", req.params["id"])
    if not r:
        return error(404, "Renter not found")
    body = _body(req)
    fields = {k: body[k] for k in ("name", "email", "status", "balance_halala", "webhook_url",
                                   "daily_jobs_limit", "monthly_spend_limit_halala", "api_key",
                                   "total_spent_halala") if k in body}
    if "balance_halala" in fields and (not isinstance(fields["balance_halala"], int)
                                       or isinstance(fields["balance_halala"], bool)):
        return error(400, "balance_halala must be an integer")
    fields["updated_at"] = iso()
    store.update("renters", r["id"], fields)
    return json_response(200, _renter_view(store.q1("SELECT * FROM renters WHERE id = ?", r["id"])))


def provider_view(p: dict) -> dict:
    out = {k: p[k] for k in ("id",) + PROVIDER_FIELDS}
    out["live"] = bool(p["live"])
    out["is_paused"] = bool(p["is_paused"])
    out["cached_models"] = json.loads(p["cached_models"] or "[]")
    out["vram_gb"] = round(p["vram_mib"] / 1024) if p["vram_mib"] is not None else None
    return out


def providers_list(req: Request) -> Response:
    return json_response(200, {"providers": [provider_view(p) for p in
                                             req.ctx.store.q("SELECT * FROM providers ORDER BY id")]})


def _provider_fields(body: dict, existing: dict | None) -> dict:
    fields = {k: body[k] for k in PROVIDER_FIELDS if k in body and k not in ("live",)}
    if "cached_models" in fields and not isinstance(fields["cached_models"], str):
        fields["cached_models"] = json.dumps(fields["cached_models"])
    if "is_paused" in fields:
        fields["is_paused"] = 1 if fields["is_paused"] else 0
    if "live" in body:
        live = bool(body["live"])
        fields["live"] = 1 if live else 0
        if "status" not in body:
            fields["status"] = "online" if live else "offline"
        if live:
            fields["last_heartbeat"] = iso()
    if "heartbeat_age_s" in body:
        fields["last_heartbeat"] = iso(time.time() - float(body["heartbeat_age_s"]))
    return fields


def providers_create(req: Request) -> Response:
    body = _body(req)
    row = provider_row(body)
    row.update(_provider_fields(body, None))
    now = iso()
    row.update(created_at=now, updated_at=now, is_seed=0)
    pid = req.ctx.store.insert("providers", row)
    req.ctx.store.bump()
    return json_response(200, provider_view(req.ctx.store.q1("SELECT * FROM providers WHERE id = ?", pid)))


def providers_patch(req: Request) -> Response:
    store = req.ctx.store
    p = store.q1("SELECT * FROM providers WHERE id = ?", req.params["id"])
    if not p:
        return error(404, "Provider not found")
    fields = _provider_fields(_body(req), p)
    fields["updated_at"] = iso()
    store.update("providers", p["id"], fields)
    store.bump()
    return json_response(200, provider_view(store.q1("SELECT * FROM providers WHERE id = ?", p["id"])))


def quota(req: Request) -> Response:
    body = _body(req)
    q = req.ctx.quota
    for k in ("daily_jobs_limit", "monthly_spend_limit_halala"):
        if k in body:
            v = body[k]
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                return error(400, f"{k} must be a non-negative integer")
    rid = body.get("renter_id")
    if rid is not None:
        fields = {k: body[k] for k in ("daily_jobs_limit", "monthly_spend_limit_halala") if k in body}
        req.ctx.store.update("renters", rid, fields)
    else:
        for k in ("daily_jobs_limit", "monthly_spend_limit_halala"):
            if k in body:
                q[k] = body[k]
        req.ctx.store.x("UPDATE renters SET daily_jobs_limit = NULL, monthly_spend_limit_halala = NULL")
    return json_response(200, dict({"ok": True}, **q))


def ratelimit(req: Request) -> Response:
    body = _body(req)
    try:
        req.ctx.ratelimits.configure(body.get("enabled"), body.get("limits"), body.get("windows"))
    except KeyError as e:
        return error(400, f"unknown limiter {e}; known: "
                          + ", ".join(req.ctx.ratelimits.describe()["limits"]))
    except (TypeError, ValueError):
        return error(400, "limits and windows map limiter names to numbers")
    return json_response(200, dict({"ok": True}, **req.ctx.ratelimits.describe()))


def deliveries(req: Request) -> Response:
    return json_response(200, {"deliveries": req.ctx.webhooks.deliveries()})


def webhook_dns_check(req: Request) -> Response:
    body = _body(req)
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            return error(400, "enabled must be true or false")
        req.ctx.webhooks.dns_check = body["enabled"]
    return json_response(200, {"ok": True, "enabled": req.ctx.webhooks.dns_check})


def deliveries_clear(req: Request) -> Response:
    req.ctx.webhooks.clear()
    return json_response(200, {"ok": True})


def advance(req: Request) -> Response:
    body = _body(req)
    to = body.get("to")
    if to not in ("running", "completed", "failed", "cancelled"):
        return error(400, "to must be one of: running, completed, failed, cancelled")
    store = req.ctx.store
    job = store.q1("SELECT * FROM jobs WHERE job_id = ? OR CAST(id AS TEXT) = ?",
                   req.params["id"], req.params["id"])
    if not job:
        return error(404, "Job not found")
    if job["status"] in ("completed", "cancelled") or (job["status"] == "failed" and to != "cancelled"):
        return error(409, f"Job is already {job['status']}", current_status=job["status"])
    try:
        new = req.ctx.engine.force(job, to, body.get("error"), body.get("result"))
    except ValueError as e:
        return error(409, str(e))
    return json_response(200, {"ok": True, "job": new})


def state(req: Request) -> Response:
    ctx = req.ctx
    return json_response(200, {"ok": True, "base_url": ctx.base_url, "speed": ctx.clock.speed,
                               "timers": ctx.engine.timers, "db": ctx.db_path,
                               "allow_loopback_webhooks": ctx.webhooks.allow_loopback,
                               "webhook_dns_check": ctx.webhooks.dns_check,
                               "control_auth": ctx.control_token is not None,
                               "renter_id": ctx.renter_id, "quota": ctx.quota,
                               "ratelimit": ctx.ratelimits.describe()})


def register(router) -> None:
    add = router.add
    add("GET", "/__emulator", state)
    add("POST", "/__emulator/reset", reset)
    add("GET", "/__emulator/counters", counters)
    add("POST", "/__emulator/faults", faults_add)
    add("GET", "/__emulator/faults", faults_list)
    add("DELETE", "/__emulator/faults", faults_clear)
    add("POST", "/__emulator/clock", clock)
    add("GET", "/__emulator/renters", renters_list)
    add("POST", "/__emulator/renters", renters_create)
    add("PATCH", "/__emulator/renters/:id", renters_patch)
    add("GET", "/__emulator/providers", providers_list)
    add("POST", "/__emulator/providers", providers_create)
    add("PATCH", "/__emulator/providers/:id", providers_patch)
    add("POST", "/__emulator/quota", quota)
    add("POST", "/__emulator/ratelimit", ratelimit)
    add("GET", "/__emulator/webhooks/deliveries", deliveries)
    add("DELETE", "/__emulator/webhooks/deliveries", deliveries_clear)
    add("POST", "/__emulator/webhooks/dns-check", webhook_dns_check)
    add("POST", "/__emulator/jobs/:id/advance", advance)
