"""One client shared by 8 threads; the asyncio client."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

import dc1
from _helpers import fault


def test_eight_threads_share_one_client(client):
    errors = []
    results = {}
    barrier = threading.Barrier(8)

    def worker(i):
        try:
            barrier.wait(5)
            job = client.jobs.submit("llm_inference", {"prompt": f"thread {i}"},
                                     duration_minutes=1)
            done = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
            for _ in range(5):
                client.wallet.balance()
                client.jobs.status(job.id)
            results[i] = done
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert not errors, errors
    assert len(results) == 8
    assert all(j.status == "completed" and j.result["output"] for j in results.values())
    assert len({j.id for j in results.values()}) == 8


def test_calls_run_in_parallel_gil_released(client, emu):
    # 8 calls each delayed 1 s by the server finish in far less than 8 s:
    # ctypes released the GIL and each call had its own connection.
    fault(emu, "/api/renters/balance", action="delay", count=8, delay_ms=1000)
    t0 = time.monotonic()
    threads = [threading.Thread(target=client.wallet.balance) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    elapsed = time.monotonic() - t0
    assert elapsed < 4, f"8 delayed calls took {elapsed:.1f}s: not parallel"


def test_async_client(emu, renter):
    async def main():
        async with dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            providers = await c.providers.list()
            assert providers
            assert (await c.providers.get(providers[0].id)).id == providers[0].id
            bal = await c.wallet.balance()
            assert bal.balance_halala == 50000 and isinstance(bal.name, str)
            assert "renter" in await c.wallet.me()
            jobs = await asyncio.gather(*[
                c.jobs.submit("llm_inference", {"prompt": f"async {i}"}, duration_minutes=1)
                for i in range(4)])
            done = await asyncio.gather(*[c.jobs.wait(j.id, timeout=60, poll_interval=0.2)
                                          for j in jobs])
            assert all(d.status == "completed" and d.result["output"] for d in done)
            assert (await c.jobs.get(jobs[0].id)).status == "completed"
            assert (await c.jobs.status(jobs[0].id))["terminal"] is True
            assert (await c.jobs.output(jobs[0].id))["kind"] == "text"
            assert len(await c.jobs.list(limit=10)) == 4
            assert "jobs" in await c.jobs.history(limit=2)
            logs = await c.jobs.get_logs(jobs[0].id)
            lines = [l async for l in c.jobs.iter_logs(jobs[1].id, poll_interval=0.1)]
            assert logs and lines
            out = await c.request("GET", "/api/renters/balance")
            assert out["http_status"] == 200
            ran = await c.jobs.run("llm_inference", {"prompt": "async run"},
                                   duration_minutes=1, poll_interval=0.2)
            assert ran.status == "completed"

            # a wait can be cancelled like any task
            slow = await c.jobs.submit("llm_inference", {"prompt": "SLOW async"},
                                       duration_minutes=1)
            task = asyncio.ensure_future(c.jobs.wait(slow.id, timeout=60, poll_interval=0.2))
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            with pytest.raises(dc1.JobTimeoutError):
                await c.jobs.wait(slow.id, timeout=0.5, poll_interval=0.1)
            cancelled = await c.jobs.cancel(slow.id)
            assert cancelled["success"]
            with pytest.raises(dc1.NotFoundError):
                await c.jobs.get("job-0-missing")

            img = await c.jobs.submit("image_generation", {"prompt": "async image"},
                                      duration_minutes=1)
            await c.jobs.wait(img.id, timeout=60, poll_interval=0.2)
            return img

    img = asyncio.run(main())
    assert img.id


def test_async_vllm_wait_ready(emu, renter, tmp_path):
    async def main():
        async with dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            job = await c.jobs.submit("vllm_serve", {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"},
                                      duration_minutes=5)
            ep = await c.jobs.wait_ready(job.id, timeout=60, poll_interval=0.2)
            assert ep.base_url.endswith("/v1")
            await c.jobs.cancel(job.id)
            img = await c.jobs.submit("image_generation", {"prompt": "x"}, duration_minutes=1)
            await c.jobs.wait(img.id, timeout=60, poll_interval=0.2)
            info = await c.jobs.save_image(img.id, tmp_path / "a.png")
            assert info["bytes"] > 0

    asyncio.run(main())


def test_async_client_does_not_block_the_loop(emu, renter):
    fault(emu, "/api/renters/balance", action="delay", count=1, delay_ms=1000)

    async def main():
        async with dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            ticks = 0

            async def ticker():
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.05)
                    ticks += 1

            t = asyncio.ensure_future(ticker())
            await c.wallet.balance()
            t.cancel()
            return ticks

    assert asyncio.run(main()) >= 10
