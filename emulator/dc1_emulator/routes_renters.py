"""``/api/renters/...`` (§10), registered webhooks (§12.2) and /api/health."""
from __future__ import annotations

import json
import re
import time
import uuid

from . import auth, pricing
from .httputil import Request, Response, error, json_response
from .util import iso, js_round, parse_ts
from .validation import TOPUP_SCHEMA, validate, validation_failed
from .webhooks import normalize_url

WEBHOOK_EVENTS = ["job.completed", "job.failed", "balance.low"]


def me(req: Request) -> Response:
    """§10 GET /api/renters/me (G7: ?key first)."""
    renter, err = auth.g7(req)
    if err:
        return err
    store = req.ctx.store
    recent = store.q("SELECT id, job_id, job_type, status, submitted_at, completed_at, actual_cost_halala "
                     "FROM jobs WHERE renter_id = ? ORDER BY submitted_at DESC, id DESC LIMIT 20",
                     renter["id"])
    v1 = store.q1("SELECT COUNT(*) AS n, COALESCE(SUM(prompt_tokens),0) AS pt, "
                  "COALESCE(SUM(completion_tokens),0) AS ct, COALESCE(SUM(actual_cost_halala),0) AS c "
                  "FROM jobs WHERE renter_id = ? AND notes LIKE 'v1:proxy:%'", renter["id"])
    keys = ("id", "name", "email", "organization", "use_case", "phone", "webhook_url",
            "balance_halala", "total_spent_halala", "total_jobs", "created_at")
    return json_response(200, {
        "renter": {k: renter[k] for k in keys}, "recent_jobs": recent,
        "v1_usage_summary": {"total_requests": v1["n"], "prompt_tokens": v1["pt"],
                             "completion_tokens": v1["ct"], "total_tokens": v1["pt"] + v1["ct"],
                             "total_cost_halala": v1["c"]}})


def balance(req: Request) -> Response:
    """§6.3: held = sum of cost_halala of *running* jobs only (informational)."""
    renter, err = auth.g8(req)
    if err:
        return err
    held = req.ctx.store.q1("SELECT COALESCE(SUM(cost_halala), 0) AS s FROM jobs WHERE renter_id = ? "
                            "AND status = 'running'", renter["id"])["s"]
    bal = renter["balance_halala"]
    return json_response(200, {
        "balance_halala": bal, "balance_sar": bal / 100, "held_halala": held, "held_sar": held / 100,
        "available_halala": bal, "total_spent_halala": renter["total_spent_halala"],
        "total_spent_sar": renter["total_spent_halala"] / 100, "total_jobs": renter["total_jobs"]})


def available_providers(req: Request) -> Response:
    """§10: status online and not paused, largest VRAM first; no pricing fields."""
    rows = req.ctx.store.q("SELECT * FROM providers WHERE status = 'online' AND is_paused = 0 "
                           "ORDER BY vram_mib DESC, id")
    out = []
    for p in rows:
        hb = parse_ts(p["last_heartbeat"])
        out.append({
            "id": p["id"], "peer_id": p["peer_id"], "name": p["name"], "gpu_model": p["gpu_model"],
            "vram_gb": round(p["vram_mib"] / 1024) if p["vram_mib"] is not None else None,
            "vram_mib": p["vram_mib"], "gpu_count": p["gpu_count"],
            "driver_version": p["driver_version"], "compute_capability": p["compute_capability"],
            "cuda_version": p["cuda_version"], "status": "online",
            "is_live": hb is not None and time.time() - hb <= 120, "location": p["location"],
            "reliability_score": p["reliability_score"],
            "cached_models": json.loads(p["cached_models"] or "[]"), "discovery_source": "sqlite",
            "discovered_at": None, "stale": False})
    return json_response(200, {
        "providers": out, "total": len(out), "discovery_mode": "sqlite",
        "discovery_health": {"mode": "sqlite", "enabled": False, "announcement_enabled": False,
                             "bootstrap_configured": False}})


def renter_pricing(req: Request) -> Response:
    """§10 GET /api/renters/pricing (rate_halala_per_hour is really USD x 100000)."""
    now = iso()
    rows = [{"gpu_model": needles[0].upper(), "rate_halala_per_hour": round(hourly * 100000),
             "rate_usd_per_hour": f"{hourly:.3f}", "updated_at": now}
            for needles, hourly, _ in pricing.GPU_RATES]
    return json_response(200, {"success": True, "pricing": rows, "count": len(rows), "timestamp": now,
                               "note": "Rates in USD per GPU-hour; quotes use 3.75 SAR/USD."})


