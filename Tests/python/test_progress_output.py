"""Issue 24, Python: progress=True draws the core's wait and batch events (tqdm when it is
installed, else one rewritten stderr line on a terminal, else nothing); an image output
shows itself in a notebook from the bytes it holds; usage() becomes a DataFrame."""
from __future__ import annotations

import asyncio
import base64
import fcntl
import importlib.util
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest

import dc1
from dc1 import progress
from _helpers import counters

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _lines(n):
    return [{"job_type": "llm_inference", "duration_minutes": 1, "id": i,
             "params": {"prompt": f"progress line {i}", "max_tokens": 8}} for i in range(1, n + 1)]


@pytest.fixture()
def no_tqdm(monkeypatch):
    """As where tqdm is not installed: importing it fails."""
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)


# ---------------------------------------------------------------------------
# What is drawn
# ---------------------------------------------------------------------------


def test_batch_line_shows_the_figures_the_cli_shows():
    ev = {"type": "progress", "lines": 20, "done": 12, "failed": 1, "running": 3, "queued": 2,
          "pending": 2, "spent_halala": 1234, "spent_sar": 12.34, "elapsed_ms": 60000,
          "jobs_per_min": 14.0}
    assert progress.batch_line(ev) == ("batch: 12/20 done, 1 failed, 3 running, 2 queued, 2 to submit"
                                       " · 12.34 SAR · 14/min · ETA 30s")
    ev.update(budget_sar=50, jobs_per_min=0)
    assert progress.batch_line(ev).endswith("· 12.34 SAR of 50")


def test_wait_line_shows_status_and_time():
    assert progress.wait_line("job-1", {"elapsed_ms": 125000}, "running") == "job job-1: running · 2m05s"
    assert progress.wait_line("job-1", {}, None) == "job job-1: waiting · 0s"


def test_progress_defaults_to_off(client, capsys):
    job = client.jobs.submit("llm_inference", {"prompt": "quiet"}, duration_minutes=1)
    client.jobs.wait(job.id, timeout=60, poll_interval=0.05)
    client.batch.run(_lines(2))
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------------------
# With tqdm
# ---------------------------------------------------------------------------


def test_wait_progress_with_tqdm(client, capsys):
    pytest.importorskip("tqdm")
    job = client.jobs.submit("llm_inference", {"prompt": "bar please"}, duration_minutes=1)
    seen = []
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.05, progress=True, on_event=seen.append)
    assert done.status == "completed"
    err = capsys.readouterr().err
    assert f"job {job.id}: completed" in err, err
    assert any(e["type"] == "status" for e in seen)  # the user's callback still gets every event


