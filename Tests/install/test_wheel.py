"""The Python package: `pip wheel ./bindings/python` gives a `py3-none-<platform>` wheel that always
carries libdc1.so and py.typed; the installed wheel works from a fresh venv with no environment
variables; a checkout where the library is not built runs `make lib`, and when that cannot work the
build fails with a message saying what to do — never a wheel without the library."""
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINDINGS = ROOT / "bindings" / "python"
VERSION = re.search(r'#define DC1_VERSION_STRING "([^"]+)"', (ROOT / "include" / "dc1.h").read_text()).group(1)
PLATFORM = sysconfig.get_platform().replace("-", "_").replace(".", "_")   # linux_x86_64


def pip_env(**extra):
    env = dict(os.environ, **extra)
    for k in ("DC1_LIBRARY", "PYTHONPATH", "PIP_REQUIRE_VIRTUALENV"):
        if k not in extra:
            env.pop(k, None)
    return env


def pip_wheel(src, out, **env):
    return subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(src)],
                          env=pip_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600)


def copy_checkout(dest):
    """The tracked files of this checkout, as a fresh clone of it would have them (no build/)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, stdout=subprocess.PIPE, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel, follow_symlinks=False)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    lib = ROOT / "build" / "libdc1.so"
    assert lib.is_file(), "make test builds the library first"
    out = tmp_path_factory.mktemp("wheel")
    r = pip_wheel(BINDINGS, out)
    assert r.returncode == 0, r.stdout
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, r.stdout
    return wheels[0]


def test_wheel_is_tagged_for_the_platform_not_the_python(wheel):
    assert wheel.name == "dc1-%s-py3-none-%s.whl" % (VERSION, PLATFORM)
    with zipfile.ZipFile(wheel) as z:
        meta = z.read("dc1-%s.dist-info/WHEEL" % VERSION).decode()
    assert "Tag: py3-none-%s" % PLATFORM in meta.splitlines()
    assert "Root-Is-Purelib: false" in meta


def test_wheel_carries_the_library_and_type_marker(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        so = z.read("dc1/libdc1.so")
    assert so == (ROOT / "build" / "libdc1.so").resolve().read_bytes()   # the real file, not a link
    assert so[:4] == b"\x7fELF"
    for f in ("dc1/__init__.py", "dc1/_lib.py", "dc1/client.py", "dc1/py.typed"):
        assert f in names, f
    # The emulator is its own wheel (dc1-emulator, Tests/install/test_emulator_wheel.py).
    assert not [n for n in names if "emulator" in n], sorted(names)
    assert not [n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]
    assert not [n for n in names if n.startswith("dc1/") and "libdc1" in n and n != "dc1/libdc1.so"]


def test_installed_wheel_works_without_environment(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=pip_env())
    py = venv / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)],
                       env=pip_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    script = (
        "import dc1, os, sys\n"
        "assert dc1.__file__.startswith(%r), dc1.__file__\n"
        "with dc1.DC1Client(api_key=sys.argv[1], base_url=sys.argv[2]) as c:\n"
        "    print('balance', c.wallet.balance())\n" % str(venv))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    sys.path.insert(0, str(ROOT / "emulator"))
    from dc1_emulator import Emulator   # the checkout's emulator, in this process
    with Emulator(speed=20.0) as emu:
        r = subprocess.run([str(py), "-c", script, emu.api_key, emu.base_url], cwd=str(tmp_path), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert r.returncode == 0, r.stdout
    assert "balance" in r.stdout


def test_clone_without_make_lib_fails_clearly_when_it_cannot_build(tmp_path):
    clone = copy_checkout(tmp_path / "clone")
    out = tmp_path / "out"
    # A checkout with no build/: setup.py runs `make lib`, which fails here (no compiler).
    r = pip_wheel(clone / "bindings" / "python", out, SWIFT="false")
    assert r.returncode != 0, r.stdout
    assert "running `make lib`" in r.stdout
    assert "`make lib` failed" in r.stdout and "DC1_LIBRARY=" in r.stdout, r.stdout
    assert not list(out.glob("*.whl")), "no wheel without the library"


def test_clone_without_make_lib_builds_the_library(tmp_path):
    """`make lib` is what setup.py runs in a checkout that has not built the library."""
    repo = tmp_path / "repo"
    shutil.copytree(BINDINGS, repo / "bindings" / "python",
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "libdc1.so*"))
    (repo / "include").mkdir()
    shutil.copy2(ROOT / "include" / "dc1.h", repo / "include" / "dc1.h")
    (repo / "Makefile").write_text(   # stands in for the real build: writes a versioned file and links
        "lib:\n\tmkdir -p build && printf '\\177ELF-stub' > build/libdc1.so.%s"
        " && ln -sf libdc1.so.%s build/libdc1.so\n" % (VERSION, VERSION))
    out = tmp_path / "out"
    r = pip_wheel(repo / "bindings" / "python", out)
    assert r.returncode == 0, r.stdout
    (whl,) = out.glob("*.whl")
    with zipfile.ZipFile(whl) as z:
        assert z.read("dc1/libdc1.so") == b"\x7fELF-stub"


def test_package_outside_a_checkout_fails_clearly(tmp_path):
    pkg = tmp_path / "a" / "b" / "python"
    shutil.copytree(BINDINGS, pkg, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "libdc1.so*"))
    out = tmp_path / "out"
    r = pip_wheel(pkg, out)
    assert r.returncode != 0
    assert "is not a libdc1 checkout" in r.stdout and "make lib" in r.stdout, r.stdout
    r = pip_wheel(pkg, out, DC1_LIBRARY=str(tmp_path / "nowhere.so"))
    assert r.returncode != 0
    assert "DC1_LIBRARY=%s is not a file" % (tmp_path / "nowhere.so") in r.stdout, r.stdout
    assert not list(out.glob("*.whl"))
