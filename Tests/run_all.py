#!/usr/bin/env python3
"""`make test`: runs every suite and ends with one line 'N passed, N failed'.

Suites: Swift (swift test), the Swift examples (examples/swift/run.py), ABI, C (against the
emulator), emulator (pytest), Python bindings (pytest), CLI, examples, install, Node.js (node
--test; skipped, visibly, without node). Each suite's own output is shown; counts come from its
closing line, its JUnit XML or node's summary. Exits non-zero if anything failed."""
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
    node = node_suite(env)
    if node is not None:
        results.append(node)
    passed = sum(p for p, _ in results)
    failed = sum(f for _, f in results)
    print("\n%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
