"""Issue 18: the catalogue routes, in the real server's shapes — models, templates, the approved
image registry, price tiers, per-job lifecycle stream, the renter's usage, spending and CSV export."""
import csv
import http.client
import io
import json

LEGACY_KEYS = {"model_id", "display_name", "family", "vram_gb", "quantization", "context_window", "use_cases",
               "min_gpu_vram_gb", "arabic_capability", "providers_online", "avg_price_sar_per_min", "status",
               "tier", "prewarm_class", "template_id", "competitor_prices", "savings_pct", "pricing_per_hour"}
DETAIL_KEYS = {"model_id", "display_name", "family", "arabic", "arabic_capability", "task", "vram_gb",
               "quantization", "context_window", "use_cases", "min_gpu_vram_gb", "benchmark", "availability",
               "pricing", "template_id", "prefetch_status", "estimated_cold_start_ms", "portfolio", "updated_at"}
MISTRAL = "mistralai/Mistral-7B-Instruct-v0.2"


# --- /api/models ---------------------------------------------------------------------------------

def test_models_list_is_a_bare_array_of_legacy_items(api):
    r = api.get("/api/models", key=False)
    assert r.status == 200
    models = r.json()
    assert isinstance(models, list) and models
    for m in models:
        assert set(m) == LEGACY_KEYS, m
    names = [m["display_name"] for m in models]
    assert names == sorted(names)                                   # ORDER BY display_name
    mistral = next(m for m in models if m["model_id"] == MISTRAL)
    assert mistral["pricing_per_hour"] == 5.4 and mistral["avg_price_sar_per_min"] == 0.09
    assert mistral["template_id"] == "mistral-7b" and mistral["status"] == "available"
    assert set(mistral["competitor_prices"]) == {"vast_ai", "runpod", "aws", "vast_ai_usd", "runpod_usd", "aws_usd"}
    assert r.headers["RateLimit-Policy"] == "100;w=60"               # modelCatalogLimiter runs last


def test_models_availability_follows_the_fleet(emu, api):
    def online(mid):
        return next(m for m in api.get("/api/models", key=False).json() if m["model_id"] == mid)["providers_online"]
    # 3 seeded providers: RTX 4090 (24 GB), A100 80 GB, RTX 3090 (24 GB)
    assert online(MISTRAL) == 3
    emu.update_provider(1, live=False)
    emu.update_provider(3, live=False)
    assert online(MISTRAL) == 1
    emu.update_provider(2, status="online", live=False, heartbeat_age_s=3600)   # silent for an hour
    m = next(m for m in api.get("/api/models", key=False).json() if m["model_id"] == MISTRAL)
    assert m["providers_online"] == 0 and m["status"] == "no_providers"


def test_models_warm_counts_cached_models(emu, api):
    emu.update_provider(2, cached_models=[MISTRAL])
    d = api.get(f"/api/models/{MISTRAL}", key=False).json()
    assert d["availability"] == {"providers_online": 3, "providers_warm": 1, "status": "available"}


def test_models_filters(api):
    small = api.get("/api/models?min_vram_gb=8", key=False).json()
    assert small and all(m["min_gpu_vram_gb"] <= 8 for m in small)
    images = api.get("/api/models?category=image", key=False).json()
    assert images and all(m["model_id"].lower().find("diffusion") >= 0 for m in images)
    arabic = api.get("/api/models?arabic=true", key=False).json()
    assert [m["model_id"] for m in arabic] == ["ALLaM-AI/ALLaM-7B-Instruct-preview"]
    assert arabic[0]["arabic_capability"] is True


def test_model_detail_and_errors(api):
    r = api.get(f"/api/models/{MISTRAL}", key=False)
    assert r.status == 200 and set(r.json()) == DETAIL_KEYS
    p = r.json()["pricing"]
    assert p["default_halala_per_min"] == 9 and p["default_sar_per_hour"] == 5.4
    r = api.get("/api/models/nope/nothing", key=False)
    assert r.status == 404 and r.json() == {"error": "Model not found or inactive"}
    r = api.get("/api/models/bad%20id", key=False)                 # outside the route regex: Express 404 page
    assert r.status == 404 and r.headers["Content-Type"].startswith("text/html")


def test_models_catalog_benchmarks_cards(api):
    r = api.get("/api/models/catalog", key=False)
    # anonymous: the tiered middleware and the route both use publicEndpointLimiter (one bucket, two hits)
    assert r.headers["RateLimit-Policy"] == "200;w=900" and r.headers["RateLimit-Remaining"] == "198"
    c = r.json()
    assert c["total_models"] == len(c["models"]) and set(c["models"][0]) == DETAIL_KEYS
    b = api.get("/api/models/benchmarks", key=False).json()
    assert b["benchmark_suite"] == "saudi-arabic-v1" and b["models"][0]["launch_ready"] is False
    cards = api.get("/api/models/cards", key=False).json()
    assert cards["language"] == "bilingual" and set(cards["cards"][0]["summary"]) == {"en", "ar"}
    pr = api.get("/api/models/portfolio-readiness", key=False).json()
    assert pr["totals"]["tier_a"] == 0 and pr["tiers"] == {"tier_a": [], "tier_b": []}
    rag = api.get("/api/models/bundles/arabic-rag", key=False).json()["bundle"]
    assert rag["bundle_id"] == "arabic-rag" and rag["ready"] is False


