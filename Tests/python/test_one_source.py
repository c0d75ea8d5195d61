"""Things written once: the error-code table and the version live in include/dc1.h; the
Python tables, the Swift core (checked by its own test), the docs, the Makefile and the
packaging must agree with it."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import dc1
from dc1 import _lib, errors

REPO = Path(__file__).resolve().parents[2]
HEADER = (REPO / "include" / "dc1.h").read_text()


def header_codes():
    return {name: int(value) for name, value in
            re.findall(r"^#define (DC1_E_\w+)\s+(-\d+)\s*$", HEADER, re.M)}


def test_python_error_tables_equal_the_header():
    codes = header_codes()
    assert len(codes) >= 21
    # The names come from the core (dc1_strerror): no table of its own in the binding.
    assert not hasattr(errors, "_BY_RC")
    assert {rc: errors.code_for_rc(rc) for rc in codes.values()} == {rc: name for name, rc in codes.items()}
    assert errors.code_for_rc(-12345) == "DC1_E_UNKNOWN"
    assert set(errors._BY_CODE) == set(codes)


def test_every_code_maps_to_an_exception_class_with_that_default_code():
    for name, cls in errors._BY_CODE.items():
        assert issubclass(cls, dc1.DC1Error)
        assert name in header_codes()


def test_the_library_names_every_header_code():
    for name, rc in header_codes().items():
        assert _lib.strerror(rc) == name


def test_docs_errors_lists_every_code():
    doc = (REPO / "docs" / "errors.md").read_text()
    for name, rc in header_codes().items():
        assert re.search(r"\| %d \| `%s` \|" % (rc, name), doc), name


def test_one_version():
    version = re.search(r'#define DC1_VERSION_STRING "([^"]+)"', HEADER).group(1)
    assert _lib.version() == version                       # the library (Swift reads the header)
    assert dc1.__version__ == version
    pyproject = (REPO / "bindings" / "python" / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]', pyproject, re.M)      # setup.py reads the header
    assert not re.search(r'^version = ', pyproject, re.M)
    setup = (REPO / "bindings" / "python" / "setup.py").read_text()
    assert "setup(version=_version()" in setup and "DC1_VERSION_STRING" in setup   # dist-check sees dc1-<v>-*.whl
    package_json = json.loads((REPO / "bindings" / "node" / "package.json").read_text())
    assert package_json["version"] == version          # make dist writes the header's into the tarball too
    make = subprocess.run(["make", "-s", "-p", "-n", "-f", str(REPO / "Makefile")], cwd=REPO,
                          capture_output=True, text=True).stdout
    assert re.search(r"^VERSION := %s$" % re.escape(version), make, re.M)
