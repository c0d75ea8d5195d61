"""The job lifecycle (§5) and the simulated provider side (§15).

``Engine`` owns every status change: routes call it (submit, cancel, retry,
complete), and its background thread plays the provider daemons: it picks up
pending/queued work (§15.3, straight to ``running`` as the current daemon
does, §16.21), reports progress phases and log lines (§15.4), settles through
the daemon result path (§15.5/§6.2) and runs the server's timers (§5.2):
hard timeout, soft runtime requeue, queue timeout, provider silence.

Everything is measured on the simulated clock (``clock.py``); timestamps in
rows are real wall-clock times. Call Engine methods with ``store.lock`` held
(the HTTP layer holds it around each handler)."""
from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from . import pricing, workloads
from .sanitize import clean_string
from .util import dumps, iso, now_ms, parse_ts, sql_ms

TERMINAL = {"completed", "failed", "cancelled", "done", "permanently_failed", "timed_out"}
EXECUTING = {"running", "assigned", "pulling"}
UNAVAILABLE = {"offline", "paused", "banned", "suspended"}

PICKUP_DELAY = 0.5            # sim s between "pending" and the daemon's next poll
SLOW_HOLD_REAL = 20.0         # SLOW keeps a job running this many *real* seconds
SWEEP_PERIOD = 30.0           # §12.1 webhook sweeper, sim s
QUEUE_TIMEOUT = 30 * 60       # §5.2 queued more than 30 min -> failed (no refund)
SILENT_REQUEUE = 90           # §15.2 provider silent 90 s -> its jobs back to pending
SILENT_QUEUE = 5 * 60         # §15.2 silent 5 min -> queued + provider.offline webhook
TIMEOUT_ERROR = "Job timed out — provider may be offline or model too large"
LIFECYCLE_SCHEMA = "2026-03-20.v1"

# Column values a fresh row has on the real server (issue 18): the schema's defaults.
ROW_DEFAULTS = {"lifecycle_status": "pending", "capacity_class": "on_demand",
                "attestation_status": "pending", "storage_halala": 0, "bandwidth_halala": 0,
                "compute_halala": 0}

PHASE_MESSAGES = {"downloading_model": "Downloading model weights...",
                  "installing_deps": "Installing dependencies...",
                  "loading_model": "Loading model onto GPU...",
                  "generating": "Generating response...",
                  "formatting": "Formatting output..."}


def categorize_error(message: Any) -> tuple[str, str]:
    """§8.8 error_category / error_code pairs."""
    m = str(message or "").lower()
    if "timed out" in m or "timeout" in m:
        return "timeout", "timeout"
    if "out of memory" in m or "cuda oom" in m or " oom" in f" {m}":
        return "oom", "gpu_out_of_memory"
    if "image pull" in m or "failed to pull" in m or "manifest unknown" in m:
        return "image_pull", "image_pull_failed"
    if "provider offline" in m or "provider may be offline" in m or "heartbeat stale" in m:
        return "provider_disconnect", "provider_disconnect"
    return "execution", "execution_error"


def retry_reason(job: dict) -> str | None:
    """§5.3: inferred from the text of ``error``."""
    msg = str(job.get("error") or "").lower()
    if "queue timeout" in msg:
        return "queue_timeout"
    if "timed out" in msg or "timeout" in msg:
        return "provider_timeout"
    if job.get("status") == "permanently_failed" or (job.get("retry_count") or 0) > 0:
        return "execution_failed"
    return None


def elapsed_since(ts: str | None, until: str | None = None) -> int | None:
    t0 = parse_ts(ts)
    if t0 is None:
        return None
    t1 = parse_ts(until) if until else None
    return int(round((t1 if t1 is not None else time.time()) - t0))


def has_marker(params: dict, marker: str) -> bool:
    """FAIL / SLOW: any string value of the submitted params contains the marker."""
    return any(isinstance(v, str) and marker in v for v in (params or {}).values())


@dataclass
class Run:
    """One execution attempt of a job on a simulated provider (in memory only)."""
    job_pk: int
    job_id: str
    job_type: str
    provider_id: int
    attempt: int
    started_sim: float
    started_real: float
    max_duration_s: float
    budget_s: float                      # duration_minutes * 60 (soft runtime)
    params: dict                         # normalised params
    raw_params: dict
    fail: bool
    slow: bool
    steps: list = field(default_factory=list)   # [(sim offset, fn() -> bool)]
    idx: int = 0
    runtime: float = 0.0                 # planned sim runtime (billing)
    gen_time: float = 0.0
    busy: bool = False                   # a worker thread is producing the result
    proc: subprocess.Popen | None = None
    workdir: str | None = None
    vllm: Any = None
    finished: bool = False


