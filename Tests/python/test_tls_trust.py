"""TLS trust without `ca_path` (issue 23): SSL_CERT_FILE, SSL_CERT_DIR, the probe of other
distributions' bundle paths, and `ca_path` winning over all of them. The cases and the HTTPS
server live in Tests/dist/tls_trust.py, which `make dist-check` runs again on the installed wheel."""
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "dist"))
import tls_trust  # noqa: E402

RESULTS = None


def results():
    global RESULTS
    if RESULTS is None:
        env = dict(os.environ, PYTHONPATH=str(REPO / "bindings" / "python"))
        RESULTS = list(tls_trust.cases(sys.executable, env))
    return RESULTS


@pytest.mark.parametrize("index", range(6))
def test_ca_trust(index):
    name, want, got = results()[index]
    if want is None:
        pytest.skip(got["error"])
    assert got["ok"] is want, "%s: %s" % (name, got)
    if want:
        assert got["answer"]["body"] == {"pong": True}
    else:
        assert "certificate" in got["error"].lower() or "ssl" in got["error"].lower(), got
