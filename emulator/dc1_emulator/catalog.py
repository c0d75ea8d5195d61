"""The marketplace catalogue (issue 18): the model registry (``/api/models`` and its
sub-routes), templates (``/api/templates``), the approved container images
(``/api/containers/registry``) and the public GPU price tiers (``/api/pricing/tiers``),
in the shapes the real server answers with.

The data is the emulator's own: a small model registry built from the models the
simulated providers run, a subset of the server's templates (shaped like its
``docker-templates/*.json``), the server's built-in image list plus a few seeded
"admin-approved" images, and the server's GPU rate table. Availability is live: a model
counts the simulated providers that are online, not paused, heard from within 10 minutes
and have enough VRAM; "warm" providers are the ones that list it in ``cached_models``."""
from __future__ import annotations

import time
from typing import Any

from .httputil import Request, Response, error, html_error, json_response
from .util import iso, parse_ts

SAR_PER_USD = 3.75
PROVIDER_FRESHNESS_S = 10 * 60
DEFAULT_DEPLOY_MINUTES = 60
DEPLOY_IMAGE = "dcp/vllm-serve:latest"
BENCHMARK_SUITE = "saudi-arabic-v1"

# The server's GPU rate table (config/pricing.js): floor prices and competitor prices, USD/hour.
GPU_RATE_TABLE = [
    {"models": ["h200"], "display_name": "NVIDIA H200", "rate_per_hour_usd": 2.450,
     "rate_per_second_usd": 0.000681, "tier": "enterprise", "min_vram_gb": 141,
     "competitor_prices": {"vast_ai": 4.50, "runpod": 5.49, "aws": 8.00}},
    {"models": ["h100"], "display_name": "NVIDIA H100", "rate_per_hour_usd": 1.890,
     "rate_per_second_usd": 0.000525, "tier": "enterprise", "min_vram_gb": 80,
     "competitor_prices": {"vast_ai": 2.50, "runpod": 3.49, "aws": 5.67}},
    {"models": ["a100"], "display_name": "NVIDIA A100", "rate_per_hour_usd": 1.200,
     "rate_per_second_usd": 0.000333, "tier": "high", "min_vram_gb": 40,
     "competitor_prices": {"vast_ai": 1.89, "runpod": 2.29, "aws": 3.06}},
    {"models": ["rtx 4090", "rtx4090", "geforce rtx 4090"], "display_name": "NVIDIA RTX 4090",
     "rate_per_hour_usd": 0.267, "rate_per_second_usd": 0.0000742, "tier": "standard",
     "min_vram_gb": 24, "competitor_prices": {"vast_ai": 0.350, "runpod": 0.440, "aws": 0.750}},
    {"models": ["rtx 4080", "rtx4080", "geforce rtx 4080"], "display_name": "NVIDIA RTX 4080",
     "rate_per_hour_usd": 0.178, "rate_per_second_usd": 0.0000494, "tier": "standard",
     "min_vram_gb": 16, "competitor_prices": {"vast_ai": 0.230, "runpod": 0.290, "aws": 0.500}},
    {"models": ["rtx 3090", "rtx3090", "geforce rtx 3090"], "display_name": "NVIDIA RTX 3090",
     "rate_per_hour_usd": 0.134, "rate_per_second_usd": 0.0000372, "tier": "standard",
     "min_vram_gb": 24, "competitor_prices": {"vast_ai": 0.200, "runpod": 0.240, "aws": 0.400}},
    {"models": ["rtx 3080", "rtx3080", "geforce rtx 3080"], "display_name": "NVIDIA RTX 3080",
     "rate_per_hour_usd": 0.089, "rate_per_second_usd": 0.0000247, "tier": "entry",
     "min_vram_gb": 10, "competitor_prices": {"vast_ai": 0.130, "runpod": 0.160, "aws": 0.280}},
    {"models": ["default"], "display_name": "GPU (Standard)", "rate_per_hour_usd": 0.089,
     "rate_per_second_usd": 0.0000247, "tier": "entry", "min_vram_gb": 0,
     "competitor_prices": {"vast_ai": 0.130, "runpod": 0.160, "aws": 0.280}},
]
PRICING_CLASS_MULTIPLIERS = {"priority": 1.20, "standard": 1.00, "economy": 0.90}

# --- the model registry (model_registry rows; no benchmark profiles, no Arabic portfolio) ------