def test_models_compare(api):
    assert api.get(f"/api/models/compare?ids={MISTRAL}", key=False).status == 400
    assert api.get("/api/models/compare?ids=a,b", key=False).status == 404
    r = api.get(f"/api/models/compare?ids={MISTRAL},TinyLlama/TinyLlama-1.1B-Chat-v1.0", key=False).json()
    assert [x["rank"] for x in r["ranking"]] == [1, 2] and len(r["models"]) == 2
    assert r["ranking"][0]["model_id"] == "TinyLlama/TinyLlama-1.1B-Chat-v1.0"       # cheaper first


def test_model_deploy_estimate_and_handoff(emu, api):
    e = api.get(f"/api/models/{MISTRAL}/deploy/estimate?duration_minutes=30", key=False).json()
    assert e["estimate"]["duration_minutes"] == 30 and e["estimate"]["estimated_cost_halala"] == 270
    assert e["estimate"]["rate_halala_per_min"] == 9 and e["estimate"]["estimated_cost_sar"] == 2.7
    assert api.post(f"/api/models/{MISTRAL}/deploy", {}, key=False).status == 401
    assert api.post(f"/api/models/{MISTRAL}/deploy", {}, key="dcp-renter-" + "0" * 32).status == 403
    r = api.post(f"/api/models/{MISTRAL}/deploy", {"duration_minutes": 20, "provider_id": 1})
    assert r.status == 200
    h = r.json()
    assert h["status"] == "ready" and h["deploy_mode"] == "vllm_serve"
    body = h["submit"]["body"]
    assert body["job_type"] == "vllm_serve" and body["provider_id"] == 1 and body["duration_minutes"] == 20
    assert emu.counters()["jobs_created"] == 0                      # a handoff, not a job
    sub = api.post("/api/jobs/submit", body)                        # the handoff's body submits as is
    assert sub.status == 201, sub


# --- /api/templates ------------------------------------------------------------------------------

def test_templates_list_and_one(api):
    r = api.get("/api/templates", key=False).json()
    assert r["count"] == len(r["templates"]) > 0
    assert all("approved_images" not in t for t in r["templates"])
    orders = [t["sort_order"] for t in r["templates"]]
    assert orders == sorted(orders)
    for k in ("id", "name", "description", "image", "job_type", "params", "min_vram_gb", "tags"):
        assert k in r["templates"][0]
    tagged = api.get("/api/templates?tag=llm", key=False).json()
    assert tagged["templates"] and all("llm" in t["tags"] for t in tagged["templates"])
    one = api.get("/api/templates/custom-container", key=False)
    assert one.status == 200 and one.json()["id"] == "custom-container" and "approved_images" not in one.json()
    nope = api.get("/api/templates/nope", key=False)
    assert nope.status == 404 and nope.json() == {"error": "Template not found"}
    wl = api.get("/api/templates/whitelist", key=False).json()["approved_images"]
    assert "dc1/general-worker:latest" in wl and len(wl) == len(set(wl))


def test_every_listed_template_submits(api):
    """A template id from the list is accepted by submit (with an image_type where it names an image)."""
    for t in api.get("/api/templates", key=False).json()["templates"]:
        body = {"template_id": t["id"], "duration_minutes": 5, "params": dict(t["params"])}
        if t["image"] != "custom":
            body["container_spec"] = {"image_type": "template"}
        if t["job_type"] == "training":
            body["params"]["notebook_token"] = "a-strong-notebook-token-1234"
        r = api.post("/api/jobs/submit", body)
        assert r.status in (201, 400), (t["id"], r)
        assert not (r.status == 404), t["id"]


# --- /api/containers/registry --------------------------------------------------------------------

def test_container_registry_shape_and_submit_agree(api):
    r = api.get("/api/containers/registry", key=False)
    assert r.status == 200 and r.headers["RateLimit-Policy"] == "30;w=60"
    reg = r.json()
    assert reg["total"] == len(reg["images"])
    for img in reg["images"]:
        assert set(img) == {"id", "image_ref", "image_type", "description", "approved_at", "source"}
        assert img["source"] in ("template", "allowed")
    refs = [i["image_ref"] for i in reg["images"]]
    assert "dc1/general-worker:latest" in refs and "vllm/vllm-openai:latest" in refs
    for ref in (refs[0], refs[-1]):
        s = api.submit("custom_container", {"image_override": ref, "script": "print(1)"}, duration_minutes=1)
        assert s.status == 201, (ref, s)
    bad = api.submit("custom_container", {"image_override": "evil/miner:1", "script": "print(1)"})
    assert bad.status == 400 and bad.json()["code"] == "IMAGE_NOT_APPROVED"
    assert "/api/containers/registry" in bad.json()["error"]


# --- pricing ---------------------------------------------------------------------------------------

