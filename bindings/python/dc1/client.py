"""DC1Client: the synchronous client, a thin layer over libdc1.

Every method is one (or, where noted, two) libdc1 calls; retries, deadlines,
the submit schema check, error mapping and output normalisation happen in the
C core. This module never touches C itself: it goes through ``dc1._lib``.

Threads: one client may be shared by any number of threads. Each call borrows
its own HTTP connection from the client's pool, and ctypes releases the GIL for
the duration of every libdc1 call, so threads really run in parallel.
``close()`` waits for calls still running on other threads before it frees
the C client.

Every call can be ended: each runs with a ``dc1_stop`` bound to its thread, and
on the main thread Ctrl-C triggers it (``KeyboardInterrupt`` follows once the C
call has returned), requests, waits, streams, chats and batches alike.
"""
from __future__ import annotations

import contextlib
import logging
import math
import os
import queue
import sys
import threading
import warnings
from typing import Any, Callable, Dict, Iterator, List, Optional, Union

from .catalogue import CatalogueResource
from . import _lib
from .errors import (
    ClientClosedError,
    InterruptedCallError,
    InvalidArgumentError,
    JobTimeoutError,
    RequestTimeoutError,
    SubmitCheckWarning,
)
from .models import Balance, Endpoint, Job, Output, Provider
from .progress import open_display, with_display

__all__ = ["DC1Client", "DEFAULT_BASE_URL"]  # noqa: F822 - DEFAULT_BASE_URL comes from __getattr__ below


