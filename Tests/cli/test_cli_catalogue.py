"""dc1 models / images / templates / quote / usage / lifecycle against the emulator, with its
fleet arranged for the edge cases: a model cached under another spelling, a provider listed but
not live, an Arabic model."""
from __future__ import annotations

import json
import urllib.request
from collections import Counter

import pytest

TINY = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"
ALLAM = "ALLaM-AI/ALLaM-7B-Instruct-preview"
MISTRAL = "mistralai/Mistral-7B-Instruct-v0.2"
PROVIDER_FIELDS = ("cached_models", "live", "status", "heartbeat_age_s")


@pytest.fixture(scope="module")
def fleet(emu):
    """Riyadh (1) caches TinyLlama and ALLaM (lower case); Jeddah (2) caches Mistral and is listed
    but not live; Dammam (3) caches TinyLlama. Put back as it was afterwards."""
    before = {p["id"]: {k: p.get(k) for k in PROVIDER_FIELDS}
              for p in emu.control("GET", "/providers")["providers"] if p["id"] in (1, 2, 3)}
    emu.update_provider(1, cached_models=[TINY, ALLAM.lower()])
    emu.update_provider(2, cached_models=[MISTRAL], live=False, status="online", heartbeat_age_s=300)
    emu.update_provider(3, cached_models=[TINY])
    yield
    for pid, fields in before.items():
        emu.update_provider(pid, **{k: v for k, v in fields.items() if v is not None})


@pytest.fixture()
def seen(emu):
    """seen(): the renter-API requests ("METHOD /path?query": n) since the test started."""
    start = Counter(emu.counters()["requests_by_path"])

    def since():
        now = Counter(emu.counters()["requests_by_path"])
        return {k: n for k, n in (now - start).items() if not k.split(" ", 1)[1].startswith("/__emulator")}

    return since


def public(emu, path):
    with urllib.request.urlopen(emu.base_url + path, timeout=10) as r:
        return json.load(r)


def test_quote_prints_the_cost(dc1, seen):
    r = dc1("quote", "llm_inference", "--minutes", "5", "--global-queue")
    assert r.rc == 0, r
    assert "0.45 SAR (45 halala)" in r.out and "5 min of llm_inference" in r.out and "queued globally" in r.out
    assert seen() == {}                       # computed locally
    j = dc1("--json", "quote", "llm_inference", "--minutes", "5", "--global-queue").json()
    assert (j["cost_halala"], j["cost_sar"], j["basis"]) == (45, 0.45, "job_type")


def test_quote_auto_is_what_submit_holds(dc1):
    """Issue 25: the default quote is for the request submit sends (automatic routing): a range
    over the live GPUs, and the amount if queued globally; the held amount falls inside it."""
    q = dc1("--json", "quote", "llm_inference", "--minutes", "3").json()
    assert q["basis"] == "auto" and q["options"] and q["global_queue_cost_halala"] == 27
    r = dc1("quote", "llm_inference", "--minutes", "3")
    assert "Submit holds" in r.out and "if queued globally" in r.out and "(automatic routing)" in r.out
    s = dc1("--json", "submit", "llm_inference", "--prompt", "hi", "--duration", "3").json()
    held = s["job"]["quoted_cost_halala"]
    assert q["min_cost_halala"] <= held <= q["max_cost_halala"] or held == q["global_queue_cost_halala"]
    # Pinned to a provider: exact.
    pid = s["job"]["provider_id"]
    if pid is not None:
        p = dc1("--json", "quote", "llm_inference", "--minutes", "3", "--provider", str(pid)).json()
        s2 = dc1("--json", "submit", "llm_inference", "--prompt", "hi", "--duration", "3", "--provider", str(pid)).json()
        assert p["basis"] == "provider" and p["cost_halala"] == s2["job"]["quoted_cost_halala"]


def test_quote_by_gpu_and_pricing_class(dc1):
    r = dc1("quote", "training", "--duration", "60", "--gpu", "h100", "--pricing-class", "priority")
    assert r.rc == 0 and "8.51 SAR (851 halala)" in r.out, r
    assert dc1("--json", "quote", "llm_inference", "--minutes", "10", "--gpu", "RTX 4090").json()["cost_halala"] == 17


def test_quote_bad_job_type(dc1):
    r = dc1("quote", "mining", "--minutes", "5")
    assert r.rc != 0 and "job_type" in r.err, r


