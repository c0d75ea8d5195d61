"""Each C example (examples/c, built by `make test` into build/examples) runs against the
emulator and prints its result."""
import os
import struct
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "emulator"))
from dc1_emulator import Emulator  # noqa: E402

BUILD = os.path.join(ROOT, "build", "examples")


@pytest.fixture(scope="module")
def emu():
    with Emulator(speed=20.0) as e:
        yield e


def run(emu, name, *args, cwd=None):
    exe = os.path.join(BUILD, name)
    assert os.access(exe, os.X_OK), f"{exe} is not built (make examples)"
    env = {"PATH": "/usr/bin:/bin", "DC1_BASE_URL": emu.base_url, "DC1_API_KEY": emu.api_key}
    r = subprocess.run([exe, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout
    return r.stdout


def test_quickstart(emu):
    out = run(emu, "quickstart")
    assert "Balance:" in out and "Job submitted: job-" in out and "Status: completed" in out
    assert "Result:" in out and "[emulated]" in out and "Actual cost:" in out


def test_image_generation_saves_a_png(emu, tmp_path):
    out = run(emu, "image_generation", str(tmp_path / "output.png"))
    data = (tmp_path / "output.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (512, 512) and "512x512" in out


def test_output_png_default_name(emu, tmp_path):
    run(emu, "image_generation", cwd=tmp_path)
    assert (tmp_path / "demo-output" / "output.png").read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "output.png").exists()


def test_batch_pipeline_runs_jobs_concurrently(emu):
    out = run(emu, "batch_pipeline")
    assert out.count("✓") == 3 and "✗" not in out


def test_batch_runs_through_the_runner_and_resumes(emu, tmp_path):
    out = run(emu, "batch", str(tmp_path / "w"))
    assert out.count("✓") == 3 and "✗" not in out and "3/3 prompts done, 3 jobs" in out
    before = emu.counters()["jobs_created"]
    out = run(emu, "batch", str(tmp_path / "w"))       # a re-run resumes: nothing submitted again
    assert "3/3 prompts done" in out and emu.counters()["jobs_created"] == before


def test_custom_container_result(emu):
    out = run(emu, "custom_container")
    assert 'DC1_RESULT_JSON: {"matmul_shape":[64,64]' in out
