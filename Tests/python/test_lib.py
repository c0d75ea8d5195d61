"""dc1._lib: the loader, the declarations and the calling conventions."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import dc1
from dc1 import _lib

REPO = Path(__file__).resolve().parents[2]
HEADER = REPO / "include" / "dc1.h"
BINDINGS = REPO / "bindings" / "python"


def header_functions():
    text = HEADER.read_text()
    return sorted(set(re.findall(r"DC1_EXPORT\s+[^;(]*?\b(dc1_\w+)\s*\(", text)))


def test_every_header_function_is_declared_once():
    declared = [name for name, _, _ in _lib._PROTOTYPES]
    assert len(declared) == len(set(declared))
    assert sorted(declared) == header_functions()


def test_declarations_carry_their_c_prototype():
    source = Path(_lib.__file__).read_text()
    for name in header_functions():
        # the prototype comment sits right above the tuple
        assert re.search(rf"#[^\n]*\b{name}\s*\(", source), name


def test_version_matches_header():
    text = HEADER.read_text()
    major = re.search(r"#define DC1_VERSION_MAJOR (\d+)", text).group(1)
    string = re.search(r'#define DC1_VERSION_STRING "([^"]+)"', text).group(1)
    assert _lib.REQUIRED_MAJOR == int(major)
    assert dc1.library_version() == string
    assert os.path.isabs(dc1.library_path()) or dc1.library_path().startswith("libdc1")


def test_strerror_names_every_code():
    text = HEADER.read_text()
    for name, value in re.findall(r"#define (DC1_(?:OK|E_\w+))\s+(-?\d+)", text):
        assert _lib.strerror(int(value)) == name
    assert _lib.strerror(-12345) == "DC1_E_UNKNOWN"


def test_last_error_is_never_null_and_per_thread():
    assert isinstance(_lib.last_error(), str)


def test_client_new_rejects_bad_options():
    with pytest.raises(dc1.InvalidArgumentError) as info:
        _lib.client_new({"no_such_option": 1})
    assert info.value.code == "DC1_E_INVALID_ARGUMENT"
    assert info.value.rc == -1
    assert info.value.message  # from dc1_last_error()


def test_call_parses_success_and_error_documents(emu):
    handle = _lib.client_new({"base_url": emu.base_url, "api_key": "dc1-renter-nope"})
    try:
        out = _lib.call("dc1_providers_list", handle, None)
        assert isinstance(out["providers"], list)
        with pytest.raises(dc1.AuthError) as info:
            _lib.call("dc1_balance", handle)
        exc = info.value
        assert exc.rc == -4 and exc.code == "DC1_E_AUTH"
        assert exc.http_status in (401, 403, 404)
        assert "dc1-renter-nope" not in str(exc.document)  # the key never leaks
    finally:
        _lib.client_free(handle)


def test_invalid_job_id_never_reaches_the_network(emu):
    handle = _lib.client_new({"base_url": emu.base_url, "api_key": emu.api_key})
    try:
        for bad in ("a/b", "x?y", "p%41", "sp ace", "new\nline", ""):
            with pytest.raises(dc1.InvalidArgumentError):
                _lib.call("dc1_job_get", handle, bad)
    finally:
        _lib.client_free(handle)


def test_free_null_is_a_noop():
    _lib.lib().dc1_free(None)
    _lib.client_free(None)


def _run(code, **env):
    full = dict(os.environ)
    full["PYTHONPATH"] = str(BINDINGS)
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full, timeout=60)


def test_import_does_not_load_the_library():
    code = (
        "import dc1, dc1.errors, dc1.models, sys\n"
        "maps = open('/proc/self/maps').read()\n"
        "assert 'libdc1' not in maps, 'libdc1 loaded at import'\n"
        "print('ok')\n"
    )
    res = _run(code)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"
    # The emulator is a package of its own (emulator/dc1_emulator), no longer dc1.emulator.
    assert not list(BINDINGS.glob("dc1/emulator/*.py"))


def test_dc1_library_env_must_be_absolute():
    res = _run("import dc1\ntry:\n dc1.DC1Client()\nexcept dc1.LibraryError as e:\n print('E', e)",
               DC1_LIBRARY="relative/libdc1.so")
    assert "must be an absolute path" in res.stdout, res.stdout + res.stderr


def test_dc1_library_env_bad_path_is_reported():
    res = _run("import dc1\ntry:\n dc1.DC1Client()\nexcept dc1.LibraryError as e:\n print('E', e)",
               DC1_LIBRARY="/nonexistent/libdc1.so")
    assert "cannot load DC1_LIBRARY=/nonexistent/libdc1.so" in res.stdout, res.stdout + res.stderr


def test_dc1_library_env_is_used():
    path = dc1.library_path()
    if not os.path.isabs(path):
        pytest.fail(f"library loaded from a non-absolute path {path}")
    res = _run("import dc1\nprint(dc1.library_path())", DC1_LIBRARY=path)
    assert res.stdout.strip() == path, res.stderr


def test_loader_order_lists_package_then_repo_build():
    env = os.environ.pop("DC1_LIBRARY", None)
    try:
        paths = _lib.candidate_paths()
    finally:
        if env is not None:
            os.environ["DC1_LIBRARY"] = env
    pkg = str(Path(_lib.__file__).resolve().parent / "libdc1.so")
    build = str(REPO / "build" / "libdc1.so")
    assert paths.index(pkg) < paths.index(build)
