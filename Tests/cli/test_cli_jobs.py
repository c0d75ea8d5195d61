"""submit (each job type of the guide), status, wait, output, logs, cancel."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess

from conftest import DC1, base_env
from _util import PNG_SIGNATURE, slow_job, submit_json, wait_status

SCRIPT = '''import json
print("hello from the container")
print("DC1_RESULT_JSON:" + json.dumps({"answer": 42, "ok": True}))
'''


def test_submit_llm_wait_prints_the_text(dc1):
    r = dc1("submit", "llm_inference", "--prompt", "Write a haiku about desert computing",
            "max_tokens=64", "--wait")
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert lines[0].startswith("Submitted job-") and "(llm_inference)" in lines[0] and "halala" in lines[0]
    assert "Write a haiku about desert computing" in r.out      # the emulator echoes the prompt
    # Not a terminal: plain progress lines on stderr, then the cost.
    assert "status: completed (" in r.err
    assert lines[1].startswith("Completed in ") and " · cost " in lines[1] and "halala" in lines[1]


def test_submit_params_are_typed(dc1, emu):
    job_id = submit_json(dc1, "llm_inference", "--prompt", "42", "max_tokens=64", "temperature=0.5",
                         "stream=false", "label=abc", "code=007", "--model", "microsoft/phi-2", "--no-check")
    row = emu.store.q1("SELECT e.params FROM emu_job e JOIN jobs j ON j.id = e.job_pk WHERE j.job_id = ?",
                       job_id)
    params = json.loads(row["params"])
    assert params["prompt"] == "42"                 # --prompt is always a string
    assert params["max_tokens"] == 64 and params["temperature"] == 0.5
    assert params["stream"] is False and params["label"] == "abc" and params["code"] == "007"
    assert params["model"] == "microsoft/phi-2"


def test_submit_json_prints_one_document_per_step(dc1):
    r = dc1("--json", "submit", "llm_inference", "--prompt", "hello", "--wait")
    assert r.rc == 0, r
    submitted, final, output = (json.loads(l) for l in r.out.splitlines())
    job_id = submitted["job"]["job_id"]
    assert final["job_id"] == job_id and final["status"] == "completed" and final["terminal"] is True
    assert output["job_id"] == job_id and output["kind"] == "text" and "hello" in output["text"]
    assert r.err == ""


def test_image_generation_saved_as_png(dc1, tmp_path):
    path = tmp_path / "camel.png"
    r = dc1("submit", "image_generation", "--prompt", "A camel caravan at sunset", "steps=20",
            "--wait", "--save", str(path))
    assert r.rc == 0, r
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 1000
    assert f"Saved image 512×512 png to {path} ({len(data)} bytes)" in r.out
    assert not list(tmp_path.glob("*.dc1tmp*"))


def test_output_of_an_image(dc1, tmp_path):
    job_id = submit_json(dc1, "image_generation", "--prompt", "a palm tree")
    assert dc1("wait", job_id).rc == 0
    r = dc1("output", job_id)
    assert r.rc == 0 and "--save" in r.out and "iVBOR" not in r.out, r
    path = tmp_path / "palm.png"
    r = dc1("--json", "output", job_id, "--save", str(path))
    assert r.rc == 0, r
    doc = r.json()
    assert doc["path"] == str(path) and doc["bytes"] == path.stat().st_size and doc["kind"] == "image"
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_custom_container_script_result_json(dc1, tmp_path):
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    r = dc1("submit", "custom_container", "--script", str(script), "--duration", "2", "--wait")
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert "hello from the container" in lines
    assert json.loads(lines[-1]) == {"answer": 42, "ok": True}
    assert "warning" not in r.err                  # the file's last newline is not reported


def test_custom_container_script_from_stdin_and_json(dc1):
    r = dc1("--json", "submit", "custom_container", "--script", "-", "--wait", input=SCRIPT)
    assert r.rc == 0, r
    assert r.json(2)["result_json"] == {"answer": 42, "ok": True}


def test_missing_script_file_exits_2(dc1, tmp_path):
    r = dc1("submit", "custom_container", "--script", str(tmp_path / "nope.py"))
    assert r.rc == 2 and "cannot open" in r.err, r


def test_status_wait_and_output(dc1):
    job_id = submit_json(dc1, "llm_inference", "--prompt", "status please")
    r = dc1("wait", job_id)
    assert r.rc == 0, r
    assert f"Job {job_id} completed" in r.out and "halala" in r.out
    r = dc1("status", job_id)
    assert r.rc == 0, r
    assert r.out.splitlines()[0].split() == [job_id, "llm_inference", "completed"]
    assert "cost:" in r.out and "submitted:" in r.out
    doc = dc1("--json", "status", job_id).json()
    assert doc["job_id"] == job_id and doc["status"] == "completed" and "result" not in doc
    r = dc1("output", job_id)
    assert r.rc == 0 and "status please" in r.out, r
    assert dc1("--json", "wait", job_id).json()["status"] == "completed"


def test_failed_job_exits_9(dc1):
    r = dc1("submit", "llm_inference", "--prompt", "please FAIL", "--wait")
    assert r.rc == 9, r
    assert "failed" in r.err
    job_id = r.out.split()[1]
    assert dc1("wait", job_id).rc == 9
    assert dc1("output", job_id).rc == 9
    doc = dc1("--json", "wait", job_id).json()
    assert doc["code"] == "DC1_E_JOB_FAILED" and doc["job"]["status"] == "failed"


def test_logs_and_since(dc1):
    job_id = submit_json(dc1, "llm_inference", "--prompt", "log me")
    assert dc1("wait", job_id).rc == 0
    r = dc1("logs", job_id)
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert len(lines) >= 3 and any("picked up by provider" in l for l in lines)
    assert all(" info " in l or " warn " in l or " error" in l or " debug" in l for l in lines)
    later = dc1("logs", job_id, "--since", "2")
    assert later.out.splitlines() == lines[2:]
    doc = dc1("--json", "logs", job_id).json()
    assert doc["job_id"] == job_id and len(doc["logs"]) == len(lines)


def test_logs_follow_until_the_job_ends(dc1):
    job_id = submit_json(dc1, "llm_inference", "--prompt", "follow me")
    r = dc1("logs", "-f", job_id, timeout=20)
    assert r.rc == 0, r
    assert "Generated" in r.out.splitlines()[-1]
    assert f"(job {job_id} is completed; no more logs)" in r.err and "dc1:" not in r.err
    assert r.out == dc1("logs", job_id).out        # every line exactly once


def test_cancel_a_slow_job(dc1):
    job_id = slow_job(dc1)
    r = dc1("output", job_id)
    assert r.rc == 10, r                            # no output yet
    r = dc1("wait", job_id, "--timeout", "0.5")
    assert r.rc == 7 and "did not finish" in r.err, r
    r = dc1("cancel", job_id)
    assert r.rc == 0, r
    assert r.out.startswith(f"Cancelled {job_id}") and "refunded" in r.out
    assert wait_status(dc1, job_id, {"cancelled"})["status"] == "cancelled"
    assert dc1("wait", job_id).rc == 9
    r = dc1("cancel", job_id)
    assert r.rc == 2 and "cancel" in r.err.lower(), r


def test_progress_on_a_terminal_is_a_spinner(emu, dc1, renter):
    """With stderr on a terminal, waiting redraws one line with \\r (and clears it at the end)."""
    job_id = slow_job(dc1)
    master, slave = pty.openpty()
    try:
        env = dict(base_env(emu, renter["api_key"]), TERM="xterm")
        proc = subprocess.Popen([str(DC1), "wait", job_id, "--timeout", "1.2"], env=env,
                                stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        while select.select([master], [], [], 5)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:                         # EIO once the child has closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=5) == 7
        text = seen.decode("utf-8", "replace")
        assert "· running (" in text                       # the status change, on its own line
        assert text.count("\r\x1b[K") >= 5                 # the spinner line, redrawn
        assert any(f in text for f in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏") and job_id in text
        assert "did not finish within" in text.splitlines()[-1]
        assert renter["api_key"] not in text
    finally:
        os.close(master)
        dc1("cancel", job_id)


def test_logs_follow_json(dc1, emu):
    streams = emu.counters()["requests"].get("GET /api/jobs/:id/logs/stream", 0)
    job_id = submit_json(dc1, "llm_inference", "--prompt", "follow me as json")
    r = dc1("--json", "logs", "-f", job_id, timeout=20)
    assert r.rc == 0, r
    events = [json.loads(l) for l in r.out.splitlines()]
    logs = [e for e in events if e["type"] == "log"]
    assert logs and events[-1]["type"] == "end" and events[-1]["status"] == "completed"
    numbers = [e["line_no"] for e in logs]
    assert numbers == sorted(set(numbers))
    # -f follows the SSE log stream (one connection), not a poll loop.
    assert emu.counters()["requests"].get("GET /api/jobs/:id/logs/stream", 0) == streams + 1


def test_logs_follow_falls_back_to_polling(dc1, emu):
    job_id = submit_json(dc1, "llm_inference", "--prompt", "no stream today")
    emu.inject_fault("/api/jobs/*/logs/stream", action="status", status=200, count=1,
                     content_type="application/json", body="{}")
    r = dc1("logs", "-f", job_id, timeout=30)
    assert r.rc == 0, r
    assert r.out == dc1("logs", job_id).out


def test_submit_wait_timeout_names_the_job(dc1):
    r = dc1("submit", "llm_inference", "--prompt", "SLOW and steady", "--duration", "1", "--wait",
            "--timeout", "1")
    assert r.rc == 7, r
    job_id = r.out.split()[1]
    assert f"dc1 wait {job_id}" in r.err
    assert dc1("cancel", job_id).rc == 0


def test_timeout_means_the_wait_wherever_it_stands(dc1):
    import time
    job_id = slow_job(dc1)
    try:
        for args in (("--timeout", "1", "wait", job_id), ("wait", job_id, "--timeout", "1")):
            t0 = time.monotonic()
            r = dc1(*args)
            took = time.monotonic() - t0
            assert r.rc == 7, r                      # the wait's deadline: exit 7
            assert took < 8, f"{args}: {took:.1f} s"
            assert "did not finish within" in r.err
    finally:
        dc1("cancel", job_id)


def test_request_timeout_is_each_call(dc1):
    r = dc1("--request-timeout", "0", "balance")
    assert r.rc == 2 and "--request-timeout" in r.err and "\"0\"" in r.err   # names the bad value
    r = dc1("--request-timeout", "5", "balance")
    assert r.rc == 0, r


def test_submit_without_its_input_is_refused_before_paying(dc1, emu):
    before = emu.counters()["jobs_created"]
    r = dc1("submit", "llm_inference")
    assert r.rc == 1 and "--prompt" in r.err and "nothing was submitted" in r.err, r
    r = dc1("submit", "custom_container")
    assert r.rc == 1 and "--script" in r.err, r
    assert emu.counters()["jobs_created"] == before


def test_output_reports_the_bytes_save_writes(dc1, tmp_path):
    job_id = submit_json(dc1, "image_generation", "--prompt", "a camel", "width=64", "height=64")
    wait_status(dc1, job_id, {"completed"}, timeout=60)
    shown = dc1("output", job_id)
    assert shown.rc == 0, shown
    n = int(shown.out.split("(")[1].split(" bytes")[0])
    saved = dc1("output", job_id, "--save", str(tmp_path / "x.png"))
    assert saved.rc == 0, saved
    assert (tmp_path / "x.png").stat().st_size == n