def settings(req: Request) -> Response:
    """§10/§12.1 PATCH /api/renters/settings {"webhook_url": ...} (G8)."""
    renter, err = auth.g8(req)
    if err:
        return err
    body = req.body if isinstance(req.body, dict) else {}
    if "webhook_url" not in body:
        return error(400, "No supported settings provided. Use webhook_url.")
    url = body["webhook_url"]
    if url is None or str(url).strip() == "":
        url = None
    elif not isinstance(url, str) or req.ctx.webhooks.settings_url_error(url):
        # the server words every refusal the same way
        return error(400, "webhook_url must be a valid HTTPS URL pointing to a public host")
    else:
        url = normalize_url(url)
    req.ctx.store.update("renters", renter["id"], {"webhook_url": url, "updated_at": iso()})
    return json_response(200, {"success": True, "settings": {"webhook_url": url}})


def topup(req: Request) -> Response:
    """§10: zod first, then the environment gate (403 in production), then the key."""
    fields = validate(TOPUP_SCHEMA, req.body)
    body = req.body if isinstance(req.body, dict) else {}
    if not fields and "amount_halala" not in body and "amount_sar" not in body:
        fields = [{"field": "(root)", "message": "Provide amount_halala or amount_sar"}]
    if fields:
        return json_response(400, validation_failed(fields))
    if not req.ctx.allow_topup:
        return error(403, "Direct top-up disabled in production. Use payment flow.")
    renter, err = auth.g8(req)
    if err:
        return err
    amount = int(body["amount_halala"]) if "amount_halala" in body else round(body["amount_sar"] * 100)
    req.ctx.store.x("UPDATE renters SET balance_halala = balance_halala + ?, updated_at = ? WHERE id = ?",
                    amount, iso(), renter["id"])
    bal = req.ctx.store.q1("SELECT balance_halala FROM renters WHERE id = ?", renter["id"])["balance_halala"]
    return json_response(200, {"success": True, "topped_up_halala": amount, "topped_up_sar": amount / 100,
                               "new_balance_halala": bal, "new_balance_sar": bal / 100})


# --- §12.2 registered webhooks ---------------------------------------------------------------

def _hook_view(h: dict) -> dict:
    return {"id": h["id"], "url": h["url"], "events": json.loads(h["events"]),
            "active": bool(h["active"]), "created_at": h["created_at"]}


def webhooks_create(req: Request) -> Response:
    renter, err = auth.g12(req, req.params["rid"])
    if err:
        return err
    body = req.body if isinstance(req.body, dict) else {}
    url, secret = body.get("url"), body.get("secret")
    if not isinstance(url, str) or not url:
        return error(400, "url is required")
    problem = req.ctx.webhooks.registration_url_error(url)
    if problem:
        return error(400, problem)
    if not isinstance(secret, str) or len(secret) < 16:
        return error(400, "secret is required and must be at least 16 characters")
    events = body.get("events", WEBHOOK_EVENTS)
    if not isinstance(events, list) or not events or any(e not in WEBHOOK_EVENTS for e in events):
        return error(400, "events must be a non-empty array of: " + ", ".join(WEBHOOK_EVENTS))
    store = req.ctx.store
    if store.q1("SELECT COUNT(*) AS n FROM webhooks WHERE renter_id = ? AND active = 1",
                renter["id"])["n"] >= 5:
        return error(422, "Maximum 5 active webhooks per renter")
    hook = {"id": str(uuid.uuid4()), "renter_id": renter["id"], "url": normalize_url(url), "secret": secret,
            "events": json.dumps(list(dict.fromkeys(events))), "active": 1, "created_at": iso()}
    store.insert("webhooks", hook)
    return json_response(201, _hook_view(hook))


def webhooks_list(req: Request) -> Response:
    renter, err = auth.g12(req, req.params["rid"])
    if err:
        return err
    rows = req.ctx.store.q("SELECT * FROM webhooks WHERE renter_id = ? ORDER BY created_at", renter["id"])
    return json_response(200, {"webhooks": [_hook_view(h) for h in rows]})


