"""dc1.client.DC1Client: construction, lifetime, request(), interrupt(), logging."""
from __future__ import annotations

import logging
import threading
import time

import pytest

import dc1
from _helpers import fault, llm


def test_env_defaults(monkeypatch, emu, renter):
    monkeypatch.setenv("DC1_API_KEY", renter["api_key"])
    monkeypatch.setenv("DC1_BASE_URL", emu.base_url)
    with dc1.DC1Client() as c:
        # the core resolved both; the binding read neither variable
        assert c.base_url == emu.base_url.rstrip("/")
        assert c.config["base_url_from"] == "environment"
        assert c.config["api_key_set"] is True and c.config["api_key_from"] == "environment"
        assert c.api_key is None  # only a key passed as api_key= is the binding's to show
        assert renter["api_key"] not in repr(c.config)
        assert c.wallet.balance().balance_halala == 50000


def test_default_base_url(monkeypatch):
    monkeypatch.delenv("DC1_BASE_URL", raising=False)
    monkeypatch.delenv("DC1_API_KEY", raising=False)
    with dc1.DC1Client() as c:
        assert c.base_url == "https://api.dcp.sa" == dc1.client.DEFAULT_BASE_URL
        assert c.config["base_url_from"] == "default"
        assert c.api_key is None and c.config["api_key_set"] is False
    assert dc1.default_config()["base_url"] == "https://api.dcp.sa"
    assert dc1.default_config()["timeout_ms"] == 30000


def test_explicit_arguments_beat_env(monkeypatch, emu, renter):
    monkeypatch.setenv("DC1_API_KEY", "dc1-renter-wrong")
    monkeypatch.setenv("DC1_BASE_URL", "http://127.0.0.1:1")
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, timeout=7) as c:
        assert c.config["base_url_from"] == "option" and c.config["api_key_from"] == "option"
        assert c.api_key == renter["api_key"]
        assert c.config["timeout_ms"] == 7000
        assert c.wallet.balance().balance_halala == 50000


def test_empty_arguments_are_the_cores_rule(monkeypatch, emu):
    # The same rule in every language, because only the core applies it: base_url="" is not
    # given (the environment applies); api_key="" is no key, whatever the environment holds.
    monkeypatch.setenv("DC1_API_KEY", "dcp-renter-from-env")
    monkeypatch.setenv("DC1_BASE_URL", emu.base_url)
    with dc1.DC1Client(api_key="", base_url="") as c:
        assert c.base_url == emu.base_url.rstrip("/") and c.config["base_url_from"] == "environment"
        assert c.config["api_key_set"] is False
        with pytest.raises(dc1.AuthError):
            c.wallet.balance()


def test_config_hides_proxy_credentials(monkeypatch):
    monkeypatch.delenv("DC1_BASE_URL", raising=False)
    with dc1.DC1Client(api_key="dcp-renter-k", proxy="http://me:pa55@proxy.test:3128") as c:
        assert c.config["proxy"] == "http://[redacted]@proxy.test:3128"


def test_the_binding_reads_no_environment():
    # Environment and defaults are resolved once, in the core (issue 22).
    import inspect
    import dc1.client as module
    source = inspect.getsource(module)
    assert "os.environ" not in source and "getenv" not in source
    assert '"https://api.dcp.sa"' not in source  # no copy of the default (the docstring names it)


def test_timeout_is_seconds(emu, renter):
    # a 3 s delay against a 1 s timeout ends in about a second
    fault(emu, "/api/renters/balance", action="delay", count=1, delay_ms=3000)
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, timeout=1,
                       max_retries=0) as c:
        t0 = time.monotonic()
        with pytest.raises(dc1.RequestTimeoutError) as info:
            c.wallet.balance()
        assert time.monotonic() - t0 < 2.5
        assert isinstance(info.value, TimeoutError)
        assert isinstance(info.value, dc1.NetworkError)


def test_invalid_options_raise_before_any_io():
    with pytest.raises(dc1.InvalidArgumentError):
        dc1.DC1Client(api_key="k", base_url="http://example.com")  # plain http to a remote host
    with pytest.raises(dc1.InvalidArgumentError):
        dc1.DC1Client(timeout=-1)
    with pytest.raises(dc1.InvalidArgumentError):
        dc1.DC1Client(max_retries="three")


def test_insecure_http_can_be_allowed():
    with dc1.DC1Client(api_key="k", base_url="http://example.com", allow_insecure_http=True) as c:
        assert c.base_url == "http://example.com"


def test_context_manager_closes(client):
    with client as c:
        c.providers.list()
    assert client.closed
    with pytest.raises(dc1.ClientClosedError):
        client.providers.list()
    client.close()  # twice is fine


def test_close_waits_for_calls_on_other_threads(emu, renter):
    c = dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url)
    fault(emu, "/api/renters/balance", action="delay", count=1, delay_ms=800)
    results = []
    t = threading.Thread(target=lambda: results.append(c.wallet.balance()))
    t.start()
    time.sleep(0.2)
    c.close()  # must not free the C client under the running call
    t.join(5)
    assert results and results[0].balance_halala == 50000


