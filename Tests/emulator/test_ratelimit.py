"""§4 limiters: draft-6 headers, the custom and library bodies, Retry-After."""


def test_ratelimit_headers_on_api(api):
    r = api.get("/api/renters/balance")
    assert r.headers["RateLimit-Policy"] == "300;w=60"            # the last limiter: general
    assert r.headers["RateLimit-Limit"] == "300"
    assert int(r.headers["RateLimit-Remaining"]) < 300
    assert 0 <= int(r.headers["RateLimit-Reset"]) <= 60
    assert "X-RateLimit-Remaining" not in r.headers
    assert "RateLimit-Limit" in api.get("/api/nope").headers       # /api/* even when unmatched
    assert "RateLimit-Limit" not in api.get("/nope").headers


def test_job_submit_limiter(emu, api):
    emu.control("POST", "/ratelimit", {"limits": {"jobSubmit": 2}})
    for _ in range(2):
        assert api.submit().status == 201
    r = api.submit()
    assert r.status == 429
    body = r.json()
    assert body["error"] == "Rate limit exceeded"
    assert body["retryAfterMs"] == body["retryAfterSeconds"] * 1000
    assert int(r.headers["Retry-After"]) == body["retryAfterSeconds"] >= 1
    assert r.headers["RateLimit-Policy"] == "2;w=60"                # the limiter that fired
    assert r.headers["RateLimit-Remaining"] == "0"
    c = emu.counters()
    assert c["jobs_created"] == 2 and c["requests"]["POST /api/jobs/submit"] == 3
    # the bucket is per key: another renter is not limited
    other = emu.add_renter(1000)
    assert api.submit(key=other["api_key"]).status == 201


def test_general_limiter_body(emu, api):
    emu.control("POST", "/ratelimit", {"limits": {"general": 1}})
    assert api.get("/api/renters/balance").status == 200
    r = api.get("/api/renters/balance")
    assert r.status == 429 and r.json() == {"error": "Rate limit exceeded."}
    assert r.headers["Retry-After"]


def test_tiered_public_limiter(emu, api):
    emu.control("POST", "/ratelimit", {"limits": {"tieredPublic": 1}})
    assert api.get("/api/renters/available-providers", key=False).status == 200
    r = api.get("/api/renters/available-providers", key=False)
    assert r.status == 429 and r.json()["error"] == "Rate limit exceeded"
    assert r.headers["RateLimit-Policy"] == "1;w=900"
    # sending a key moves the caller to the authenticated bucket
    assert api.get("/api/renters/available-providers").status == 200


def test_disable_and_windows(emu, api):
    emu.control("POST", "/ratelimit", {"enabled": False, "limits": {"jobSubmit": 1}})
    for _ in range(3):
        assert api.submit().status == 201
    emu.control("POST", "/ratelimit", {"enabled": True, "limits": {"jobSubmit": 1}, "windows": {"jobSubmit": 1}})
    assert api.submit().status == 201
    r = api.submit()
    assert r.status == 429 and r.headers["Retry-After"] == "1"
    r = emu.control("POST", "/ratelimit", {})
    assert r["ok"] is True and r["limits"]["general"] == 300


def test_v1_stream_limiter_is_openai_shaped(emu, api):
    emu.control("POST", "/ratelimit", {"limits": {"v1Stream": 1}})
    body = {"model": "qwen3:8b", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    assert api.post("/v1/chat/completions", body).status == 200
    r = api.post("/v1/chat/completions", body)
    assert r.status == 429 and r.headers["Retry-After"]
    e = r.json()
    assert e["error"]["code"] == "rate_limit_exceeded" and e["error"]["type"] == "rate_limit_error"
    assert e["error"]["retryable"] is True and e["retry_after_ms"] == e["retry_after_seconds"] * 1000
    assert api.post("/v1/chat/completions", dict(body, stream=False)).status == 200   # other bucket


def test_retry_limiter_per_job(emu, api):
    emu.control("POST", "/ratelimit", {"limits": {"retryJob": 1}})
    a = api.submit_ok(params={"prompt": "FAIL"})
    api.wait(a["job_id"])
    assert api.post(f"/api/jobs/{a['job_id']}/retry").status == 201
    r = api.post(f"/api/jobs/{a['job_id']}/retry")
    assert r.status == 429 and r.json()["error"] == "Rate limit exceeded"


def test_reset_clears_buckets(emu, api):
    emu.control("POST", "/ratelimit", {"limits": {"general": 1}})
    api.get("/api/renters/balance")
    assert api.get("/api/renters/balance").status == 429
    emu.reset()
    assert api.get("/api/renters/balance").status == 200
