"""`make uninstall PREFIX=…` removes exactly what `make install PREFIX=…` put there."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def make(target, prefix):
    r = subprocess.run(["make", "--no-print-directory", target, "PREFIX=%s" % prefix], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout


def files_under(top):
    return sorted(str(p.relative_to(top)) for p in top.rglob("*") if p.is_file() or p.is_symlink())


def test_uninstall_mirrors_install(tmp_path):
    prefix = tmp_path / "prefix"
    mine = prefix / "share" / "keep-me.txt"      # something that was there before: it stays
    mine.parent.mkdir(parents=True)
    mine.write_text("not libdc1's")
    make("install", prefix)
    installed = files_under(prefix)
    for f in ("lib/libdc1.so", "bin/dc1", "bin/dc1-emulator", "include/dc1.h", "lib/pkgconfig/dc1.pc"):
        assert f in installed, installed
    make("uninstall", prefix)
    assert files_under(prefix) == ["share/keep-me.txt"], files_under(prefix)
    make("uninstall", prefix)                    # a second uninstall is harmless
    assert os.path.exists(mine)
