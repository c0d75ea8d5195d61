"""`make install PREFIX=…` gives a tree a C program builds against with pkg-config alone."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "emulator"))
from dc1_emulator import Emulator, parse_env  # noqa: E402


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    p = tmp_path_factory.mktemp("prefix")
    r = subprocess.run(["make", "--no-print-directory", "install", "PREFIX=%s" % p], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    return p


def test_installed_tree(prefix):
    lib = prefix / "lib"
    version = re.search(r'#define DC1_VERSION_STRING "([^"]+)"', open(os.path.join(ROOT, "include", "dc1.h")).read()).group(1)
    assert (lib / ("libdc1.so." + version)).is_file()
    assert os.readlink(lib / "libdc1.so.0") == "libdc1.so." + version
    assert os.readlink(lib / "libdc1.so") == "libdc1.so.0"
    assert (prefix / "include" / "dc1.h").is_file()
    assert os.access(prefix / "bin" / "dc1", os.X_OK)
    pc = (lib / "pkgconfig" / "dc1.pc").read_text()
    assert "prefix=%s" % prefix in pc


def test_c_program_builds_with_pkg_config_alone(prefix, tmp_path):
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "dc1", "jansson"], env=env,
                           stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    exe = tmp_path / "quickstart"
    src = os.path.join(ROOT, "examples", "c", "quickstart.c")
    r = subprocess.run(["cc", "-std=c99", "-I" + os.path.join(ROOT, "examples", "c"), src, "-o", str(exe)] + flags,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    # It must find the installed library (rpath from dc1.pc), not the build tree.
    ldd = subprocess.run(["ldd", str(exe)], stdout=subprocess.PIPE, text=True).stdout
    assert str(prefix / "lib" / "libdc1.so.0") in ldd, ldd
    with Emulator(speed=20.0) as emu:
        run_env = {"PATH": "/usr/bin:/bin", "DC1_BASE_URL": emu.base_url, "DC1_API_KEY": emu.api_key}
        r = subprocess.run([str(exe)], env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=120)
    assert r.returncode == 0, r.stdout
    assert "Result:" in r.stdout and "Balance:" in r.stdout


def test_installed_cli_runs(prefix):
    with Emulator(speed=20.0) as emu:
        env = {"PATH": "/usr/bin:/bin", "DC1_BASE_URL": emu.base_url, "DC1_API_KEY": emu.api_key}
        r = subprocess.run([str(prefix / "bin" / "dc1"), "balance"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=60)
    assert r.returncode == 0, r.stdout
    assert "SAR" in r.stdout


def test_installed_emulator_command(prefix):
    """`make install` gives a dc1-emulator command that runs without the checkout (issue 16)."""
    import re
    import signal
    exe = prefix / "bin" / "dc1-emulator"
    assert os.access(exe, os.X_OK)
    env = {"PATH": "/usr/bin:/bin"}
    p = subprocess.Popen([str(exe), "--port", "0", "--quiet"], env=env, cwd=str(prefix),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [p.stdout.readline().strip() for _ in range(3)]
        assert re.fullmatch(r"export DC1_BASE_URL=http://127\.0\.0\.1:\d+", lines[0]), (lines, p.stderr.read())
        assert lines[1].startswith("export DC1_API_KEY=dcp-renter-")
        assert lines[2].startswith("export DC1_EMULATOR_TOKEN=")
        import urllib.request
        with urllib.request.urlopen(parse_env(lines[0])["DC1_BASE_URL"] + "/api/health", timeout=10) as r:
            assert r.status == 200
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=10)
    assert p.returncode == 0


def test_pyprojects_declare_the_emulator_console_script_in_its_own_package():
    text = open(os.path.join(ROOT, "emulator", "pyproject.toml")).read()
    assert 'name = "dc1-emulator"' in text and 'dc1-emulator = "dc1_emulator.__main__:main"' in text
    client = open(os.path.join(ROOT, "bindings", "python", "pyproject.toml")).read()
    assert "dc1-emulator" not in client and "emulator" not in client.split("[tool.setuptools.packages.find]")[1]
