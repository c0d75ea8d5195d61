"""``Emulator``: wires the store, the simulated providers, the HTTP server and
the control API together. Use it in-process as a context manager::

    with Emulator(speed=20.0) as emu:
        requests.get(emu.base_url + "/api/renters/balance",
                     headers={"x-renter-key": emu.api_key})

or run it as a process with ``python -m dc1.emulator``."""
from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from . import control, routes_jobs, routes_renters, routes_v1
from .clock import SimClock
from .faults import Faults
from .jobs import Engine
from .ratelimit import RateLimits
from .router import Router
from .server import EmulatorHTTPServer
from .state import Store, default_providers
from .webhooks import Webhooks

DEFAULT_BALANCE = 100_000           # 1000 SAR
DEFAULT_QUOTA = {"daily_jobs_limit": 100, "monthly_spend_limit_halala": 10_000}   # §4


class EmulatorError(RuntimeError):
    """A control call answered with an HTTP error."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"control API answered {status}: {body}")
        self.status = status
        self.body = body


class Counters:
    """Requests per route pattern and per path, and jobs created (control API)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests: dict = {}
            self.by_path: dict = {}
            self.jobs_created = 0
            self.by_renter: dict = {}

    def record(self, method: str, route_key: str | None, path: str) -> None:
        with self._lock:
            key = route_key or f"{method} (unmatched)"
            self.requests[key] = self.requests.get(key, 0) + 1
            pkey = f"{method} {path}"
            self.by_path[pkey] = self.by_path.get(pkey, 0) + 1

    def job_created(self, renter_id: int) -> None:
        with self._lock:
            self.jobs_created += 1
            k = str(renter_id)
            self.by_renter[k] = self.by_renter.get(k, 0) + 1

    def snapshot(self, faults_pending: int) -> dict:
        with self._lock:
            return {"requests": dict(self.requests), "requests_by_path": dict(self.by_path),
                    "jobs_created": self.jobs_created, "jobs_created_by_renter": dict(self.by_renter),
                    "faults_pending": faults_pending}


