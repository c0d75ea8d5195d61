"""§11 /v1: models, chat completions (plain and streamed), errors, idempotency, billing."""
import http.client
import json

CHAT = {"model": "qwen3:8b", "messages": [{"role": "user", "content": "What is the capital of Saudi Arabia?"}]}


def bearer(api):
    return {"Authorization": f"Bearer {api.key}"}


def test_models(api):
    r = api.get("/v1/models", key=False)
    body = r.json()
    assert body["object"] == "list" and body["data"]
    m = body["data"][0]
    for k in ("id", "name", "created", "modalities", "context_length", "max_output_tokens", "pricing",
              "capability_flags", "supported_features", "provider_count", "object", "owned_by",
              "permission", "root", "parent", "description", "architecture", "endpoints",
              "display_name", "context_window", "parameter_count"):
        assert k in m, k
    assert m["object"] == "model"
    assert all(isinstance(v, str) and len(v.split(".")[1]) == 6 for v in m["pricing"].values())
    assert "RateLimit-Limit" not in r.headers                         # no limiter on /v1/models


def test_chat_completion(emu, api):
    before = api.balance()
    r = api.post("/v1/chat/completions", CHAT, key=False, headers=bearer(api))
    assert r.status == 200
    body = r.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert body["choices"][0]["message"]["content"].startswith("[emulated]")
    u = body["usage"]
    assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]
    assert u["pricing"] == {"currency": "USD", "usd_prompt": "0.002667", "usd_completion": "0.002667",
                            "usd_total": "0.005333"}
    for h in ("x-dcp-provider-id", "x-dcp-provider-tier", "x-dcp-provider-endpoint-host",
              "x-dcp-requested-model-id", "x-dcp-routed-model-id", "x-dcp-latency-gate-mode"):
        assert r.headers[h]
    assert api.balance() == before - 2                                # 1 halala per side
    rows = api.get("/api/jobs").json()["jobs"]
    assert rows[0]["job_id"] == body["id"] and rows[0]["job_type"] == "inference"
    assert api.get("/api/renters/me").json()["v1_usage_summary"]["total_requests"] == 1


def test_chat_sanitised_content(api):
    body = dict(CHAT, messages=[{"role": "USER", "content": "is 3 < 5 and 7 > 2?"}])
    text = api.post("/v1/chat/completions", body, headers=bearer(api)).json()["choices"][0]["message"]["content"]
    assert '"is 3 2?" (8 characters' in text          # "is 3  2?" after the sanitiser


def test_chat_errors(emu, api):
    def err(body, status, code):
        r = api.post("/v1/chat/completions", body, key=False, headers=bearer(api))
        assert r.status == status, r
        e = r.json()["error"]
        assert e["code"] == code and e["status"] == status
        assert set(e) >= {"message", "type", "code", "status", "retryable"}
        return e
    assert err({"messages": CHAT["messages"]}, 400, "invalid_request_model_required")["type"] == \
        "invalid_request_error"
    err({"model": "qwen3:8b"}, 400, "invalid_request_messages_required")
    err({"model": "qwen3:8b", "messages": []}, 400, "invalid_request_messages_required")   # as on the server
    err({"model": "qwen3:8b", "messages": [1, "x"]}, 400, "invalid_request_messages_empty")
    assert err(dict(CHAT, model="gpt-9"), 404, "model_not_found")["retryable"] is False
    poor = emu.add_renter(1)
    r = api.post("/v1/chat/completions", dict(CHAT, max_tokens=2000), key=poor["api_key"])
    assert r.status == 402 and r.json()["error"]["code"] == "billing_insufficient_balance"
    for pid in (1, 2, 3):
        emu.update_provider(pid, live=False)
    e = err(CHAT, 503, "model_not_served")
    assert e["retryable"] is True


def test_idempotency_replay(api):
    h = dict(bearer(api), **{"Idempotency-Key": "abc-1"})
    a = api.post("/v1/chat/completions", CHAT, key=False, headers=h)
    bal = api.balance()
    b = api.post("/v1/chat/completions", CHAT, key=False, headers=h)
    assert b.status == 200 and b.headers["Idempotent-Replayed"] == "true"
    assert a.json() == b.json()
    assert api.balance() == bal                                        # not charged twice
    assert "Idempotent-Replayed" not in a.headers
    c = api.post("/v1/chat/completions", CHAT, key=False, headers=dict(bearer(api), **{"Idempotency-Key": "x"}))
    assert c.json()["id"] != a.json()["id"]


def test_streaming(emu, api):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    body = dict(CHAT, stream=True, stream_options={"include_usage": True})
    conn.request("POST", "/v1/chat/completions", json.dumps(body),
                 dict(bearer(api), **{"Content-Type": "application/json"}))
    r = conn.getresponse()
    assert r.status == 200 and r.headers["Content-Type"] == "text/event-stream"
    raw = r.read().decode()
    conn.close()
    datas = [l[6:] for l in raw.split("\n") if l.startswith("data: ")]
    assert "event:" not in raw
    assert datas[-1] == "[DONE]" and datas.count("[DONE]") == 1
    chunks = [json.loads(d) for d in datas[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text.startswith("[emulated]")
    assert chunks[-1]["usage"]["pricing"]["currency"] == "USD"
