"""The emulator's store: SQLite through the standard library, ``:memory:`` by
default or a file with ``--db`` (then a restart loses nothing).

One connection, guarded by one re-entrant lock: every request handler and
the simulator take ``store.lock`` around their reads and writes, which keeps
each operation atomic the way the real server's SQLite transactions are.
Rows are plain dicts holding what SQLite stores (§1.5: JSON columns stay
JSON *strings*, booleans are 0/1)."""
from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any, Iterable

from .util import iso, provider_key, renter_key

# §5.3: the whole jobs row. Raw rows are returned by GET /api/jobs/:id.
JOB_COLUMNS = """
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT UNIQUE NOT NULL,
    renter_id INTEGER, provider_id INTEGER, job_type TEXT, model TEXT, template_id TEXT,
    status TEXT NOT NULL, priority INTEGER DEFAULT 2, pricing_class TEXT DEFAULT 'standard',
    capacity_class TEXT, submitted_at TEXT, created_at TEXT, assigned_at TEXT,
    picked_up_at TEXT, started_at TEXT, first_token_at TEXT, completed_at TEXT,
    updated_at TEXT, timeout_at TEXT, duration_minutes REAL, max_duration_seconds INTEGER,
    duration_seconds REAL, actual_duration_minutes REAL, cost_halala INTEGER,
    actual_cost_halala INTEGER, provider_earned_halala INTEGER, dc1_fee_halala INTEGER,
    compute_halala INTEGER, storage_halala INTEGER, bandwidth_halala INTEGER,
    gpu_seconds_used REAL, storage_gb_seconds REAL, bandwidth_bytes_out INTEGER,
    bandwidth_bytes_in INTEGER, refunded_at TEXT, error TEXT, last_error TEXT,
    retry_count INTEGER DEFAULT 0, max_retries INTEGER DEFAULT 2, restart_count INTEGER DEFAULT 0,
    progress_phase TEXT, progress_updated_at TEXT, endpoint_url TEXT, serve_port INTEGER,
    result TEXT, logs_jsonl TEXT, task_spec TEXT, task_spec_hmac TEXT, container_spec TEXT,
    gpu_requirements TEXT, gpu_rate_snapshot TEXT, workspace_volume_name TEXT,
    checkpoint_enabled INTEGER DEFAULT 0, checkpoint_name TEXT, checkpoint_path TEXT,
    checkpointed_at TEXT, container_id TEXT, prewarm_requested INTEGER DEFAULT 0,
    prompt_tokens INTEGER, completion_tokens INTEGER, retried_from_job_id INTEGER, notes TEXT,
    webhook_notified_at TEXT, webhook_delivery_status TEXT,
    webhook_delivery_attempts INTEGER DEFAULT 0, completion_email_sent_at TEXT,
    lifecycle_status TEXT, attestation_status TEXT, attestation_tx_hash TEXT,
    vram_required INTEGER, warming_task_id TEXT
"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS renters (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, email TEXT, organization TEXT,
    use_case TEXT, phone TEXT, api_key TEXT UNIQUE, status TEXT DEFAULT 'active',
    balance_halala INTEGER DEFAULT 0, total_spent_halala INTEGER DEFAULT 0,
    total_jobs INTEGER DEFAULT 0, webhook_url TEXT, webhook_secret TEXT,
    daily_jobs_limit INTEGER, monthly_spend_limit_halala INTEGER,
    is_seed INTEGER DEFAULT 0, created_at TEXT, updated_at TEXT);
CREATE TABLE IF NOT EXISTS providers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, email TEXT, api_key TEXT UNIQUE,
    gpu_model TEXT, vram_mib INTEGER, gpu_count INTEGER DEFAULT 1, driver_version TEXT,
    compute_capability TEXT, cuda_version TEXT, status TEXT DEFAULT 'online',
    live INTEGER DEFAULT 1, is_paused INTEGER DEFAULT 0, location TEXT,
    reliability_score REAL DEFAULT 0, cached_models TEXT DEFAULT '[]',
    provider_ip TEXT DEFAULT '127.0.0.1', cost_per_gpu_second_halala REAL DEFAULT 0.25,
    last_heartbeat TEXT, approval_status TEXT DEFAULT 'approved', peer_id TEXT,
    is_seed INTEGER DEFAULT 0, created_at TEXT, updated_at TEXT);
CREATE TABLE IF NOT EXISTS jobs ({JOB_COLUMNS});
CREATE INDEX IF NOT EXISTS jobs_renter ON jobs(renter_id);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE TABLE IF NOT EXISTS emu_job (
    job_pk INTEGER PRIMARY KEY, params TEXT, workload TEXT);
CREATE TABLE IF NOT EXISTS job_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT, line_no INTEGER, level TEXT,
    message TEXT, logged_at TEXT, attempt_number INTEGER DEFAULT 1);
CREATE INDEX IF NOT EXISTS job_logs_job ON job_logs(job_id, line_no);
CREATE TABLE IF NOT EXISTS job_lifecycle_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT, sequence_no INTEGER, event_type TEXT,
    status TEXT, source TEXT, error_category TEXT, error_code TEXT, message TEXT,
    payload_json TEXT, occurred_at TEXT);
CREATE INDEX IF NOT EXISTS lifecycle_job ON job_lifecycle_events(job_id, sequence_no);
CREATE TABLE IF NOT EXISTS job_executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT, attempt_number INTEGER,
    provider_id INTEGER, started_at TEXT, ended_at TEXT, exit_code INTEGER, log_path TEXT,
    gpu_seconds_used REAL, cost_halala INTEGER);
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY, renter_id INTEGER, url TEXT, secret TEXT, events TEXT,
    active INTEGER DEFAULT 1, created_at TEXT);
"""