MODEL_REGISTRY = [
    # model_id, display_name, family, vram_gb, quantization, context_window, use_cases,
    # min_gpu_vram_gb, default_price_halala_per_min
    ("ALLaM-AI/ALLaM-7B-Instruct-preview", "ALLaM 7B Instruct", "allam", 16, "fp16", 4096,
     ["chat", "instruct"], 16, 15),
    ("CompVis/stable-diffusion-v1-4", "Stable Diffusion v1.4", "stable-diffusion", 8, "fp16", 77,
     ["image"], 8, 10),
    ("google/gemma-2b", "Gemma 2B", "gemma", 6, "fp16", 8192, ["chat", "instruct"], 6, 4),
    ("meta-llama/Meta-Llama-3-8B-Instruct", "Llama 3 8B Instruct", "llama", 16, "fp16", 8192,
     ["chat", "instruct"], 16, 9),
    ("microsoft/Phi-3-mini-4k-instruct", "Phi-3 Mini 4K Instruct", "phi", 8, "fp16", 4096,
     ["chat", "instruct"], 8, 5),
    ("mistralai/Mistral-7B-Instruct-v0.2", "Mistral 7B Instruct v0.2", "mistral", 16, "fp16", 32768,
     ["chat", "instruct"], 16, 9),
    ("qwen3:8b", "Qwen3 8B", "qwen", 8, "q4_k_m", 32768, ["chat", "instruct"], 8, 6),
    ("stabilityai/stable-diffusion-xl-base-1.0", "Stable Diffusion XL Base 1.0", "sdxl", 12, "fp16",
     77, ["image"], 12, 10),
    ("TinyLlama/TinyLlama-1.1B-Chat-v1.0", "TinyLlama 1.1B Chat", "llama", 4, "fp16", 2048,
     ["chat"], 4, 3),
]
MODEL_TO_TEMPLATE = [("allam", "arabic-llm"), ("jais", "arabic-llm"), ("falcon-h1", "arabic-llm"),
                     ("qwen25", "qwen25-7b"), ("qwen2.5", "qwen25-7b"), ("llama-3-8b", "llama3-8b"),
                     ("llama-3.1-8b", "llama3-8b"), ("mistral-7b", "mistral-7b"),
                     ("nemotron-mini", "nemotron-nano"), ("nemotron-nano", "nemotron-nano"),
                     ("nemotron-70b", "nemotron-super"), ("nemotron-super", "nemotron-super"),
                     ("bge-m3", "arabic-embeddings"), ("bge-reranker", "arabic-reranker"),
                     ("stable-diffusion-xl", "sdxl"), ("sdxl", "sdxl")]
ARABIC_PATTERNS = ("allam", "jais", "falcon-h1", "falcon_h1", "arabic", "bge-m3", "bge_m3",
                   "reranker-v2-m3", "reranker_v2_m3")

# --- templates (docker-templates/<id>.json; approved_images is never returned) ----------------

