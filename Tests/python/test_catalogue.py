"""client.catalogue (and AsyncDC1Client.catalogue) against Tests/fakes/catalogue_server.py,
which answers the catalogue routes with the real server's shapes."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

import dc1

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fakes"))
from catalogue_server import FakeCatalogue  # noqa: E402


@pytest.fixture(scope="module")
def fake():
    with FakeCatalogue() as server:
        yield server


@pytest.fixture()
def cat_client(fake):
    fake.reset()
    with dc1.DC1Client(fake.key, fake.base_url, max_retries=0) as client:
        yield client


def test_models_joined_with_live_providers(cat_client):
    models = cat_client.catalogue.models()
    by_id = {m["model_id"]: m for m in models}
    tiny = by_id["TinyLlama/TinyLlama-1.1B-Chat-v1.0"]
    assert tiny["live_provider_count"] == 2
    assert sorted(p["id"] for p in tiny["live_providers"]) == [7, 9]
    assert tiny["price_halala_per_min"] == 9 and tiny["price_sar_per_min"] == 0.09
    assert by_id["mistralai/Mistral-7B-Instruct-v0.2"]["live_provider_count"] == 0   # cached, not live
    assert [m["model_id"] for m in cat_client.catalogue.models(cached_only=True, arabic=True)] == [
        "ALLaM-AI/ALLaM-7B-Instruct-preview"]


def test_models_without_providers_is_one_request(cat_client, fake):
    models = cat_client.catalogue.models(providers=False)
    assert "live_providers" not in models[0]
    assert fake.requests() == ["GET /api/models"]


def test_model_detail_and_not_found(cat_client):
    m = cat_client.catalogue.model("TinyLlama/TinyLlama-1.1B-Chat-v1.0")
    assert m["availability"]["status"] == "available" and m["price_halala_per_min"] == 9
    with pytest.raises(dc1.NotFoundError):
        cat_client.catalogue.model("nope")
    with pytest.raises(dc1.DC1Error):
        cat_client.catalogue.model("../renters/balance")


def test_templates_and_submit_from_template(cat_client, fake):
    ts = cat_client.catalogue.templates()
    assert [t["id"] for t in ts] == ["llama3-8b", "custom-container"]
    assert ts[0]["estimated_price_halala_per_hour"] == 900
    assert [t["id"] for t in cat_client.catalogue.templates(tag="custom")] == ["custom-container"]
    built = cat_client.catalogue.template_request("llama3-8b", duration_minutes=5, params={"prompt": "Hi"},
                                                  pricing_class="economy")
    req = built["request"]
    assert req["job_type"] == "llm-inference" and req["params"]["prompt"] == "Hi"
    assert req["params"]["max_tokens"] == 512 and req["pricing_class"] == "economy"
    assert "template_id" not in req and built["dropped_params"] == ["stop"]
    job = cat_client.catalogue.submit_template("llama3-8b", duration_minutes=5)
    assert job.id.startswith("job-")
    assert fake.requests()[-1] == "POST /api/jobs/submit"
    with pytest.raises(dc1.ValidationError):
        cat_client.catalogue.template_request("llama3-8b", duration_minutes=99999)


def test_quote_local_and_by_gpu(cat_client, fake):
    q = cat_client.catalogue.quote("llm_inference", minutes=5)
    assert (q["cost_halala"], q["cost_sar"], q["basis"]) == (45, 0.45, "job_type")
    assert fake.requests() == []          # the job-type quote is computed locally
    assert cat_client.catalogue.quote("llm_inference", 10, pricing_class="priority")["cost_halala"] == 108
    assert cat_client.catalogue.quote("image_generation", 3, pricing_class="economy")["cost_halala"] == 27
    g = cat_client.catalogue.quote("llm_inference", 10, gpu_model="rtx4090")
    assert (g["cost_halala"], g["basis"], g["gpu_tier"]) == (17, "gpu", "rtx 4090")
    unknown = cat_client.catalogue.quote("llm_inference", 60, gpu_model="Tesla T4")
    assert unknown["gpu_tier"] is None and unknown["cost_halala"] == 34   # 0.0000247 × 3600 × 375 = 33.3
    with pytest.raises(dc1.ValidationError):
        cat_client.catalogue.quote("mining", 5)


def test_image_registry_checked_only_once_fetched(cat_client, fake):
    bad = {"image_override": "evil/miner:latest", "script": "print(1)"}
    with pytest.raises(dc1.ValidationError) as before:
        cat_client.jobs.submit("custom_container", bad, duration_minutes=1)
    assert before.value.status_code == 400          # the server said so
    assert not any("registry" in r for r in fake.requests())
    images = cat_client.catalogue.images()
    assert {"dc1/general-worker:latest", "ghcr.io/acme/trainer:1.2"} <= {i["image_ref"] for i in images}
    fake.reset()
    with pytest.raises(dc1.ValidationError) as after:
        cat_client.jobs.submit("custom_container", bad, duration_minutes=1)
    assert after.value.document.get("error_code") == "IMAGE_NOT_APPROVED"
    assert "http_status" not in after.value.document
    assert fake.requests() == []                     # refused locally, nothing fetched either
    ok = cat_client.jobs.submit("custom_container", {"image_override": "GHCR.IO/acme/trainer:1.2", "script": "x"},
                                duration_minutes=1)
    assert ok.id and fake.requests() == ["POST /api/jobs/submit"]


def test_usage(cat_client):
    u = cat_client.catalogue.usage()
    assert u["all_time"] == {"total_jobs": 3, "total_halala": 245, "total_sar": 2.45}
    assert u["monthly"][1] == {"month": "2026-10", "jobs": 1, "total_halala": 45, "total_sar": 0.45}
    assert u["v1"]["total_cost_sar"] == 0.12 and u["balance_sar"] == 9.55


def test_usage_bad_key(fake):
    with dc1.DC1Client("dc1-renter-wrong", fake.base_url, max_retries=0) as client:
        with pytest.raises(dc1.AuthError):
            client.catalogue.usage()


def test_lifecycle_and_stream(cat_client):
    page = cat_client.catalogue.lifecycle("job-1-abc", since_sequence=2)
    assert [e["sequence_no"] for e in page["events"]] == [3, 4] and page["next_since_sequence"] == 4
    only = cat_client.catalogue.lifecycle("job-1-abc", event_type="job.submitted")
    assert [e["event_type"] for e in only["events"]] == ["job.submitted"]
    seen = []
    out = cat_client.catalogue.stream_lifecycle("job-drop", seen.append, timeout=20)
    assert [e.get("sequence_no") for e in seen] == [1, 2, 3, 4, None]
    assert seen[-1]["event"] == "end" and seen[0]["event"] == "job.submitted"
    assert out["reconnects"] == 1 and out["ended"] == "end" and out["status"] == "completed"
    stopped = cat_client.catalogue.stream_lifecycle("job-2-abc", lambda e: False, timeout=20)
    assert stopped["ended"] == "stopped" and stopped["events"] == 1


def test_async_catalogue(fake):
    async def main():
        async with dc1.AsyncDC1Client(fake.key, fake.base_url, max_retries=0) as client:
            q = await client.catalogue.quote("vllm_serve", 2)
            models = await client.catalogue.models(providers=False)
            return q, models
    q, models = asyncio.run(main())
    assert q["cost_halala"] == 18 and len(models) == 3
