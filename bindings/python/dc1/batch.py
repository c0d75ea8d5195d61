"""``client.batch``: the core's batch runner (``dc1_batch_run``, docs/batch.md).

Thin by design: the pacing, the journal, the retries, the waiting threads and the
reconciliation of lost submits all live in libdc1; this module only writes an
iterable of requests to a JSON Lines file and reads the results back."""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from . import _lib
from .progress import open_display, with_display

PathLike = Union[str, "os.PathLike[str]"]


def _write_jsonl(requests: Iterable[Dict[str, Any]], directory: Optional[str]) -> str:
    fd, path = tempfile.mkstemp(prefix="dc1-batch-", suffix=".jsonl", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for r in requests:
            if not isinstance(r, dict):
                os.unlink(path)
                raise TypeError(f"batch requests must be dicts, got {type(r).__name__}")
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


def read_results(path: PathLike) -> List[Dict[str, Any]]:
    """The results file of a batch: one dict per input line, in line order."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class BatchResult(List[Dict[str, Any]]):
    """The results (one dict per input line) with the run's summary as ``.summary``."""

    def __init__(self, results: List[Dict[str, Any]], summary: Dict[str, Any]) -> None:
        super().__init__(results)
        self.summary = summary

    @property
    def all_completed(self) -> bool:
        return bool(self.summary.get("all_completed"))


class BatchResource:
    def __init__(self, client: Any) -> None:
        self._client = client

    def run(
        self,
        requests_or_path: Union[PathLike, Iterable[Dict[str, Any]]],
        *,
        out: Optional[PathLike] = None,
        journal: Optional[PathLike] = None,
        concurrency: int = 4,
        max_attempts: int = 1,
        budget_sar: Optional[float] = None,
        save_dir: Optional[PathLike] = None,
        wait: Optional[Dict[str, Any]] = None,
        tick_ms: Optional[int] = None,
        on_event: Optional[Callable[[Dict[str, Any]], Any]] = None,
        progress: bool = False,
    ) -> BatchResult:
        """Runs (or, with the same ``journal``, resumes) a batch and returns its results.

        ``requests_or_path``: a JSON Lines file of ``jobs.submit`` requests (each may
        carry an ``"id"``), or an iterable of such dicts (written to a JSON Lines file
        next to ``journal``, or in the temp directory; pass ``journal`` to be able to
        resume — the same requests give the same file). ``on_event`` gets the core's
        events (``{"type":"line"|"progress"|"tick"|"pause"|"stop",…}``); returning
        False stops the batch (:class:`InterruptedCallError`; run again to resume).

        A quota stop raises :class:`QuotaExceededError` after what was in flight
        finished; its ``.document`` holds the summary. A budget stop returns normally
        with ``summary["stopped"] == "budget"``.

        ``progress=True`` draws the core's progress events on stderr — done/lines,
        failed, running, queued, SAR spent, jobs per minute and ETA, as ``dc1 batch
        run`` shows them: a ``tqdm`` bar when tqdm is installed (``dc1[progress]``),
        else one rewritten line when stderr is a terminal, else nothing."""
        if isinstance(requests_or_path, (str, bytes, os.PathLike)):
            input_path = os.fspath(requests_or_path)
            if isinstance(input_path, bytes):
                input_path = input_path.decode()
        else:
            if journal is not None:
                # A stable name beside the journal, so a re-run sees the same input.
                input_path = os.fspath(journal) + ".input.jsonl"
                tmp = _write_jsonl(requests_or_path, os.path.dirname(os.path.abspath(input_path)))
                os.replace(tmp, input_path)
            else:
                input_path = _write_jsonl(requests_or_path, None)
        opts: Dict[str, Any] = {"concurrency": concurrency, "max_attempts": max_attempts}
        if out is not None:
            opts["out_path"] = os.fspath(out)
        if journal is not None:
            opts["journal_path"] = os.fspath(journal)
        if budget_sar is not None:
            opts["budget_sar"] = budget_sar
        if save_dir is not None:
            opts["save_dir"] = os.fspath(save_dir)
        if wait is not None:
            opts["wait"] = wait
        if tick_ms is not None:
            opts["tick_ms"] = tick_ms
        display = open_display("batch") if progress else None
        handler = with_display(display, on_event) if display is not None else on_event
        try:
            summary = self._client._call_events("dc1_batch_run", [input_path, opts], handler,
                                                allow_null=True, ticks=True)
        finally:
            if display is not None:
                display.close()
        return BatchResult(read_results(summary["out_path"]), summary)

    @staticmethod
    def status(journal: PathLike) -> Dict[str, Any]:
        """``dc1_batch_status``: where a batch stands, from its journal (no network)."""
        return _lib.call("dc1_batch_status", os.fspath(journal))


class AsyncBatchResource:
    """``AsyncDC1Client.batch``: :meth:`BatchResource.run` on a worker thread; cancelling
    the awaiting task stops the batch (the journal keeps its place: run it again to
    resume). ``on_event`` runs on that worker thread."""

    def __init__(self, client: Any) -> None:
        self._client = client

    async def run(self, requests_or_path: Union[PathLike, Iterable[Dict[str, Any]]],
                  **kwargs: Any) -> BatchResult:
        """See :meth:`BatchResource.run` (same keyword arguments, ``progress`` included)."""
        result: BatchResult = await self._client._run(self._client.sync.batch.run, requests_or_path,
                                                      **kwargs)
        return result

    async def status(self, journal: PathLike) -> Dict[str, Any]:
        """See :meth:`BatchResource.status`."""
        status: Dict[str, Any] = await self._client._run(BatchResource.status, journal)
        return status
