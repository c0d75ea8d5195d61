"""§12 webhooks: account webhook sweeper (signed with the API key) and registered
webhooks (signed with their secret)."""
import hashlib
import hmac
import json


def sig(key: str, body: bytes) -> str:
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def test_settings_validation(emu, api):
    r = api.request("PATCH", "/api/renters/settings", {"webhook_url": "http://hooks.example.com/x"})
    assert r.status == 400
    r = api.request("PATCH", "/api/renters/settings", {"webhook_url": "https://10.0.0.5/x"})
    assert r.status == 400
    r = api.request("PATCH", "/api/renters/settings", {})
    assert r.status == 400
    r = api.request("PATCH", "/api/renters/settings", {"webhook_url": "https://hooks.example.com:8443/dcp"})
    assert r.status == 200 and r.json() == {"success": True,
                                            "settings": {"webhook_url": "https://hooks.example.com:8443/dcp"}}
    r = api.request("PATCH", "/api/renters/settings", {"webhook_url": ""})
    assert r.json()["settings"]["webhook_url"] is None
    assert api.request("PATCH", "/api/renters/settings", {"webhook_url": None}, key=False).status == 400


def test_account_webhook_done_and_failed(emu, api, receiver):
    r = api.request("PATCH", "/api/renters/settings", {"webhook_url": receiver.url + "/dcp"})
    assert r.status == 200
    emu.set_speed(100)                                 # the sweeper runs every 30 simulated seconds
    ok = api.submit_ok()
    bad = api.submit_ok(params={"prompt": "FAIL"})
    canc = api.submit_ok(params={"prompt": "SLOW"})
    api.post(f"/api/jobs/{canc['job_id']}/cancel")
    api.wait(ok["job_id"]), api.wait(bad["job_id"])
    hits = receiver.wait(2)
    assert len(hits) == 2
    by_job = {}
    for path, headers, body in hits:
        assert path == "/dcp"
        assert headers["X-DCP-Signature"] == sig(api.key, body)       # the master key
        assert "X-DCP-Event" not in headers
        by_job[json.loads(body)["job_id"]] = json.loads(body)
    assert set(by_job) == {ok["job_id"], bad["job_id"]}                # cancelled is never sent
    done = by_job[ok["job_id"]]
    assert done["status"] == "done" and done["result_preview"] and len(done["result_preview"]) <= 300
    assert set(done) == {"job_id", "status", "cost_halala", "provider_id", "completed_at", "result_preview"}
    assert by_job[bad["job_id"]]["status"] == "failed"
    assert api.job(ok["job_id"])["webhook_delivery_status"] == "delivered"
    log = emu.webhook_deliveries()
    assert {d["kind"] for d in log} == {"account"} and all(d["status"] == 200 for d in log)


def test_job_finished_without_url_is_skipped(emu, api, receiver):
    emu.set_speed(100)
    job = api.submit_ok()
    api.wait(job["job_id"])
    import time
    deadline = time.monotonic() + 5
    while api.job(job["job_id"])["webhook_delivery_status"] != "skipped":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    api.request("PATCH", "/api/renters/settings", {"webhook_url": receiver.url})
    time.sleep(0.6)                                    # > one sweep at speed 100
    assert receiver.hits == []


def test_webhook_routes_limited_to_10_per_hour(emu, api):
    url = f"/api/renters/{emu.renter_id}/webhooks"
    for _ in range(10):
        assert api.get(url).status == 200
    r = api.request("DELETE", f"{url}/nope")                # every method counts
    assert r.status == 429 and r.headers["RateLimit-Policy"] == "10;w=3600"


def test_registered_webhooks_crud(emu, api):
    emu.control("POST", "/ratelimit", {"limits": {"webhookRegistration": 100}})
    rid = emu.renter_id
    url = f"/api/renters/{rid}/webhooks"
    r = api.post(url, {"url": "https://hooks.example.com/x", "secret": "0123456789abcdef"})
    assert r.status == 201
    hook = r.json()
    assert set(hook) == {"id", "url", "events", "active", "created_at"}
    assert hook["events"] == ["job.completed", "job.failed", "balance.low"] and hook["active"] is True
    assert api.post(url, {"url": "https://hooks.example.com:8443/x", "secret": "0123456789abcdef"}).status == 400
    assert api.post(url, {"url": "https://hooks.example.com/x", "secret": "short"}).status == 400
    assert api.post(url, {"url": "https://hooks.example.com/x", "secret": "0123456789abcdef",
                          "events": ["job.started"]}).status == 400
    for _ in range(4):
        assert api.post(url, {"url": "https://hooks.example.com/y", "secret": "0123456789abcdef"}).status == 201
    r = api.post(url, {"url": "https://hooks.example.com/z", "secret": "0123456789abcdef"})
    assert r.status == 422 and r.json() == {"error": "Maximum 5 active webhooks per renter"}
    d = api.request("DELETE", f"{url}/{hook['id']}")
    assert d.json() == {"success": True, "id": hook["id"], "active": False}
    assert api.request("DELETE", f"{url}/nope").status == 404
    listed = api.get(url).json()["webhooks"]
    assert len(listed) == 5 and any(not h["active"] for h in listed)   # soft delete


def test_registered_webhook_delivery(emu, api, receiver):
    rid = emu.renter_id
    secret = "s3cr3t-s3cr3t-s3cr3t"
    r = api.post(f"/api/renters/{rid}/webhooks", {"url": receiver.url + "/hook", "secret": secret,
                                                   "events": ["job.completed"]})
    assert r.status == 201
    job = api.submit_ok()
    api.wait(job["job_id"])
    bad = api.submit_ok(params={"prompt": "FAIL"})
    api.wait(bad["job_id"])
    hits = receiver.wait(1)
    path, headers, body = hits[0]
    assert path == "/hook"
    assert headers["X-DCP-Signature"] == sig(secret, body)
    assert headers["X-DCP-Event"] == "job.completed" and headers["User-Agent"] == "DCP-Webhook/1.0"
    payload = json.loads(body)
    assert payload["jobId"] == job["job_id"] and payload["event"] == "job.completed"
    assert payload["status"] == "completed" and payload["tokens_used"] is None
    assert set(payload) == {"jobId", "model", "tokens_used", "cost_sar", "elapsed_sec", "status",
                            "timestamp", "event"}
    import time
    time.sleep(0.3)
    assert len(receiver.hits) == 1                     # not subscribed to job.failed
