"""Issue 18: each place the emulator used to answer differently from the real server, one test each.
(vllm_serve's "generating" phase is in test_output.py::test_vllm_serve_endpoint, the missing
X-Request-Id echo in test_transport.py.)"""
import http.client
import socket

import pytest


def test_lifecycle_has_no_job_completed_on_the_daemon_path(api):
    job = api.wait(api.submit_ok()["job_id"])
    assert job["status"] == "completed"
    types = [e["event_type"] for e in api.get(f"/api/jobs/{job['job_id']}/lifecycle").json()["events"]]
    assert "job.completed" not in types


def test_lifecycle_has_job_completed_on_renter_complete(emu, api):
    job = api.submit_ok(params={"prompt": "SLOW"})
    api.wait(job["job_id"], statuses=("running",))
    assert api.post(f"/api/jobs/{job['job_id']}/complete").status == 200
    types = [e["event_type"] for e in api.get(f"/api/jobs/{job['job_id']}/lifecycle").json()["events"]]
    assert types[-1] == "job.completed"


# --- webhook registration DNS check ------------------------------------------------------------------

def _register(emu, api, url):
    emu.control("POST", "/ratelimit", {"limits": {"webhookRegistration": 100}})
    return api.post(f"/api/renters/{emu.renter_id}/webhooks", {"url": url, "secret": "0123456789abcdef"})


