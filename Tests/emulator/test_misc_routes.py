"""Smaller renter routes: POST /api/jobs (§7.4), topup (§10), pause/resume (§9.4),
pricing, and an emulator with no providers."""
from conftest import Api

from dc1_emulator import Emulator


def test_dispatch_variant_and_idempotency(emu, api):
    body = {"job_type": "llm_inference", "duration_minutes": 10, "unknown_key": "ignored"}
    r = api.post("/api/jobs", body, headers={"X-Idempotency-Key": "k1"})
    assert r.status == 201
    out = r.json()
    assert out["success"] is True and out["job"]["status"] == "pending" and out["job"]["cost_halala"] == 90
    assert set(out["dispatch"]) == {"assigned", "queued", "hold_id", "provider"}
    again = api.post("/api/jobs", body, headers={"X-Idempotency-Key": "k1"})
    assert again.status == 200 and again.json()["idempotent"] is True
    assert again.json()["job"]["job_id"] == out["job"]["job_id"]
    assert emu.counters()["jobs_created"] == 1
    r = api.post("/api/jobs", {"template_id": "nope", "duration_minutes": 1})
    assert r.status == 400 and r.json()["code"] == "INVALID_TEMPLATE_ID"
    for pid in (1, 2, 3):
        emu.update_provider(pid, live=False)
    r = api.post("/api/jobs", body)
    assert r.status == 503 and r.json()["code"] == "NO_PROVIDERS_AVAILABLE"
    assert r.json()["retry_after_seconds"] == 60


def test_topup(emu, api):
    r = api.post("/api/renters/topup", {"amount_halala": 0})
    assert r.status == 400 and r.json()["fields"][0]["field"] == "amount_halala"      # zod first
    r = api.post("/api/renters/topup", {"amount_halala": 500}, key=False)
    assert r.status == 403                                       # the production gate before the key
    assert r.json() == {"error": "Direct top-up disabled in production. Use payment flow."}


def test_topup_enabled(tmp_path):
    with Emulator(speed=20, allow_topup=True) as emu:
        api = Api(emu)
        r = api.post("/api/renters/topup", {"amount_sar": 50})
        assert r.status == 200
        assert r.json() == {"success": True, "topped_up_halala": 5000, "topped_up_sar": 50,
                            "new_balance_halala": 105000, "new_balance_sar": 1050}


def test_pause_resume_forbidden_for_renters(api):
    job = api.submit_ok(params={"prompt": "SLOW"})
    for action in ("pause", "resume"):
        r = api.post(f"/api/jobs/{job['job_id']}/{action}")
        assert r.status == 403 and r.json() == {"error": "Forbidden"}
    assert api.post("/api/jobs/job-0-x/pause").status == 404


def test_pricing_and_health(api):
    p = api.get("/api/renters/pricing", key=False).json()
    assert p["success"] is True and p["count"] == len(p["pricing"]) > 0
    assert api.get("/api/health", key=False).json()["status"] == "ok"


def test_no_providers_queues_globally():
    with Emulator(speed=20, providers=0) as emu:
        api = Api(emu)
        assert api.get("/api/renters/available-providers").json()["total"] == 0
        r = api.submit(duration_minutes=10)
        assert r.status == 201 and r.json()["job"]["status"] == "queued"
        assert r.json()["job"]["cost_halala"] == 90
        p = emu.add_provider(name="Late Node", gpu_model="NVIDIA GeForce RTX 4090", vram_mib=24564)
        done = api.wait(r.json()["job"]["job_id"])
        assert done["status"] == "completed" and done["provider_id"] == p["id"]


def test_rotate_key(emu, api):
    old = api.key
    r = api.post("/api/renters/rotate-key")
    assert r.status == 200
    body = r.json()
    new = body["new_key"]
    assert body["api_key"] == new and body["renter_id"] == emu.renter_id and new.startswith("dcp-renter-")
    assert api.get("/api/renters/balance", key=old).status == 404          # the old key is dead
    assert api.get("/api/renters/balance", key=new).status == 200
    assert emu.api_key == new
    api.post("/api/renters/me/rotate-key", key=new)
    third = api.post("/api/renters/rotate-key", key=api.emu.api_key).json()["new_key"]
    r = api.post("/api/renters/rotate-key", key=third)
    assert r.status == 429 and "Retry-After" not in r.headers
    assert r.json() == {"error": "Rate limit exceeded: max 3 key rotations per 24 hours"}
    emu.reset()
    assert emu.api_key == old                                              # the seed key is back
