"""Every error of the C core reaches Python as the right exception."""
from __future__ import annotations

import pickle

import pytest

import dc1
from dc1.errors import error_from_document
from _helpers import fault, llm, new_renter, unused_port


def test_hierarchy_keeps_official_names():
    for cls in (dc1.AuthError, dc1.NotFoundError, dc1.InsufficientBalanceError,
                dc1.RateLimitError, dc1.QuotaExceededError, dc1.ValidationError,
                dc1.ServerError, dc1.ProtocolError, dc1.HTTPError, dc1.NetworkError,
                dc1.RequestTimeoutError, dc1.JobFailedError, dc1.JobCancelledError,
                dc1.NotReadyError, dc1.SubmitUnknownError):
        assert issubclass(cls, dc1.APIError) and issubclass(cls, dc1.DC1Error)
    assert issubclass(dc1.JobTimeoutError, dc1.DC1Error)
    assert issubclass(dc1.NetworkError, ConnectionError)
    e = dc1.APIError("boom", status_code=418, response={"error": "teapot"})
    assert (e.status_code, e.response, str(e)) == (418, {"error": "teapot"}, "boom")
    t = dc1.JobTimeoutError("job-1", 60)
    assert (t.job_id, t.timeout) == ("job-1", 60)
    assert "job-1" in str(t)


def test_unknown_code_is_tolerated():
    exc = error_from_document({"code": "DC1_E_FROM_THE_FUTURE", "rc": -42, "message": "new"})
    assert type(exc) is dc1.LibraryError
    exc = error_from_document({"code": "DC1_E_FROM_THE_FUTURE", "rc": -42, "http_status": 418})
    assert type(exc) is dc1.APIError and exc.status_code == 418
    exc = error_from_document({"rc": -7, "retry_after_ms": 1500})
    assert isinstance(exc, dc1.RateLimitError) and exc.retry_after == 1.5


def test_exceptions_pickle():
    exc = error_from_document({"code": "DC1_E_VALIDATION", "rc": -9, "message": "bad",
                               "http_status": 400, "request_id": "r-1",
                               "fields": [{"field": "x", "message": "y"}],
                               "body": {"error": "Validation failed"}})
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is dc1.ValidationError
    assert back.fields == exc.fields and back.request_id == "r-1" and back.status_code == 400


def test_auth_wrong_key(emu):
    with dc1.DC1Client(api_key="dc1-renter-0000000000000000", base_url=emu.base_url) as c:
        with pytest.raises(dc1.AuthError) as info:
            c.wallet.balance()  # the server's 404 "Renter not found" is an auth failure
        assert info.value.code == "DC1_E_AUTH"
        with pytest.raises(dc1.AuthError) as info:
            c.jobs.submit("llm_inference", {"prompt": "x"}, duration_minutes=1)  # 403
        assert info.value.status_code in (401, 403)
        assert info.value.request_id
        with pytest.raises(dc1.AuthError) as info:
            c.jobs.list()  # 401 on history
        assert info.value.status_code == 401


def test_auth_not_your_job(client, emu):
    job = llm(client, "SLOW mine")
    other = new_renter(emu, 1000)
    with dc1.DC1Client(api_key=other["api_key"], base_url=emu.base_url) as c:
        with pytest.raises(dc1.AuthError) as info:
            c.jobs.get(job.id)
        assert info.value.status_code == 403
    client.jobs.cancel(job.id)


def test_auth_no_key(emu, monkeypatch):
    monkeypatch.delenv("DC1_API_KEY", raising=False)
    with dc1.DC1Client(base_url=emu.base_url) as c:
        with pytest.raises(dc1.AuthError):
            c.wallet.balance()


def test_insufficient_balance(emu):
    poor = new_renter(emu, 5)
    with dc1.DC1Client(api_key=poor["api_key"], base_url=emu.base_url) as c:
        with pytest.raises(dc1.InsufficientBalanceError) as info:
            c.jobs.submit("llm_inference", {"prompt": "x"}, duration_minutes=10)
    exc = info.value
    assert exc.status_code == 402 and exc.http_status == 402
    assert exc.balance_halala == 5
    assert exc.required_halala and exc.required_halala > 5
    assert exc.shortfall_halala == exc.required_halala - 5
    assert exc.request_id


def test_rate_limited_with_retry_after(emu, renter):
    fault(emu, "/api/renters/balance", count=1, status=429, headers={"Retry-After": "42"},
          body={"error": "Rate limit exceeded", "retryAfterSeconds": 42, "retryAfterMs": 42000})
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, max_retries=0) as c:
        with pytest.raises(dc1.RateLimitError) as info:
            c.wallet.balance()
    exc = info.value
    assert type(exc) is dc1.RateLimitError
    assert exc.status_code == 429
    assert exc.retry_after == pytest.approx(42.0)
    assert exc.retry_after_ms == 42000
    assert exc.request_id


def test_quota_exceeded(emu, renter):
    fault(emu, "/api/jobs/submit", method="POST", count=1, status=429,
          body={"error": "Daily job submission quota exceeded", "daily_jobs_limit": 100,
                "submitted_today": 100})
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
        with pytest.raises(dc1.QuotaExceededError) as info:
            c.jobs.submit("llm_inference", {"prompt": "x"}, duration_minutes=1)
    assert info.value.retry_after is None
    assert info.value.response["daily_jobs_limit"] == 100
    assert isinstance(info.value, dc1.RateLimitError)


