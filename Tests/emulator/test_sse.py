"""§8.6 log SSE and §8.7 status SSE."""
import http.client
import json


def read_sse(emu, path, headers=None, timeout=15):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=timeout)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    assert r.status == 200, r.read()
    assert r.headers["Content-Type"] == "text/event-stream"
    assert r.headers["Transfer-Encoding"] == "chunked"
    raw = r.read().decode()
    conn.close()
    events = []
    for block in raw.split("\n\n"):
        if not block.strip():
            continue
        ev = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                ev.setdefault("comment", line)
            elif ":" in line:
                k, v = line.split(":", 1)
                ev[k] = v[1:] if v.startswith(" ") else v
        events.append(ev)
    return events


def test_logs_stream_live_until_end(emu, api):
    job = api.submit_ok()
    events = read_sse(emu, f"/api/jobs/{job['job_id']}/logs/stream?key={api.key}")
    assert all("event" not in e and "id" not in e for e in events)      # data-only
    data = [json.loads(e["data"]) for e in events]
    logs, end = data[:-1], data[-1]
    assert end["type"] == "end" and end["status"] == "completed" and isinstance(end["ts"], int)
    assert [d["line_no"] for d in logs] == list(range(1, len(logs) + 1))
    d = logs[0]
    assert d["schema_version"] == "2026-03-20.v1" and d["type"] == "log"
    assert d["event_type"] == "job.log" and d["level"] == "info" and d["line"] and d["ts"]


def test_logs_stream_since_and_header_key(emu, api):
    job = api.submit_ok()
    api.wait(job["job_id"])
    total = api.get(f"/api/jobs/{job['job_id']}/logs").json()["total_lines"]
    events = read_sse(emu, f"/api/jobs/{job['job_id']}/logs/stream", {"x-renter-key": api.key})
    data = [json.loads(e["data"]) for e in events]
    assert len(data) == min(total, 50) + 1 and data[-1]["type"] == "end"   # terminal: last 50 + end


def test_status_stream_named_events(emu, api):
    job = api.submit_ok(params={"prompt": "hello"})
    events = read_sse(emu, f"/api/jobs/{job['job_id']}/stream", {"x-renter-key": api.key})
    names = [e["event"] for e in events]
    assert names[0] in ("job_queued", "job_running")
    assert names[-2:] == ["job_completed", "end"]
    first = json.loads(events[0]["data"])
    assert set(first) == {"event", "status", "provider_id", "elapsed_sec", "tokens_used", "cost_usd"}
    assert json.loads(events[-1]["data"])["status"] == "completed"


def test_status_stream_failed_and_terminal(emu, api):
    job = api.submit_ok(params={"prompt": "FAIL"})
    events = read_sse(emu, f"/api/jobs/{job['job_id']}/stream?key={api.key}")
    assert [e["event"] for e in events][-2:] == ["job_failed", "end"]
    events = read_sse(emu, f"/api/jobs/{job['job_id']}/stream?key={api.key}")
    assert [e["event"] for e in events] == ["job_failed", "end"]             # already terminal


def test_status_stream_auth(api):
    job = api.submit_ok()
    assert api.get(f"/api/jobs/{job['job_id']}/stream", key=False).status == 403
    assert api.get("/api/jobs/job-0-x/stream").status == 404
