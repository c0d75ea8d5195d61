"""Issue 12: the key never comes back, whatever a hostile server answers.

A small http.server on 127.0.0.1 (started here, not the emulator) answers every request
with the client's own key: raw, JSON-escaped, percent-encoded, as HTML character references,
inside nested bodies, in malformed or HTML 2xx bodies, in a response header and in SSE
error events. Every exported call that talks to a server is driven through the Python
bindings against every answer; the key must be in no exception text, no error document, no
dc1_last_error(), no log line and no event handed to a callback (success documents are the
caller's data and are not checked).

Also here: the loopback-name cases (issue 12 item 3) and the Python input edges (item 5).
"""
from __future__ import annotations

import html
import json
import logging
import math
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import dc1
from dc1 import _lib

KEY = "dcp-renter-" + "5eC7e7a9b1c2d3e4f5a6b7c8d9e0f1a2"


def json_escaped(s: str) -> str:
    return "".join("\\u%04x" % ord(c) for c in s)


def percent_encoded(s: str) -> str:
    return "".join("%%%02X" % ord(c) for c in s)


ESCAPED_FIRST = "\\u0064" + KEY[1:]                      # the "\u0064cp-renter-…"
ESCAPED_ALL = json_escaped(KEY)
PERCENT = percent_encoded(KEY)
PERCENT_TWICE = "".join("%%25%02x" % ord(c) for c in KEY)
ENTITIES = "".join("&#%d;" % ord(c) for c in KEY[:6]) + "".join("&#x%x;" % ord(c) for c in KEY[6:])


def _answer(mode: str, stream: bool):
    """(status, content type, body, extra headers) for one request."""
    if mode == "echo_raw_400":
        return 400, "application/json", json.dumps(
            {"error": f"bad key {KEY}", "key": KEY, "nested": {"a": [KEY, {"b": KEY}]}, KEY: 1}), {}
    if mode == "echo_json_escaped_400":
        return 400, "application/json", (
            '{"error":"bad key ' + ESCAPED_FIRST + '","detail":"' + ESCAPED_ALL + '"}'), {}
    if mode == "echo_percent_encoded_400":
        return 400, "text/plain", f"key={PERCENT}&again={KEY.replace('-', '%2d')}&twice={PERCENT_TWICE}", {}
    if mode == "echo_html_entities_403":
        return 403, "text/html", f"<html><head><title>Denied {ENTITIES}</title></head><body>{KEY}</body></html>", {}
    if mode == "echo_nested_body_500":
        inner = '{"error":"upstream rejected ' + ESCAPED_ALL + '","raw":"' + KEY + '"}'
        return 500, "application/json", json.dumps({"error": {"message": inner, "body": json.dumps(inner)}}), {}
    if mode == "echo_in_malformed_json_200":
        return 200, "application/json", '{"key": "' + KEY + '", "escaped": "' + ESCAPED_ALL + '", "oops": ', {}
    if mode == "echo_in_html_200":
        return 200, "text/html", (f"<html><head><title>Welcome {KEY}</title></head>"
                                  f"<body>{PERCENT} {ENTITIES} {ESCAPED_FIRST}</body></html>"), {}
    if mode == "echo_in_request_id_header_500":
        return 500, "application/json", json.dumps({"error": "boom"}), {"X-Request-Id": KEY}
    if mode == "echo_cut_by_snippet_400":
        return 400, "text/plain", "x" * 150 + KEY + "y" * 100, {}
    if mode == "echo_in_redirect_302":
        return 302, "text/html", f"<a href='https://evil.example/?k={KEY}'>moved</a>", {
            "Location": f"https://evil.example/?k={KEY}"}
    if mode == "echo_in_sse_error_event":
        if stream:
            events = (f"event: error\ndata: {json.dumps({'error': 'bad key ' + KEY})}\n\n"
                      f"event: job_failed\ndata: {json.dumps({'status': 'failed', 'error': KEY})}\n\n"
                      f"data: {json.dumps({'type': 'log', 'line_no': 1, 'line': 'key ' + KEY})}\n\n"
                      f"data: {json.dumps({'error': {'message': 'bad key ' + KEY}})}\n\n"
                      '{"escaped":"' + ESCAPED_ALL + '"}\n\n')
            return 200, "text/event-stream", events, {}
        return 400, "application/json", json.dumps({"error": f"bad key {KEY}"}), {}
    raise AssertionError(mode)


