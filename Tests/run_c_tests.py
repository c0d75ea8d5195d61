#!/usr/bin/env python3
"""Runs the C test programs against a fresh emulator and prints 'N passed, N failed'.

Usage: run_c_tests.py [--wrap "valgrind …"] BINARY…
Each program prints one line per check and ends with its own 'N passed, N failed' line.
The emulator is reset between programs so each starts from the seeded state. Each program
gets DC1_BASE_URL, DC1_API_KEY and DC1_EMULATOR_TOKEN (the control API's token).
"""
import os
import re
import shlex
import subprocess
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "emulator"))
from dc1_emulator.envlines import parse_env  # noqa: E402


def start_emulator():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "emulator"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "dc1_emulator", "--host", "127.0.0.1", "--port", "0", "--speed", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    lines = "".join(proc.stdout.readline() for _ in range(3))   # export DC1_BASE_URL=… and so on
    vals = parse_env(lines)
    if not all(k in vals for k in ("DC1_BASE_URL", "DC1_API_KEY", "DC1_EMULATOR_TOKEN")):
        proc.kill()
        raise SystemExit("emulator did not start: %r" % lines)
    return proc, vals["DC1_BASE_URL"], vals["DC1_API_KEY"], vals["DC1_EMULATOR_TOKEN"]


def main(argv):
    wrap = []
    if argv and argv[0] == "--wrap":
        wrap = shlex.split(argv[1])
        argv = argv[2:]
    proc, base, key, token = start_emulator()
    passed = failed = 0
    try:
        for binary in argv:
            urllib.request.urlopen(urllib.request.Request(base + "/__emulator/reset", data=b"{}", method="POST",
                                                          headers={"Content-Type": "application/json",
                                                                   "x-emulator-token": token})).read()
            env = dict(os.environ, DC1_BASE_URL=base, DC1_API_KEY=key, DC1_EMULATOR_TOKEN=token)
            print("# " + os.path.basename(binary), flush=True)
            r = subprocess.run(wrap + [binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=600)
            sys.stdout.write(r.stdout)
            m = re.findall(r"^(\d+) passed, (\d+) failed$", r.stdout, re.M)
            if m:
                p, f = map(int, m[-1])
            else:
                p, f = 0, 1
            if r.returncode != 0 and f == 0:
                print("not ok - %s exited with %d" % (binary, r.returncode))
                f += 1
            passed += p
            failed += f
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
