"""Fixtures for the emulator's own suite.

``emu``: one in-process emulator for the session (speed 20), reset before each
test. ``api``: a tiny HTTP client bound to it. Everything is standard library.
Section numbers in this suite ("§7.1", "§16.3") are sections of docs/server.md."""
from __future__ import annotations

import http.client
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "emulator"))

from dc1_emulator import Emulator  # noqa: E402

SPEED = 20.0


class Resp:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status = status
        self.headers = headers          # http.client.HTTPMessage (case-insensitive)
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Resp {self.status} {self.body[:200]!r}>"


class Api:
    """HTTP helper: ``api.get("/api/jobs/1")`` sends the seeded renter key by default."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.key = emu.api_key

    def request(self, method: str, path: str, body=None, headers=None, key: str | None | bool = True,
                raw: bytes | None = None, timeout: float = 15) -> Resp:
        h = {}
        if key is True:
            h["x-renter-key"] = self.key
        elif isinstance(key, str):
            h["x-renter-key"] = key
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.emu.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            return Resp(r.status, r.headers, r.read())
        finally:
            conn.close()

    def get(self, path, **kw) -> Resp:
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw) -> Resp:
        return self.request("POST", path, body=body, **kw)

    def submit(self, job_type="llm_inference", params=None, key=True, **fields) -> Resp:
        body = {"job_type": job_type, "duration_minutes": fields.pop("duration_minutes", 5),
                "params": params if params is not None else {"prompt": "hello"}}
        body.update(fields)
        return self.post("/api/jobs/submit", body, key=key)

    def submit_ok(self, *a, **kw) -> dict:
        r = self.submit(*a, **kw)
        assert r.status == 201, r
        return r.json()["job"]

    def job(self, job_id, key=True) -> dict:
        r = self.get(f"/api/jobs/{job_id}", key=key)
        assert r.status == 200, r
        return r.json()["job"]

    def wait(self, job_id, statuses=("completed", "failed", "cancelled"), timeout=10.0,
             key=True) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            r = self.get(f"/api/jobs/{job_id}/status", key=key)
            assert r.status == 200, r
            if r.json()["status"] in statuses:
                return self.job(job_id, key=key)
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} still {r.json()['status']}")
            time.sleep(0.03)

    def balance(self, key=True) -> int:
        return self.get("/api/renters/balance", key=key).json()["balance_halala"]


@pytest.fixture(scope="session")
def _emulator():
    # The tests never reach the internet: the registered-webhook DNS check (on by default, as on
    # the real server) is off here; test_webhooks switches it on with a stub resolver.
    with Emulator(speed=SPEED, webhook_dns_check=False) as emu:
        yield emu


@pytest.fixture
def emu(_emulator):
    _emulator.reset()
    yield _emulator


@pytest.fixture
def api(emu) -> Api:
    return Api(emu)


class Receiver:
    """A local webhook receiver: records (path, headers, raw body)."""

    def __init__(self, status: int = 200) -> None:
        self.hits: list = []
        self.status = status
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                outer.hits.append((self.path, dict(self.headers), self.rfile.read(n)))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, n: int = 1, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.hits) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.hits

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def host_port(url: str) -> tuple[str, int]:
    u = urlsplit(url)
    return u.hostname, u.port
