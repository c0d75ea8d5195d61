"""One meaning for cost: cost_halala/cost_sar are what the renter was charged (the settled
cost once terminal, the held quote before), quoted_* the quote; money prints without float
noise and with one type."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import dc1

REPO = Path(__file__).resolve().parents[2]


def test_cost_equals_the_balance_change(client):
    before = client.wallet.balance().balance_halala
    job = client.jobs.submit("llm_inference", {"prompt": "hello cost"}, duration_minutes=1)
    assert job.cost_halala == job.quoted_cost_halala > 0        # held quote before the end
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.05)
    assert done.status == "completed"
    after = client.wallet.balance().balance_halala
    assert done.cost_halala == before - after
    assert done.cost_sar == (before - after) / 100
    assert done.quoted_cost_halala == job.quoted_cost_halala


def test_a_cancelled_job_costs_nothing(client):
    before = client.wallet.balance().balance_halala
    job = client.jobs.submit("llm_inference", {"prompt": "SLOW cost"}, duration_minutes=1)
    client.jobs.cancel(job.id)
    now = client.jobs.get(job.id)
    assert now.status == "cancelled" and now.cost_halala == 0 and now.quoted_cost_halala > 0
    assert client.wallet.balance().balance_halala == before


def test_history_rows_use_the_same_meaning(client):
    job = client.jobs.submit("llm_inference", {"prompt": "hello history cost"}, duration_minutes=1)
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.05)
    row = next(j for j in client.jobs.history(limit=5)["jobs"] if j["job_id"] == job.id)
    assert row["cost_halala"] == done.cost_halala and isinstance(row["cost_sar"], float)
    assert row["quoted_cost_halala"] == done.quoted_cost_halala


def test_money_is_a_number_without_float_noise(emu, renter):
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
        emu.control("PATCH", f"/__emulator/renters/{renter['id']}", {"balance_halala": 99999})
        raw = c.request("GET", "/api/renters/balance")
    env = dict(os.environ, DC1_API_KEY=renter["api_key"], DC1_BASE_URL=emu.base_url)
    out = subprocess.run([str(REPO / "build" / "dc1"), "balance", "--json"], env=env,
                         capture_output=True, text=True, timeout=30).stdout
    assert '"balance_sar":999.99' in out and "0000000" not in out, out
    doc = json.loads(out)
    assert isinstance(doc["balance_sar"], float) and isinstance(doc["balance_halala"], int)
    assert raw["http_status"] == 200
