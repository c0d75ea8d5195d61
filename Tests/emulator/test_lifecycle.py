"""§5, §6.2, §8, §9: statuses, settlement, reads, cancel/retry/complete, lists."""
import json
import time


def test_llm_job_runs_to_completion(api):
    before = api.balance()
    job = api.submit_ok(provider_id=1, duration_minutes=5,
                        params={"prompt": "Write a haiku about desert computing", "max_tokens": 64})
    assert job["status"] == "pending" and job["cost_halala"] == 9
    assert api.balance() == before - 9                                 # prepaid
    seen = set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        st = api.get(f"/api/jobs/{job['job_id']}/status").json()
        seen.add(st["status"])
        if st["status"] == "completed":
            break
        time.sleep(0.005)
    assert "completed" in seen and seen <= {"pending", "running", "completed"}
    done = api.job(job["job_id"])
    # §15.6: stdout ending in DC1_RESULT_JSON:{...}; JSON columns stay strings (§1.5)
    assert isinstance(done["result"], str)
    marker = done["result"].rsplit("DC1_RESULT_JSON:", 1)[1]
    result = json.loads(marker)
    assert result["type"] == "text" and result["response"].startswith("[emulated]")
    assert result["tokens_generated"] == len(result["response"].split()) <= 64
    assert isinstance(done["container_spec"], str) and json.loads(done["container_spec"])["image_type"] == "llm"
    assert isinstance(done["logs_jsonl"], str) and isinstance(done["task_spec"], str)
    assert done["gpu_requirements"] is None
    assert done["checkpoint_enabled"] == 0 and done["prewarm_requested"] == 0
    assert done["started_at"] and done["completed_at"] and done["picked_up_at"]
    # §6.2 daemon settlement: renter gets cost - actual back
    actual = done["actual_cost_halala"]
    assert actual == round(done["gpu_seconds_used"] * 0.25 + 1e-9)
    assert done["provider_earned_halala"] + done["dc1_fee_halala"] == actual
    assert api.balance() == before - actual
    assert done["cost_usd"] == round(actual / 375, 6)
    for k in ("retry_count", "max_retries", "retry_reason", "elapsed_sec", "tokens_used"):
        assert k in done
    assert done["tokens_used"] is None and done["retry_reason"] is None
    # the output
    out = api.get(f"/api/jobs/{job['job_id']}/output", headers={"Accept": "application/json"})
    assert out.status == 200
    body = out.json()
    assert body["type"] == "text" and body["response"] == result["response"]
    assert body["billing"] == {"actual_cost_halala": actual,
                               "actual_cost_sar": f"{actual / 100:.2f}" if actual else None}
    st = api.get(f"/api/jobs/{job['job_id']}/status").json()
    assert set(st) == {"job_id", "status", "tokens_generated", "elapsed_seconds", "estimated_cost_usd",
                       "provider_online"}
    assert st["tokens_generated"] == result["tokens_generated"] and st["provider_online"] is True


def test_output_202_while_not_done(api):
    job = api.submit_ok(params={"prompt": "SLOW"})
    r = api.get(f"/api/jobs/{job['job_id']}/output")
    assert r.status == 202
    body = r.json()
    assert set(body) == {"status", "message", "progress_phase", "job_id", "submitted_at", "started_at",
                         "progress_updated_at", "timeout_at", "cost_halala"}
    assert body["message"] in ("Job status: pending", "Job running...", "Installing dependencies...",
                               "Downloading model weights...", "Loading model onto GPU...",
                               "Generating response...")
    api.wait(job["job_id"], statuses=("running",))
    deadline = time.monotonic() + 5
    while api.job(job["job_id"])["progress_phase"] != "generating" and time.monotonic() < deadline:
        time.sleep(0.02)
    body = api.get(f"/api/jobs/{job['job_id']}/output").json()
    assert body["status"] == "running" and body["message"] == "Generating response..."
    assert body["progress_phase"] == "generating"


def test_fail_marker_fails_and_refunds(api):
    before = api.balance()
    job = api.submit_ok(params={"prompt": "please FAIL"})
    done = api.wait(job["job_id"])
    assert done["status"] == "failed" and done["refunded_at"]
    assert "FAIL" in done["error"]
    assert api.balance() == before
    r = api.get(f"/api/jobs/{job['job_id']}/output")
    assert r.status == 410
    body = r.json()
    assert body["status"] == "failed" and body["refunded"] is True and body["error"] == done["error"]
    assert set(body) == {"status", "error", "job_id", "submitted_at", "started_at", "completed_at",
                         "progress_phase", "refunded"}


def test_cancel_running_job(api):
    before = api.balance()
    job = api.submit_ok(params={"prompt": "SLOW job"})
    api.wait(job["job_id"], statuses=("running",))
    r = api.post(f"/api/jobs/{job['job_id']}/cancel")
    assert r.status == 200
    body = r.json()
    assert body["success"] is True and body["job"]["status"] == "cancelled"
    assert isinstance(body["job"]["container_spec"], str)               # the raw row
    assert api.balance() == before
    out = api.get(f"/api/jobs/{job['job_id']}/output")
    assert out.status == 410 and out.json()["error"] == "Job was cancelled"
    r = api.post(f"/api/jobs/{job['job_id']}/cancel")
    assert r.status == 400 and r.json() == {"error": "Cannot cancel job with status: cancelled"}
    time.sleep(0.3)
    assert api.job(job["job_id"])["status"] == "cancelled"               # the daemon noticed