def test_not_found(client):
    with pytest.raises(dc1.NotFoundError) as info:
        client.jobs.get("job-0-doesnotexist")
    assert info.value.status_code == 404
    assert info.value.response.get("error")
    with pytest.raises(dc1.NotFoundError):
        client.jobs.submit("llm_inference", {"prompt": "x"}, duration_minutes=1,
                           provider_id=987654)


def test_server_validation_fields(emu, renter):
    fields = [{"field": "duration_minutes", "message": "Too big: expected number to be <=1440"}]
    fault(emu, "/api/jobs/submit", method="POST", count=1, status=400,
          body={"error": "Validation failed", "fields": fields})
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
        with pytest.raises(dc1.ValidationError) as info:
            c.jobs.submit("llm_inference", {"prompt": "x"}, duration_minutes=1)
    exc = info.value
    assert exc.status_code == 400
    assert exc.fields == fields
    assert exc.response["error"] == "Validation failed"


def test_network_error_unused_port(renter):
    port = unused_port()
    with dc1.DC1Client(api_key=renter["api_key"], base_url=f"http://127.0.0.1:{port}",
                       max_retries=1, retry_base=0.01, timeout=5) as c:
        with pytest.raises(dc1.NetworkError) as info:
            c.wallet.balance()
    exc = info.value
    assert exc.code == "DC1_E_NETWORK"
    assert exc.status_code == 0 and exc.http_status is None
    assert isinstance(exc, ConnectionError) and isinstance(exc, dc1.APIError)
    assert (exc.attempts or 0) >= 1


def test_server_error(emu, renter):
    fault(emu, "/api/renters/balance", count=1, status=500, body={"error": "Internal"})
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, max_retries=0) as c:
        with pytest.raises(dc1.ServerError) as info:
            c.wallet.balance()
    assert info.value.status_code == 500
    assert info.value.response == {"error": "Internal"}


def test_protocol_error_malformed_json(emu, renter):
    fault(emu, "/api/renters/balance", count=1, action="malformed_json")
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, max_retries=0) as c:
        with pytest.raises(dc1.ProtocolError):
            c.wallet.balance()


def test_unexpected_http_status(emu, renter):
    fault(emu, "/api/renters/balance", count=1, status=409, body={"error": "Conflict"})
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, max_retries=0) as c:
        with pytest.raises(dc1.HTTPError) as info:
            c.wallet.balance()
    assert info.value.status_code == 409


def test_submit_answer_lost_is_never_resubmitted(emu, renter):
    fault(emu, "/api/jobs/submit", method="POST", count=1, action="reset_after")
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
        try:
            job = c.jobs.submit("llm_inference", {"prompt": "lost answer"}, duration_minutes=1)
        except dc1.SubmitUnknownError as exc:
            assert isinstance(exc.candidates, list)
        else:
            assert job.raw.get("reconciled") is True
        # exactly one job exists: the submit was not sent twice
        assert len(c.jobs.list()) == 1


def test_retry_after_503_then_success(emu, renter):
    fault(emu, "/api/renters/balance", count=1, status=503, body={"error": "busy"})
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, retry_base=0.01) as c:
        assert c.wallet.balance().balance_halala == 50000


def test_error_str_has_status_and_request_id(client):
    with pytest.raises(dc1.NotFoundError) as info:
        client.jobs.get("job-0-nothere")
    text = str(info.value)
    assert "HTTP 404" in text and info.value.request_id in text


def test_real_submit_limiter(emu, renter):
    # The emulator's own jobSubmit limiter, shrunk to 2 per 2 s.
    emu.control("POST", "/__emulator/ratelimit",
                {"enabled": True, "limits": {"jobSubmit": 2}, "windows": {"jobSubmit": 2}})
    try:
        with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url,
                           max_retries=0) as strict:
            for i in range(2):
                strict.jobs.submit("llm_inference", {"prompt": f"limit {i}"}, duration_minutes=1)
            with pytest.raises(dc1.RateLimitError) as info:
                strict.jobs.submit("llm_inference", {"prompt": "limit 3"}, duration_minutes=1)
            assert 0 < info.value.retry_after <= 2
            assert info.value.status_code == 429
        # A 429 with Retry-After proves the submit never reached the handler:
        # the default client waits it out and retries.
        with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as patient:
            job = patient.jobs.submit("llm_inference", {"prompt": "after wait"},
                                      duration_minutes=1)
            assert job.id
            assert len(patient.jobs.list()) == 3
    finally:
        emu.control("POST", "/__emulator/ratelimit",
                    {"enabled": False, "limits": {"jobSubmit": 20}, "windows": {"jobSubmit": 60}})


def test_submit_reset_before_the_handler_is_unknown_not_resent(emu, renter):
    fault(emu, "/api/jobs/submit", method="POST", count=1, action="reset_before")
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
        with pytest.raises(dc1.SubmitUnknownError) as info:
            c.jobs.submit("llm_inference", {"prompt": "reset before"}, duration_minutes=1)
        assert info.value.candidates == []
        assert isinstance(info.value, dc1.APIError)
        assert c.jobs.list() == []  # libdc1 did not send it a second time


def test_read_is_retried_after_a_reset(emu, renter):
    fault(emu, "/api/renters/balance", count=1, action="reset_before")
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, retry_base=0.01) as c:
        assert c.wallet.balance().balance_halala == 50000


def test_truncated_body_is_a_protocol_error(emu, renter):
    fault(emu, "/api/renters/balance", count=1, action="truncate")
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, max_retries=0) as c:
        with pytest.raises(dc1.ProtocolError):
            c.wallet.balance()
