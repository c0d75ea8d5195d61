"""The /__emulator control API: counters, fault injection, seeding, clock, reset."""
import http.client
import json
import socket
import time

import pytest


def raw_request(emu, method, path, body=None, key=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["x-renter-key"] = key
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse()
    return r, r.read(), conn


SUBMIT = {"job_type": "llm_inference", "duration_minutes": 5, "params": {"prompt": "hi"}}


def test_counters(emu, api):
    job = api.submit_ok()
    api.get(f"/api/jobs/{job['job_id']}/status")
    api.get(f"/api/jobs/{job['job_id']}/status?x=1")
    api.get("/nope")
    c = emu.counters()
    assert c["requests"]["POST /api/jobs/submit"] == 1
    assert c["requests"]["GET /api/jobs/:id/status"] == 2
    assert c["requests_by_path"][f"GET /api/jobs/{job['job_id']}/status"] == 2
    assert c["requests"]["GET (unmatched)"] == 1
    assert c["jobs_created"] == 1 and c["jobs_created_by_renter"] == {str(emu.renter_id): 1}
    assert c["faults_pending"] == 0
    assert not any(k.startswith("GET /__emulator") for k in c["requests"])


def test_fault_status_replaces_route(emu, api):
    fid = emu.inject_fault("/api/jobs/submit", "status", method="POST", count=2, status=429,
                           headers={"Retry-After": "3"}, body='{"error":"Rate limit exceeded"}')
    assert isinstance(fid, int)
    assert emu.counters()["faults_pending"] == 2
    for _ in range(2):
        r = api.post("/api/jobs/submit", SUBMIT)
        assert r.status == 429 and r.headers["Retry-After"] == "3"
        assert r.json() == {"error": "Rate limit exceeded"} and "X-Request-Id" not in r.headers
    assert api.post("/api/jobs/submit", SUBMIT).status == 201
    c = emu.counters()
    assert c["jobs_created"] == 1 and c["requests"]["POST /api/jobs/submit"] == 3
    assert c["faults_pending"] == 0


def test_fault_html_and_redirect(emu, api):
    emu.inject_fault("/api/renters/balance", status=500, content_type="text/html",
                     body="<html><body>Internal Server Error</body></html>")
    r = api.get("/api/renters/balance")
    assert r.status == 500 and r.headers["Content-Type"] == "text/html" and b"<html>" in r.body
    emu.inject_fault("/api/renters/balance", status=302, headers={"Location": "http://127.0.0.1:9/x"}, body="")
    r = api.get("/api/renters/balance")
    assert r.status == 302 and r.headers["Location"] == "http://127.0.0.1:9/x"


def test_fault_glob_method_and_fifo(emu, api):
    job = api.submit_ok()
    emu.inject_fault("/api/jobs/*/status", "status", method="GET", status=503, body='{"a":1}')
    emu.inject_fault("/api/jobs/*/status", "status", method="GET", status=502, body='{"b":2}')
    assert api.post(f"/api/jobs/{job['job_id']}/cancel").status == 200       # not matched
    assert api.get(f"/api/jobs/{job['job_id']}/status").status == 503       # first in, first out
    assert api.get(f"/api/jobs/{job['job_id']}/status?q=1").status == 502   # glob ignores the query
    assert api.get(f"/api/jobs/{job['job_id']}/status").status == 200
    emu.inject_fault("*", status=504, count=5)
    emu.clear_faults()
    assert emu.counters()["faults_pending"] == 0
    assert api.get("/api/renters/balance").status == 200


def test_fault_validation(emu):
    with pytest.raises(Exception) as e:
        emu.inject_fault("/x", "explode")
    assert e.value.status == 400
    with pytest.raises(Exception):
        emu.inject_fault("/x", "status")            # no status code


def test_fault_delay(emu, api):
    emu.inject_fault("/api/renters/balance", "delay", delay_ms=300)
    t0 = time.monotonic()
    assert api.get("/api/renters/balance").status == 200
    assert time.monotonic() - t0 >= 0.3


def test_fault_hang(emu, api):
    emu.inject_fault("/api/renters/balance", "hang", delay_ms=1500)
    with pytest.raises((socket.timeout, TimeoutError)):
        api.get("/api/renters/balance", timeout=0.4)
    assert api.get("/api/renters/balance").status == 200


def test_fault_reset_before_does_not_run_route(emu, api):
    before = api.balance()
    emu.inject_fault("/api/jobs/submit", "reset_before", method="POST")
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        api.post("/api/jobs/submit", SUBMIT)
    assert emu.counters()["jobs_created"] == 0 and api.balance() == before


def test_fault_reset_after_runs_route(emu, api):
    """The "submit fate unknown" case: the job exists and was charged."""
    before = api.balance()
    emu.inject_fault("/api/jobs/submit", "reset_after", method="POST")
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        api.post("/api/jobs/submit", dict(SUBMIT, provider_id=1))
    c = emu.counters()
    assert c["jobs_created"] == 1 and c["requests"]["POST /api/jobs/submit"] == 1
    jobs = api.get("/api/jobs").json()["jobs"]
    assert len(jobs) == 1 and api.balance() == before - 9


def test_fault_truncate(emu, api):
    emu.inject_fault("/api/renters/balance", "truncate")
    with pytest.raises(http.client.IncompleteRead):
        api.get("/api/renters/balance")
    emu.inject_fault("/api/renters/balance", "truncate", bytes=5)
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    conn.request("GET", "/api/renters/balance", headers={"x-renter-key": api.key})
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead) as e:
        resp.read()
    assert e.value.partial == b'{"bal'
    conn.close()