def test_cancel_completed_is_400_and_failed_double_refunds(api):
    job = api.submit_ok()
    api.wait(job["job_id"])
    r = api.post(f"/api/jobs/{job['job_id']}/cancel")
    assert r.status == 400 and r.json() == {"error": "Cannot cancel job with status: completed"}
    before = api.balance()
    failed = api.submit_ok(params={"prompt": "FAIL"}, provider_id=1, duration_minutes=10)
    api.wait(failed["job_id"])
    assert api.balance() == before                                       # refunded once
    assert api.post(f"/api/jobs/{failed['job_id']}/cancel").status == 200
    assert api.balance() == before + failed["cost_halala"]               # §16.10 double refund


def test_retry(api):
    src = api.submit_ok(params={"prompt": "FAIL"}, provider_id=1, duration_minutes=10)
    api.wait(src["job_id"])
    before = api.balance()
    r = api.post(f"/api/jobs/{src['job_id']}/retry")
    assert r.status == 201
    job = r.json()["job"]
    assert set(job) == {"id", "job_id", "status", "job_type", "model", "cost_halala", "provider_id",
                        "pricing_class", "prewarm_requested", "retried_from_job_id"}
    assert job["job_id"] != src["job_id"] and job["retried_from_job_id"] == src["id"]
    assert job["cost_halala"] == 90                                     # job-type rate x duration
    assert api.balance() == before - 90
    assert job["status"] == "pending"
    done = api.wait(job["job_id"])
    assert done["status"] == "failed"                                   # same params: FAIL again
    ok = api.submit_ok()
    api.wait(ok["job_id"])
    r = api.post(f"/api/jobs/{ok['job_id']}/retry")
    assert r.status == 400 and r.json() == {"error": "Only failed jobs can be retried",
                                            "current_status": "completed"}
    assert api.post("/api/jobs/job-0-x/retry").status == 404


def test_retry_insufficient_balance(emu, api):
    r = emu.add_renter(5)
    src = api.submit_ok(key=r["api_key"], provider_id=3, duration_minutes=1, params={"prompt": "FAIL"})
    api.wait(src["job_id"], key=r["api_key"])
    resp = api.post(f"/api/jobs/{src['job_id']}/retry", key=r["api_key"])
    assert resp.status == 402
    assert resp.json() == {"error": "insufficient_balance", "required_halala": 9, "available_halala": 5}


def test_renter_complete(api):
    job = api.submit_ok(job_type="vllm_serve", params={"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"},
                        duration_minutes=60)
    r = api.post(f"/api/jobs/{job['job_id']}/complete")
    assert r.status == 400 and r.json() == {"error": "Job is not running", "current_status": "pending"}
    api.wait(job["job_id"], statuses=("running",))
    other = api.emu.add_renter(100)
    assert api.post(f"/api/jobs/{job['job_id']}/complete", key=other["api_key"]).status == 403
    before = api.balance()
    r = api.post(f"/api/jobs/{job['job_id']}/complete")
    assert r.status == 200
    body = r.json()
    assert body["job"]["status"] == "completed"
    b = body["billing"]
    assert b["estimated_cost_halala"] == job["cost_halala"]
    assert b["provider_earned_halala"] + b["dc1_fee_halala"] == b["actual_cost_halala"]
    assert api.balance() == before                                      # recorded only


def test_logs_since_and_limit(api):
    job = api.submit_ok()
    api.wait(job["job_id"])
    r = api.get(f"/api/jobs/{job['job_id']}/logs").json()
    assert r["schema_version"] == "2026-03-20.v1" and r["status"] == "completed"
    total = r["total_lines"]
    assert total >= 5 and [l["line_no"] for l in r["logs"]] == list(range(1, total + 1))
    line = r["logs"][0]
    assert set(line) == {"line_no", "level", "message", "logged_at", "logged_at_ms"}
    page = api.get(f"/api/jobs/{job['job_id']}/logs?since=2&limit=2").json()
    assert [l["line_no"] for l in page["logs"]] == [3, 4] and page["has_more"] is True
    last = api.get(f"/api/jobs/{job['job_id']}/logs?since={total}").json()
    assert last["logs"] == [] and last["has_more"] is False
    dl = api.get(f"/api/jobs/{job['job_id']}/logs?attempt=1")
    assert dl.status == 200 and dl.headers["Content-Type"].startswith("text/plain")
    assert "attachment" in dl.headers["Content-Disposition"]
    assert api.get(f"/api/jobs/{job['job_id']}/logs?attempt=x").status == 400
    assert api.get(f"/api/jobs/{job['job_id']}/logs?attempt=9").status == 404


