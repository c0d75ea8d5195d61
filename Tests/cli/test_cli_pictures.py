"""Issue 24, the CLI parts: `dc1 output --save FILE --open` hands the image to the desktop's
opener (or says where it is), and `dc1 usage` draws its series as bars in a terminal while
--json and a pipe stay as they were."""
from __future__ import annotations

import json
import os
import pty
import stat
import subprocess
import time

from _util import PNG_SIGNATURE, submit_json, wait_status
from conftest import DC1, base_env


def test_open_hands_the_file_to_the_opener(dc1, tmp_path):
    job_id = submit_json(dc1, "image_generation", "--prompt", "a red circle")
    wait_status(dc1, job_id, {"completed"}, timeout=30)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    seen = tmp_path / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f"#!/bin/sh\necho \"$1\" > {seen}\n")
    opener.chmod(opener.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "DISPLAY": ":0"}
    target = tmp_path / "out.png"
    r = dc1("output", job_id, "--save", str(target), "--open", env=env)
    assert r.rc == 0, r
    assert target.read_bytes().startswith(PNG_SIGNATURE)
    deadline = time.time() + 5
    while not seen.exists() and time.time() < deadline:
        time.sleep(0.05)
    assert seen.read_text().strip() == str(target)
    # No desktop: it says where the file is instead.
    r = dc1("output", job_id, "--save", str(target), "--open", env={"PATH": "/usr/bin:/bin"})
    assert r.rc == 0 and f"the file is {target}" in r.err, r


def test_open_needs_save(dc1):
    r = dc1("output", "job-1", "--open")
    assert r.rc == 1 and "--open needs --save" in r.err, r


def _in_a_terminal(argv, env):
    """Runs argv with stdout and stderr on a pseudo-terminal; returns what it printed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    return out.decode("utf-8", "replace").replace("\r\n", "\n")


def test_usage_draws_bars_in_a_terminal(dc1, emu, renter):
    for i in range(2):
        submit_json(dc1, "llm_inference", "--prompt", f"spend {i}")
    deadline = time.time() + 30
    doc = {}
    while time.time() < deadline:
        doc = dc1("--json", "usage").json()
        if doc["all_time"]["total_jobs"] >= 2:
            break
        time.sleep(0.3)
    month = doc["monthly"][0]
    text = _in_a_terminal([str(DC1), "usage"], base_env(emu, renter["api_key"]))
    bar_line = next(line for line in text.splitlines() if line.startswith(month["month"]))
    assert "█" in bar_line and f"{month['total_sar']:.2f} SAR" in bar_line, text
    assert "Last 30 days" in text
    # Piped: the table, no blocks; --json: unchanged.
    piped = subprocess.run([str(DC1), "usage"], env=base_env(emu, renter["api_key"]), capture_output=True, text=True)
    assert "█" not in piped.stdout and "MONTH" in piped.stdout
    assert json.loads(dc1("--json", "usage").out) == dc1("--json", "usage").json()
