"""Every call can be ended (issue 22): each kind of long call — a plain request, a submit, a
wait, each stream, a chat, a batch — against an emulator that hangs (or a stream that stays
idle) ends quickly on a real Ctrl-C (sync, main thread) and on task.cancel() (asyncio), and
the emulator's request counters stop growing afterwards: nothing keeps running in C.
(``iter_logs`` runs its stream on a helper thread: leaving it ends that thread's call.)"""
from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time

import pytest

import dc1
from _helpers import counters, fault

# How each kind of call is made, for the child process (sync) and the async client. The
# child gets the job id and a scratch folder as arguments.
SYNC_CALLS = {
    "request": "c.jobs.get(job_id)",
    "submit": "c.jobs.submit('llm_inference', {'prompt': 'hi'}, duration_minutes=1)",
    "wait": "c.jobs.wait(job_id, timeout=120)",
    "stream_logs": "c.jobs.stream_logs(job_id, timeout=120)",
    "stream_status": "c.jobs.stream_status(job_id, timeout=120)",
    "stream_lifecycle": "c.catalogue.stream_lifecycle(job_id, timeout=120)",
    "iter_logs": "list(c.jobs.iter_logs(job_id, timeout=120))",
    "chat": "c.chat([{'role': 'user', 'content': 'hi'}], model='qwen3:8b', timeout=120)",
    "chat_stream": ("c.chat([{'role': 'user', 'content': 'hi'}], model='qwen3:8b', timeout=120, "
                    "stream=True, on_token=lambda t: None)"),
    "batch": "c.batch.run(BATCH, journal=os.path.join(scratch, 'journal'), concurrency=2)",
}

CHILD = """
import os, sys, time
import dc1
kind, job_id, scratch = sys.argv[1], sys.argv[2], sys.argv[3]
BATCH = [{"job_type": "llm_inference", "duration_minutes": 1, "params": {"prompt": "SLOW batch %d" % i}}
         for i in range(3)]
c = dc1.DC1Client(timeout=120)
print("calling", flush=True)
try:
    CALL
    print("returned", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    time.sleep(3)   # stays alive: a call still running in C would still be sending requests
"""

HANG = 1000  # ms: each hung request is dropped after this, so a call that kept going would retry


def _hang(emu, kind):
    """Makes the emulator hang the requests of ``kind`` (the idle streams need no fault)."""
    if kind == "submit":
        fault(emu, "/api/jobs/submit", method="POST", count=100, action="hang", delay_ms=HANG)
    elif kind in ("chat", "chat_stream"):
        # A streamed chat is not retried: the request must still hang when Ctrl-C comes.
        fault(emu, "/v1/chat/completions", method="POST", count=100, action="hang",
              delay_ms=HANG if kind == "chat" else 10 * HANG)
    elif not kind.endswith("_idle"):
        fault(emu, "/api/jobs/*", method="GET", count=500, action="hang", delay_ms=HANG)


def _seen(emu, kind, job_id):
    """The emulator's count of the requests this kind of call makes."""
    by_path = counters(emu).get("requests_by_path") or {}
    if kind in ("chat", "chat_stream"):
        part = "/v1/"
    elif kind in ("submit", "batch"):
        part = "/api/jobs"
    else:
        part = job_id
    return sum(n for path, n in by_path.items() if part in path)


def _slow_job(emu, api_key):
    with dc1.DC1Client(api_key=api_key, base_url=emu.base_url) as c:
        return c.jobs.submit("llm_inference", {"prompt": "SLOW cancel me"}, duration_minutes=1).id


def _cleanup(emu, api_key):
    emu.clear_faults()
    with dc1.DC1Client(api_key=api_key, base_url=emu.base_url) as c:
        for job in c.jobs.list(limit=50):
            if not job.is_done:
                try:
                    c.jobs.cancel(job.id)
                except dc1.DC1Error:
                    pass


IDLE = ["stream_logs_idle", "stream_status_idle", "stream_lifecycle_idle", "iter_logs_idle"]
SYNC_KINDS = list(SYNC_CALLS) + IDLE


