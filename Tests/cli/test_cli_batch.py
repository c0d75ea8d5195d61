"""`dc1 batch`: the core's batch runner through the CLI, against its own emulator (the
tests change the clock speed and the limits)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from conftest import DC1, base_env

LLM = {"job_type": "llm_inference", "duration_minutes": 2,
       "params": {"model": "mistralai/Mistral-7B-Instruct-v0.2", "max_tokens": 16}}


@pytest.fixture(scope="module")
def emu():
    from dc1_emulator import Emulator

    with Emulator(speed=20.0) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _speed(emu):
    emu.set_speed(20.0)
    yield
    emu.set_speed(20.0)
    emu.control("POST", "ratelimit", {"enabled": True, "limits": {"jobSubmit": 20}, "windows": {"jobSubmit": 60}})


def write_input(path, n, fail=(), bad=()):
    with open(path, "w") as f:
        for i in range(1, n + 1):
            r = json.loads(json.dumps(LLM))
            r["id"] = f"p{i}"
            r["params"]["prompt"] = f"prompt number {i}" + (" FAIL please" if i in fail else "")
            if i in bad:
                r["colour"] = "blue"
            f.write(json.dumps(r) + "\n")


def results(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def journal_count(path, ev):
    if not os.path.exists(path):
        return 0
    n = 0
    with open(path) as f:
        for l in f:
            try:
                n += json.loads(l).get("ev") == ev
            except ValueError:
                pass
    return n


def created(emu, renter):
    return emu.counters()["jobs_created_by_renter"].get(str(renter["id"]), 0)


def batch_argv(tmp_path, *extra):
    return [str(DC1), "batch", "run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out.jsonl"),
            "--journal", str(tmp_path / "journal"), *extra]


def test_kill_quota_resume_exactly_once(emu, renter, tmp_path):
    """24 lines, 4 failing, max 2 attempts, a tight submit limit and a daily quota of 14:
    SIGKILL mid-flight, re-run until the quota stops it, raise the quota, re-run to the end."""
    fail = {3, 9, 15, 21}
    write_input(tmp_path / "in.jsonl", 24, fail=fail)
    emu.control("POST", "quota", {"daily_jobs_limit": 14, "renter_id": renter["id"]})
    emu.control("POST", "ratelimit", {"limits": {"jobSubmit": 5}, "windows": {"jobSubmit": 2}})
    env = base_env(emu, renter["api_key"])
    argv = batch_argv(tmp_path, "--concurrency", "4", "--max-attempts", "2")

    # 1: slow jobs, killed once a few are in flight.
    emu.set_speed(1.0)
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while journal_count(tmp_path / "journal", "submitted") < 5 and time.time() < deadline:
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL)
    p.communicate()
    assert journal_count(tmp_path / "journal", "submitted") >= 5
    emu.set_speed(20.0)

    # 2: re-run until the quota stops it; it exits by itself.
    rc = None
    for _ in range(5):
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        rc = r.returncode
        if rc == 20:
            break
    assert rc == 20, (r.returncode, r.stdout, r.stderr)
    assert "quota" in r.stderr and "resume later" in r.stderr
    assert created(emu, renter) == 14
    out = results(tmp_path / "out.jsonl")
    assert len(out) == 24
    assert any(x["status"] == "not_submitted" and x.get("reason") == "quota" for x in out)
    st = subprocess.run([str(DC1), "--json", "batch", "status", "--journal", str(tmp_path / "journal")],
                        env=env, capture_output=True, text=True)
    assert st.returncode == 0 and json.loads(st.stdout)["attempts"] == 14

    # 3: raise the quota and finish.
    emu.control("POST", "quota", {"daily_jobs_limit": 1000, "renter_id": renter["id"]})
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 9, (r.stdout, r.stderr)        # the failing lines failed
    out = results(tmp_path / "out.jsonl")
    assert [x["line"] for x in out] == list(range(1, 25))
    for x in out:
        if x["line"] in fail:
            assert x["status"] == "failed" and x["attempts"] == 2, x
        else:
            assert x["status"] == "completed" and x["attempts"] == 1, x
            assert x["output"]["text"].startswith("[emulated]")
            assert x["id"] == f"p{x['line']}"
        assert "rate" not in json.dumps(x.get("error") or {}).lower()
    attempts = sum(x["attempts"] for x in out)
    assert attempts == 28
    assert created(emu, renter) == attempts            # no duplicate job, ever
    # 4: a finished batch run again touches nothing.
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 9 and created(emu, renter) == attempts


def test_invalid_line_is_reported_not_sent(dc1, emu, renter, tmp_path):
    write_input(tmp_path / "in.jsonl", 3, bad={2})
    r = dc1("batch", "run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out.jsonl"),
            "--journal", str(tmp_path / "j"), timeout=60)
    assert r.rc == 9, r
    out = results(tmp_path / "out.jsonl")
    assert [x["status"] for x in out] == ["completed", "invalid", "completed"]
    assert out[1]["attempts"] == 0 and out[1]["error"]["code"] == "DC1_E_VALIDATION"
    assert "colour" in out[1]["error"]["message"]
    assert created(emu, renter) == 2
    assert "line 2 (p2): invalid" in r.err


def test_all_completed_exits_0_and_status(dc1, emu, renter, tmp_path):
    write_input(tmp_path / "in.jsonl", 5)
    r = dc1("--json", "batch", "run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out.jsonl"),
            "--journal", str(tmp_path / "j"), "--concurrency", "2", timeout=60)
    assert r.rc == 0, r
    s = r.json()
    assert s["completed"] == 5 and s["all_completed"] is True and s["jobs_created"] == 5
    r = dc1("batch", "status", "--journal", str(tmp_path / "j"))
    assert r.rc == 0 and "completed:     5" in r.out and "finished" in r.out


def test_budget_stop(dc1, emu, renter, tmp_path):
    write_input(tmp_path / "in.jsonl", 1)
    r = dc1("--json", "batch", "run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "o1"),
            "--journal", str(tmp_path / "j1"), timeout=60)
    assert r.rc == 0, r
    quote = json.loads(open(tmp_path / "j1").read().splitlines()[2])["quote_halala"]
    assert quote > 0
    write_input(tmp_path / "in.jsonl", 6)
    before = created(emu, renter)
    budget = 2.5 * quote / 100
    r = dc1("batch", "run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out.jsonl"),
            "--journal", str(tmp_path / "j"), "--budget-sar", str(budget), timeout=60)
    assert r.rc == 21, r
    assert "budget" in r.err
    out = results(tmp_path / "out.jsonl")
    assert [x["status"] for x in out] == ["completed"] * 2 + ["not_submitted"] * 4
    assert all(x["reason"] == "budget" for x in out[2:])
    assert created(emu, renter) - before == 2
    # A zero budget submits nothing.
    r = dc1("batch", "run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "o0"),
            "--journal", str(tmp_path / "j0"), "--budget-sar", "0", timeout=60)
    assert r.rc == 21 and created(emu, renter) - before == 2


def test_ctrl_c_stops_and_resumes(emu, renter, tmp_path):
    write_input(tmp_path / "in.jsonl", 8)
    env = base_env(emu, renter["api_key"])
    argv = batch_argv(tmp_path, "--concurrency", "2")
    emu.set_speed(1.0)
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while journal_count(tmp_path / "journal", "submitted") < 2 and time.time() < deadline:
        time.sleep(0.02)
    t0 = time.time()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130, (out, err)
    assert time.time() - t0 < 5
    assert "resume with" in err and "dc1 batch run" in err
    assert "--journal" in err
    first = created(emu, renter)
    assert 2 <= first < 8
    rows = results(tmp_path / "out.jsonl")
    assert len(rows) == 8 and any(x["status"] in ("running", "not_submitted") for x in rows)
    emu.set_speed(20.0)
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.stdout, r.stderr)
    rows = results(tmp_path / "out.jsonl")
    assert [x["status"] for x in rows] == ["completed"] * 8
    assert created(emu, renter) == 8
