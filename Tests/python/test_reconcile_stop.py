"""Issue 21: every sleep in the core honours the call's stop, the submit reconciler's included.

A server on 127.0.0.1 (started here) reads each submit and drops the connection without an
answer (the job's fate is unknown), and answers the history with no matching job, so the
reconciler looks three times with waits of 300, 700 and 700 ms in between. A stop triggered
during those waits — dc1_client_interrupt, or a dc1_stop bound to the calling thread — ends
the submit at once with DC1_E_INTERRUPTED and "fate_unknown": true, and no further history
read is made."""
from __future__ import annotations

import ctypes
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = ctypes.CDLL(os.environ.get("DC1_LIBRARY") or os.path.join(ROOT, "build", "libdc1.so"))
LIB.dc1_client_new.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p]
LIB.dc1_client_free.argtypes = [ctypes.c_void_p]
LIB.dc1_client_interrupt.argtypes = [ctypes.c_void_p]
LIB.dc1_job_submit.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
LIB.dc1_free.argtypes = [ctypes.c_void_p]
LIB.dc1_stop_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
LIB.dc1_stop_trigger.argtypes = [ctypes.c_void_p]
LIB.dc1_stop_bind.argtypes = [ctypes.c_void_p]
LIB.dc1_stop_free.argtypes = [ctypes.c_void_p]


class Lossy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    history_reads = 0

    def log_message(self, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.close_connection = True  # the submit arrived; its answer never leaves
        self.connection.shutdown(2)

    def do_GET(self):
        type(self).history_reads += 1
        body = json.dumps({"jobs": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def lossy():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Lossy)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


REQUEST = json.dumps({"job_type": "llm_inference", "duration_minutes": 1, "params": {"prompt": "hi"}}).encode()


def _client(base):
    c = ctypes.c_void_p()
    opts = {"api_key": "dcp-renter-reconcile0000000000000000", "base_url": base, "max_retries": 0,
            "timeout_ms": 5000}
    assert LIB.dc1_client_new(ctypes.byref(c), json.dumps(opts).encode()) == 0
    return c


def _submit(c, result, stop=None):
    if stop is not None:
        LIB.dc1_stop_bind(stop)
    out = ctypes.c_void_p()
    t0 = time.monotonic()
    rc = LIB.dc1_job_submit(c, REQUEST, ctypes.byref(out))
    result["ended"] = time.monotonic()
    result["took"] = result["ended"] - t0
    result["rc"] = rc
    result["doc"] = json.loads(ctypes.string_at(out.value)) if out.value else None
    LIB.dc1_free(out)
    if stop is not None:
        LIB.dc1_stop_bind(None)


def test_nothing_stops_it_the_reconciler_looks_three_times(lossy):
    """The reference: without a stop, three history reads over about 1.7 s, then SUBMIT_UNKNOWN."""
    Lossy.history_reads = 0
    c = _client(lossy)
    try:
        result = {}
        _submit(c, result)
    finally:
        LIB.dc1_client_free(c)
    assert result["rc"] == -16, result  # DC1_E_SUBMIT_UNKNOWN
    assert Lossy.history_reads == 3
    assert result["doc"]["candidates"] == [] and result["doc"]["lookup_failed"] is False
    assert result["took"] >= 1.6


@pytest.mark.parametrize("how", ["dc1_client_interrupt", "dc1_stop"])
def test_a_stop_ends_the_reconcile_wait(lossy, how):
    Lossy.history_reads = 0
    c = _client(lossy)
    stop = ctypes.c_void_p()
    assert LIB.dc1_stop_new(ctypes.byref(stop)) == 0
    try:
        result = {}
        t = threading.Thread(target=_submit, args=(c, result, stop if how == "dc1_stop" else None))
        t.start()
        # Into the 700 ms wait after the first history read.
        deadline = time.monotonic() + 5
        while Lossy.history_reads < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.15)
        triggered = time.monotonic()
        if how == "dc1_stop":
            LIB.dc1_stop_trigger(stop)
        else:
            LIB.dc1_client_interrupt(c)
        t.join(5)
        assert not t.is_alive()
    finally:
        LIB.dc1_stop_free(stop)
        LIB.dc1_client_free(c)
    assert result["rc"] == -15, result  # DC1_E_INTERRUPTED
    assert result["ended"] - triggered < 0.2, result["ended"] - triggered
    assert result["doc"]["fate_unknown"] is True  # the submit had been sent
    assert "may have taken effect" in result["doc"]["message"]
    assert Lossy.history_reads == 1
