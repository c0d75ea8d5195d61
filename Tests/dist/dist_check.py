#!/usr/bin/env python3
"""`make dist-check`: installs every artifact of dist/ as a user would on a bare machine, and runs
it against the emulator. Ends with one line 'N passed, N failed'; exits non-zero on a failure.

* wheel: a fresh venv, `pip install dist/*.whl` (no index); the README's Python blocks, the
  official SDK's documented usage (programs written here: OFFICIAL_USAGE), the TLS trust cases
  (Tests/dist/tls_trust.py) on the wheel's own libcurl, and /proc/<pid>/maps showing libcurl,
  libjansson, libssl and libcrypto mapped from the venv.
* sdist: without Swift it stops with a message saying what to do; with Swift it builds
  (DC1_DIST_CHECK_SDIST_BUILD=0 skips the two-minute build).
* npm: an empty project, `npm install --offline dist/*.tgz` (nothing compiled), the README's JS
  blocks, Tests/node/official_compat.test.js on the installed copy, /proc/<pid>/maps; the
  install script's fallback when the prebuilt addon cannot load; the same prebuilt addon in
  Debian 12's Node 18 (this machine's node is 20).
* deb: `dpkg -i`, a C program built with pkg-config against it, then `apt-get remove`.
* C tarball: unpacked in a temp folder, the README's C block built with pkg-config and run.

Each runs with PATH lacking swift, cc and gcc (a folder of links to everything else in the
system's bin folders; the C checks get the compiler back) and LD_LIBRARY_PATH unset.
"""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIST = os.path.join(ROOT, "dist")
WORK = os.path.join(ROOT, "build", "dist-check")
HEADER = open(os.path.join(ROOT, "include", "dc1.h")).read()
V = re.search(r'#define DC1_VERSION_STRING "([^"]+)"', HEADER).group(1)
sys.path.insert(0, os.path.join(ROOT, "Tests", "dist"))
sys.path.insert(0, os.path.join(ROOT, "Tests", "python"))
import tls_trust  # noqa: E402

# The emulator's start command, the one place it is written: its own top-level package.
EMULATOR_CMD = ["-m", "dc1_emulator"]
EMULATOR_PYTHONPATH = os.path.join(ROOT, "emulator")

COMPILERS = re.compile(r"^(cc|c\+\+|c89|c99|gcc.*|g\+\+.*|cpp.*|clang.*|swift.*|tcc|x86_64-linux-gnu-(gcc|g\+\+|cpp).*)$")


def bare_path():
    """A folder of links to every command of the system's bin folders except compilers and Swift."""
    d = os.path.join(WORK, "bare-bin")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for src in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        if not os.path.isdir(src) or (os.path.islink(src) and src in ("/bin", "/sbin")):
            continue
        for name in os.listdir(src):
            full = os.path.join(src, name)
            if COMPILERS.match(name) or os.path.exists(os.path.join(d, name)):
                continue
            if os.path.isfile(full) and os.access(full, os.X_OK):
                os.symlink(os.path.realpath(full), os.path.join(d, name))
    # node and npm wherever they are (they are not compilers).
    for tool in ("node", "npm", "python3"):
        p = shutil.which(tool)
        if p and not os.path.exists(os.path.join(d, tool)):
            os.symlink(os.path.realpath(p), os.path.join(d, tool))
    return d


def user_env(path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "PYTHONPATH", "DC1_LIBRARY", "DC1_NODE_ADDON", "NODE_PATH",
                        "DC1_API_KEY", "DC1_BASE_URL", "SSL_CERT_FILE", "SSL_CERT_DIR", "CC")}
    env["PATH"] = path
    env.update(extra)
    return env