TEMPLATE_LIST = [
    {"id": "vllm-serve", "name": "vLLM Serve", "job_type": "vllm_serve",
     "description": "OpenAI-compatible LLM endpoint on a provider GPU (emulated: a local OpenAI-shaped server).",
     "image": "dcp/vllm-serve:latest",
     "env_vars": [{"key": "MODEL_ID", "label": "Model ID (HuggingFace)",
                   "default": "mistralai/Mistral-7B-Instruct-v0.2", "required": True}],
     "params": {"model": "mistralai/Mistral-7B-Instruct-v0.2", "max_model_len": 4096, "dtype": "float16"},
     "min_vram_gb": 16, "estimated_price_sar_per_hour": 5.4,
     "tags": ["llm", "inference", "api", "openai-compatible"], "sort_order": 1, "icon": "🤖",
     "difficulty": "easy"},
    {"id": "llm-inference", "name": "LLM Inference", "job_type": "llm_inference",
     "description": "One prompt, one completion from a small open model.",
     "image": "dc1/llm-worker:latest",
     "env_vars": [{"key": "MODEL_ID", "label": "Model ID", "default": "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
                   "required": True}],
     "params": {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "prompt": "Hello", "max_tokens": 256,
                "stop": ["</s>"]},
     "min_vram_gb": 8, "estimated_price_sar_per_hour": 5.4, "tags": ["llm", "inference"],
     "sort_order": 2, "icon": "💬", "difficulty": "easy"},
    {"id": "image-generation", "name": "Image Generation", "job_type": "image_generation",
     "description": "Text-to-image with Stable Diffusion; the result is a PNG.",
     "image": "dc1/sd-worker:latest", "env_vars": [],
     "params": {"model": "CompVis/stable-diffusion-v1-4", "prompt": "A desert at dawn", "steps": 30},
     "min_vram_gb": 8, "estimated_price_sar_per_hour": 6.0, "tags": ["image", "diffusion"],
     "sort_order": 3, "icon": "🎨", "difficulty": "easy"},
    {"id": "sdxl", "name": "Stable Diffusion XL", "job_type": "image_generation",
     "description": "Text-to-image with SDXL base 1.0.", "image": "dc1/sd-worker:latest", "env_vars": [],
     "params": {"model": "stabilityai/stable-diffusion-xl-base-1.0", "prompt": "A desert at dawn",
                "width": 1024, "height": 1024},
     "min_vram_gb": 12, "estimated_price_sar_per_hour": 6.0, "tags": ["image", "diffusion", "sdxl"],
     "sort_order": 4, "icon": "🖼️", "difficulty": "easy"},
    {"id": "mistral-7b", "name": "Mistral 7B Instruct", "job_type": "vllm_serve",
     "description": "Mistral 7B Instruct served with an OpenAI-compatible API.",
     "image": "dcp/vllm-serve:latest", "env_vars": [],
     "params": {"model": "mistralai/Mistral-7B-Instruct-v0.2", "max_model_len": 8192},
     "min_vram_gb": 16, "estimated_price_sar_per_hour": 5.4, "tags": ["llm", "inference", "mistral"],
     "sort_order": 5, "icon": "🌬️", "difficulty": "easy"},
    {"id": "llama3-8b", "name": "Llama 3 8B Instruct", "job_type": "vllm_serve",
     "description": "Llama 3 8B Instruct served with an OpenAI-compatible API.",
     "image": "dcp/vllm-serve:latest", "env_vars": [],
     "params": {"model": "meta-llama/Meta-Llama-3-8B-Instruct", "max_model_len": 8192},
     "min_vram_gb": 16, "estimated_price_sar_per_hour": 5.4, "tags": ["llm", "inference", "llama"],
     "sort_order": 6, "icon": "🦙", "difficulty": "easy"},
    {"id": "jupyter-gpu", "name": "Jupyter GPU Notebook", "job_type": "training",
     "description": "An interactive notebook with GPU access (emulated: no notebook server starts).",
     "image": "dc1/base-worker:latest", "env_vars": [],
     "params": {"script_type": "jupyter"}, "min_vram_gb": 8, "estimated_price_sar_per_hour": 4.2,
     "tags": ["notebook", "training", "interactive"], "sort_order": 7, "icon": "📓",
     "difficulty": "medium"},
    {"id": "custom-container", "name": "Custom Container", "job_type": "custom_container",
     "description": "Your Python script in an approved base image (the emulator runs it with its own Python).",
     "image": "custom",
     "env_vars": [{"key": "DOCKER_IMAGE", "label": "Docker image (from the approved list)",
                   "default": "dc1/general-worker:latest", "required": True}],
     "params": {"image_override": "dc1/general-worker:latest",
                "script": "print('hello from a custom container')"},
     "approved_images": ["dc1/general-worker:latest", "dc1/base-worker:latest"],
     "min_vram_gb": 4, "estimated_price_sar_per_hour": 4.2,
     "tags": ["custom", "advanced", "bring-your-own"], "sort_order": 8, "icon": "📦",
     "difficulty": "advanced"},
]
TEMPLATES = {t["id"]: t for t in TEMPLATE_LIST}
WHITELIST_EXTRA = ["dc1/general-worker:latest", "dc1/llm-worker:latest", "dc1/sd-worker:latest",
                   "dc1/base-worker:latest", "pytorch/pytorch:2.1.0-cuda11.8-cudnn8-runtime",
                   "pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime", "nvcr.io/nvidia/pytorch:24.01-py3",
                   "nvcr.io/nvidia/tensorflow:24.01-tf2-py3", "tensorflow/tensorflow:2.15.0-gpu"]

# --- the approved image registry --------------------------------------------------------------

TEMPLATE_IMAGES = ["dc1/general-worker:latest", "dc1/llm-worker:latest", "dc1/sd-worker:latest",
                   "dc1/base-worker:latest", "pytorch/pytorch:2.1.0-cuda11.8-cudnn8-runtime",
                   "pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime", "nvcr.io/nvidia/pytorch:24.01-py3",
                   "nvcr.io/nvidia/tensorflow:24.01-tf2-py3", "tensorflow/tensorflow:2.15.0-gpu",
                   "vllm/vllm-openai:latest", "dcp/pytorch-cuda:latest", "dcp/vllm-serve:latest",
                   "dcp/training:latest", "dcp/rendering:latest"]
