"""Thousands of calls through ctypes with bounded RSS growth.

Every call allocates an out_json document in C that the binding must free with
dc1_free; a missed free, a leaked callback or a leaked error document shows up
here as steady growth."""
from __future__ import annotations

import gc

import dc1
from _helpers import llm, rss_kib

CALLS = 5000
#: Allowed growth over CALLS calls after warm-up. A leak of even 1 KiB per call
#: would be ~5 MiB; allocator noise stays well below this bound.
BOUND_KIB = 4096


def test_rss_bounded_over_thousands_of_calls(client):
    job = llm(client, "memory check")
    client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    # warm up: connection pool, allocator arenas, caches
    for _ in range(300):
        client.jobs.status(job.id)
        client.wallet.balance()
    gc.collect()
    start = rss_kib()
    errors = 0
    for i in range(CALLS):
        if i % 2:
            client.jobs.status(job.id)
        else:
            client.wallet.balance()
        if i % 10 == 0:  # error documents must be freed too
            try:
                client.jobs.get("job-0-missing")
            except dc1.NotFoundError:
                errors += 1
    gc.collect()
    growth = rss_kib() - start
    print(f"\nRSS growth over {CALLS} calls (+{errors} errors): {growth} KiB "
          f"(start {start} KiB, bound {BOUND_KIB} KiB)")
    assert growth < BOUND_KIB, f"RSS grew {growth} KiB over {CALLS} calls"


def test_clients_created_and_freed(emu, renter):
    gc.collect()
    start = rss_kib()
    for _ in range(300):
        with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            c.providers.list(limit=1)
    gc.collect()
    growth = rss_kib() - start
    print(f"\nRSS growth over 300 client lifecycles: {growth} KiB")
    assert growth < BOUND_KIB
