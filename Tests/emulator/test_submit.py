"""§7.1 POST /api/jobs/submit: the strict schema, the order of checks, the quote,
routing and queueing."""
import re


def fields(r):
    assert r.status == 400, r
    body = r.json()
    assert body["error"] == "Validation failed"
    return [(f["field"], f["message"]) for f in body["fields"]]


def test_zod_messages(api):
    r = api.post("/api/jobs/submit", {"job_type": "llm_inference", "duration_minutes": "10"})
    assert fields(r) == [("duration_minutes", "Invalid input: expected number, received string")]
    r = api.post("/api/jobs/submit", {"job_type": "llm_inference", "duration_minutes": 5, "priority": 1})
    assert fields(r) == [("priority", "Invalid input: expected string, received number")]
    r = api.post("/api/jobs/submit", {"job_type": "x", "duration_minutes": 5, "provider_id": "5"})
    assert fields(r) == [("provider_id", "Invalid input")]
    r = api.post("/api/jobs/submit", {"duration_minutes": 0.01})
    assert fields(r) == [("duration_minutes", "Too small: expected number to be >=0.1")]
    r = api.post("/api/jobs/submit", {"duration_minutes": 1441})
    assert fields(r) == [("duration_minutes", "Too big: expected number to be <=1440")]
    r = api.post("/api/jobs/submit", {"max_duration_seconds": 0})
    assert fields(r) == [("max_duration_seconds", "Too small: expected number to be >0")]
    r = api.post("/api/jobs/submit", {"params": {"messages": [1, 2]}, "gpu_requirements": {"min_vram_gb": -1}})
    assert fields(r) == [("gpu_requirements.min_vram_gb", "Too small: expected number to be >0"),
                         ("params.messages", "Invalid input")]
    r = api.post("/api/jobs/submit", {"params": "x", "task_spec": "print(1)", "prewarm_requested": "yes"})
    assert fields(r) == [("params", "Invalid input: expected record, received string"),
                         ("task_spec", "Invalid input: expected record, received string"),
                         ("prewarm_requested", "Invalid input: expected boolean, received string")]
    r = api.post("/api/jobs/submit", {"job_type": "", "model": "bad model!"})
    assert fields(r)[0] == ("job_type", "Too small: expected string to have >=1 characters")
    assert fields(r)[1][0] == "model" and "alphanumeric" in fields(r)[1][1]


def test_unknown_keys_come_last(api):
    r = api.post("/api/jobs/submit", {"prompt": "hi", "job_type": 5})
    assert fields(r) == [("job_type", "Invalid input: expected string, received number"),
                         ("(root)", 'Unrecognized key: "prompt"')]
    r = api.post("/api/jobs/submit", {"webhook_url": "x", "idempotency_key": "y"})
    assert fields(r) == [("(root)", 'Unrecognized keys: "webhook_url", "idempotency_key"')]
    r = api.request("POST", "/api/jobs/submit", raw=b"[]", headers={"Content-Type": "application/json"})
    assert fields(r) == [("(root)", "Invalid input: expected object, received array")]


def test_auth_before_validation(api):
    assert api.post("/api/jobs/submit", {"nope": 1}, key=None).status == 401


