#!/usr/bin/env python3
"""ABI tests: header compiles alone (C99 strict, C++), exported symbols equal exports.txt and the
header's declarations, version macros match dc1_version(), NULL/bad arguments never crash.
Prints 'N passed, N failed'."""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, "build")
LIB = os.path.join(BUILD, "libdc1.so")
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("not ok - " + what + ("\n" + detail if detail else ""))


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


tmp = tempfile.mkdtemp()
inc = os.path.join(ROOT, "include")
r = run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", inc, "-c",
         os.path.join(HERE, "header_c.c"), "-o", os.path.join(tmp, "c.o")])
check(r.returncode == 0, "dc1.h compiles alone as strict C99", r.stdout)
cxx = "c++" if run(["sh", "-c", "command -v c++"]).returncode == 0 else "clang++"
r = run([cxx, "-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", inc, "-c",
         os.path.join(HERE, "header_cpp.cpp"), "-o", os.path.join(tmp, "cpp.o")])
check(r.returncode == 0, "dc1.h compiles alone as C++11", r.stdout)

r = run(["nm", "-D", "--defined-only", LIB])
exported = sorted(l.split()[-1] for l in r.stdout.splitlines() if len(l.split()) == 3 and l.split()[1] in "TDBRVW")
expected = sorted(l.strip() for l in open(os.path.join(HERE, "exports.txt")) if l.strip())
check(exported == expected, "exported symbols equal Tests/abi/exports.txt",
      "extra: %s\nmissing: %s" % (sorted(set(exported) - set(expected)), sorted(set(expected) - set(exported))))
header = open(os.path.join(inc, "dc1.h")).read()
declared = sorted(set(re.findall(r"DC1_EXPORT[^;(]*?\b(dc1_\w+)\s*\(", header)))
check(declared == expected, "every header declaration is exported and vice versa",
      "header-only: %s\nexport-only: %s" % (sorted(set(declared) - set(expected)), sorted(set(expected) - set(declared))))

r = run(["readelf", "-d", LIB])
check("libdc1.so.0" in r.stdout and "SONAME" in r.stdout, "SONAME is libdc1.so.0")
r = run(["ldd", LIB])
check("swift" not in r.stdout.lower(), "ldd shows no Swift library", r.stdout)

ver = re.search(r'#define DC1_VERSION_STRING "([^"]+)"', header).group(1)
parts = [re.search(r"#define DC1_VERSION_%s (\d+)" % k, header).group(1) for k in ("MAJOR", "MINOR", "PATCH")]
check(ver == ".".join(parts), "DC1_VERSION_STRING matches the MAJOR/MINOR/PATCH macros")

# Loads without the Swift toolchain: run a C program with PATH and LD_LIBRARY_PATH stripped of /opt/swift.
exe = os.path.join(tmp, "null_args")
r = run(["cc", "-std=c99", "-Wall", "-Wextra", "-I", inc, os.path.join(HERE, "test_null_args.c"), "-o", exe,
         "-L" + BUILD, "-Wl,-rpath," + BUILD, "-ldc1"])
check(r.returncode == 0, "test_null_args builds", r.stdout)
if r.returncode == 0:
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
    r = run([exe], env=env, timeout=120)
    print(r.stdout, end="")
    m = re.findall(r"^(\d+) passed, (\d+) failed$", r.stdout, re.M)
    if m:
        p, f = map(int, m[-1])
        passed += p
        failed += f
    check(r.returncode == 0, "test_null_args exits 0 (no crash)", "exit %d" % r.returncode)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
