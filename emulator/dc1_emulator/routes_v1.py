"""OpenAI-compatible ``/v1`` (§11): models and chat completions (streaming too),
OpenAI-shaped errors, Idempotency-Key replay, per-call billing and job rows."""
from __future__ import annotations

import math
import secrets
import time

from . import auth, sse
from .httputil import Request, Response, json_response
from .util import is_provider_key, iso

# Emulator model registry: id -> (display name, context length, parameter count, tokenizer)
MODELS = {
    "TinyLlama/TinyLlama-1.1B-Chat-v1.0": ("TinyLlama 1.1B Chat", 2048, "1.1B", "llama"),
    "mistralai/Mistral-7B-Instruct-v0.2": ("Mistral 7B Instruct v0.2", 32768, "7B", "mistral"),
    "qwen3:8b": ("Qwen3 8B", 32768, "8B", "qwen"),
}
TOKEN_RATE_HALALA = 19          # halala per 1M tokens (§11.2 fallback rate)


def _usd(halala: float) -> str:
    return f"{halala / 375:.6f}"


def oai_error(status: int, code: str, etype: str, message: str, headers: list | None = None,
              retry_after: int | None = None, **extra) -> Response:
    """§2 /v1 error shape."""
    err = {"message": message, "type": etype, "code": code, "status": status,
           "retryable": status in (429, 503, 504)}
    err.update(extra)
    body: dict = {"error": err}
    if retry_after is not None:
        err["retry_after_seconds"] = retry_after
        err["retry_after_ms"] = retry_after * 1000
        body["retry_after_seconds"] = retry_after
        body["retry_after_ms"] = retry_after * 1000
    return json_response(status, body, headers)


def rate_limited(retry_after: int) -> Response:
    return oai_error(429, "rate_limit_exceeded", "rate_limit_error",
                     f"Rate limit exceeded. Retry after {retry_after} seconds.",
                     retry_after=retry_after)