def __getattr__(name: str) -> Any:
    # DEFAULT_BASE_URL is the core's built-in default, read from it when first asked for
    # (the binding keeps no copy of it).
    if name == "DEFAULT_BASE_URL":
        return _lib.client_config(None)["base_url"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


from . import __version__ as _BINDING_VERSION  # noqa: E402  (written once, tested equal to dc1.h)

#: How often the core hands a waiting call back to Python (watch and stream ticks): a
#: progress display is redrawn, and a Ctrl-C noted meanwhile ends the call through its
#: callback too (besides the dc1_stop every call has bound, see dc1._lib).
_TICK_MS = 250

# Python logging level -> libdc1 DC1_LOG_* and back.
_TO_PY_LEVEL = {
    _lib.DC1_LOG_DEBUG: logging.DEBUG,
    _lib.DC1_LOG_INFO: logging.INFO,
    _lib.DC1_LOG_WARN: logging.WARNING,
    _lib.DC1_LOG_ERROR: logging.ERROR,
}


def _c_level(py_level: int) -> int:
    if py_level <= logging.DEBUG:
        return _lib.DC1_LOG_DEBUG
    if py_level <= logging.INFO:
        return _lib.DC1_LOG_INFO
    if py_level <= logging.WARNING:
        return _lib.DC1_LOG_WARN
    return _lib.DC1_LOG_ERROR


def _ms(seconds: Optional[float], name: str) -> Optional[int]:
    """Seconds → whole milliseconds. Non-numbers, bools, NaN, infinities and negative values
    are InvalidArgumentError here, before any call (not ValueError/OverflowError from int())."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise InvalidArgumentError(f"{name} must be a number of seconds, got {seconds!r}")
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise InvalidArgumentError(f"{name} must be a finite number of seconds, got {seconds!r}")
    if seconds < 0:
        raise InvalidArgumentError(f"{name} must not be negative, got {seconds!r}")
    ms = round(seconds * 1000)
    if ms > _MAX_MS:
        raise InvalidArgumentError(f"{name} is too large ({seconds!r} s; at most {_MAX_MS // 1000} s)")
    return int(ms)


# Longer than any deadline libdc1 accepts, short enough for every C integer it reaches.
_MAX_MS = 100 * 365 * 86_400_000



def _job_id(job_id: Any) -> str:
    """Accepts a job id string, an integer row id, or a Job, as text for the core. Anything else
    (a float, a bool, None) is InvalidArgumentError, and so is a NUL: ctypes would cut the id
    there, so the core would see a different id. Every other rule on ids (characters, length)
    is the core's, which refuses a bad id before anything is sent."""
    if isinstance(job_id, Job):
        job_id = job_id.id
    if isinstance(job_id, bool) or not isinstance(job_id, (str, int)):
        raise InvalidArgumentError(f"a job id is a str or an int, got {type(job_id).__name__} {job_id!r}")
    text = str(job_id) if not isinstance(job_id, str) else str.__str__(job_id)
    if "\x00" in text:
        raise InvalidArgumentError(f"job id {text!r} holds a NUL")
    return text


class DC1Client:
    """Client for the DC1 GPU marketplace.

    ``DC1Client(api_key=None, base_url=None, timeout=30)``: libdc1 takes a None
    ``api_key`` or ``base_url`` from ``$DC1_API_KEY`` / ``$DC1_BASE_URL`` (the base
    URL defaults to ``https://api.dcp.sa``); ``client.config`` shows what it settled
    on. ``timeout`` is the deadline of each call in seconds, retries included.

    Keyword-only options map to libdc1's client options: ``connect_timeout``,
    ``max_retries`` (retries of safe requests, default 3), ``retry_base``,
    ``max_retry_after`` (seconds), ``user_agent``, ``ca_path``,
    ``insecure_skip_verify``, ``proxy``, ``max_response_bytes``,
    ``allow_insecure_http``, ``pool_size``.

    Logging: libdc1's messages (retries at INFO, inputs the server will alter
    at WARNING, each HTTP exchange at DEBUG) go to the Python logger ``"dc1"``
    (or ``logger=``). Only messages at or above the logger's effective level
    when the client is created (or ``log_level=``) are produced. ``logger=False``
    turns the bridge off.

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = 30,
        *,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        retry_base: Optional[float] = None,
        max_retry_after: Optional[float] = None,
        user_agent: Optional[str] = None,
        ca_path: Optional[str] = None,
        insecure_skip_verify: Optional[bool] = None,
        proxy: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        pool_size: Optional[int] = None,
        logger: Union[logging.Logger, str, None, bool] = None,
        log_level: Optional[int] = None,
    ) -> None:
        self._closed = False
        self._handle: Any = None  # set last: __del__ must cope with a failed __init__
        self._log_callbacks: List[Any] = []  # every dc1_log_fn handed to C, kept alive
        options: Dict[str, Any] = {}
        if api_key is not None:
            options["api_key"] = api_key
        if base_url is not None:
            options["base_url"] = base_url
        for key, value in (
            ("timeout_ms", _ms(timeout, "timeout")),
            ("connect_timeout_ms", _ms(connect_timeout, "connect_timeout")),
            ("retry_base_ms", _ms(retry_base, "retry_base")),
            ("max_retry_after_ms", _ms(max_retry_after, "max_retry_after")),
            ("max_retries", max_retries),
            ("ca_path", ca_path),
            ("insecure_skip_verify", insecure_skip_verify),
            ("proxy", proxy),
            ("max_response_bytes", max_response_bytes),
            ("allow_insecure_http", allow_insecure_http),
            ("pool_size", pool_size),
        ):
            if value is not None:
                options[key] = value
        ua = f"dc1-python/{_BINDING_VERSION} Python/{sys.version_info[0]}.{sys.version_info[1]}"
        options["user_agent"] = f"{ua} {user_agent}" if user_agent else ua

        # Only what the caller gave is kept here: the core resolves the environment and the
        # defaults, and dc1_client_config reports what it settled on (never the key).
        self._api_key = api_key
        self.timeout = timeout

        self._cv = threading.Condition(threading.Lock())
        self._inflight = 0
        handle = _lib.client_new(options)
        self._handle = handle
        try:
            self._config: Dict[str, Any] = _lib.client_config(handle)
        except BaseException:
            self.close()
            raise

        self.jobs = JobsResource(self)
        self.providers = ProvidersResource(self)
        self.wallet = WalletResource(self)
        self.webhooks = WebhooksResource(self)
        self.catalogue = CatalogueResource(self)   # models, images, templates, quote, usage
        from .batch import BatchResource  # noqa: PLC0415 - batch.py imports this module's names lazily
        self.batch = BatchResource(self)

        if logger is not False:
            try:
                self.set_logger(logger if logger is not True else None, log_level)
            except BaseException:
                self.close()
                raise

    # -- handle management ---------------------------------------------------

    def _acquire(self) -> Any:
        with self._cv:
            if self._handle is None:
                raise ClientClosedError("the client is closed")
            self._inflight += 1
            return self._handle

    def _release(self) -> None:
        with self._cv:
            self._inflight -= 1
            if self._inflight == 0:
                self._cv.notify_all()

    @contextlib.contextmanager
    def _borrow(self) -> Iterator[Any]:
        """The C handle for the duration of one call (close() waits for it)."""
        handle = self._acquire()
        try:
            yield handle
        finally:
            self._release()

    def _call(self, fn_name: str, *args: Any) -> Dict[str, Any]:
        with self._borrow() as handle:
            return _lib.call(fn_name, handle, *args)

    def _call_events(self, fn_name: str, args: List[Any], handler: Optional[Callable[[Dict[str, Any]], Any]],
                     *, allow_null: bool = False, ticks: bool = False) -> Dict[str, Any]:
        """A call with a dc1_event_fn (watch, streams, chat) on this thread."""
        with self._borrow() as handle:
            return _lib.call_streaming(fn_name, [handle, *args], handler, allow_null=allow_null, ticks=ticks)

    def close(self, *, interrupt: bool = False) -> None:
        """Frees the C client (its connections are closed and its key wiped).

        Calls still running on other threads are waited for first (with
        ``interrupt=True`` they are ended with :meth:`interrupt` instead of
        waited out). Further calls raise :class:`ClientClosedError`.
        Closing twice is harmless."""
        with self._cv:
            handle = self._handle
            if handle is None:
                return
            self._handle = None  # new calls now fail
            self._closed = True
            if interrupt and self._inflight:
                _lib.client_interrupt(handle)
            while self._inflight:
                self._cv.wait()
        _lib.client_free(handle)
        self._log_callbacks = []  # only now: the library may call them until the free

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> "DC1Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None and getattr(self, "_inflight", 0) == 0:
            try:
                self._handle = None
                _lib.client_free(handle)
            except Exception:  # interpreter shutdown: modules may be gone
                pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<DC1Client base_url={self.base_url!r} {state}>"

    # -- configuration ---------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The base URL in use: the argument, else ``$DC1_BASE_URL``, else the default, as
        the core resolved it (``config["base_url_from"]`` says which)."""
        return str(self._config["base_url"])

    @property
    def config(self) -> Dict[str, Any]:
        """The settings in effect (``dc1_client_config``): ``base_url`` and
        ``base_url_from``, ``api_key_set`` and ``api_key_from`` (``"option"``,
        ``"environment"`` or None; never the key), and every other client option."""
        return dict(self._config)

    @property
    def api_key(self) -> Optional[str]:
        """The key passed as ``api_key=`` (None when the core took it from
        ``$DC1_API_KEY``, or there is none: see ``config["api_key_from"]``). The
        library never hands a key back; this is the caller's own argument."""
        return self._api_key

    @property
    def library_version(self) -> str:
        """The libdc1 version in use."""
        return _lib.version()

    def set_logger(self, logger: Union[logging.Logger, str, None] = None,
                   level: Optional[int] = None) -> None:
        """Routes libdc1's log messages to ``logger`` (default: the ``"dc1"``
        logger). Messages below ``level`` (default: the logger's effective
        level now) are not produced. Call it before sharing the client across
        threads."""
        if logger is None or isinstance(logger, str):
            logger = logging.getLogger(logger or "dc1")
        if level is None:
            level = logger.getEffectiveLevel()
        target = logger

        def sink(c_level: int, message: str) -> None:
            target.log(_TO_PY_LEVEL.get(c_level, logging.ERROR), "%s", message)

        callback = _lib.make_log_callback(sink)
        # Kept alive until the C client is freed: a call running on another
        # thread may still be inside the previous sink.
        self._log_callbacks.append(callback)
        with self._borrow() as handle:
            _lib.client_set_logger(handle, callback, _c_level(level))

    def remove_logger(self) -> None:
        """Stops the libdc1 → Python logging bridge."""
        with self._borrow() as handle:
            _lib.client_set_logger(handle, None, _lib.DC1_LOG_ERROR)

    # -- generic ---------------------------------------------------------------

    def interrupt(self) -> None:
        """Ends every blocking call running on this client, from any thread:
        each raises :class:`InterruptedCallError` promptly. Calls started
        afterwards are not affected."""
        with self._borrow() as handle:
            _lib.client_interrupt(handle)

    def request(self, method: str, path: str, body: Any = None) -> Dict[str, Any]:
        """Sends one request to any route, with the client's auth, retries
        (GET/HEAD only), deadline and error mapping (``dc1_request``).

        Returns ``{"http_status": int, "request_id": str, "body": <parsed JSON,
        a string for a non-JSON body, or None>}``; a 4xx/5xx raises."""
        return self._call("dc1_request", method.upper(), path, body)

    def me(self) -> Dict[str, Any]:
        """``GET /api/renters/me`` (same as ``wallet.me()``)."""
        return self.wallet.me()

    def chat(
        self,
        messages: List[Dict[str, Any]],
        *,
        model: Optional[str] = None,
        stream: bool = False,
        on_token: Optional[Callable[[Dict[str, Any]], Any]] = None,
        endpoint_url: Optional[str] = None,
        timeout: Optional[float] = None,
        **fields: Any,
    ) -> Dict[str, Any]:
        """One OpenAI-compatible chat completion (``dc1_chat``).

        Without ``endpoint_url`` it goes to DC1's ``/v1/chat/completions`` (with
        an Idempotency-Key, so a retried call is not billed twice); with the
        ``endpoint_url`` of a serving vllm_serve job it goes there directly and
        the API key is never sent. ``fields`` are passed through (temperature,
        max_tokens, …).

        Returns the completion body plus ``content`` (the first choice's text)
        and ``finish_reason``. With ``stream=True`` and ``on_token``, each text
        delta reaches ``on_token({"type":"token","content":…,"chunk":{…}})``
        (return False to stop) and the result holds the whole ``content``."""
        request: Dict[str, Any] = dict(fields)
        request["messages"] = messages
        if model is not None:
            request["model"] = model
        if stream:
            request["stream"] = True
        if endpoint_url is not None:
            request["endpoint_url"] = endpoint_url
        if timeout is not None:
            request["timeout_ms"] = _ms(timeout, "timeout")
        if on_token is not None:
            request["tick_ms"] = _TICK_MS  # lets a pending Ctrl-C end the stream
        return self._call_events("dc1_chat", [request], on_token, allow_null=True)


# ---------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------


class _Resource:
    def __init__(self, client: DC1Client) -> None:
        self._client = client

    def _call(self, fn_name: str, *args: Any) -> Dict[str, Any]:
        return self._client._call(fn_name, *args)


class ProvidersResource(_Resource):
    """``client.providers``."""

    def list(
        self,
        *,
        live: Optional[bool] = None,
        min_vram_gb: Optional[float] = None,
        gpu_model: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> List[Provider]:
        """Online providers, largest VRAM first. Optional filters (applied by
        libdc1): ``live`` (heartbeat within 120 s), ``min_vram_gb``,
        ``gpu_model`` (case-insensitive substring), ``limit``."""
        filt: Dict[str, Any] = {}
        for key, value in (("live", live), ("min_vram_gb", min_vram_gb),
                           ("gpu_model", gpu_model), ("limit", limit)):
            if value is not None:
                filt[key] = value
        out = self._call("dc1_providers_list", filt or None)
        return [Provider.from_api(p) for p in out.get("providers") or []]

    def get(self, provider_id: int) -> Provider:
        """One provider by id (``dc1_provider_get``); :class:`NotFoundError` when
        it is not among the available providers."""
        if isinstance(provider_id, bool) or not isinstance(provider_id, (int, str)):
            raise InvalidArgumentError(f"provider_id must be an int, not {type(provider_id).__name__}")
        try:
            pid = int(provider_id)
        except ValueError:
            raise InvalidArgumentError(f"provider_id must be an int, got {provider_id!r}") from None
        return Provider.from_api(self._call("dc1_provider_get", pid).get("provider") or {})


class WalletResource(_Resource):
    """``client.wallet``."""

    def balance(self) -> Balance:
        """The wallet as a :class:`Balance`. Requests: ``GET /api/renters/balance``
        and ``GET /api/renters/me`` (for ``name`` and ``email``, which the
        official SDK's Wallet had), so reading the result never makes a request."""
        with self._client._borrow() as handle:
            out = _lib.call("dc1_balance", handle)
            me = _lib.call("dc1_me", handle)
        renter = me.get("renter")
        return Balance(out, renter=renter if isinstance(renter, dict) else {},
                       api_key=self._client.api_key)

    def me(self) -> Dict[str, Any]:
        """``GET /api/renters/me``: ``{"renter": {…}, "recent_jobs": […], …}``."""
        return self._call("dc1_me")


class JobsResource(_Resource):
    """``client.jobs``."""

    def _job(self, doc: Dict[str, Any]) -> Job:
        """Job from a job document; a wait's carries the output of a completed job
        (``with_output``), read by the same core call."""
        doc = dict(doc)
        output = doc.pop("output", None)
        doc.pop("output_error", None)  # the job's raw stays the job document
        return Job.from_api(doc, output=output if isinstance(output, dict) else None, client=self._client)

    # -- submit ---------------------------------------------------------------

    def submit(
        self,
        job_type: str,
        params: Optional[Dict[str, Any]] = None,
        *,
        provider_id: Optional[int] = None,
        duration_minutes: float,
        priority: Union[int, str, None] = 2,
        check: Optional[str] = "warn",
        **extra: Any,
    ) -> Job:
        """Submits a job (``POST /api/jobs/submit``) and returns it.

        ``params`` holds scalar values only. ``provider_id`` None routes
        automatically. ``priority`` 0–10 (int or numeric string; higher runs
        first). ``extra`` takes the other submit fields: ``model``,
        ``pricing_class``, ``max_duration_seconds``, ``gpu_requirements``,
        ``container_spec``, ``task_spec``, ``template_id``, ``bundle_id``,
        ``env_vars``. The body is checked locally first (ValidationError with
        ``fields``, nothing sent).

        ``check`` — the checks before paying (a model the catalogue does not list,
        a param of the wrong type): ``"warn"`` (the default, as code written for the
        official SDK keeps running) sends the job and issues a
        :class:`SubmitCheckWarning` per finding (also in ``job.check_warnings``);
        ``"strict"`` raises ValidationError and sends nothing; ``"off"`` or None
        checks nothing.

        A submit is never sent twice. When its answer is lost, libdc1 looks
        for the job in the history: one match is returned (``job.reconciled``
        is True); otherwise :class:`SubmitUnknownError` lists the candidates.
        """
        if params is not None and not isinstance(params, dict):
            raise TypeError(
                f"params must be a dict of scalar values, e.g. {{'prompt': 'Hello'}}, not "
                f"{type(params).__name__}: jobs.submit({job_type!r}, {{'prompt': ...}}, duration_minutes=…)")
        body: Dict[str, Any] = {
            "job_type": job_type,
            "duration_minutes": duration_minutes,
            "params": dict(params or {}),
        }
        if provider_id is not None:
            body["provider_id"] = provider_id
        if priority is not None:
            body["priority"] = priority
        for key, value in extra.items():
            if value is not None:
                body[key] = value
        if check is not None:
            body["check"] = check
        out = self._call("dc1_job_submit", body)
        for w in out.get("warnings") or []:
            warnings.warn(f"dc1 submit: {w.get('field')}: {w.get('message')}", SubmitCheckWarning, stacklevel=2)
        doc = dict(out.get("job") or {})
        if out.get("warnings"):
            doc["check_warnings"] = out["warnings"]
        for key in ("queued", "message", "reconciled"):
            if key in out:
                doc.setdefault("submit_" + key if key == "message" else key, out[key])
        return self._job(doc)

    def run(
        self,
        job_type: str,
        params: Optional[Dict[str, Any]] = None,
        *,
        duration_minutes: float,
        timeout: float = 300,
        poll_interval: float = 2,
        **submit_kwargs: Any,
    ) -> Job:
        """Submits, waits until the job ends and returns the completed job;
        raises :class:`JobFailedError` / :class:`JobCancelledError` when it did
        not complete, :class:`JobTimeoutError` when ``timeout`` passed."""
        job = self.submit(job_type, params, duration_minutes=duration_minutes, **submit_kwargs)
        done = self.wait(job.id, timeout=timeout, poll_interval=poll_interval, ready=False)
        return done.raise_for_status()

    # -- reads ------------------------------------------------------------------

    def get(self, job_id: Any) -> Job:
        """The job now. Requests: ``GET /api/jobs/{id}``; when the job is
        completed, also ``GET /api/jobs/{id}/output`` the first time (the output
        of a completed job never changes, so it is cached per client: later
        calls make the first request only). ``result`` then holds the output."""
        both = self._call("dc1_job_get_with_output", _job_id(job_id))
        return Job.from_api(both.get("job") or {}, output=both.get("output"), client=self._client)

    def status(self, job_id: Any) -> Dict[str, Any]:
        """The light poll: ``{"job_id","status","terminal","tokens_generated",
        "elapsed_seconds","estimated_cost_usd","provider_online"}``."""
        return self._call("dc1_job_status", _job_id(job_id))

    def output(self, job_id: Any) -> Output:
        """The normalised output document (``dc1_job_output``) as an :class:`Output`
        (a dict): ``kind`` is text, image, endpoint, json, raw or empty; an image
        shows itself in a notebook and has ``.bytes`` and ``.save(path)``. Raises
        :class:`NotReadyError` (202), :class:`JobFailedError` /
        :class:`JobCancelledError` (410)."""
        return Output(self._call("dc1_job_output", _job_id(job_id)))

    def list(self, limit: int = 20) -> List[Job]:
        """Recent jobs, newest first (``GET /api/jobs/history``; limit 1–100)."""
        out = self.history(limit=limit)
        return [self._job(j) for j in out.get("jobs") or []]

    def history(self, limit: int = 20) -> Dict[str, Any]:
        """The raw history document: ``{"balance_halala","balance_sar",
        "total_jobs","jobs":[…]}``."""
        return self._call("dc1_jobs_history", {"limit": limit})

    # -- waiting ----------------------------------------------------------------

    def _wait_options(self, timeout: float, poll_interval: float,
                      max_poll_interval: Optional[float], mode: str,
                      cancel_on_timeout: bool) -> Dict[str, Any]:
        timeout_ms = _ms(timeout, "timeout")
        if not timeout_ms:
            raise InvalidArgumentError("timeout must be positive")
        first = max(10, _ms(poll_interval, "poll_interval") or 10)
        if max_poll_interval is None:
            max_ms = max(first, 10000)
        else:
            max_ms = max(first, _ms(max_poll_interval, "max_poll_interval") or first)
        opts: Dict[str, Any] = {
            "timeout_ms": timeout_ms,
            "poll_interval_ms": first,
            "max_poll_interval_ms": max_ms,
            "mode": mode,
            "tick_ms": _TICK_MS,
            "with_output": True,  # the job comes back with its output (or serving endpoint)
        }
        if cancel_on_timeout:
            opts["cancel_on_timeout"] = True
        return opts

    def watch(
        self,
        job_id: Any,
        on_event: Optional[Callable[[Dict[str, Any]], Any]] = None,
        *,
        timeout: float = 300,
        poll_interval: float = 5,
        max_poll_interval: Optional[float] = None,
        mode: str = "auto",
        cancel_on_timeout: bool = False,
    ) -> Dict[str, Any]:
        """``dc1_job_watch``: waits like :meth:`wait` and calls ``on_event`` (on
        this thread) with each event — ``{"type":"status",…}`` on every status
        change, ``{"type":"retry",…}`` for a transient failure ridden out and
        ``{"type":"tick","elapsed_ms","remaining_ms","attempts",…}`` every 250 ms.
        Returning False ends the wait (:class:`InterruptedCallError`). Returns the
        raw job document. ``mode``: "auto" (ready for vllm_serve, terminal
        otherwise), "terminal" or "ready"."""
        opts = self._wait_options(timeout, poll_interval, max_poll_interval, mode, cancel_on_timeout)
        return self._watch(_job_id(job_id), opts, on_event, timeout)

    def _watch(self, jid: str, opts: Dict[str, Any], on_event: Optional[Callable[[Dict[str, Any]], Any]],
               timeout: float, progress: bool = False) -> Dict[str, Any]:
        """The one wait: the core's watch, on this thread (``progress``: its events are
        drawn as well, see :mod:`dc1.progress`)."""
        display = open_display("wait", jid) if progress else None
        handler = with_display(display, on_event) if display is not None else on_event
        try:
            return self._client._call_events("dc1_job_watch", [jid, opts], handler, ticks=True)
        except JobTimeoutError as exc:
            if isinstance(exc.job, dict):
                exc.job = Job.from_api(exc.job, client=self._client)
            exc.timeout = timeout  # as the caller gave it
            raise
        finally:
            if display is not None:
                display.close()

    def wait(
        self,
        job_id: Any,
        timeout: float = 300,
        poll_interval: float = 5,
        *,
        max_poll_interval: Optional[float] = None,
        cancel_on_timeout: bool = False,
        ready: Optional[bool] = None,
        on_event: Optional[Callable[[Dict[str, Any]], Any]] = None,
        progress: bool = False,
    ) -> Job:
        """Blocks until the job ends and returns it, whatever its final status
        (completed, failed, cancelled, …): check ``job.status`` or call
        ``job.raise_for_status()``.

        The core follows the job's status stream (polling where the server has
        none: first every ``poll_interval`` seconds, the interval growing ×1.5 up
        to ``max_poll_interval``, default max(poll_interval, 10)) and rides out
        transient failures. Raises :class:`JobTimeoutError` after ``timeout``
        seconds (``cancel_on_timeout=True`` cancels the job then). Ctrl-C raises
        ``KeyboardInterrupt`` at once, even while the server hangs (as it does for
        every call).

        ``vllm_serve`` jobs keep running while they serve, so for them (when
        ``ready`` is None) the wait returns as soon as the endpoint is up, or
        with the final job if it ends without serving, as code written for the
        official SDK expects — the core reads the job type itself (mode "auto").
        ``ready=False`` waits for the end instead; ``ready=True`` for the
        endpoint, raising as :meth:`wait_ready` does when the job ends without
        serving. ``on_event`` as in :meth:`watch`.

        ``progress=True`` draws the wait (the job's status and the time waited) on
        stderr: a ``tqdm`` bar when tqdm is installed, else one rewritten line when
        stderr is a terminal, else nothing.
        """
        jid = _job_id(job_id)
        mode = "auto" if ready is None else ("ready" if ready else "terminal")
        opts = self._wait_options(timeout, poll_interval, max_poll_interval, mode, cancel_on_timeout)
        return self._job(self._watch(jid, opts, on_event, timeout, progress))

    def wait_ready(
        self,
        job_id: Any,
        timeout: float = 600,
        poll_interval: float = 2,
        *,
        max_poll_interval: Optional[float] = None,
        cancel_on_timeout: bool = False,
        on_event: Optional[Callable[[Dict[str, Any]], Any]] = None,
        progress: bool = False,
    ) -> Endpoint:
        """Waits until a ``vllm_serve`` job is serving and returns its
        :class:`Endpoint` (``endpoint_url`` and the OpenAI-compatible
        ``base_url``). Raises :class:`JobFailedError` / :class:`JobCancelledError`
        if the job fails or is cancelled first, :class:`NotReadyError` if it
        completed without ever serving, :class:`JobTimeoutError` after ``timeout``.
        ``progress`` as in :meth:`wait`."""
        jid = _job_id(job_id)
        opts = self._wait_options(timeout, poll_interval, max_poll_interval, "ready",
                                  cancel_on_timeout)
        return _endpoint(self._job(self._watch(jid, opts, on_event, timeout, progress)))

    # -- control -------------------------------------------------------------------

    def cancel(self, job_id: Any) -> Dict[str, Any]:
        """Cancels the job (the server refunds the prepaid cost). Returns
        ``{"success": True, "job_id": …, "status": …, "job": {…}}``. A job that
        already completed or was cancelled raises :class:`ValidationError`."""
        jid = _job_id(job_id)
        out = self._call("dc1_job_cancel", jid)
        found = out.get("job")
        doc: Dict[str, Any] = found if isinstance(found, dict) else {}
        return {
            "success": bool(out.get("success", True)),
            "job_id": str(doc.get("job_id") or jid),
            "status": doc.get("status", "cancelled"),
            "job": doc,
        }

    # -- logs --------------------------------------------------------------------------

    def get_logs(self, job_id: Any, since: Optional[int] = None, limit: int = 200) -> List[Dict[str, Any]]:
        """The job's log lines, as the official SDK returns them: a list of
        ``{"line_no","level","message","logged_at"}`` dicts (one page: at most
        ``limit``, after line ``since``, exclusive). The whole page — with
        ``has_more``, ``next_since``, ``total_lines`` and the job's ``status`` —
        is :meth:`get_logs_page`."""
        return list(self.get_logs_page(job_id, since=since, limit=limit).get("logs") or [])

    def get_logs_page(self, job_id: Any, since: Optional[int] = None, limit: int = 200) -> Dict[str, Any]:
        """One page of the job's log: ``{"job_id","status","logs":[{"line_no",
        "level","message","logged_at"}],"total_lines","has_more","next_since"}``.
        ``since`` is the last line number already seen (exclusive)."""
        opts: Dict[str, Any] = {"limit": limit}
        if since is not None:
            opts["since"] = since
        return self._call("dc1_job_logs", _job_id(job_id), opts)

    def iter_logs(
        self,
        job_id: Any,
        *,
        since: int = 0,
        poll_interval: float = 1.0,
        timeout: Optional[float] = None,
        limit: int = 200,
    ) -> Iterator[Dict[str, Any]]:
        """Yields the job's log lines as they appear, until the job is terminal
        and every line has been read: the core's log follower
        (``dc1_job_logs_stream``: the log stream, or polling every
        ``poll_interval`` seconds where the server has none) runs on a helper
        thread and hands the lines over. Lines are the page's dicts
        (``line_no``, ``level``, ``message``, ``logged_at``). ``timeout``
        (seconds) raises :class:`JobTimeoutError`. Leaving the loop early ends
        the underlying call. ``limit`` is kept for compatibility (the follower
        reads up to 1000 lines a page)."""
        del limit
        follow = _LogFollow(self, _job_id(job_id), since, poll_interval, timeout)
        return follow.lines()

    # -- server-sent event streams ------------------------------------------------------

    @staticmethod
    def _stream_options(since: Optional[int], timeout: Optional[float],
                        idle_timeout: Optional[float], max_reconnects: Optional[int]) -> Dict[str, Any]:
        opts: Dict[str, Any] = {}
        if since is not None:
            opts["since"] = since
        if timeout is not None:
            opts["timeout_ms"] = _ms(timeout, "timeout")
        if idle_timeout is not None:
            opts["idle_timeout_ms"] = _ms(idle_timeout, "idle_timeout")
        if max_reconnects is not None:
            opts["max_reconnects"] = max_reconnects
        opts["tick_ms"] = _TICK_MS  # lets a pending Ctrl-C end the stream
        return opts

    def stream_logs(
        self,
        job_id: Any,
        on_line: Optional[Callable[[Dict[str, Any]], Any]] = None,
        *,
        since: int = 0,
        timeout: Optional[float] = None,
        idle_timeout: Optional[float] = None,
        max_reconnects: Optional[int] = None,
    ) -> Dict[str, Any]:
        """Follows the job's log over server-sent events until the job ends
        (``dc1_job_logs_stream``). Each event reaches ``on_line`` on this thread:
        ``{"type":"log","line_no","level","line","logged_at",…}``, the last one
        ``{"type":"end","status":…}``; return False to stop early. A dropped
        connection is resumed without repeating lines. Returns
        ``{"job_id","lines","last_line_no","reconnects","ended","status"}``."""
        return self._client._call_events(
            "dc1_job_logs_stream",
            [_job_id(job_id), self._stream_options(since, timeout, idle_timeout, max_reconnects)],
            on_line)

    def stream_status(
        self,
        job_id: Any,
        on_event: Optional[Callable[[Dict[str, Any]], Any]] = None,
        *,
        timeout: Optional[float] = None,
        idle_timeout: Optional[float] = None,
        max_reconnects: Optional[int] = None,
    ) -> Dict[str, Any]:
        """Follows the job's status events over server-sent events until it ends
        (``dc1_job_status_stream``). Each event reaches ``on_event`` with its
        ``event`` name (job_queued, provider_assigned, job_starting, job_running,
        job_completed, job_failed, end); return False to stop early. Returns
        ``{"job_id","events","reconnects","ended","status","terminal"}``."""
        return self._client._call_events(
            "dc1_job_status_stream",
            [_job_id(job_id), self._stream_options(None, timeout, idle_timeout, max_reconnects)],
            on_event)

    # -- files -----------------------------------------------------------------------

    def save_image(self, job_id: Any, path: Any) -> Dict[str, Any]:
        """Writes the decoded image of a completed image job to ``path``
        (``dc1_job_save_image``: decoded while it downloads into a temporary file
        next to ``path``, renamed once complete and checked to be a PNG, JPEG or
        WebP; the call adds about 2 MiB to memory whatever the size — prefer it to
        :meth:`output` for images). Returns ``{"path","bytes","width","height",
        "format","truncated","job_id","kind"}``. Raises like :meth:`output`, plus
        :class:`ProtocolError` (not an image, bad base64 or image bytes) and
        :class:`FileWriteError`; no partial file is left."""
        return self._call("dc1_job_save_image", _job_id(job_id), os.fspath(path))


class WebhooksResource(_Resource):
    """``client.webhooks``: the account webhook URL and registered webhooks.
    To check a delivery use :func:`dc1.verify_webhook` / :func:`dc1.parse_webhook`
    (no client needed)."""

    def set_url(self, url: Optional[str]) -> Dict[str, Any]:
        """``PATCH /api/renters/settings``: the account webhook URL (https, public
        host); None or "" clears it. Returns ``{"success","settings":{"webhook_url"}}``."""
        return self._call("dc1_webhook_set_url", url)

    def list(self) -> List[Dict[str, Any]]:
        """Registered webhooks: ``[{id,url,events,active,created_at}]``. The server
        allows 10 requests per hour on these routes (every method counted)."""
        return list(self._call("dc1_webhooks_list").get("webhooks") or [])

    def register(self, url: str, secret: str, events: Optional[List[str]] = None) -> Dict[str, Any]:
        """Registers a webhook (``secret`` ≥ 16 characters; ``events`` among
        job.completed, job.failed, balance.low). Returns ``{"id","url","events",
        "active","created_at"}``."""
        request: Dict[str, Any] = {"url": url, "secret": secret}
        if events is not None:
            request["events"] = list(events)
        return self._call("dc1_webhook_register", request)

    def delete(self, webhook_id: Any) -> Dict[str, Any]:
        """Deactivates a registered webhook: ``{"success","id","active":false}``."""
        return self._call("dc1_webhook_delete", str(webhook_id))


class _LogFollow:
    """Turns the core's pushed log events into a pulled iterator: the follower runs
    on a helper thread, lines cross through a queue, and closing the iterator (or
    Ctrl-C while waiting for a line) triggers the dc1_stop bound to that thread.
    Shared by the sync and async clients (the async one reads the same queue)."""

    _END = object()

    def __init__(self, jobs: "JobsResource", job_id: str, since: int, poll_interval: float,
                 timeout: Optional[float]) -> None:
        self.jobs = jobs
        self.job_id = job_id
        self.timeout = timeout
        self.opts: Dict[str, Any] = {"since": int(since),
                                     "poll_interval_ms": max(10, _ms(poll_interval, "poll_interval") or 10),
                                     "tick_ms": _TICK_MS}
        if timeout is not None:
            self.opts["timeout_ms"] = max(1, _ms(timeout, "timeout") or 1)
        self.queue: "queue.Queue[Any]" = queue.Queue()
        self.stopped = threading.Event()
        self.stop_handle = _lib.Stop()  # bound to the helper thread: stop() ends its C call at once
        self.thread: Optional[threading.Thread] = None

    def _on_event(self, ev: Dict[str, Any]) -> bool:
        if self.stopped.is_set():
            return False
        if ev.get("type") == "log":
            line = {k: v for k, v in ev.items() if k not in ("type", "line")}
            line.setdefault("message", ev.get("line"))
            self.queue.put(line)
        return True

    def _run(self) -> None:
        try:
            with _lib.bound(self.stop_handle):
                self.jobs._client._call_events("dc1_job_logs_stream", [self.job_id, self.opts],
                                               self._on_event)
            self.queue.put(self._END)
        except RequestTimeoutError as exc:
            self.queue.put(JobTimeoutError(self.job_id, self.timeout or 0, document=exc.document))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader
            self.queue.put(exc)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="dc1-logs", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.stop_handle.trigger()

    def item(self, got: Any) -> Any:
        """A queue item as the reader sees it: a line, the end marker, or raised."""
        if isinstance(got, BaseException):
            if isinstance(got, InterruptedCallError) and self.stopped.is_set():
                return self._END
            raise got
        return got

    def lines(self) -> Iterator[Dict[str, Any]]:
        self.start()
        try:
            while True:
                got = self.item(self.queue.get())
                if got is self._END:
                    return
                yield got
        finally:
            self.stop()


def _endpoint(job: Job) -> Endpoint:
    """A serving vllm_serve job (the end of a wait in mode "ready", which guarantees the
    endpoint_url and its openai_base_url) as an Endpoint."""
    params = job.raw.get("params")
    model = job.model or (params.get("model") if isinstance(params, dict) else None)
    return Endpoint(job=job, endpoint_url=str(job.endpoint_url), base_url=str(job.raw["openai_base_url"]),
                    model=model)
