"""The surface of the official ``dc1`` Python SDK, as its documentation describes it, works
here unchanged: the same names, signatures, defaults, result shapes and exception classes.

These tests are written for this project. Each one states a documented behaviour of the
official SDK (a name it exports, a default it has, an attribute its objects carry, an
exception it raises) and checks it against the emulator through the public API only, the way
a program written for that SDK would use it."""
from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import dc1
from _helpers import unused_port

# ---------------------------------------------------------------------------
# Names and signatures
# ---------------------------------------------------------------------------


def test_the_documented_names_are_exported():
    for name in ("DC1Client", "Job", "Provider", "Wallet", "DC1Error", "APIError", "AuthError",
                 "JobTimeoutError"):
        assert hasattr(dc1, name), name
    # from dc1 import ... works for each of them
    namespace: dict = {}
    exec("from dc1 import DC1Client, JobTimeoutError, APIError, AuthError, DC1Error", namespace)
    assert namespace["DC1Client"] is dc1.DC1Client


def test_client_takes_the_key_and_base_url_by_keyword(emu, renter):
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as client:
        assert client.providers and client.jobs and client.wallet


def test_wait_keeps_the_documented_defaults():
    # The official SDK waits 300 s, polling every 5 s; code relying on that must see the same.
    params = inspect.signature(dc1.DC1Client.__init__).parameters
    assert list(params)[1:3] == ["api_key", "base_url"]
    from dc1.client import JobsResource

    wait = inspect.signature(JobsResource.wait).parameters
    assert list(wait)[1:4] == ["job_id", "timeout", "poll_interval"]
    assert wait["timeout"].default == 300 and wait["poll_interval"].default == 5
    submit = inspect.signature(JobsResource.submit).parameters
    assert list(submit)[1:3] == ["job_type", "params"]
    assert submit["provider_id"].default is None and submit["priority"].default == 2


def test_exception_classes_nest_as_documented():
    assert issubclass(dc1.APIError, dc1.DC1Error)
    assert issubclass(dc1.AuthError, dc1.APIError)
    assert issubclass(dc1.JobTimeoutError, dc1.DC1Error)
    assert issubclass(dc1.DC1Error, Exception)


# ---------------------------------------------------------------------------
# Result shapes
# ---------------------------------------------------------------------------


def test_providers_carry_the_documented_attributes(client):
    providers = client.providers.list()
    assert providers
    first = providers[0]
    assert isinstance(first, dc1.Provider)
    for attr in ("id", "name", "gpu_model", "vram_gb", "reliability_score"):
        assert getattr(first, attr) is not None, attr
    assert isinstance(first.vram_gb, (int, float))
    big = [p for p in providers if p.vram_gb >= 16]  # filtering on VRAM, as the docs show
    assert big


def test_submit_then_wait_gives_a_completed_job_with_text(client):
    provider = client.providers.list()[0]
    # A model name the catalogue does not list still runs (the server picks its default); this
    # client says so with a warning, which code written for the official SDK never sees fail.
    with pytest.warns(dc1.SubmitCheckWarning):
        job = client.jobs.submit("llm_inference", {"prompt": "compat: say hello", "model": "llama3"},
                                 provider_id=provider.id, duration_minutes=2, priority=2)
    assert isinstance(job, dc1.Job) and job.id and job.status
    done = client.jobs.wait(job.id, timeout=300, poll_interval=1)
    assert done.status == "completed"
    assert isinstance(done.result, dict) and isinstance(done.result.get("output"), str)
    assert done.result["output"]
    assert isinstance(done.execution_time_sec, float) and isinstance(done.cost_sar, float)
    assert done.error is None


def test_get_list_and_cancel(client):
    job = client.jobs.submit("llm_inference", {"prompt": "SLOW compat cancel"}, duration_minutes=1)
    assert client.jobs.get(job.id).id == job.id
    assert job.id in [j.id for j in client.jobs.list()]
    client.jobs.cancel(job.id)
    assert client.jobs.get(job.id).status == "cancelled"


def test_wallet_balance_in_sar(client):
    wallet = client.wallet.balance()
    assert isinstance(wallet, dc1.Wallet)
    assert isinstance(wallet.balance_sar, float) and wallet.balance_sar == 500.0
    assert f"{wallet.balance_sar:.2f}" == "500.00"


def test_a_vllm_wait_returns_the_serving_endpoint(client):
    # The documented way to start a model server: submit vllm_serve, wait, read endpoint_url.
    providers = [p for p in client.providers.list() if p.vram_gb >= 16]
    job = client.jobs.submit("vllm_serve", {"model": "mistralai/Mistral-7B-Instruct-v0.2"},
                             provider_id=providers[0].id, duration_minutes=60, priority=1)
    try:
        served = client.jobs.wait(job.id, timeout=600, poll_interval=1)
        assert served.status in ("running", "completed")
        assert served.result.get("endpoint_url", "").startswith("http")
    finally:
        client.jobs.cancel(job.id)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_a_bad_key_is_an_auth_error(emu):
    with dc1.DC1Client(api_key="dc1-renter-unknown-key", base_url=emu.base_url) as client:
        with pytest.raises(dc1.AuthError):
            client.jobs.list()


def test_an_unknown_job_is_an_api_error_with_status_404(client):
    with pytest.raises(dc1.APIError) as info:
        client.jobs.get("job-0-missing")
    assert info.value.status_code == 404
    assert str(info.value)


def test_a_wait_that_runs_out_is_job_timeout_error(client):
    job = client.jobs.submit("llm_inference", {"prompt": "SLOW compat timeout"}, provider_id=None,
                             duration_minutes=1)
    try:
        with pytest.raises(dc1.JobTimeoutError) as info:
            client.jobs.wait(job.id, timeout=1, poll_interval=1)
        assert info.value.job_id == job.id and info.value.timeout == 1
    finally:
        client.jobs.cancel(job.id)


def test_connection_failures_are_api_errors():
    # An official `except APIError` also catches a server that cannot be reached.
    nobody = f"http://127.0.0.1:{unused_port()}"
    with dc1.DC1Client(api_key="k", base_url=nobody, timeout=2, max_retries=0) as client:
        with pytest.raises(dc1.APIError) as info:
            client.wallet.balance()
    assert info.value.status_code == 0


# ---------------------------------------------------------------------------
# A program of its own, configured the documented way (environment variables)
# ---------------------------------------------------------------------------

PROGRAM = """
import os
import dc1

client = dc1.DC1Client(api_key=os.environ["DC1_API_KEY"])
target = max(client.providers.list(), key=lambda p: p.vram_gb)
job = client.jobs.submit("llm_inference", {"prompt": "one line please"},
                         provider_id=target.id, duration_minutes=2)
finished = client.jobs.wait(job.id)
print("status", finished.status)
print("text", bool(finished.result["output"]))
print("left", round(client.wallet.balance().balance_sar, 2) < 500)
"""


def test_a_program_configured_by_environment(env_for):
    res = subprocess.run([sys.executable, "-c", PROGRAM], env=env_for(), capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split("\n")[:3] == ["status completed", "text True", "left True"]
