"""Waiting lives in the core (dc1_job_watch): the sync and async waits, Ctrl-C, task
cancellation and the two timeouts, as a user meets them."""
from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

import pytest

import dc1
from _helpers import counters, fault


def _requests_to(emu, job_id: str) -> int:
    """How many requests the emulator saw for this job's routes."""
    reqs = counters(emu).get("requests") or {}
    return sum(n for route, n in reqs.items() if job_id in route or "/api/jobs/" in route)


def test_sync_wait_rides_out_six_503s(client, emu):
    job = client.jobs.submit("llm_inference", {"prompt": "hello 503"}, duration_minutes=1)
    fault(emu, "/api/jobs/*", count=6, action="status", status=503)
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.05)
    assert done.status == "completed"


def test_async_wait_rides_out_six_503s(emu, renter):
    async def main():
        async with dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            job = await c.jobs.submit("llm_inference", {"prompt": "hello async 503"}, duration_minutes=1)
            fault(emu, "/api/jobs/*", count=6, action="status", status=503)
            return await c.jobs.wait(job.id, timeout=60, poll_interval=0.05)

    assert asyncio.run(main()).status == "completed"


def test_wait_timeout_is_job_timeout_error_with_the_last_state(client):
    job = client.jobs.submit("llm_inference", {"prompt": "SLOW timeout"}, duration_minutes=1)
    try:
        with pytest.raises(dc1.JobTimeoutError) as info:
            client.jobs.wait(job.id, timeout=0.5, poll_interval=0.1)
        err = info.value
        assert err.code == "DC1_E_WAIT_TIMEOUT"
        assert err.job_id == job.id and err.timeout == 0.5
        assert isinstance(err.job, dc1.Job) and err.job.status
        assert not isinstance(err, dc1.RequestTimeoutError)
    finally:
        client.jobs.cancel(job.id)


def test_hung_request_is_request_timeout_error(emu, renter):
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, timeout=0.5,
                       max_retries=0) as c:
        job = c.jobs.submit("llm_inference", {"prompt": "hello hang"}, duration_minutes=1)
        fault(emu, "/api/jobs/*", count=1, action="hang", delay_ms=3000)
        with pytest.raises(dc1.RequestTimeoutError) as info:
            c.jobs.get(job.id)
        assert info.value.code == "DC1_E_TIMEOUT"
        assert not isinstance(info.value, dc1.JobTimeoutError)


def test_watch_reports_events(client):
    job = client.jobs.submit("llm_inference", {"prompt": "hello events"}, duration_minutes=1)
    events = []
    doc = client.jobs.watch(job.id, events.append, timeout=60, poll_interval=0.05)
    assert doc["status"] == "completed" and doc["mode"] == "terminal"
    statuses = [e["status"] for e in events if e["type"] == "status"]
    assert statuses and statuses[-1] == "completed"
    assert {e["type"] for e in events} <= {"status", "tick", "retry"}


def test_watch_callback_false_stops_only_that_call(client):
    job = client.jobs.submit("llm_inference", {"prompt": "SLOW stop me"}, duration_minutes=1)
    try:
        t0 = time.monotonic()
        with pytest.raises(dc1.InterruptedCallError):
            client.jobs.watch(job.id, lambda e: e["type"] != "tick", timeout=60)
        assert time.monotonic() - t0 < 2
        assert client.jobs.get(job.id).status  # the client goes on
    finally:
        client.jobs.cancel(job.id)


def test_ctrl_c_on_a_fresh_client_while_the_server_hangs(env_for, tmp_path, emu):
    # The first request of a fresh wait hangs on the server: Ctrl-C must still act within 1 s.
    code = (
        "import dc1, sys, time\n"
        "c = dc1.DC1Client()\n"
        "print('waiting', flush=True)\n"
        "t0 = time.monotonic()\n"
        "try:\n"
        "    c.jobs.wait(sys.argv[1], timeout=60)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted after %.2f s' % (time.monotonic() - t0), flush=True)\n"
    )
    env = env_for()
    with dc1.DC1Client(api_key=env["DC1_API_KEY"], base_url=emu.base_url) as c:
        job = c.jobs.submit("llm_inference", {"prompt": "SLOW ctrl-c hang"}, duration_minutes=1)
    fault(emu, "/api/jobs/*", count=50, action="hang", delay_ms=20000)
    try:
        proc = subprocess.Popen([sys.executable, "-c", code, job.id], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "waiting"
        time.sleep(1.0)  # the wait is now inside a hanging request
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - t0
        assert proc.returncode == 0, err
        assert "interrupted after" in out, out + err
        assert took < 1.0, f"Ctrl-C took {took:.2f} s"
    finally:
        emu.clear_faults()
        with dc1.DC1Client(api_key=env["DC1_API_KEY"], base_url=emu.base_url) as c:
            c.jobs.cancel(job.id)


def test_cancelling_the_task_ends_the_c_call(emu, renter):
    async def main():
        async with dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            job = await c.jobs.submit("llm_inference", {"prompt": "SLOW cancel task"}, duration_minutes=1)
            task = asyncio.create_task(
                c.jobs.wait(job.id, timeout=60, poll_interval=0.05, ready=False))
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(0.6)  # a tick or two for the C call to end
            before = _requests_to(emu, job.id)
            await asyncio.sleep(1.0)
            after = _requests_to(emu, job.id)
            await c.jobs.cancel(job.id)
            return before, after

    # Polling (not the stream) so a call that kept running would show up as requests.
    fault(emu, "/api/jobs/*/stream", count=1, action="status", status=404,
          body="<html><body>Cannot GET</body></html>", headers={"Content-Type": "text/html"})
    before, after = asyncio.run(main())
    assert after == before, f"requests kept coming after the task was cancelled ({before} → {after})"