# The emulator's seeded allowed_images rows (images an admin approved on the real server).
ALLOWED_IMAGES = [
    (1, "dc1/vllm-serve:latest", "custom", "Emulator seed: vLLM serving image"),
    (2, "dc1/jupyter-gpu:latest", "custom", "Emulator seed: Jupyter notebook image"),
    (3, "dc1/training-worker:latest", "custom", "Emulator seed: training worker"),
    (4, "pytorch/pytorch:latest", "custom", "Emulator seed: PyTorch (latest tag)"),
]
_APPROVED = {ref.lower() for ref in TEMPLATE_IMAGES} | {row[1].lower() for row in ALLOWED_IMAGES}


def is_approved_image(ref: str) -> bool:
    """Whether an image reference is in GET /api/containers/registry (case-insensitive)."""
    return isinstance(ref, str) and ref.strip().lower() in _APPROVED


# --- helpers ------------------------------------------------------------------------------------

def _r(x: float | None, digits: int = 2) -> float | None:
    """JavaScript's Math.round(x * 10^d) / 10^d."""
    if x is None:
        return None
    p = 10 ** digits
    import math
    return math.floor(x * p + 0.5) / p


def _competitor(min_vram_gb: int, dcp_sar_per_hour: float) -> tuple[dict, float]:
    cands = sorted((e for e in GPU_RATE_TABLE if e["models"][0] != "default" and e["min_vram_gb"] >= min_vram_gb),
                   key=lambda e: e["min_vram_gb"])
    entry = cands[0] if cands else GPU_RATE_TABLE[-1]
    cp = entry["competitor_prices"]
    vast_sar = _r(cp["vast_ai"] * SAR_PER_USD)
    savings = _r((vast_sar - dcp_sar_per_hour) / vast_sar * 100, 0) if vast_sar > 0 else 0
    return ({"vast_ai": vast_sar, "runpod": _r(cp["runpod"] * SAR_PER_USD), "aws": _r(cp["aws"] * SAR_PER_USD),
             "vast_ai_usd": cp["vast_ai"], "runpod_usd": cp["runpod"], "aws_usd": cp["aws"]},
            max(0, savings))


def _fresh_providers(req: Request) -> list[dict]:
    now = time.time()
    out = []
    for p in req.ctx.store.q("SELECT * FROM providers WHERE status = 'online' AND COALESCE(is_paused, 0) = 0"):
        hb = parse_ts(p.get("last_heartbeat"))
        if hb is not None and now - hb <= PROVIDER_FRESHNESS_S:
            out.append(p)
    return out


def _cached(p: dict) -> list:
    import json
    try:
        v = json.loads(p.get("cached_models") or "[]")
        return v if isinstance(v, list) else []
    except ValueError:
        return []


def _task(use_cases: list, family: str) -> list:
    if use_cases:
        return list(use_cases)
    f = (family or "").lower()
    if "embed" in f or "bge" in f:
        return ["embed"]
    if "rerank" in f:
        return ["rerank"]
    if "diffusion" in f or "sdxl" in f:
        return ["image"]
    return ["chat", "instruct"]


def _template_for(model_id: str) -> str | None:
    key = model_id.lower()
    for frag, tid in MODEL_TO_TEMPLATE:
        if frag in key:
            return tid
    return None


def model_payload(row: tuple, fresh: list[dict]) -> dict:
    """buildModelPayload: one model with live availability and pricing."""
    mid, name, family, vram, quant, ctx_len, use_cases, min_vram, price = row
    capable = [p for p in fresh if (p.get("vram_mib") or 0) >= min_vram * 1024]
    warm = [p for p in capable if mid in _cached(p)]
    arabic = any(pat in f"{mid} {family}".lower() for pat in ARABIC_PATTERNS)
    sar_hour = _r(price * 60 / 100)
    competitor, savings = _competitor(min_vram, sar_hour)
    status = "available" if capable else "no_providers"
    benchmark = {"benchmark_suite": BENCHMARK_SUITE, "measured_at": None,
                 "latency_ms": {"p50": None, "p95": None, "p99": None},
                 "arabic_quality": {"arabic_mmlu_score": None, "arabicaqa_score": None},
                 "cost_per_1k_tokens_halala": None, "cost_per_1k_tokens_sar": 0,
                 "vram_required_gb": min_vram, "cold_start_ms": None, "notes_en": None, "notes_ar": None}
    return {
        "model_id": mid, "display_name": name, "family": family, "arabic": arabic,
        "arabic_capability": arabic, "task": _task(use_cases, family), "vram_gb": vram or min_vram,
        "quantization": quant, "context_window": ctx_len or 4096, "use_cases": list(use_cases),
        "min_gpu_vram_gb": min_vram, "benchmark": benchmark,
        "availability": {"providers_online": len(capable), "providers_warm": len(warm), "status": status},
        "pricing": {"default_halala_per_min": price, "default_sar_per_min": _r(price / 100),
                    "default_sar_per_hour": sar_hour, "avg_sar_per_min": _r(price / 100),
                    "min_halala_per_min": price, "max_halala_per_min": price,
                    "min_sar_per_min": _r(price / 100), "max_sar_per_min": _r(price / 100),
                    "competitor_prices": competitor, "savings_pct": savings},
        "template_id": _template_for(mid), "prefetch_status": "unavailable",
        "estimated_cold_start_ms": 3200 + min_vram * 280, "portfolio": None, "updated_at": None,
    }


