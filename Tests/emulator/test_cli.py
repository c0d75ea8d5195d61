"""``python -m dc1_emulator`` as a process: the stdout contract (export lines), the stderr log,
signals, and --db surviving a kill and restart."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time

from conftest import ROOT

ENV = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "emulator"))


def start(*args):
    proc = subprocess.Popen([sys.executable, "-m", "dc1_emulator", *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line1 = proc.stdout.readline().rstrip("\n")
    line2 = proc.stdout.readline().rstrip("\n")
    line3 = proc.stdout.readline().rstrip("\n")
    assert re.fullmatch(r"export DC1_BASE_URL=http://127\.0\.0\.1:\d+", line1), line1
    assert re.fullmatch(r"export DC1_API_KEY=dcp-renter-[0-9a-f]{32}", line2), line2
    assert re.fullmatch(r"export DC1_EMULATOR_TOKEN=\S+", line3), line3
    port = int(line1.rsplit(":", 1)[1])
    TOKENS[port] = line3.split("=", 1)[1]
    return proc, port, line2.split("=", 1)[1]


TOKENS: dict = {}          # port -> the control token that emulator printed


def call(port, method, path, body=None, key=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["x-renter-key"] = key
    if path.startswith("/__emulator") and TOKENS.get(port):
        headers["x-emulator-token"] = TOKENS[port]
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, (json.loads(data) if data else None)


def stop(proc, sig=signal.SIGTERM):
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=10)
    return proc.returncode, out, err


def test_stdout_contract_log_and_sigterm():
    proc, port, key = start("--speed", "20", "--providers", "2")
    try:
        status, body = call(port, "GET", f"/api/renters/me?key={key}")
        assert status == 200 and body["renter"]["balance_halala"] == 100000
        status, body = call(port, "GET", "/api/renters/available-providers")
        assert body["total"] == 2
        call(port, "GET", "/api/renters/balance", key=key)
    finally:
        rc, out, err = stop(proc)
    assert rc == 0
    assert out == ""                          # nothing after the two lines
    assert key not in err                     # credentials are masked in the log
    assert "GET /api/renters/me?key=*** 200" in err
    assert "GET /api/renters/balance 200" in err


def test_sigint_and_flags():
    proc, port, key = start("--port", "0", "--balance", "777", "--api-key", "dcp-renter-" + "b" * 32,
                            "--quiet")
    try:
        assert key == "dcp-renter-" + "b" * 32
        assert call(port, "GET", "/api/renters/balance", key=key)[1]["balance_halala"] == 777
    finally:
        rc, out, err = stop(proc, signal.SIGINT)
    assert rc == 0 and out == "" and err == ""


def test_db_survives_kill_and_restart(tmp_path):
    db = str(tmp_path / "emu.sqlite")
    proc, port, key = start("--db", db, "--speed", "20", "--quiet")
    try:
        s, done = call(port, "POST", "/api/jobs/submit",
                       {"job_type": "llm_inference", "duration_minutes": 5, "provider_id": 1,
                        "params": {"prompt": "persist me"}}, key=key)
        assert s == 201
        done_id = done["job"]["job_id"]
        deadline = time.monotonic() + 10
        while call(port, "GET", f"/api/jobs/{done_id}/status", key=key)[1]["status"] != "completed":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        call(port, "PATCH", "/__emulator/providers/2", {"live": False})
        call(port, "PATCH", "/__emulator/providers/3", {"live": False})
        call(port, "PATCH", "/__emulator/providers/1", {"live": False})
        s, queued = call(port, "POST", "/api/jobs/submit",
                         {"job_type": "llm_inference", "duration_minutes": 10}, key=key)
        assert queued["job"]["status"] == "queued"
        s, other = call(port, "POST", "/__emulator/renters", {"balance_halala": 321})
        call(port, "PATCH", "/api/renters/settings", {"webhook_url": "https://hooks.example.com/x"}, key=key)
        balance = call(port, "GET", "/api/renters/balance", key=key)[1]
        logs = call(port, "GET", f"/api/jobs/{done_id}/logs", key=key)[1]
        job_before = call(port, "GET", f"/api/jobs/{done_id}", key=key)[1]["job"]
    finally:
        proc.kill()                                   # no clean shutdown
        proc.communicate(timeout=10)
    proc, port2, key2 = start("--db", db, "--speed", "20", "--quiet")
    try:
        assert key2 == key                            # the same seeded renter key
        assert call(port2, "GET", "/api/renters/balance", key=key)[1] == balance
        job_after = call(port2, "GET", f"/api/jobs/{done_id}", key=key)[1]["job"]
        for k in ("status", "result", "cost_halala", "actual_cost_halala", "submitted_at", "completed_at"):
            assert job_after[k] == job_before[k]
        assert call(port2, "GET", f"/api/jobs/{done_id}/logs", key=key)[1]["logs"] == logs["logs"]
        q = call(port2, "GET", f"/api/jobs/{queued['job']['job_id']}", key=key)[1]["job"]
        assert q["status"] == "queued" and q["cost_halala"] == 90
        assert call(port2, "GET", "/api/renters/balance", key=other["api_key"])[1]["balance_halala"] == 321
        me = call(port2, "GET", "/api/renters/me", key=key)[1]["renter"]
        assert me["webhook_url"] == "https://hooks.example.com/x"
        providers = call(port2, "GET", "/__emulator/providers")[1]["providers"]
        assert [p["live"] for p in providers] == [False, False, False]
        # bring a provider back: the queued job runs after the restart
        call(port2, "PATCH", "/__emulator/providers/1", {"live": True})
        deadline = time.monotonic() + 10
        while call(port2, "GET", f"/api/jobs/{queued['job']['job_id']}/status", key=key)[1]["status"] != "completed":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        rc, _, _ = stop(proc)
    assert rc == 0


# --- the printed lines are shell commands (issue 25): eval, `. FILE`, --detach ---------------------

def _bash(script, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("DC1_")}
    full.update(env)
    return subprocess.run(["bash", "-c", script], env=full, capture_output=True, text=True, timeout=60)


def test_printed_lines_eval_in_bash_to_the_same_values():
    odd_token = "tok en$HOME'x\"y"                          # needs quoting, and must survive it
    proc = subprocess.Popen([sys.executable, "-m", "dc1_emulator", "--quiet", "--control-token", odd_token],
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = "".join(proc.stdout.readline() for _ in range(3))
        assert all(l.startswith("export DC1_") for l in lines.splitlines()), lines
        r = _bash('eval "$LINES"; printf "%s\\n" "$DC1_BASE_URL" "$DC1_API_KEY" "$DC1_EMULATOR_TOKEN"; '
                  'env | grep -c "^DC1_"', LINES=lines)
        assert r.returncode == 0, r
        base, key, token, exported = r.stdout.splitlines()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base) and key.startswith("dcp-renter-")
        assert token == odd_token and exported == "3"        # exported, not just set
        port = int(base.rsplit(":", 1)[1])
        TOKENS[port] = token
        assert call(port, "GET", "/api/renters/balance", key=key)[0] == 200
        assert call(port, "GET", "/__emulator/counters")[0] == 200      # the unquoted token is the right one
    finally:
        rc, _, _ = stop(proc)
    assert rc == 0


def test_env_file_is_written_once_listening_and_removed_on_stop(tmp_path):
    path = tmp_path / "dc1.env"
    proc = subprocess.Popen([sys.executable, "-m", "dc1_emulator", "--quiet", "--env-file", str(path)],
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        printed = "".join(proc.stdout.readline() for _ in range(3))
        assert path.read_text() == printed                   # written before the lines are printed
        assert (path.stat().st_mode & 0o777) == 0o600         # it holds the key
        r = _bash('. "$F" && printf "%s\\n" "$DC1_BASE_URL"', F=str(path))
        assert r.stdout.strip() == printed.splitlines()[0].split("=", 1)[1]
    finally:
        rc, _, _ = stop(proc)
    assert rc == 0 and not path.exists()


def test_detach_makes_eval_of_the_command_work(tmp_path):
    log = tmp_path / "emu.log"
    r = _bash('eval "$(python3 -m dc1_emulator --detach --port 0 --log-file "$LOG")" || exit 9; '
              'printf "%s\\n" "$DC1_EMULATOR_PID" "$DC1_BASE_URL" "$DC1_API_KEY"',
              PYTHONPATH=ENV["PYTHONPATH"], LOG=str(log))
    assert r.returncode == 0, r
    pid, base, key = r.stdout.split()
    try:
        port = int(base.rsplit(":", 1)[1])
        assert call(port, "GET", "/api/renters/balance", key=key)[0] == 200
        deadline = time.monotonic() + 5
        while "GET /api/renters/balance 200" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        assert key not in log.read_text()
    finally:
        os.kill(int(pid), signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _running(pid):
        assert time.monotonic() < deadline, "the background emulator did not stop on SIGTERM"
        time.sleep(0.05)


def _running(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return "zombie" not in f.read().lower()
    except OSError:
        return False
