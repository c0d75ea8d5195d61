"""Bundles libdc1 into the wheel: a wheel of these bindings always carries ``dc1/libdc1.so``.

``pip install ./bindings/python`` and ``pip wheel ./bindings/python`` take the library from, in
order: ``$DC1_LIBRARY``; ``dc1/libdc1.so`` already in the package directory; the repository's
``build/libdc1.so``. When none exists and the package sits in a libdc1 checkout, ``make lib`` is
run in the repository root first (about two minutes; it needs the Swift toolchain). When the
library can be neither found nor built, the build stops with a message saying what to do, rather
than producing a wheel that fails at the first client.

The sdist (``make dist``) carries the library's sources in ``libdc1-src/``: built from it,
``make lib`` runs there when the Swift toolchain is on PATH; without it the build stops and says
to install the prebuilt wheel or Swift. The version is read from ``include/dc1.h`` (the
checkout's, or the sdist's copy), the one place it is written.

The library is loaded through ctypes, so the wheel does not depend on the Python version or ABI:
it is tagged ``py3-none-<platform>`` (``py3-none-linux_x86_64``).
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:  # setuptools >= 70.1 has bdist_wheel itself; older ones take it from the wheel package
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
IN_PACKAGE = HERE / "dc1" / "libdc1.so"
SDIST_SRC = HERE / "libdc1-src"   # present in the sdist only

HOW_TO_FIX = (
    "Build the library first and retry:\n"
    "    make lib                      # in the libdc1 repository root (needs Swift 6)\n"
    "    pip install ./bindings/python\n"
    "or point DC1_LIBRARY at a built libdc1.so:\n"
    "    DC1_LIBRARY=/path/to/libdc1.so pip install ./bindings/python"
)


class LibraryMissing(SystemExit):
    pass


def _header():
    for h in (REPO / "include" / "dc1.h", SDIST_SRC / "include" / "dc1.h"):
        if h.is_file():
            return h
    raise LibraryMissing("dc1: include/dc1.h not found (neither %s nor %s); the version is read from it"
                         % (REPO / "include", SDIST_SRC / "include"))


def _version():
    """DC1_VERSION_STRING of the header; outside a checkout or sdist (no header), the package's
    __version__, which Tests/python/test_one_source.py keeps equal to it."""
    try:
        m = re.search(r'^#define DC1_VERSION_STRING "([^"]+)"', _header().read_text(), re.M)
    except LibraryMissing:
        m = re.search(r'^__version__ = "([^"]+)"', (HERE / "dc1" / "__init__.py").read_text(), re.M)
    if not m:
        raise LibraryMissing("dc1: no version found in include/dc1.h or dc1/__init__.py")
    return m.group(1)


def _library_from_sdist():
    """The sdist: build libdc1 from libdc1-src with the Swift toolchain, or stop and say why."""
    if shutil.which("swift") is None:
        raise LibraryMissing(
            "dc1: this is the source distribution of dc1 %s; it builds libdc1 (Swift) and the Swift 6\n"
            "toolchain is not on PATH. Either install the prebuilt wheel, which needs no compiler:\n"
            "    pip install --only-binary dc1 dc1\n"
            "or install Swift 6 (swift.org) and the C headers (Debian: apt-get install\n"
            "libcurl4-openssl-dev libjansson-dev libssl-dev pkg-config) and retry." % _version())
    print("dc1: building libdc1 from source in %s (make lib)" % SDIST_SRC, flush=True)
    r = subprocess.run(["make", "--no-print-directory", "lib"], cwd=str(SDIST_SRC))
    lib = SDIST_SRC / "build" / "libdc1.so"
    if r.returncode != 0 or not lib.is_file():
        raise LibraryMissing("dc1: `make lib` failed in %s (exit %d); see the output above." % (SDIST_SRC, r.returncode))
    return lib


def _found_library():
    env = os.environ.get("DC1_LIBRARY")
    if env:
        if not os.path.isfile(env):
            raise LibraryMissing("dc1: DC1_LIBRARY=%s is not a file.\n%s" % (env, HOW_TO_FIX))
        return Path(env)
    if IN_PACKAGE.is_file():
        return IN_PACKAGE
    built = REPO / "build" / "libdc1.so"
    return built if built.is_file() else None


def _library():
    """The libdc1.so to bundle, running `make lib` in the repository when it is not built yet."""
    lib = _found_library()
    if lib is not None:
        return lib
    if SDIST_SRC.is_dir():
        return _library_from_sdist()
    if not (REPO / "Makefile").is_file() or not (REPO / "include" / "dc1.h").is_file():
        raise LibraryMissing(
            "dc1: libdc1.so is not built and %s is not a libdc1 checkout, so it cannot be built here.\n%s"
            % (REPO, HOW_TO_FIX))
    print("dc1: build/libdc1.so is missing; running `make lib` in %s" % REPO, flush=True)
    try:
        r = subprocess.run(["make", "--no-print-directory", "lib"], cwd=str(REPO),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out, rc = r.stdout, r.returncode
    except OSError as e:
        out, rc = str(e), -1
    lib = REPO / "build" / "libdc1.so"
    if rc != 0 or not lib.is_file():
        tail = "\n".join(out.strip().splitlines()[-15:])
        raise LibraryMissing(
            "dc1: `make lib` failed in %s (exit %d), so there is no libdc1.so to bundle:\n%s\n\n%s"
            % (REPO, rc, tail, HOW_TO_FIX))
    return lib


class BuildPyWithLibrary(build_py):
    def run(self):
        # pip builds in the source tree: start from an empty build/lib/dc1 so that a module
        # deleted from the sources is not shipped from an earlier build.
        shutil.rmtree(str(Path(self.build_lib) / "dc1"), ignore_errors=True)
        super().run()
        lib = _library()
        target = Path(self.build_lib) / "dc1" / "libdc1.so"
        target.parent.mkdir(parents=True, exist_ok=True)
        if lib.resolve() != target.resolve():
            shutil.copy2(str(lib), str(target))  # follows a symlink: the real file goes in


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True  # the wheel holds libdc1.so, so it is platform-specific


class PlatformWheel(bdist_wheel):
    """py3-none-<platform>: any Python 3 (ctypes, no extension module), one platform."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(version=_version(), cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel}, distclass=BinaryDistribution)
