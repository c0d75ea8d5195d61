"""client.jobs: submit, get, status, wait, output, list, cancel, logs, images, vllm."""
from __future__ import annotations

import struct
import time

import pytest

import dc1
from _helpers import counters, fault, llm


def test_submit_returns_a_job(client):
    job = client.jobs.submit("llm_inference", {"prompt": "Hello", "max_tokens": 32},
                             duration_minutes=1)
    assert isinstance(job, dc1.Job)
    assert job.id.startswith("job-")
    assert job.job_id == job.id
    assert isinstance(job.row_id, int)
    assert job.job_type == "llm_inference"
    assert job.status in ("pending", "queued", "running", "assigned", "completed")
    assert job.duration_minutes == 1
    assert job.cost_halala > 0
    assert job.cost_sar == pytest.approx(job.cost_halala / 100)
    assert job.submitted_at
    assert job.result is None  # not completed yet


def test_submit_priority_int_and_pinned_provider(client):
    provider = client.providers.list()[0]
    job = client.jobs.submit("llm_inference", {"prompt": "pinned"}, provider_id=provider.id,
                             duration_minutes=1, priority=7)
    assert job.provider_id in (provider.id, None)
    assert str(job.raw.get("priority")) == "7"
    job2 = client.jobs.submit("llm_inference", {"prompt": "string priority"},
                              duration_minutes=1, priority="3", pricing_class="economy")
    assert job2.id != job.id


def test_submit_extra_fields_pass_through(client):
    job = client.jobs.submit("llm_inference", {"prompt": "x"}, duration_minutes=0.5,
                             model="TinyLlama/TinyLlama-1.1B-Chat-v1.0", max_duration_seconds=600)
    assert job.model == "TinyLlama/TinyLlama-1.1B-Chat-v1.0"


def test_submit_local_validation_sends_nothing(client, emu):
    before = counters(emu)
    with pytest.raises(dc1.ValidationError) as info:
        client.jobs.submit("llm_inference", {"prompt": ["not", "scalar"]}, duration_minutes=1)
    assert any("params" in f.get("field", "") for f in info.value.fields)
    with pytest.raises(dc1.ValidationError) as info:
        client.jobs.submit("llm_inference", {"prompt": "x"}, duration_minutes=5000)
    assert any("duration_minutes" in f.get("field", "") for f in info.value.fields)
    with pytest.raises(dc1.ValidationError) as info:
        client.jobs.submit("llm_inference", {"prompt": "x"}, duration_minutes=1, webhook_url="x")
    assert info.value.fields
    assert isinstance(info.value, ValueError)
    after = counters(emu)
    assert _submits(after) == _submits(before), "a locally rejected submit reached the server"


def _submits(c):
    """Number of POST /api/jobs/submit the emulator saw (tolerant of the counter layout)."""
    total = 0
    for key, value in _flatten(c):
        if "submit" in key and isinstance(value, int):
            total += value
    return total