MODES = ["echo_raw_400", "echo_json_escaped_400", "echo_percent_encoded_400", "echo_html_entities_403",
         "echo_nested_body_500", "echo_in_malformed_json_200", "echo_in_html_200",
         "echo_in_request_id_header_500", "echo_cut_by_snippet_400", "echo_in_redirect_302",
         "echo_in_sse_error_event"]


class _Hostile(BaseHTTPRequestHandler):
    mode = "echo_raw_400"
    me_ok = False
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _serve(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        stream = ("text/event-stream" in (self.headers.get("Accept") or "")
                  or self.path.split("?")[0].endswith("/stream") or b'"stream":true' in body)
        if type(self).me_ok and self.path == "/api/renters/me":
            # Lets the webhook calls get past their renter-id lookup to their own routes.
            status, ctype, text, extra = 200, "application/json", json.dumps({"renter": {"id": 7}}), {}
        else:
            status, ctype, text, extra = _answer(type(self).mode, stream)
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve


@pytest.fixture(scope="module")
def hostile():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        t.join(5)


def _decodings(text: str):
    """The text and what it becomes after the decodings a reader might apply."""
    seen = [text]
    for _ in range(3):
        t = seen[-1]
        t = html.unescape(t)
        t = urllib.parse.unquote(urllib.parse.unquote(t))
        t = re.sub(r"\\+u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), t)
        t = re.sub(r"\\+x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), t)
        seen.append(t)
    return seen


def leaked(text: str) -> bool:
    """Whether any 16 consecutive characters of the key survive in any decoding of `text`."""
    windows = {KEY[i:i + 16] for i in range(len(KEY) - 15)}
    return any(w in t for t in _decodings(text) for w in windows)


def _calls(tmp_path):
    """(name, function(client, sink)) for every exported call that talks to a server."""
    msgs = [{"role": "user", "content": "hi"}]
    return [
        ("dc1_balance", lambda c, s: c.wallet.balance()),
        ("dc1_me", lambda c, s: c.me()),
        ("dc1_providers_list", lambda c, s: c.providers.list()),
        ("dc1_job_submit", lambda c, s: c.jobs.submit("llm_inference", {"prompt": "x", "model": "m"},
                                                      duration_minutes=1)),
        ("dc1_job_get", lambda c, s: c.jobs.get("job-1")),
        ("dc1_job_status", lambda c, s: c.jobs.status("job-1")),
        ("dc1_job_wait", lambda c, s: c.jobs.wait("job-1", timeout=1.5, poll_interval=0.05)),
        ("dc1_job_watch", lambda c, s: c.jobs.watch("job-1", s, timeout=1.5, poll_interval=0.05)),
        ("dc1_job_output", lambda c, s: c.jobs.output("job-1")),
        ("dc1_job_save_image", lambda c, s: c.jobs.save_image("job-1", tmp_path / "x.png")),
        ("dc1_job_cancel", lambda c, s: c.jobs.cancel("job-1")),
        ("dc1_job_logs", lambda c, s: c.jobs.get_logs("job-1")),
        ("dc1_jobs_history", lambda c, s: c.jobs.history()),
        ("dc1_request", lambda c, s: c.request("GET", "/api/anything?key=" + KEY)),
        ("dc1_request_post", lambda c, s: c.request("POST", "/api/anything", {"k": 1})),
        ("dc1_job_logs_stream", lambda c, s: c.jobs.stream_logs("job-1", s, timeout=2, max_reconnects=1)),
        ("dc1_job_status_stream", lambda c, s: c.jobs.stream_status("job-1", s, timeout=2, max_reconnects=1)),
        ("dc1_chat", lambda c, s: c.chat(msgs, model="m")),
        ("dc1_chat_streamed", lambda c, s: c.chat(msgs, model="m", stream=True, on_token=s)),
        ("dc1_webhook_set_url", lambda c, s: c.webhooks.set_url("https://example.com/hook")),
        ("dc1_webhooks_list", lambda c, s: c.webhooks.list()),
        ("dc1_webhook_register", lambda c, s: c.webhooks.register("https://example.com/hook", "s" * 20)),
        ("dc1_webhook_delete", lambda c, s: c.webhooks.delete("wh-1")),
        ("dc1_webhooks_list (own route)", lambda c, s: _past_me(c.webhooks.list)),
        ("dc1_webhook_register (own route)",
         lambda c, s: _past_me(lambda: c.webhooks.register("https://example.com/hook", "s" * 20))),
        ("dc1_webhook_delete (own route)", lambda c, s: _past_me(lambda: c.webhooks.delete("wh-1"))),
    ]


def _past_me(fn):
    _Hostile.me_ok = True
    try:
        return fn()
    finally:
        _Hostile.me_ok = False


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.mark.parametrize("mode", MODES)
def test_key_never_comes_back(hostile, mode, tmp_path):
    """Each answer above, on every call: the key is in nothing the library hands back."""
    _Hostile.mode = mode
    log = logging.getLogger(f"dc1.hostile.{mode}")
    log.propagate = False
    cap = _Capture()
    log.addHandler(cap)
    failures = []
    redacted_somewhere = False
    with dc1.DC1Client(api_key=KEY, base_url=hostile, timeout=5, max_retries=1, retry_base=0.01,
                       logger=log, log_level=logging.DEBUG) as c:
        assert c.api_key == KEY
        for name, fn in _calls(tmp_path):
            events = []
            cap.lines.clear()

            def sink(ev, events=events):
                events.append(json.dumps(ev))
                return True

            texts = {}
            try:
                fn(c, sink)
            except dc1.DC1Error as exc:
                texts["exception str"] = str(exc)
                texts["exception repr"] = repr(exc)
                texts["exception args"] = repr(exc.args)
                texts["error document"] = json.dumps(exc.document)
                texts["dc1_last_error"] = _lib.last_error()
            for i, line in enumerate(cap.lines):
                texts[f"log line {i}"] = line
            for i, ev in enumerate(events):
                texts[f"event {i}"] = ev
            redacted_somewhere = redacted_somewhere or any("[redacted]" in t for t in texts.values())
            for where, text in texts.items():
                if leaked(text):
                    failures.append(f"{name}: {where}: {text[:300]}")
    log.removeHandler(cap)
    assert not failures, "the key came back:\n" + "\n".join(failures)
    assert redacted_somewhere, "the hostile answer never reached what the library hands back"


def test_key_redacted_not_dropped(hostile):
    """The rest of a body that echoed the key is kept, with "[redacted]" in its place."""
    _Hostile.mode = "echo_raw_400"
    with dc1.DC1Client(api_key=KEY, base_url=hostile, max_retries=0, logger=False) as c:
        with pytest.raises(dc1.APIError) as info:
            c.wallet.balance()
    e = info.value
    assert "bad key [redacted]" in e.message
    assert e.body["nested"] == {"a": ["[redacted]", {"b": "[redacted]"}]}
    assert "[redacted]" in e.body
    _Hostile.mode = "echo_json_escaped_400"
    with dc1.DC1Client(api_key=KEY, base_url=hostile, max_retries=0, logger=False) as c:
        with pytest.raises(dc1.APIError) as info:
            c.jobs.get("job-1")
    assert info.value.body == {"error": "bad key [redacted]", "detail": "[redacted]"}


def test_echo_in_malformed_json_200_keeps_the_shape_of_the_error(hostile):
    _Hostile.mode = "echo_in_malformed_json_200"
    with dc1.DC1Client(api_key=KEY, base_url=hostile, max_retries=0, logger=False) as c:
        with pytest.raises(dc1.ProtocolError) as info:
            c.wallet.balance()
    assert "not valid JSON" in info.value.message
    assert "[redacted]" in info.value.body and not leaked(info.value.body)


# -- loopback by address (item 3) ------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1.example.com", "http://127.0.0.1.example.com:8080/api", "http://127.evil.com",
    "http://localhost.example.com", "http://localhost.", "http://127.0.0.1@evil.example",
    "http://0x7f000001", "http://2130706433", "http://127.0.0.01", "http://127.0.0.256",
    "http://127.0.0", "http://[::ffff:127.0.0.1]", "http://[::2]", "http://[fe80::1]", "http://::1.example",
])
def test_loopback_name_needs_allow_insecure_http(url):
    """A name that merely starts like a loopback address is not one: plain http needs consent."""
    with pytest.raises(dc1.InvalidArgumentError) as info:
        dc1.DC1Client(api_key=KEY, base_url=url, logger=False)
    assert "allow_insecure_http" in str(info.value) or "base_url" in str(info.value)
    assert not leaked(str(info.value))
    if "::1.example" not in url:
        dc1.DC1Client(api_key=KEY, base_url=url, allow_insecure_http=True, logger=False).close()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1", "http://127.0.0.1:8080/", "http://127.1.2.3:1", "http://127.255.255.254",
    "http://localhost", "http://LOCALHOST:9", "http://[::1]", "http://[::1]:8080/x",
    "http://[0:0:0:0:0:0:0:1]", "http://[0000::0001]", "http://user@127.0.0.1",
])
def test_loopback_address_is_plain_http_ok(url):
    dc1.DC1Client(api_key=KEY, base_url=url, logger=False).close()


