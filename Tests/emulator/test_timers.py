"""§5.2 server timers on the simulated clock: hard timeout, soft runtime requeue,
provider silence. The clock is sped up so minutes pass in a fraction of a second."""
import time


def wait_for(pred, timeout=10.0, step=0.03):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("condition not met")


def test_hard_timeout_fails_and_refunds(emu, api):
    before = api.balance()
    job = api.submit_ok(job_type="vllm_serve", params={}, duration_minutes=30, max_duration_seconds=60)
    api.wait(job["job_id"], statuses=("running",))
    emu.set_speed(200)                                   # 60 simulated seconds -> 0.3 s
    done = api.wait(job["job_id"])
    assert done["status"] == "failed"
    assert done["error"] == "Job timed out — provider may be offline or model too large"
    assert done["refunded_at"] and api.balance() == before
    assert done["retry_reason"] == "provider_timeout"


def test_soft_runtime_requeues_then_fails_without_refund(emu, api):
    before = api.balance()
    job = api.submit_ok(job_type="vllm_serve", params={}, duration_minutes=0.1, provider_id=1)
    seen = set()

    def finished():
        j = api.job(job["job_id"])
        seen.add(j["status"])
        return j if j["status"] == "failed" else None
    done = wait_for(finished, timeout=15, step=0.01)
    assert "queued" in seen                              # running -> queued (backwards)
    assert done["retry_count"] == 2
    assert done["error"] == "[permanent] retries exhausted: provider_timeout"
    assert not done["refunded_at"]
    assert api.balance() == before - job["cost_halala"]  # no refund (§6.2)


def test_provider_silence_requeues_work(emu, api):
    job = api.submit_ok(params={"prompt": "SLOW"}, provider_id=1)
    api.wait(job["job_id"], statuses=("running",))
    emu.set_speed(200)
    emu.update_provider(1, live=False)                   # the daemon stops heartbeating
    j = wait_for(lambda: (lambda x: x if x["provider_id"] != 1 else None)(api.job(job["job_id"])))
    assert j["status"] in ("pending", "running")         # back to pending, then another provider
    assert j["provider_id"] in (None, 2, 3)


def test_timers_can_be_switched_off(emu, api):
    r = emu.control("POST", "/clock", {"timers": False, "speed": 200})
    assert r["timers"] is False
    job = api.submit_ok(job_type="vllm_serve", params={}, duration_minutes=0.1)
    api.wait(job["job_id"], statuses=("running",))
    time.sleep(0.5)                                      # ~100 simulated seconds
    assert api.job(job["job_id"])["status"] == "running"
