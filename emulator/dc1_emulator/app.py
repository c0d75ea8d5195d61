"""``Emulator``: wires the store, the simulated providers, the HTTP server and
the control API together. Use it in-process as a context manager::

    with Emulator(speed=20.0) as emu:
        requests.get(emu.base_url + "/api/renters/balance",
                     headers={"x-renter-key": emu.api_key})

or run it as a process with ``python -m dc1_emulator``."""
from __future__ import annotations

import ipaddress
import json
import re
import secrets
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from . import catalog, control, routes_jobs, routes_renters, routes_v1
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


def _bracket(addr: str) -> str:
    """An IPv6 literal as it appears in a Host header."""
    try:
        if isinstance(ipaddress.ip_address(addr.strip("[]")), ipaddress.IPv6Address):
            return "[" + addr.strip("[]") + "]"
    except ValueError:
        pass
    return addr


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
    control_token     the token the control API (/__emulator/...) requires (default: random;
                      read it from ``.control_token``; ``control()`` sends it)
    control_auth      False: the control API needs no token (``--no-control-auth``)
    allowed_hosts     extra Host names (``name`` or ``name:port``) to answer besides the
                      listen address, localhost and 127.0.0.1
    webhook_dns_check refuse registered-webhook URLs whose host does not resolve to a public
                      IP, as the real server does (default True; test suites that never reach
                      the internet turn it off, or use loopback webhooks)
    cors_origins      browser origins allowed besides https://dcp.sa and https://www.dcp.sa
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, db: str | None = None,
                 speed: float = 1.0, providers: int | list | None = None,
                 renter_balance: int = DEFAULT_BALANCE, api_key: str | None = None,
                 allow_loopback_webhooks: bool = True, allow_topup: bool = False,
                 admin_token: str | None = None, timers: bool = True, log: Any = False,
                 control_token: str | None = None, control_auth: bool = True,
                 allowed_hosts: list | None = None, webhook_dns_check: bool = True,
                 cors_origins: list | None = None) -> None:
        self.host, self._port, self.db_path = host, port, db
        if control_auth:
            self.control_token: str | None = control_token or secrets.token_hex(16)
        else:
            self.control_token = None
        self._extra_hosts = [str(h).strip().lower() for h in (allowed_hosts or []) if str(h).strip()]
        self._allowed_hosts: set = set()
        self.webhook_dns_check = webhook_dns_check
        # §1.4: the production allow-list plus what CORS_ORIGINS would add (--cors-origin)
        self.cors_origins = {"https://dcp.sa", "https://www.dcp.sa"} | set(cors_origins or [])
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
        self.webhooks = Webhooks(self.store, self._allow_loopback, self.webhook_dns_check)
        self.engine = Engine(self.store, self.clock, self.webhooks, self.request_counters.job_created,
                             self.log_request)
        self.engine.timers = self._timers
        self.router = Router()
        control.register(self.router)
        routes_renters.register(self.router)
        routes_jobs.register(self.router)
        routes_v1.register(self.router)
        catalog.register(self.router)
        try:
            self.httpd = EmulatorHTTPServer((self.host, self._port), self)
        except BaseException:
            self.store.close()
            raise
        self._allowed_hosts = self._compute_allowed_hosts()
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
            self.webhooks.dns_check = self.webhook_dns_check
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

    # --- Host header check (DNS rebinding) -------------------------------------------------

    def _compute_allowed_hosts(self) -> set:
        port = self.port
        names = {"localhost", "127.0.0.1", "[::1]"}
        h = (self.host or "").strip().lower()
        if h in ("", "0.0.0.0", "::"):
            # Listening everywhere (--host given explicitly): this machine's own names and addresses.
            names.add("0.0.0.0")
            for n in (socket.gethostname(), socket.getfqdn()):
                if n:
                    names.add(n.lower())
                    try:
                        for info in socket.getaddrinfo(n, None):
                            names.add(_bracket(info[4][0]))
                    except OSError:
                        pass
        elif h:
            names.add(_bracket(h))
        allowed = {f"{n}:{port}" for n in names}
        if port == 80:
            allowed |= names
        for extra in self._extra_hosts:
            if re.fullmatch(r"(\[[0-9a-f:.]+\]|[^:\[\]]+):\d+", extra):
                allowed.add(extra)                  # name:port as given
            else:
                allowed.add(f"{_bracket(extra)}:{port}")
                if port == 80:
                    allowed.add(_bracket(extra))
        return allowed

    def host_allowed(self, host: str) -> bool:
        """Whether a request's Host header names this emulator."""
        return bool(host) and host.strip().lower() in self._allowed_hosts

    def allowed_hosts_display(self) -> list:
        return [h for h in self._allowed_hosts if h.startswith(("127.0.0.1:", "localhost:"))] or \
            sorted(self._allowed_hosts)[:2]

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
        headers = {"Content-Type": "application/json"}
        if self.control_token:
            headers["x-emulator-token"] = self.control_token
        req = urllib.request.Request(self.base_url + path, data=data, method=method.upper(),
                                     headers=headers)
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