def test_pricing_tiers(api):
    r = api.get("/api/pricing/tiers", key=False)
    assert r.status == 200 and r.headers["RateLimit-Policy"] == "200;w=900"     # publicEndpointLimiter
    p = r.json()
    assert p["sar_usd_rate"] == 3.75 and p["anchor_gpu"] == "rtx 4090"
    assert p["pricing_classes"] == {"priority": 1.2, "standard": 1, "economy": 0.9}
    t4090 = next(t for t in p["tiers"] if t["gpu_model"] == "rtx 4090")
    assert t4090["pricing"]["rate_per_hour_sar"] == 1.0 and t4090["competitor_prices"]["vast_ai_sar"] == 1.31
    assert t4090["savings_vs_vast_ai_pct"] == 24
    assert all(t["gpu_model"] != "default" for t in p["tiers"])


def test_renter_pricing(api):
    p = api.get("/api/renters/pricing", key=False).json()
    assert p["success"] is True and p["count"] == len(p["pricing"]) > 0


# --- lifecycle stream ------------------------------------------------------------------------------

def _sse(emu, path, key, timeout=15):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=timeout)
    conn.request("GET", path, headers={"x-renter-key": key})
    r = conn.getresponse()
    assert r.status == 200 and r.headers["Content-Type"] == "text/event-stream"
    events, cur = [], {}
    while True:
        line = r.fp.readline()
        if not line:
            break
        line = line.decode().rstrip("\r\n")
        if line.startswith("event: "):
            cur["event"] = line[7:]
        elif line.startswith("id: "):
            cur["id"] = int(line[4:])
        elif line.startswith("data: "):
            cur["data"] = json.loads(line[6:])
        elif line == "" and cur:
            events.append(cur)
            if cur.get("event") == "end":
                break
            cur = {}
    conn.close()
    return events


def test_lifecycle_stream_until_end(emu, api):
    job = api.submit_ok()
    events = _sse(emu, f"/api/jobs/{job['job_id']}/lifecycle/stream", api.key)
    assert events[0]["event"] == "job.submitted" and events[0]["id"] == 1
    assert events[-1]["event"] == "end"
    end = events[-1]["data"]
    assert end["type"] == "end" and end["status"] == "completed" and end["job_id"] == job["job_id"]
    body = [e for e in events if e["event"] != "end"]
    assert [e["id"] for e in body] == list(range(1, len(body) + 1))
    assert all(e["data"]["event_type"] == e["event"] for e in body)
    again = _sse(emu, f"/api/jobs/{job['job_id']}/lifecycle/stream?since_sequence={len(body) - 1}", api.key)
    assert [e["event"] for e in again] == [body[-1]["event"], "end"]


# --- the renter's usage, spending and export ----------------------------------------------------------

def test_me_spending(emu, api):
    assert api.get("/api/renters/me/spending", key=False).json() == {"error": "API key required"}
    assert api.get("/api/renters/me/spending", key="nope").status == 401
    job = api.wait(api.submit_ok()["job_id"])
    s = api.get("/api/renters/me/spending").json()
    assert s["all_time"]["total_jobs"] == 1
    assert s["all_time"]["total_halala"] == job["actual_cost_halala"]
    assert s["monthly"][0]["jobs"] == 1 and s["last_30_days"][0]["total_halala"] == job["actual_cost_halala"]
    assert set(s["last_30_days"][0]) == {"date", "jobs", "total_halala"}


def test_me_usage_takes_only_the_query_key(emu, api):
    r = api.get("/api/renters/me/usage")                    # header only: ignored (G9)
    assert r.status == 400 and r.json() == {"error": "API key required"}
    assert api.get("/api/renters/me/usage?key=nope", key=False).status == 404
    api.post("/v1/chat/completions", {"model": "qwen3:8b", "messages": [{"role": "user", "content": "hi"}]},
             key=False, headers={"Authorization": f"Bearer {api.key}"})
    u = api.get(f"/api/renters/me/usage?key={api.key}", key=False).json()
    assert u["v1"]["total_requests"] == 1 and u["v1"]["by_model"][0]["model"] == "qwen3:8b"


def test_me_jobs_export_csv(emu, api):
    assert api.get("/api/renters/me/jobs/export").status == 400                  # ?key only
    done = api.wait(api.submit_ok()["job_id"])
    bad = api.wait(api.submit_ok(params={"prompt": "FAIL"})["job_id"])
    r = api.get(f"/api/renters/me/jobs/export?key={api.key}", key=False)
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"].startswith("attachment; filename=dcp-jobs-")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["job_id", "model", "status", "cost_halala", "cost_sar", "provider_id", "started_at",
                       "completed_at", "duration_seconds"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[done["job_id"]][2] == "completed" and by_id[bad["job_id"]][2] == "failed"
    assert by_id[done["job_id"]][3] == str(done["actual_cost_halala"])
    only = api.get(f"/api/renters/me/jobs/export?key={api.key}&status=failed", key=False).text
    assert done["job_id"] not in only and bad["job_id"] in only
    assert "\r\n" in r.text