class Engine:
    def __init__(self, store, clock, webhooks, on_job_created: Callable[[int], None],
                 log: Callable[[str], None]) -> None:
        self.store = store
        self.clock = clock
        self.webhooks = webhooks
        self.on_job_created = on_job_created
        self.log = log
        self.timers = True
        self.runs: dict[int, Run] = {}
        self.eligible_at: dict[int, float] = {}     # job pk -> sim time it may be picked up
        self.queued_since: dict[int, float] = {}    # job pk -> sim time it entered the queue
        self.offline_since: dict[int, float] = {}   # provider id -> sim time it went silent
        self.next_sweep = SWEEP_PERIOD
        # getSweepMetrics() of the real server, shown by GET /api/health
        self.sweep_metrics = {"totalRuns": 0, "sweepErrors": 0, "lastRunAt": None,
                              "lastErrorAt": None, "lastErrorMessage": None}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_heartbeat_write = 0.0

    # ------------------------------------------------------------------ thread

    def start(self) -> None:
        self._restore()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="dc1emu-sim")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        with self.store.lock:
            for pk in list(self.runs):
                self._stop_run(pk)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception as e:  # never let the simulator die silently
                if self._stop.is_set():
                    return
                self.log(f"simulator error: {type(e).__name__}: {e}")
            self._stop.wait(0.02)

    def _restore(self) -> None:
        """After a restart (--db) a job that was executing is handed back to the
        queue as a provider restart would (§5.2: jobs can go backwards)."""
        with self.store.lock:
            now = self.clock.now()
            for j in self.store.q("SELECT * FROM jobs WHERE status IN ('running','assigned','pulling')"):
                self._update(j, {"status": "pending", "picked_up_at": None, "assigned_at": None,
                                 "progress_phase": None, "endpoint_url": None, "serve_port": None},
                             "job.status.changed", "emulator restart: job returned to pending")
            for j in self.store.q("SELECT id FROM jobs WHERE status IN ('pending','queued')"):
                self.queued_since[j["id"]] = now

    def reset(self) -> None:
        with self.store.lock:
            for pk in list(self.runs):
                self._stop_run(pk)
            self.eligible_at.clear()
            self.queued_since.clear()
            self.offline_since.clear()
            self.next_sweep = self.clock.now() + SWEEP_PERIOD
            self.sweep_metrics.update(totalRuns=0, sweepErrors=0, lastRunAt=None, lastErrorAt=None,
                                      lastErrorMessage=None)

    # --------------------------------------------------------------- primitives

    def job(self, pk: int) -> dict | None:
        return self.store.q1("SELECT * FROM jobs WHERE id = ?", pk)

    def record_event(self, job: dict, event_type: str, status: str | None, source: str,
                     message: str, payload: Any = None, error: Any = None) -> None:
        cat, code = categorize_error(error) if error else (None, None)
        seq = self.store.q1("SELECT COALESCE(MAX(sequence_no), 0) + 1 AS n FROM "
                            "job_lifecycle_events WHERE job_id = ?", job["job_id"])["n"]
        self.store.insert("job_lifecycle_events", {
            "job_id": job["job_id"], "sequence_no": seq, "event_type": event_type,
            "status": status, "source": source, "error_category": cat, "error_code": code,
            "message": message, "payload_json": None if payload is None else dumps(payload),
            "occurred_at": iso()})

    def _update(self, job: dict, fields: dict, event: str | None = None, message: str = "",
                source: str = "daemon", payload: Any = None, error: Any = None) -> dict:
        fields = dict(fields, updated_at=iso())
        self.store.update("jobs", job["id"], fields)
        new = self.job(job["id"])
        if event:
            if payload is None and "status" in fields:
                payload = {"from_status": job["status"], "to_status": new["status"]}
            self.record_event(new, event, new["status"], source, message, payload, error)
        self.store.bump()
        return new

    def append_logs(self, job: dict, lines: list[tuple[str, str]], attempt: int = 1) -> None:
        """§15.4: line_no per job from 1; logs_jsonl keeps the last 1 MB."""
        if not lines:
            return
        last = self.store.q1("SELECT MAX(line_no) AS n FROM job_logs WHERE job_id = ?",
                             job["job_id"])["n"] or 0
        parts = []
        for level, message in lines:
            last += 1
            at = iso()
            message = str(message)[:2000]
            self.store.insert("job_logs", {"job_id": job["job_id"], "line_no": last,
                                           "level": level, "message": message, "logged_at": at,
                                           "attempt_number": attempt})
            parts.append(dumps({"type": "log", "line": message, "ts": now_ms(),
                                "logged_at": at, "level": level}))
        self.store.x("UPDATE jobs SET logs_jsonl = substr(COALESCE(logs_jsonl, '') || ?, -1000000) "
                     "WHERE id = ?", "\n".join(parts) + "\n", job["id"])
        self.store.bump()

    # ------------------------------------------------------------ job creation

    def create_job(self, row: dict, params: dict) -> dict:
        """Insert a job row (submit, retry, POST /api/jobs) and its emulator metadata."""
        now = iso()
        row = dict(ROW_DEFAULTS, **row)
        row.update(submitted_at=row.get("submitted_at") or now, created_at=now, updated_at=now)
        pk = self.store.insert("jobs", row)
        self.store.insert("emu_job", {"job_pk": pk, "params": dumps(params)})
        job = self.job(pk)
        self.record_event(job, "job.submitted", job["status"], "renter",
                          "Job submitted and queued" if job["status"] == "queued"
                          else "Job submitted and pending provider assignment",
                          {"renter_id": job["renter_id"], "provider_id": job["provider_id"],
                           "job_type": job["job_type"], "model": job["model"],
                           "pricing_class": job["pricing_class"], "queue_state": job["status"],
                           "max_duration_seconds": job["max_duration_seconds"]})
        sim = self.clock.now()
        self.eligible_at[pk] = sim + PICKUP_DELAY
        self.queued_since[pk] = sim
        self.on_job_created(job["renter_id"])
        self.store.bump()
        return job

    def params_of(self, job: dict) -> dict:
        r = self.store.q1("SELECT params FROM emu_job WHERE job_pk = ?", job["id"])
        return json.loads(r["params"]) if r and r["params"] else {}

    def provider_busy(self, provider_id: int, statuses=("running", "pending")) -> bool:
        marks = ",".join("?" for _ in statuses)
        return self.store.q1(f"SELECT 1 AS x FROM jobs WHERE provider_id = ? AND status IN ({marks}) "
                             "LIMIT 1", provider_id, *statuses) is not None

    # ------------------------------------------------------------ queue helpers

    def queue_position(self, job: dict) -> int | None:
        """§7.2: jobs ahead in the same queue (+1)."""
        if job["status"] != "queued":
            return None
        rank = "CASE COALESCE(pricing_class,'standard') WHEN 'priority' THEN 0 " \
               "WHEN 'standard' THEN 1 WHEN 'economy' THEN 2 ELSE 1 END"
        my_rank = {"priority": 0, "standard": 1, "economy": 2}.get(job["pricing_class"] or "standard", 1)
        prio = job["priority"] if job["priority"] is not None else 2
        ahead = (f"({rank} < ? OR ({rank} = ? AND (COALESCE(priority,2) > ? OR "
                 f"(COALESCE(priority,2) = ? AND (created_at < ? OR (created_at = ? AND id < ?))))))")
        args = (my_rank, my_rank, prio, prio, job["created_at"], job["created_at"], job["id"])
        if job["provider_id"] is None:
            n = self.store.q1(f"SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued' AND "
                              f"provider_id IS NULL AND id != ? AND {ahead}", job["id"], *args)["n"]
        else:
            n = self.store.q1(f"SELECT COUNT(*) AS n FROM jobs WHERE provider_id = ? AND id != ? AND "
                              f"status IN ('queued','pending','running') AND {ahead}",
                              job["provider_id"], job["id"], *args)["n"]
        return n + 1

    def promote_next(self, provider_id: int | None) -> dict | None:
        """The provider's next queued job becomes pending (§5.2 promotion)."""
        if provider_id is None:
            return None
        nxt = self.store.q1(
            "SELECT * FROM jobs WHERE provider_id = ? AND status = 'queued' ORDER BY "
            "CASE COALESCE(pricing_class,'standard') WHEN 'priority' THEN 0 WHEN 'standard' THEN 1 "
            "WHEN 'economy' THEN 2 ELSE 1 END, COALESCE(priority,2) DESC, created_at, id LIMIT 1",
            provider_id)
        if not nxt:
            return None
        timeout_at = sql_ms(time.time() + (nxt["max_duration_seconds"] or 1800))
        self.eligible_at[nxt["id"]] = self.clock.now() + PICKUP_DELAY
        return self._update(nxt, {"status": "pending", "timeout_at": timeout_at},
                            "job.status.changed", "Job promoted from queued to pending",
                            "scheduler")

    # ----------------------------------------------------------- settlements

    def settle_success(self, job: dict, result: str | None, gpu_seconds: float,
                       tokens: int | None = None) -> dict | None:
        """§15.5 primary path (POST /api/providers/job-result, success): the renter gets
        ``cost - actual`` back (or pays extra; the balance may go negative, §6.2)."""
        job = self.job(job["id"])
        if not job or job["status"] != "running":
            return None                        # "Job already settled (<status>)"
        provider = self.store.q1("SELECT * FROM providers WHERE id = ?", job["provider_id"]) or {}
        rate = provider.get("cost_per_gpu_second_halala") or pricing.DEFAULT_RATE_PER_GPU_SECOND
        actual, earned, fee = pricing.daemon_settlement(gpu_seconds, rate)
        with self.store.transaction():
            self.store.x("UPDATE renters SET balance_halala = balance_halala + ?, "
                         "total_spent_halala = total_spent_halala + ?, updated_at = ? WHERE id = ?",
                         (job["cost_halala"] or 0) - actual, actual, iso(), job["renter_id"])
            new = self._update(job, {
                "status": "completed", "result": result if result is not None else "{}",
                "completed_at": iso(), "gpu_seconds_used": round(gpu_seconds, 3),
                "duration_seconds": round(gpu_seconds / max(1, provider.get("gpu_count") or 1), 3),
                "actual_duration_minutes": round(gpu_seconds / 60, 4),
                "actual_cost_halala": actual, "provider_earned_halala": earned,
                "dc1_fee_halala": fee, "compute_halala": actual,
                "completion_tokens": tokens})
            # Like the real server: POST /api/providers/job-result (the daemon's path) records no
            # job.completed lifecycle event; only the renter complete and /result paths do.
            self._end_execution(new, 0, gpu_seconds, actual)
            self._stop_run(job["id"])
            self.promote_next(job["provider_id"])
        self.webhooks.fire_registered(new, "job.completed")
        return new

    def settle_failure(self, job: dict, error: str, refund: bool = True,
                       event: str = "job.failed", source: str = "daemon",
                       statuses: set | None = None) -> dict | None:
        """Failure with a full refund (daemon failure, hard timeout); the sweeper's
        failures call this with ``refund=False`` (§6.2)."""
        job = self.job(job["id"])
        if not job or job["status"] not in (statuses or (EXECUTING | {"pending", "queued"})):
            return None
        now = iso()
        with self.store.transaction():
            fields = {"status": "failed", "error": error, "last_error": error, "completed_at": now,
                      "result": job["result"] if job["result"] else "{}",
                      "actual_cost_halala": job["actual_cost_halala"] or 0}
            if refund and (job["cost_halala"] or 0) > 0 and not job["refunded_at"]:
                self.store.x("UPDATE renters SET balance_halala = balance_halala + ?, updated_at = ? "
                             "WHERE id = ?", job["cost_halala"], now, job["renter_id"])
                fields["refunded_at"] = now
            new = self._update(job, fields, event, f"Job failed: {error}", source, error=error)
            self._end_execution(new, 1, None, 0)
            self._stop_run(job["id"])
            self.promote_next(job["provider_id"])
        self.webhooks.fire_registered(new, "job.failed")
        return new

    def cancel(self, job: dict) -> dict:
        """§9.1: always refunds ``cost_halala`` (even twice, §16.10)."""
        now = iso()
        with self.store.transaction():
            fields = {"status": "cancelled", "completed_at": now}
            if job["renter_id"] and (job["cost_halala"] or 0) > 0:
                self.store.x("UPDATE renters SET balance_halala = balance_halala + ?, updated_at = ? "
                             "WHERE id = ?", job["cost_halala"], now, job["renter_id"])
                fields["refunded_at"] = now
            new = self._update(job, fields, "job.cancelled", "Job cancelled before completion",
                               "api", {"previous_status": job["status"]})
            self._end_execution(new, None, None, 0)
            self._stop_run(job["id"])
            self.promote_next(job["provider_id"])
        return new

    def complete_by_renter(self, job: dict) -> tuple[dict, dict]:
        """§9.3: actual cost from elapsed time, recorded only (no balance change)."""
        run = self.runs.get(job["id"])
        elapsed = (self.clock.now() - run.started_sim) if run else \
            max(0.0, time.time() - (parse_ts(job["started_at"] or job["submitted_at"]) or time.time()))
        minutes = max(1, math.ceil(elapsed / 60))
        actual = pricing.job_type_quote(job["job_type"], minutes, job["pricing_class"])
        earned, fee = pricing.split_85_15(actual)
        with self.store.transaction():
            new = self._update(job, {"status": "completed", "completed_at": iso(),
                                     "actual_duration_minutes": minutes, "actual_cost_halala": actual,
                                     "provider_earned_halala": earned, "dc1_fee_halala": fee},
                               "job.completed", "Job marked completed via manual completion endpoint",
                               "api", {"actual_duration_minutes": minutes,
                                       "actual_cost_halala": actual})
            self._end_execution(new, 0, elapsed, actual)
            self._stop_run(job["id"])
        self.webhooks.fire_registered(new, "job.completed")
        return new, {"estimated_cost_halala": job["cost_halala"], "actual_cost_halala": actual,
                     "actual_duration_minutes": minutes, "provider_earned_halala": earned,
                     "dc1_fee_halala": fee}

    def _end_execution(self, job: dict, exit_code, gpu_seconds, cost) -> None:
        ex = self.store.q1("SELECT id FROM job_executions WHERE job_id = ? AND ended_at IS NULL "
                           "ORDER BY attempt_number DESC LIMIT 1", job["job_id"])
        if ex:
            self.store.update("job_executions", ex["id"], {
                "ended_at": iso(), "exit_code": exit_code,
                "gpu_seconds_used": None if gpu_seconds is None else round(gpu_seconds, 3),
                "cost_halala": cost})

    # ----------------------------------------------------------- execution

    def _stop_run(self, pk: int) -> None:
        run = self.runs.pop(pk, None)
        if not run:
            return
        run.finished = True
        if run.proc and run.proc.poll() is None:
            try:
                os.killpg(run.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                pass
        if run.vllm:
            threading.Thread(target=run.vllm.stop, daemon=True).start()
        if run.workdir:
            shutil.rmtree(run.workdir, ignore_errors=True)

    def start_run(self, job: dict, provider: dict) -> Run:
        """Pickup (§15.3): straight to running, timeout_at = now + max_duration."""
        now = iso()
        max_dur = job["max_duration_seconds"] or 1800
        attempt = (self.store.q1("SELECT COUNT(*) AS n FROM job_executions WHERE job_id = ?",
                                 job["job_id"])["n"] or 0) + 1
        job = self._update(job, {"status": "running", "provider_id": provider["id"],
                                 "assigned_at": now, "picked_up_at": now, "started_at": now,
                                 "timeout_at": sql_ms(time.time() + max_dur)},
                           "job.status.changed", "Job picked up by provider daemon")
        self.store.insert("job_executions", {"job_id": job["job_id"], "attempt_number": attempt,
                                             "provider_id": provider["id"], "started_at": now})
        raw = self.params_of(job)
        norm = workloads.normalized_params(job["job_type"], raw)
        run = Run(job["id"], job["job_id"], job["job_type"], provider["id"], attempt,
                  self.clock.now(), time.monotonic(), float(max_dur),
                  float(job["duration_minutes"] or 1) * 60, norm, raw,
                  has_marker(raw, "FAIL"), has_marker(raw, "SLOW"))
        self.runs[job["id"]] = run
        self.append_logs(job, [("info", f"[dcp] Job {job['job_id']} picked up by provider "
                                        f"#{provider['id']} ({provider['name']}, {provider['gpu_model']})")],
                         attempt)
        self._plan(run, provider)
        return run

    def _phase(self, run: Run, phase: str, log: str | None = None, level: str = "info") -> Callable:
        def step() -> bool:
            job = self.job(run.job_pk)
            fields = {"progress_phase": phase, "progress_updated_at": iso()}
            if phase == "pulling":
                fields["status"] = "pulling"           # §15.4
            elif job["status"] in ("assigned", "pulling"):
                fields["status"] = "running"
            if phase == "generating" and not job["first_token_at"]:
                fields["first_token_at"] = iso()
            job = self._update(job, fields, "job.phase.changed", f"Job phase transitioned to {phase}",
                               payload={"phase": phase, "previous_status": job["status"]})
            self.append_logs(job, [("info", f"[dcp-phase] {phase}")] +
                             ([(level, log)] if log else []), run.attempt)
            return True
        return step

    def _hold(self, run: Run) -> Callable:
        def step() -> bool:      # SLOW: at least 20 s of real time, whatever the speed
            return time.monotonic() - run.started_real >= SLOW_HOLD_REAL
        return step

    def _fail(self, run: Run, error: str) -> Callable:
        def step() -> bool:
            job = self.job(run.job_pk)
            self.append_logs(job, [("error", f"[dcp] {error}")], run.attempt)
            self.settle_failure(job, error, statuses=EXECUTING)
            return True
        return step

    def _finish(self, run: Run, produce: Callable[[], tuple[str, int | None]]) -> Callable:
        """Produce the result in a worker thread (PNG encoding can take 100 ms), then
        settle through the daemon success path."""
        def step() -> bool:
            if run.busy:
                return False
            run.busy = True

            def work() -> None:
                try:
                    stdout, tokens = produce()
                except Exception as e:  # a bug in a producer must still settle the job
                    stdout, tokens = None, None
                    err = f"Emulator workload error: {type(e).__name__}: {e}"
                with self.store.lock:
                    if self.runs.get(run.job_pk) is not run:
                        return                     # cancelled / requeued meanwhile
                    job = self.job(run.job_pk)
                    if stdout is None:
                        self.settle_failure(job, err, statuses=EXECUTING)
                        return
                    lines = [ln for ln in stdout.splitlines() if not ln.startswith("DC1_RESULT_JSON:")]
                    self.append_logs(job, [("info", ln) for ln in lines[-1:]], run.attempt)
                    gpu_count = (self.store.q1("SELECT gpu_count FROM providers WHERE id = ?",
                                               run.provider_id) or {}).get("gpu_count") or 1
                    self.settle_success(job, clean_string(stdout), run.runtime * gpu_count, tokens)
            threading.Thread(target=work, daemon=True, name="dc1emu-work").start()
            return True
        return step

    def _plan(self, run: Run, provider: dict) -> None:
        p, jt = run.params, run.job_type
        S: list = []
        if jt in ("llm_inference", "llm-inference"):
            run.gen_time, run.runtime = 0.9, 2.3
            S += [(0.10, self._phase(run, "installing_deps")),
                  (0.30, self._phase(run, "downloading_model",
                                     f"[dcp] Downloading/loading model: {p['model']}")),
                  (0.80, self._phase(run, "loading_model",
                                     f"[dcp] Model loaded in {run.runtime - run.gen_time:.1f}s on cuda")),
                  (1.20, self._phase(run, "generating",
                                     f"[dcp] Generating up to {p['max_tokens']} tokens..."))]
            finish = self._finish(run, lambda: workloads.llm_stdout(p, run.gen_time, run.runtime))
            tail = [(2.10, self._phase(run, "formatting")), (2.30, finish)]
            fail_msg = "CUDA error: emulated failure (the prompt contains FAIL)"
        elif jt == "image_generation":
            S += [(0.10, self._phase(run, "downloading_model", f"[dcp] Loading model: {p['model']}")),
                  (0.60, self._phase(run, "loading_model", "[dcp] Model loaded in 0.5s on cuda")),
                  (1.00, self._phase(run, "generating",
                                     f"[dcp] Generating {p['width']}x{p['height']} image, "
                                     f"{p['steps']} steps..."))]
            run.gen_time, run.runtime = 1.4, 2.6
            finish = self._finish(run, lambda: (workloads.image_stdout(p, run.gen_time, run.runtime), None))
            tail = [(2.40, self._phase(run, "formatting")), (2.60, finish)]
            fail_msg = "CUDA out of memory: emulated failure (the prompt contains FAIL)"
        elif jt == "vllm_serve":
            S += [(0.10, self._phase(run, "downloading_model",
                                     f"[dcp] Pulling vLLM model weights: {p['model']}")),
                  (0.80, self._phase(run, "loading_model",
                                     f"[dcp] Starting vLLM (max_model_len={p['max_model_len']}, "
                                     f"dtype={p['dtype']})"))]
            run.runtime = 1.5
            tail = [(1.50, self._serve(run))]
            fail_msg = "vLLM failed to start: emulated failure (params contain FAIL)"
        elif jt == "custom_container":
            S += [(0.05, self._phase(run, "pulling", f"[dcp] Pulling image {p['image_override']}")),
                  (0.50, self._phase(run, "installing_deps", "[dcp] Image ready; starting container"))]
            tail = [(0.60, self._exec(run, provider))]
            fail_msg = "Container exited with code 1: emulated failure (the script contains FAIL)"
        else:
            S += [(0.10, self._phase(run, "installing_deps")),
                  (0.50, self._phase(run, "loading_model")),
                  (1.00, self._phase(run, "generating", f"[dcp] Running {jt} task"))]
            run.runtime = 2.0
            spec = (self.job(run.job_pk) or {}).get("task_spec") or ""
            tail = [(2.00, self._finish(run, lambda: (workloads.generic_stdout(jt, spec, run.runtime),
                                                      None)))]
            fail_msg = f"{jt} task failed: emulated failure (params contain FAIL)"
        if run.slow:
            S.append((S[-1][0] + 0.01, self._hold(run)))
        if run.fail:
            S.append((S[-1][0] + 0.30, self._fail(run, fail_msg)))
        else:
            S += tail
        run.steps = S

    def _serve(self, run: Run) -> Callable:
        """§15.4 endpoint-ready: running, endpoint_url set; the real daemon then reports
        progress_phase 'generating' (so /output says "Generating response...")."""
        def step() -> bool:
            from .vllm import VllmServer
            server = VllmServer(run.params["model"], run.params["max_model_len"])
            run.vllm = server
            job = self.job(run.job_pk)
            url = f"http://127.0.0.1:{server.port}/v1"
            job = self._update(job, {"endpoint_url": url, "serve_port": server.port,
                                     "status": "running", "progress_phase": "generating",
                                     "progress_updated_at": iso()},
                               "job.endpoint.ready", "vLLM endpoint reported ready",
                               payload={"endpoint_url": url, "serve_port": server.port,
                                        "provider_ip": "127.0.0.1"})
            self.append_logs(job, [("info", f"[dcp] vLLM endpoint ready at {url}")], run.attempt)
            return True
        return step

    def _exec(self, run: Run, provider: dict) -> Callable:
        """custom_container: run the (sanitised) script with this Python."""
        def step() -> bool:
            if run.busy:
                return False
            run.busy = True
            job = self.job(run.job_pk)
            spec = {}
            try:
                spec = json.loads(job["container_spec"] or "{}").get("env") or {}
            except ValueError:
                pass
            env = dict(spec if isinstance(spec, dict) else {}, DC1_JOB_ID=run.job_id,
                       DC1_EMULATED="1", DC1_GPU_NAME=provider["gpu_model"] or "")
            proc, workdir = workloads.start_script(run.params["script"], env)
            run.proc, run.workdir = proc, workdir
            cap = max(5.0, min(600.0, self.clock.to_real(run.max_duration_s)))
            threading.Thread(target=self._watch_script, args=(run, proc, cap), daemon=True,
                             name="dc1emu-script").start()
            return True
        return step

    def _watch_script(self, run: Run, proc: subprocess.Popen, cap: float) -> None:
        out: list[str] = []
        size = [0]

        def pump(stream, level: str, keep: bool) -> None:
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace")
                if keep and size[0] < workloads.STDOUT_LIMIT:
                    out.append(line[: workloads.STDOUT_LIMIT - size[0]])
                    size[0] += len(line)
                text = line.rstrip("\n")
                if text and not text.startswith("DC1_RESULT_JSON:"):
                    with self.store.lock:
                        if self.runs.get(run.job_pk) is run:
                            self.append_logs(self.job(run.job_pk), [(level, text)], run.attempt)
        readers = [threading.Thread(target=pump, args=(proc.stdout, "info", True), daemon=True),
                   threading.Thread(target=pump, args=(proc.stderr, "error", False), daemon=True)]
        for t in readers:
            t.start()
        t0 = time.monotonic()
        try:
            rc = proc.wait(timeout=cap)
        except subprocess.TimeoutExpired:
            rc = None
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
        for t in readers:
            t.join(timeout=2)
        runtime = self.clock.speed * (time.monotonic() - t0) + 0.6
        with self.store.lock:
            if self.runs.get(run.job_pk) is not run:
                return
            job = self.job(run.job_pk)
            if rc is None:
                self.settle_failure(job, TIMEOUT_ERROR, event="job.timed_out", source="timeout_enforcer",
                                    statuses=EXECUTING)
            elif rc != 0:
                self.settle_failure(job, f"Container exited with code {rc}", statuses=EXECUTING)
            else:
                run.runtime = runtime
                gpu = (self.store.q1("SELECT gpu_count FROM providers WHERE id = ?",
                                     run.provider_id) or {}).get("gpu_count") or 1
                # the daemon posts stdout back through the server's sanitiser (§1.2): trimmed
                self.settle_success(job, clean_string("".join(out)), runtime * gpu)

    def force(self, job: dict, to: str, error: str | None = None, result: str | None = None) -> dict:
        """Control API: push a job to running / completed / failed / cancelled now."""
        if to == "cancelled":
            return self.cancel(job)
        if to == "failed":
            return self.settle_failure(job, error or "[emulated] failure forced via the control API",
                                       statuses=EXECUTING | {"pending", "queued", "paused"}) or self.job(job["id"])
        if job["status"] in ("pending", "queued") and to in ("running", "completed"):
            provider = self.store.q1("SELECT * FROM providers WHERE id = ?", job["provider_id"]) \
                if job["provider_id"] else None
            provider = provider or self.store.q1("SELECT * FROM providers ORDER BY live DESC, id LIMIT 1")
            if not provider:
                raise ValueError("no provider to run the job on")
            self.start_run(job, provider)
        if to == "completed":
            job = self.job(job["id"])
            run = self.runs.get(job["id"])
            if result is None and run is not None:
                p = run.params
                if run.job_type in ("llm_inference", "llm-inference"):
                    result, tokens = workloads.llm_stdout(p, run.gen_time or 0.9, run.runtime or 2.3)
                    return self.settle_success(job, result, run.runtime or 2.3, tokens) or self.job(job["id"])
                if run.job_type == "image_generation":
                    result = workloads.image_stdout(p, run.gen_time or 1.4, run.runtime or 2.6)
                elif run.job_type == "vllm_serve":
                    result = dumps({"endpoint_url": job["endpoint_url"], "model": p["model"],
                                    "port": job["serve_port"]})
                else:
                    result = workloads.generic_stdout(run.job_type, job["task_spec"] or "", 1.0)
            if job["status"] in EXECUTING:
                self._update(job, {"status": "running"})
            return self.settle_success(job, result, (run.runtime if run else 1.0) or 1.0) \
                or self.job(job["id"])
        return self.job(job["id"])

    # ----------------------------------------------------------------- the tick

    def tick(self) -> None:
        with self.store.lock:
            now = self.clock.now()
            self._heartbeats()
            self._provider_silence(now)
            self._pickups(now)
            for pk, run in list(self.runs.items()):
                while run.idx < len(run.steps) and self.runs.get(pk) is run:
                    offset, fn = run.steps[run.idx]
                    if now - run.started_sim < offset or not fn():
                        break
                    run.idx += 1
            if self.timers:
                self._timers(now)
            sweep = now >= self.next_sweep
            if sweep:
                self.next_sweep = now + SWEEP_PERIOD
        if sweep:
            self.sweep_metrics["totalRuns"] += 1
            self.sweep_metrics["lastRunAt"] = iso()
            try:
                self.webhooks.sweep()
            except Exception as e:                     # counted like the server's sweepErrors
                self.sweep_metrics["sweepErrors"] += 1
                self.sweep_metrics["lastErrorAt"] = iso()
                self.sweep_metrics["lastErrorMessage"] = f"webhook sweep: {e}"

    def _heartbeats(self) -> None:
        t = time.monotonic()
        if t - self._last_heartbeat_write >= 1.0:
            self._last_heartbeat_write = t
            self.store.x("UPDATE providers SET last_heartbeat = ? WHERE live = 1", iso())

    def _pickups(self, now: float) -> None:
        providers = self.store.q(
            "SELECT * FROM providers WHERE live = 1 AND is_paused = 0 AND approval_status = 'approved' "
            "AND COALESCE(status,'online') NOT IN ('offline','paused','banned','suspended') ORDER BY id")
        if not providers:
            return
        busy = {r["provider_id"] for r in self.store.q(
            "SELECT DISTINCT provider_id FROM jobs WHERE status IN ('running','assigned','pulling') "
            "AND provider_id IS NOT NULL")}
        for p in providers:
            if p["id"] in busy:
                continue
            for j in self.store.q(
                    "SELECT * FROM jobs WHERE status IN ('pending','queued') AND picked_up_at IS NULL "
                    "AND task_spec IS NOT NULL AND (provider_id = ? OR provider_id IS NULL) "
                    "ORDER BY COALESCE(priority,2) DESC, CASE status WHEN 'pending' THEN 0 ELSE 1 END, "
                    "created_at, id LIMIT 50", p["id"]):
                if self.eligible_at.get(j["id"], 0) > now:
                    continue
                if j["provider_id"] is None and not self._fits(j, p):
                    continue
                self.start_run(j, p)
                busy.add(p["id"])
                break

    @staticmethod
    def _fits(job: dict, provider: dict) -> bool:
        try:
            need = float(json.loads(job["gpu_requirements"] or "{}").get("min_vram_gb") or 0)
        except (ValueError, TypeError, AttributeError):
            need = 0
        return need <= (provider["vram_mib"] or 0) / 1024

    def _provider_silence(self, now: float) -> None:
        """§15.2: 90 s of silence sends executing jobs back to pending (no provider);
        5 min queues the rest and sends provider.offline."""
        for p in self.store.q("SELECT id, live FROM providers"):
            if p["live"]:
                self.offline_since.pop(p["id"], None)
                continue
            since = self.offline_since.setdefault(p["id"], now)
            if now - since >= SILENT_REQUEUE:
                for j in self.store.q("SELECT * FROM jobs WHERE provider_id = ? AND status IN "
                                      "('running','assigned','pulling')", p["id"]):
                    self._stop_run(j["id"])
                    self.eligible_at[j["id"]] = now + PICKUP_DELAY
                    self._update(j, {"status": "pending", "provider_id": None, "picked_up_at": None,
                                     "assigned_at": None, "progress_phase": None,
                                     "endpoint_url": None, "serve_port": None},
                                 "job.status.changed", "Provider offline: job returned to pending",
                                 "monitor", error="provider offline")
            if now - since >= SILENT_QUEUE:
                for j in self.store.q("SELECT * FROM jobs WHERE provider_id = ? AND status IN "
                                      "('pending','assigned','pulling','running')", p["id"]):
                    self._stop_run(j["id"])
                    self.queued_since[j["id"]] = now
                    new = self._update(j, {"status": "queued", "provider_id": None,
                                           "picked_up_at": None, "timeout_at": None,
                                           "retry_count": (j["retry_count"] or 0) + 1},
                                       "job.status.changed", "Provider offline: job re-queued",
                                       "monitor", error="provider offline")
                    self.webhooks.provider_offline(dict(new, provider_id=p["id"]))

    def _timers(self, now: float) -> None:
        for pk, run in list(self.runs.items()):
            if run.slow or run.finished:
                continue
            job = self.job(pk)
            if not job:
                continue
            if job["status"] in EXECUTING and now - run.started_sim >= run.max_duration_s:
                # §5.2 hard timeout: failed and refunded
                self.append_logs(job, [("error", f"[dcp] {TIMEOUT_ERROR}")], run.attempt)
                self.settle_failure(job, TIMEOUT_ERROR, event="job.timed_out",
                                    source="timeout_enforcer", statuses=EXECUTING)
            elif job["status"] == "running" and now - run.started_sim >= run.budget_s:
                # §5.2 soft runtime: requeue up to max_retries, then fail without refund
                retries = job["retry_count"] or 0
                if retries >= (job["max_retries"] or 2):
                    self.settle_failure(job, "[permanent] retries exhausted: provider_timeout",
                                        refund=False, source="sweeper", statuses={"running"})
                else:
                    self._stop_run(pk)
                    self.eligible_at[pk] = now + PICKUP_DELAY
                    self.queued_since[pk] = now
                    self._update(job, {"status": "queued", "retry_count": retries + 1,
                                       "picked_up_at": None, "assigned_at": None, "timeout_at": None,
                                       "progress_phase": None, "endpoint_url": None,
                                       "serve_port": None,
                                       "error": f"[retry {retries + 1}/{job['max_retries'] or 2}] "
                                                "provider_timeout: ran past duration_minutes"},
                                 "job.retry.scheduled", "Runtime budget exceeded; job re-queued",
                                 "sweeper", error="provider_timeout")
        for j in self.store.q("SELECT * FROM jobs WHERE status = 'queued'"):
            since = self.queued_since.setdefault(j["id"], now)
            if now - since >= QUEUE_TIMEOUT and not has_marker(self.params_of(j), "SLOW"):
                self.settle_failure(j, "[permanent] queue timeout: no provider picked up the job "
                                       "within 30 minutes", refund=False, source="sweeper",
                                    statuses={"queued"})
