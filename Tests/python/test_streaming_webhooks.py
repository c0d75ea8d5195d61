"""Server-sent event streams, chat, webhooks (client.webhooks, verify/parse)."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

import dc1
from _helpers import llm


def test_stream_logs(client):
    job = llm(client, "stream my log")
    events = []
    out = client.jobs.stream_logs(job.id, events.append, timeout=60)
    assert out["ended"] == "end"
    assert out["status"] == "completed"
    logs = [e for e in events if e.get("type") == "log"]
    assert events[-1]["type"] == "end"
    assert len(logs) == out["lines"] and logs
    assert [e["line_no"] for e in logs] == sorted({e["line_no"] for e in logs})
    # resume after a line: nothing before it comes again
    later = []
    client.jobs.stream_logs(job.id, later.append, since=logs[0]["line_no"])
    assert all(e["line_no"] > logs[0]["line_no"] for e in later if e.get("type") == "log")


def test_stream_stops_when_handler_says_so(client):
    job = llm(client, "SLOW stream stop")
    seen = []

    def first_only(event):
        seen.append(event)
        return False

    out = client.jobs.stream_logs(job.id, first_only, timeout=30)
    assert out["ended"] == "stopped" and len(seen) == 1
    client.jobs.cancel(job.id)


def test_stream_handler_exception_is_reraised(client):
    job = llm(client, "SLOW stream raise")

    class Boom(Exception):
        pass

    def explode(event):
        raise Boom("from the handler")

    t0 = time.monotonic()
    with pytest.raises(Boom):
        client.jobs.stream_logs(job.id, explode, timeout=30)
    assert time.monotonic() - t0 < 10
    client.jobs.cancel(job.id)


def test_stream_status(client):
    job = llm(client, "status stream")
    events = []
    out = client.jobs.stream_status(job.id, events.append, timeout=60)
    assert out["terminal"] is True and out["status"] == "completed"
    names = [e.get("event") for e in events]
    assert "job_completed" in names
    assert client.jobs.stream_status(job.id)["status"] == "completed"  # no handler needed


def test_stream_errors(client):
    with pytest.raises(dc1.NotFoundError):
        client.jobs.stream_logs("job-0-missing", lambda e: None, timeout=5)


def test_chat_v1(client):
    out = client.chat([{"role": "user", "content": "hello"}], model="qwen3:8b", max_tokens=32)
    assert isinstance(out["content"], str) and out["content"]
    assert out["finish_reason"]
    assert out["choices"][0]["message"]["content"] == out["content"]


def test_chat_streaming(client):
    tokens = []
    out = client.chat([{"role": "user", "content": "stream please"}], model="qwen3:8b",
                      stream=True, on_token=tokens.append)
    assert tokens and all(t["type"] == "token" for t in tokens)
    assert "".join(t["content"] for t in tokens) == out["content"]
    assert out["complete"] is True


def test_chat_to_a_vllm_endpoint(client):
    job = client.jobs.submit("vllm_serve", {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"},
                             duration_minutes=5)
    ep = client.jobs.wait_ready(job.id, timeout=60, poll_interval=0.2)
    out = client.chat([{"role": "user", "content": "hi endpoint"}], model=ep.model,
                      endpoint_url=ep.endpoint_url)
    assert "hi endpoint" in out["content"]
    client.jobs.cancel(job.id)


def test_verify_and_parse_webhook():
    body = json.dumps({"event": "job.completed", "job_id": "job-1", "status": "done"}).encode()
    secret = "0123456789abcdef-secret"
    sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert dc1.verify_webhook(secret, sig, body)
    assert dc1.verify_webhook(secret, "sha256=" + sig, body)
    assert not dc1.verify_webhook(secret, sig, body + b" ")
    assert not dc1.verify_webhook("other-secret-000000", sig, body)
    assert not dc1.verify_webhook(secret, "sha256=nothex", body)
    with pytest.raises(dc1.InvalidArgumentError):
        dc1.verify_webhook(None, sig, body)
    event = dc1.parse_webhook(body)
    assert event["status"] == "completed" and event["job_id"] == "job-1"
    assert event["dedupe_key"]
    with pytest.raises(dc1.DC1Error):
        dc1.parse_webhook(b"not json")


class _Receiver:
    """A loopback HTTP server collecting webhook deliveries."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                received.append((dict(self.headers), self.rfile.read(n)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_webhooks_end_to_end(client):
    receiver = _Receiver()
    secret = "a-very-secret-value-0123"
    try:
        assert client.webhooks.set_url(receiver.url)["settings"]["webhook_url"] == receiver.url
        hook = client.webhooks.register(receiver.url, secret, events=["job.completed"])
        assert hook["active"] is True
        assert [h["id"] for h in client.webhooks.list()] == [hook["id"]]
        job = llm(client, "notify me")
        client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
        deadline = time.monotonic() + 20
        registered = []
        while time.monotonic() < deadline and not registered:
            registered = [(h, b) for h, b in receiver.received
                          if dc1.verify_webhook(secret, h.get("X-DCP-Signature", ""), b)]
            time.sleep(0.1)
        assert registered, f"no delivery signed with the registered secret: {receiver.received}"
        event = dc1.parse_webhook(registered[0][1])
        assert event["job_id"] == job.id and event["status"] == "completed"
        deleted = client.webhooks.delete(hook["id"])
        assert deleted["active"] is False
        assert client.webhooks.set_url(None)["settings"]["webhook_url"] in (None, "")
    finally:
        receiver.close()
    with pytest.raises(dc1.ValidationError):
        client.webhooks.register(receiver.url, "short")


def test_async_streams_chat_webhooks(emu, renter):
    async def main():
        async with dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            job = await c.jobs.submit("llm_inference", {"prompt": "async stream"},
                                      duration_minutes=1)
            lines = []
            out = await c.jobs.stream_logs(job.id, lines.append, timeout=60)
            assert out["ended"] == "end" and lines
            st = await c.jobs.stream_status(job.id)
            assert st["terminal"] is True
            reply = await c.chat([{"role": "user", "content": "async hi"}], model="qwen3:8b")
            assert reply["content"]
            assert await c.webhooks.list() == []
            assert (await c.me())["renter"]
            receiver = _Receiver()
            try:
                hook = await c.webhooks.register(receiver.url, "0123456789abcdef0123")
                assert (await c.webhooks.delete(hook["id"]))["active"] is False
                assert (await c.webhooks.set_url(None))["success"]
            finally:
                receiver.close()

    asyncio.run(main())