def models(req: Request) -> Response:
    """§11.1: public, no limiter; prices are USD strings with 6 dp."""
    live = req.ctx.store.q1("SELECT COUNT(*) AS n FROM providers WHERE live = 1 AND status = 'online'")["n"]
    created = req.ctx.started_epoch
    data = []
    for mid, (name, ctx_len, params, tok) in MODELS.items():
        per_m = _usd(TOKEN_RATE_HALALA)
        data.append({
            "id": mid, "name": name, "created": created, "modalities": ["text"],
            "context_length": ctx_len, "max_output_tokens": min(16384, ctx_len // 2),
            "quantization": "fp16",
            "pricing": {"prompt_tokens": f"{TOKEN_RATE_HALALA / 375 / 1e6:.6f}",
                        "completion_tokens": f"{TOKEN_RATE_HALALA / 375 / 1e6:.6f}",
                        "usd_per_minute": _usd(2), "usd_per_1m_input_tokens": per_m,
                        "usd_per_1m_output_tokens": per_m},
            "capability_flags": {"chat_completions": True, "reasoning": False, "code_generation": False,
                                 "tool_calling": False, "embeddings": False, "image_generation": False,
                                 "multilingual": True},
            "supported_features": ["chat.completions", "multilingual"], "provider_count": live,
            "max_vram_gb": 24, "object": "model", "owned_by": "dc1-platform", "permission": [],
            "root": mid, "parent": None,
            "description": f"{name} hosted by DCP for chat.completions, multilingual (emulated).",
            "architecture": {"tokenizer": tok, "instruct_type": "instruct", "modality": "text"},
            "endpoints": [{"url": f"{req.ctx.base_url}/v1/chat/completions", "type": "chat"}],
            "provider_priority": ["dcp"], "display_name": name, "context_window": ctx_len,
            "parameter_count": params})
    return json_response(200, {"object": "list", "data": data})


def _usage(prompt_tokens: int, completion_tokens: int) -> tuple[dict, int]:
    p = math.ceil(prompt_tokens * TOKEN_RATE_HALALA / 1e6) if prompt_tokens else 0
    c = math.ceil(completion_tokens * TOKEN_RATE_HALALA / 1e6) if completion_tokens else 0
    return ({"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
             "total_tokens": prompt_tokens + completion_tokens,
             "pricing": {"currency": "USD", "usd_prompt": _usd(p), "usd_completion": _usd(c),
                         "usd_total": _usd(p + c)}}, p + c)


def _record(req: Request, renter: dict, provider: dict, model: str, cid: str, usage: dict,
            debit: int, stream: bool) -> None:
    """Every call is recorded as a completed job row and debited if affordable (§11.2)."""
    store = req.ctx.store
    charged = debit if renter["balance_halala"] >= debit else 0
    with store.transaction():
        if charged:
            store.x("UPDATE renters SET balance_halala = balance_halala - ?, total_spent_halala = "
                    "total_spent_halala + ? WHERE id = ?", charged, charged, renter["id"])
        now = iso()
        store.insert("jobs", {
            "job_id": cid, "renter_id": renter["id"], "provider_id": provider["id"],
            "job_type": "inference", "model": model, "status": "completed", "priority": 8,
            "pricing_class": "standard", "submitted_at": now, "created_at": now, "started_at": now,
            "completed_at": now, "updated_at": now, "cost_halala": charged,
            "actual_cost_halala": charged, "prompt_tokens": usage["prompt_tokens"],
            "completion_tokens": usage["completion_tokens"],
            "notes": "v1:proxy:stream" if stream else "v1:proxy:chat/completions",
            "webhook_delivery_status": "skipped", "webhook_notified_at": now})
    store.bump()


def chat_completions(req: Request) -> Response:
    """§11.2 (auth G14)."""
    from .workloads import chat_reply, count_tokens
    key = auth.g14_key(req)
    if not key:
        return oai_error(401, "authentication_required", "authentication_error",
                         "API key required. Pass via Authorization: Bearer <key>")
    if is_provider_key(key):
        return oai_error(401, "wrong_key_type", "authentication_error",
                         "Provider API key cannot be used for /v1 inference. Use a renter key.")
    renter = auth.renter_by_key(req, key)
    if not renter:
        return oai_error(401, "authentication_invalid_key", "authentication_error",
                         "Invalid or inactive API key")
    body = req.body if isinstance(req.body, dict) else {}
    model = body.get("model")
    model = model.strip()[:200] if isinstance(model, str) else ""
    if not model:
        return oai_error(400, "invalid_request_model_required", "invalid_request_error",
                         "`model` is required")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return oai_error(400, "invalid_request_messages_required", "invalid_request_error",
                         "`messages` must be a non-empty array")
    msgs = []
    for m in messages[:100]:
        if not isinstance(m, dict):
            continue
        role = str(m.get("role") or "user").lower()
        content = m.get("content")
        msgs.append({"role": role, "content": content[:20000] if isinstance(content, str) else ""})
    if not msgs:
        return oai_error(400, "invalid_request_messages_empty", "invalid_request_error",
                         "`messages` has no usable entries")
    if model not in MODELS:
        return oai_error(404, "model_not_found", "invalid_request_error",
                         f"Model '{model}' was not found. GET /v1/models lists the available models.")
    store = req.ctx.store
    provider = store.q1("SELECT * FROM providers WHERE live = 1 AND status = 'online' AND is_paused = 0 "
                        "ORDER BY id LIMIT 1")
    if not provider:
        return oai_error(503, "model_not_served", "model_unavailable",
                         f"No provider is currently serving '{model}'.", alternatives=[])
    mt = body.get("max_tokens")
    max_tokens = mt if isinstance(mt, int) and not isinstance(mt, bool) and 1 <= mt <= 8192 else 512
    need = max(1, math.ceil(max_tokens / 350) * 2)
    if renter["balance_halala"] < need:
        return oai_error(402, "billing_insufficient_balance", "billing_error",
                         f"Insufficient balance: at least {need} halala is required for this request.",
                         balance_halala=renter["balance_halala"], required_halala=need)
    stream = bool(body.get("stream"))
    idem = req.header("idempotency-key")
    cache = req.ctx.idempotency
    if idem and not stream:
        hit = cache.get(("v1", renter["id"], idem))
        if hit:
            status, payload, hdrs = hit
            return Response(status, payload, list(hdrs) + [("Idempotent-Replayed", "true")])
    text = chat_reply(model, msgs, max_tokens)
    prompt_tokens = sum(count_tokens(m["content"]) for m in msgs) + 3 * len(msgs)
    completion_tokens = count_tokens(text)
    usage, debit = _usage(prompt_tokens, completion_tokens)
    cid = "chatcmpl-" + secrets.token_hex(12)
    created = int(time.time())
    headers = [("x-dcp-provider-id", str(provider["id"])), ("x-dcp-provider-tier", "standard"),
               ("x-dcp-provider-endpoint-host", "127.0.0.1"), ("x-dcp-requested-model-id", model),
               ("x-dcp-routed-model-id", model), ("x-dcp-latency-gate-mode", "off")]
    _record(req, renter, provider, model, cid, usage, debit, stream)
    if not stream:
        resp = json_response(200, {
            "id": cid, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}], "usage": usage}, headers)
        if idem:
            cache.put(("v1", renter["id"], idem), (resp.status, resp.body, resp.headers), 60)
        return resp
    include_usage = isinstance(body.get("stream_options"), dict) and \
        bool(body["stream_options"].get("include_usage"))

    def gen():
        def chunk(delta, finish=None, **extra):
            return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        yield sse.event(chunk({"role": "assistant", "content": ""}))
        words = text.split(" ")
        for i, w in enumerate(words):
            time.sleep(0.005)
            yield sse.event(chunk({"content": w + (" " if i < len(words) - 1 else "")}))
        yield sse.event(chunk({}, "stop"))
        if include_usage:
            yield sse.event({"id": cid, "object": "chat.completion.chunk", "created": created,
                             "model": model, "choices": [], "usage": usage})
        yield b"data: [DONE]\n\n"
    return sse.sse_response(gen(), headers)


def register(router) -> None:
    router.add("GET", "/v1/models", models)
    router.add("POST", "/v1/chat/completions", chat_completions, limiter="v1")
