#!/usr/bin/env python3
"""Instructions per dc1_job_get call, this build against a baseline build, in one run
(valgrind callgrind; instruction counts do not drift, so the ratio is exact for these inputs).

    python3 bench/callgrind_compare.py BASELINE_LIBDIR [CURRENT_LIBDIR]

Each libdir holds a libdc1.so.0 (e.g. a worktree of an earlier commit built with `make lib`:
its build/). bench/dc1bench.c's "loop" mode is compiled once against include/dc1.h (the ABI
is the same) and run under callgrind with each library, counting only run_loop(), against a
local keep-alive server answering the same 1.5 KB job document bench/run.py uses. Prints one
JSON line per library and the ratio."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from run import JOB_ID, job_document, parse_callgrind  # noqa: E402

DOC = job_document()
CALLS = int(os.environ.get("BENCH_CALLS", "300"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(DOC)))
        self.end_headers()
        self.wfile.write(DOC)


def main():
    libs = sys.argv[1:] or []
    if not libs:
        raise SystemExit(__doc__)
    if len(libs) == 1:
        libs.append(os.path.join(ROOT, "build"))
    work = tempfile.mkdtemp(prefix="dc1-callgrind-")
    prog = os.path.join(work, "dc1bench")
    subprocess.run(["cc", "-O2", "-g", "-std=c99", "-I" + os.path.join(ROOT, "include"),
                    os.path.join(ROOT, "bench", "dc1bench.c"), "-o", prog, "-L" + libs[-1], "-ldc1", "-lpthread"],
                   check=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    per_call = []
    try:
        for lib in libs:
            out = os.path.join(work, f"callgrind.{len(per_call)}.out")
            env = dict(os.environ, LD_LIBRARY_PATH=os.path.abspath(lib))
            subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=run_loop",
                            f"--callgrind-out-file={out}", prog, "loop", base, "dcp-renter-bench", JOB_ID, str(CALLS),
                            "10"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            total = parse_callgrind(out)[0]
            per_call.append(total / CALLS)
            print(json.dumps({"lib": os.path.abspath(lib), "calls": CALLS, "instructions_per_call": round(total / CALLS)}))
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"current_over_baseline": round(per_call[-1] / per_call[0], 4)}))


if __name__ == "__main__":
    main()