def test_handler_checks_in_order(emu, api):
    sub = lambda **b: api.post("/api/jobs/submit", b)    # noqa: E731
    r = sub(bundle_id="nope", template_id="nope")
    assert r.status == 404 and r.json() == {"error": "Bundle 'nope' not found",
                                            "available_bundles": ["arabic-rag"]}
    r = sub(template_id="nope")
    assert r.status == 404 and r.json() == {"error": "Template 'nope' not found"}
    r = sub(job_type="llm_inference")
    assert r.json() == {"error": "Missing required fields: job_type (or templateId), duration_minutes"}
    r = sub(job_type="translate", duration_minutes=1)
    assert r.json()["error"].startswith("Invalid job_type. Allowed: image_generation, llm-inference, "
                                        "llm_inference, rendering, training, benchmark, custom_container, "
                                        "vllm_serve, rag-pipeline")
    r = sub(job_type="llm_inference", duration_minutes=1, gpu_requirements={"gpu_type": "TPUv5"})
    assert r.status == 400 and r.json()["code"] == "INVALID_GPU_TYPE"
    r = sub(job_type="training", duration_minutes=1, params={"script_type": "jupyter"})
    assert r.status == 400 and r.json()["code"] == "WEAK_NOTEBOOK_TOKEN"
    r = sub(job_type="llm_inference", duration_minutes=1, container_spec={"gpu_count": 2})
    assert r.json() == {"error": "container_spec.image_type is required"}
    r = sub(job_type="llm_inference", duration_minutes=1, container_spec={"image_type": "llm", "gpu_count": 99})
    assert r.json()["error"].startswith("container_spec.gpu_count")
    r = sub(template_id="vllm-serve", duration_minutes=5)          # §16.4 quirk
    assert r.status == 400 and r.json() == {"error": "container_spec.image_type is required"}
    r = sub(job_type="llm_inference", duration_minutes=1, provider_id=999)
    assert r.status == 404 and r.json() == {"error": "Provider not found"}
    emu.update_provider(3, live=False)
    r = sub(job_type="llm_inference", duration_minutes=1, provider_id=3)
    assert r.status == 400 and r.json() == {"error": "Provider is not online", "provider_status": "offline"}
    r = sub(job_type="llm_inference", duration_minutes=1, provider_id=1, gpu_requirements={"min_vram_gb": 40})
    assert r.status == 400 and r.json() == {"error": "Provider does not meet GPU requirements",
                                            "required_vram_gb": 40, "provider_vram_gb": 24564 / 1024}
    r = sub(job_type="llm_inference", duration_minutes=1, provider_id=1, prewarm_requested=True)
    assert r.status == 500 and r.json() == {"error": "Job submission failed"}     # §16.3
    r = sub(job_type="custom_container", duration_minutes=1, params={"image_override": "evil/miner:1"})
    assert r.status == 400 and r.json()["code"] == "IMAGE_NOT_APPROVED"


def test_balance_checks(emu, api):
    zero = emu.add_renter(0)
    r = api.submit(key=zero["api_key"], provider_id=1, duration_minutes=10)
    assert r.status == 402
    assert r.json() == {"error": "Balance is zero. Please top up your renter wallet before submitting jobs.",
                        "balance_halala": 0, "required_halala": 17}
    poor = emu.add_renter(10)
    r = api.submit(key=poor["api_key"], provider_id=1, duration_minutes=60)
    body = r.json()
    assert r.status == 402 and body["error"] == "Insufficient balance"
    assert body["balance_halala"] == 10 and body["required_halala"] == 101
    assert body["shortfall_halala"] == 91
    assert body["message"] == "Top up at least 1 SAR to submit this job. POST /api/renters/topup"


def test_quota_429_has_no_retry_after(emu, api):
    emu.control("POST", "/quota", {"daily_jobs_limit": 2})
    api.submit_ok()
    api.submit_ok()
    r = api.submit()
    assert r.status == 429 and "Retry-After" not in r.headers
    assert r.json() == {"error": "Daily job submission quota exceeded", "daily_jobs_limit": 2,
                        "submitted_today": 2}
    emu.control("POST", "/quota", {"daily_jobs_limit": 100, "monthly_spend_limit_halala": 20})
    r = api.submit(provider_id=1, duration_minutes=10)
    assert r.status == 429 and "Retry-After" not in r.headers
    body = r.json()
    assert body["error"] == "Monthly spend quota exceeded"
    assert body["monthly_spend_limit_halala"] == 20 and body["requested_halala"] == 17