def run(cmd, env, cwd=None, timeout=600, ok=True):
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if ok and p.returncode != 0:
        raise AssertionError("%s exited %d\n%s\n%s" % (" ".join(cmd), p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    return p


class Emulator:
    def __init__(self):
        env = dict(os.environ, PYTHONPATH=EMULATOR_PYTHONPATH)
        self.proc = subprocess.Popen([sys.executable, *EMULATOR_CMD, "--host", "127.0.0.1", "--port", "0",
                                      "--speed", "20", "--quiet"], env=env, stdout=subprocess.PIPE, text=True)
        found, t0 = {}, time.time()
        while len(found) < 3 and time.time() - t0 < 30:
            line = self.proc.stdout.readline()
            if not line:
                break
            for k in ("DC1_BASE_URL", "DC1_API_KEY", "DC1_EMULATOR_TOKEN"):
                m = re.search(k + r"=(\S+)", line)
                if m:
                    found[k] = m.group(1).strip("'")  # the export lines quote only when needed
        if len(found) < 3:
            self.proc.kill()
            raise RuntimeError("the emulator did not start")
        self.base_url, self.token = found["DC1_BASE_URL"], found["DC1_EMULATOR_TOKEN"]
        self.control("POST", "/__emulator/ratelimit", {"enabled": False})

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers={"x-emulator-token": self.token, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
        return json.loads(text) if text else None

    def key(self):
        return self.control("POST", "/__emulator/renters", {"balance_halala": 50000})["api_key"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def blocks(markdown, lang):
    return [b.strip("\n") for b in re.findall(r"^```%s\n(.*?)^```" % lang, markdown, re.S | re.M)]


def one(pattern):
    found = glob.glob(os.path.join(DIST, pattern))
    assert len(found) == 1, "dist/%s: found %s (make dist first)" % (pattern, found)
    return found[0]


MAPS_PY = r"""
import json, os, dc1
c = dc1.DC1Client()
c.wallet.balance()
libs = sorted({l.split()[-1] for l in open('/proc/%d/maps' % os.getpid())
               if any(n in l for n in ('libcurl', 'libjansson', 'libssl', 'libcrypto', 'libdc1'))})
print(json.dumps(libs))
"""

MAPS_JS = r"""
const fs = require('fs');
const { DC1RenterClient } = require('dc1-renter-sdk');
new DC1RenterClient().getBalance().then(() => {
  const names = ['libcurl', 'libjansson', 'libssl', 'libcrypto', 'libdc1', 'dc1_node'];
  const libs = new Set(fs.readFileSync(`/proc/${process.pid}/maps`, 'utf8').split('\n')
    .filter((l) => names.some((n) => l.includes(n))).map((l) => l.trim().split(/\s+/).pop()));
  console.log(JSON.stringify([...libs].sort()));
}).catch((e) => { console.error(e); process.exit(1); });
"""


def assert_from_package(libs, prefix):
    for name in ("libdc1", "libcurl", "libjansson", "libssl", "libcrypto"):
        hits = [p for p in libs if name in os.path.basename(p)]
        assert hits, "%s is not mapped: %s" % (name, libs)
        outside = [p for p in hits if not os.path.realpath(p).startswith(prefix)]
        assert not outside, "%s mapped from outside %s: %s" % (name, prefix, outside)


class Checks:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def __call__(self, name, fn, *args):
        t0 = time.time()
        try:
            note = fn(*args)
        except Exception as e:  # noqa: BLE001 - every failure is reported and counted
            self.failed += 1
            print("FAIL %s (%.1fs)\n     %s" % (name, time.time() - t0,
                                                "\n     ".join((str(e) or traceback.format_exc()).splitlines()[:40])))
            return None
        if note == "skip" or (isinstance(note, str) and note.startswith("skip")):
            self.skipped += 1
            print("skip %s: %s" % (name, note))
        else:
            self.passed += 1
            print("ok   %s (%.1fs)%s" % (name, time.time() - t0, "  " + note if isinstance(note, str) else ""))
        return note


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    bare = bare_path()
    system_path = os.environ["PATH"]
    check = Checks()
    print("dist-check: libdc1 %s; PATH=%s (no swift, cc, gcc)" % (V, bare))

    def no_compilers():
        for tool in ("swift", "cc", "gcc", "c++", "clang"):
            assert shutil.which(tool, path=bare) is None, "%s is on the bare PATH" % tool
    check("the bare PATH has no swift, cc, gcc", no_compilers)

    def sums():
        names = sorted(os.listdir(DIST))
        expected = ["SHA256SUMS", "dc1-%s-py3-none-manylinux_X_x86_64.whl" % V, "dc1-%s.tar.gz" % V,
                    "dc1-renter-sdk-%s.tgz" % V, "libdc1-%s-linux-x86_64.tar.gz" % V,
                    "libdc1-dev_%s_amd64.deb" % V, "libdc1_%s_amd64.deb" % V]
        got = [re.sub(r"manylinux_\d+_\d+_x86_64", "manylinux_X_x86_64", n) for n in names]
        assert sorted(got) == sorted(expected), names
        run(["sha256sum", "--strict", "-c", "SHA256SUMS"], user_env(bare), cwd=DIST)
        listed = [line.split()[1] for line in open(os.path.join(DIST, "SHA256SUMS"))]
        assert sorted(listed) == sorted(n for n in names if n != "SHA256SUMS"), listed
        return "%d artifacts" % len(listed)
    check("dist/ holds the seven files, and SHA256SUMS covers and matches every artifact", sums)

    emu = Emulator()
    try:
        wheel_checks(check, bare, emu)
        sdist_checks(check, bare, system_path)
        npm_checks(check, bare, system_path, emu)
        c_tarball_checks(check, bare, system_path, emu)
        deb_checks(check, bare, system_path, emu)
    finally:
        emu.stop()
    line = "%d passed, %d failed" % (check.passed, check.failed)
    if check.skipped:
        line += ", %d skipped" % check.skipped
    print(line)
    return 1 if check.failed else 0


# --- wheel ------------------------------------------------------------------------------------

def wheel_checks(check, bare, emu):
    d = os.path.join(WORK, "wheel")
    venv = os.path.join(d, "venv")
    py = os.path.join(venv, "bin", "python")
    env = user_env(bare)
    state = {}

    def install():
        whl = one("dc1-%s-py3-none-manylinux_*_x86_64.whl" % V)
        os.makedirs(d)
        run([sys.executable, "-m", "venv", venv], env)
        run([py, "-m", "pip", "install", "-q", "--no-index", "--disable-pip-version-check", whl], env, cwd=d)
        out = run([py, "-c", "import dc1, json; print(json.dumps([dc1.__file__, dc1.library_version(), dc1.__version__]))"],
                  env, cwd=d).stdout
        f, lv, pv = json.loads(out)
        assert f.startswith(venv), f
        assert lv == V and pv == V, (lv, pv)
        state["site"] = os.path.dirname(os.path.dirname(f))
        return "libdc1 %s from %s" % (lv, os.path.relpath(os.path.dirname(f), d))
    if check("wheel: pip install into a fresh venv", install) is None:
        return

    def user(**extra):
        return user_env(bare, DC1_API_KEY=emu.key(), DC1_BASE_URL=emu.base_url, **extra)

    def readme():
        meta = glob.glob(os.path.join(state["site"], "dc1-%s.dist-info" % V, "METADATA"))[0]
        code = blocks(open(meta).read(), "python")
        assert len(code) >= 3, "the wheel's README has %d Python blocks" % len(code)
        for i, c in enumerate(code):
            out = run([py, "-c", c], user(), cwd=d, timeout=180)
            assert out.stdout.strip(), "block %d printed nothing" % i
        return "%d blocks" % len(code)
    check("wheel: the README's Python blocks (from the installed METADATA)", readme)

    # The official SDK's documented calls, as programs written here (not its README's code):
    # the same names, arguments, attributes and exception classes a program for it uses.
    for name, (code, marker) in OFFICIAL_USAGE.items():
        def flow(code=code, marker=marker):
            out = run([py, "-c", code], user(), cwd=d, timeout=300).stdout
            assert marker in out, out[-2000:]
        check("wheel: the official SDK's documented usage, %s" % name, flow)

    def maps():
        libs = json.loads(run([py, "-c", MAPS_PY], user(), cwd=d).stdout)
        assert_from_package(libs, state["site"])
        return "; ".join(os.path.basename(p) for p in libs)
    check("wheel: /proc/<pid>/maps: libdc1, libcurl, libjansson, libssl, libcrypto from the venv", maps)

    def tls():
        bad = []
        for name, want, got in tls_trust.cases(py, user_env(bare)):
            if want is None:
                return "skip: " + got["error"]
            if got["ok"] is not want:
                bad.append("%s: %s" % (name, got))
        assert not bad, "\n".join(bad)
        return "6 cases, probe included"
    check("wheel: TLS trust (SSL_CERT_FILE, SSL_CERT_DIR, probe, ca_path wins) on the vendored libcurl", tls)


# Programs in this project's own words that use the official dc1 SDK's documented surface:
# (code, a line it must print). Run with the installed wheel, no compiler on PATH.
OFFICIAL_USAGE = {
    "browse, submit, wait, balance": ("""
import os, dc1
c = dc1.DC1Client(api_key=os.environ["DC1_API_KEY"], base_url=os.environ["DC1_BASE_URL"])
gpus = c.providers.list()
print("gpus", len(gpus), gpus[0].gpu_model, gpus[0].vram_gb, gpus[0].reliability_score)
j = c.jobs.submit("llm_inference", {"prompt": "one line on GPUs", "model": "llama3"},
                  provider_id=gpus[0].id, duration_minutes=2)
done = c.jobs.wait(j.id)
print("answer", done.result["output"][:40])
print("funds %.2f SAR" % c.wallet.balance().balance_sar)
""", "funds "),
    "errors and a wait that runs out": ("""
import os
from dc1 import DC1Client, AuthError, APIError, JobTimeoutError
try:
    DC1Client(api_key="dc1-renter-nope").jobs.list()
except AuthError:
    print("refused key")
c = DC1Client(api_key=os.environ["DC1_API_KEY"])
try:
    c.jobs.get("job-0-missing")
except APIError as e:
    print("missing", e.status_code)
j = c.jobs.submit("llm_inference", {"prompt": "SLOW please"}, duration_minutes=1)
try:
    c.jobs.wait(j.id, timeout=1, poll_interval=1)
except JobTimeoutError as e:
    print("still running", e.job_id == j.id)
c.jobs.cancel(j.id)
""", "still running True"),
    "a served model's endpoint": ("""
import os, dc1
c = dc1.DC1Client(api_key=os.environ["DC1_API_KEY"])
big = [g for g in c.providers.list() if g.vram_gb >= 16]
j = c.jobs.submit("vllm_serve", {"model": "mistralai/Mistral-7B-Instruct-v0.2"}, provider_id=big[0].id,
                  duration_minutes=30, priority=1)
up = c.jobs.wait(j.id, timeout=600, poll_interval=1)
print("serving at", up.result.get("endpoint_url", ""))
c.jobs.cancel(j.id)
""", "serving at http"),
}


# --- sdist ------------------------------------------------------------------------------------

def sdist_checks(check, bare, system_path):
    sdist = os.path.join(DIST, "dc1-%s.tar.gz" % V)
    tools = os.path.join(ROOT, "build", "dist-venv", "bin", "python")   # setuptools + wheel, no index needed

    def without_swift():
        out = os.path.join(WORK, "sdist-noswift")
        p = run([tools, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation", "-w", out, sdist],
                user_env(bare), ok=False, timeout=300)
        text = p.stdout + p.stderr
        assert p.returncode != 0, "built without Swift?\n" + text[-2000:]
        assert "Swift 6" in text and "pip install --only-binary dc1 dc1" in text, text[-3000:]
        assert not glob.glob(os.path.join(out, "*.whl"))
    check("sdist: without Swift it stops and says what to do", without_swift)

    def with_swift():
        if os.environ.get("DC1_DIST_CHECK_SDIST_BUILD") == "0":
            return "skip: DC1_DIST_CHECK_SDIST_BUILD=0"
        if not shutil.which("swift"):
            return "skip: no Swift toolchain on this machine"
        out = os.path.join(WORK, "sdist-swift")
        run([tools, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation", "-w", out, sdist],
            user_env(system_path), timeout=1200)
        (whl,) = glob.glob(os.path.join(out, "dc1-%s-*.whl" % V))
        with zipfile.ZipFile(whl) as z:
            assert z.read("dc1/libdc1.so")[:4] == b"\x7fELF"
        return os.path.basename(whl)
    check("sdist: with Swift it builds libdc1 from its own sources", with_swift)


# --- npm --------------------------------------------------------------------------------------

def npm_checks(check, bare, system_path, emu):
    d = os.path.join(WORK, "npm", "project")
    pkg = os.path.join(d, "node_modules", "dc1-renter-sdk")
    env = user_env(bare, npm_config_cache=os.path.join(WORK, "npm", "cache"), npm_config_update_notifier="false",
                   npm_config_fund="false", npm_config_audit="false")

    def install():
        tgz = one("dc1-renter-sdk-%s.tgz" % V)
        os.makedirs(d)
        with open(os.path.join(d, "package.json"), "w") as f:
            json.dump({"name": "bare-user", "version": "1.0.0", "private": True}, f)
        p = run(["npm", "install", "--offline", "--foreground-scripts", tgz], env, cwd=d, timeout=300)
        text = p.stdout + p.stderr
        assert "using the prebuilt addon" in text, text[-2000:]
        assert "building the addon" not in text, text[-2000:]
        v = run(["node", "-e", "const d=require('dc1-renter-sdk');console.log(d.libraryInfo().version)"],
                env, cwd=d).stdout.strip()
        assert v == V, v
        return "libdc1 %s, prebuilt addon" % v
    if check("npm: npm install --offline dist/*.tgz into an empty project (compiles nothing)", install) is None:
        return

    def user():
        return dict(env, DC1_API_KEY=emu.key(), DC1_BASE_URL=emu.base_url)

    def readme():
        code = blocks(open(os.path.join(pkg, "README.md")).read(), "js")
        assert code, "the package's README has no js block"
        for i, c in enumerate(code):
            f = os.path.join(d, "readme-%d.js" % i)
            open(f, "w").write(c + "\n")
            out = run(["node", f], user(), cwd=d, timeout=180).stdout
            assert out.strip(), "block %d printed nothing" % i
        return "%d blocks" % len(code)
    check("npm: the README's JavaScript blocks (from the installed package)", readme)

    def official():
        p = run(["node", "--test", os.path.join(ROOT, "Tests", "node", "official_compat.test.js")],
                dict(env, DC1_NODE_SDK=pkg, PYTHON=sys.executable), cwd=d, timeout=600, ok=False)
        m = re.search(r"^# pass (\d+)\n# fail (\d+)", p.stdout, re.M) or re.search(r"ℹ pass (\d+)\n.*?ℹ fail (\d+)", p.stdout, re.S)
        assert p.returncode == 0 and m and int(m.group(2)) == 0, p.stdout[-3000:] + p.stderr[-2000:]
        return "%s snippets" % m.group(1)
    check("npm: the official SDK's documented usage (Tests/node/official_compat.test.js on the installed copy)",
          official)

    def maps():
        f = os.path.join(d, "maps.js")
        open(f, "w").write(MAPS_JS)
        libs = json.loads(run(["node", f], user(), cwd=d).stdout)
        assert_from_package(libs, os.path.realpath(pkg))
        return "; ".join(os.path.basename(p) for p in libs)
    check("npm: /proc/<pid>/maps: libdc1, libcurl, libjansson, libssl, libcrypto from node_modules", maps)

    def fallback():
        copy = os.path.join(WORK, "npm", "fallback")
        shutil.copytree(pkg, copy, symlinks=True)
        with open(os.path.join(copy, "build", "dc1_node.node"), "wb") as f:
            f.write(b"not an ELF file")
        p = run(["node", os.path.join(copy, "scripts", "install.js")], user_env(system_path), cwd=copy, timeout=300)
        text = p.stdout + p.stderr
        assert "cannot load" in text and "building the addon from source" in text, text[-2000:]
        v = run(["node", "-e", "console.log(require(%r).libraryInfo().version)" % copy], user_env(bare)).stdout.strip()
        assert v == V, v
        p = run(["node", os.path.join(copy, "scripts", "install.js")], user_env(bare), cwd=copy, timeout=120)
        assert "using the prebuilt addon" in p.stdout, p.stdout
    check("npm: an addon that cannot load makes install build it, saying why", fallback)

    def node18():
        """The same prebuilt addon in another Node: Debian 12's Node 18 (N-API 9), unpacked from its
        packages (apt-get download, nothing installed) and run in a private mount namespace that
        gives it the /usr/share/nodejs it expects."""
        if os.geteuid() != 0 or not tls_trust.can_unshare():
            return "skip: needs root and unshare -m"
        root = os.path.join(WORK, "node18")
        os.makedirs(root)
        pkgs = ["nodejs=18.*", "libnode108=18.*", "libuv1", "libc-ares2", "node-cjs-module-lexer", "node-acorn",
                "node-undici"]
        p = run(["apt-get", "download", "-qq", *pkgs], user_env(system_path), cwd=root, ok=False, timeout=300)
        debs = glob.glob(os.path.join(root, "*.deb"))
        if p.returncode != 0 or len(debs) < len(pkgs):
            return "skip: Debian's Node 18 packages could not be downloaded (%s)" % (p.stderr.strip()[-200:])
        for deb in debs:
            run(["dpkg-deb", "-x", deb, os.path.join(root, "x")], user_env(system_path))
        x = os.path.join(root, "x")
        js = ("new (require('dc1-renter-sdk').DC1RenterClient)().getBalance().then((b) => "
              "console.log(process.versions.node, require('dc1-renter-sdk').libraryInfo().version, b.balanceSar))"
              ".catch((e) => { console.error(e); process.exit(1); })")
        script = ('mount --make-rprivate / && mount -t tmpfs tmpfs /usr/share && mkdir /usr/share/nodejs && '
                  'cp -a "$X/usr/share/nodejs/." /usr/share/nodejs/ && '
                  'LD_LIBRARY_PATH="$X/usr/lib/x86_64-linux-gnu" exec "$X/usr/bin/node" -e "$JS"')
        out = run(["unshare", "-m", "sh", "-c", script], dict(user(), X=x, JS=js), cwd=d).stdout.split()
        assert out[0].startswith("18.") and out[1] == V, out
        return "Node %s, libdc1 %s, balance %s SAR" % tuple(out[:3])
    check("npm: the same prebuilt addon runs in Debian's Node 18", node18)


# --- C: tarball and debs ----------------------------------------------------------------------

def c_program(readme_text, where):
    (code,) = blocks(readme_text, "c")
    src = os.path.join(where, "hello.c")
    open(src, "w").write(code + "\n")
    return src


def c_tarball_checks(check, bare, system_path, emu):
    d = os.path.join(WORK, "c")

    def build_and_run():
        tgz = one("libdc1-%s-linux-x86_64.tar.gz" % V)
        os.makedirs(d)
        run(["tar", "xzf", tgz, "-C", d], user_env(bare))
        top = os.path.join(d, "libdc1-%s-linux-x86_64" % V)
        assert os.readlink(os.path.join(top, "lib", "libdc1.so")) == "libdc1.so.0"
        src = c_program(open(os.path.join(top, "README.md")).read(), d)
        env = user_env(system_path, PKG_CONFIG_PATH=os.path.join(top, "lib", "pkgconfig"))
        flags = run(["pkg-config", "--cflags", "--libs", "dc1"], env).stdout.split()
        assert any(top in f for f in flags), flags
        exe = os.path.join(d, "hello")
        run(["cc", src, "-o", exe, *flags], env)
        out = run([exe], user_env(bare, DC1_API_KEY=emu.key(), DC1_BASE_URL=emu.base_url)).stdout
        assert ("libdc1 %s:" % V) in out and "balance" in out, out
        return out.strip()[:80]
    check("C tarball: unpacked in a temp folder, README program built with pkg-config, run", build_and_run)


def deb_checks(check, bare, system_path, emu):
    d = os.path.join(WORK, "deb")
    if os.geteuid() != 0:
        check("deb: dpkg -i, build against it, apt-get remove", lambda: "skip: needs root")
        return
    env = user_env(system_path, DEBIAN_FRONTEND="noninteractive")
    lib = "/usr/lib/x86_64-linux-gnu/libdc1.so.%s" % V

    def install_use_remove():
        debs = [one("libdc1_%s_amd64.deb" % V), one("libdc1-dev_%s_amd64.deb" % V)]
        os.makedirs(d)
        try:
            run(["dpkg", "-i", *debs], env)
            assert os.path.isfile(lib)
            src = c_program(open(os.path.join(ROOT, "build-support", "dist", "README-c.md")).read(), d)
            flags = run(["pkg-config", "--cflags", "--libs", "dc1"], env).stdout.split()
            exe = os.path.join(d, "hello")
            run(["cc", src, "-o", exe, *flags], env)
            ldd = run(["ldd", exe], env).stdout
            assert re.search(r"libdc1.so.0 => (/usr)?/lib/x86_64-linux-gnu/libdc1.so.0 ", ldd), ldd
            out = run([exe], user_env(bare, DC1_API_KEY=emu.key(), DC1_BASE_URL=emu.base_url)).stdout
            assert ("libdc1 %s:" % V) in out, out
        finally:
            run(["apt-get", "remove", "-y", "-qq", "libdc1-dev", "libdc1"], env, ok=False)
        status = run(["dpkg-query", "-W", "-f=${Status}", "libdc1"], env, ok=False).stdout
        assert "install ok installed" not in status, status
        assert not os.path.exists(lib) and not os.path.exists("/usr/include/dc1.h")
        return "installed, used with pkg-config, removed"
    check("deb: dpkg -i, a program built with pkg-config runs, apt-get remove leaves nothing", install_use_remove)


if __name__ == "__main__":
    sys.exit(main())
