"""§3.2: the key sources and the 400/401/403/404 differences per endpoint group."""


def provider_key(emu, pid=1):
    return next(p["api_key"] for p in emu.control("GET", "/providers")["providers"] if p["id"] == pid)


def test_g1_submit_and_list(emu, api):
    r = api.submit(key=None)
    assert r.status == 401
    assert r.json() == {"error": "Renter API key required (x-renter-key header or renter_key query)"}
    r = api.submit(key="dcp-renter-" + "0" * 32)
    assert r.status == 403 and r.json() == {"error": "Invalid or inactive renter API key"}
    r = api.submit(key=provider_key(emu))
    assert r.status == 401 and r.json()["code"] == "wrong_key_type"
    # ?renter_key and ?key both work; Bearer does not (§16.15)
    assert api.get(f"/api/jobs?renter_key={api.key}", key=False).status == 200
    assert api.get(f"/api/jobs?key={api.key}", key=False).status == 200
    r = api.get("/api/jobs", key=False, headers={"Authorization": f"Bearer {api.key}"})
    assert r.status == 401


def test_inactive_renter_is_403_on_g1(emu, api):
    r = emu.add_renter(500)
    emu.control("PATCH", f"/renters/{r['id']}", {"status": "suspended"})
    assert api.submit(key=r["api_key"]).status == 403


def test_g2_job_reads(emu, api):
    job = api.submit_ok()
    jid = job["job_id"]
    assert api.get("/api/jobs/job-0-nothere", key=False).status == 404   # lookup before auth
    r = api.get(f"/api/jobs/{jid}", key=False)
    assert r.status == 403 and r.json() == {"error": "Forbidden"}          # never 401
    assert api.get(f"/api/jobs/{jid}", key="garbage").status == 403
    other = emu.add_renter(1000)
    assert api.get(f"/api/jobs/{jid}", key=other["api_key"]).status == 403
    assert api.get(f"/api/jobs/{jid}/status", key=other["api_key"]).status == 403
    # either form of the id, and the query-string key
    assert api.get(f"/api/jobs/{job['id']}").json()["job"]["job_id"] == jid
    assert api.get(f"/api/jobs/{jid}?key={api.key}", key=False).status == 200
    # the assigned provider may read the job
    api.wait(jid)
    pk = provider_key(emu, api.job(jid)["provider_id"])
    assert api.get(f"/api/jobs/{jid}", key=False, headers={"x-provider-key": pk}).status == 200


def test_g3_cancel_only_owner(emu, api):
    job = api.submit_ok(params={"prompt": "SLOW please"})
    other = emu.add_renter(1000)
    assert api.post(f"/api/jobs/{job['job_id']}/cancel", key=None).status == 403
    assert api.post(f"/api/jobs/{job['job_id']}/cancel", key=other["api_key"]).status == 403
    assert api.post("/api/jobs/job-0-x/cancel").status == 404
    assert api.post(f"/api/jobs/{job['job_id']}/cancel").status == 200


def test_g4_logs_stream_auth(emu, api):
    job = api.submit_ok()
    jid = job["job_id"]
    r = api.get(f"/api/jobs/{jid}/logs/stream", key=None)
    assert r.status == 401 and r.json() == {"error": "Renter API key required (?key=...)"}
    r = api.get(f"/api/jobs/{jid}/logs/stream?renter_key={api.key}", key=None)
    assert r.status == 401                               # ?renter_key is ignored
    r = api.get(f"/api/jobs/{jid}/logs/stream?key=bad", key=None)
    assert r.status == 401 and r.json() == {"error": "Invalid renter API key"}
    other = emu.add_renter(1000)
    r = api.get(f"/api/jobs/{jid}/logs/stream?key={other['api_key']}", key=None)
    assert r.status == 404 and r.json() == {"error": "Job not found"}


def test_g5_history_header_only(api):
    r = api.get(f"/api/jobs/history?key={api.key}", key=False)
    assert r.status == 401 and r.json() == {"error": "Renter API key required"}
    r = api.get("/api/jobs/history", key="nope")
    assert r.status == 401 and r.json() == {"error": "Invalid renter key"}
    assert api.get("/api/jobs/history").status == 200


def test_g6_active_and_queue(emu, api):
    assert api.get("/api/jobs/active", key=False).json() == {"error": "Authentication required"}
    assert api.get("/api/jobs/active", key=False).status == 401
    assert api.get("/api/jobs/active").status == 200
    assert api.get("/api/jobs/queue/status").status == 200
    assert api.get("/api/jobs/queue/1").json()["total"] == 0


def test_g7_me_query_first(emu, api):
    r = api.get("/api/renters/me", key=False)
    assert r.status == 400 and r.json() == {"error": "API key required"}
    r = api.get("/api/renters/me", key="nope")
    assert r.status == 404 and r.json() == {"error": "Renter not found"}
    # ?key wins over the header
    r = api.get("/api/renters/me?key=bad", key=api.key)
    assert r.status == 404
    r = api.get("/api/renters/me", headers={"Authorization": f"Bearer {api.key}"}, key=False)
    assert r.status == 400                                  # no Bearer here


def test_g8_balance(api):
    assert api.get("/api/renters/balance", key=False).status == 400
    assert api.get("/api/renters/balance", key="x").status == 404
    assert api.get(f"/api/renters/balance?key={api.key}", key=False).status == 200


def test_g12_webhooks_auth(emu, api):
    rid = emu.renter_id
    r = api.get(f"/api/renters/{rid}/webhooks", key=False)
    assert r.status == 401 and r.json() == {"error": "x-renter-key header required"}
    assert api.get(f"/api/renters/{rid}/webhooks", key="bad").json() == {"error": "Invalid API key"}
    r = api.get(f"/api/renters/{rid + 1}/webhooks")
    assert r.status == 403 and r.json() == {"error": "Forbidden: key does not match renter id"}
    r = api.get(f"/api/renters/{rid}/webhooks", key=False, headers={"Authorization": f"Bearer {api.key}"})
    assert r.status == 200


def test_g14_v1_auth(emu, api):
    body = {"model": "qwen3:8b", "messages": [{"role": "user", "content": "hi"}]}
    r = api.post("/v1/chat/completions", body, key=False)
    assert r.status == 401 and r.json()["error"]["code"] == "authentication_required"
    r = api.post("/v1/chat/completions", body, key=False, headers={"Authorization": "Bearer nope"})
    assert r.json()["error"]["code"] == "authentication_invalid_key"
    r = api.post("/v1/chat/completions", body, key=False,
                 headers={"Authorization": f"Bearer {provider_key(emu)}"})
    assert r.status == 401 and r.json()["error"]["code"] == "wrong_key_type"
    assert api.post("/v1/chat/completions", body).status == 200          # x-renter-key works too


def test_public_routes_need_no_key(api):
    assert api.get("/api/renters/available-providers", key=False).status == 200
    assert api.get("/v1/models", key=False).status == 200
    assert api.get("/api/health", key=False).status == 200
