"""The emulator is its own pure-Python wheel: `pip wheel emulator/` gives dc1_emulator-<v>-py3-none-any
with the dc1_emulator package and the dc1-emulator console script, nothing of the dc1 client, and
the installed command serves from a fresh venv that has neither the checkout nor libdc1."""
import importlib.util
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMULATOR = ROOT / "emulator"
sys.path.insert(0, str(EMULATOR))
from dc1_emulator.envlines import parse_env  # noqa: E402


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "DC1_LIBRARY", "PIP_REQUIRE_VIRTUALENV") and not k.startswith("DC1_")}
    env.update(extra)
    return env


def _can_build_without_isolation():
    if importlib.util.find_spec("wheel") is None or importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools
    return int(setuptools.__version__.split(".")[0]) >= 61


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("emulator-wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out)]
    # Offline when this interpreter has the build backend; otherwise pip brings setuptools into an
    # isolated build environment, as `pip wheel ./bindings/python` does in test_wheel.py.
    if _can_build_without_isolation():
        cmd.append("--no-build-isolation")
    r = subprocess.run(cmd + [str(EMULATOR)], env=clean_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=600)
    assert r.returncode == 0, r.stdout
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, r.stdout
    return wheels[0]


def test_the_wheel_is_pure_python_and_carries_the_package(wheel):
    assert wheel.name == "dc1_emulator-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta = z.read("dc1_emulator-0.1.0.dist-info/METADATA").decode()
        kind = z.read("dc1_emulator-0.1.0.dist-info/WHEEL").decode()
        entry = z.read("dc1_emulator-0.1.0.dist-info/entry_points.txt").decode()
    sources = {"dc1_emulator/" + p.name for p in (EMULATOR / "dc1_emulator").glob("*.py")}
    assert {"dc1_emulator/__init__.py", "dc1_emulator/__main__.py", "dc1_emulator/app.py"} <= sources
    assert sources <= names, sorted(sources - names)
    code = {n for n in names if not n.startswith("dc1_emulator-0.1.0.dist-info/")}
    assert code == sources, sorted(code ^ sources)          # no dc1/, no libdc1, no caches
    assert "Root-Is-Purelib: true" in kind.splitlines()
    assert "Name: dc1-emulator" in meta.splitlines() and "Requires-Dist" not in meta   # standard library only
    assert "[console_scripts]" in entry and "dc1-emulator = dc1_emulator.__main__:main" in entry


def test_the_installed_command_serves_without_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, env=clean_env())
    py = venv / "bin" / "python"
    # This interpreter's pip installs into the venv (the venv itself needs no pip).
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-index",
                        "--no-deps", str(wheel)], env=clean_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0 and "no such option: --python" in r.stdout:   # pip < 22.3
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, env=clean_env())
        r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)],
                           env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    exe = venv / "bin" / "dc1-emulator"
    assert os.access(exe, os.X_OK)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    r = subprocess.run([str(py), "-c", "import dc1"], env=env, cwd=str(tmp_path), capture_output=True, text=True)
    assert r.returncode != 0, "the emulator wheel must not bring the dc1 client"
    p = subprocess.Popen([str(exe), "--port", "0", "--quiet"], env=env, cwd=str(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        vals = parse_env("".join(p.stdout.readline() for _ in range(3)))
        assert set(vals) == {"DC1_BASE_URL", "DC1_API_KEY", "DC1_EMULATOR_TOKEN"}, vals
        import urllib.request
        req = urllib.request.Request(vals["DC1_BASE_URL"] + "/api/renters/balance",
                                     headers={"x-renter-key": vals["DC1_API_KEY"]})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200 and b"balance_halala" in resp.read()
    finally:
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