# Default simulated fleet (§15.1: seeded approved providers).
PROVIDER_TEMPLATES: list[dict] = [
    {"name": "Riyadh Node A", "gpu_model": "NVIDIA GeForce RTX 4090", "vram_mib": 24564,
     "location": "SA-Riyadh", "compute_capability": "8.9",
     "cached_models": ["TinyLlama/TinyLlama-1.1B-Chat-v1.0"]},
    {"name": "Jeddah Node B", "gpu_model": "NVIDIA A100-SXM4-80GB", "vram_mib": 81920,
     "location": "SA-Jeddah", "compute_capability": "8.0",
     "cached_models": ["mistralai/Mistral-7B-Instruct-v0.2", "TinyLlama/TinyLlama-1.1B-Chat-v1.0"]},
    {"name": "Dammam Node C", "gpu_model": "NVIDIA GeForce RTX 3090", "vram_mib": 24576,
     "location": "SA-Dammam", "compute_capability": "8.6", "cached_models": []},
    {"name": "Makkah Node D", "gpu_model": "NVIDIA H100 80GB HBM3", "vram_mib": 81559,
     "location": "SA-Makkah", "compute_capability": "9.0", "cached_models": []},
    {"name": "Madinah Node E", "gpu_model": "NVIDIA GeForce RTX 4080", "vram_mib": 16376,
     "location": "SA-Madinah", "compute_capability": "8.9", "cached_models": []},
    {"name": "Khobar Node F", "gpu_model": "NVIDIA GeForce RTX 3080", "vram_mib": 10240,
     "location": "SA-Khobar", "compute_capability": "8.6", "cached_models": []},
]

PROVIDER_FIELDS = ("name", "email", "api_key", "gpu_model", "vram_mib", "gpu_count",
                   "driver_version", "compute_capability", "cuda_version", "status", "live",
                   "is_paused", "location", "reliability_score", "cached_models", "provider_ip",
                   "cost_per_gpu_second_halala", "last_heartbeat", "approval_status", "peer_id")


def default_providers(count: int) -> list[dict]:
    out = []
    for i in range(count):
        tpl = dict(PROVIDER_TEMPLATES[i % len(PROVIDER_TEMPLATES)])
        if i >= len(PROVIDER_TEMPLATES):
            tpl["name"] = f"{tpl['name']} #{i // len(PROVIDER_TEMPLATES) + 1}"
        out.append(tpl)
    return out


def provider_row(spec: dict) -> dict:
    """A providers row from a (partial) spec; fills the defaults."""
    now = iso()
    live = bool(spec.get("live", True))
    cached = spec.get("cached_models", [])
    row = {
        "name": spec.get("name") or "Emulated Node",
        "email": spec.get("email") or "provider@emulator.invalid",
        "api_key": spec.get("api_key") or provider_key(),
        "gpu_model": spec.get("gpu_model", "NVIDIA GeForce RTX 4090"),
        "vram_mib": spec.get("vram_mib", 24564),
        "gpu_count": spec.get("gpu_count", 1),
        "driver_version": spec.get("driver_version", "550.54"),
        "compute_capability": spec.get("compute_capability", "8.9"),
        "cuda_version": spec.get("cuda_version", "12.4"),
        "status": spec.get("status") or ("online" if live else "offline"),
        "live": 1 if live else 0,
        "is_paused": 1 if spec.get("is_paused") else 0,
        "location": spec.get("location", "SA-Riyadh"),
        "reliability_score": spec.get("reliability_score", 0),
        "cached_models": cached if isinstance(cached, str) else json.dumps(cached),
        "provider_ip": spec.get("provider_ip", "127.0.0.1"),
        "cost_per_gpu_second_halala": spec.get("cost_per_gpu_second_halala", 0.25),
        "last_heartbeat": spec.get("last_heartbeat", now),
        "approval_status": spec.get("approval_status", "approved"),
        "peer_id": spec.get("peer_id"),
    }
    return row


