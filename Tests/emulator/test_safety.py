"""The emulator is safe by default (issue 12 item 6): each attack from the issue, refused.

* any local process (or a web page through DNS rebinding) reading the renters' keys from the
  control API, then running code with a custom_container job;
* a foreign Host header on the renter API and on the control API;
* a body nested 100,000 levels deep killing the handler thread;
* an oversized body;
* a custom_container script seeing the emulator's environment or working directory."""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT

ENV = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "emulator"))


def raw(emu, method, path, body=None, headers=None, host=None, timeout=15):
    """One request over a fresh connection; ``host`` replaces the Host header."""
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=timeout)
    h = dict(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{emu.port}")
        for k, v in h.items():
            conn.putheader(k, v)
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


# --- the control API needs the token ---------------------------------------------------------

def test_renters_listing_needs_token(emu):
    status, _, body = raw(emu, "GET", "/__emulator/renters")
    assert status == 401
    assert b"dcp-renter-" not in body and emu.api_key.encode() not in body
    assert "token" in json.loads(body)["error"]


def test_control_api_wrong_token_refused(emu):
    status, _, body = raw(emu, "GET", "/__emulator/renters", headers={"x-emulator-token": "nope"})
    assert status == 401 and b"dcp-renter-" not in body
    status, _, body = raw(emu, "GET", "/__emulator/renters?token=nope")
    assert status == 401 and b"dcp-renter-" not in body


def test_every_control_route_needs_token(emu):
    for method, path in (("GET", "/__emulator"), ("POST", "/__emulator/reset"),
                         ("GET", "/__emulator/counters"), ("POST", "/__emulator/faults"),
                         ("POST", "/__emulator/renters"), ("GET", "/__emulator/providers"),
                         ("POST", "/__emulator/ratelimit"), ("GET", "/__emulator/webhooks/deliveries"),
                         ("POST", "/__emulator/jobs/job-1/advance"), ("GET", "/__emulator/nope")):
        status, _, body = raw(emu, method, path, body={} if method == "POST" else None)
        assert status == 401, (method, path, status, body)


def test_control_token_as_header_or_query(emu):
    status, _, body = raw(emu, "GET", "/__emulator/renters", headers={"x-emulator-token": emu.control_token})
    assert status == 200 and emu.api_key in body.decode()
    status, _, body = raw(emu, "GET", f"/__emulator/renters?token={emu.control_token}")
    assert status == 200 and emu.api_key in body.decode()


def test_control_helper_sends_token(emu):
    assert emu.control("GET", "/counters")["faults_pending"] == 0


def test_renter_api_needs_no_token(emu):
    status, _, _ = raw(emu, "GET", "/api/renters/balance", headers={"x-renter-key": emu.api_key})
    assert status == 200


# --- Host header (DNS rebinding) -------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}",
                                  "localhost:1", "127.0.0.1", "", "10.0.0.1:{port}"])
def test_foreign_host_header_refused(emu, host):
    host = host.format(port=emu.port)
    for path, headers in (("/api/renters/balance", {"x-renter-key": emu.api_key}),
                          ("/__emulator/renters", {"x-emulator-token": emu.control_token})):
        status, _, body = raw(emu, "GET", path, headers=headers, host=host)
        assert status == 421, (host, path, status)
        assert b"dcp-renter-" not in body and b"balance_halala" not in body


def test_dns_rebound_page_cannot_run_a_custom_script(emu, tmp_path):
    """A page whose name was rebound to 127.0.0.1 sends its own Host: nothing runs, nothing counts."""
    marker = tmp_path / "pwned"
    status, _, _ = raw(emu, "POST", "/api/jobs/submit", host="rebound.example",
                       headers={"x-renter-key": emu.api_key},
                       body={"job_type": "custom_container", "duration_minutes": 1,
                             "params": {"script": f"open({str(marker)!r}, 'w').write('x')"}})
    assert status == 421
    time.sleep(0.5)
    assert emu.counters()["jobs_created"] == 0 and not marker.exists()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_own_host_names_accepted(emu, host):
    status, _, _ = raw(emu, "GET", "/api/renters/balance", headers={"x-renter-key": emu.api_key},
                       host=host.format(port=emu.port))
    assert status == 200


def test_missing_host_header_refused(emu):
    s = socket.create_connection(("127.0.0.1", emu.port), timeout=10)
    s.sendall(b"GET /api/health HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 421")


# --- hostile bodies ----------------------------------------------------------------------------

def test_deeply_nested_json_gets_400(emu):
    depth = 100_000
    body = b"[" * depth + b"]" * depth
    for path in ("/api/jobs/submit", "/__emulator/faults"):
        status, headers, page = raw(emu, "POST", path, body=body,
                                    headers={"x-renter-key": emu.api_key,
                                             "x-emulator-token": emu.control_token})
        assert status == 400, (path, status)
        assert headers["Content-Type"].startswith("text/html")
    deep_object = b'{"a":' * depth + b"1" + b"}" * depth
    status, _, _ = raw(emu, "POST", "/api/jobs/submit", body=deep_object, headers={"x-renter-key": emu.api_key})
    assert status == 400
    # the server is still alive and answering on the same worker pool
    status, _, _ = raw(emu, "GET", "/api/renters/balance", headers={"x-renter-key": emu.api_key})
    assert status == 200


def test_moderately_nested_json_still_parses(emu):
    body = {"job_type": "llm_inference", "duration_minutes": 1,
            "params": {"prompt": "hi", "x": [[[[[[[[[[1]]]]]]]]]]}}
    status, _, page = raw(emu, "POST", "/api/jobs/submit", body=body, headers={"x-renter-key": emu.api_key})
    assert status in (201, 400) and b"<!DOCTYPE" not in page


