#!/usr/bin/env python3
"""The Node.js rows of `make bench`: bench/node_bench.js against nginx on loopback and over the
20 ms HTTPS link (the same servers and network namespaces as bench/run.py, built with its
helpers), plus the event-loop lag figure of Tests/node/load.test.js. Writes (or replaces) the
section "## 7. Node.js" at the end of BENCHMARKS.md and leaves every other section as it is.

Run after bench/run.py (which rewrites BENCHMARKS.md): `make bench` does both.
Environment: BENCH_SCALE (as run.py), BENCH_OUT (the report to amend)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
import run as R  # noqa: E402  (bench/run.py: servers, namespaces, TLS, cleanup)

ROOT = R.ROOT
NODE = shutil.which(os.environ.get("NODE", "node"))
SECTION = "## 7. Node.js: dc1-renter-sdk (issue 15)"


def node_bench(extra, env=None, inns=None):
    cmd = (inns or []) + [NODE, os.path.join(BENCH, "node_bench.js"), "--json"] + extra
    r = R.run_child(cmd, env=env, timeout=900)
    return json.loads(r.out.strip().splitlines()[-1])


def loopback():
    www = os.path.join(R.WORK, "www")
    os.makedirs(www, exist_ok=True)
    os.chmod(www, 0o755)
    with open(os.path.join(www, "job.json"), "wb") as f:
        f.write(R.job_document())
    for n in ("output.json", "output-small.json"):
        with open(os.path.join(www, n), "w") as f:
            f.write("{}")
    for n in os.listdir(www):
        os.chmod(os.path.join(www, n), 0o644)
    ng = R.Nginx("nginx-node", www, workers=1)
    try:
        R.log(f"node: loopback against nginx at {ng.base}")
        res = node_bench(["--base", ng.base, "--job", R.JOB_ID, "--key", R.KEY,
                          "--calls", str(R.scaled(3000, 300)), "--rounds", str(R.scaled(7, 3))])
        res["loadavg"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        return res, www
    finally:
        ng.stop()


def link(www):
    if os.geteuid() != 0:
        return {"skipped": "needs root (network namespaces)"}
    tag = str(os.getpid())
    ns_srv, ns_cli = f"dc1n-srv-{tag}", f"dc1n-cli-{tag}"
    for ns in (ns_srv, ns_cli):
        subprocess.run(["ip", "netns", "add", ns], check=True)
        R.NAMESPACES.append(ns)
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
    method = "tc netem"
    try:
        R.veth_netem(ns_srv, ns_cli, tag)
    except subprocess.CalledProcessError:
        method = "user-space TUN relay (bench/netdelay.py)"
        relay = R.start_daemon([sys.executable, os.path.join(BENCH, "netdelay.py"), ns_srv, R.NS_SERVER_ADDR,
                                ns_cli, R.NS_CLIENT_ADDR, "24", str(R.NET_DELAY_MS)], stdout=subprocess.PIPE)
        if relay.stdout.readline().decode().strip() != "READY":
            raise RuntimeError("netdelay.py did not start")
    tls_dir = os.path.join(R.WORK, "tls")
    os.makedirs(tls_dir, exist_ok=True)
    os.chmod(tls_dir, 0o755)
    tls = R.make_tls(tls_dir, R.NS_SERVER_ADDR)
    ng = R.Nginx("nginx-node-netns", www, workers=1, host=R.NS_SERVER_ADDR, port=8443, tls=tls, netns=ns_srv)
    inns = ["ip", "netns", "exec", ns_cli]
    url = f"{ng.base}/api/jobs/{R.JOB_ID}"
    deadline = time.time() + 15
    while True:
        r = subprocess.run(inns + ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", tls["ca"], url],
                           capture_output=True, text=True)
        if r.stdout.startswith("200"):
            break
        if time.time() > deadline:
            raise RuntimeError("nginx in the namespace did not answer")
        time.sleep(0.1)
    env = dict(os.environ, NODE_EXTRA_CA_CERTS=tls["ca"])
    R.log(f"node: HTTPS over a {2 * R.NET_DELAY_MS} ms round trip ({method})")
    res = node_bench(["--base", ng.base, "--job", R.JOB_ID, "--key", R.KEY, "--ca", tls["ca"],
                      "--calls", str(R.scaled(100, 20)), "--rounds", str(R.scaled(3, 2))], env=env, inns=inns)
    res["method"] = method
    ng.stop()
    return res


def lag():
    env = dict(os.environ)
    env.pop("DC1_API_KEY", None)
    env.pop("DC1_BASE_URL", None)
    r = subprocess.run([NODE, "--expose-gc", "--test", "--test-name-pattern", "event-loop lag",
                        os.path.join(ROOT, "Tests", "node", "load.test.js")],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    m = re.search(r"event-loop lag with 50 waits pending: p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms", r.stdout)
    if not m:
        return {"skipped": "the lag test printed no figure: " + r.stdout[-300:]}
    return {"p50": float(m.group(1)), "p99": float(m.group(2)), "max": float(m.group(3))}


def table(res, add, unit_rate="calls/s"):
    labels = res["labels"]
    add("| client | one at a time: calls/s | CPU µs/call | 20 at once: calls/s | CPU µs/call |")
    add("|---|---:|---:|---:|---:|")
    conc = f"conc{res['concurrency']}"
    for k in ("addon", "addon_core", "https", "fetch"):
        a, b = res["rows"][f"{k}/loop"], res["rows"][f"{k}/{conc}"]
        name = labels[k]
        if k == "addon":
            name = f"**{name}**"
        add(f"| {name} | {a['rate']:,.1f} | {a['cpu_us_per_call']:.0f} | {b['rate']:,.1f} | {b['cpu_us_per_call']:.0f} |")
    add("")
    for mode, title in (("loop", "one at a time"), (conc, "20 at once")):
        a = res["rows"][f"addon/{mode}"]
        add(f"- {title}: the addon makes **{a['vs_fetch']:.2f}×** `fetch`'s calls/s and {a['vs_https']:.2f}× "
            f"`https.request`'s, with {a['cpu_vs_fetch']:.2f}× `fetch`'s CPU per call and "
            f"{a['cpu_vs_https']:.2f}× `https.request`'s.")
    add("")


def report(lo, ln, lg):
    out = []
    add = out.append
    add(SECTION)
    add("")
    add(f"`bench/node_bench.js` (Node {lo['node']}), run by `bench/node_run.py`: `getJob` of a running job "
        "(the same ~1.5 KB document as section 1) through dc1-renter-sdk — the N-API addon over libdc1 — "
        "beside the official SDK's transport (`http`/`https.request` on Node's global keep-alive agent, then "
        "`JSON.parse`) and `fetch` + `JSON.parse`, in the same process and the same run, rounds interleaved "
        "(medians). CPU is the whole process's (`process.cpuUsage`: the addon's worker threads included) "
        "divided by the calls. The `addon_core` row is the addon's bare call without building the Job object.")
    add("")
    add("One at a time, each addon call crosses threads twice (the event loop → a worker thread → the event "
        "loop), which `https.request` never does: it parses on the event loop itself. Those crossings cost "
        "about 18 µs on an idle core (a call that fails before any I/O, measured alone), but on a loaded machine "
        "each one waits for a core, so the one-at-a-time rows move the most between runs. 20 at once, the "
        "crossings overlap and libdc1's own per-call cost (section 1) decides.")
    add("")
    add(f"Load average when this section was measured: {lo.get('loadavg', '?')} (on "
        f"{os.cpu_count()} cores).")
    add("")
    add(f"**Loopback** (nginx, one worker; {lo['calls']} calls per sample at 20 at once, half that one at a "
        f"time; {lo['rounds']} rounds):")
    add("")
    table(lo, add)
    if "skipped" in ln:
        add(f"**HTTPS over 20 ms**: skipped ({ln['skipped']}).")
    else:
        add(f"**HTTPS over a 20 ms round trip** (nginx with TLS in one network namespace, the client in "
            f"another, {ln['method']}; {ln['calls']} calls per sample, {ln['rounds']} rounds; fetch takes the "
            "bench CA from NODE_EXTRA_CA_CERTS, the addon from `caPath`):")
        add("")
        table(ln, add)
    if "skipped" in lg:
        add(f"**Event-loop lag**: {lg['skipped']}")
    else:
        add(f"**Event-loop lag while 50 `waitForJob` calls are pending** (Tests/node/load.test.js, "
            f"`monitorEventLoopDelay` at 1 ms resolution over 2.5 s with short calls meanwhile): p50 "
            f"{lg['p50']:.2f} ms, **p99 {lg['p99']:.2f} ms**, max {lg['max']:.2f} ms. Each wait runs on "
            "its own thread inside libdc1's `dc1_job_watch`; JavaScript only receives the status events.")
    add("")
    add("| target (issue 15) | measured | result |")
    add("|---|---:|---|")

    def row(name, val, ok):
        add(f"| {name} | {val} | **{'pass' if ok else 'FAIL'}** |")
    for title, res in (("loopback", lo), ("20 ms link", ln)):
        if "skipped" in res:
            continue
        for mode in ("loop", f"conc{res['concurrency']}"):
            a = res["rows"][f"addon/{mode}"]
            m = "one at a time" if mode == "loop" else "20 at once"
            row(f"calls/s ≥ 1.0× fetch ({title}, {m})", f"{a['vs_fetch']:.2f}×", a["vs_fetch"] >= 1.0)
            row(f"CPU per call ≤ fetch's ({title}, {m})", f"{a['cpu_vs_fetch']:.2f}×", a["cpu_vs_fetch"] <= 1.0)
    if "skipped" not in lg:
        row("event-loop lag p99 < 20 ms with 50 waits pending", f"{lg['p99']:.2f} ms", lg["p99"] < 20)
    add("")
    return "\n".join(out) + "\n"


def amend(path, section):
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    i = text.find(SECTION)
    if i >= 0:
        j = text.find("\n## ", i + len(SECTION))
        text = text[:i] + section + (text[j + 1:] if j >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)


def main():
    if not NODE:
        print("node_run: no node on PATH; the Node.js rows are skipped")
        return 0
    os.chdir(ROOT)
    subprocess.run([NODE, os.path.join(ROOT, "bindings", "node", "scripts", "build.js")], check=True)
    R.WORK = tempfile.mkdtemp(prefix="dc1bench-node-")
    os.chmod(R.WORK, 0o755)
    try:
        lo, www = loopback()
        try:
            ln = R.guarded("node over the 20 ms link", link, www)
        finally:
            for p in list(R.CHILDREN):
                R.stop_daemon(p)
            for ns in list(R.NAMESPACES):
                subprocess.run(["ip", "netns", "del", ns], capture_output=True)
                R.NAMESPACES.remove(ns)
        R.log("node: event-loop lag (Tests/node/load.test.js)")
        lg = lag()
        section = report(lo, ln, lg)
        amend(R.OUT_MD, section)
        R.log(f"node: wrote {SECTION!r} into {R.OUT_MD}")
        print(section)
        return 1 if R.FAILED else 0
    finally:
        R.cleanup()


if __name__ == "__main__":
    sys.exit(main())
