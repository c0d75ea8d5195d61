"""§1 transport behaviour: headers, HTML error pages, body limits, sanitiser, keep-alive."""
import http.client
import json
import socket

SECURITY = ["X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy",
            "Strict-Transport-Security", "Cross-Origin-Resource-Policy", "Cross-Origin-Opener-Policy",
            "Cross-Origin-Embedder-Policy", "Referrer-Policy", "Permissions-Policy",
            "Origin-Agent-Cluster"]


def test_security_headers_everywhere(api):
    for r in (api.get("/api/renters/balance"), api.get("/nope"), api.get("/v1/models", key=False)):
        for h in SECURITY:
            assert r.headers.get(h), (h, r.status)
    r = api.get("/api/renters/balance")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_no_request_id_header_like_the_real_server(api):
    """The real server never sends X-Request-Id (issue 18): a client must not rely on an echo."""
    r = api.get("/api/renters/balance", headers={"X-Request-Id": "abc-123"})
    assert r.status == 200 and "X-Request-Id" not in r.headers
    assert "X-Request-Id" not in api.get("/nope").headers


def test_unknown_route_is_html_404(api):
    r = api.get("/api/does-not-exist?x=1")
    assert r.status == 404
    assert r.headers["Content-Type"].startswith("text/html")
    assert "<pre>Cannot GET /api/does-not-exist</pre>" in r.text
    # /v1/complete is documented but not mounted (§0)
    assert api.post("/v1/complete", {}).status == 404
    r = api.request("DELETE", "/api/jobs/1")
    assert r.status == 404 and "Cannot DELETE /api/jobs/1" in r.text


def test_malformed_json_is_html_400(api):
    r = api.request("POST", "/api/jobs/submit", raw=b'{"job_type":',
                    headers={"Content-Type": "application/json"})
    assert r.status == 400
    assert r.headers["Content-Type"].startswith("text/html")
    assert "<pre>Bad Request</pre>" in r.text
    # strict parser: a top-level string is rejected too
    r = api.request("POST", "/api/jobs/submit", raw=b'"hello"',
                    headers={"Content-Type": "application/json"})
    assert r.status == 400 and "<!DOCTYPE html>" in r.text


def test_non_json_content_type_body_is_ignored(api):
    r = api.request("POST", "/api/jobs/submit", raw=b'{"job_type":"llm_inference","duration_minutes":1}',
                    headers={"Content-Type": "text/plain"})
    assert r.status == 400
    assert r.json() == {"error": "Missing required fields: job_type (or templateId), duration_minutes"}


def test_oversize_body_is_html_413(api):
    big = json.dumps({"params": {"prompt": "x" * (2 * 1024 * 1024 + 10)}}).encode()
    r = api.request("POST", "/api/jobs/submit", raw=big, headers={"Content-Type": "application/json"})
    assert r.status == 413
    assert "<pre>Payload Too Large</pre>" in r.text


def test_keep_alive_and_content_length(emu, api):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    socks = set()
    for _ in range(3):
        conn.request("GET", "/api/renters/balance", headers={"x-renter-key": api.key})
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200 and int(r.headers["Content-Length"]) == len(body)
        assert r.headers["Connection"] == "keep-alive"
        socks.add(id(conn.sock))
    assert len(socks) == 1               # one TCP connection for all three
    conn.close()


def test_head_request(api):
    r = api.request("HEAD", "/api/renters/balance")
    assert r.status == 200 and r.body == b"" and int(r.headers["Content-Length"]) > 0


def test_chunked_request_body(emu, api):
    s = socket.create_connection(("127.0.0.1", emu.port))
    payload = b'{"job_type":"nope","duration_minutes":1}'
    s.sendall(b"POST /api/jobs/submit HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n" % emu.port +
              b"x-renter-key: " + api.key.encode() + b"\r\nTransfer-Encoding: chunked\r\n"
              b"Connection: close\r\n\r\n" + f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 400")
    assert b"Invalid job_type" in data


def test_sanitiser_strips_tags_nul_and_trims(api):
    job = api.submit_ok(params={"prompt": "  is 3 < 5 and 7 > 2?\x00  \n", "max_tokens": 64})
    done = api.wait(job["job_id"])
    out = api.get(f"/api/jobs/{done['job_id']}/output", headers={"Accept": "application/json"}).json()
    assert out["prompt"] == "is 3  2?"


def test_sanitiser_applies_to_query_strings(api):
    r = api.get("/api/jobs?limit=%3Cb%3E5%3C/b%3E")       # "<b>5</b>" -> "5"
    assert r.status == 200 and r.json()["limit"] == 5


def test_query_credentials_earn_deprecation_headers(api):
    r = api.get(f"/api/renters/me?key={api.key}", key=False)
    assert r.status == 200
    assert r.headers["Deprecation"] == "true"
    assert r.headers["Sunset"].endswith("GMT")
    assert 'rel="deprecation"' in r.headers["Link"]
    assert api.get("/api/renters/me").headers.get("Deprecation") is None


def test_json_numbers_look_like_javascript(api):
    job = api.submit_ok(duration_minutes=5)
    assert '"duration_minutes":5,' in api.get(f"/api/jobs/{job['job_id']}").text
