"""``/api/jobs/...``: submit (§7.1), the dispatch variant (§7.4), reads (§8),
control (§9) and the lists (§8.10)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time

from . import auth, catalog, pricing, sse, workloads
from .httputil import Request, Response, empty, error, json_response
from .jobs import (EXECUTING, PHASE_MESSAGES, TERMINAL, elapsed_since, retry_reason)
from .util import dumps, iso, money2, parse_ts, sql_ms, submit_job_id, dispatch_job_id, usd6
from .validation import SUBMIT_SCHEMA, validate, validation_failed

ALLOWED_JOB_TYPES = ["image_generation", "llm-inference", "llm_inference", "rendering", "training",
                     "benchmark", "custom_container", "vllm_serve", "rag-pipeline"]
TEMPLATE_TYPES = {"llm_inference", "llm-inference", "image_generation", "vllm_serve",
                  "custom_container"}

# docker-templates/<id>.json (§7.1 template_id): the catalogue's templates.
TEMPLATES = catalog.TEMPLATES
BUNDLES = {"arabic-rag": {"job_type": "rag-pipeline", "min_vram_gb": 24,
                          "components": ["embeddings:BAAI/bge-m3", "reranker:BAAI/bge-reranker-v2-m3",
                                         "llm:ALLaM-7B-Instruct"]}}
WEAK_NOTEBOOK_TOKENS = {"dc1jupyter", "", "jupyter", "password", "token"}
_IMAGE_REF = re.compile(r"^[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$")
LEGACY_SPECS = {"training": ("training", "training"), "rendering": ("rendering", "rendering"),
                "benchmark": ("benchmark", "inference"), "llm_inference": ("llm", "inference"),
                "llm-inference": ("llm", "inference"),
                "image_generation": ("image_generation", "rendering")}


# --------------------------------------------------------------------------- helpers

def load_job(req: Request) -> dict | None:
    """Every ``/:id`` matches both the integer id and the string job_id (§1.5)."""
    return req.ctx.store.q1("SELECT * FROM jobs WHERE CAST(id AS TEXT) = ? OR job_id = ? LIMIT 1",
                            req.params["id"], req.params["id"])


def job_view(req: Request, job: dict) -> dict:
    """§5.3 full row + computed fields, as GET /api/jobs/:id returns it."""
    out = dict(job)
    out["gpu_requirements"] = json.loads(job["gpu_requirements"]) if job["gpu_requirements"] else None
    if job["status"] == "queued":
        out["queue_position"] = req.ctx.engine.queue_position(job)
    out["retry_count"] = int(job["retry_count"] or 0)
    out["max_retries"] = int(job["max_retries"] or 2)
    out["retry_reason"] = retry_reason(job)
    out["elapsed_sec"] = elapsed_since(job["started_at"])
    out["tokens_used"] = None
    cost = job["actual_cost_halala"] if job["actual_cost_halala"] is not None else job["cost_halala"]
    out["cost_usd"] = usd6(cost)
    return out


def normalize_image_ref(value) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or not value.strip():
        return None, "image reference must be a non-empty string"
    ref = value.strip()
    if not _IMAGE_REF.match(ref):
        return None, f"invalid image reference '{value}'"
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in last:
        ref += ":latest"
    return ref, None


def normalize_container_spec(raw: dict) -> tuple[dict | None, str | None]:
    """§7.1 step 8: container_spec rules; each violation -> 400 {"error": "container_spec..."}."""
    image_type = raw.get("image_type")
    if not isinstance(image_type, str) or not image_type.strip():
        return None, "container_spec.image_type is required"
    out = {"image_type": image_type.strip()[:120]}
    model_id = raw.get("model_id")
    if model_id is not None and (not isinstance(model_id, str) or not model_id.strip()):
        return None, "container_spec.model_id must be a non-empty string when provided"
    env = raw.get("env")
    if env is not None and not isinstance(env, dict):
        return None, "container_spec.env must be an object when provided"
    ckpt = raw.get("enable_checkpoint")
    if ckpt is not None and not isinstance(ckpt, bool):
        return None, "container_spec.enable_checkpoint must be boolean when provided"

    def int_in(v, lo, hi):
        return isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() \
            and lo <= v <= hi
    vram = raw.get("vram_required_mb")
    if vram is not None and not int_in(vram, 0, 1024 * 1024):
        return None, "container_spec.vram_required_mb must be a non-negative integer when provided"
    count = raw.get("gpu_count")
    if count is not None and not int_in(count, 1, 64):
        return None, "container_spec.gpu_count must be an integer between 1 and 64 when provided"
    ctype = raw.get("compute_type")
    ctype = ctype.strip().lower() if isinstance(ctype, str) and ctype.strip() else None
    if ctype and ctype not in ("inference", "training", "rendering"):
        return None, "container_spec.compute_type must be one of: inference, training, rendering"
    prewarm = raw.get("prewarm_requested")
    if prewarm is not None and not isinstance(prewarm, bool):
        return None, "container_spec.prewarm_requested must be boolean when provided"
    image = None
    requested = raw.get("image") if raw.get("image") is not None else raw.get("image_override")
    if requested is not None:
        image, err = normalize_image_ref(requested)
        if err:
            return None, f"container_spec.image: {err}"
        if not catalog.is_approved_image(image):
            return None, ("container_spec.image is not approved. Use GET /api/containers/registry "
                          "for allowed images.")
    out.update({"vram_required_mb": int(vram) if vram is not None else 0,
                "gpu_count": int(count) if count is not None else 1,
                "compute_type": ctype or "inference",
                "pricing_class": pricing.normalize_pricing_class(raw.get("pricing_class"))})
    if model_id:
        out["model_id"] = model_id.strip()[:200]
    if image:
        out["image"] = image
    if env:
        out["env"] = env
    if ckpt:
        out["enable_checkpoint"] = True
    if prewarm:
        out["prewarm_requested"] = True
    return out, None


def legacy_container_spec(job_type: str) -> dict:
    image_type, compute = LEGACY_SPECS.get(job_type, (job_type or "generic", "inference"))
    return {"image_type": image_type, "vram_required_mb": 0, "gpu_count": 1,
            "compute_type": compute, "pricing_class": "standard"}


def provider_online(p: dict) -> bool:
    """§7.1 step 9: status online or a heartbeat within 10 min, and not offline/paused/..."""
    status = str(p["status"] or "").lower()
    hb = parse_ts(p["last_heartbeat"])
    recent = hb is not None and time.time() - hb <= 600
    return status not in ("offline", "paused", "banned", "suspended") and (status == "online" or recent)


def route_provider(req: Request, min_vram: float, gpu_type: str | None) -> dict | None:
    """Auto-routing: capable providers, idle before busy, live before stale, then price."""
    engine = req.ctx.engine
    want = re.sub(r"[^A-Za-z0-9]", "", gpu_type or "").upper()
    best, best_key = None, None
    for p in req.ctx.store.q("SELECT * FROM providers WHERE is_paused = 0 AND "
                             "approval_status = 'approved' ORDER BY id"):
        if not provider_online(p):
            continue
        if min_vram and (p["vram_mib"] or 0) / 1024 < min_vram:
            continue
        if want and want not in re.sub(r"[^A-Za-z0-9]", "", p["gpu_model"] or "").upper():
            continue
        key = (engine.provider_busy(p["id"]), not p["live"], pricing.gpu_rate(p["gpu_model"])[1], p["id"])
        if best_key is None or key < best_key:
            best, best_key = p, key
    return best


def effective_timeout(value) -> int:
    """§5.2: integers 60-3600 take effect; anything else silently becomes 1800."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and float(value).is_integer() and 60 <= value <= 3600:
        return int(value)
    return 1800