def test_quotes(emu, api):
    # §6.1 worked examples
    job = api.submit_ok(provider_id=1, duration_minutes=10)          # RTX 4090
    assert job["cost_halala"] == 17
    emu.control("POST", "/providers", {"name": "H", "gpu_model": "NVIDIA H100 80GB HBM3",
                                       "vram_mib": 81559})
    job = api.submit_ok(provider_id=4, duration_minutes=60, pricing_class="PRIORITY")
    assert job["cost_halala"] == 851 and job["pricing_class"] == "priority"
    job = api.submit_ok(provider_id=2, duration_minutes=10, pricing_class="weird")
    assert job["pricing_class"] == "standard" and job["cost_halala"] == 75    # A100


def test_global_queue_uses_job_type_rate(emu, api):
    for pid in (1, 2, 3):
        emu.update_provider(pid, live=False)
    before = api.balance()
    r = api.submit(duration_minutes=10)
    assert r.status == 201
    body = r.json()
    assert body["queued"] is True
    assert body["job"]["status"] == "queued" and body["job"]["provider_id"] is None
    assert body["job"]["cost_halala"] == 90 and body["job"]["timeout_at"] is None
    assert body["job"]["queue_position"] == 1
    assert body["message"].startswith("No capable provider is currently available. Your job is queued "
                                      "at position #1")
    assert api.balance() == before - 90                               # prepaid at submit
    job = api.job(body["job"]["job_id"])
    assert job["queue_position"] == 1 and job["status"] == "queued"


def test_busy_provider_queues(api):
    first = api.submit_ok(provider_id=1, params={"prompt": "SLOW"})
    r = api.submit(provider_id=1)
    body = r.json()
    assert body["job"]["status"] == "queued" and body["queued"] is True
    assert body["job"]["provider_id"] == 1
    assert body["message"].startswith("Provider is busy. Your job is #")
    api.post(f"/api/jobs/{first['job_id']}/cancel")
    api.wait(body["job"]["job_id"])                                   # promoted, then run


def test_submit_response_shape(api):
    r = api.submit(provider_id=1, priority="7", max_duration_seconds=7200,
                   gpu_requirements={"min_vram_gb": 8}, model="TinyLlama/TinyLlama-1.1B-Chat-v1.0")
    assert r.status == 201
    body = r.json()
    assert body["success"] is True and "queued" not in body
    job = body["job"]
    assert re.fullmatch(r"job-\d{13}-[0-9a-z]{6}", job["job_id"])
    assert job["priority"] == 7                                      # parsed from a string
    assert job["max_duration_seconds"] == 1800                       # 7200 silently -> 1800
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}", job["timeout_at"])
    assert job["submitted_at"].endswith("Z")
    assert job["container_spec"] == {"image_type": "llm", "vram_required_mb": 0, "gpu_count": 1,
                                     "compute_type": "inference", "pricing_class": "standard"}
    assert job["gpu_requirements"] == {"min_vram_gb": 8}
    assert job["checkpoint_enabled"] is False and job["task_spec_signed"] is True
    assert job["prewarm_requested"] is False and job["queue_position"] is None
    assert job["status"] == "pending"
    assert api.submit_ok(priority="high")["priority"] == 2           # unparsable -> 2


def test_model_whitelist_keeps_requested_name(api):
    job = api.submit_ok(params={"prompt": "hi", "model": "meta/unknown-70b"})
    done = api.wait(job["job_id"])
    assert done["model"] == "meta/unknown-70b"                        # §16.6
    out = api.get(f"/api/jobs/{job['job_id']}/output", headers={"Accept": "application/json"}).json()
    assert out["model"] == "TinyLlama/TinyLlama-1.1B-Chat-v1.0"


def test_bundle_submission(api):
    r = api.post("/api/jobs/submit", {"bundle_id": "arabic-rag", "duration_minutes": 5})
    assert r.status == 201, r
    job = r.json()["job"]
    assert job["job_type"] == "rag-pipeline" and job["bundle_id"] == "arabic-rag"
    assert job["bundle_components"]


def test_template_with_container_spec(api):
    r = api.post("/api/jobs/submit", {"template_id": "llm-inference", "duration_minutes": 5,
                                      "container_spec": {"image_type": "llm"},
                                      "params": {"prompt": "hi"}})
    assert r.status == 201 and r.json()["job"]["job_type"] == "llm_inference"
