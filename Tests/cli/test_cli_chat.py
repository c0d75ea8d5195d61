"""vllm_serve + chat --job, and chat --v1."""
from __future__ import annotations

import json

MODEL = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"


def test_vllm_serve_then_chat_with_the_job(dc1):
    r = dc1("submit", "vllm_serve", "--model", MODEL, "--duration", "30", "--wait")
    assert r.rc == 0, r
    job_id = r.out.split()[1]
    assert "Endpoint ready: http://127.0.0.1:" in r.out and f"dc1 chat --job {job_id}" in r.out
    try:
        r = dc1("chat", "--job", job_id, "What is the capital of Saudi Arabia?")
        assert r.rc == 0, r
        assert "What is the capital of Saudi Arabia?" in r.out and "vLLM" in r.out
        doc = dc1("--json", "chat", "--job", job_id, "--max-tokens", "32", "Hi").json()
        assert doc["http_status"] == 200
        assert doc["body"]["choices"][0]["message"]["role"] == "assistant"
        r = dc1("wait", job_id, "--ready")
        assert r.rc == 0 and "is serving at http://127.0.0.1:" in r.out, r
        r = dc1("output", job_id)
        assert r.rc == 0 and "is serving at" in r.out, r
    finally:
        assert dc1("cancel", job_id).rc == 0
    r = dc1("chat", "--job", job_id, "Still there?")
    assert r.rc == 9, r                             # the job ended before (another) turn


def test_chat_v1(dc1):
    r = dc1("chat", "--v1", "--model", MODEL, "--system", "Be brief.", "Hello over /v1")
    assert r.rc == 0, r
    assert "Hello over /v1" in r.out
    doc = dc1("--json", "chat", "--v1", "--model", MODEL, "Hi").json()
    assert doc["http_status"] == 200 and doc["body"]["object"] == "chat.completion"


def test_chat_v1_needs_a_model_and_a_key(dc1):
    assert dc1("chat", "--v1", "Hi").rc == 1
    r = dc1("chat", "--v1", "--model", MODEL, "Hi", key=None)
    assert r.rc == 3, r


def test_chat_v1_streams_tokens(dc1):
    r = dc1("--json", "chat", "--v1", "--stream", "--model", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "Hello there")
    assert r.rc == 0, r
    docs = [json.loads(l) for l in r.out.splitlines()]
    tokens = [d for d in docs if d.get("type") == "token"]
    summary = docs[-1]
    assert len(tokens) > 1
    assert "".join(t["content"] for t in tokens) == summary["content"] and summary["complete"] is True
    plain = dc1("chat", "--v1", "--stream", "--model", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "Hello there")
    assert plain.rc == 0 and plain.out.strip() == summary["content"].strip()
