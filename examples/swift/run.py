#!/usr/bin/env python3
"""The Swift examples as a suite of `make test`: builds this package (which depends on libdc1 by
path, as a user's package does), starts the emulator, runs each example against it and checks
its closing line. Ends with 'N passed, N failed'."""
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = [("quickstart", "quickstart: ok"), ("chat-stream", "chat-stream: ok")]


def start_emulator():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "bindings", "python"))
    p = subprocess.Popen([sys.executable, "-m", "dc1.emulator", "--port", "0", "--speed", "20", "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    vals = {}
    for _ in range(2):
        line = p.stdout.readline().strip()
        if "=" in line:
            k, v = line.split("=", 1)
            vals[k] = v
    if "DC1_BASE_URL" not in vals or "DC1_API_KEY" not in vals:
        p.kill()
        raise RuntimeError("the emulator did not start")
    return p, vals


def main():
    passed = failed = 0
    t0 = time.time()
    b = subprocess.run(["swift", "build"], cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if b.returncode != 0:
        sys.stdout.write(b.stdout[-6000:])
        print("FAIL build of examples/swift")
        print("0 passed, %d failed" % (len(EXAMPLES) + 1))
        return 1
    print("ok   build of examples/swift (%.0f s)" % (time.time() - t0))
    passed += 1
    bindir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=HERE, stdout=subprocess.PIPE,
                            text=True).stdout.strip()
    emu, vals = start_emulator()
    try:
        env = dict(os.environ, **vals)
        for name, marker in EXAMPLES:
            t = time.time()
            try:
                r = subprocess.run([os.path.join(bindir, name)], cwd=HERE, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, timeout=180)
                out, rc = r.stdout, r.returncode
            except subprocess.TimeoutExpired as e:
                out, rc = str(e.stdout or ""), -1
            ok = rc == 0 and marker in out
            print("%s %s (%.1f s)" % ("ok  " if ok else "FAIL", name, time.time() - t))
            if not ok:
                sys.stdout.write(out[-4000:])
            passed, failed = passed + ok, failed + (not ok)
    finally:
        emu.send_signal(signal.SIGKILL)
        emu.wait()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