def test_fault_malformed_json(emu, api):
    job = api.submit_ok()
    emu.inject_fault(f"/api/jobs/{job['job_id']}", "malformed_json")
    r = api.get(f"/api/jobs/{job['job_id']}")
    assert r.status == 200 and r.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        r.json()


def test_fault_slow_body(emu, api):
    emu.inject_fault("/api/renters/balance", "slow_body", bytes_per_sec=400)
    t0 = time.monotonic()
    r = api.get("/api/renters/balance")
    assert r.status == 200 and r.json()["balance_halala"] == 100000
    assert time.monotonic() - t0 >= 0.25


def test_fault_reset_mid_body(emu, api):
    emu.inject_fault("/api/renters/balance", "reset_mid_body")
    with pytest.raises((ConnectionError, http.client.IncompleteRead)):
        api.get("/api/renters/balance")


def test_clock(emu):
    r = emu.control("POST", "/clock", {"speed": 7.5})
    assert r["ok"] is True and r["speed"] == 7.5
    with pytest.raises(Exception):
        emu.control("POST", "/clock", {"speed": 0})


def test_renters_seeding(emu, api):
    r = emu.control("POST", "/renters", {"balance_halala": 500, "name": "Low", "api_key": "dcp-renter-" + "a" * 32})
    assert set(r) == {"id", "api_key"} and r["api_key"] == "dcp-renter-" + "a" * 32
    assert api.balance(key=r["api_key"]) == 500
    emu.control("PATCH", f"/renters/{r['id']}", {"balance_halala": 42})
    assert api.balance(key=r["api_key"]) == 42
    names = [x["name"] for x in emu.control("GET", "/renters")["renters"]]
    assert "Low" in names


def test_providers_seeding(emu, api):
    p = emu.control("POST", "/providers", {"name": "Test GPU", "gpu_model": "NVIDIA H200",
                                           "vram_mib": 143771, "live": True})
    assert p["name"] == "Test GPU" and p["live"] is True and p["api_key"].startswith("dcp-provider-")
    listed = api.get("/api/renters/available-providers").json()["providers"]
    assert listed[0]["id"] == p["id"]                                   # the largest VRAM first
    job = api.submit_ok(provider_id=p["id"])
    assert api.wait(job["job_id"])["status"] == "completed"
    p2 = emu.control("PATCH", f"/providers/{p['id']}", {"live": False})
    assert p2["live"] is False and p2["status"] == "offline"
    assert len(emu.control("GET", "/providers")["providers"]) == 4


def test_advance(emu, api):
    job = api.submit_ok(params={"prompt": "SLOW"})
    j = emu.advance(job["job_id"], "running")
    assert j["status"] == "running"
    j = emu.advance(job["job_id"], "completed")
    assert j["status"] == "completed" and "DC1_RESULT_JSON:" in j["result"]
    job2 = api.submit_ok(params={"prompt": "SLOW"})
    before = api.balance()
    j = emu.advance(job2["job_id"], "failed", error="boom")
    assert j["status"] == "failed" and j["error"] == "boom"
    assert api.balance() == before + job2["cost_halala"]
    with pytest.raises(Exception):
        emu.advance(job2["job_id"], "completed")


def test_reset_restores_seed(emu, api):
    key = api.key
    job = api.submit_ok()
    emu.update_provider(1, live=False)
    emu.add_renter(5)
    emu.inject_fault("/x", status=500)
    emu.set_speed(3)
    r = emu.control("POST", "/reset")
    assert r == {"ok": True}
    assert emu.api_key == key
    assert api.balance() == 100000
    assert api.get(f"/api/jobs/{job['job_id']}").status == 404
    assert len(api.get("/api/renters/available-providers").json()["providers"]) == 3
    assert len(emu.control("GET", "/renters")["renters"]) == 1
    c = emu.counters()
    assert c["faults_pending"] == 0 and c["jobs_created"] == 0
    assert emu.control("GET", "/")["speed"] == 20.0


def test_control_routes_bypass_sanitiser_and_limits(emu, api):
    emu.control("POST", "/ratelimit", {"limits": {"general": 1}})
    emu.control("POST", "/renters", {"balance_halala": 1, "name": "  <b>x</b>  "})
    names = [x["name"] for x in emu.control("GET", "/renters")["renters"]]
    assert "  <b>x</b>  " in names
    for _ in range(3):
        emu.counters()