def webhooks_delete(req: Request) -> Response:
    renter, err = auth.g12(req, req.params["rid"])
    if err:
        return err
    hook = req.ctx.store.q1("SELECT * FROM webhooks WHERE id = ? AND renter_id = ?",
                            req.params["wid"], renter["id"])
    if not hook:
        return error(404, "Webhook not found")
    req.ctx.store.update("webhooks", hook["id"], {"active": 0})
    return json_response(200, {"success": True, "id": hook["id"], "active": False})


def rotate_key(req: Request) -> Response:
    """§10 rotate-key (G8, master key): the old key stops working at once; 3 per 24 h,
    then 429 without Retry-After."""
    renter, err = auth.g8(req)
    if err:
        return err
    now = time.time()
    recent = [t for t in req.ctx.rotations.get(renter["id"], []) if now - t < 86400]
    if len(recent) >= 3:
        return error(429, "Rate limit exceeded: max 3 key rotations per 24 hours")
    new_key = f"dcp-renter-{uuid.uuid4()}"
    req.ctx.store.update("renters", renter["id"], {"api_key": new_key, "updated_at": iso()})
    req.ctx.rotations[renter["id"]] = recent + [now]
    return json_response(200, {"success": True,
                               "message": "API key rotated. Update your integrations; the old key "
                                          "no longer works.",
                               "new_key": new_key, "api_key": new_key, "renter_id": renter["id"]})


def _day(ts) -> str | None:
    t = parse_ts(ts)
    return iso(t)[:10] if t is not None else None


def me_spending(req: Request) -> Response:
    """GET /api/renters/me/spending (G11): completed jobs by month (12) and by day (30 days)."""
    renter, err = auth.g11(req)
    if err:
        return err
    rows = req.ctx.store.q("SELECT created_at, COALESCE(actual_cost_halala, cost_halala, 0) AS c FROM jobs "
                           "WHERE renter_id = ? AND status = 'completed'", renter["id"])
    months: dict = {}
    days: dict = {}
    cutoff = iso(time.time() - 30 * 86400)[:10]
    for r in rows:
        d = _day(r["created_at"])
        if not d:
            continue
        m = months.setdefault(d[:7], {"month": d[:7], "jobs": 0, "total_halala": 0})
        m["jobs"] += 1
        m["total_halala"] += r["c"]
        if d >= cutoff:
            x = days.setdefault(d, {"date": d, "jobs": 0, "total_halala": 0})
            x["jobs"] += 1
            x["total_halala"] += r["c"]
    total = sum(r["c"] for r in rows)
    return json_response(200, {
        "all_time": {"total_jobs": len(rows), "total_halala": total, "total_sar": total / 100},
        "monthly": sorted(months.values(), key=lambda v: v["month"], reverse=True)[:12],
        "last_30_days": sorted(days.values(), key=lambda v: v["date"], reverse=True)})


def me_jobs_export(req: Request) -> Response:
    """GET /api/renters/me/jobs/export?key= (G9): CSV of up to 1000 jobs, newest first."""
    renter, err = auth.g9(req)
    if err:
        return err
    where, args = ["renter_id = ?"], [renter["id"]]
    for name, op in (("from_date", ">="), ("to_date", "<=")):
        v = req.q(name)
        if v and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            where.append(f"substr(COALESCE(submitted_at, created_at), 1, 10) {op} ?")
            args.append(v)
    st = req.q("status")
    if st in ("completed", "failed", "running", "pending"):
        where.append("status = ?")
        args.append(st)
    rows = req.ctx.store.q(f"SELECT id, job_id, job_type, status, actual_cost_halala, cost_halala, provider_id, "
                           f"submitted_at, completed_at FROM jobs WHERE {' AND '.join(where)} "
                           "ORDER BY COALESCE(submitted_at, created_at) DESC, id DESC LIMIT 1000", *args)
    header = "job_id,model,status,cost_halala,cost_sar,provider_id,started_at,completed_at,duration_seconds"
    lines = [header]
    for r in rows:
        cost = r["actual_cost_halala"] if r["actual_cost_halala"] is not None else (r["cost_halala"] or 0)
        start, end = r["submitted_at"] or "", r["completed_at"] or ""
        dur = ""
        if start and end and parse_ts(start) is not None and parse_ts(end) is not None:
            dur = js_round(parse_ts(end) - parse_ts(start))
        vals = [r["job_id"] or r["id"], r["job_type"] or "", r["status"] or "", cost, f"{cost / 100:.2f}",
                r["provider_id"] or "", start, end, dur]
        lines.append(",".join('"' + str(v).replace('"', '""') + '"' for v in vals))
    today = iso()[:10]
    return Response(200, "\r\n".join(lines).encode("utf-8"),
                    [("Content-Type", "text/csv; charset=utf-8"),
                     ("Content-Disposition", f"attachment; filename=dcp-jobs-{today}.csv")])