def all_models(req: Request) -> list[dict]:
    fresh = _fresh_providers(req)
    rows = sorted(MODEL_REGISTRY, key=lambda r: r[1])           # ORDER BY display_name
    return [model_payload(r, fresh) for r in rows]


def _int(v: Any, lo: int, hi: int) -> int | None:
    try:
        n = float(v)
    except (TypeError, ValueError):
        return None
    if not n.is_integer() or n < lo or n > hi:
        return None
    return int(n)


def _filter(models: list[dict], q: dict) -> list[dict]:
    flag = str(q.get("arabic_capable") or q.get("arabic") or "").lower()
    if flag in ("true", "1"):
        models = [m for m in models if m["arabic"]]
    vram = _int(q.get("min_vram_gb", q.get("vram_min", q.get("vram"))), 1, 1024)
    if vram is not None:
        models = [m for m in models if (m["min_gpu_vram_gb"] or 1) <= vram]
    cat = q.get("category")
    tasks = {"llm": ["chat", "instruct"], "embedding": ["embed"], "image": ["image"],
             "training": ["train"]}.get(str(cat).strip().lower()) if isinstance(cat, str) and cat.strip() else None
    if tasks:
        models = [m for m in models if any(t in tasks for t in m["task"])]
    tier = q.get("tier")
    if isinstance(tier, str) and tier.strip().lower() in ("instant", "tier_a", "tier_b", "tier_c"):
        models = []                              # no model has a portfolio tier in the emulator
    return models


def _legacy(m: dict) -> dict:
    return {"model_id": m["model_id"], "display_name": m["display_name"], "family": m["family"],
            "vram_gb": m["vram_gb"], "quantization": m["quantization"], "context_window": m["context_window"],
            "use_cases": m["use_cases"], "min_gpu_vram_gb": m["min_gpu_vram_gb"],
            "arabic_capability": m["arabic_capability"] or False,
            "providers_online": m["availability"]["providers_online"],
            "avg_price_sar_per_min": m["pricing"]["avg_sar_per_min"], "status": m["availability"]["status"],
            "tier": None, "prewarm_class": None, "template_id": m["template_id"],
            "competitor_prices": m["pricing"]["competitor_prices"],
            "savings_pct": m["pricing"]["savings_pct"] or None,
            "pricing_per_hour": m["pricing"]["default_sar_per_hour"]}


def _readiness(m: dict) -> dict:
    return {"benchmark_profile": None, "target_p95_ms": None, "target_cold_start_ms": None,
            "current_p95_ms": None, "current_cold_start_ms": m["estimated_cold_start_ms"],
            "p95_ready": None, "cold_start_ready": None, "launch_ready": False}


def _benchmark_entry(m: dict) -> dict:
    b = m["benchmark"]
    return {"model_id": m["model_id"], "display_name": m["display_name"], "family": m["family"],
            "vram_required_gb": b["vram_required_gb"], "latency_ms": dict(b["latency_ms"]),
            "arabic_quality": dict(b["arabic_quality"]), "cost_per_1k_tokens_halala": None,
            "cost_per_1k_tokens_sar": 0, "cold_start_ms": m["estimated_cold_start_ms"],
            "measured_at": None, "tier": None, "launch_priority": None, "prewarm_class": None,
            "benchmark_profile": None, "target_p95_ms": None, "target_cold_start_ms": None,
            "launch_ready": False}