def test_models_table_and_json(dc1, fleet, emu):
    r = dc1("models")
    assert r.rc == 0, r
    tiny = next(line for line in r.out.splitlines() if line.startswith("TinyLlama/"))
    assert "3 halala" in tiny and "Riyadh Node A (1)" in tiny and "Dammam Node C (3)" in tiny
    assert "Jeddah" not in r.out                       # not live
    j = dc1("--json", "models", "--cached", "--arabic").json()
    assert [m["model_id"] for m in j["models"]] == [ALLAM]
    one = dc1("--json", "models", "--no-providers").json()
    assert one["providers_joined"] is False and one["total"] == len(public(emu, "/api/models"))


def test_images(dc1, emu):
    total = public(emu, "/api/containers/registry")["total"]
    r = dc1("images")
    assert r.rc == 0 and "nvcr.io/nvidia/pytorch:24.01-py3" in r.out and f"{total} approved images" in r.out, r
    assert dc1("--json", "images").json()["total"] == total


def test_templates_list_show_and_submit(dc1, seen):
    r = dc1("templates")
    assert r.rc == 0 and "llm-inference" in r.out and "5.40 SAR/h" in r.out, r
    tagged = dc1("--json", "templates", "--tag", "bring-your-own").json()["templates"]
    assert [t["id"] for t in tagged] == ["custom-container"]
    show = dc1("--json", "templates", "llm-inference", "--prompt", "Hi", "max_tokens=64", "--duration", "2").json()
    assert show["request"]["params"]["prompt"] == "Hi" and show["request"]["params"]["max_tokens"] == 64
    assert show["quote"]["basis"] == "auto" and show["quote"]["global_queue_cost_halala"] == 18
    assert not any(k.startswith("POST") for k in seen())
    sub = dc1("templates", "llm-inference", "--submit", "--duration", "2")
    assert sub.rc == 0 and sub.out.startswith("Submitted job-"), sub
    assert seen().get("POST /api/jobs/submit") == 1
    assert dc1("templates", "nope").rc != 0


def test_usage(dc1):
    for i in range(2):
        r = dc1("submit", "llm_inference", "--prompt", f"usage {i}", "--duration", "1", "--wait", timeout=90)
        assert r.rc == 0, r
    j = dc1("--json", "usage").json()
    total = j["all_time"]["total_halala"]
    assert j["all_time"]["total_jobs"] == 2 and j["all_time"]["total_sar"] == total / 100
    r = dc1("usage")
    assert r.rc == 0, r
    assert f"{total / 100:.2f} SAR ({total} halala) over 2 completed jobs" in r.out, r
    assert j["monthly"][0]["month"] in r.out
    bad = dc1("usage", key="dcp-renter-" + "0" * 32)
    assert bad.rc != 0 and "DC1_API_KEY" in bad.err, bad


def test_lifecycle(dc1):
    job = dc1("--json", "submit", "llm_inference", "--prompt", "Hi", "--duration", "1", "--wait",
              timeout=90).json(-1)
    job_id = job.get("job_id") or job.get("id") or job["job"]["job_id"]
    seqs = [e["sequence_no"] for e in dc1("--json", "lifecycle", job_id).json()["events"]]
    assert len(seqs) >= 4 and seqs == sorted(seqs)
    r = dc1("lifecycle", job_id, "--since", "1", "--limit", "2")
    assert r.rc == 0 and "job.status.changed" in r.out and "--since 3" in r.out, r


def test_help_lists_the_commands(dc1):
    r = dc1("--help")
    for name in ("models", "images", "templates", "quote", "usage", "lifecycle"):
        assert f"  {name} " in r.out


def test_against_the_emulator_quote_matches_the_charge(dc1, emu):
    """The quote for a provider's GPU is what a submit pinned to that provider is charged; the
    catalogue commands work on a real job."""
    provider = dc1("--json", "providers", "--live").json()["providers"][0]
    q = dc1("--json", "quote", "llm_inference", "--minutes", "2", "--gpu", provider["gpu_model"]).json()
    sub = dc1("--json", "submit", "llm_inference", "--prompt", "Hi", "--duration", "2",
              "--provider", str(provider["id"])).json()
    assert sub["job"]["cost_halala"] == q["cost_halala"]
    for args in (["models", "--cached"], ["images"], ["templates"], ["usage"], ["lifecycle", sub["job"]["job_id"]]):
        r = dc1(*args)
        assert r.rc == 0, r


def test_template_suggestion_repeats_the_arguments(dc1):
    """Issue 25: the suggested --submit line keeps what the user gave."""
    r = dc1("templates", "llm-inference", "max_tokens=64", "--prompt", "Hi there", "--duration", "2")
    assert r.rc == 0, r
    assert "Submit it with: dc1 templates llm-inference max_tokens=64 --prompt 'Hi there' --duration 2 --submit" in r.out
