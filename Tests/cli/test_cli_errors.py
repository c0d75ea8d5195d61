"""Exit codes by error class, the error document of --json, Ctrl-C, and the key's secrecy."""
from __future__ import annotations

import signal
import subprocess
import time

from conftest import DC1, base_env
from _util import closed_port, slow_job

BOGUS_KEY = "dcp-renter-not-a-real-key-0123456789"


def test_bad_key_exits_3_and_is_never_printed(dc1):
    for args in (["balance"], ["-v", "history"], ["--json", "me"]):
        r = dc1(*args, key=BOGUS_KEY)
        assert r.rc == 3, r
    r = dc1("-v", "--api-key", BOGUS_KEY, "balance", key=None)
    assert r.rc == 3 and "dc1: debug:" in r.err, r     # verbose logs, still without the key
    r = dc1("--json", "balance", "--api-key=" + BOGUS_KEY, key=None)
    assert r.rc == 3 and r.json()["code"] == "DC1_E_AUTH", r


def test_missing_key_exits_3(dc1):
    r = dc1("balance", key=None)
    assert r.rc == 3 and "DC1_API_KEY" in r.err, r


def test_unknown_job_exits_4(dc1):
    for args in (["status", "job-0-nosuch"], ["output", "job-0-nosuch"], ["cancel", "job-0-nosuch"],
                 ["logs", "job-0-nosuch"]):
        r = dc1(*args)
        assert r.rc == 4, r
    r = dc1("--json", "status", "job-0-nosuch")
    doc = r.json()
    assert doc["code"] == "DC1_E_NOT_FOUND" and doc["http_status"] == 404
    assert r.err.startswith("dc1: ")


def test_validation_exits_2(dc1):
    r = dc1("submit", "no_such_type")
    assert r.rc == 2 and "job_type" in r.err, r
    r = dc1("--json", "submit", "llm_inference", "--prompt", "hi", "--duration", "5000")
    assert r.rc == 2, r
    doc = r.json()
    assert doc["code"] == "DC1_E_VALIDATION" and doc["fields"][0]["field"] == "duration_minutes"
    assert dc1("status", "bad/id").rc == 2           # an id that could change the route


def test_insufficient_balance_exits_5(emu, dc1):
    poor = emu.add_renter(0)
    r = dc1("submit", "llm_inference", "--prompt", "hi", key=poor["api_key"])
    assert r.rc == 5, r


def test_network_error_exits_7(dc1):
    url = f"http://127.0.0.1:{closed_port()}"
    r = dc1("balance", "--base-url", url)
    assert r.rc == 7, r
    assert "reachable" in r.err
    r = dc1("--json", "providers", env={"DC1_BASE_URL": url})
    assert r.rc == 7 and r.json()["code"] == "DC1_E_NETWORK", r


def test_server_error_exits_8(emu, dc1):
    emu.inject_fault(path="/api/renters/balance", action="status", status=500, count=10)
    try:
        r = dc1("balance")
        assert r.rc == 8, r
    finally:
        emu.clear_faults()


def test_ctrl_c_exits_130_and_argv_hides_the_key(emu, dc1, renter):
    job_id = slow_job(dc1)
    try:
        env = base_env(emu, None)
        proc = subprocess.Popen([str(DC1), "--api-key", renter["api_key"], "wait", job_id], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.7)
        with open(f"/proc/{proc.pid}/cmdline", "rb") as fh:
            cmdline = fh.read()
        assert renter["api_key"].encode() not in cmdline and b"wait" in cmdline
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=5)
        assert proc.returncode == 130, (out, err)
        assert time.monotonic() - t0 < 2
        assert "dc1: interrupted" in err and renter["api_key"] not in out + err
    finally:
        dc1("cancel", job_id)


def test_global_timeout_is_the_per_call_deadline(emu, dc1):
    emu.inject_fault(path="/api/renters/balance", action="delay", delay_ms=3000, count=10)
    try:
        t0 = time.monotonic()
        r = dc1("--timeout", "0.5", "balance")
        assert r.rc == 7, r
        assert time.monotonic() - t0 < 2.5
    finally:
        emu.clear_faults()