def test_lifecycle_executions_history(api):
    job = api.submit_ok()
    api.wait(job["job_id"])
    lc = api.get(f"/api/jobs/{job['job_id']}/lifecycle").json()
    types = [e["event_type"] for e in lc["events"]]
    assert types[0] == "job.submitted"
    # the daemon's job-result path records no job.completed on the real server (issue 18)
    assert "job.completed" not in types and lc["status"] == "completed"
    assert "job.phase.changed" in types
    assert [e["sequence_no"] for e in lc["events"]] == list(range(1, len(types) + 1))
    ex = api.get(f"/api/jobs/{job['job_id']}/executions").json()
    assert ex["executions"][0]["attempt_number"] == 1 and ex["executions"][0]["exit_code"] == 0
    h = api.get(f"/api/jobs/{job['job_id']}/history").json()
    assert h["job"]["job_id"] == job["job_id"] and h["executions"][0]["log_available"] is True


def test_lists(api):
    ids = [api.submit_ok()["job_id"] for _ in range(3)]
    r = api.get("/api/jobs?limit=2").json()
    assert r["total"] == 3 and r["limit"] == 2 and r["offset"] == 0 and len(r["jobs"]) == 2
    assert r["jobs"][0]["job_id"] == ids[-1]                             # newest first
    assert set(r["jobs"][0]) == {"id", "job_id", "job_type", "template_name", "gpu_model", "status",
                                 "submitted_at", "started_at", "ended_at", "duration_seconds",
                                 "tokens_used", "cost_sar", "refunded"}
    assert api.get("/api/jobs?limit=500").json()["limit"] == 50           # out of range -> 50
    h = api.get("/api/jobs/history?limit=2").json()
    assert h["total_jobs"] == 2 and h["balance_sar"] == f"{h['balance_halala'] / 100:.2f}"
    assert isinstance(h["jobs"][0]["cost_sar"], str) and "provider_name" in h["jobs"][0]
    assert api.get("/api/jobs/history?limit=-1").json()["total_jobs"] == 3    # §16.22
    active = api.get("/api/jobs/active").json()["jobs"]
    assert all(j["status"] in ("queued", "pending", "running", "paused") for j in active)


def test_renter_me_and_balance(api):
    api.wait(api.submit_ok()["job_id"])
    me = api.get("/api/renters/me").json()
    assert set(me["renter"]) == {"id", "name", "email", "organization", "use_case", "phone", "webhook_url",
                                 "balance_halala", "total_spent_halala", "total_jobs", "created_at"}
    assert me["renter"]["total_jobs"] == 1 and len(me["recent_jobs"]) == 1
    assert set(me["v1_usage_summary"]) == {"total_requests", "prompt_tokens", "completion_tokens",
                                           "total_tokens", "total_cost_halala"}
    b = api.get("/api/renters/balance").json()
    assert set(b) == {"balance_halala", "balance_sar", "held_halala", "held_sar", "available_halala",
                      "total_spent_halala", "total_spent_sar", "total_jobs"}
    assert b["available_halala"] == b["balance_halala"] and isinstance(b["balance_sar"], (int, float))


def test_held_counts_running_jobs_only(api):
    job = api.submit_ok(params={"prompt": "SLOW"}, provider_id=1, duration_minutes=10)
    assert api.get("/api/renters/balance").json()["held_halala"] == 0        # pending
    api.wait(job["job_id"], statuses=("running",))
    assert api.get("/api/renters/balance").json()["held_halala"] == 17


def test_available_providers(emu, api):
    r = api.get("/api/renters/available-providers", key=False).json()
    assert r["total"] == 3 and r["discovery_mode"] == "sqlite"
    assert [p["vram_mib"] for p in r["providers"]] == sorted((p["vram_mib"] for p in r["providers"]),
                                                             reverse=True)
    p = r["providers"][0]
    assert set(p) == {"id", "peer_id", "name", "gpu_model", "vram_gb", "vram_mib", "gpu_count",
                      "driver_version", "compute_capability", "cuda_version", "status", "is_live",
                      "location", "reliability_score", "cached_models", "discovery_source",
                      "discovered_at", "stale"}
    assert p["is_live"] is True and p["status"] == "online" and p["vram_gb"] == round(p["vram_mib"] / 1024)
    emu.update_provider(1, live=False)
    assert {p["id"] for p in api.get("/api/renters/available-providers").json()["providers"]} == {2, 3}
    emu.update_provider(3, status="online", live=False, heartbeat_age_s=300)
    listed = {p["id"]: p for p in api.get("/api/renters/available-providers").json()["providers"]}
    assert listed[3]["is_live"] is False


def test_auto_routing_avoids_busy_and_offline(emu, api):
    a = api.submit_ok(params={"prompt": "SLOW"})
    b = api.submit_ok(params={"prompt": "SLOW"})
    assert a["provider_id"] != b["provider_id"] and a["status"] == b["status"] == "pending"
    emu.update_provider(2, live=False)
    c = api.submit_ok(params={"prompt": "SLOW"})
    assert c["provider_id"] not in (2,)
