#!/usr/bin/env python3
"""The Swift examples as a suite of `make test`, built the way the README tells a user to:

build/swift-example/dc1-checkout is the project under a folder name that is not "libdc1" (a
symlink), and build/swift-example/my-app a package with this folder's sources whose manifest
says, word for word as the README does, `.package(path: "../dc1-checkout")` and
`.product(name: "DC1", package: "dc1-checkout")`. It is built, the emulator started, each
example run against it and its closing line checked. examples/swift/Package.swift itself (which
derives the identity from its folder) is checked to load. Ends with 'N passed, N failed'."""
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "emulator"))
from dc1_emulator.envlines import parse_env  # noqa: E402
EXAMPLES = [("quickstart", "quickstart: ok"), ("chat-stream", "chat-stream: ok")]
WORK = os.path.join(ROOT, "build", "swift-example")
APP = os.path.join(WORK, "my-app")
MANIFEST = """// swift-tools-version:6.0
// A user's package: libdc1 checked out as ../dc1-checkout, so its identity is "dc1-checkout".
import PackageDescription

let package = Package(
    name: "my-app",
    dependencies: [.package(path: "../dc1-checkout")],
    targets: [
%s    ]
)
"""


def make_user_package():
    """build/swift-example: the checkout under another name, and my-app with the examples."""
    os.makedirs(WORK, exist_ok=True)
    link = os.path.join(WORK, "dc1-checkout")
    if not os.path.islink(link):
        if os.path.exists(link):
            shutil.rmtree(link)
        os.symlink(os.path.relpath(ROOT, WORK), link)
    src = os.path.join(APP, "Sources")
    if os.path.isdir(src):
        shutil.rmtree(src)
    shutil.copytree(os.path.join(HERE, "Sources"), src)
    targets = "".join('        .executableTarget(name: "%s", dependencies: [.product(name: "DC1", package: "dc1-checkout")]),\n'
                      % name for name, _ in EXAMPLES)
    text = MANIFEST % targets
    path = os.path.join(APP, "Package.swift")
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, "w") as f:
            f.write(text)


def start_emulator():
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "emulator"))
    p = subprocess.Popen([sys.executable, "-m", "dc1_emulator", "--port", "0", "--speed", "20", "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    vals = parse_env("".join(p.stdout.readline() for _ in range(3)))   # export DC1_BASE_URL=… and so on
    if "DC1_BASE_URL" not in vals or "DC1_API_KEY" not in vals:
        p.kill()
        raise RuntimeError("the emulator did not start")
    return p, vals


def main():
    passed = failed = 0
    t0 = time.time()
    d = subprocess.run(["swift", "package", "describe"], cwd=HERE, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    ok = d.returncode == 0 and "Identity:" in d.stdout
    print("%s examples/swift/Package.swift loads (identity from its folder)" % ("ok  " if ok else "FAIL"))
    if not ok:
        sys.stdout.write(d.stdout[-3000:])
    passed, failed = passed + ok, failed + (not ok)

    make_user_package()
    b = subprocess.run(["swift", "build"], cwd=APP, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if b.returncode != 0:
        sys.stdout.write(b.stdout[-6000:])
        print("FAIL build of my-app (depends on ../dc1-checkout by path)")
        print("%d passed, %d failed" % (passed, failed + len(EXAMPLES) + 1))
        return 1
    print("ok   build of my-app, depending on ../dc1-checkout by path (%.0f s)" % (time.time() - t0))
    passed += 1
    bindir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=APP, stdout=subprocess.PIPE,
                            text=True).stdout.strip()
    emu, vals = start_emulator()
    try:
        env = dict(os.environ, **vals)
        for name, marker in EXAMPLES:
            t = time.time()
            try:
                r = subprocess.run([os.path.join(bindir, name)], cwd=APP, env=env, stdout=subprocess.PIPE,
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