def _card(m: dict) -> dict:
    b = m["benchmark"]
    cold = m["estimated_cold_start_ms"]
    return {"model_id": m["model_id"], "display_name": m["display_name"], "family": m["family"],
            "context_window": m["context_window"], "quantization": m["quantization"],
            "benchmark_suite": BENCHMARK_SUITE, "measured_at": None, "tier": None, "launch_priority": None,
            "prewarm_class": None, "container_profile": None,
            "metrics": {"vram_required_gb": b["vram_required_gb"], "latency_ms": dict(b["latency_ms"]),
                        "arabic_quality": dict(b["arabic_quality"]), "cost_per_1k_tokens_halala": None,
                        "cost_per_1k_tokens_sar": 0, "cold_start_ms": cold},
            "summary": {"en": f"P95 latency nullms, Arabic MMLU null%, cost 0 SAR per 1K tokens, "
                              f"cold-start {cold}ms.",
                        "ar": f"زمن الاستجابة P95 حوالي null مللي ثانية، ودقة Arabic MMLU null%، "
                              f"والتكلفة 0 ريال لكل 1000 رمز، وزمن التشغيل الأولي {cold} مللي ثانية."},
            "readiness": _readiness(m)}


def _estimate(m: dict, opts: dict) -> dict:
    minutes = _int(opts.get("duration_minutes"), 1, 1440) or DEFAULT_DEPLOY_MINUTES
    rate = max(1, round((m["pricing"]["avg_sar_per_min"] or m["pricing"]["default_sar_per_min"]) * 100)
               or m["pricing"]["default_halala_per_min"])
    cost = rate * minutes
    return {"duration_minutes": minutes, "rate_halala_per_min": rate, "estimated_cost_halala": cost,
            "estimated_cost_sar": _r(cost / 100), "estimated_cold_start_ms": m["estimated_cold_start_ms"],
            "providers_online": m["availability"]["providers_online"],
            "providers_warm": m["availability"]["providers_warm"]}


def _find_model(req: Request) -> dict | None:
    mid = (req.params.get("model_id") or "")[:200]
    return next((m for m in all_models(req) if m["model_id"] == mid), None)


def _unrouted(req: Request) -> Response | None:
    """A model id outside the server's route regex matches no route there: Express's 404 page."""
    if _MODEL_ID_RE.fullmatch(req.params.get("model_id") or ""):
        return None
    return html_error(404, f"Cannot {req.method} {req.path}")


# --- routes: /api/models ------------------------------------------------------------------------

def models_list(req: Request) -> Response:
    return json_response(200, [_legacy(m) for m in _filter(all_models(req), req.query)])


def models_benchmarks(req: Request) -> Response:
    return json_response(200, {"benchmark_suite": BENCHMARK_SUITE, "generated_at": iso(),
                               "models": [_benchmark_entry(m) for m in all_models(req)]})


def models_cards(req: Request) -> Response:
    return json_response(200, {"generated_at": iso(), "language": "bilingual",
                               "cards": [_card(m) for m in all_models(req)]})


def models_catalog(req: Request) -> Response:
    models = _filter(all_models(req), req.query)
    return json_response(200, {"generated_at": iso(), "total_models": len(models), "models": models})


def models_portfolio_readiness(req: Request) -> Response:
    return json_response(200, {"generated_at": iso(), "benchmark_suite": BENCHMARK_SUITE,
                               "totals": {"tier_a": 0, "tier_b": 0, "ready": 0, "prewarm_critical_ready": 0},
                               "tiers": {"tier_a": [], "tier_b": []}})


def models_compare(req: Request) -> Response:
    raw = req.query.get("ids")
    joined = ",".join(raw) if isinstance(raw, list) else (raw or "")
    ids = [s.strip()[:200] for s in str(joined).split(",") if s.strip()][:8]
    if len(ids) < 2:
        return error(400, "Provide at least two model ids via ids=comma,separated,list")
    models = all_models(req)
    selected = [m for i in ids for m in models if m["model_id"] == i]
    if not selected:
        return error(404, "No matching models found for compare request")
    ranking = sorted(selected, key=lambda m: m["pricing"]["avg_sar_per_min"] or 0)
    return json_response(200, {"generated_at": iso(), "requested_ids": ids, "models": selected,
                               "ranking": [{"rank": n + 1, "model_id": m["model_id"],
                                            "display_name": m["display_name"], "arabic_mmlu_score": None,
                                            "avg_price_sar_per_min": m["pricing"]["avg_sar_per_min"],
                                            "estimated_cold_start_ms": m["estimated_cold_start_ms"]}
                                           for n, m in enumerate(ranking)]})


