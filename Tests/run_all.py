#!/usr/bin/env python3
"""`make test`: runs every suite and ends with one line 'N passed, N failed'.

Suites: Swift (swift test), the Swift examples (examples/swift/run.py), ABI, C (against the
emulator), emulator (pytest), Python bindings (pytest), CLI, examples, install, docs, Node.js
(node --test; skipped, visibly, without node). Each suite's own output is shown; counts come from
its closing line, from the JUnit XML that this run wrote (deleted before the suite starts, so a
file left by an earlier run is never read) or from node's summary. A suite that could not run, ran
no test, or exited non-zero with no failure counted, counts as one failure.
Exits non-zero if anything failed.

`make test` runs this with an interpreter that has pytest (build-support/pytools.sh installs it,
in build/venv when the system Python is externally managed)."""
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
PY = sys.executable


def not_run(name, why):
    """A suite that could not start counts as one failure."""
    print("\n=== %s: could not run: %s" % (name, why))
    print("=== %s: 0 passed, 1 failed" % name, flush=True)
    return 0, 1


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
    except OSError as e:
        return not_run(name, e)
    sys.stdout.write(out)
    passed, failed = counter(out, rc)
    if rc != 0 and failed == 0:
        failed = 1
        print("suite %s exited with %d" % (name, rc))
    if passed + failed == 0:
        failed = 1
        print("suite %s ran no test" % name)
    print("=== %s: %d passed, %d failed (%.1fs)" % (name, passed, failed, time.time() - t0), flush=True)
    return passed, failed


def closing_line(out, rc):
    m = re.findall(r"^(\d+) passed, (\d+) failed", out, re.M)
    return tuple(map(int, m[-1])) if m else (0, 1)


def junit(path):
    """Counts from the JUnit XML at `path`, which must have been written by this run."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass

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
    return (max(total - failed, 0), failed)


def node_counter(out, rc):
    """node --test ends with its summary: '# pass N' and '# fail N' (the last ones printed)."""
    p = re.findall(r"^# pass (\d+)$", out, re.M)
    f = re.findall(r"^# fail (\d+)$", out, re.M)
    if not p:
        return (0, 1)
    return (int(p[-1]), int(f[-1]) if f else 0)


def node_suite(env):
    """The Node.js package (bindings/node) with Node's own runner; skipped, visibly, without node."""
    node = shutil.which(os.environ.get("NODE", "node"))
    if not node:
        print("\n=== node: SKIPPED: no `node` on PATH, the Node.js package (bindings/node) is not tested", flush=True)
        return None
    addon = os.path.join(ROOT, "bindings", "node", "build", "dc1_node.node")
    if not os.path.exists(addon):
        subprocess.run([node, os.path.join(ROOT, "bindings", "node", "scripts", "build.js")], cwd=ROOT, env=env)
    return run("node", [node, "--expose-gc", "--test", "Tests/node/"], node_counter, env=env)


def main():
    results = []
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "bindings", "python"),
                                                      os.path.join(ROOT, "emulator")]),
               DC1_LIBRARY=os.path.join(BUILD, "libdc1.so"))
    for k in ("DC1_API_KEY", "DC1_BASE_URL"):   # tests never talk to a real service
        env.pop(k, None)
    results.append(run("swift", ["swift", "test"], swift_counter, env=env))
    # The Swift examples: a package depending on this one by path, run against the emulator.
    results.append(run("swift-examples", [PY, "examples/swift/run.py"], closing_line, env=env))
    results.append(run("abi", [PY, "Tests/abi/run_abi_tests.py"], closing_line, env=env))
    tdir = os.path.join(BUILD, "tests")
    c_tests = sorted(os.path.join(tdir, f) for f in os.listdir(tdir)
                     if f.startswith("test_") and "." not in f) if os.path.isdir(tdir) else []
    if c_tests:
        results.append(run("c", [PY, "Tests/run_c_tests.py"] + c_tests, closing_line, env=env))
    else:
        results.append(not_run("c", "no C test binaries in %s (run through `make test`)" % tdir))
    try:
        import pytest  # noqa: F401
        have_pytest = True
    except ImportError:
        have_pytest = False
    for suite in ("emulator", "python", "cli", "examples", "install", "docs"):
        d = os.path.join(ROOT, "Tests", suite)
        if not os.path.isdir(d):
            results.append(not_run(suite, "%s is missing" % d))
        elif not have_pytest:
            results.append(not_run(suite, "pytest is not installed for %s (`make test` installs it)" % PY))
        else:
            os.makedirs(BUILD, exist_ok=True)
            xml = os.path.join(BUILD, "junit-%s.xml" % suite)
            results.append(run(suite, [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml", xml, d],
                               junit(xml), env=env))
    node = node_suite(env)
    if node is not None:
        results.append(node)
    passed = sum(p for p, _ in results)
    failed = sum(f for _, f in results)
    print("\n%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
