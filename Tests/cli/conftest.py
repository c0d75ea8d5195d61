"""pytest setup for the dc1 command line.

* build/dc1 must exist (`make cli`); when it is missing the run fails at once
  (a skip would hide a broken build).
* One emulator for the session (``emu``, speed 20), a fresh funded renter per
  test (``renter``), and ``dc1``: runs build/dc1 against the emulator with the
  renter's key in DC1_API_KEY and checks that the key appears in neither stdout
  nor stderr, whatever the command did.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
BINDINGS = REPO / "bindings" / "python"
DC1 = Path(os.environ.get("DC1_CLI", REPO / "build" / "dc1"))
EMULATOR = REPO / "emulator"
for _p in (EMULATOR, BINDINGS):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))


def pytest_sessionstart(session):
    if not os.access(DC1, os.X_OK):
        raise pytest.UsageError(f"{DC1} is missing; build it first (`make cli`) or set DC1_CLI.")


class Result:
    def __init__(self, args: List[str], proc: subprocess.CompletedProcess):
        self.args = args
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self, line: int = 0):
        """The `line`-th JSON document printed on stdout (--json prints one per line)."""
        return json.loads(self.out.splitlines()[line])

    def __repr__(self) -> str:
        return f"dc1 {' '.join(self.args)} -> {self.rc}\nstdout: {self.out}\nstderr: {self.err}"


@pytest.fixture(scope="session")
def emu():
    from dc1_emulator import Emulator

    # The tests never reach the internet, so the real server's "hostname resolves to a public IP"
    # check on registered webhook URLs (https://hooks.example.com/...) is switched off here.
    with Emulator(speed=20.0, webhook_dns_check=False) as emulator:
        yield emulator


@pytest.fixture()
def renter(emu):
    """A fresh renter with 500 SAR: {'id', 'api_key'} (own balance, history and limits)."""
    return emu.add_renter(50000)


def base_env(emu, key: Optional[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DC1_")}
    env["DC1_BASE_URL"] = emu.base_url
    if key is not None:
        env["DC1_API_KEY"] = key
    return env


@pytest.fixture()
def dc1(emu, renter):
    """dc1(*args, key=…, env=…, input=…, timeout=…) -> Result. The renter's key is in
    the environment unless `key` says otherwise (None removes it)."""
    secrets = {renter["api_key"]}

    def run(*args: str, key: Optional[str] = renter["api_key"], env: Optional[dict] = None,
            input: Optional[str] = None, timeout: float = 30) -> Result:
        e = base_env(emu, key)
        if env:
            e.update(env)
        if key:
            secrets.add(key)
        for i, a in enumerate(args):
            if a == "--api-key" and i + 1 < len(args):
                secrets.add(args[i + 1])
        argv = [str(DC1), *args]
        proc = subprocess.run(argv, env=e, input=input, capture_output=True, text=True, timeout=timeout)
        r = Result(list(args), proc)
        for s in secrets:
            assert s not in r.out and s not in r.err, f"the API key was printed: {r!r}"
        return r

    return run
