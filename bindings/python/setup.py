"""Bundles libdc1 into the wheel when it has been built.

``pip install ./bindings/python`` copies the library found at ``$DC1_LIBRARY``
or at the repository's ``build/libdc1.so`` into the installed ``dc1`` package,
so the installed bindings find it without any environment variable. Without a
built library the package installs as pure Python and looks for libdc1 at run
time (``$DC1_LIBRARY``, the package directory, the system).
"""
import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent


def _built_library():
    env = os.environ.get("DC1_LIBRARY")
    if env and os.path.isfile(env):
        return Path(env)
    candidate = HERE.parent.parent / "build" / "libdc1.so"
    return candidate if candidate.is_file() else None


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        lib = _built_library()
        if lib is not None and not (HERE / "dc1" / "libdc1.so").exists():
            target = Path(self.build_lib) / "dc1" / "libdc1.so"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(lib, target)  # follows a symlink: the real file goes in


class MaybeBinaryDistribution(Distribution):
    def has_ext_modules(self):
        # A wheel holding libdc1.so is platform-specific.
        return _built_library() is not None or (HERE / "dc1" / "libdc1.so").exists()


setup(cmdclass={"build_py": BuildPyWithLibrary}, distclass=MaybeBinaryDistribution)