class TTLCache:
    """In-memory idempotency cache (§13)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict = {}

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item and item[1] > time.monotonic():
                return item[0]
            self._items.pop(key, None)
            return None

    def put(self, key, value, ttl: float) -> None:
        with self._lock:
            self._items[key] = (value, time.monotonic() + ttl)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Emulator:
    """A local DC1 server. Parameters:

    host, port        where to listen (port 0: a free port)
    db                SQLite file to keep state across restarts (None: in memory)
    speed             simulated seconds per real second (1.0: an LLM job takes ~2-3 s)
    providers         None (3 default providers), an int (that many), or a list of dicts
    renter_balance    the seeded renter's balance in halala (default 100000 = 1000 SAR)
    api_key           the seeded renter's key (default: generated dcp-renter-<32 hex>)
    allow_loopback_webhooks  accept/deliver webhooks to http://127.0.0.1 (default True here)
    allow_topup       enable POST /api/renters/topup (the production server answers 403)
    admin_token       accept this x-admin-token / Bearer as the admin credential
    timers            run the server timers (hard timeout, soft runtime, queue timeout)
    log               write the request log to stderr (True) or a file-like object
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, db: str | None = None,
                 speed: float = 1.0, providers: int | list | None = None,
                 renter_balance: int = DEFAULT_BALANCE, api_key: str | None = None,
                 allow_loopback_webhooks: bool = True, allow_topup: bool = False,
                 admin_token: str | None = None, timers: bool = True, log: Any = False) -> None:
        self.host, self._port, self.db_path = host, port, db
        self.initial_speed = float(speed)
        if providers is None:
            self._provider_specs = default_providers(3)
        elif isinstance(providers, int):
            self._provider_specs = default_providers(providers)
        else:
            self._provider_specs = [dict(p) for p in providers]
        self._renter_balance = int(renter_balance)
        self._api_key = api_key
        self._allow_loopback = allow_loopback_webhooks
        self.allow_topup = allow_topup
        self.admin_token = admin_token
        self._timers = timers
        self._log = sys.stderr if log is True else (log or None)
        self._log_lock = threading.Lock()
        self.stopping = False
        self.stop_event = threading.Event()
        self.httpd: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.started_epoch = int(time.time())

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> "Emulator":
        self.store = Store(self.db_path)
        self.store.seed(self._renter_balance, self._api_key, self._provider_specs)
        self.clock = SimClock(self.initial_speed)
        self.faults = Faults()
        self.request_counters = Counters()
        self.ratelimits = RateLimits()
        self.idempotency = TTLCache()
        self.rotations: dict = {}          # renter id -> rotation times (3 per 24 h)
        self.quota = dict(self.store.meta("quota", DEFAULT_QUOTA))
        self.webhooks = Webhooks(self.store, self._allow_loopback)
        self.engine = Engine(self.store, self.clock, self.webhooks, self.request_counters.job_created,
                             self.log_request)
        self.engine.timers = self._timers
        self.router = Router()
        control.register(self.router)
        routes_renters.register(self.router)
        routes_jobs.register(self.router)
        routes_v1.register(self.router)
        self.httpd = EmulatorHTTPServer((self.host, self._port), self)
        self.engine.start()
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True, name="dc1emu-http")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.stop_event.set()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.close_all()
            self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self.engine.stop()
        self.store.bump()
        self.store.close()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to the seed: jobs, faults, counters, limiter buckets, deliveries, quotas,
        speed; the seeded renter keeps its key and gets its balance back."""
        with self.store.lock:
            self.engine.reset()
            self.store.restore_seed()
            self.faults.clear()
            self.request_counters.reset()
            self.ratelimits.reset()
            self.idempotency.clear()
            self.rotations.clear()
            self.webhooks.clear()
            self.quota.clear()
            self.quota.update(DEFAULT_QUOTA)
            self.clock.set_speed(self.initial_speed)
            self.engine.timers = self._timers

    # --- properties ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.httpd.server_address[1] if self.httpd else self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        return self.store.seed_renter().get("api_key")

    @property
    def renter_id(self) -> int:
        return self.store.seed_renter().get("id")

    def log_request(self, line: str) -> None:
        if self._log is None:
            return
        with self._log_lock:
            try:
                self._log.write(line + "\n")
                self._log.flush()
            except (OSError, ValueError):
                pass

    # --- control helpers (they go through the HTTP control API) -----------------------------

    def control(self, method: str, path: str, body: Any = None) -> Any:
        if not path.startswith("/__emulator"):
            path = "/__emulator/" + path.lstrip("/")
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method.upper(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode("utf-8", "replace")
            raise EmulatorError(e.code, parsed) from None
        return json.loads(raw) if raw else None

    def inject_fault(self, path: str = "*", action: str = "status", method: str = "*",
                     count: int = 1, **options: Any) -> int:
        """Queue a fault; see docs/emulator.md. Returns its id."""
        body = dict(options, path=path, action=action, method=method, count=count)
        return self.control("POST", "/faults", body)["id"]

    def clear_faults(self) -> None:
        self.control("DELETE", "/faults")

    def counters(self) -> dict:
        return self.control("GET", "/counters")

    def set_speed(self, speed: float) -> None:
        self.control("POST", "/clock", {"speed": speed})

    def advance(self, job_id: str, to: str, **extra: Any) -> dict:
        return self.control("POST", f"/jobs/{job_id}/advance", dict(extra, to=to))["job"]

    def webhook_deliveries(self) -> list:
        return self.control("GET", "/webhooks/deliveries")["deliveries"]

    def add_renter(self, balance_halala: int = DEFAULT_BALANCE, **fields: Any) -> dict:
        return self.control("POST", "/renters", dict(fields, balance_halala=balance_halala))

    def add_provider(self, **fields: Any) -> dict:
        return self.control("POST", "/providers", fields)

    def update_provider(self, provider_id: int, **fields: Any) -> dict:
        return self.control("PATCH", f"/providers/{provider_id}", fields)

    def reset_state(self) -> None:
        self.control("POST", "/reset")
