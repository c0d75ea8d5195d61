#!/usr/bin/env python3
"""`make test`: runs every suite and ends with one line 'N passed, N failed'.

Suites: Swift (swift test), the Swift examples (examples/swift/run.py), ABI, C (against the emulator), emulator (pytest), Python bindings
(pytest), CLI. Each suite's own output is shown; counts come from its closing line or its
JUnit XML. Exits non-zero if anything failed."""
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
PY = sys.executable


def run(name, cmd, counter, env=None, timeout=1200):
    print("\n=== %s: %s" % (name, " ".join(cmd)), flush=True)
    t0 = time.time()
    try:
        p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=env, timeout=timeout)
        out, rc = p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), -1
        out += "\nTIMEOUT after %ds" % timeout
    sys.stdout.write(out)
    passed, failed = counter(out, rc)
    if rc != 0 and failed == 0:
        failed = 1
        print("suite %s exited with %d" % (name, rc))
    print("=== %s: %d passed, %d failed (%.1fs)" % (name, passed, failed, time.time() - t0), flush=True)
    return passed, failed


def closing_line(out, rc):
    m = re.findall(r"^(\d+) passed, (\d+) failed", out, re.M)
    return tuple(map(int, m[-1])) if m else (0, 1)


def junit(path):
    def count(out, rc):
        try:
            root = ET.parse(path).getroot()
        except Exception:
            return (0, 1)
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        total = sum(int(s.get("tests", 0)) for s in suites)
        bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
        skipped = sum(int(s.get("skipped", 0)) for s in suites)
        return (total - bad - skipped, bad)
    return count


def swift_counter(out, rc):
    m = re.search(r"Test run with (\d+) tests?", out)
    total = int(m.group(1)) if m else 0
    failed = len(re.findall(r"✘ Test \S.* failed", out)) if rc else 0
    if rc and failed == 0:
        failed = 1
    return (total - failed, failed)


def main():
    results = []
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "bindings", "python"),
               DC1_LIBRARY=os.path.join(BUILD, "libdc1.so"))
    for k in ("DC1_API_KEY", "DC1_BASE_URL"):   # tests never talk to a real service
        env.pop(k, None)
    results.append(run("swift", ["swift", "test"], swift_counter, env=env))
    # The Swift examples: a package depending on this one by path, run against the emulator.
    results.append(run("swift-examples", [PY, "examples/swift/run.py"], closing_line, env=env))
    results.append(run("abi", [PY, "Tests/abi/run_abi_tests.py"], closing_line, env=env))
    tdir = os.path.join(BUILD, "tests")
    c_tests = sorted(os.path.join(tdir, f) for f in os.listdir(tdir) if f.startswith("test_") and "." not in f)
    results.append(run("c", [PY, "Tests/run_c_tests.py"] + c_tests, closing_line, env=env))
    for suite in ("emulator", "python", "cli", "examples", "install"):
        d = os.path.join(ROOT, "Tests", suite)
        if os.path.isdir(d):
            xml = os.path.join(BUILD, "junit-%s.xml" % suite)
            results.append(run(suite, [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml", xml, d],
                               junit(xml), env=env))
    passed = sum(p for p, _ in results)
    failed = sum(f for _, f in results)
    print("\n%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