# -- Python input edges (item 5) ---------------------------------------------------------------

@pytest.mark.parametrize("bad", [1.5, 2.0, True, False, None, b"job-1", ["job-1"], {"id": 1}, object()])
def test_job_id_of_wrong_type_is_invalid_argument(hostile, bad):
    with dc1.DC1Client(api_key=KEY, base_url=hostile, logger=False) as c:
        with pytest.raises(dc1.InvalidArgumentError):
            c.jobs.get(bad)


@pytest.mark.parametrize("bad", ["ok\x00../x", "\x00", "", ".", "..", "a/b", "../x", "a b", "a?b=1",
                                 "a#b", "é", "x" * 257])
def test_job_id_cut_at_nul_or_rejected_by_c_is_invalid_argument_before_the_call(hostile, bad):
    _Hostile.mode = "echo_raw_400"
    with dc1.DC1Client(api_key=KEY, base_url=hostile, logger=False) as c:
        for call in (c.jobs.get, c.jobs.status, c.jobs.output, c.jobs.cancel, c.jobs.get_logs):
            with pytest.raises(dc1.InvalidArgumentError):
                call(bad)
        with pytest.raises(dc1.InvalidArgumentError):
            c.jobs.wait(bad, timeout=1)


def test_job_id_int_and_str_accepted():
    from dc1.client import _job_id
    assert _job_id(42) == "42"
    assert _job_id("job-1.a_b:c@d") == "job-1.a_b:c@d"


