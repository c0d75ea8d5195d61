"""Each example script, run as a user would: a subprocess with DC1_API_KEY and
DC1_BASE_URL pointing at the emulator."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"


def run_example(name, env, cwd, *args):
    res = subprocess.run([sys.executable, str(EXAMPLES / name), *args], env=env, cwd=cwd,
                         capture_output=True, text=True, timeout=120)
    print(res.stdout)
    print(res.stderr, file=sys.stderr)
    assert res.returncode == 0, f"{name} exited {res.returncode}:\n{res.stdout}\n{res.stderr}"
    return res.stdout


def test_quickstart(env_for, tmp_path):
    out = run_example("quickstart.py", env_for(), tmp_path)
    assert "Balance: 500.00 SAR" in out
    assert "Job submitted: job-" in out
    assert "Status: completed" in out
    assert "Result:" in out


def test_image_generation_default_path_is_demo_output(env_for, tmp_path):
    out = run_example("image_generation.py", env_for(), tmp_path)
    assert "Saved demo-output/output.png" in out, out
    assert (tmp_path / "demo-output" / "output.png").read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "output.png").exists()


def test_image_generation(env_for, tmp_path):
    out = run_example("image_generation.py", env_for(), tmp_path, "camel.png")
    assert "Saved" in out
    data = (tmp_path / "camel.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_vllm_endpoint(env_for, tmp_path):
    out = run_example("vllm_endpoint.py", env_for(), tmp_path)
    assert "Endpoint ready: http" in out
    assert "OpenAI base_url: http" in out
    assert "Answer:" in out
    assert "Stopped job-" in out


def test_batch_pipeline(env_for, tmp_path):
    out = run_example("batch_pipeline.py", env_for(), tmp_path)
    assert out.count("✓") == 5
    assert "5/5 prompts done" in out


def test_batch(env_for, tmp_path):
    out = run_example("batch.py", env_for(), tmp_path, str(tmp_path / "w"))
    assert out.count("✓") == 5 and "5/5 prompts done, 5 jobs" in out
    out = run_example("batch.py", env_for(), tmp_path, str(tmp_path / "w"))
    assert "5/5 prompts done" in out and "line" not in out    # resumed: nothing ran again


def test_custom_container(env_for, tmp_path):
    out = run_example("custom_container.py", env_for(), tmp_path)
    assert "Job: job-" in out
    assert "Output kind:" in out


def test_examples_fail_nonzero_without_server(env_for, tmp_path):
    env = env_for(DC1_BASE_URL="http://127.0.0.1:9")
    res = subprocess.run([sys.executable, str(EXAMPLES / "quickstart.py")], env=env,
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode != 0
    assert "error:" in res.stderr