def test_oversized_json_gets_413(emu):
    body = b'{"job_type":"llm_inference","params":{"prompt":"' + b"x" * (3 * 1024 * 1024) + b'"}}'
    status, headers, _ = raw(emu, "POST", "/api/jobs/submit", body=body, headers={"x-renter-key": emu.api_key})
    assert status == 413 and headers["Content-Type"].startswith("text/html")
    status, _, _ = raw(emu, "POST", "/__emulator/faults", body=body,
                       headers={"x-emulator-token": emu.control_token})
    assert status == 413


def test_handler_crash_still_answers(emu, monkeypatch):
    """Anything unexpected in the request path becomes a 500 answer, never a dropped connection."""
    from dc1_emulator import server

    def boom(*a, **k):
        raise RuntimeError("boom")
    monkeypatch.setattr(server, "sanitize", boom)
    status, _, body = raw(emu, "GET", "/api/renters/balance", headers={"x-renter-key": emu.api_key})
    assert status == 500 and json.loads(body) == {"error": "Internal server error"}


# --- custom_container scripts ------------------------------------------------------------------

def test_custom_script_gets_clean_env_and_temp_dir(emu, api, monkeypatch):
    monkeypatch.setenv("DC1_SECRET_FOR_TEST", "do-not-leak")
    script = ("import os, sys, json\n"
              "print('CWD', os.getcwd())\n"
              "print('ENV', json.dumps(sorted(os.environ)))\n"
              "print('FLAGS', sys.flags.isolated)\n")
    job = api.submit_ok("custom_container", {"script": script}, duration_minutes=1)
    done = api.wait(job["job_id"])
    assert done["status"] == "completed", done
    out = done["result"]
    cwd = re.search(r"CWD (\S+)", out).group(1)
    assert os.path.basename(cwd).startswith("dc1emu-job-") and cwd != os.getcwd()
    env = json.loads(re.search(r"ENV (\[.*\])", out).group(1))
    assert "DC1_SECRET_FOR_TEST" not in env and "PYTHONPATH" not in env
    assert "DC1_JOB_ID" in env
    assert "FLAGS 1" in out                           # python -I: no user site, no PYTHON* variables
    time.sleep(0.2)
    assert not os.path.exists(cwd)                    # the temporary directory is removed afterwards


def test_custom_script_timeout_kills_it(emu, api):
    emu.set_speed(1000)                                # max_duration 60 s simulated -> the 5 s real floor
    job = api.submit_ok("custom_container", {"script": "import time\ntime.sleep(600)"},
                        duration_minutes=1, max_duration_seconds=60)
    done = api.wait(job["job_id"], timeout=20)
    assert done["status"] == "failed" and "timed out" in done["error"]


# --- the process: binds to loopback, prints the token, one-line busy-port error -----------------

def _start(*args):
    proc = subprocess.Popen([sys.executable, "-m", "dc1_emulator", "--quiet", *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline().rstrip("\n") for _ in range(3)]
    return proc, lines


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    return proc.communicate(timeout=10)


def test_process_prints_token_after_api_key_and_binds_loopback():
    proc, lines = _start("--port", "0")
    try:
        assert lines[0].startswith("export DC1_BASE_URL=http://127.0.0.1:")
        assert lines[1].startswith("export DC1_API_KEY=")
        m = re.fullmatch(r"export DC1_EMULATOR_TOKEN=([0-9a-f]{32})", lines[2])
        assert m, lines
        port = int(lines[0].rsplit(":", 1)[1])
        conns = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout \
            if os.path.exists("/usr/bin/ss") or os.path.exists("/bin/ss") else ""
        if conns:
            listening = [l for l in conns.splitlines() if f":{port} " in l]
            assert listening and all("127.0.0.1:" in l for l in listening), listening
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/__emulator/renters")
        assert c.getresponse().status == 401
        c.close()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/__emulator/renters", headers={"x-emulator-token": m.group(1)})
        assert c.getresponse().status == 200
        c.close()
    finally:
        _stop(proc)


def test_control_token_flag_and_no_control_auth():
    proc, lines = _start("--port", "0", "--control-token", "my-token-123")
    try:
        assert lines[2] == "export DC1_EMULATOR_TOKEN=my-token-123"
        port = int(lines[0].rsplit(":", 1)[1])
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/__emulator/counters?token=my-token-123")
        assert c.getresponse().status == 200
    finally:
        _stop(proc)
    proc, lines = _start("--port", "0", "--no-control-auth")
    try:
        assert lines[2] == "export DC1_EMULATOR_TOKEN=''"   # shell-quoted empty
        port = int(lines[0].rsplit(":", 1)[1])
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/__emulator/counters")
        assert c.getresponse().status == 200
    finally:
        _stop(proc)


def test_allow_host_flag(tmp_path):
    proc, lines = _start("--port", "0", "--allow-host", "emu.internal")
    try:
        port = int(lines[0].rsplit(":", 1)[1])
        for host, want in ((f"emu.internal:{port}", 200), (f"other.internal:{port}", 421)):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.putrequest("GET", "/api/health", skip_host=True)
            c.putheader("Host", host)
            c.endheaders()
            assert c.getresponse().status == want, host
            c.close()
    finally:
        _stop(proc)


def test_busy_port_is_one_line_error():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    try:
        r = subprocess.run([sys.executable, "-m", "dc1_emulator", "--port", str(port)], env=ENV,
                           capture_output=True, text=True, timeout=30)
    finally:
        s.close()
    assert r.returncode == 1 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(port) in lines[0] and "already in use" in lines[0] and "Traceback" not in r.stderr