def test_nul_in_any_string_argument_is_invalid_argument(hostile):
    with dc1.DC1Client(api_key=KEY, base_url=hostile, logger=False) as c:
        with pytest.raises(dc1.InvalidArgumentError):
            c.request("GET", "/api/x\x00/y")
        with pytest.raises(dc1.InvalidArgumentError):
            c.webhooks.delete("wh\x00-1")
        with pytest.raises(dc1.InvalidArgumentError):
            c.webhooks.set_url("https://example.com/\x00")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -1, -0.001, 1e300, True, "5"])
def test_non_finite_or_negative_timeout_is_invalid_argument(hostile, bad):
    with pytest.raises(dc1.InvalidArgumentError):
        dc1.DC1Client(api_key=KEY, base_url=hostile, timeout=bad, logger=False)
    with dc1.DC1Client(api_key=KEY, base_url=hostile, logger=False) as c:
        with pytest.raises(dc1.InvalidArgumentError):
            c.jobs.wait("job-1", timeout=bad)
        with pytest.raises(dc1.InvalidArgumentError):
            c.jobs.wait("job-1", timeout=1, poll_interval=bad)
        with pytest.raises(dc1.InvalidArgumentError):
            c.chat([{"role": "user", "content": "x"}], model="m", timeout=bad)


# -- oversized headers (item 5) ----------------------------------------------------------------

class _BigHeaders(BaseHTTPRequestHandler):
    kind = "line"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if type(self).kind == "line":
            self.send_header("X-Huge", "a" * (300 * 1024))               # one line over libcurl's 100 KiB
        else:
            for i in range(400):                                          # 400 lines of 1 KiB: over 256 KiB
                self.send_header(f"X-Many-{i}", "b" * 1024)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


@pytest.mark.parametrize("kind,limit", [("line", 102400), ("total", 262144)])
def test_oversized_response_header_is_protocol_error_naming_the_limit(kind, limit):
    _BigHeaders.kind = kind
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BigHeaders)
    server.daemon_threads = True
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        with dc1.DC1Client(api_key=KEY, base_url=f"http://127.0.0.1:{server.server_address[1]}",
                           max_retries=0, logger=False) as c:
            with pytest.raises(dc1.ProtocolError) as info:
                c.wallet.balance()
            assert f"response header over {limit} bytes" in str(info.value)
            assert info.value.code == "DC1_E_PROTOCOL"
    finally:
        server.shutdown()
        server.server_close()
        t.join(5)