def quota_limits(req: Request, renter: dict) -> tuple[int, int]:
    q = req.ctx.quota
    return (renter["daily_jobs_limit"] or q["daily_jobs_limit"],
            renter["monthly_spend_limit_halala"] or q["monthly_spend_limit_halala"])


def sign_task_spec(req: Request, spec: str) -> str:
    secret = req.ctx.store.meta("hmac_secret", "dc1-emulator")
    return hmac.new(secret.encode(), spec.encode("utf-8"), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- §7.1 submit

def submit(req: Request) -> Response:
    renter, err = auth.g1(req)
    if err:
        return err
    body = req.body
    fields = validate(SUBMIT_SCHEMA, body)
    if fields:
        return json_response(400, validation_failed(fields))
    store, engine = req.ctx.store, req.ctx.engine

    bundle = None
    if body.get("bundle_id"):
        bundle = BUNDLES.get(body["bundle_id"])
        if not bundle:
            return error(404, f"Bundle '{body['bundle_id']}' not found",
                         available_bundles=list(BUNDLES))
    template = None
    if body.get("template_id"):
        template = TEMPLATES.get(body["template_id"])
        if not template:
            return error(404, f"Template '{body['template_id']}' not found")

    job_type = body.get("job_type") or (template or {}).get("job_type") or (bundle or {}).get("job_type")
    gpu_req = body.get("gpu_requirements")
    if gpu_req is None and (template or bundle):
        gpu_req = {"min_vram_gb": (template or bundle)["min_vram_gb"]}
    container_spec = body.get("container_spec")
    if container_spec is None and template and template.get("image") not in (None, "custom"):
        container_spec = {"image_override": template["image"]}     # §16.4 quirk
    duration = body.get("duration_minutes")
    if not job_type or duration is None:
        return error(400, "Missing required fields: job_type (or templateId), duration_minutes")
    if job_type not in ALLOWED_JOB_TYPES:
        return error(400, "Invalid job_type. Allowed: " + ", ".join(ALLOWED_JOB_TYPES))

    gpu_type = (gpu_req or {}).get("gpu_type")
    if gpu_type is not None:
        norm_type = re.sub(r"[^A-Za-z0-9]", "", str(gpu_type)).upper()
        if norm_type not in pricing.GPU_TYPES:
            return error(400, f"Invalid gpu_type '{gpu_type}'. Allowed: " + ", ".join(pricing.GPU_TYPES),
                         code="INVALID_GPU_TYPE")
    params = dict(body.get("params") or {})
    if (template or {}).get("id") == "jupyter-gpu" or \
            (job_type == "training" and params.get("script_type") == "jupyter"):
        token = params.get("NOTEBOOK_TOKEN")
        if not token or str(token).strip() in WEAK_NOTEBOOK_TOKENS:
            return error(400, "NOTEBOOK_TOKEN must be a unique, non-default value. Generate a random "
                              "token (e.g. a UUID) and pass it as params.NOTEBOOK_TOKEN.",
                         code="WEAK_NOTEBOOK_TOKEN")

    spec, err_msg = normalize_container_spec(container_spec if isinstance(container_spec, dict)
                                             else legacy_container_spec(job_type))
    if err_msg:
        return error(400, err_msg)
    pricing_class = pricing.normalize_pricing_class(body.get("pricing_class") or spec["pricing_class"])
    prewarm = body.get("prewarm_requested") is True or spec.get("prewarm_requested") is True
    spec["pricing_class"] = pricing_class
    spec.pop("prewarm_requested", None)
    if prewarm:
        spec["prewarm_requested"] = True

    min_vram = float((gpu_req or {}).get("min_vram_gb") or 0)
    provider = None
    if body.get("provider_id") is not None:
        provider = store.q1("SELECT * FROM providers WHERE id = ?", body["provider_id"])
        if not provider:
            return error(404, "Provider not found")
        if not provider_online(provider):
            return error(400, "Provider is not online", provider_status=provider["status"])
    else:
        provider = route_provider(req, min_vram, gpu_type)
    if prewarm and provider:
        # §16.3: the handler references an undefined variable here.
        return error(500, "Job submission failed")
    busy = bool(provider) and engine.provider_busy(provider["id"])
    queued = provider is None or busy

    if gpu_req and provider:
        pv = (provider["vram_mib"] or 0) / 1024
        if min_vram and pv and pv < min_vram:
            return error(400, "Provider does not meet GPU requirements", required_vram_gb=min_vram,
                         provider_vram_gb=pv)

    cost, snapshot = pricing.quote(job_type, duration, pricing_class,
                                   provider["gpu_model"] if provider else None, gpu_type)
    balance = renter["balance_halala"]
    if balance <= 0:
        return error(402, "Balance is zero. Please top up your renter wallet before submitting jobs.",
                     balance_halala=balance, required_halala=cost)
    daily_limit, monthly_limit = quota_limits(req, renter)
    today = store.q1("SELECT COUNT(*) AS n FROM jobs WHERE renter_id = ? AND "
                     "date(replace(COALESCE(submitted_at, created_at), 'Z', '')) = date('now')",
                     renter["id"])["n"]
    if today + 1 > daily_limit:
        return error(429, "Daily job submission quota exceeded", daily_jobs_limit=daily_limit,
                     submitted_today=today)
    month = store.q1("SELECT COALESCE(SUM(COALESCE(actual_cost_halala, cost_halala)), 0) AS s FROM jobs "
                     "WHERE renter_id = ? AND strftime('%Y-%m', replace(COALESCE(submitted_at, "
                     "created_at), 'Z', '')) = strftime('%Y-%m', 'now')", renter["id"])["s"]
    if month + cost > monthly_limit:
        return error(429, "Monthly spend quota exceeded", monthly_spend_limit_halala=monthly_limit,
                     spent_this_month_halala=month, requested_halala=cost)
    if balance < cost:
        short = cost - balance
        return error(402, "Insufficient balance", balance_halala=balance, required_halala=cost,
                     shortfall_halala=short,
                     message=f"Top up at least {math.ceil(short / 100)} SAR to submit this job. "
                             "POST /api/renters/topup")

    # Task payload (§7.3).
    task_spec_obj = body.get("task_spec")
    if job_type in TEMPLATE_TYPES and not params and task_spec_obj:
        params = dict(task_spec_obj)
    if body.get("model") and not params.get("model"):
        params["model"] = body["model"]
    if job_type == "custom_container" and params.get("image_override"):
        ref, ref_err = normalize_image_ref(params["image_override"])
        if ref_err:
            return error(400, f"params.image_override: {ref_err}")
        if not catalog.is_approved_image(ref):
            return error(400, "params.image_override is not in the approved image registry. Use GET "
                              "/api/containers/registry for allowed images.", code="IMAGE_NOT_APPROVED")
        params["image_override"] = ref
    norm = workloads.normalized_params(job_type, params)
    task_spec = workloads.task_spec_for(job_type, norm, params,
                                        None if job_type in TEMPLATE_TYPES else task_spec_obj)
    model = params.get("model") or body.get("model")
    timeout = effective_timeout(body.get("max_duration_seconds"))
    job_id = submit_job_id()
    with store.transaction():
        store.x("UPDATE renters SET balance_halala = balance_halala - ?, total_jobs = total_jobs + 1, "
                "updated_at = ? WHERE id = ?", cost, iso(), renter["id"])
        job = engine.create_job({
            "job_id": job_id, "provider_id": provider["id"] if provider else None,
            "renter_id": renter["id"], "job_type": job_type,
            "model": str(model) if model is not None else None,
            "template_id": (template or {}).get("id"), "status": "queued" if queued else "pending",
            "duration_minutes": duration, "cost_halala": cost,
            "gpu_requirements": dumps(gpu_req) if gpu_req else None, "container_spec": dumps(spec),
            "task_spec": task_spec, "task_spec_hmac": sign_task_spec(req, task_spec),
            "max_duration_seconds": timeout,
            "timeout_at": None if queued else sql_ms(time.time() + timeout),
            "priority": parse_priority(body.get("priority")), "pricing_class": pricing_class,
            "prewarm_requested": 1 if prewarm else 0, "workspace_volume_name": f"dcp-job-{job_id}",
            "checkpoint_enabled": 1 if spec.get("enable_checkpoint") else 0,
            "gpu_rate_snapshot": dumps(snapshot) if snapshot else None,
            "vram_required": spec["vram_required_mb"], "max_retries": 2, "retry_count": 0}, params)
    position = engine.queue_position(job) if queued else None
    out = {"id": job["id"], "job_id": job["job_id"], "provider_id": job["provider_id"],
           "renter_id": job["renter_id"], "job_type": job["job_type"], "model": job["model"],
           "status": job["status"], "submitted_at": job["submitted_at"], "started_at": job["started_at"],
           "duration_minutes": job["duration_minutes"], "cost_halala": job["cost_halala"],
           "max_duration_seconds": timeout, "timeout_at": job["timeout_at"],
           "gpu_requirements": gpu_req or None, "container_spec": spec,
           "workspace_volume_name": job["workspace_volume_name"],
           "checkpoint_enabled": bool(job["checkpoint_enabled"]), "task_spec_signed": True,
           "priority": job["priority"], "pricing_class": pricing_class, "prewarm_requested": prewarm,
           "queue_position": position}
    if bundle:
        out["bundle_id"] = body["bundle_id"]
        out["bundle_components"] = bundle["components"]
    resp = {"success": True, "job": out}
    if queued:
        resp["queued"] = True
        resp["message"] = (
            f"Provider is busy. Your job is #{position} in queue and will run automatically when "
            "the provider is free." if provider else
            f"No capable provider is currently available. Your job is queued at position #{position} "
            "and will start when a matching provider heartbeats.")
    return json_response(201, resp)


def parse_priority(value) -> int:
    """§7.1: a string parsed as an integer 0-10, else 2."""
    n = workloads.js_parse_int(value) if isinstance(value, str) else None
    return n if n is not None and 0 <= n <= 10 else 2


# --------------------------------------------------------------------------- §7.4 POST /api/jobs

def dispatch(req: Request) -> Response:
    renter, err = auth.g1(req)
    if err:
        return err
    body = req.body if isinstance(req.body, dict) else {}
    idem = (req.header("x-idempotency-key") or "")[:128]
    cache = req.ctx.idempotency
    if idem:
        hit = cache.get(("dispatch", renter["id"], idem))
        if hit:
            return json_response(200, dict(hit, idempotent=True))
    template = None
    if body.get("template_id"):
        template = TEMPLATES.get(body["template_id"]) if isinstance(body["template_id"], str) else None
        if not template:
            return error(400, f"Template '{body['template_id']}' not found", code="INVALID_TEMPLATE_ID",
                         available_templates=sorted(TEMPLATES))
    job_type = body.get("job_type") or (template or {}).get("job_type")
    duration = body.get("duration_minutes")
    ok_duration = isinstance(duration, (int, float)) and not isinstance(duration, bool) \
        and 0.01 <= duration <= 1440
    if not job_type or not ok_duration:
        return error(400, "Missing required fields: job_type (or template_id), duration_minutes")
    if job_type not in ALLOWED_JOB_TYPES:
        return error(400, "Invalid job_type. Allowed: " + ", ".join(ALLOWED_JOB_TYPES))
    gpu_req = body.get("gpu_requirements") if isinstance(body.get("gpu_requirements"), dict) else None
    min_vram = gpu_req.get("min_vram_gb") if gpu_req else 0
    provider = route_provider(req, float(min_vram or 0) if isinstance(min_vram, (int, float)) else 0,
                              (gpu_req or {}).get("gpu_type"))
    if not any(provider_online(p) for p in req.ctx.store.q("SELECT * FROM providers")):
        return error(503, "No providers are currently online. Please retry in a minute.",
                     code="NO_PROVIDERS_AVAILABLE", retry_after_seconds=60)
    pricing_class = pricing.normalize_pricing_class(body.get("pricing_class") or "standard")
    cost = pricing.job_type_quote(job_type, duration, pricing_class)
    if renter["balance_halala"] < cost:
        return error(402, "Insufficient balance", balance_halala=renter["balance_halala"],
                     required_halala=cost, shortfall_halala=cost - renter["balance_halala"])
    store = req.ctx.store
    with store.transaction():
        store.x("UPDATE renters SET total_jobs = total_jobs + 1, updated_at = ? WHERE id = ?",
                iso(), renter["id"])
        job = req.ctx.engine.create_job({
            "job_id": dispatch_job_id(), "provider_id": provider["id"] if provider else None,
            "renter_id": renter["id"], "job_type": job_type,
            "model": body.get("model") if isinstance(body.get("model"), str) else None,
            "status": "pending", "duration_minutes": duration, "cost_halala": cost,
            "gpu_requirements": dumps(gpu_req) if gpu_req else None, "pricing_class": pricing_class,
            "priority": 2}, {})
    resp = {"success": True,
            "job": {k: job[k] for k in ("job_id", "job_type", "model", "status", "cost_halala",
                                         "duration_minutes", "pricing_class", "submitted_at",
                                         "provider_id", "renter_id")},
            "dispatch": {"assigned": provider is not None, "queued": provider is None,
                         "hold_id": f"hold-{job['job_id']}",
                         "provider": {"id": provider["id"], "name": provider["name"]} if provider else None}}
    if idem:
        cache.put(("dispatch", renter["id"], idem), resp, 300)
    return json_response(201, resp)


# --------------------------------------------------------------------------- §8 reads

def _find_or_404(req: Request):
    job = load_job(req)
    if not job:
        return None, error(404, "Job not found")
    if not auth.can_read_job(req, job):
        return None, error(403, "Forbidden")
    return job, None


def get_job(req: Request) -> Response:
    job, err = _find_or_404(req)
    return err or json_response(200, {"job": job_view(req, job)})


def job_status(req: Request) -> Response:
    """§8.2 the lightweight poll."""
    job, err = _find_or_404(req)
    if err:
        return err
    provider = req.ctx.store.q1("SELECT last_heartbeat FROM providers WHERE id = ?", job["provider_id"]) \
        if job["provider_id"] else None
    hb = parse_ts((provider or {}).get("last_heartbeat"))
    cost = job["actual_cost_halala"] if job["actual_cost_halala"] is not None else job["cost_halala"]
    return json_response(200, {
        "job_id": job["job_id"], "status": job["status"],
        "tokens_generated": job["completion_tokens"] or 0,
        "elapsed_seconds": elapsed_since(job["started_at"],
                                         job["completed_at"] if job["status"] in TERMINAL else None) or 0,
        "estimated_cost_usd": usd6(cost), "provider_online": hb is not None and time.time() - hb <= 90})


_MARKER = re.compile(r"DC1_RESULT_JSON:(\{[\s\S]+\})\s*$")


def structured_result(result: str) -> tuple[dict | None, bool]:
    """(object, came_from_marker) per the §8.3 parsing rules."""
    m = _MARKER.search(result)
    if m:
        try:
            obj = json.loads(m.group(1))
            if isinstance(obj, dict):
                return obj, True
        except ValueError:
            pass
    if result.startswith("{"):
        try:
            obj = json.loads(result)
            if isinstance(obj, dict):
                if obj.get("type") == "llm_inference":
                    obj["type"] = "text"
                return obj, False
        except ValueError:
            pass
    return None, False


def _billing(job: dict) -> dict:
    a = job["actual_cost_halala"]
    return {"actual_cost_halala": a, "actual_cost_sar": money2(a) if a else None}


def job_output(req: Request) -> Response:
    """§8.3: 410 / 202 / 204 / 206 / 200 (JSON or raw PNG by Accept)."""
    job, err = _find_or_404(req)
    if err:
        return err
    status = job["status"]
    if status in ("failed", "cancelled"):
        return json_response(410, {
            "status": status,
            "error": job["error"] or ("Job was cancelled" if status == "cancelled" else "Job failed"),
            "job_id": job["job_id"], "submitted_at": job["submitted_at"],
            "started_at": job["started_at"], "completed_at": job["completed_at"],
            "progress_phase": job["progress_phase"] or None, "refunded": bool(job["refunded_at"])})
    if status != "completed":       # §16.9: 202 for every other status
        phase = job["progress_phase"]
        message = PHASE_MESSAGES.get(phase) or ("Job running..." if status == "running"
                                                else f"Job status: {status}")
        return json_response(202, {
            "status": status, "message": message, "progress_phase": phase or None,
            "job_id": job["job_id"], "submitted_at": job["submitted_at"],
            "started_at": job["started_at"], "progress_updated_at": job["progress_updated_at"] or None,
            "timeout_at": job["timeout_at"] or None, "cost_halala": job["cost_halala"] or 0})
    if not job["result"]:
        return empty(204)
    obj, _ = structured_result(job["result"])
    if obj and obj.get("type") == "image" and obj.get("data"):
        b64 = re.sub(r"\s", "", str(obj["data"]))
        valid = re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", b64) is not None
        expected = (obj.get("width") or 256) * (obj.get("height") or 256) * 0.05
        decoded = len(b64) * 3 // 4
        if not valid or decoded < expected:
            return json_response(206, {
                "error": "Image data appears truncated or corrupted", "type": "image",
                "expected_dimensions": f"{obj.get('width')}x{obj.get('height')}",
                "base64_length": len(b64), "decoded_bytes": decoded,
                "expected_min_bytes": int(math.floor(expected + 0.5)), "valid_base64": valid,
                "hint": "The provider daemon may have truncated stdout. Ensure daemon version >= 3.1.0",
                "billing": _billing(job)})
        if "application/json" in (req.header("accept") or ""):
            return json_response(200, {
                "type": "image", "format": obj.get("format") or "png", "width": obj.get("width"),
                "height": obj.get("height"), "prompt": obj.get("prompt"), "model": obj.get("model"),
                "seed": obj.get("seed"), "gen_time_s": obj.get("gen_time_s"),
                "total_time_s": obj.get("total_time_s"), "device": obj.get("device"),
                "image_base64": obj["data"], "image_bytes": decoded, "billing": _billing(job)})
        prompt = str(obj.get("prompt") or "")[:200]
        try:
            prompt.encode("latin-1")          # §16.8: a non-Latin-1 prompt cannot be a header
        except UnicodeEncodeError:
            return error(500, "Failed to fetch job output")
        raw = base64.b64decode(b64 + "=" * (-len(b64) % 4))
        return Response(200, raw, [("Content-Type", f"image/{obj.get('format') or 'png'}"),
                                   ("X-DCP-Prompt", prompt), ("X-DCP-Seed", str(obj.get("seed") or "")),
                                   ("X-DCP-GenTime", str(obj.get("gen_time_s") or "")),
                                   ("X-DCP-ImageBytes", str(decoded))])
    if obj and obj.get("type") == "text":
        return json_response(200, {"type": "text", **{k: obj.get(k) for k in (
            "prompt", "response", "model", "tokens_generated", "tokens_per_second", "gen_time_s",
            "total_time_s", "device")}, "billing": _billing(job)})
    return json_response(200, {"type": "text", "result": job["result"], "billing": _billing(job)})


def job_output_format(req: Request) -> Response:
    """§8.4: always PNG bytes; 400 (not 202) while unfinished."""
    fmt = req.params["format"]
    if fmt.lower() not in ("png", "jpeg", "jpg", "webp"):
        return error(400, f"Invalid format: {fmt}. Supported: png, jpeg, webp")
    job, err = _find_or_404(req)
    if err:
        return err
    if job["status"] != "completed":
        return error(400, "Job not completed")
    if not job["result"]:
        return empty(204)
    m = _MARKER.search(job["result"])
    if not m:
        return error(400, "No structured image data found")
    try:
        obj = json.loads(m.group(1))
    except ValueError:
        return error(500, "Failed to parse image data")
    if not isinstance(obj, dict) or obj.get("type") != "image" or not obj.get("data"):
        return error(400, "Job is not an image generation job")
    raw = base64.b64decode(re.sub(r"\s", "", obj["data"]) + "=" * (-len(obj["data"]) % 4))
    return Response(200, raw, [("Content-Type", "image/png"),
                               ("Content-Disposition", f'attachment; filename="dcp-{job["job_id"]}.png"')])


def _int_param(req: Request, name: str) -> int | None:
    v = req.q(name)
    return workloads.js_parse_int(v) if v is not None else None


def job_logs(req: Request) -> Response:
    """§8.5: since is exclusive; limit default 200, max 1000; has_more = len == limit."""
    job, err = _find_or_404(req)
    if err:
        return err
    store = req.ctx.store
    if req.query.get("attempt") is not None:
        attempt = _int_param(req, "attempt")
        if attempt is None or attempt < 1 or str(attempt) != str(req.query.get("attempt")).strip():
            return error(400, "attempt must be a positive integer")
        if not store.q1("SELECT 1 AS x FROM job_executions WHERE job_id = ? AND attempt_number = ?",
                        job["job_id"], attempt):
            return error(404, "Execution attempt not found")
        rows = store.q("SELECT level, message, logged_at FROM job_logs WHERE job_id = ? AND "
                       "attempt_number = ? ORDER BY line_no", job["job_id"], attempt)
        text = "".join(f"{r['logged_at']} [{r['level']}] {r['message']}\n" for r in rows)
        return Response(200, text.encode("utf-8"), [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Disposition", f'attachment; filename="{job["job_id"]}-attempt-{attempt}.log"')])
    since = _int_param(req, "since") or 0
    limit = min(_int_param(req, "limit") or 200, 1000)
    rows = store.q("SELECT line_no, level, message, logged_at FROM job_logs WHERE job_id = ? AND "
                   "line_no > ? ORDER BY line_no LIMIT ?", job["job_id"], since, limit)
    total = store.q1("SELECT COUNT(*) AS n FROM job_logs WHERE job_id = ?", job["job_id"])["n"]
    return json_response(200, {
        "schema_version": "2026-03-20.v1", "job_id": job["job_id"], "status": job["status"],
        "logs": [dict(r, logged_at_ms=int((parse_ts(r["logged_at"]) or 0) * 1000) or None) for r in rows],
        "total_lines": total, "has_more": len(rows) == limit})


def _log_event(row: dict) -> bytes:
    return sse.event({"schema_version": "2026-03-20.v1", "type": "log", "event_type": "job.log",
                      "line_no": row["line_no"], "level": row["level"] or "info",
                      "line": row["message"] or "", "logged_at": row["logged_at"],
                      "ts": int((parse_ts(row["logged_at"]) or time.time()) * 1000)})


def logs_stream(req: Request) -> Response:
    """§8.6 (auth G4): data-only JSON events, ends with {"type":"end"}."""
    renter, err = auth.g4(req)
    if err:
        return err
    job = load_job(req)
    if not job or job["renter_id"] != renter["id"]:
        return error(404, "Job not found")
    store, ctx = req.ctx.store, req.ctx
    since = max(_int_param(req, "since") or 0, 0)

    def gen():
        if job["status"] in TERMINAL:
            rows = store.q("SELECT * FROM (SELECT line_no, level, message, logged_at FROM job_logs "
                           "WHERE job_id = ? ORDER BY line_no DESC LIMIT 50) ORDER BY line_no",
                           job["job_id"])
            for r in rows:
                yield _log_event(r)
            yield sse.event({"type": "end", "status": job["status"], "ts": int(time.time() * 1000)})
            return
        last, version, idle = since, -1, 0.0
        while not ctx.stopping:
            with store.lock:
                version = store.version
                rows = store.q("SELECT line_no, level, message, logged_at FROM job_logs WHERE "
                               "job_id = ? AND line_no > ? ORDER BY line_no LIMIT 200",
                               job["job_id"], last)
                latest = store.q1("SELECT status FROM jobs WHERE id = ?", job["id"])
            for r in rows:
                last = r["line_no"]
                yield _log_event(r)
            if not latest or latest["status"] in TERMINAL:
                yield sse.event({"type": "end", "status": (latest or {}).get("status") or "done",
                                 "ts": int(time.time() * 1000)})
                return
            if rows:
                continue
            t0 = time.monotonic()
            store.wait_change(version, 1.0)
            idle += time.monotonic() - t0
            if idle >= 15:
                idle = 0.0
                yield sse.comment("keep-alive")
    return sse.sse_response(gen(), [("Connection", "keep-alive")])


SSE_EVENTS = {"queued": "job_queued", "pending": "job_queued", "assigned": "provider_assigned",
              "pulling": "job_starting", "starting": "job_starting", "running": "job_running",
              "completed": "job_completed", "done": "job_completed", "failed": "job_failed",
              "timed_out": "job_failed", "cancelled": "job_failed", "permanently_failed": "job_failed"}


def _status_payload(job: dict, event: str) -> dict:
    cost = job["actual_cost_halala"] if job["actual_cost_halala"] is not None else job["cost_halala"]
    return {"event": event, "status": job["status"], "provider_id": job["provider_id"],
            "elapsed_sec": elapsed_since(job["started_at"]), "tokens_used": None,
            "cost_usd": usd6(cost)}


def status_stream(req: Request) -> Response:
    """§8.7 named status events; ``end`` once terminal."""
    job, err = _find_or_404(req)
    if err:
        return err
    store, ctx = req.ctx.store, req.ctx

    def gen():
        first = SSE_EVENTS.get(job["status"]) or "job_queued"
        yield sse.event(_status_payload(job, first), first)
        if job["status"] in TERMINAL:
            yield sse.event({"status": job["status"], "ts": int(time.time() * 1000)}, "end")
            return
        last_status, idle = job["status"], 0.0
        while not ctx.stopping:
            with store.lock:
                version = store.version
                latest = store.q1("SELECT * FROM jobs WHERE id = ?", job["id"])
            if not latest:
                return
            if latest["status"] != last_status:
                last_status = latest["status"]
                name = SSE_EVENTS.get(latest["status"])     # paused etc.: nothing
                if name:
                    yield sse.event(_status_payload(latest, name), name)
                if latest["status"] in TERMINAL:
                    yield sse.event({"status": latest["status"], "ts": int(time.time() * 1000)}, "end")
                    return
            t0 = time.monotonic()
            store.wait_change(version, 2.0)
            idle += time.monotonic() - t0
            if idle >= 20:
                idle = 0.0
                yield sse.comment("keep-alive")
    return sse.sse_response(gen(), [("Connection", "keep-alive")])


def job_lifecycle(req: Request) -> Response:
    """§8.8."""
    job, err = _find_or_404(req)
    if err:
        return err
    since = max(_int_param(req, "since_sequence") or 0, 0)
    limit = min(max(_int_param(req, "limit") or 200, 1), 1000)
    where, args = ["job_id = ?", "sequence_no > ?"], [job["job_id"], since]
    for k in ("event_type", "status", "error_category"):
        if req.q(k):
            where.append(f"{k} = ?")
            args.append(req.q(k))
    rows = req.ctx.store.q(f"SELECT * FROM job_lifecycle_events WHERE {' AND '.join(where)} "
                           "ORDER BY sequence_no LIMIT ?", *args, limit)
    total = req.ctx.store.q1("SELECT COUNT(*) AS n FROM job_lifecycle_events WHERE job_id = ?",
                             job["job_id"])["n"]
    events = [{"schema_version": "2026-03-20.v1", "job_id": job["job_id"],
               "sequence_no": r["sequence_no"], "event_type": r["event_type"], "status": r["status"],
               "source": r["source"], "error_category": r["error_category"],
               "error_code": r["error_code"], "message": r["message"],
               "payload": json.loads(r["payload_json"]) if r["payload_json"] else None,
               "occurred_at": r["occurred_at"],
               "occurred_at_ms": int((parse_ts(r["occurred_at"]) or 0) * 1000) or None} for r in rows]
    return json_response(200, {"schema_version": "2026-03-20.v1", "job_id": job["job_id"],
                               "status": job["status"], "events": events, "total_events": total,
                               "has_more": len(events) == limit})


def _event_view(job_id: str, r: dict) -> dict:
    return {"schema_version": "2026-03-20.v1", "job_id": job_id, "sequence_no": r["sequence_no"],
            "event_type": r["event_type"], "status": r["status"], "source": r["source"],
            "error_category": r["error_category"], "error_code": r["error_code"], "message": r["message"],
            "payload": json.loads(r["payload_json"]) if r["payload_json"] else None,
            "occurred_at": r["occurred_at"],
            "occurred_at_ms": int((parse_ts(r["occurred_at"]) or 0) * 1000) or None}


def lifecycle_stream(req: Request) -> Response:
    """§8.8 GET /api/jobs/:id/lifecycle/stream: each event as ``event: <type>``, ``id: <seq>``;
    polled every second, a keep-alive comment every 15 s, ``end`` once the job is terminal.
    Resume with ``?since_sequence=``."""
    job, err = _find_or_404(req)
    if err:
        return err
    store, ctx = req.ctx.store, req.ctx
    since = max(_int_param(req, "since_sequence") or 0, 0)

    def gen():
        last, idle = since, 0.0
        while not ctx.stopping:
            with store.lock:
                version = store.version
                rows = store.q("SELECT * FROM job_lifecycle_events WHERE job_id = ? AND sequence_no > ? "
                               "ORDER BY sequence_no", job["job_id"], last)
                latest = store.q1("SELECT status FROM jobs WHERE id = ?", job["id"])
            for r in rows:
                last = r["sequence_no"]
                yield sse.event(_event_view(job["job_id"], r), r["event_type"], r["sequence_no"])
            if not latest:
                return
            if latest["status"] in TERMINAL:
                yield sse.event({"schema_version": "2026-03-20.v1", "type": "end", "job_id": job["job_id"],
                                 "status": latest["status"], "ts": int(time.time() * 1000)}, "end")
                return
            t0 = time.monotonic()
            store.wait_change(version, 1.0)
            idle += time.monotonic() - t0
            if idle >= 15:
                idle = 0.0
                yield sse.comment("keep-alive")
    return sse.sse_response(gen(), [("Connection", "keep-alive")])


def job_executions(req: Request) -> Response:
    job, err = _find_or_404(req)
    if err:
        return err
    rows = req.ctx.store.q("SELECT attempt_number, started_at, ended_at, exit_code, gpu_seconds_used, "
                           "cost_halala FROM job_executions WHERE job_id = ? ORDER BY attempt_number",
                           job["job_id"])
    return json_response(200, {"job_id": job["job_id"], "status": job["status"],
                               "cost_halala": job["cost_halala"] or 0,
                               "actual_cost_halala": job["actual_cost_halala"] or 0,
                               "retry_count": job["retry_count"] or 0, "executions": rows})


def job_history_one(req: Request) -> Response:
    """§8.9 GET /api/jobs/:id/history (G3, renter owner only)."""
    job = load_job(req)
    if not job:
        return error(404, "Job not found")
    renter = auth.renter_by_key(req, auth.g1_key(req))
    if not renter or renter["id"] != job["renter_id"]:
        return error(403, "Forbidden")
    keys = ("id", "job_id", "renter_id", "provider_id", "status", "submitted_at", "started_at",
            "completed_at", "cost_halala", "actual_cost_halala", "actual_duration_minutes",
            "job_type", "model")
    rows = req.ctx.store.q("SELECT id, attempt_number, started_at, ended_at, exit_code, log_path, "
                           "gpu_seconds_used, cost_halala FROM job_executions WHERE job_id = ? "
                           "ORDER BY attempt_number", job["job_id"])
    return json_response(200, {"job": {k: job[k] for k in keys},
                               "executions": [dict(r, log_available=True) for r in rows]})


# --------------------------------------------------------------------------- §9 control

def cancel(req: Request) -> Response:
    job = load_job(req)
    if not job:
        return error(404, "Job not found")
    if not auth.owns_job(req, job):
        return error(403, "Forbidden")
    if job["status"] in ("completed", "cancelled"):
        return error(400, f"Cannot cancel job with status: {job['status']}")
    return json_response(200, {"success": True, "job": req.ctx.engine.cancel(job)})


def retry(req: Request) -> Response:
    """§9.2: a NEW job (new job_id), charged a fresh job-type quote; 201."""
    renter, err = auth.g1(req)
    if err:
        return err
    store = req.ctx.store
    src = store.q1("SELECT * FROM jobs WHERE (CAST(id AS TEXT) = ? OR job_id = ?) AND renter_id = ? "
                   "LIMIT 1", req.params["id"], req.params["id"], renter["id"])
    if not src:
        return error(404, "Job not found")
    if src["status"] != "failed":
        return error(400, "Only failed jobs can be retried", current_status=src["status"])
    duration = src["duration_minutes"] if src["duration_minutes"] and 0.01 <= src["duration_minutes"] <= 1440 else 1
    cost = pricing.job_type_quote(src["job_type"], duration, src["pricing_class"])
    if renter["balance_halala"] < cost:
        return error(402, "insufficient_balance", required_halala=cost,
                     available_halala=renter["balance_halala"])
    if not src["container_spec"]:
        return error(400, "Original job is missing container_spec and cannot be retried")
    try:
        spec, spec_err = normalize_container_spec(json.loads(src["container_spec"]))
    except ValueError:
        return error(400, "Original job has invalid container_spec and cannot be retried")
    if spec_err:
        return error(400, spec_err)
    provider = store.q1("SELECT * FROM providers WHERE id = ?", src["provider_id"]) \
        if src["provider_id"] else None
    hb = parse_ts((provider or {}).get("last_heartbeat"))
    fresh = hb is not None and time.time() - hb <= 600
    queued = not (provider and fresh) or req.ctx.engine.provider_busy(provider["id"])
    timeout = effective_timeout(src["max_duration_seconds"])
    job_id = submit_job_id()
    params = req.ctx.engine.params_of(src)
    with store.transaction():
        store.x("UPDATE renters SET balance_halala = balance_halala - ?, updated_at = ? WHERE id = ?",
                cost, iso(), renter["id"])
        job = req.ctx.engine.create_job({
            "job_id": job_id, "provider_id": provider["id"] if provider else None,
            "renter_id": renter["id"], "job_type": src["job_type"], "model": src["model"],
            "template_id": src["template_id"], "status": "queued" if queued else "pending",
            "duration_minutes": duration, "cost_halala": cost,
            "gpu_requirements": src["gpu_requirements"], "container_spec": dumps(spec),
            "task_spec": src["task_spec"],
            "task_spec_hmac": sign_task_spec(req, src["task_spec"]) if src["task_spec"] else None,
            "max_duration_seconds": timeout,
            "timeout_at": None if queued else sql_ms(time.time() + timeout),
            "notes": src["notes"], "priority": parse_priority(str(src["priority"])),
            "pricing_class": src["pricing_class"], "prewarm_requested": src["prewarm_requested"] or 0,
            "workspace_volume_name": f"dcp-job-{job_id}",
            "checkpoint_enabled": 1 if spec.get("enable_checkpoint") else 0,
            "gpu_rate_snapshot": src["gpu_rate_snapshot"], "vram_required": src["vram_required"],
            "retried_from_job_id": src["id"], "max_retries": 2, "retry_count": 0}, params)
        req.ctx.engine.record_event(job, "job.retried", job["status"], "renter",
                                    "Retry job created from failed source job",
                                    {"source_job_id": src["job_id"], "provider_id": job["provider_id"]})
    return json_response(201, {"success": True, "job": {
        "id": job["id"], "job_id": job["job_id"], "status": job["status"], "job_type": job["job_type"],
        "model": job["model"], "cost_halala": job["cost_halala"], "provider_id": job["provider_id"],
        "pricing_class": job["pricing_class"], "prewarm_requested": bool(job["prewarm_requested"]),
        "retried_from_job_id": src["id"]}})


def complete(req: Request) -> Response:
    """§9.3: the status check comes before auth."""
    job = load_job(req)
    if not job:
        return error(404, "Job not found")
    if job["status"] != "running":
        return error(400, "Job is not running", current_status=job["status"])
    if not auth.owns_job(req, job):
        return error(403, "Forbidden")
    new, billing = req.ctx.engine.complete_by_renter(job)
    new = dict(new, gpu_requirements=json.loads(new["gpu_requirements"]) if new["gpu_requirements"] else None)
    return json_response(200, {"success": True, "job": new, "billing": billing})


def pause_resume(req: Request) -> Response:
    """§9.4: admin or the assigned provider only; a renter gets 403."""
    job = load_job(req)
    if not job:
        return error(404, "Job not found")
    pkey = auth.first(req.header("x-provider-key"), req.q("key"))
    provider = auth.provider_by_key(req, pkey)
    if not auth.is_admin(req) and not (provider and provider["id"] == job["provider_id"]):
        return error(403, "Forbidden")
    if req.path.rstrip("/").endswith("pause"):
        if job["status"] not in EXECUTING:
            return error(400, "Job is not active", current_status=job["status"])
        return error(400, "Checkpointing is not enabled for this job")
    return error(400, "Job is not paused", current_status=job["status"])


# --------------------------------------------------------------------------- §8.10 lists

def list_jobs(req: Request) -> Response:
    renter, err = auth.g1(req)
    if err:
        return err
    limit = _int_param(req, "limit")
    limit = limit if limit is not None and 1 <= limit <= 200 else 50
    offset = max(_int_param(req, "offset") or 0, 0)
    store = req.ctx.store
    total = store.q1("SELECT COUNT(*) AS n FROM jobs WHERE renter_id = ?", renter["id"])["n"]
    rows = store.q("SELECT j.*, p.gpu_model AS _gpu FROM jobs j LEFT JOIN providers p ON p.id = j.provider_id "
                   "WHERE j.renter_id = ? ORDER BY j.submitted_at DESC, j.id DESC LIMIT ? OFFSET ?",
                   renter["id"], limit, offset)
    jobs = [{"id": j["id"], "job_id": j["job_id"], "job_type": j["job_type"], "template_name": None,
             "gpu_model": j["_gpu"], "status": j["status"], "submitted_at": j["submitted_at"],
             "started_at": j["started_at"], "ended_at": j["completed_at"],
             "duration_seconds": j["duration_seconds"], "tokens_used": j["completion_tokens"],
             "cost_sar": money2(j["actual_cost_halala"] if j["actual_cost_halala"] is not None
                                else j["cost_halala"]),
             "refunded": bool(j["refunded_at"])} for j in rows]
    return json_response(200, {"total": total, "limit": limit, "offset": offset, "jobs": jobs})


def jobs_history(req: Request) -> Response:
    """§8.10 GET /api/jobs/history (G5): limit default 20, max 100, negative = all (§16.22)."""
    renter, err = auth.g5(req)
    if err:
        return err
    limit = min(_int_param(req, "limit") or 20, 100)
    rows = req.ctx.store.q(
        "SELECT j.id, j.job_id, j.job_type, j.status, j.submitted_at, j.started_at, j.completed_at, "
        "j.progress_phase, j.error, j.actual_cost_halala, j.cost_halala, j.actual_duration_minutes, "
        "j.duration_minutes, j.refunded_at, p.name AS provider_name, p.gpu_model AS provider_gpu "
        "FROM jobs j LEFT JOIN providers p ON j.provider_id = p.id WHERE j.renter_id = ? "
        "ORDER BY j.submitted_at DESC, j.id DESC LIMIT ?", renter["id"], limit)
    jobs = [dict(j, cost_sar=money2(j["actual_cost_halala"] or j["cost_halala"] or 0),
                 refunded=bool(j["refunded_at"])) for j in rows]
    return json_response(200, {"balance_halala": renter["balance_halala"] or 0,
                               "balance_sar": money2(renter["balance_halala"]),
                               "total_jobs": len(jobs), "jobs": jobs})


def jobs_active(req: Request) -> Response:
    actor, err = auth.g6(req)
    if err:
        return err
    kind, row = actor
    where = {"admin": ("1 = 1", ()), "provider": ("provider_id = ?", (row["id"],) if row else ()),
             "renter": ("renter_id = ?", (row["id"],) if row else ())}[kind]
    jobs = req.ctx.store.q(f"SELECT * FROM jobs WHERE {where[0]} AND status IN "
                           "('queued','pending','running','paused') ORDER BY submitted_at DESC", *where[1])
    return json_response(200, {"jobs": jobs})


def queue_status(req: Request) -> Response:
    actor, err = auth.g6(req)
    if err:
        return err
    kind, row = actor
    sql, args = "SELECT * FROM jobs WHERE status = 'queued'", []
    if kind in ("provider", "renter"):
        sql += f" AND {kind}_id = ?"
        args.append(row["id"])
    buckets: dict = {}
    for j in req.ctx.store.q(sql, *args):
        spec = json.loads(j["container_spec"] or "{}")
        key = (j["pricing_class"] or "standard", spec.get("compute_type") or "inference",
               int(spec.get("vram_required_mb") or 0))
        wait = max(0, int(time.time() - (parse_ts(j["submitted_at"]) or time.time())))
        buckets.setdefault(key, []).append(wait)
    out = []
    for (pc, ct, vram), waits in sorted(buckets.items(), key=lambda kv: (
            {"priority": 0, "standard": 1, "economy": 2}.get(kv[0][0], 1), kv[0][1], kv[0][2])):
        waits.sort()
        out.append({"pricing_class": pc, "compute_type": ct, "vram_required_mb": vram,
                    "depth": len(waits), "avg_wait_seconds": round(sum(waits) / len(waits), 2),
                    "p95_wait_seconds": float(waits[min(len(waits) - 1, int((len(waits) - 1) * 0.95))])})
    return json_response(200, {
        "queued_total": sum(b["depth"] for b in out), "buckets": out,
        "control_plane": {"generated_at": iso(), "signal_count": 0, "queue_slo_breaches": 0,
                          "cold_start_slo_breaches": 0, "recommended_scale_up_total": 0,
                          "recommended_scale_down_total": 0, "signals": []},
        "queue": [{"pricing_class": b["pricing_class"], "compute_type": b["compute_type"],
                   "vram_bucket": b["vram_required_mb"], "count": b["depth"]} for b in out]})


def provider_queue(req: Request) -> Response:
    actor, err = auth.g6(req)
    if err:
        return err
    kind, row = actor
    pid = int(req.params["provider_id"])
    if kind == "provider" and row["id"] != pid:
        return error(403, "Forbidden")
    sql = "SELECT job_id, status FROM jobs WHERE provider_id = ? AND status IN ('queued','pending','running')"
    args: list = [pid]
    if kind == "renter":
        sql += " AND renter_id = ?"
        args.append(row["id"])
    sql += (" ORDER BY CASE status WHEN 'running' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, "
            "COALESCE(priority,2) DESC, created_at")
    rows = req.ctx.store.q(sql, *args)
    return json_response(200, {"queue": rows, "total": len(rows)})


def register(router) -> None:
    """Order matters: fixed paths before ``/:id`` (Express registration order)."""
    add = router.add
    add("POST", "/api/jobs/submit", submit, limiter="jobSubmit")
    add("GET", "/api/jobs/history", jobs_history)
    add("GET", "/api/jobs/active", jobs_active)
    add("GET", "/api/jobs/queue/status", queue_status)
    add("GET", r"/api/jobs/queue/:provider_id(\d+)", provider_queue)
    add("GET", "/api/jobs", list_jobs)
    add("POST", "/api/jobs", dispatch, limiter="jobCreate")
    add("POST", "/api/jobs/:id/retry", retry, limiter="retryJob")
    add("GET", "/api/jobs/:id/stream", status_stream)
    add("GET", "/api/jobs/:id/logs/stream", logs_stream)
    add("GET", "/api/jobs/:id/status", job_status)
    add("GET", "/api/jobs/:id/output/:format", job_output_format)
    add("GET", "/api/jobs/:id/output", job_output)
    add("GET", "/api/jobs/:id/logs", job_logs)
    add("GET", "/api/jobs/:id/lifecycle/stream", lifecycle_stream)
    add("GET", "/api/jobs/:id/lifecycle", job_lifecycle)
    add("GET", "/api/jobs/:id/executions", job_executions)
    add("GET", "/api/jobs/:id/history", job_history_one)
    add("POST", "/api/jobs/:id/cancel", cancel)
    add("POST", "/api/jobs/:id/complete", complete)
    add("POST", "/api/jobs/:id/pause", pause_resume)
    add("POST", "/api/jobs/:id/resume", pause_resume)
    add("GET", "/api/jobs/:id", get_job)