@pytest.mark.parametrize("kind", SYNC_KINDS)
def test_ctrl_c_ends_the_call(kind, emu, env_for, tmp_path):
    env = env_for()
    job_id = _slow_job(emu, env["DC1_API_KEY"])
    code = CHILD.replace("CALL", SYNC_CALLS[kind.replace("_idle", "")])
    _hang(emu, kind)
    try:
        proc = subprocess.Popen([sys.executable, "-c", code, kind, job_id, str(tmp_path)], env=env,
                                cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "calling"
        time.sleep(1.2)  # the call is now inside a hung request (or an idle stream)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        line = proc.stdout.readline().strip()
        took = time.monotonic() - t0
        assert line == "interrupted", line + proc.stderr.read()
        assert took < 1.0, f"{kind}: Ctrl-C took {took:.2f} s"
        time.sleep(0.3)
        before = _seen(emu, kind, job_id)
        time.sleep(1.6)  # the child is still alive, sleeping
        after = _seen(emu, kind, job_id)
        assert after == before, f"{kind}: requests went on after Ctrl-C ({before} -> {after})"
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
    finally:
        _cleanup(emu, env["DC1_API_KEY"])


async def _drain(lines):
    return [line async for line in lines]


ASYNC_CALLS = {
    "request": lambda c, j, d: c.jobs.get(j),
    "submit": lambda c, j, d: c.jobs.submit("llm_inference", {"prompt": "hi"}, duration_minutes=1),
    "wait": lambda c, j, d: c.jobs.wait(j, timeout=120),
    "wait_ready": lambda c, j, d: c.jobs.wait_ready(j, timeout=120),
    "stream_logs": lambda c, j, d: c.jobs.stream_logs(j, timeout=120),
    "stream_status": lambda c, j, d: c.jobs.stream_status(j, timeout=120),
    "stream_lifecycle": lambda c, j, d: c.catalogue.stream_lifecycle(j, timeout=120),
    "iter_logs": lambda c, j, d: _drain(c.jobs.iter_logs(j, timeout=120)),
    "chat": lambda c, j, d: c.chat([{"role": "user", "content": "hi"}], model="qwen3:8b", timeout=120),
    "chat_stream": lambda c, j, d: c.chat([{"role": "user", "content": "hi"}], model="qwen3:8b",
                                          timeout=120, stream=True, on_token=lambda t: None),
    "batch": lambda c, j, d: c.batch.run(
        [{"job_type": "llm_inference", "duration_minutes": 1, "params": {"prompt": f"SLOW async {i}"}}
         for i in range(3)], journal=d / "journal", concurrency=2),
}

ASYNC_KINDS = list(ASYNC_CALLS) + IDLE


@pytest.mark.parametrize("kind", ASYNC_KINDS)
def test_cancelling_the_task_ends_the_call(kind, emu, renter, tmp_path):
    job_id = _slow_job(emu, renter["api_key"])
    call = ASYNC_CALLS[kind.replace("_idle", "")]

    async def main():
        c = dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url, timeout=120)
        try:
            task = asyncio.create_task(call(c, job_id, tmp_path))
            await asyncio.sleep(1.2)
            assert not task.done(), task
            t0 = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # close() waits for the calls still running in C: it returns at once only if the
            # cancelled call really ended.
            await c.close()
            took = time.monotonic() - t0
        finally:
            await c.close(interrupt=True)
        return took

    _hang(emu, kind)
    try:
        took = asyncio.run(main())
        assert took < 1.0, f"{kind}: the C call ran on for {took:.2f} s after task.cancel()"
        before = _seen(emu, kind, job_id)
        time.sleep(1.6)
        after = _seen(emu, kind, job_id)
        assert after == before, f"{kind}: requests went on after the cancel ({before} -> {after})"
    finally:
        _cleanup(emu, renter["api_key"])


def test_a_cancelled_call_leaves_the_client_usable(emu, renter):
    """The stop belongs to the cancelled call alone: the next call on the same client runs."""
    job_id = _slow_job(emu, renter["api_key"])

    async def main():
        async with dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            fault(emu, "/api/jobs/*", method="GET", count=1, action="hang", delay_ms=5000)
            task = asyncio.create_task(c.jobs.get(job_id))
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return (await c.jobs.get(job_id)).status, (await c.jobs.cancel(job_id))["success"]

    try:
        status, cancelled = asyncio.run(main())
        assert status and cancelled
    finally:
        _cleanup(emu, renter["api_key"])


def test_signal_state_is_given_back_after_each_call(env_for, emu):
    """After a main-thread call the SIGINT handler and the wakeup fd are what they were
    before; a call on another thread leaves them alone and runs as before."""
    code = """
import signal, threading, dc1
c = dc1.DC1Client()
before = signal.getsignal(signal.SIGINT)
c.wallet.balance()
assert signal.getsignal(signal.SIGINT) is before
assert signal.set_wakeup_fd(-1) == -1, "the wakeup fd was not restored"
out = {}
t = threading.Thread(target=lambda: out.setdefault("b", c.wallet.balance()))
t.start(); t.join()
print(json.dumps({"ok": bool(out["b"].balance_halala)}))
""".replace("import signal", "import json, signal")
    res = subprocess.run([sys.executable, "-c", code], env=env_for(), capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"ok": True}
