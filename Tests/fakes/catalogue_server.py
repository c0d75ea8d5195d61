#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 answering the catalogue routes with the real server's
shapes (dhnpmp-tech/dc1-platform backend/src/routes/models.js, containers.js,
templates.js, pricing.js, renters.js /me/spending and /me, jobs.js /lifecycle; contract
§8.8), for the catalogue tests of every layer while the emulator does not serve them.

In a test:   with FakeCatalogue() as fake: ... fake.base_url, fake.key, fake.requests()
From C:      exec python3 Tests/fakes/catalogue_server.py   (prints DC1_BASE_URL=… and
             DC1_API_KEY=…, then serves until POST /__fake/quit or its parent exits)

GET /__fake/requests lists the requests seen ("METHOD /path?query"); POST /__fake/reset
clears that list. The lifecycle stream of job "job-drop" closes after its first event
the first time it is opened, so a client must resume with ?since_sequence=.
"""
from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

KEY = "dc1-renter-fakecatalogue0000000000000001"

MODELS = [
    {"model_id": "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "display_name": "TinyLlama 1.1B Chat", "family": "llama",
     "vram_gb": 4, "quantization": "fp16", "context_window": 2048, "use_cases": ["chat"], "min_gpu_vram_gb": 4,
     "arabic_capability": False, "providers_online": 2, "avg_price_sar_per_min": 0.09, "status": "available",
     "tier": None, "prewarm_class": None, "template_id": None,
     "competitor_prices": {"vast_ai": 1.0, "runpod": 1.31, "aws": 3.94, "vast_ai_usd": 0.267, "runpod_usd": 0.35,
                           "aws_usd": 1.05}, "savings_pct": 46, "pricing_per_hour": 5.4},
    {"model_id": "ALLaM-AI/ALLaM-7B-Instruct-preview", "display_name": "ALLaM 7B Instruct", "family": "allam",
     "vram_gb": 16, "quantization": "fp16", "context_window": 4096, "use_cases": ["chat", "instruct"],
     "min_gpu_vram_gb": 16, "arabic_capability": True, "providers_online": 1, "avg_price_sar_per_min": 0.15,
     "status": "available", "tier": "tier_a", "prewarm_class": "hot", "template_id": "arabic-llm",
     "competitor_prices": None, "savings_pct": None, "pricing_per_hour": 9.0},
    {"model_id": "mistralai/Mistral-7B-Instruct-v0.2", "display_name": "Mistral 7B Instruct", "family": "mistral",
     "vram_gb": 16, "quantization": "fp16", "context_window": 8192, "use_cases": ["chat"], "min_gpu_vram_gb": 16,
     "arabic_capability": False, "providers_online": 0, "avg_price_sar_per_min": 0.12, "status": "no_providers",
     "tier": "tier_b", "prewarm_class": "warm", "template_id": "mistral-7b", "competitor_prices": None,
     "savings_pct": None, "pricing_per_hour": 7.2},
]

PROVIDERS = [
    {"id": 7, "peer_id": None, "name": "Riyadh Node A", "gpu_model": "NVIDIA GeForce RTX 4090", "vram_gb": 24,
     "vram_mib": 24564, "gpu_count": 1, "status": "online", "is_live": True, "location": "SA-Riyadh",
     "reliability_score": 0, "cached_models": ["TinyLlama/TinyLlama-1.1B-Chat-v1.0", "allam-ai/allam-7b-instruct-preview"],
     "discovery_source": "sqlite", "discovered_at": None, "stale": False},
    {"id": 8, "peer_id": None, "name": "Jeddah Node B", "gpu_model": "NVIDIA A100-SXM4-80GB", "vram_gb": 80,
     "vram_mib": 81920, "gpu_count": 1, "status": "online", "is_live": False, "location": "SA-Jeddah",
     "reliability_score": 0, "cached_models": ["mistralai/Mistral-7B-Instruct-v0.2"],
     "discovery_source": "sqlite", "discovered_at": None, "stale": False},
    {"id": 9, "peer_id": None, "name": "Dammam Node C", "gpu_model": "NVIDIA GeForce RTX 3090", "vram_gb": 24,
     "vram_mib": 24576, "gpu_count": 1, "status": "online", "is_live": True, "location": "SA-Dammam",
     "reliability_score": 0, "cached_models": ["TinyLlama/TinyLlama-1.1B-Chat-v1.0"],
     "discovery_source": "sqlite", "discovered_at": None, "stale": False},
]

TEMPLATE_IMAGES = ["dc1/general-worker:latest", "dc1/llm-worker:latest", "dc1/sd-worker:latest",
                   "pytorch/pytorch:2.2.0-cuda12.1-cudnn8-runtime", "dcp/vllm-serve:latest"]
ALLOWED = [{"id": 3, "image_ref": "ghcr.io/acme/trainer:1.2", "image_type": "training",
            "description": "Acme trainer", "approved_at": "2026-11-20T10:00:00.000Z"}]

TEMPLATES = [
    {"id": "llama3-8b", "name": "Llama 3 8B Instruct", "description": "Meta Llama 3 8B Instruct",
     "image": "dc1/llm-worker:latest", "job_type": "llm-inference",
     "env_vars": [{"key": "MODEL_ID", "label": "Model ID", "default": "meta-llama/Meta-Llama-3-8B-Instruct",
                   "required": True}],
     "params": {"model": "meta-llama/Meta-Llama-3-8B-Instruct", "prompt": "Explain GPU marketplaces.",
                "max_tokens": 512, "temperature": 0.7, "stop": ["</s>"]},
     "min_vram_gb": 16, "estimated_price_sar_per_hour": 9.0, "tags": ["llm", "inference"], "sort_order": 3,
     "icon": "🦙", "difficulty": "easy", "tier": "cached"},
    {"id": "custom-container", "name": "Custom Container", "description": "Bring your own Docker image.",
     "image": "custom", "job_type": "custom_container",
     "params": {"image_override": "dc1/general-worker:latest", "script": "print('hi')"},
     "min_vram_gb": 4, "estimated_price_sar_per_hour": 9.0, "tags": ["custom", "advanced"], "sort_order": 6},
]

TIERS = [
    {"gpu_model": "h100", "display_name": "NVIDIA H100", "tier": "enterprise", "min_vram_gb": 80,
     "pricing": {"rate_per_hour_usd": 1.89, "rate_per_hour_sar": 7.09, "rate_per_second_usd": 0.000525}},
    {"gpu_model": "rtx 4090", "display_name": "NVIDIA RTX 4090", "tier": "consumer", "min_vram_gb": 24,
     "pricing": {"rate_per_hour_usd": 0.267, "rate_per_hour_sar": 1.0, "rate_per_second_usd": 0.0000742}},
]

LIFECYCLE_EVENTS = [
    ("job.submitted", "pending", None), ("job.status.changed", "running", None),
    ("job.phase.changed", "running", None), ("job.status.changed", "completed", None),
]


def lifecycle_event(job_id: str, seq: int) -> Dict[str, Any]:
    et, status, cat = LIFECYCLE_EVENTS[seq - 1]
    return {"schema_version": "2026-03-20.v1", "job_id": job_id, "sequence_no": seq, "event_type": et,
            "status": status, "source": "api", "error_category": cat, "error_code": None,
            "message": f"{et} ({status})", "payload": {}, "occurred_at": "2026-11-29T05:00:0%dZ" % seq,
            "occurred_at_ms": 1795928400000 + seq}


class _Handler(BaseHTTPRequestHandler):
    server_version = "fake-dc1"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    # -- helpers ---------------------------------------------------------------
    def _send(self, status: int, body: Any, headers: Optional[Dict[str, str]] = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _authed(self) -> bool:
        return self.headers.get("x-renter-key") == KEY

    def _record(self) -> None:
        if not self.path.startswith("/__fake/"):
            with self.server.lock:
                self.server.seen.append(f"{self.command} {self.path}")

    # -- routes ------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: C901 - a route table
        self._record()
        url = urlsplit(self.path)
        path, q = url.path, parse_qs(url.query)
        if path == "/__fake/requests":
            with self.server.lock:
                return self._send(200, {"requests": list(self.server.seen)})
        if path == "/api/models":
            models = MODELS
            if q.get("arabic") == ["true"]:
                models = [m for m in models if m["arabic_capability"]]
            return self._send(200, models)   # the real route answers a bare array
        m = re.fullmatch(r"/api/models/([a-zA-Z0-9._/-]+)", path)
        if m:
            for mod in MODELS:
                if mod["model_id"] == m.group(1):
                    per_min = int(round(mod["avg_price_sar_per_min"] * 100))
                    return self._send(200, {
                        "model_id": mod["model_id"], "display_name": mod["display_name"], "family": mod["family"],
                        "availability": {"providers_online": mod["providers_online"], "providers_warm": 0,
                                         "status": mod["status"]},
                        "pricing": {"default_halala_per_min": per_min, "default_sar_per_min": per_min / 100,
                                    "default_sar_per_hour": per_min * 60 / 100,
                                    "avg_sar_per_min": mod["avg_price_sar_per_min"],
                                    "min_halala_per_min": per_min, "max_halala_per_min": per_min},
                        "template_id": mod["template_id"], "updated_at": None})
            return self._send(404, {"error": "Model not found or inactive"})
        if path == "/api/renters/available-providers":
            return self._send(200, {"providers": PROVIDERS, "total": len(PROVIDERS), "discovery_mode": "sqlite",
                                    "discovery_health": {"mode": "sqlite", "enabled": False,
                                                         "announcement_enabled": False,
                                                         "bootstrap_configured": False}})
        if path == "/api/containers/registry":
            images = [{"id": None, "image_ref": r, "image_type": "template", "description": "Built-in DCP template image",
                       "approved_at": None, "source": "template"} for r in TEMPLATE_IMAGES]
            images += [dict(a, source="allowed") for a in ALLOWED]
            return self._send(200, {"images": images, "total": len(images)},
                              {"RateLimit-Policy": "30;w=60"})
        if path == "/api/templates":
            tag = (q.get("tag") or [None])[0]
            ts = [t for t in TEMPLATES if not tag or tag in t.get("tags", [])]
            return self._send(200, {"templates": ts, "count": len(ts)})
        m = re.fullmatch(r"/api/templates/([^/]+)", path)
        if m:
            for t in TEMPLATES:
                if t["id"] == m.group(1):
                    return self._send(200, t)
            return self._send(404, {"error": "Template not found"})
        if path == "/api/pricing/tiers":
            return self._send(200, {"generated_at": "2026-11-29T05:00:00.000Z", "sar_usd_rate": 3.75,
                                    "anchor_gpu": "rtx 4090", "anchor_rate_usd": 0.267,
                                    "pricing_classes": {"priority": 1.2, "standard": 1.0, "economy": 0.9},
                                    "tiers": TIERS})
        if path == "/api/renters/me/spending":
            if not self.headers.get("x-renter-key"):
                return self._send(401, {"error": "API key required"})
            if not self._authed():
                return self._send(401, {"error": "Invalid API key"})
            return self._send(200, {"all_time": {"total_jobs": 3, "total_halala": 245, "total_sar": 2.45},
                                    "monthly": [{"month": "2026-11", "jobs": 2, "total_halala": 200},
                                                {"month": "2026-10", "jobs": 1, "total_halala": 45}],
                                    "last_30_days": [{"date": "2026-11-29", "jobs": 2, "total_halala": 200}]})
        if path == "/api/renters/me":
            if not self._authed():
                return self._send(404, {"error": "Renter not found"})
            return self._send(200, {"renter": {"id": 31, "name": "Fake", "email": "f@example.com",
                                               "organization": None, "balance_halala": 955,
                                               "total_spent_halala": 245, "total_jobs": 3,
                                               "created_at": "2026-11-01T00:00:00.000Z"},
                                    "recent_jobs": [],
                                    "v1_usage_summary": {"total_requests": 4, "prompt_tokens": 120,
                                                         "completion_tokens": 30, "total_tokens": 150,
                                                         "total_cost_halala": 12}})
        m = re.fullmatch(r"/api/jobs/([^/]+)/lifecycle", path)
        if m:
            return self._lifecycle(m.group(1), q)
        m = re.fullmatch(r"/api/jobs/([^/]+)/lifecycle/stream", path)
        if m:
            return self._lifecycle_stream(m.group(1), q)
        return self._send(404, {"error": "Not found"})

    def _lifecycle(self, job_id: str, q: Dict[str, List[str]]) -> None:
        if not job_id.startswith("job-"):
            return self._send(404, {"error": "Job not found"})
        if not self._authed():
            return self._send(403, {"error": "Forbidden"})
        since = int((q.get("since_sequence") or ["0"])[0])
        limit = int((q.get("limit") or ["200"])[0])
        events = [lifecycle_event(job_id, n) for n in range(1, len(LIFECYCLE_EVENTS) + 1) if n > since]
        et = (q.get("event_type") or [None])[0]
        if et:
            events = [e for e in events if e["event_type"] == et]
        page = events[:limit]
        return self._send(200, {"schema_version": "2026-03-20.v1", "job_id": job_id, "status": "completed",
                                "events": page, "total_events": len(LIFECYCLE_EVENTS),
                                "has_more": len(events) > limit})

    def _lifecycle_stream(self, job_id: str, q: Dict[str, List[str]]) -> None:
        if not job_id.startswith("job-"):
            return self._send(404, {"error": "Job not found"})
        since = int((q.get("since_sequence") or ["0"])[0])
        drop = False
        if job_id == "job-drop":
            with self.server.lock:
                drop = not self.server.dropped
                self.server.dropped = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b": keep-alive\n\n")
        for n in range(since + 1, len(LIFECYCLE_EVENTS) + 1):
            ev = lifecycle_event(job_id, n)
            self.wfile.write(f"event: {ev['event_type']}\nid: {n}\ndata: {json.dumps(ev)}\n\n".encode())
            self.wfile.flush()
            if drop:
                return  # the connection closes before the end event
        end = {"schema_version": "2026-03-20.v1", "type": "end", "job_id": job_id, "status": "completed",
               "ts": 1795928410000}
        self.wfile.write(f"event: end\ndata: {json.dumps(end)}\n\n".encode())
        self.wfile.flush()

    def do_POST(self) -> None:
        self._record()
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        path = urlsplit(self.path).path      # a test helper may add ?token=…
        if path == "/__fake/reset":
            with self.server.lock:
                self.server.seen.clear()
                self.server.dropped = False
            return self._send(200, {"ok": True})
        if path == "/__fake/quit":
            self._send(200, {"ok": True})
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            return
        if path == "/api/jobs/submit":
            if not self._authed():
                return self._send(401, {"error": "API key required"})
            body = json.loads(raw or b"{}")
            params = body.get("params") or {}
            if body.get("job_type") == "custom_container":
                image = str(params.get("image_override") or "dc1/general-worker:latest").strip().lower()
                ok = image in {r.lower() for r in TEMPLATE_IMAGES} | {a["image_ref"].lower() for a in ALLOWED}
                if not ok:
                    return self._send(400, {"error": "params.image_override is not in the approved image registry. "
                                                     "See GET /api/containers/registry", "code": "IMAGE_NOT_APPROVED"})
            job_id = "job-%d-fake01" % int(time.time() * 1000)
            job = {"id": 1, "job_id": job_id, "job_type": body.get("job_type"), "status": "pending",
                   "cost_halala": 45, "duration_minutes": body.get("duration_minutes"),
                   "submitted_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
            return self._send(201, {"success": True, "job": job})
        return self._send(404, {"error": "Not found"})


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that stops a stream early closes the socket under us: not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeCatalogue:
    """The server on a free port of 127.0.0.1, in a thread."""

    key = KEY

    def __init__(self) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.lock = threading.Lock()
        self.httpd.seen = []
        self.httpd.dropped = False
        self.base_url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self._thread: Optional[threading.Thread] = None

    def start(self) -> "FakeCatalogue":
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests(self) -> List[str]:
        with self.httpd.lock:
            return list(self.httpd.seen)

    def reset(self) -> None:
        with self.httpd.lock:
            self.httpd.seen.clear()
            self.httpd.dropped = False

    def __enter__(self) -> "FakeCatalogue":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def main() -> None:
    fake = FakeCatalogue()
    print("DC1_BASE_URL=" + fake.base_url, flush=True)
    print("DC1_API_KEY=" + KEY, flush=True)
    parent = os.getppid()

    def watchdog() -> None:   # never outlive the test that started us
        while os.getppid() == parent:
            time.sleep(0.3)
        fake.httpd.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    fake.httpd.serve_forever()
    fake.httpd.server_close()


if __name__ == "__main__":
    main()
