#!/usr/bin/env python3
"""`make demo`: the guide's flows through the CLI, the C examples, the Python examples and the
Node.js quickstart (when node is installed).

Against a local emulator by default; against a real server when DC1_BASE_URL and DC1_API_KEY
are both set (real jobs cost money, so it says so first)."""
import os
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
OUT = os.path.join(ROOT, "demo-output")
DC1 = os.path.join(BUILD, "dc1")
EMULATOR = os.path.join(ROOT, "emulator")
PYPATH = os.pathsep.join([os.path.join(ROOT, "bindings", "python"), EMULATOR])
sys.path.insert(0, EMULATOR)
from dc1_emulator.envlines import parse_env  # noqa: E402


def banner(text):
    print("\n\033[1m== %s\033[0m" % text if sys.stdout.isatty() else "\n== %s" % text, flush=True)


def step(title, cmd, env):
    banner(title)
    # Printed so that it can be pasted into a shell run from the repository root.
    print("$ " + shlex.join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd), flush=True)
    r = subprocess.run(cmd, env=env, cwd=OUT)
    if r.returncode != 0:
        raise SystemExit("demo step failed: %s (exit %d)" % (title, r.returncode))


def main():
    os.makedirs(OUT, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=PYPATH, DC1_LIBRARY=os.path.join(BUILD, "libdc1.so"))
    emulator = None
    if os.environ.get("DC1_BASE_URL") and os.environ.get("DC1_API_KEY"):
        banner("Using the DC1 service at %s" % os.environ["DC1_BASE_URL"])
        print("These flows submit REAL jobs that are charged to your balance (a few SAR in all).")
        print("Press Ctrl-C within 5 seconds to stop.", flush=True)
        time.sleep(5)
    else:
        banner("Starting the local DC1 emulator")
        emulator = subprocess.Popen([sys.executable, "-m", "dc1_emulator", "--port", "0", "--speed", "4"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        # Its stdout: `export DC1_BASE_URL=…`, `export DC1_API_KEY=…`, `export DC1_EMULATOR_TOKEN=…`.
        vals = parse_env("".join(emulator.stdout.readline() for _ in range(3)))
        base, key = vals["DC1_BASE_URL"], vals["DC1_API_KEY"]
        env["DC1_BASE_URL"], env["DC1_API_KEY"] = base, key
        print("DC1_BASE_URL=%s (emulated; no money is spent)" % base)
    try:
        step("Balance", [DC1, "balance"], env)
        step("Live providers", [DC1, "providers", "--live"], env)
        step("An LLM job, with progress", [DC1, "submit", "llm_inference", "--prompt",
                                           "Write a haiku about desert computing", "max_tokens=128", "--wait"], env)
        step("The C quickstart (balance → providers → job → wait → output → cost)",
             [os.path.join(BUILD, "examples", "quickstart")], env)
        step("An image, saved as a PNG", [DC1, "submit", "image_generation", "--prompt",
                                          "A futuristic mosque with neon lights", "width=512", "height=512",
                                          "--wait", "--save", os.path.join(OUT, "output.png")], env)
        step("The C image example", [os.path.join(BUILD, "examples", "image_generation"),
                                     os.path.join(OUT, "output-c.png")], env)
        step("A custom container's DC1_RESULT_JSON (Python bindings)",
             [sys.executable, os.path.join(ROOT, "examples", "python", "custom_container.py")], env)
        step("The Python quickstart", [sys.executable, os.path.join(ROOT, "examples", "python", "quickstart.py")], env)
        node = shutil.which("node")
        if node:
            step("The Node.js quickstart (dc1-renter-sdk on libdc1)",
                 [node, os.path.join(ROOT, "examples", "node", "quickstart.js")], env)
        else:
            banner("The Node.js quickstart: skipped (no node on PATH)")
        step("A vLLM endpoint answering one chat turn", [sys.executable,
             os.path.join(ROOT, "examples", "python", "vllm_endpoint.py")], env)
        for d in ("batch-py", "batch-c"):      # a fresh batch each demo (a kept journal would resume the old one)
            shutil.rmtree(os.path.join(OUT, d), ignore_errors=True)
        step("The guide's batch pipeline through the batch runner (Python; resumable, paced)",
             [sys.executable, os.path.join(ROOT, "examples", "python", "batch.py"), os.path.join(OUT, "batch-py")], env)
        step("The same batch in C (dc1_batch_run)", [os.path.join(BUILD, "examples", "batch"),
                                                     os.path.join(OUT, "batch-c")], env)
        step("Where the batch stands", [DC1, "batch", "status", "--journal",
                                         os.path.join(OUT, "batch-py", "journal.jsonl")], env)
        step("History", [DC1, "history", "--limit", "5"], env)
    finally:
        if emulator:
            emulator.terminate()
            emulator.wait(timeout=10)
    banner("Done. Outputs are in %s" % OUT)
    for f in sorted(os.listdir(OUT)):
        print("  " + os.path.join(OUT, f))


if __name__ == "__main__":
    main()
