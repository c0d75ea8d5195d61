"""Issue 26: one run per journal, and no path that destroys data.

Two `dc1 batch run` processes on one journal create exactly one job per line (the second
is refused with exit 22 and says who holds the journal); a SIGKILLed run frees the journal
at once; and no combination of --out, --journal and --save-dir can change the input file."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import DC1, base_env

LLM = {"job_type": "llm_inference", "duration_minutes": 2,
       "params": {"model": "mistralai/Mistral-7B-Instruct-v0.2", "max_tokens": 16}}


@pytest.fixture(autouse=True)
def _limits(emu):
    # Enough submits per window that both runs would get through if nothing stopped them.
    emu.control("POST", "ratelimit", {"enabled": False})
    yield
    emu.control("POST", "ratelimit", {"enabled": True, "limits": {"jobSubmit": 20}, "windows": {"jobSubmit": 60}})


def write_input(path, n, marker=""):
    with open(path, "w") as f:
        for i in range(1, n + 1):
            r = json.loads(json.dumps(LLM))
            r["id"] = f"p{i}"
            r["params"]["prompt"] = f"prompt number {i} {marker}".strip()
            f.write(json.dumps(r) + "\n")


def created(emu, renter):
    return emu.counters()["jobs_created_by_renter"].get(str(renter["id"]), 0)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def argv(input_path, out, journal, *extra):
    return [str(DC1), "batch", "run", str(input_path), "--out", str(out), "--journal", str(journal), *extra]


def test_two_runs_on_one_journal_pay_once(emu, renter, tmp_path):
    """Started together, as an overlapping cron job would: 20 lines, 20 jobs, one run refused."""
    write_input(tmp_path / "in.jsonl", 20)
    env = base_env(emu, renter["api_key"])
    a = argv(tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "j", "--concurrency", "8")
    procs = [subprocess.Popen(a, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    rcs = [p.returncode for p in procs]
    assert sorted(rcs) == [0, 22], (rcs, outs)
    refused = outs[rcs.index(22)][1]
    assert "another `dc1 batch run` is using" in refused and str(tmp_path / "j") in refused
    assert "(pid " in refused and "wait for it, or stop it and run again to resume" in refused
    assert created(emu, renter) == 20
    with open(tmp_path / "out.jsonl") as f:
        res = [json.loads(line) for line in f]
    assert [r["status"] for r in res] == ["completed"] * 20


def test_killed_run_frees_the_journal(emu, renter, tmp_path):
    """SIGKILL mid-run: the kernel drops the lock, and the resume right after proceeds."""
    write_input(tmp_path / "in.jsonl", 6, marker="SLOW")
    env = base_env(emu, renter["api_key"])
    emu.set_speed(2.0)
    try:
        a = argv(tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "j", "--concurrency", "6")
        p = subprocess.Popen(a, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while created(emu, renter) < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert created(emu, renter) >= 2
        os.kill(p.pid, signal.SIGKILL)
        p.wait(10)
    finally:
        emu.set_speed(20.0)
    # The lock file stays; the lock does not.
    assert os.path.exists(str(tmp_path / "j") + ".lock")
    r = subprocess.run(a, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "another" not in r.stderr
    assert created(emu, renter) == 6


def _clash_cases(tmp_path):
    inp = tmp_path / "in.jsonl"
    os.symlink(inp, tmp_path / "link.jsonl")
    os.link(inp, tmp_path / "hard.jsonl")
    (tmp_path / "sub").mkdir()
    (tmp_path / "imgs").mkdir()
    os.symlink(tmp_path / "imgs", tmp_path / "imgs-link")
    dotdot = str(tmp_path / "sub" / ".." / "in.jsonl")
    out, j = tmp_path / "out.jsonl", tmp_path / "j"
    return {
        "out is the input": (inp, inp, j, []),
        "journal is the input": (inp, out, inp, []),
        "out is the journal": (inp, j, j, []),
        "out is a symlink to the input": (inp, tmp_path / "link.jsonl", j, []),
        "journal is a hard link to the input": (inp, out, tmp_path / "hard.jsonl", []),
        "out names the input through ..": (inp, dotdot, j, []),
        "save dir is the input": (inp, out, j, ["--save-dir", str(inp)]),
        "save dir is the journal": (inp, out, j, ["--save-dir", str(j)]),
    }


def test_paths_that_destroy_data_are_refused(emu, renter, tmp_path, dc1):
    write_input(tmp_path / "in.jsonl", 3)
    before = digest(tmp_path / "in.jsonl")
    for name, (inp, out, journal, extra) in _clash_cases(tmp_path).items():
        r = dc1("batch", "run", str(inp), "--out", str(out), "--journal", str(journal), *extra)
        assert r.rc == 2, (name, r)
        assert "Nothing was submitted" in r.err and ("same file" in r.err or "save_dir" in r.err), (name, r.err)
        assert digest(tmp_path / "in.jsonl") == before, name
    assert created(emu, renter) == 0


def test_input_named_like_the_journals_lock_is_refused(emu, renter, tmp_path, dc1):
    inp = tmp_path / "work.lock"
    write_input(inp, 2)
    before = digest(inp)
    r = dc1("batch", "run", str(inp), "--out", str(tmp_path / "o.jsonl"), "--journal", str(tmp_path / "work"))
    assert r.rc == 2 and "lock" in r.err, r
    assert digest(inp) == before and created(emu, renter) == 0


def test_png_input_inside_the_save_dir_is_refused(emu, renter, tmp_path, dc1):
    """A saved image is <save_dir>/<id>.png: a .png input there could be written over."""
    inp = tmp_path / "p1.png"
    write_input(inp, 1)
    before = digest(inp)
    r = dc1("batch", "run", str(inp), "--out", str(tmp_path / "o.jsonl"), "--journal", str(tmp_path / "j"),
            "--save-dir", str(tmp_path))
    assert r.rc == 2 and "save_dir" in r.err, r
    assert digest(inp) == before and created(emu, renter) == 0


def test_status_reads_a_locked_journal(emu, renter, tmp_path, dc1):
    """dc1_batch_status is read-only: it answers while a run holds the journal."""
    write_input(tmp_path / "in.jsonl", 4, marker="SLOW")
    env = base_env(emu, renter["api_key"])
    emu.set_speed(2.0)
    a = argv(tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "j")
    p = subprocess.Popen(a, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while created(emu, renter) < 1 and time.time() < deadline:
            time.sleep(0.05)
        r = dc1("--json", "batch", "status", "--journal", str(tmp_path / "j"))
        assert r.rc == 0, r
        assert r.json()["lines"] == 4
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(30)
        emu.set_speed(20.0)
