"""client.catalogue (and AsyncDC1Client.catalogue) against the emulator, edge cases included:
case-insensitive cached models, providers listed but not live, the Arabic filter, templates with
a parameter submit cannot carry, local quotes, the image registry, usage and a lifecycle stream
that drops and resumes. test_catalogue_emulator.py covers the plain flows."""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest

import dc1

TINY = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"
ALLAM = "ALLaM-AI/ALLaM-7B-Instruct-preview"
MISTRAL = "mistralai/Mistral-7B-Instruct-v0.2"
PROVIDER_FIELDS = ("cached_models", "live", "status", "heartbeat_age_s")


@pytest.fixture(scope="module")
def fleet(emu):
    """Riyadh (1) caches TinyLlama and ALLaM, spelled in lower case; Jeddah (2) caches Mistral and
    is listed but not live; Dammam (3) caches TinyLlama. Put back as it was afterwards."""
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


@pytest.fixture()
def cat_client(emu, renter):
    with dc1.DC1Client(renter["api_key"], emu.base_url, max_retries=0) as client:
        yield client


def test_models_joined_with_live_providers(cat_client, fleet):
    models = cat_client.catalogue.models()
    by_id = {m["model_id"]: m for m in models}
    tiny = by_id[TINY]
    assert tiny["live_provider_count"] == 2
    assert sorted(p["id"] for p in tiny["live_providers"]) == [1, 3]
    assert tiny["price_halala_per_min"] == 3 and tiny["price_sar_per_min"] == 0.03
    assert by_id[ALLAM]["live_provider_count"] == 1                 # matched case-insensitively
    assert by_id[MISTRAL]["live_provider_count"] == 0               # cached, but not live
    assert [m["model_id"] for m in cat_client.catalogue.models(cached_only=True, arabic=True)] == [ALLAM]


def test_models_without_providers_is_one_request(cat_client, seen):
    models = cat_client.catalogue.models(providers=False)
    assert "live_providers" not in models[0]
    assert seen() == {"GET /api/models": 1}


def test_model_detail_and_not_found(cat_client):
    m = cat_client.catalogue.model(TINY)
    assert m["availability"]["status"] == "available" and m["price_halala_per_min"] == 3
    with pytest.raises(dc1.NotFoundError):
        cat_client.catalogue.model("nope")
    with pytest.raises(dc1.DC1Error):
        cat_client.catalogue.model("../renters/balance")


def test_templates_and_submit_from_template(cat_client, seen):
    ts = cat_client.catalogue.templates()
    assert [t["sort_order"] for t in ts] == sorted(t["sort_order"] for t in ts)
    llm = next(t for t in ts if t["id"] == "llm-inference")
    assert llm["estimated_price_halala_per_hour"] == 540
    assert [t["id"] for t in cat_client.catalogue.templates(tag="bring-your-own")] == ["custom-container"]
    built = cat_client.catalogue.template_request("llm-inference", duration_minutes=5, params={"prompt": "Hi"},
                                                  pricing_class="economy")
    req = built["request"]
    assert req["job_type"] == "llm_inference" and req["params"]["prompt"] == "Hi"
    assert req["params"]["max_tokens"] == 256 and req["pricing_class"] == "economy"
    assert "template_id" not in req and built["dropped_params"] == ["stop"]     # a list: submit refuses those
    before = seen().get("POST /api/jobs/submit", 0)
    job = cat_client.catalogue.submit_template("llm-inference", duration_minutes=5)
    assert job.id.startswith("job-")
    assert seen()["POST /api/jobs/submit"] == before + 1
    with pytest.raises(dc1.ValidationError):
        cat_client.catalogue.template_request("llm-inference", duration_minutes=99999)


def test_quote_local_and_by_gpu(cat_client, seen):
    q = cat_client.catalogue.quote("llm_inference", minutes=5, placement="global_queue")
    assert (q["cost_halala"], q["cost_sar"], q["basis"]) == (45, 0.45, "job_type")
    assert seen() == {}                   # the job-type quote is computed locally
    gq = "global_queue"
    assert cat_client.catalogue.quote("llm_inference", 10, pricing_class="priority", placement=gq)["cost_halala"] == 108
    assert cat_client.catalogue.quote("image_generation", 3, pricing_class="economy", placement=gq)["cost_halala"] == 27
    auto = cat_client.catalogue.quote("llm_inference", 5)   # as submit routes: the live GPUs' range
    assert auto["basis"] == "auto" and auto["options"] and auto["global_queue_cost_halala"] == 45
    assert auto["min_cost_halala"] <= auto["cost_halala"] == auto["max_cost_halala"]
    g = cat_client.catalogue.quote("llm_inference", 10, gpu_model="rtx4090")
    assert (g["cost_halala"], g["basis"], g["gpu_tier"]) == (17, "gpu", "rtx 4090")
    unknown = cat_client.catalogue.quote("llm_inference", 60, gpu_model="Tesla T4")
    assert unknown["cost_halala"] == 34      # the server's default rate: 0.0000247 × 3600 × 375 = 33.3
    with pytest.raises(dc1.ValidationError):
        cat_client.catalogue.quote("mining", 5)