def _flatten(obj, prefix=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _flatten(v, f"{prefix}/{k}")
    else:
        yield prefix, obj


def test_get_status_and_wait_completed(client):
    job = llm(client, "Write a haiku about desert computing")
    st = client.jobs.status(job.id)
    assert st["job_id"] == job.id and "terminal" in st
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    assert done.status == "completed"
    assert done.is_done and done.terminal
    assert isinstance(done.result, dict)
    assert isinstance(done.result["output"], str) and done.result["output"]
    assert done.text == done.result["output"]
    assert done.result_type == "text"
    assert done.execution_time_sec is not None and done.execution_time_sec >= 0
    assert done.completed is not None and done.submitted is not None
    # get() of a completed job gives the same result; the output is cached
    again = client.jobs.get(job.id)
    assert again.result["output"] == done.result["output"]
    # integer row id works too
    by_row = client.jobs.get(done.row_id)
    assert by_row.id == done.id
    assert client.jobs.output(job.id)["kind"] == "text"


def test_get_caches_output_of_completed_jobs(client, emu):
    job = llm(client)
    client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    before = counters(emu)
    for _ in range(3):
        assert client.jobs.get(job.id).result["output"]
    after = counters(emu)
    assert _count(after, "output") - _count(before, "output") == 0


def _count(c, needle):
    return sum(v for k, v in _flatten(c) if needle in k and isinstance(v, int))


def test_failed_job(client):
    job = llm(client, "please FAIL now")
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    assert done.status == "failed"
    assert done.is_done
    assert done.error
    assert done.result is None
    with pytest.raises(dc1.JobFailedError) as info:
        done.raise_for_status()
    assert info.value.job_id == job.id
    with pytest.raises(dc1.JobFailedError) as info:
        client.jobs.output(job.id)
    assert info.value.status_code == 410
    assert info.value.reason
    assert info.value.refunded in (True, False)
    with pytest.raises(dc1.JobFailedError):
        client.jobs.run("llm_inference", {"prompt": "FAIL again"}, duration_minutes=1,
                        poll_interval=0.2, timeout=60)


def test_run_returns_completed_job(client):
    job = client.jobs.run("llm_inference", {"prompt": "one call"}, duration_minutes=1,
                          poll_interval=0.2, timeout=60)
    assert job.status == "completed" and job.result["output"]


def test_output_not_ready(client):
    job = llm(client, "SLOW not ready")
    with pytest.raises(dc1.NotReadyError) as info:
        client.jobs.output(job.id)
    assert info.value.status_code == 202
    client.jobs.cancel(job.id)


def test_wait_timeout(client):
    job = llm(client, "SLOW for timeout")
    t0 = time.monotonic()
    with pytest.raises(dc1.JobTimeoutError) as info:
        client.jobs.wait(job.id, timeout=1, poll_interval=0.2)
    assert time.monotonic() - t0 < 5
    exc = info.value
    assert exc.job_id == job.id and exc.timeout == 1
    assert isinstance(exc, TimeoutError)
    assert exc.job is None or not exc.job.is_done
    client.jobs.cancel(job.id)


def test_wait_cancel_on_timeout(client):
    job = llm(client, "SLOW cancel on timeout")
    with pytest.raises(dc1.JobTimeoutError):
        client.jobs.wait(job.id, timeout=1, poll_interval=0.2, cancel_on_timeout=True)
    assert client.jobs.get(job.id).status == "cancelled"


def test_cancel(client):
    before = client.wallet.balance().balance_halala
    job = llm(client, "SLOW to cancel")
    out = client.jobs.cancel(job.id)
    assert out["success"] is True
    assert out["job_id"] == job.id
    assert out["status"] == "cancelled"
    assert client.jobs.get(job.id).status == "cancelled"
    assert client.wallet.balance().balance_halala == before  # refunded
    with pytest.raises(dc1.ValidationError) as info:
        client.jobs.cancel(job.id)  # already cancelled: the server's 400
    assert info.value.status_code == 400
    with pytest.raises(dc1.JobCancelledError):
        client.jobs.output(job.id)
    with pytest.raises(dc1.JobCancelledError):
        client.jobs.get(job.id).raise_for_status()


def test_list_history(client):
    ids = [llm(client, f"history {i}").id for i in range(3)]
    jobs = client.jobs.list(limit=20)
    assert [j.id for j in jobs][:3] == list(reversed(ids))
    assert all(isinstance(j, dc1.Job) for j in jobs)
    assert len(client.jobs.list(limit=2)) == 2
    hist = client.jobs.history(limit=5)
    assert "jobs" in hist and "balance_halala" in hist
    for jid in ids:
        client.jobs.cancel(jid)


def test_logs(client):
    job = llm(client, "log me")
    client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    page = client.jobs.get_logs_page(job.id)
    assert page["job_id"] == job.id
    lines = page["logs"]
    assert lines, "a completed job has log lines"
    assert {"line_no", "level", "message"} <= set(lines[0])
    assert client.jobs.get_logs(job.id) == lines          # the official SDK's shape: the lines
    rest = client.jobs.get_logs(job.id, since=lines[0]["line_no"], limit=1)
    assert all(l["line_no"] > lines[0]["line_no"] for l in rest)
    assert len(rest) <= 1
    assert job.refresh().logs() == lines


def test_iter_logs_follows_until_terminal(client):
    job = llm(client, "follow my log")
    seen = list(client.jobs.iter_logs(job.id, poll_interval=0.2, timeout=60))
    assert seen
    numbers = [l["line_no"] for l in seen]
    assert numbers == sorted(set(numbers)), "lines repeated or out of order"
    assert client.jobs.status(job.id)["terminal"]
    full = client.jobs.get_logs(job.id, limit=1000)
    assert numbers == [l["line_no"] for l in full]


def test_image_job_save_image(client, tmp_path):
    job = client.jobs.submit("image_generation", {"prompt": "a camel at sunset", "width": 256,
                                                  "height": 256}, duration_minutes=1)
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    assert done.status == "completed"
    assert done.result_type == "image"
    assert done.result["image_base64"]
    target = tmp_path / "out.png"
    info = done.save_image(target)
    assert info["path"] == str(target)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert info["bytes"] == len(data)
    width, height = struct.unpack(">II", data[16:24])
    assert (info["width"], info["height"]) == (width, height)
    assert info["truncated"] is False
    # a text job is not an image
    text_job = client.jobs.wait(llm(client).id, timeout=60, poll_interval=0.2)
    with pytest.raises(dc1.ProtocolError):
        client.jobs.save_image(text_job.id, tmp_path / "nope.png")
    with pytest.raises(dc1.FileWriteError):
        client.jobs.save_image(job.id, tmp_path / "missing-dir" / "x.png")


def test_custom_container_result_json(client):
    script = 'import json\nprint("DC1_RESULT_JSON:" + json.dumps({"answer": 42}))'
    job = client.jobs.submit("custom_container", {"script": script}, duration_minutes=1)
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    assert done.status == "completed"
    assert done.result_type in ("json", "raw", "text")
    if done.result_type == "json":
        assert done.result["result_json"] == {"answer": 42}
    assert "output" in done.result


def test_vllm_wait_ready_and_official_wait(client):
    job = client.jobs.submit("vllm_serve", {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"},
                             duration_minutes=5)
    ep = client.jobs.wait_ready(job.id, timeout=60, poll_interval=0.2)
    assert isinstance(ep, dc1.Endpoint)
    assert ep.endpoint_url.startswith("http")
    assert ep.base_url.endswith("/v1")
    assert ep.chat_completions_url == ep.base_url + "/chat/completions"
    assert ep.openai_kwargs()["base_url"] == ep.base_url
    assert ep.job.status == "running"
    # code written for the official SDK: wait() returns the serving job
    serving = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    assert serving.status == "running"
    assert serving.result["endpoint_url"] == ep.endpoint_url
    assert serving.result_type == "endpoint"
    client.jobs.cancel(job.id)
    with pytest.raises(dc1.JobCancelledError):
        client.jobs.wait_ready(job.id, timeout=10, poll_interval=0.2)


def test_job_methods_bound_to_client(client):
    job = llm(client)
    done = job.wait(timeout=60, poll_interval=0.2)
    assert done.refresh().status == "completed"
    assert isinstance(done.iter_logs(poll_interval=0.1, timeout=30).__next__(), dict)
    orphan = dc1.Job.from_api({"job_id": "job-1", "status": "queued"})
    with pytest.raises(RuntimeError):
        orphan.refresh()


def test_job_model_parsing():
    j = dc1.Job.from_api({
        "id": 7, "job_id": "job-7", "status": "completed", "job_type": "llm_inference",
        "submitted_at": "2026-11-29T05:00:00.000Z", "started_at": "2026-11-29 05:00:02",
        "completed_at": "2026-11-29T05:00:12.5Z", "cost_halala": 9, "provider_id": 3,
        "progress_phase": "formatting", "terminal": True, "execution_time_sec": 10.5,
    }, output={"kind": "text", "text": "hi", "job_id": "job-7", "status": "completed"})
    assert j.row_id == 7 and j.id == "job-7"
    assert j.execution_time_sec == pytest.approx(10.5)
    assert j.queue_time_sec == pytest.approx(2.0)
    assert j.result["output"] == "hi" and j.result_type == "text"
    assert j.progress_phase == "formatting"  # raw fallback
    with pytest.raises(AttributeError):
        j.no_such_field
    import pickle

    assert pickle.loads(pickle.dumps(j)).id == "job-7"


def test_wait_rides_out_rate_limits(client, emu):
    # dc1_job_wait follows the status stream and falls back to polling /status;
    # a 429 with Retry-After on either is waited out, not raised.
    job = llm(client)
    for path in (f"/api/jobs/{job.id}/stream", f"/api/jobs/{job.id}/status"):
        fault(emu, path, count=1 if path.endswith("stream") else 2, status=429,
              headers={"Retry-After": "1"}, body={"error": "Rate limit exceeded"})
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
    assert done.status == "completed"
    assert counters(emu)["faults_pending"] == 0


def test_wait_on_vllm_job_that_ended_without_serving(client):
    job = client.jobs.submit("vllm_serve", {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"},
                             duration_minutes=5)
    client.jobs.cancel(job.id)
    ended = client.jobs.wait(job.id, timeout=30, poll_interval=0.2)  # returns, like any wait
    assert ended.status == "cancelled"


def test_job_cancel_and_logs_methods(client):
    job = llm(client, "SLOW bound cancel")
    assert isinstance(job.logs(), list)
    out = job.cancel()
    assert out["success"] and out["job_id"] == job.id
    assert job.refresh().status == "cancelled"


def test_non_dict_params_is_a_type_error_that_says_what_to_pass(client):
    with pytest.raises(TypeError) as info:
        client.jobs.submit("llm_inference", "just a prompt", duration_minutes=1)
    assert "params must be a dict" in str(info.value) and "'prompt'" in str(info.value)


def test_a_wait_is_one_core_call_with_the_output(client, emu):
    # with_output: the wait's own final read of the job carries the output; the binding makes
    # no second read of the job, and a completed job's output is read once per client.
    job = llm(client, "one call")
    before = dict(counters(emu)["requests_by_path"])
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.1)
    assert done.status == "completed" and done.result["output"]
    assert "output" not in done.raw and "output_error" not in done.raw  # raw: the job document
    after = counters(emu)["requests_by_path"]

    def delta(path):
        return after.get(path, 0) - before.get(path, 0)

    # two reads of the job, both the core's: mode "auto" reads it first to learn its type, and
    # the wait reads it once more at the end; the binding adds none (it added a third before)
    assert delta(f"GET /api/jobs/{job.id}") == 2, after
    assert delta(f"GET /api/jobs/{job.id}/output") == 1, after
    again = client.jobs.get(job.id)  # the output is the client's now: one read, of the job
    assert again.result["output"] == done.result["output"]
    assert counters(emu)["requests_by_path"].get(f"GET /api/jobs/{job.id}/output", 0) == after[
        f"GET /api/jobs/{job.id}/output"]


def test_serving_job_output_and_openai_base_url_come_from_the_core(client):
    job = client.jobs.submit("vllm_serve", {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"},
                             duration_minutes=5)
    ep = client.jobs.wait_ready(job.id, timeout=60, poll_interval=0.2)
    assert ep.base_url == ep.job.raw["openai_base_url"]
    assert ep.base_url == ep.endpoint_url.rstrip("/") + ("" if ep.endpoint_url.rstrip("/").endswith("/v1") else "/v1")
    now = client.jobs.get(job.id)  # dc1_job_get_with_output: the serving endpoint as its output
    assert now.result_type == "endpoint" and now.output["openai_base_url"] == ep.base_url
    assert now.base_url == ep.base_url
    client.jobs.cancel(job.id)
    # ready=True is the core's mode "ready": a job that ended without serving raises
    with pytest.raises(dc1.JobCancelledError):
        client.jobs.wait(job.id, timeout=10, poll_interval=0.2, ready=True)


def test_outcome_is_the_cores_reading_of_the_status(client):
    done = client.jobs.wait(llm(client, "outcome ok").id, timeout=60, poll_interval=0.1)
    assert done.outcome == "succeeded" and done.raise_for_status() is done
    bad = client.jobs.wait(llm(client, "please FAIL outcome").id, timeout=60, poll_interval=0.1)
    assert bad.status == "failed" and bad.outcome == "failed"
    with pytest.raises(dc1.JobFailedError):
        bad.raise_for_status()
    slow = llm(client, "SLOW outcome")
    assert client.jobs.get(slow.id).outcome is None
    assert client.jobs.status(slow.id)["outcome"] is None
    client.jobs.cancel(slow.id)
    gone = client.jobs.get(slow.id)
    assert gone.outcome == "cancelled"
    with pytest.raises(dc1.JobCancelledError):
        gone.raise_for_status()
    rows = {j.id: j for j in client.jobs.list(limit=10)}
    assert rows[slow.id].outcome == "cancelled" and rows[done.id].outcome == "succeeded"
