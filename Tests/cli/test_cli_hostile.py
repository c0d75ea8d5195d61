"""Issue 12 from the command line: a hostile server that echoes the key (raw, JSON-escaped,
percent-encoded, HTML references, in malformed/HTML 2xx bodies, in a header) never gets it
printed by build/dc1, on stdout or stderr, with or without --json."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
import test_hostile_server as hostile  # noqa: E402

from conftest import DC1  # noqa: E402


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), hostile._Hostile)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    t.join(5)


@pytest.mark.parametrize("mode", hostile.MODES)
def test_cli_never_prints_an_echoed_key(server, mode):
    hostile._Hostile.mode = mode
    env = dict(os.environ, DC1_API_KEY=hostile.KEY, DC1_BASE_URL=server)
    for args in (["balance"], ["--json", "status", "job-1"], ["--json", "logs", "job-1"]):
        r = subprocess.run([str(DC1)] + args, env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode != 0 or args[-1] != "balance"
        assert not hostile.leaked(r.stdout + r.stderr), (args, r.stdout, r.stderr)