def test_close_with_interrupt(client, emu, renter):
    job = llm(client, "SLOW interrupt on close")
    errors = []

    def waiter():
        try:
            client.jobs.wait(job.id, timeout=30, poll_interval=0.2)
        except dc1.DC1Error as exc:
            errors.append(exc)

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    client.close(interrupt=True)
    t.join(5)
    assert time.monotonic() - t0 < 3
    assert errors and isinstance(errors[0], dc1.InterruptedCallError)
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as other:
        other.jobs.cancel(job.id)  # free the provider for the next tests


def test_interrupt_ends_a_blocking_wait(client):
    job = llm(client, "SLOW please")
    errors = []

    def waiter():
        try:
            client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
        except dc1.DC1Error as exc:
            errors.append(exc)

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.6)
    t0 = time.monotonic()
    client.interrupt()
    t.join(5)
    assert not t.is_alive()
    assert time.monotonic() - t0 < 2
    assert len(errors) == 1 and isinstance(errors[0], dc1.InterruptedCallError)
    assert errors[0].code == "DC1_E_INTERRUPTED"
    # calls started afterwards are not affected
    assert client.jobs.status(job.id)["status"]
    client.jobs.cancel(job.id)


def test_request_any_route(client):
    out = client.request("GET", "/api/renters/balance")
    assert out["http_status"] == 200
    assert out["body"]["balance_halala"] == 50000
    assert "request_id" in out
    with pytest.raises(dc1.NotFoundError) as info:
        client.request("GET", "/api/jobs/job-does-not-exist")
    assert info.value.status_code == 404


def test_request_post_with_body(client):
    job = llm(client, "SLOW for request-cancel")
    out = client.request("post", f"/api/jobs/{job.id}/cancel", None)
    assert out["http_status"] == 200
    assert out["body"]["success"] is True


def test_request_rejects_bad_paths(client):
    for path in ("no-slash", "/a b", "http://evil/x"):
        with pytest.raises(dc1.InvalidArgumentError):
            client.request("GET", path)


def test_logger_bridge(emu, renter, caplog):
    caplog.set_level(logging.DEBUG, logger="dc1")
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
        c.wallet.balance()
        debug = [r for r in caplog.records if r.name == "dc1" and r.levelno == logging.DEBUG]
        assert debug, "no DEBUG message for the HTTP exchange"
        assert all(renter["api_key"] not in r.getMessage() for r in caplog.records)
        caplog.clear()
        # the server's sanitiser would strip "<b>…</b>": libdc1 warns
        job = c.jobs.submit("llm_inference", {"prompt": "is 3 <b> 5?"}, duration_minutes=1)
        warns = [r for r in caplog.records if r.name == "dc1" and r.levelno == logging.WARNING]
        assert warns, "no WARNING for a prompt the sanitiser will alter"
        c.jobs.cancel(job.id)


def test_logger_level_filters_in_c(emu, renter, caplog):
    caplog.set_level(logging.DEBUG, logger="dc1")
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url,
                       log_level=logging.WARNING) as c:
        c.wallet.balance()
    assert not [r for r in caplog.records if r.name == "dc1" and r.levelno < logging.WARNING]


def test_retry_is_logged_at_info(emu, renter, caplog):
    caplog.set_level(logging.INFO, logger="dc1")
    fault(emu, "/api/renters/balance", count=1, status=503, body={"error": "busy"})
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, retry_base=0.01) as c:
        assert c.wallet.balance().balance_halala == 50000
    assert [r for r in caplog.records if r.name == "dc1" and r.levelno == logging.INFO]


def test_custom_logger_and_removal(emu, renter):
    seen = []

    class Grab(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    log = logging.getLogger("dc1.test.custom")
    log.setLevel(logging.DEBUG)
    log.addHandler(Grab())
    log.propagate = False
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, logger=log) as c:
        c.providers.list()
        assert seen
        seen.clear()
        c.remove_logger()
        c.providers.list()
        assert not seen


def test_library_version_property(client):
    assert client.library_version == dc1.library_version()
    assert "closed" not in repr(client)


def test_interrupt_latency_matches_the_header(emu, renter):
    fault(emu, "/api/renters/balance", action="delay", count=1, delay_ms=5000)
    with dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
        ended = {}

        def call():
            try:
                c.wallet.balance()
            except dc1.InterruptedCallError:
                ended["t"] = time.monotonic()

        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        c.interrupt()
        t.join(5)
        assert "t" in ended
        assert ended["t"] - t0 < 0.25, f"interrupt took {(ended['t'] - t0) * 1000:.0f} ms"


def test_ctrl_c_ends_a_wait_in_the_main_thread(env_for, tmp_path):
    # A blocking ctypes call would hold off SIGINT until the wait ended.
    import signal
    import subprocess
    import sys

    code = (
        "import dc1, time\n"
        "c = dc1.DC1Client()\n"
        "job = c.jobs.submit('llm_inference', {'prompt': 'SLOW ctrl-c'}, duration_minutes=1)\n"
        "print('waiting', flush=True)\n"
        "t0 = time.monotonic()\n"
        "try:\n"
        "    c.jobs.wait(job.id, timeout=60, poll_interval=0.2)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted after %.1f s' % (time.monotonic() - t0), flush=True)\n"
        "    c.jobs.cancel(job.id)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env_for(), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "waiting"
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "interrupted after" in out
    assert float(out.split("after")[1].split()[0]) < 5