def test_wait_ready_progress_with_tqdm(client, capsys):
    pytest.importorskip("tqdm")
    job = client.jobs.submit("vllm_serve", {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"},
                             duration_minutes=5)
    try:
        ep = client.jobs.wait_ready(job.id, timeout=60, poll_interval=0.1, progress=True)
        assert ep.endpoint_url
        assert f"job {job.id}: running" in capsys.readouterr().err
    finally:
        client.jobs.cancel(job.id)


def test_batch_progress_with_tqdm(client, capsys, tmp_path):
    pytest.importorskip("tqdm")
    res = client.batch.run(_lines(20), journal=tmp_path / "j", concurrency=8, progress=True)
    assert res.summary["completed"] == 20
    err = capsys.readouterr().err
    assert "20/20 done" in err and "0 failed" in err, err


def test_async_progress_with_tqdm(emu, renter, capsys, tmp_path):
    pytest.importorskip("tqdm")

    async def main():
        async with dc1.AsyncDC1Client(api_key=renter["api_key"], base_url=emu.base_url) as c:
            job = await c.jobs.submit("llm_inference", {"prompt": "async bar"}, duration_minutes=1)
            await c.jobs.wait(job.id, timeout=60, poll_interval=0.05, progress=True)
            res = await c.batch.run(_lines(4), journal=tmp_path / "j", progress=True)
            assert (await c.batch.status(tmp_path / "j"))["completed"] == 4
            return job.id, res

    job_id, res = asyncio.run(main())
    assert res.summary["completed"] == 4
    err = capsys.readouterr().err
    assert f"job {job_id}: completed" in err and "4/4 done" in err, err


# ---------------------------------------------------------------------------
# Without tqdm
# ---------------------------------------------------------------------------


def test_without_tqdm_nothing_is_drawn_off_a_terminal(client, capsys, no_tqdm):
    job = client.jobs.submit("llm_inference", {"prompt": "no bar"}, duration_minutes=1)
    assert client.jobs.wait(job.id, timeout=60, poll_interval=0.05, progress=True).status == "completed"
    assert client.batch.run(_lines(3), progress=True).summary["completed"] == 3
    assert capsys.readouterr().err == ""  # pytest's stderr is no terminal


class _FakeTTY:
    def __init__(self):
        self.written = []

    def isatty(self):
        return True

    def write(self, text):
        self.written.append(text)

    def flush(self):
        pass


def test_without_tqdm_the_line_overwrites_itself(no_tqdm):
    tty = _FakeTTY()
    display = progress.open_display("wait", "job-9", stream=tty)
    display.event({"type": "status", "status": "queued", "elapsed_ms": 0})
    display.event({"type": "tick", "status": "queued", "elapsed_ms": 1000})
    display.event({"type": "status", "status": "completed", "elapsed_ms": 2000})
    display.close()
    assert tty.written[0] == "\rjob job-9: queued · 0s\x1b[K"
    assert tty.written[-2] == "\rjob job-9: completed · 2s\x1b[K"
    assert tty.written[-1] == "\n"


# The child: a 20-line batch with progress=True, stderr a pseudo-terminal.
PTY_CHILD = """
import sys
if sys.argv[1] == "no-tqdm":
    sys.modules["tqdm"] = None
    sys.modules["tqdm.auto"] = None
import dc1
lines = [{"job_type": "llm_inference", "duration_minutes": 1, "params": {"prompt": "pty %d" % i}}
         for i in range(20)]
with dc1.DC1Client() as c:
    res = c.batch.run(lines, concurrency=4, progress=True)
print("completed", res.summary["completed"], flush=True)
"""


def _run_in_pty(env, mode, cwd):
    """Runs the child with stderr on a pseudo-terminal; returns (stdout, terminal output)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    proc = subprocess.Popen([sys.executable, "-c", PTY_CHILD, mode], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    screen = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        out = proc.communicate(timeout=60)[0]
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return out, screen.decode("utf-8", "replace")


def test_batch_line_on_a_terminal_without_tqdm(env_for, tmp_path):
    out, screen = _run_in_pty(env_for(), "no-tqdm", tmp_path)
    assert out.strip() == "completed 20", out + screen
    frames = [f.replace("\x1b[K", "") for f in screen.replace("\r\n", "\n").split("\r") if f.strip()]
    assert len(frames) >= 3, screen  # it moved
    assert frames[-1].startswith("batch: 20/20 done, 0 failed"), frames[-1]
    assert frames[-1].endswith("\n") and screen.count("\n") == 1  # one line, ended once
    counts = [int(f.split("/")[0].split()[-1]) for f in frames]
    assert counts == sorted(counts) and counts[0] < 20, counts


def test_batch_bar_on_a_terminal_with_tqdm(env_for, tmp_path):
    pytest.importorskip("tqdm")
    out, screen = _run_in_pty(env_for(), "tqdm", tmp_path)
    assert out.strip() == "completed 20", out + screen
    frames = [f for f in screen.replace("\r\n", "\n").split("\r") if f.strip()]
    assert len(frames) >= 3, screen
    assert "20/20 done" in frames[-1] and "batch |" in frames[-1], frames[-1]


# ---------------------------------------------------------------------------
# Images in notebooks
# ---------------------------------------------------------------------------


def test_image_output_shows_itself_without_a_request(client, emu, tmp_path):
    job = client.jobs.submit("image_generation", {"prompt": "a desert at dusk"}, duration_minutes=1)
    done = client.jobs.wait(job.id, timeout=60, poll_interval=0.05)
    out = client.jobs.output(job.id)
    assert isinstance(out, dc1.Output) and isinstance(out, dict) and out["kind"] == "image"
    before = counters(emu)["requests_by_path"]
    png = out._repr_png_()
    assert png[:8] == PNG_MAGIC
    assert out.bytes == png and out.image_format == "png"
    assert out._repr_jpeg_() is None and out._repr_html_() is None
    saved = out.save(tmp_path / "dusk.png")
    assert open(saved, "rb").read() == png
    assert done.result._repr_png_() == png and done.output.bytes == png  # the job's copy too
    assert counters(emu)["requests_by_path"] == before, "showing an image made a request"
    # The same bytes the core's streamed save writes.
    client.jobs.save_image(job.id, tmp_path / "core.png")
    assert (tmp_path / "core.png").read_bytes() == png


def test_other_formats_and_other_kinds():
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 16
    out = dc1.Output({"kind": "image", "format": "jpeg", "image_base64": base64.b64encode(jpeg).decode()})
    assert out._repr_jpeg_() == jpeg and out._repr_png_() is None and out._repr_html_() is None
    webp = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8
    out = dc1.Output({"kind": "image", "format": "webp", "image_base64": base64.b64encode(webp).decode()})
    assert out._repr_html_().startswith('<img src="data:image/webp;base64,UklGR')
    text = dc1.Output({"kind": "text", "text": "hello"})
    assert text._repr_png_() is None and text._repr_html_() is None and text.kind == "text"
    with pytest.raises(ValueError):
        text.bytes  # noqa: B018


def test_saved_path_of_a_batch_output(tmp_path):
    (tmp_path / "line-1.png").write_bytes(PNG_MAGIC + b"rest")
    out = dc1.Output({"kind": "image", "saved_path": str(tmp_path / "line-1.png")})
    assert out._repr_png_() == PNG_MAGIC + b"rest"


# ---------------------------------------------------------------------------
# Spending as a DataFrame
# ---------------------------------------------------------------------------

USAGE = {"monthly": [{"month": "2026-11", "jobs": 2, "total_halala": 300, "total_sar": 3.0},
                     {"month": "2026-10", "jobs": 1, "total_halala": 100, "total_sar": 1.0}],
         "last_30_days": [{"date": "2026-11-02", "jobs": 1, "total_halala": 50, "total_sar": 0.5},
                          {"date": "2026-11-01", "jobs": 1, "total_halala": 250, "total_sar": 2.5}]}


def test_usage_is_a_dict_with_to_dataframe(client):
    job = client.jobs.submit("llm_inference", {"prompt": "spend"}, duration_minutes=1)
    client.jobs.wait(job.id, timeout=60, poll_interval=0.05)
    usage = client.catalogue.usage()
    assert isinstance(usage, dc1.Usage) and usage["all_time"]["total_jobs"] >= 1
    if importlib.util.find_spec("pandas") is not None:
        frame = usage.to_dataframe()
        assert frame["jobs"].sum() >= 1 and frame.index.name == "date"


def test_to_dataframe_needs_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="needs pandas.*pip install pandas"):
        dc1.Usage(USAGE).to_dataframe()


def test_to_dataframe_with_pandas():
    pytest.importorskip("pandas")
    daily = dc1.Usage(USAGE).to_dataframe()
    assert list(daily.columns) == ["jobs", "total_halala", "total_sar"]
    assert [d.strftime("%Y-%m-%d") for d in daily.index] == ["2026-11-01", "2026-11-02"]
    assert daily["total_halala"].tolist() == [250, 50]
    monthly = dc1.Usage(USAGE).to_dataframe("monthly")
    assert monthly.index.name == "month" and monthly["jobs"].tolist() == [1, 2]
    with pytest.raises(ValueError):
        dc1.Usage(USAGE).to_dataframe("weekly")


def test_ipython_picks_the_png():
    pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    png = PNG_MAGIC + b"\x00\x00\x00\rIHDR"
    data, _ = DisplayFormatter().format(dc1.Output({"kind": "image", "format": "png",
                                                    "image_base64": base64.b64encode(png).decode()}))
    assert data["image/png"] == png