def test_image_registry_checked_only_once_fetched(cat_client, seen):
    bad = {"image_override": "evil/miner:latest", "script": "print(1)"}
    with pytest.raises(dc1.ValidationError) as before:
        cat_client.jobs.submit("custom_container", bad, duration_minutes=1)
    assert before.value.status_code == 400          # the server said so
    assert "GET /api/containers/registry" not in seen()
    images = cat_client.catalogue.images()
    assert {"dc1/general-worker:latest", "nvcr.io/nvidia/pytorch:24.01-py3"} <= {i["image_ref"] for i in images}
    sent = seen()
    with pytest.raises(dc1.ValidationError) as after:
        cat_client.jobs.submit("custom_container", bad, duration_minutes=1)
    assert after.value.document.get("error_code") == "IMAGE_NOT_APPROVED"
    assert "http_status" not in after.value.document
    assert seen() == sent                             # refused locally, nothing fetched either
    ok = cat_client.jobs.submit("custom_container", {"image_override": " nvcr.io/nvidia/pytorch:24.01-py3 ",
                                                     "script": "print(1)"}, duration_minutes=1)
    grew = Counter(seen()) - Counter(sent)
    assert ok.id and dict(grew) == {"POST /api/jobs/submit": 1}


def test_usage(emu, cat_client):
    costs = []
    for i in range(2):
        job = cat_client.jobs.submit("llm_inference", {"prompt": f"usage {i}"}, duration_minutes=1)
        costs.append(cat_client.jobs.wait(job.id, timeout=60, poll_interval=0.2).cost_halala)
    u = cat_client.catalogue.usage()
    assert u["all_time"]["total_jobs"] == 2
    total = u["all_time"]["total_halala"]
    assert u["all_time"]["total_sar"] == total / 100 and 0 < total <= sum(costs)
    month = u["monthly"][0]
    assert month["jobs"] == 2 and month["total_sar"] == month["total_halala"] / 100
    assert u["balance_sar"] == cat_client.wallet.balance().balance_sar
    assert "v1" in u


def test_usage_bad_key(emu):
    with dc1.DC1Client("dcp-renter-" + "0" * 32, emu.base_url, max_retries=0) as client:
        with pytest.raises(dc1.AuthError):
            client.catalogue.usage()


def test_lifecycle_and_stream(emu, cat_client):
    job = cat_client.jobs.submit("llm_inference", {"prompt": "lifecycle"}, duration_minutes=1)
    cat_client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    full = cat_client.catalogue.lifecycle(job.id)
    seqs = [e["sequence_no"] for e in full["events"]]
    assert len(seqs) >= 3 and seqs == sorted(seqs)
    page = cat_client.catalogue.lifecycle(job.id, since_sequence=2)
    assert [e["sequence_no"] for e in page["events"]] == seqs[2:] and page["next_since_sequence"] == seqs[-1]
    only = cat_client.catalogue.lifecycle(job.id, event_type="job.submitted")
    assert [e["event_type"] for e in only["events"]] == ["job.submitted"]
    # The stream closes after its first event once: the client resumes with ?since_sequence=.
    emu.inject_fault(f"/api/jobs/{job.id}/lifecycle/stream", "truncate", method="GET")
    got = []
    out = cat_client.catalogue.stream_lifecycle(job.id, got.append, timeout=20)
    assert [e.get("sequence_no") for e in got] == seqs + [None]
    assert got[-1]["event"] == "end" and got[0]["event"] == "job.submitted"
    assert out["reconnects"] == 1 and out["ended"] == "end" and out["status"] == "completed"
    stopped = cat_client.catalogue.stream_lifecycle(job.id, lambda e: False, timeout=20)
    assert stopped["ended"] == "stopped" and stopped["events"] == 1


def test_async_catalogue(emu, renter):
    async def main():
        async with dc1.AsyncDC1Client(renter["api_key"], emu.base_url, max_retries=0) as client:
            q = await client.catalogue.quote("vllm_serve", 2, placement="global_queue")
            models = await client.catalogue.models(providers=False)
            return q, models
    q, models = asyncio.run(main())
    assert q["cost_halala"] == 18 and len(models) == len(emu_models(emu))


def emu_models(emu):
    import json
    import urllib.request
    with urllib.request.urlopen(emu.base_url + "/api/models", timeout=10) as r:
        return json.load(r)
