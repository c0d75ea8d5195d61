"""Issue 25: the emulator's lines are shell commands, so `dc1 balance` works right after they are
run — pasted (eval of the printed lines), through `eval "$(… --detach)"`, or sourced from
--env-file. The shell starts with no DC1_* variable at all."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import DC1, EMULATOR

EMU = [sys.executable, "-m", "dc1_emulator", "--port", "0", "--speed", "20", "--quiet"]


def shell(script: str, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DC1_")}
    env.update(PYTHONPATH=str(EMULATOR), DC1=str(DC1), **extra)
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=90)


def start(*extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(EMULATOR))
    return subprocess.Popen(EMU + list(extra), env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)


def test_eval_of_the_printed_lines_then_balance():
    proc = start()
    try:
        lines = "".join(proc.stdout.readline() for _ in range(3))
        r = shell('eval "$LINES" && "$DC1" balance && "$DC1" --json balance', LINES=lines)
        assert r.returncode == 0, (r.stdout, r.stderr)
        assert "1000.00 SAR" in r.stdout or "1000 SAR" in r.stdout, r.stdout
        assert '"balance_halala":100000' in r.stdout.replace(" ", ""), r.stdout
    finally:
        stop(proc)


def test_eval_of_detach_then_balance():
    r = shell('eval "$(python3 -m dc1_emulator --detach --port 0 --quiet)" || exit 9\n'
              'trap \'kill "$DC1_EMULATOR_PID"\' EXIT\n'
              '"$DC1" balance')
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "SAR" in r.stdout


def test_env_file_sourced_then_balance(tmp_path):
    path = tmp_path / "dc1.env"
    proc = start("--env-file", str(path))
    try:
        deadline = time.monotonic() + 30
        while not path.exists():
            assert time.monotonic() < deadline and proc.poll() is None, "no env file"
            time.sleep(0.05)
        r = shell('. "$F" && "$DC1" balance', F=str(path))
        assert r.returncode == 0 and "SAR" in r.stdout, (r.stdout, r.stderr)
    finally:
        stop(proc)
    assert not path.exists()
