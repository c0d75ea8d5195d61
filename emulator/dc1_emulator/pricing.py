"""§6 pricing: the submit quote (§6.1) and settlement helpers (§6.2)."""
from __future__ import annotations

import math
import re

from .util import js_round

MULTIPLIERS = {"priority": 1.20, "standard": 1.00, "economy": 0.90}

# §6.1 GPU-aware path: case-insensitive substring match on the provider's gpu_model.
GPU_RATES = [  # (needles, usd_per_hour, rate_per_second_usd)
    (("h200",), 2.450, 0.000681),
    (("h100",), 1.890, 0.000525),
    (("a100",), 1.200, 0.000333),
    (("rtx 4090", "rtx4090"), 0.267, 0.0000742),
    (("rtx 4080", "rtx4080"), 0.178, 0.0000494),
    (("rtx 3090", "rtx3090"), 0.134, 0.0000372),
    (("rtx 3080", "rtx3080"), 0.089, 0.0000247),
]
DEFAULT_GPU_RATE = (0.089, 0.0000247)

# §6.1 job-type path, halala per minute.
JOB_TYPE_RATES = {
    "llm_inference": 9, "llm-inference": 9, "vllm_serve": 9, "image_generation": 10,
    "rendering": 10, "training": 7, "custom_container": 7, "rag-pipeline": 15,
}
DEFAULT_JOB_TYPE_RATE = 6

# §6.2 daemon settlement: 0.25 halala per GPU-second by default.
DEFAULT_RATE_PER_GPU_SECOND = 0.25

# §7.1 gpu_type whitelist (after stripping non-alphanumerics, upper-cased).
GPU_TYPES = ["H200", "H100", "A100", "L40S", "L40", "RTX4090", "RTX4080", "RTX3090", "RTX3080"]


def normalize_pricing_class(value) -> str:
    """priority/standard/economy, case-insensitive; anything else is standard."""
    v = str(value or "").strip().lower()
    return v if v in MULTIPLIERS else "standard"


def gpu_rate(gpu_model: str | None) -> tuple[float, float]:
    """(usd_per_hour, rate_per_second_usd) for a GPU model string."""
    g = (gpu_model or "").lower()
    for needles, hourly, per_second in GPU_RATES:
        if any(n in g for n in needles):
            return hourly, per_second
    return DEFAULT_GPU_RATE


def gpu_quote(gpu_model: str, duration_minutes: float, pricing_class: str) -> int:
    """ceil(rate_per_second_usd x minutes x 60 x 3.75 x 100 x mult)."""
    _, per_second = gpu_rate(gpu_model)
    mult = MULTIPLIERS[normalize_pricing_class(pricing_class)]
    # round() first so float noise (e.g. 16.000000001) does not add a halala.
    return int(math.ceil(round(per_second * duration_minutes * 60 * 375 * mult, 9)))


def job_type_rate(job_type: str) -> int:
    return JOB_TYPE_RATES.get(job_type, DEFAULT_JOB_TYPE_RATE)


def job_type_quote(job_type: str, duration_minutes: float, pricing_class: str) -> int:
    """ceil(rate_per_min x minutes x mult)."""
    mult = MULTIPLIERS[normalize_pricing_class(pricing_class)]
    return int(math.ceil(round(job_type_rate(job_type) * duration_minutes * mult, 9)))


def gpu_type_model(gpu_type: str) -> str:
    """A gpu_requirements.gpu_type ("RTX 4090", "a100") as a matchable model name."""
    t = re.sub(r"[^A-Za-z0-9]", "", gpu_type or "").upper()
    return t.replace("RTX", "RTX ") if t.startswith("RTX") else t


def quote(job_type: str, duration_minutes: float, pricing_class: str,
          provider_gpu: str | None, gpu_type: str | None) -> tuple[int, dict | None]:
    """§6.1: the prepaid cost and the gpu_rate_snapshot (None on the job-type path)."""
    model = provider_gpu or (gpu_type_model(gpu_type) if gpu_type else None)
    if model:
        hourly, per_second = gpu_rate(model)
        cost = gpu_quote(model, duration_minutes, pricing_class)
        return cost, {"gpu_model": model, "rate_usd_per_hour": hourly,
                      "rate_per_second_usd": per_second, "sar_per_usd": 3.75,
                      "pricing_class": normalize_pricing_class(pricing_class),
                      "multiplier": MULTIPLIERS[normalize_pricing_class(pricing_class)]}
    return job_type_quote(job_type, duration_minutes, pricing_class), None


def daemon_settlement(gpu_seconds: float, rate_per_gpu_second: float) -> tuple[int, int, int]:
    """§6.2 /api/providers/job-result: actual = round(gpu_s x rate); 75/25 split."""
    actual = js_round(gpu_seconds * rate_per_gpu_second)
    provider = int(math.floor(actual * 0.75))
    return actual, provider, actual - provider


def split_85_15(total: int) -> tuple[int, int]:
    """§6.2/§17 #7: renter complete and the alternate result path use 85/15."""
    provider = int(math.floor(total * 0.85))
    return provider, total - provider
