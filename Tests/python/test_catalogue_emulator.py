"""client.catalogue against the emulator, the plain flows; test_catalogue.py covers the edge cases
(also against the emulator)."""
from __future__ import annotations

import pytest

import dc1


def test_models_and_the_providers_that_cache_them(client):
    models = client.catalogue.models()
    assert models and all(isinstance(m.get("price_halala_per_min"), int) for m in models)
    cached = client.catalogue.models(cached_only=True)
    assert cached and all(m["live_provider_count"] >= 1 for m in cached)
    live = {p.id: p for p in client.providers.list(live=True)}
    for m in cached:
        for p in m["live_providers"]:
            assert p["id"] in live and m["model_id"].lower() in [c.lower() for c in live[p["id"]].cached_models]
    one = client.catalogue.model(models[0]["model_id"])
    assert one["model_id"] == models[0]["model_id"]


def test_registry_then_local_refusal(client):
    refs = {i["image_ref"] for i in client.catalogue.images()}
    assert "dc1/general-worker:latest" in refs
    with pytest.raises(dc1.ValidationError) as exc:
        client.jobs.submit("custom_container", {"image_override": "evil/miner:latest", "script": "print(1)"},
                           duration_minutes=1)
    assert exc.value.document.get("error_code") == "IMAGE_NOT_APPROVED"
    assert "http_status" not in exc.value.document


def test_the_quote_is_what_submit_charges(client):
    provider = client.providers.list(live=True)[0]
    q = client.catalogue.quote("llm_inference", 3, gpu_model=provider.gpu_model)
    job = client.jobs.submit("llm_inference", {"prompt": "Hi"}, provider_id=provider.id, duration_minutes=3)
    assert job.cost_halala == q["cost_halala"], (q, job)


def test_template_submit_lifecycle_and_usage(client):
    ids = [t["id"] for t in client.catalogue.templates()]
    assert ids
    tpl = next(t for t in client.catalogue.templates() if t["job_type"] == "llm_inference")
    job = client.catalogue.submit_template(tpl["id"], duration_minutes=1, params={"prompt": "Hello"})
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    assert done.status == "completed"
    page = client.catalogue.lifecycle(job.id)
    assert page["events"][0]["event_type"] == "job.submitted"
    events = []
    out = client.catalogue.stream_lifecycle(job.id, events.append, timeout=30)
    assert out["ended"] == "end" and events[-1]["event"] == "end"
    assert [e["sequence_no"] for e in events[:-1]] == [e["sequence_no"] for e in page["events"]]
    usage = client.catalogue.usage()
    assert usage["all_time"]["total_jobs"] >= 1 and isinstance(usage["all_time"]["total_sar"], (int, float))