def me_usage(req: Request) -> Response:
    """GET /api/renters/me/usage?key= (G9). The stored server code gives no shape for this
    route; the emulator answers with the renter's metered /v1 usage and job spend (see
    docs/emulator.md)."""
    renter, err = auth.g9(req)
    if err:
        return err
    store = req.ctx.store
    v1 = store.q1("SELECT COUNT(*) AS n, COALESCE(SUM(prompt_tokens),0) AS pt, "
                  "COALESCE(SUM(completion_tokens),0) AS ct, COALESCE(SUM(actual_cost_halala),0) AS c "
                  "FROM jobs WHERE renter_id = ? AND notes LIKE 'v1:proxy:%'", renter["id"])
    by_model = store.q("SELECT model, COUNT(*) AS requests, COALESCE(SUM(prompt_tokens),0) AS prompt_tokens, "
                       "COALESCE(SUM(completion_tokens),0) AS completion_tokens, "
                       "COALESCE(SUM(actual_cost_halala),0) AS cost_halala FROM jobs "
                       "WHERE renter_id = ? AND notes LIKE 'v1:proxy:%' GROUP BY model ORDER BY requests DESC",
                       renter["id"])
    jobs = store.q1("SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN status = 'completed' THEN "
                    "COALESCE(actual_cost_halala, cost_halala, 0) ELSE 0 END), 0) AS spent FROM jobs "
                    "WHERE renter_id = ? AND (notes IS NULL OR notes NOT LIKE 'v1:proxy:%')", renter["id"])
    return json_response(200, {
        "renter_id": renter["id"],
        "v1": {"total_requests": v1["n"], "prompt_tokens": v1["pt"], "completion_tokens": v1["ct"],
               "total_tokens": v1["pt"] + v1["ct"], "total_cost_halala": v1["c"],
               "by_model": [dict(m, total_tokens=m["prompt_tokens"] + m["completion_tokens"]) for m in by_model]},
        "jobs": {"total_jobs": jobs["n"], "completed_spend_halala": jobs["spent"]},
        "balance_halala": renter["balance_halala"], "total_spent_halala": renter["total_spent_halala"]})


def health(req: Request) -> Response:
    """GET /api/health with the real server's fields (issue 18)."""
    store = req.ctx.store
    count = lambda sql: store.q1(sql)["n"]  # noqa: E731
    sweep = dict(req.ctx.engine.sweep_metrics)
    return json_response(200, {
        "status": "ok", "timestamp": iso(), "db": "ok",
        "providers": {"total": count("SELECT COUNT(*) AS n FROM providers"),
                      "online": count("SELECT COUNT(*) AS n FROM providers WHERE status = 'online'")},
        "jobs": {"queued": count("SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued'"),
                 "running": count("SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'")},
        "sweepErrors": sweep["sweepErrors"], "sweep": sweep})


def register(router) -> None:
    add = router.add
    add("GET", "/api/health", health)
    add("GET", "/api/renters/me", me)
    add("GET", "/api/renters/me/spending", me_spending)
    add("GET", "/api/renters/me/usage", me_usage)
    add("GET", "/api/renters/me/jobs/export", me_jobs_export)
    add("GET", "/api/renters/balance", balance)
    add("GET", "/api/renters/available-providers", available_providers)
    add("GET", "/api/renters/pricing", renter_pricing)
    add("PATCH", "/api/renters/settings", settings)
    add("POST", "/api/renters/topup", topup, limiter="topup")
    add("POST", "/api/renters/rotate-key", rotate_key)
    add("POST", "/api/renters/me/rotate-key", rotate_key)
    add("POST", "/api/renters/:rid/webhooks", webhooks_create, limiter="webhookRegistration")
    add("GET", "/api/renters/:rid/webhooks", webhooks_list, limiter="webhookRegistration")
    add("DELETE", "/api/renters/:rid/webhooks/:wid", webhooks_delete, limiter="webhookRegistration")
