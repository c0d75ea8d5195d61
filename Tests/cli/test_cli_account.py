"""balance, me, providers, history."""
from __future__ import annotations

from _util import submit_json


def test_balance_in_sar_and_halala(dc1):
    r = dc1("balance")
    assert r.rc == 0, r
    assert "Balance:    500.00 SAR (50000 halala)" in r.out
    assert "Available:" in r.out and "Spent:" in r.out


def test_balance_json(dc1):
    r = dc1("--json", "balance")
    assert r.rc == 0, r
    assert len(r.out.splitlines()) == 1
    doc = r.json()
    assert doc["balance_halala"] == 50000 and doc["balance_sar"] == 500


def test_me(dc1, renter):
    r = dc1("me")
    assert r.rc == 0, r
    assert f"(renter {renter['id']})" in r.out and "500.00 SAR" in r.out
    assert dc1("--json", "me").json()["renter"]["id"] == renter["id"]


def test_providers_table(dc1):
    r = dc1("providers")
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert lines[0].split()[:4] == ["ID", "NAME", "GPU", "VRAM"]
    assert "RTX 4090" in r.out and "A100" in r.out
    assert lines[-1].endswith("live")


def test_providers_filters(dc1):
    everything = dc1("--json", "providers").json()["providers"]
    assert len(everything) >= 3

    big = dc1("--json", "providers", "--min-vram", "40").json()["providers"]
    assert big and all(p["vram_gb"] >= 40 for p in big)
    assert len(big) < len(everything)

    rtx = dc1("--json", "providers", "--gpu", "4090").json()["providers"]
    assert rtx and all("4090" in p["gpu_model"] for p in rtx)

    live = dc1("--json", "providers", "--live", "--gpu", "a100", "--min-vram", "20").json()
    assert live["total"] == len(live["providers"]) >= 1
    assert all(p["is_live"] and "A100" in p["gpu_model"] for p in live["providers"])

    none = dc1("providers", "--gpu", "no-such-gpu")
    assert none.rc == 0 and "No providers match." in none.out


def test_history(dc1):
    empty = dc1("history")
    assert empty.rc == 0 and "No jobs yet." in empty.out, empty
    first = submit_json(dc1, "llm_inference", "--prompt", "one", "--duration", "1")
    second = submit_json(dc1, "llm_inference", "--prompt", "two", "--duration", "1")
    r = dc1("history")
    assert r.rc == 0, r
    assert r.out.splitlines()[0].split()[:3] == ["JOB", "ID", "TYPE"]
    assert first in r.out and second in r.out and "Balance:" in r.out
    doc = dc1("--json", "history", "--limit", "1").json()
    assert [j["job_id"] for j in doc["jobs"]] == [second]


def test_config_names_each_source_and_never_the_key(dc1, emu, renter):
    r = dc1("config")
    assert r.rc == 0, r
    assert f"API:        {emu.base_url.rstrip('/')} (from DC1_BASE_URL)" in r.out
    assert "API key:    set (from DC1_API_KEY)" in r.out
    assert "Checks:     strict" in r.out
    r = dc1("--base-url", "https://example.test", "--api-key", renter["api_key"], "config")
    assert "API:        https://example.test (from --base-url)" in r.out, r
    assert "API key:    set (from --api-key)" in r.out
    r = dc1("config", key=None)
    assert "API key:    not set" in r.out and "DC1_API_KEY" in r.out
    doc = dc1("--json", "config").json()
    assert doc["base_url_from"] == "environment" and doc["api_key_from"] == "environment"
    assert doc["api_key_set"] is True and "api_key" not in doc
    # nothing was sent: a dead base URL is fine
    assert dc1("--base-url", "http://127.0.0.1:9", "config").rc == 0