def models_arabic_rag(req: Request) -> Response:
    """No Arabic embedder, reranker or LLM in the emulator's registry: every component is the
    server's not-found placeholder and the bundle is not ready."""
    return json_response(200, {"generated_at": iso(), "bundle": {
        "bundle_id": "arabic-rag", "display_name": "Arabic RAG-as-a-Service",
        "description": "Arabic retrieval-augmented generation pipeline (embedder, reranker, generator).",
        "template_id": "arabic-rag-complete",
        "components": {
            "embedder": {"model_id": "bge-m3-embedding", "role": "embedder", "hf_repo": "BAAI/bge-m3",
                         "status": "no_providers"},
            "reranker": {"model_id": "reranker-v2-m3", "role": "reranker",
                         "hf_repo": "BAAI/bge-reranker-v2-m3", "status": "no_providers"},
            "llm": {"model_id": "allam-7b-instruct", "role": "generator", "status": "no_providers"}},
        "use_cases": ["arabic-rag", "document-processing", "enterprise-search", "pdpl-compliant"],
        "total_min_vram_gb": 32, "ready": False}})


def models_deploy_estimate(req: Request) -> Response:
    unrouted = _unrouted(req)
    if unrouted:
        return unrouted
    m = _find_model(req)
    if not m:
        return error(404, "Model not found or inactive")
    return json_response(200, {"model_id": m["model_id"], "display_name": m["display_name"],
                               "availability": m["availability"], "estimate": _estimate(m, req.query)})


def models_deploy(req: Request) -> Response:
    """POST /api/models/:id/deploy: a handoff (the submit body to send), no job is created."""
    unrouted = _unrouted(req)
    if unrouted:
        return unrouted
    from . import auth
    key = (req.header("x-renter-key") or req.q("key") or "")[:128] or None
    if not key:
        return error(401, "Renter API key required (?key= or x-renter-key)")
    renter = auth.renter_by_key(req, key)
    if not renter:
        return error(403, "Invalid or inactive renter API key")
    m = _find_model(req)
    if not m:
        return error(404, "Model not found or inactive")
    body = req.body if isinstance(req.body, dict) else {}
    minutes = _int(body.get("duration_minutes"), 1, 1440) or DEFAULT_DEPLOY_MINUTES
    max_len = _int(body.get("max_model_len"), 512, 32768) or min(max(m["context_window"], 512), 32768)
    dtype = str(body.get("dtype") or "").lower()
    dtype = dtype if dtype in ("float16", "bfloat16", "float32") else "float16"
    prewarm = body.get("prewarm_requested") is True
    submit = {"job_type": "vllm_serve", "duration_minutes": minutes, "model": m["model_id"],
              "params": {"model": m["model_id"], "max_model_len": max_len, "dtype": dtype},
              "container_spec": {"image_type": "vllm-serve", "image": DEPLOY_IMAGE, "model": m["model_id"],
                                 "prewarm_requested": prewarm},
              "prewarm_requested": prewarm}
    pid = _int(body.get("provider_id"), 1, 2**53)
    if pid is not None:
        submit["provider_id"] = pid
        p = req.ctx.store.q1("SELECT * FROM providers WHERE id = ?", pid)
        if not p:
            return error(404, "Requested provider_id does not exist")
        hb = parse_ts(p.get("last_heartbeat"))
        if p["status"] != "online" or p["is_paused"] or hb is None or time.time() - hb > PROVIDER_FRESHNESS_S:
            return error(409, "Requested provider is not currently available for deploy")
        if (p.get("vram_mib") or 0) < m["min_gpu_vram_gb"] * 1024:
            return error(409, "Requested provider does not meet model VRAM requirement")
    return json_response(200, {
        "status": "ready", "model": {"model_id": m["model_id"], "display_name": m["display_name"],
                                     "min_gpu_vram_gb": m["min_gpu_vram_gb"]},
        "renter_id": renter["id"], "deploy_mode": "vllm_serve", "availability": m["availability"],
        "estimate": _estimate(m, body),
        "submit": {"endpoint": "/api/jobs/submit", "method": "POST", "auth": "x-renter-key", "body": submit},
        "notes": ["Submit payload to /api/jobs/submit to create the actual serving job.",
                  "Use /api/jobs/queue/status and /api/jobs/:id logs endpoints to track launch progress."]})


def models_one(req: Request) -> Response:
    unrouted = _unrouted(req)
    if unrouted:
        return unrouted
    m = _find_model(req)
    if not m:
        return error(404, "Model not found or inactive")
    return json_response(200, m)


# --- routes: templates, registry, pricing ---------------------------------------------------------

def _public_template(t: dict) -> dict:
    return {k: v for k, v in t.items() if k != "approved_images"}


