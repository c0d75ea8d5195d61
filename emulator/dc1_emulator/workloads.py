"""What the simulated providers run, per job type (§7.3, §15.6).

The parameter rules are the server's (clamps, whitelists, defaults); the
outputs are produced the way the daemon reports them: stdout ending in a
``DC1_RESULT_JSON:{...}`` line. Nothing here pretends to be a model: LLM
text is deterministic and starts with ``[emulated]``; images are real PNGs
of the requested size; custom scripts really run (in a subprocess)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from typing import Any

from .util import dumps

LLM_MODELS = ["microsoft/phi-2", "microsoft/phi-1_5", "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
              "google/gemma-2b", "mistralai/Mistral-7B-Instruct-v0.2"]
SD_MODELS = ["CompVis/stable-diffusion-v1-4", "stable-diffusion-v1-5/stable-diffusion-v1-5",
             "stabilityai/stable-diffusion-2-1", "runwayml/stable-diffusion-v1-5",
             "stabilityai/stable-diffusion-xl-base-1.0"]
VLLM_MODELS = ["mistralai/Mistral-7B-Instruct-v0.2", "meta-llama/Meta-Llama-3-8B-Instruct",
               "microsoft/Phi-3-mini-4k-instruct", "google/gemma-2b-it",
               "TinyLlama/TinyLlama-1.1B-Chat-v1.0"]
TINYLLAMA = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"
DEFAULT_LLM_PROMPT = "What is the capital of Saudi Arabia?"
DEFAULT_IMAGE_PROMPT = "A beautiful sunset over Riyadh skyline"
DEFAULT_CUSTOM_IMAGE = "dc1/general-worker:latest"
DEFAULT_CUSTOM_SCRIPT = ('import os\nprint(f"GPU: {os.environ.get(\'DC1_GPU_NAME\', \'none\')} '
                         '(emulated provider, no CUDA)")\n')
STDOUT_LIMIT = 2 * 1024 * 1024      # the daemon captures 2 MB of stdout (§8.3)


# --- JavaScript number parsing, as the server's param rules use it ---------------------

def js_parse_int(v: Any) -> int | None:
    if isinstance(v, bool) or v is None:
        return None
    m = re.match(r"\s*([+-]?\d+)", str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
    return int(m.group(1)) if m else None


def js_parse_float(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    m = re.match(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", str(v))
    return float(m.group(1)) if m else None


def _clamp(v: float, lo: float, hi: float) -> float:
    return min(max(v, lo), hi)


def script_string(s: Any) -> str:
    """What a prompt becomes once embedded in the generated script: newlines turn
    into spaces and carriage returns vanish (§7.3)."""
    return str(s).replace("\n", " ").replace("\r", "")


# --- §7.3 parameter rules ----------------------------------------------------------------

def llm_params(p: dict) -> dict:
    max_tokens = js_parse_int(p.get("max_tokens")) or 256
    temperature = js_parse_float(p.get("temperature")) or 0.7      # 0 also becomes 0.7
    model = str(p.get("model") or TINYLLAMA)
    return {"prompt": script_string(p.get("prompt") or DEFAULT_LLM_PROMPT),
            "model": model if model in LLM_MODELS else TINYLLAMA,
            "max_tokens": int(_clamp(max_tokens, 32, 4096)),
            "temperature": _clamp(temperature, 0.1, 2.0)}


def image_params(p: dict) -> dict:
    seed = js_parse_int(p.get("seed")) if p.get("seed") else None
    model = str(p.get("model") or SD_MODELS[0])
    return {"prompt": script_string(p.get("prompt") or DEFAULT_IMAGE_PROMPT),
            "negative_prompt": script_string(p.get("negative_prompt")
                                             or "blurry, low quality, distorted"),
            "steps": int(_clamp(js_parse_int(p.get("steps")) or 30, 5, 100)),
            "width": int(_clamp(js_parse_int(p.get("width")) or 512, 256, 1024)),
            "height": int(_clamp(js_parse_int(p.get("height")) or 512, 256, 1024)),
            "seed": seed if seed is not None and seed >= 0 else None,  # falsy: random
            "model": model if model in SD_MODELS else SD_MODELS[0]}


def vllm_params(p: dict) -> dict:
    model = str(p.get("model") or TINYLLAMA)
    dtype = p.get("dtype") if p.get("dtype") in ("float16", "bfloat16", "float32") else "float16"
    return {"serve_mode": True, "model": model if model in VLLM_MODELS else TINYLLAMA,
            "max_model_len": int(_clamp(js_parse_int(p.get("max_model_len")) or 4096, 512, 32768)),
            "dtype": dtype}


def custom_params(p: dict) -> dict:
    return {"image_override": p.get("image_override") or DEFAULT_CUSTOM_IMAGE,
            "script": p.get("script") or DEFAULT_CUSTOM_SCRIPT}


def normalized_params(job_type: str, params: dict) -> dict:
    if job_type in ("llm_inference", "llm-inference"):
        return llm_params(params)
    if job_type == "image_generation":
        return image_params(params)
    if job_type == "vllm_serve":
        return vllm_params(params)
    if job_type == "custom_container":
        return custom_params(params)
    return dict(params)


def task_spec_for(job_type: str, norm: dict, params: dict, task_spec: dict | None) -> str:
    """The stored task payload (§7.3): a generated Python script for the LLM and image
    types, JSON for vllm_serve/custom_container, else task_spec or {job_type, params}."""
    if job_type in ("llm_inference", "llm-inference"):
        return ("#!/usr/bin/env python3\n# DCP LLM inference task (generated; emulated run)\n"
                f"MODEL = {norm['model']!r}\nPROMPT = {norm['prompt']!r}\n"
                f"MAX_TOKENS = {norm['max_tokens']}\nTEMPERATURE = {norm['temperature']}\n"
                "# ... loads MODEL, generates, prints DC1_RESULT_JSON:{...}\n")
    if job_type == "image_generation":
        return ("#!/usr/bin/env python3\n# DCP image generation task (generated; emulated run)\n"
                f"MODEL = {norm['model']!r}\nPROMPT = {norm['prompt']!r}\n"
                f"NEGATIVE_PROMPT = {norm['negative_prompt']!r}\nSTEPS = {norm['steps']}\n"
                f"WIDTH = {norm['width']}\nHEIGHT = {norm['height']}\n"
                f"SEED = {norm['seed'] if norm['seed'] is not None else -1}\n"
                "# ... runs the pipeline, prints DC1_RESULT_JSON:{...}\n")
    if job_type in ("vllm_serve", "custom_container"):
        return dumps(norm)
    if task_spec:
        return dumps(task_spec)
    return dumps({"job_type": job_type, "params": params})


# --- emulated outputs ------------------------------------------------------------------------

def count_tokens(text: str) -> int:
    return len(text.split())


def llm_text(prompt: str, model: str, max_tokens: int) -> str:
    """Deterministic, clearly-emulated text derived from the prompt."""
    digest = hashlib.sha256(f"{model}\n{prompt}".encode("utf-8")).hexdigest()[:12]
    words = prompt.split()
    topic = " ".join(words[:16]) + (" ..." if len(words) > 16 else "")
    text = (f"[emulated] This reply comes from the DC1 emulator, not from {model}. "
            f"You asked: \"{topic}\". The prompt has {len(words)} words and "
            f"{len(prompt)} characters (fingerprint {digest}). A provider GPU would "
            "generate a real answer here; the emulator derives this text from the prompt "
            "so that tests get the same output every time.")
    return " ".join(text.split()[:max_tokens])


def chat_reply(model: str, messages: list, max_tokens: int, served_by: str = "DCP") -> str:
    last = ""
    for m in messages:
        if isinstance(m, dict) and str(m.get("role", "user")).lower() == "user" \
                and isinstance(m.get("content"), str):
            last = m["content"]
    digest = hashlib.sha256(f"{model}\n{last}".encode("utf-8")).hexdigest()[:12]
    short = " ".join(last.split()[:24])
    text = (f"[emulated] {served_by} emulator reply from {model}: you said \"{short}\" "
            f"({len(last)} characters, fingerprint {digest}).")
    return " ".join(text.split()[:max(1, max_tokens)])


def llm_stdout(norm: dict, gen_time: float, total_time: float) -> tuple[str, int]:
    response = llm_text(norm["prompt"], norm["model"], norm["max_tokens"])
    tokens = count_tokens(response)
    out = {"type": "text", "prompt": norm["prompt"], "response": response,
           "model": norm["model"], "tokens_generated": tokens,
           "tokens_per_second": round(tokens / gen_time, 1) if gen_time > 0 else 0,
           "gen_time_s": round(gen_time, 1), "total_time_s": round(total_time, 1),
           "device": "cuda"}
    stdout = (f"[dcp] Downloading/loading model: {norm['model']}\n"
              f"[dcp] Model loaded in {max(0.1, total_time - gen_time):.1f}s on cuda\n"
              f"[dcp] Generating up to {norm['max_tokens']} tokens...\n"
              f"[dcp] Generated {tokens} tokens in {gen_time:.1f}s\n"
              "DC1_RESULT_JSON:" + json.dumps(out, ensure_ascii=False) + "\n")
    return stdout, tokens


def image_stdout(norm: dict, gen_time: float, total_time: float) -> str:
    import base64
    from .png import make_png
    seed = norm["seed"] if norm["seed"] is not None else secrets.randbelow(2**32)
    data = base64.b64encode(make_png(norm["width"], norm["height"], seed)).decode("ascii")
    out = {"type": "image", "format": "png", "encoding": "base64", "width": norm["width"],
           "height": norm["height"], "steps": norm["steps"], "seed": seed,
           "prompt": norm["prompt"], "model": norm["model"], "device": "cuda",
           "gen_time_s": round(gen_time, 1), "total_time_s": round(total_time, 1), "data": data}
    return (f"[dcp] Loading model: {norm['model']}\n"
            f"[dcp] Generating {norm['width']}x{norm['height']} image, {norm['steps']} steps, "
            f"seed={seed}...\n[dcp] Generated in {gen_time:.1f}s\n"
            "DC1_RESULT_JSON:" + json.dumps(out, ensure_ascii=False) + "\n")


def generic_stdout(job_type: str, task_spec: str, runtime: float) -> str:
    out = {"type": job_type, "emulated": True, "status": "ok",
           "task_spec_sha256": hashlib.sha256(task_spec.encode("utf-8")).hexdigest(),
           "runtime_s": round(runtime, 1)}
    return (f"[dcp] Running {job_type} task on an emulated provider\n"
            "DC1_RESULT_JSON:" + json.dumps(out) + "\n")


# --- custom_container: really run the script -------------------------------------------------

def start_script(script: str, env_extra: dict) -> tuple[subprocess.Popen, str]:
    """Start ``script`` with this Python in a fresh temp dir. Returns (process, dir).

    This runs renter-supplied code as the emulator's user (that is the point: the demo and the
    tests need real output). Containment is modest: a child process in its own session (killed
    with its group on timeout or cancel), isolated mode (``-I``: no user site-packages, no
    ``PYTHON*`` variables, no script dir on sys.path), a clean environment (PATH, HOME = the temp
    dir, locale, plus the job's variables), and a temporary working directory removed afterwards."""
    workdir = tempfile.mkdtemp(prefix="dc1emu-job-")
    path = os.path.join(workdir, "task.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(script)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": workdir,
           "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    env.update({str(k): str(v) for k, v in env_extra.items()})
    proc = subprocess.Popen([sys.executable, "-I", "-u", path], cwd=workdir, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    return proc, workdir
