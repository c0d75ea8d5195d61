"""Progress displays for ``progress=True``: the core's events, drawn.

``jobs.wait``, ``jobs.wait_ready`` and ``batch.run`` already receive the core's
events (a wait's ``status`` and ``tick`` events, a batch's ``progress`` and
``tick`` events with done/failed/running/queued/spent/jobs-per-minute). With
``progress=True`` each event is drawn as it arrives; this module adds no
waiting, no polling and no request of its own.

Where it is drawn:

* ``tqdm`` installed (``pip install "dc1[progress]"``): a ``tqdm.auto`` bar, so a
  notebook shows a widget and a terminal a text bar;
* otherwise, when stderr is a terminal: one line on stderr, rewritten in place
  (``\\r`` and erase-to-end-of-line) and ended with a newline;
* otherwise nothing: logs and pipes stay clean.
"""
from __future__ import annotations

import importlib
import sys
import time
from typing import Any, Callable, Dict, Optional, TextIO

__all__ = ["batch_line", "wait_line", "open_display", "with_display"]

Handler = Optional[Callable[[Dict[str, Any]], Any]]


# ---------------------------------------------------------------------------
# What is shown: the figures the CLI shows, from one event
# ---------------------------------------------------------------------------


def _duration(ms: Any) -> str:
    """Milliseconds as 4s, 2m05s, 1h02m."""
    try:
        total = max(0, int(ms) // 1000)
    except (TypeError, ValueError):
        total = 0
    if total < 60:
        return f"{total}s"
    if total < 3600:
        return f"{total // 60}m{total % 60:02d}s"
    return f"{total // 3600}h{total % 3600 // 60:02d}m"


def _int(ev: Dict[str, Any], key: str) -> int:
    value = ev.get(key)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def batch_counts(ev: Dict[str, Any]) -> str:
    """done/failed/running/queued, SAR spent, jobs/min and ETA of a batch event."""
    lines, done, failed = _int(ev, "lines"), _int(ev, "done"), _int(ev, "failed")
    text = (f"{failed} failed, {_int(ev, 'running')} running, {_int(ev, 'queued')} queued, "
            f"{_int(ev, 'pending')} to submit · {_int(ev, 'spent_halala') / 100:.2f} SAR")
    budget = ev.get("budget_sar")
    if isinstance(budget, (int, float)) and not isinstance(budget, bool):
        text += f" of {budget:g}"
    rate = ev.get("jobs_per_min")
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate > 0:
        text += f" · {rate:.0f}/min"
        left = lines - done - failed
        if left > 0:
            text += f" · ETA {_duration(left / rate * 60_000)}"
    return text


def batch_line(ev: Dict[str, Any]) -> str:
    """The whole line of a batch event: ``batch: 12/20 done, 1 failed, …``."""
    return f"batch: {_int(ev, 'done')}/{_int(ev, 'lines')} done, {batch_counts(ev)}"


def wait_line(job_id: str, ev: Dict[str, Any], status: Optional[str]) -> str:
    """The line of a wait: the job, its last status and the time waited."""
    return f"job {job_id}: {status or 'waiting'} · {_duration(ev.get('elapsed_ms'))}"


# ---------------------------------------------------------------------------
# Where it is shown
# ---------------------------------------------------------------------------


class _Line:
    """One self-overwriting line on a terminal (at most 20 rewrites a second, except
    for the forced ones: a change of status or of the batch's counts)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.text = ""
        self.shown = 0.0
        self.pending: Optional[str] = None

    def show(self, text: str, force: bool = False) -> None:
        if not force and time.monotonic() - self.shown < 0.05:
            self.pending = text
            return
        self._write(text)

    def _write(self, text: str) -> None:
        self.pending = None
        if text == self.text:
            return
        self.text, self.shown = text, time.monotonic()
        self.stream.write("\r" + text + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.pending is not None:
            self._write(self.pending)
        if self.text:
            self.stream.write("\n")
            self.stream.flush()


class _Bar:
    """A tqdm.auto bar: with a total for a batch (the figures as its postfix), none for a
    wait (the whole text as its description)."""

    def __init__(self, tqdm: Any, desc: str, total: Optional[int]) -> None:
        fmt = "{desc}" if total is None else "{desc} |{bar}| {n_fmt}/{total_fmt} done{postfix}"
        self.bar = tqdm(total=total, desc=desc, bar_format=fmt, leave=True, mininterval=0,
                        dynamic_ncols=True)

    def describe(self, text: str) -> None:
        self.bar.set_description_str(text, refresh=True)

    def update(self, n: int, total: int, postfix: str) -> None:
        bar = self.bar
        if bar.total != total:
            bar.total = total
        bar.n = n
        bar.set_postfix_str(postfix, refresh=False)  # tqdm puts ", " before it
        bar.refresh()

    def close(self) -> None:
        self.bar.close()


def _tqdm() -> Any:
    """tqdm.auto.tqdm when tqdm is installed (the optional extra dc1[progress]), else None."""
    try:
        return importlib.import_module("tqdm.auto").tqdm
    except ImportError:
        return None


class _Display:
    """Draws one call's events; :meth:`close` ends the display."""

    def __init__(self, kind: str, label: str, stream: Optional[TextIO] = None) -> None:
        self.kind = kind      # "wait" or "batch"
        self.label = label    # the job id of a wait
        self.status: Optional[str] = None
        self.bar: Optional[_Bar] = None
        self.line: Optional[_Line] = None
        tqdm = _tqdm()
        if tqdm is not None:
            self.bar = _Bar(tqdm, f"job {label}" if kind == "wait" else "batch",
                            None if kind == "wait" else 0)
            return
        stream = stream if stream is not None else sys.stderr
        try:
            tty = stream is not None and stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        if tty:
            self.line = _Line(stream)

    def event(self, ev: Dict[str, Any]) -> None:
        kind = ev.get("type")
        if self.kind == "wait":
            if kind == "status" or (kind == "tick" and ev.get("status")):
                self.status = str(ev.get("status"))
            if kind not in ("status", "tick", "retry"):
                return
            if self.bar is not None:
                self.bar.describe(wait_line(self.label, ev, self.status))
            elif self.line is not None:
                self.line.show(wait_line(self.label, ev, self.status), force=kind == "status")
            return
        if kind not in ("progress", "tick"):
            return
        if self.bar is not None:
            self.bar.update(_int(ev, "done") + _int(ev, "failed"), _int(ev, "lines"), batch_counts(ev))
        elif self.line is not None:
            self.line.show(batch_line(ev), force=kind == "progress")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.line is not None:
            self.line.close()


def open_display(kind: str, label: str = "", stream: Optional[TextIO] = None) -> _Display:
    """A display for a wait (``kind="wait"``, ``label`` the job id) or a batch."""
    return _Display(kind, label, stream)


def with_display(display: _Display, handler: Handler) -> Callable[[Dict[str, Any]], Any]:
    """An event handler that draws each event, then hands it to ``handler`` (whose
    answer is kept: False still stops the call)."""

    def on_event(ev: Dict[str, Any]) -> Any:
        display.event(ev)
        return handler(ev) if handler is not None else None

    return on_event