def templates_list(req: Request) -> Response:
    tag = req.q("tag")
    rows = [t for t in sorted(TEMPLATE_LIST, key=lambda t: t.get("sort_order", 99))
            if not tag or tag in (t.get("tags") or [])]
    safe = [_public_template(t) for t in rows]
    return json_response(200, {"templates": safe, "count": len(safe)})


def templates_whitelist(req: Request) -> Response:
    refs = list(WHITELIST_EXTRA) + [t["image"] for t in TEMPLATE_LIST if t.get("image") not in (None, "custom")]
    refs += [i for t in TEMPLATE_LIST for i in t.get("approved_images") or []]
    return json_response(200, {"approved_images": list(dict.fromkeys(refs))})


def templates_one(req: Request) -> Response:
    t = TEMPLATES.get(req.params.get("id"))
    if not t:
        return error(404, "Template not found")
    return json_response(200, _public_template(t))


def container_registry(req: Request) -> Response:
    images = [{"id": None, "image_ref": ref, "image_type": "template", "description": "Built-in DCP template image",
               "approved_at": None, "source": "template"} for ref in TEMPLATE_IMAGES]
    seeded = iso(req.ctx.started_epoch)
    images += [{"id": i, "image_ref": ref, "image_type": kind, "description": desc, "approved_at": seeded,
                "source": "allowed"} for i, ref, kind, desc in sorted(ALLOWED_IMAGES, key=lambda r: -r[0])]
    return json_response(200, {"images": images, "total": len(images)})


def pricing_tiers(req: Request) -> Response:
    tiers = []
    for e in GPU_RATE_TABLE:
        if e["models"][0] == "default":
            continue
        dcp = float(f"{e['rate_per_hour_usd'] * SAR_PER_USD:.2f}")
        cp = e["competitor_prices"]
        vast = float(f"{cp['vast_ai'] * SAR_PER_USD:.2f}")
        savings = max(0, round((vast - dcp) / vast * 100 + 1e-9)) if vast > 0 else 0
        tiers.append({"gpu_model": e["models"][0], "display_name": e["display_name"], "tier": e["tier"],
                      "min_vram_gb": e["min_vram_gb"],
                      "pricing": {"rate_per_hour_usd": e["rate_per_hour_usd"], "rate_per_hour_sar": dcp,
                                  "rate_per_second_usd": e["rate_per_second_usd"]},
                      "competitor_prices": {"vast_ai_usd": cp["vast_ai"], "runpod_usd": cp["runpod"],
                                            "aws_usd": cp["aws"], "vast_ai_sar": vast,
                                            "runpod_sar": float(f"{cp['runpod'] * SAR_PER_USD:.2f}"),
                                            "aws_sar": float(f"{cp['aws'] * SAR_PER_USD:.2f}")},
                      "savings_vs_vast_ai_pct": savings})
    return json_response(200, {"generated_at": iso(), "sar_usd_rate": SAR_PER_USD, "anchor_gpu": "rtx 4090",
                               "anchor_rate_usd": 0.267, "pricing_classes": dict(PRICING_CLASS_MULTIPLIERS),
                               "tiers": tiers})


MODEL_ID = ":model_id(.+)"          # the router splits patterns on "/": the id is checked below
_MODEL_ID_RE = __import__("re").compile(r"[A-Za-z0-9._/-]+")     # the server's route regex


def register(router) -> None:
    add = router.add
    add("GET", "/api/models", models_list, limiter="modelCatalog")
    add("GET", "/api/models/benchmarks", models_benchmarks, limiter="publicEndpoint")
    add("GET", "/api/models/cards", models_cards, limiter="publicEndpoint")
    add("GET", "/api/models/catalog", models_catalog, limiter="publicEndpoint")
    add("GET", "/api/models/portfolio-readiness", models_portfolio_readiness, limiter="publicEndpoint")
    add("GET", "/api/models/compare", models_compare, limiter="publicEndpoint")
    add("GET", "/api/models/bundles/arabic-rag", models_arabic_rag, limiter="publicEndpoint")
    add("GET", f"/api/models/{MODEL_ID}/deploy/estimate", models_deploy_estimate, limiter="publicEndpoint")
    add("POST", f"/api/models/{MODEL_ID}/deploy", models_deploy)
    add("GET", f"/api/models/{MODEL_ID}", models_one, limiter="publicEndpoint")
    add("GET", "/api/templates", templates_list)
    add("GET", "/api/templates/whitelist", templates_whitelist)
    add("GET", "/api/templates/:id", templates_one)
    add("GET", "/api/containers/registry", container_registry, limiter="containerRegistry")
    add("GET", "/api/pricing/tiers", pricing_tiers, limiter="publicEndpoint")
