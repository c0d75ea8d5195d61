"""The public API's type hints hold under `mypy --strict` (the package ships py.typed)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "bindings" / "python"
PUBLIC = ["dc1/__init__.py", "dc1/client.py", "dc1/aio.py", "dc1/models.py", "dc1/errors.py",
          "dc1/_lib.py", "dc1/webhooks.py"]


def test_py_typed_is_shipped():
    assert (PKG / "dc1" / "py.typed").exists()


def test_mypy_strict_accepts_the_public_api():
    pytest.importorskip("mypy", reason="mypy is not installed (make test installs it)")
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *PUBLIC],
                       cwd=PKG, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
