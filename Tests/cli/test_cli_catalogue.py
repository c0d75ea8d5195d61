"""dc1 models / images / templates / quote / usage / lifecycle against
Tests/fakes/catalogue_server.py (the real server's shapes), since the emulator does not
serve the catalogue routes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DC1, Result

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fakes"))
from catalogue_server import KEY, FakeCatalogue  # noqa: E402


@pytest.fixture(scope="module")
def fake():
    with FakeCatalogue() as server:
        yield server


@pytest.fixture()
def cat(fake):
    fake.reset()

    def run(*args: str, key: str = KEY) -> Result:
        env = {"PATH": "/usr/bin:/bin", "DC1_BASE_URL": fake.base_url, "DC1_API_KEY": key}
        proc = subprocess.run([str(DC1), *args], env=env, capture_output=True, text=True, timeout=60)
        r = Result(list(args), proc)
        assert key not in r.out and key not in r.err, f"the API key was printed: {r!r}"
        return r

    return run


def test_quote_prints_the_cost(cat, fake):
    r = cat("quote", "llm_inference", "--minutes", "5")
    assert r.rc == 0, r
    assert "0.45 SAR (45 halala)" in r.out and "5 min of llm_inference" in r.out
    assert fake.requests() == []                       # computed locally
    j = cat("--json", "quote", "llm_inference", "--minutes", "5").json()
    assert (j["cost_halala"], j["cost_sar"], j["basis"]) == (45, 0.45, "job_type")


def test_quote_by_gpu_and_pricing_class(cat):
    r = cat("quote", "training", "--duration", "60", "--gpu", "h100", "--pricing-class", "priority")
    assert r.rc == 0 and "8.51 SAR (851 halala)" in r.out, r
    assert cat("--json", "quote", "llm_inference", "--minutes", "10", "--gpu", "RTX 4090").json()["cost_halala"] == 17


def test_quote_bad_job_type(cat):
    r = cat("quote", "mining", "--minutes", "5")
    assert r.rc != 0 and "job_type" in r.err, r


def test_models_table_and_json(cat):
    r = cat("models")
    assert r.rc == 0, r
    tiny = next(line for line in r.out.splitlines() if line.startswith("TinyLlama/"))
    assert "9 halala" in tiny and "Riyadh Node A (7)" in tiny and "Dammam Node C (9)" in tiny
    assert "Jeddah" not in r.out                       # not live
    j = cat("--json", "models", "--cached", "--arabic").json()
    assert [m["model_id"] for m in j["models"]] == ["ALLaM-AI/ALLaM-7B-Instruct-preview"]
    one = cat("--json", "models", "--no-providers").json()
    assert one["providers_joined"] is False and one["total"] == 3


def test_images(cat):
    r = cat("images")
    assert r.rc == 0 and "ghcr.io/acme/trainer:1.2" in r.out and "6 approved images" in r.out, r
    assert cat("--json", "images").json()["total"] == 6


def test_templates_list_show_and_submit(cat, fake):
    r = cat("templates")
    assert r.rc == 0 and "llama3-8b" in r.out and "9.00 SAR/h" in r.out, r
    assert [t["id"] for t in cat("--json", "templates", "--tag", "custom").json()["templates"]] == ["custom-container"]
    show = cat("--json", "templates", "llama3-8b", "--prompt", "Hi", "max_tokens=64", "--duration", "2").json()
    assert show["request"]["params"]["prompt"] == "Hi" and show["request"]["params"]["max_tokens"] == 64
    assert show["quote"]["cost_halala"] == 18
    assert not any(x.startswith("POST") for x in fake.requests())
    sub = cat("templates", "llama3-8b", "--submit", "--duration", "2")
    assert sub.rc == 0 and sub.out.startswith("Submitted job-"), sub
    assert fake.requests()[-1] == "POST /api/jobs/submit"
    assert cat("templates", "nope").rc != 0


def test_usage(cat):
    r = cat("usage")
    assert r.rc == 0, r
    assert "2.45 SAR (245 halala) over 3 completed jobs" in r.out and "2026-10" in r.out
    assert cat("--json", "usage").json()["all_time"]["total_sar"] == 2.45
    bad = cat("usage", key="dc1-renter-wrong")
    assert bad.rc != 0 and "DC1_API_KEY" in bad.err, bad


def test_lifecycle(cat):
    r = cat("lifecycle", "job-1-x", "--since", "1", "--limit", "2")
    assert r.rc == 0 and "job.status.changed" in r.out and "--since 3" in r.out, r
    assert [e["sequence_no"] for e in cat("--json", "lifecycle", "job-1-x").json()["events"]] == [1, 2, 3, 4]


def test_help_lists_the_commands(cat):
    r = cat("--help")
    for name in ("models", "images", "templates", "quote", "usage", "lifecycle"):
        assert f"  {name} " in r.out


def test_against_the_emulator_quote_matches_the_charge(dc1, emu):
    """On the emulator: the quote for a provider's GPU is what a submit pinned to that
    provider is charged; the catalogue commands work on it."""
    provider = dc1("--json", "providers", "--live").json()["providers"][0]
    q = dc1("--json", "quote", "llm_inference", "--minutes", "2", "--gpu", provider["gpu_model"]).json()
    sub = dc1("--json", "submit", "llm_inference", "--prompt", "Hi", "--duration", "2",
              "--provider", str(provider["id"])).json()
    assert sub["job"]["cost_halala"] == q["cost_halala"]
    for args in (["models", "--cached"], ["images"], ["templates"], ["usage"], ["lifecycle", sub["job"]["job_id"]]):
        r = dc1(*args)
        assert r.rc == 0, r