def _fake_dns(monkeypatch, answers):
    """Names ending in .example resolve from ``answers`` (or not at all); the rest as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *a, **k):
        if not str(host).endswith(".example") and str(host) != "hooks.example.com":
            return real(host, *a, **k)
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 443)) for ip in answers[host]]
    monkeypatch.setattr("dc1_emulator.webhooks.socket.getaddrinfo", getaddrinfo)


def test_webhook_dns_check_refuses_private_and_unresolvable_names(emu, api, monkeypatch):
    _fake_dns(monkeypatch, {"public.example": ["93.184.216.34"], "inside.example": ["10.1.2.3"],
                            "mixed.example": ["93.184.216.34", "127.0.0.1"]})
    assert emu.control("POST", "/webhooks/dns-check", {"enabled": True}) == {"ok": True, "enabled": True}
    msg = {"error": "webhook URL hostname does not resolve to a public IP address"}
    for host in ("inside.example", "mixed.example", "nowhere.example"):
        r = _register(emu, api, f"https://{host}/hook")
        assert r.status == 400 and r.json() == msg, host
    assert _register(emu, api, "https://public.example/hook").status == 201


def test_webhook_dns_check_is_on_by_default_and_switchable(emu, api, monkeypatch):
    from dc1_emulator import Emulator
    with Emulator(speed=20.0, allow_loopback_webhooks=False) as fresh:
        assert fresh.control("GET", "/")["webhook_dns_check"] is True
    _fake_dns(monkeypatch, {})
    emu.control("POST", "/webhooks/dns-check", {"enabled": True})
    assert _register(emu, api, "https://hooks.example.com/x").status == 400
    assert emu.control("POST", "/webhooks/dns-check", {"enabled": False})["enabled"] is False
    assert _register(emu, api, "https://hooks.example.com/x").status == 201
    with pytest.raises(Exception):
        emu.control("POST", "/webhooks/dns-check", {"enabled": "no"})


def test_webhook_url_errors_use_the_server_wording(emu, api):
    assert _register(emu, api, "http://hooks.example.com/x").json() == \
        {"error": "webhook URL must use HTTPS (http:// is not allowed)"}
    assert _register(emu, api, "https://hooks.example.com:8443/x").json() == \
        {"error": "webhook URL must use the standard HTTPS port (443). Port 8443 is not allowed"}
    assert _register(emu, api, "https://10.0.0.5/x").json()["error"].startswith(
        "webhook URL must point to a publicly accessible host")


# --- per-route RateLimit-Policy --------------------------------------------------------------------

def test_retry_shows_its_own_rate_limit_policy(api):
    job = api.wait(api.submit_ok(params={"prompt": "FAIL"})["job_id"])
    r = api.post(f"/api/jobs/{job['job_id']}/retry")
    assert r.status == 201 and r.headers["RateLimit-Policy"] == "3;w=60"
    assert r.headers["RateLimit-Remaining"] == "2"


def test_post_jobs_shows_its_policy_and_x_ratelimit_remaining(api):
    r = api.post("/api/jobs", {"job_type": "llm_inference", "duration_minutes": 1})
    assert r.status == 201 and r.headers["RateLimit-Policy"] == "10;w=60"
    assert r.headers["X-RateLimit-Remaining"] == "9"
    other = api.get("/api/renters/balance")
    assert other.headers["RateLimit-Policy"] == "300;w=60" and "X-RateLimit-Remaining" not in other.headers


# --- job rows -------------------------------------------------------------------------------------------

def test_job_row_has_the_real_columns_and_defaults(api):
    job = api.job(api.submit_ok()["job_id"])
    assert "attestation_tx_hash" in job and "attestation_report" not in job
    assert job["lifecycle_status"] == "pending" and job["capacity_class"] == "on_demand"
    assert job["attestation_status"] == "pending"
    assert job["storage_halala"] == 0 and job["bandwidth_halala"] == 0 and job["compute_halala"] == 0


def test_failed_job_row(api):
    job = api.wait(api.submit_ok(params={"prompt": "FAIL"})["job_id"])
    assert job["status"] == "failed"
    assert job["result"] == "{}" and job["actual_cost_halala"] == 0 and job["cost_usd"] == 0


def test_custom_container_result_is_trimmed(api):
    job = api.submit_ok("custom_container", {"script": "print('hello')\nprint()\n"}, duration_minutes=1)
    done = api.wait(job["job_id"])
    assert done["status"] == "completed" and done["result"] == "hello"


# --- /v1 errors ----------------------------------------------------------------------------------------

def test_v1_errors_have_no_param_and_the_server_wording(api):
    r = api.post("/v1/chat/completions", {"model": "qwen3:8b", "messages": [{"role": "user", "content": "x"}]},
                 key=False, headers={"Authorization": "Bearer dcp-renter-" + "0" * 32})
    assert r.status == 401
    err = r.json()["error"]
    assert "param" not in err and err["message"] == "Invalid or inactive API key"
    r = api.post("/v1/chat/completions", {"messages": []}, key=False,
                 headers={"Authorization": f"Bearer {api.key}"})
    assert r.status == 400 and "param" not in r.json()["error"]
    assert r.json()["error"]["message"] == "`model` is required"
    r = api.post("/v1/chat/completions", {"model": "qwen3:8b", "messages": []}, key=False,
                 headers={"Authorization": f"Bearer {api.key}"})
    assert r.json()["error"]["message"] == "`messages` must be a non-empty array"
    r = api.post("/v1/chat/completions", {"model": "qwen3:8b"}, key=False)
    assert r.json()["error"]["message"] == "API key required. Pass via Authorization: Bearer <key>"
    r = api.post("/v1/chat/completions", {"model": "qwen3:8b"}, key=False,
                 headers={"Authorization": "Bearer dcp-provider-" + "0" * 32})
    assert r.json()["error"]["message"] == "Provider API key cannot be used for /v1 inference. Use a renter key."


# --- CORS -------------------------------------------------------------------------------------------------

def _raw(emu, method, path, headers):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    conn.request(method, path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, r.headers, body


def test_cors_preflight_is_204_with_allow_headers(emu):
    status, h, body = _raw(emu, "OPTIONS", "/api/jobs/submit",
                           {"Origin": "https://dcp.sa", "Access-Control-Request-Method": "POST",
                            "Access-Control-Request-Headers": "content-type,x-renter-key"})
    assert status == 204 and body == b""
    assert h["Access-Control-Allow-Origin"] == "https://dcp.sa"
    assert h["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in h["Access-Control-Allow-Methods"]
    allowed = h["Access-Control-Allow-Headers"].lower().split(",")
    assert "x-renter-key" in allowed and "content-type" in allowed and "idempotency-key" not in allowed
    status, h, _ = _raw(emu, "OPTIONS", "/api/renters/balance", {})          # no Origin: still answered
    assert status == 204 and "Access-Control-Allow-Origin" not in h


def test_cors_allowed_origin_gets_the_header(emu, api):
    status, h, _ = _raw(emu, "GET", "/api/renters/balance", {"Origin": "https://www.dcp.sa",
                                                             "x-renter-key": api.key})
    assert status == 200 and h["Access-Control-Allow-Origin"] == "https://www.dcp.sa"
    status, h, _ = _raw(emu, "GET", "/api/renters/balance", {"x-renter-key": api.key})
    assert status == 200 and "Access-Control-Allow-Origin" not in h


def test_cors_disallowed_origin_is_a_500_page(emu, api):
    status, h, body = _raw(emu, "GET", "/api/renters/balance", {"Origin": "https://evil.example",
                                                                "x-renter-key": api.key})
    assert status == 500 and h["Content-Type"].startswith("text/html")
    assert "Access-Control-Allow-Origin" not in h
    status, _, _ = _raw(emu, "OPTIONS", "/api/jobs/submit", {"Origin": "http://127.0.0.1:3000"})
    assert status == 500


def test_cors_origin_flag():
    from dc1_emulator import Emulator
    with Emulator(cors_origins=["http://localhost:3000"]) as e:
        status, h, _ = _raw(e, "GET", "/api/health", {"Origin": "http://localhost:3000"})
        assert status == 200 and h["Access-Control-Allow-Origin"] == "http://localhost:3000"


# --- /api/health ---------------------------------------------------------------------------------------

def test_health_has_the_server_fields(emu, api):
    emu.update_provider(3, live=False)
    api.submit_ok(params={"prompt": "SLOW"})
    h = api.get("/api/health", key=False).json()
    assert set(h) == {"status", "timestamp", "db", "providers", "jobs", "sweepErrors", "sweep"}
    assert h["status"] == "ok" and h["db"] == "ok"
    assert h["providers"] == {"total": 3, "online": 2}
    assert set(h["jobs"]) == {"queued", "running"}
    assert set(h["sweep"]) == {"totalRuns", "sweepErrors", "lastRunAt", "lastErrorAt", "lastErrorMessage"}
    assert h["sweepErrors"] == h["sweep"]["sweepErrors"] == 0


def test_account_webhook_url_errors_and_normalisation(api):
    r = api.request("PATCH", "/api/renters/settings", {})
    assert r.status == 400 and r.json() == {"error": "No supported settings provided. Use webhook_url."}
    for bad in ("http://hooks.example.com/x", "https://10.0.0.5/x", 5):
        r = api.request("PATCH", "/api/renters/settings", {"webhook_url": bad})
        assert r.status == 400 and r.json() == {"error": "webhook_url must be a valid HTTPS URL pointing to a public host"}
    r = api.request("PATCH", "/api/renters/settings", {"webhook_url": "https://Hooks.Example.com:443"})
    assert r.json()["settings"]["webhook_url"] == "https://hooks.example.com/"          # new URL().toString()
    assert api.request("PATCH", "/api/renters/settings", {"webhook_url": "  "}).json()["settings"]["webhook_url"] is None