class Store:
    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)
        cols = {r[1] for r in self.conn.execute("PRAGMA table_info(jobs)").fetchall()}
        if "attestation_tx_hash" not in cols:          # a --db file written by an older emulator
            self.conn.execute("ALTER TABLE jobs ADD COLUMN attestation_tx_hash TEXT")
        # Change notification for the SSE streams (§8.6, §8.7): bumped on every write.
        self._changed = threading.Condition()
        self._version = 0

    # --- queries -------------------------------------------------------------

    def q(self, sql: str, *args: Any) -> list[dict]:
        with self.lock:
            return [dict(r) for r in self.conn.execute(sql, args).fetchall()]

    def q1(self, sql: str, *args: Any) -> dict | None:
        with self.lock:
            r = self.conn.execute(sql, args).fetchone()
            return dict(r) if r is not None else None

    def x(self, sql: str, *args: Any) -> sqlite3.Cursor:
        with self.lock:
            return self.conn.execute(sql, args)

    def insert(self, table: str, row: dict) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        return self.x(f"INSERT INTO {table} ({cols}) VALUES ({marks})", *row.values()).lastrowid

    def update(self, table: str, pk: Any, fields: dict, key: str = "id") -> None:
        if not fields:
            return
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.x(f"UPDATE {table} SET {sets} WHERE {key} = ?", *fields.values(), pk)

    def transaction(self):
        return _Tx(self)

    def meta(self, key: str, default: Any = None) -> Any:
        r = self.q1("SELECT value FROM meta WHERE key = ?", key)
        return json.loads(r["value"]) if r else default

    def set_meta(self, key: str, value: Any) -> None:
        self.x("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, json.dumps(value))

    def close(self) -> None:
        with self.lock:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass

    # --- change notification ---------------------------------------------------

    def bump(self) -> None:
        with self._changed:
            self._version += 1
            self._changed.notify_all()

    @property
    def version(self) -> int:
        return self._version

    def wait_change(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self._version != seen, timeout)
            return self._version

    # --- seeding ----------------------------------------------------------------

    def seed(self, renter_balance: int, api_key: str | None, providers: Iterable[dict]) -> None:
        """Fresh database only: the funded renter and the fleet. The seed is kept in
        ``meta`` so that a reset (and a restart with --db) restores the same keys."""
        with self.lock:
            if self.meta("seed") is not None:
                return
            seed = {"renter": {"name": "Emulator Renter", "email": "renter@emulator.invalid",
                               "organization": "DC1 Emulator", "api_key": api_key or renter_key(),
                               "balance_halala": int(renter_balance)},
                    "providers": [provider_row(p) for p in providers]}
            self.set_meta("seed", seed)
            self.set_meta("hmac_secret", renter_key()[11:] + renter_key()[11:])
            self.restore_seed()

    def restore_seed(self) -> None:
        """Wipe jobs, logs, webhooks and extra renters/providers; put the seed back."""
        seed = self.meta("seed")
        now = iso()
        with self.transaction():
            for table in ("jobs", "emu_job", "job_logs", "job_lifecycle_events",
                          "job_executions", "webhooks", "renters", "providers"):
                self.x(f"DELETE FROM {table}")
            self.x("DELETE FROM sqlite_sequence")
            r = seed["renter"]
            self.insert("renters", {
                "id": 1, "name": r["name"], "email": r["email"], "organization": r["organization"],
                "use_case": "testing", "phone": None, "api_key": r["api_key"], "status": "active",
                "balance_halala": r["balance_halala"], "total_spent_halala": 0, "total_jobs": 0,
                "webhook_url": None, "webhook_secret": renter_key()[11:] * 2, "is_seed": 1,
                "created_at": now, "updated_at": now})
            for i, p in enumerate(seed["providers"], start=1):
                row = dict(p, id=i, is_seed=1, created_at=now, updated_at=now, last_heartbeat=now)
                if not row.get("live"):
                    row["last_heartbeat"] = None
                self.insert("providers", row)
        self.bump()

    def seed_renter(self) -> dict:
        return self.q1("SELECT * FROM renters WHERE is_seed = 1 ORDER BY id LIMIT 1") or {}


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error); nested use joins the outer one."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self):
        self.store.lock.acquire()
        self.store._tx_depth = getattr(self.store, "_tx_depth", 0) + 1
        if self.store._tx_depth == 1:
            self.store.conn.execute("BEGIN IMMEDIATE")
        return self.store

    def __exit__(self, exc_type, exc, tb):
        try:
            self.store._tx_depth -= 1
            if self.store._tx_depth == 0:
                self.store.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store.lock.release()
        return False
