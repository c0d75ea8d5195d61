"""pytest setup for the Python bindings.

* Puts ``bindings/python`` first on sys.path, so the tests use the checkout.
* Loads libdc1 before any test: when it is missing the whole run fails loudly
  (CI builds it first; a skip would hide a broken build).
* One emulator for the session (``emu``), and a fresh client per test
  (``client``), pointed at it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINDINGS = REPO / "bindings" / "python"
EMULATOR = REPO / "emulator"
for _p in (EMULATOR, BINDINGS):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import dc1  # noqa: E402
from dc1 import _lib  # noqa: E402

from _helpers import new_renter  # noqa: E402


def pytest_sessionstart(session):
    # Fail the run at once, with the loader's message, when libdc1 is missing.
    try:
        _lib.lib()
    except dc1.LibraryError as exc:
        raise pytest.UsageError(
            f"libdc1 could not be loaded: {exc}\n"
            "Build it first (`make lib` in the repository root) or set DC1_LIBRARY."
        ) from None


@pytest.fixture(scope="session")
def emu():
    from dc1_emulator import Emulator

    with Emulator(speed=20.0) as emulator:
        # The server's limiters (300 requests/min per IP, 20 submits/min per key, …)
        # would throttle a test suite making thousands of calls; the tests that are
        # about rate limiting switch them on again (or inject 429s).
        emulator.control("POST", "/__emulator/ratelimit", {"enabled": False})
        yield emulator


@pytest.fixture(autouse=True)
def _no_leftover_faults(request):
    """A fault a test left unconsumed must not hit the next test."""
    yield
    if "emu" in request.fixturenames:
        request.getfixturevalue("emu").clear_faults()


@pytest.fixture()
def renter(emu):
    """A fresh renter with 500 SAR, so tests do not share history, balance or
    rate-limit buckets: {'id', 'api_key'}. Jobs it leaves running are cancelled
    afterwards, so a SLOW job never holds a provider for the next test."""
    info = new_renter(emu, 50000)
    yield info
    try:
        with dc1.DC1Client(api_key=info["api_key"], base_url=emu.base_url, logger=False) as c:
            for job in c.jobs.list(limit=100):
                if not job.is_done:
                    try:
                        c.jobs.cancel(job.id)
                    except dc1.DC1Error:
                        pass
    except dc1.DC1Error:
        pass


@pytest.fixture()
def client(emu, renter):
    c = dc1.DC1Client(api_key=renter["api_key"], base_url=emu.base_url, timeout=15)
    yield c
    c.close()


@pytest.fixture()
def env_for(emu):
    """Environment for a subprocess talking to the emulator."""

    def make(**extra):
        env = dict(os.environ)
        env["DC1_API_KEY"] = new_renter(emu, 50000)["api_key"]
        env["DC1_BASE_URL"] = emu.base_url
        env["PYTHONPATH"] = str(BINDINGS) + os.pathsep + env.get("PYTHONPATH", "")
        env.update(extra)
        return env

    return make
