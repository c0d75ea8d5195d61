"""Issue 25 from Python: the official-SDK-compatible submit warns (it never starts refusing
what the official SDK sent), "strict" refuses with nothing sent, and advice names Python's own
options."""
from __future__ import annotations

import warnings

import pytest

import dc1


def created(emu, renter):
    return emu.counters()["jobs_created_by_renter"].get(str(renter["id"]), 0)


def test_official_usage_with_an_uncatalogued_model_runs_with_a_warning(client, emu, renter):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        job = client.jobs.submit("llm_inference", {"prompt": "hi", "model": "llama3", "max_tokens": "abc"},
                                 duration_minutes=1)
    assert created(emu, renter) == 1
    found = [w for w in seen if issubclass(w.category, dc1.SubmitCheckWarning)]
    assert {str(w.message).split(":")[1].strip() for w in found} == {"params.max_tokens", "params.model"}
    assert "did you mean" in str([w.message for w in found]) or "llama3" in str([w.message for w in found])
    assert {w["field"] for w in job.check_warnings} == {"params.model", "params.max_tokens"}


def test_strict_refuses_and_sends_nothing(client, emu, renter):
    with pytest.raises(dc1.ValidationError) as info:
        client.jobs.submit("llm_inference", {"prompt": "hi", "model": "TinyLama/TinyLlama-1.1B-Chat-v1.0"},
                           duration_minutes=1, check="strict")
    assert "TinyLlama/TinyLlama-1.1B-Chat-v1.0" in str(info.value)
    assert [f["field"] for f in info.value.fields] == ["params.model"]
    assert created(emu, renter) == 0


def test_a_catalogued_model_gives_no_warning(client, emu, renter):
    with warnings.catch_warnings():
        warnings.simplefilter("error", dc1.SubmitCheckWarning)
        job = client.jobs.submit("llm_inference", {"prompt": "hi", "model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"},
                                 duration_minutes=1)
    assert job.check_warnings == []


def test_advice_names_python_options(emu):
    with dc1.DC1Client(api_key="", base_url=emu.base_url, logger=False) as c:
        with pytest.raises(dc1.AuthError) as info:
            c.wallet.balance()
    assert "api_key=" in str(info.value) and "api_key option" not in str(info.value)


def test_provider_get_is_the_core_call(client, emu):
    one = client.providers.list()[0]
    assert client.providers.get(one.id).id == one.id
    with pytest.raises(dc1.NotFoundError):
        client.providers.get(99999999)
