"""The only module of the package that knows C.

It finds and loads libdc1, checks its version, declares every function of
``include/dc1.h`` (each beside its C prototype), and turns the C conventions
(``int`` return codes, ``char **out_json`` owned by the caller and freed with
``dc1_free``) into Python values and exceptions. Nothing else in the package
imports ctypes.

Ownership rule: every ``char *`` the library hands out is read as ``c_void_p``
(never ``c_char_p``, which would copy it and lose the pointer), copied with
``string_at`` and released with ``dc1_free``. Every ``const char *`` returned
is borrowed and read as ``c_char_p``. No struct crosses the boundary: data
crosses as UTF-8 JSON.

ctypes releases the GIL around every foreign call of a ``CDLL``, so a blocking
libdc1 call does not stop other Python threads.

Every call runs with a ``dc1_stop`` bound to its thread, so every call can be
ended: by Ctrl-C on the main thread, by the asyncio client when its task is
cancelled (see "Per-call stop" below).

Loading order (first hit wins):
  1. ``$DC1_LIBRARY`` — an absolute path; when set, nothing else is tried;
  2. the package directory (a ``libdc1.so`` copied next to this file);
  3. the repository's ``build/`` directory (``<repo>/build/libdc1.so``,
     three levels above this file), for working in a checkout;
  4. the system: ``ctypes.util.find_library("dc1")``, then ``libdc1.so.0``.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import signal
import socket
import sys
import threading
from ctypes import CFUNCTYPE, POINTER, byref, c_char_p, c_int, c_longlong, c_size_t, c_void_p
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from .errors import InvalidArgumentError, LibraryError, code_for_rc, error_from_document

#: The libdc1 major version these bindings are written against (include/dc1.h).
REQUIRED_MAJOR = 0

# ---------------------------------------------------------------------------
# Constants of include/dc1.h
# ---------------------------------------------------------------------------

DC1_OK = 0
DC1_E_INVALID_ARGUMENT = -1
DC1_E_INTERRUPTED = -15
DC1_E_BAD_SIGNATURE = -20
DC1_E_WAIT_TIMEOUT = -21
DC1_E_INTERNAL = -99

DC1_LOG_DEBUG = 0
DC1_LOG_INFO = 1
DC1_LOG_WARN = 2
DC1_LOG_ERROR = 3

# typedef void (*dc1_log_fn)(void *user_data, int level, const char *message);
LOG_FN = CFUNCTYPE(None, c_void_p, c_int, c_char_p)

# typedef int (*dc1_event_fn)(void *user_data, const char *event_json);
EVENT_FN = CFUNCTYPE(c_int, c_void_p, c_char_p)

# typedef struct dc1_client dc1_client;  (opaque: only ever a pointer)
ClientHandle = c_void_p

_OUT = POINTER(c_void_p)  # char **out_json (read as void* so it can be freed)

# ---------------------------------------------------------------------------
# Declarations: (name, argtypes, restype), each beside its C prototype.
# ---------------------------------------------------------------------------

_PROTOTYPES: Tuple[Tuple[str, List[Any], Any], ...] = (
    # const char *dc1_version(void);                                  (static; borrowed)
    ("dc1_version", [], c_char_p),
    # const char *dc1_strerror(int code);                             (static; borrowed)
    ("dc1_strerror", [c_int], c_char_p),
    # const char *dc1_last_error(void);                     (per thread; borrowed)
    ("dc1_last_error", [], c_char_p),
    # void dc1_free(void *ptr);
    ("dc1_free", [c_void_p], None),
    # int dc1_client_new(dc1_client **out, const char *options_json);
    ("dc1_client_new", [POINTER(ClientHandle), c_char_p], c_int),
    # void dc1_client_free(dc1_client *client);
    ("dc1_client_free", [ClientHandle], None),
    # int dc1_client_config(const dc1_client *client, char **out_json);
    ("dc1_client_config", [ClientHandle, _OUT], c_int),
    # int dc1_client_interrupt(dc1_client *client);
    ("dc1_client_interrupt", [ClientHandle], c_int),
    # int dc1_client_set_logger(dc1_client *client, dc1_log_fn fn, void *user_data,
    #                           int min_level);
    ("dc1_client_set_logger", [ClientHandle, LOG_FN, c_void_p, c_int], c_int),
    # int dc1_stop_new(dc1_stop **out);
    ("dc1_stop_new", [POINTER(c_void_p)], c_int),
    # int dc1_stop_trigger(dc1_stop *stop);
    ("dc1_stop_trigger", [c_void_p], c_int),
    # int dc1_stop_is_triggered(const dc1_stop *stop);
    ("dc1_stop_is_triggered", [c_void_p], c_int),
    # int dc1_stop_bind(dc1_stop *stop);
    ("dc1_stop_bind", [c_void_p], c_int),
    # void dc1_stop_free(dc1_stop *stop);
    ("dc1_stop_free", [c_void_p], None),
    # int dc1_balance(dc1_client *client, char **out_json);
    ("dc1_balance", [ClientHandle, _OUT], c_int),
    # int dc1_me(dc1_client *client, char **out_json);
    ("dc1_me", [ClientHandle, _OUT], c_int),
    # int dc1_providers_list(dc1_client *client, const char *filter_json, char **out_json);
    ("dc1_providers_list", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_provider_get(dc1_client *client, long long provider_id, char **out_json);
    ("dc1_provider_get", [ClientHandle, c_longlong, _OUT], c_int),
    # int dc1_models_list(dc1_client *client, const char *filter_json, char **out_json);
    ("dc1_models_list", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_model_get(dc1_client *client, const char *model_id, char **out_json);
    ("dc1_model_get", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_images_list(dc1_client *client, char **out_json);
    ("dc1_images_list", [ClientHandle, _OUT], c_int),
    # int dc1_templates_list(dc1_client *client, const char *filter_json, char **out_json);
    ("dc1_templates_list", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_template_request(dc1_client *client, const char *template_id,
    #                          const char *overrides_json, char **out_json);
    ("dc1_template_request", [ClientHandle, c_char_p, c_char_p, _OUT], c_int),
    # int dc1_quote(dc1_client *client, const char *request_json, char **out_json);
    ("dc1_quote", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_usage(dc1_client *client, char **out_json);
    ("dc1_usage", [ClientHandle, _OUT], c_int),
    # int dc1_job_lifecycle(dc1_client *client, const char *job_id, const char *options_json,
    #                       char **out_json);
    ("dc1_job_lifecycle", [ClientHandle, c_char_p, c_char_p, _OUT], c_int),
    # int dc1_job_lifecycle_stream(dc1_client *client, const char *job_id, const char *options_json,
    #                              dc1_event_fn on_event, void *user_data, char **out_json);
    ("dc1_job_lifecycle_stream", [ClientHandle, c_char_p, c_char_p, EVENT_FN, c_void_p, _OUT], c_int),
    # int dc1_job_submit(dc1_client *client, const char *request_json, char **out_json);
    ("dc1_job_submit", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_job_get(dc1_client *client, const char *job_id, char **out_json);
    ("dc1_job_get", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_job_get_with_output(dc1_client *client, const char *job_id, char **out_json);
    ("dc1_job_get_with_output", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_job_status(dc1_client *client, const char *job_id, char **out_json);
    ("dc1_job_status", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_job_wait(dc1_client *client, const char *job_id, const char *options_json,
    #                  char **out_json);
    ("dc1_job_wait", [ClientHandle, c_char_p, c_char_p, _OUT], c_int),
    # int dc1_job_watch(dc1_client *client, const char *job_id, const char *options_json,
    #                   dc1_event_fn on_event, void *user_data, char **out_json);
    ("dc1_job_watch", [ClientHandle, c_char_p, c_char_p, EVENT_FN, c_void_p, _OUT], c_int),
    # int dc1_job_output(dc1_client *client, const char *job_id, char **out_json);
    ("dc1_job_output", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_job_save_image(dc1_client *client, const char *job_id, const char *path,
    #                        char **out_json);
    ("dc1_job_save_image", [ClientHandle, c_char_p, c_char_p, _OUT], c_int),
    # int dc1_job_cancel(dc1_client *client, const char *job_id, char **out_json);
    ("dc1_job_cancel", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_job_logs(dc1_client *client, const char *job_id, const char *options_json,
    #                  char **out_json);
    ("dc1_job_logs", [ClientHandle, c_char_p, c_char_p, _OUT], c_int),
    # int dc1_jobs_history(dc1_client *client, const char *options_json, char **out_json);
    ("dc1_jobs_history", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_batch_run(dc1_client *client, const char *input_path, const char *options_json,
    #                   dc1_event_fn on_event, void *user_data, char **out_json);
    ("dc1_batch_run", [ClientHandle, c_char_p, c_char_p, EVENT_FN, c_void_p, _OUT], c_int),
    # int dc1_batch_status(const char *journal_path, char **out_json);
    ("dc1_batch_status", [c_char_p, _OUT], c_int),
    # int dc1_request(dc1_client *client, const char *method, const char *path,
    #                 const char *body_json, char **out_json);
    ("dc1_request", [ClientHandle, c_char_p, c_char_p, c_char_p, _OUT], c_int),
    # int dc1_job_logs_stream(dc1_client *client, const char *job_id, const char *options_json,
    #                         dc1_event_fn on_event, void *user_data, char **out_json);
    ("dc1_job_logs_stream", [ClientHandle, c_char_p, c_char_p, EVENT_FN, c_void_p, _OUT], c_int),
    # int dc1_job_status_stream(dc1_client *client, const char *job_id, const char *options_json,
    #                           dc1_event_fn on_event, void *user_data, char **out_json);
    ("dc1_job_status_stream", [ClientHandle, c_char_p, c_char_p, EVENT_FN, c_void_p, _OUT], c_int),
    # int dc1_chat(dc1_client *client, const char *request_json, dc1_event_fn on_token,
    #              void *user_data, char **out_json);
    ("dc1_chat", [ClientHandle, c_char_p, EVENT_FN, c_void_p, _OUT], c_int),
    # int dc1_webhook_verify(const char *secret, const char *signature_header, const char *body,
    #                        size_t body_len);
    ("dc1_webhook_verify", [c_char_p, c_char_p, c_char_p, c_size_t], c_int),
    # int dc1_webhook_parse(const char *body, size_t body_len, char **out_json);
    ("dc1_webhook_parse", [c_char_p, c_size_t, _OUT], c_int),
    # int dc1_webhook_set_url(dc1_client *client, const char *url, char **out_json);
    ("dc1_webhook_set_url", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_webhooks_list(dc1_client *client, char **out_json);
    ("dc1_webhooks_list", [ClientHandle, _OUT], c_int),
    # int dc1_webhook_register(dc1_client *client, const char *request_json, char **out_json);
    ("dc1_webhook_register", [ClientHandle, c_char_p, _OUT], c_int),
    # int dc1_webhook_delete(dc1_client *client, const char *webhook_id, char **out_json);
    ("dc1_webhook_delete", [ClientHandle, c_char_p, _OUT], c_int),
)

# ---------------------------------------------------------------------------
# Loader
# ---------------------------------------------------------------------------

_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_path: Optional[str] = None


def _lib_filenames() -> List[str]:
    if sys.platform == "darwin":
        return ["libdc1.dylib", "libdc1.0.dylib"]
    if sys.platform == "win32":
        return ["dc1.dll", "libdc1.dll"]
    return ["libdc1.so", "libdc1.so.0"]


def candidate_paths() -> List[str]:
    """The places the loader tries, in order (for diagnostics)."""
    env = os.environ.get("DC1_LIBRARY")
    if env:
        return [env]
    here = Path(__file__).resolve().parent
    out = [str(here / name) for name in _lib_filenames()]
    repo_build = here.parent.parent.parent / "build"
    out += [str(repo_build / name) for name in _lib_filenames()]
    found = ctypes.util.find_library("dc1")
    if found:
        out.append(found)
    out.append(_lib_filenames()[1])
    return out


def _try_load(path: str) -> ctypes.CDLL:
    return ctypes.CDLL(path)


def _load() -> ctypes.CDLL:
    env = os.environ.get("DC1_LIBRARY")
    errors: List[str] = []
    if env:
        if not os.path.isabs(env):
            raise LibraryError(f"DC1_LIBRARY must be an absolute path, got {env!r}")
        try:
            return _finish(_try_load(env), env)
        except OSError as exc:
            raise LibraryError(f"cannot load DC1_LIBRARY={env}: {exc}") from exc
    here = Path(__file__).resolve().parent
    repo_build = here.parent.parent.parent / "build"
    for directory in (here, repo_build):
        for name in _lib_filenames():
            path = directory / name
            if not path.is_file():
                errors.append(f"{path} (absent)")
                continue
            try:
                return _finish(_try_load(str(path)), str(path))
            except OSError as exc:
                errors.append(f"{path}: {exc}")
    system = []
    found = ctypes.util.find_library("dc1")
    if found:
        system.append(found)
    system.append(_lib_filenames()[1])
    for name in system:
        try:
            return _finish(_try_load(name), name)
        except OSError as exc:
            errors.append(f"{name}: {exc}")
    raise LibraryError(
        "libdc1 was not found. Build it (`make lib` in the repository), set DC1_LIBRARY "
        "to its absolute path, or install it system-wide. Tried: "
        + "; ".join(errors)
    )


def _finish(cdll: ctypes.CDLL, path: str) -> ctypes.CDLL:
    for name, argtypes, restype in _PROTOTYPES:
        try:
            fn = getattr(cdll, name)
        except AttributeError as exc:
            raise LibraryError(f"{path} does not export {name}: not a compatible libdc1") from exc
        fn.argtypes = argtypes
        fn.restype = restype
    raw = cdll.dc1_version()
    version = raw.decode("utf-8", "replace") if raw else ""
    try:
        major = int(version.split(".")[0])
    except ValueError:
        raise LibraryError(f"{path}: dc1_version() returned {version!r}") from None
    if major != REQUIRED_MAJOR:
        raise LibraryError(
            f"{path} is libdc1 {version}; these bindings need major version {REQUIRED_MAJOR}"
        )
    global _path
    _path = path
    return cdll


def lib() -> ctypes.CDLL:
    """The loaded library (loading it on first use)."""
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                _lib = _load()
    return _lib


def library_path() -> Optional[str]:
    """Where the library was loaded from (None before it is loaded)."""
    return _path


def version() -> str:
    """dc1_version() of the loaded library."""
    return str(lib().dc1_version().decode("utf-8"))


def strerror(rc: int) -> str:
    """dc1_strerror(rc)."""
    return str(lib().dc1_strerror(rc).decode("utf-8"))


def last_error() -> str:
    """dc1_last_error() of this thread."""
    raw = lib().dc1_last_error()
    return raw.decode("utf-8", "replace") if raw else ""


# ---------------------------------------------------------------------------
# Calling conventions
# ---------------------------------------------------------------------------


def _arg(value: Any) -> Any:
    """Python → C argument: str → UTF-8 bytes, dict → JSON bytes, None → NULL. A str holding
    a NUL is InvalidArgumentError: C would read it only up to the NUL (bytes arguments go with
    their length and are passed as they are)."""
    if value is None or isinstance(value, (bytes, int, c_void_p)):
        return value
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidArgumentError(
                f"an argument holds a NUL character, which would cut it short at the C boundary: {value!r}")
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidArgumentError(f"an argument is not encodable as UTF-8: {exc}") from None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return value


def _take_string(ptr: c_void_p) -> Optional[str]:
    """Copies an owned char * and frees it with dc1_free."""
    if not ptr.value:
        return None
    try:
        return ctypes.string_at(ptr.value).decode("utf-8", "replace")
    finally:
        lib().dc1_free(ptr)
        ptr.value = None


def _raise_for(rc: int, text: Optional[str], fn_name: str) -> None:
    doc: Dict[str, Any]
    if text:
        try:
            doc = json.loads(text)
        except ValueError:
            doc = {"message": text}
        if not isinstance(doc, dict):
            doc = {"message": text}
    else:
        # No error document: dc1_last_error() (this thread) holds the message.
        doc = {"message": last_error() or f"{fn_name} failed"}
    doc.setdefault("rc", rc)
    if not doc.get("code"):
        try:
            doc["code"] = strerror(rc)
        except Exception:  # pragma: no cover - strerror is static
            doc["code"] = code_for_rc(rc)
    if not doc.get("message"):
        doc["message"] = last_error() or doc["code"]
    raise error_from_document(doc)


def call(fn: Any, *args: Any) -> Dict[str, Any]:
    """Calls ``fn(*args, &out_json)`` — ``fn`` is a declared function of the
    library or its name: passes ``byref(c_void_p)`` for out_json, reads it with
    ``string_at``, frees it with ``dc1_free``, parses the JSON. Returns the parsed
    document (a dict) on success; raises the exception built from the error
    document on failure."""
    if isinstance(fn, str):
        fn_name, fn = fn, getattr(lib(), fn)
    else:
        fn_name = getattr(fn, "__name__", "dc1 call")
    out = c_void_p()
    c_args = [_arg(a) for a in args]
    with _stoppable():
        rc = fn(*c_args, byref(out))
        text = _take_string(out)
    if rc != DC1_OK:
        _raise_for(rc, text, fn_name)
    if text is None:
        # The header promises a document on success; report it precisely.
        raise LibraryError(f"{fn_name} returned 0 but no JSON document", document={"rc": rc})
    try:
        result = json.loads(text)
    except ValueError as exc:
        raise LibraryError(f"{fn_name} returned invalid JSON: {exc}") from exc
    if not isinstance(result, dict):
        raise LibraryError(f"{fn_name} returned a JSON {type(result).__name__}, not an object")
    return result


class _EventSink:
    """A dc1_event_fn around a Python handler. The handler gets each event as a
    dict; returning ``False`` stops the call (a stream then returns with
    "ended": "stopped", a watch fails DC1_E_INTERRUPTED). An exception in the
    handler stops the call too and is re-raised once the C call has returned (it
    cannot cross into C). A Ctrl-C noted during the call (see :func:`_stoppable`)
    also makes it answer "stop"."""

    def __init__(self, handler: Optional[Callable[[Dict[str, Any]], Any]], ticks: bool = False) -> None:
        self.handler = handler
        self.ticks = ticks  # whether the handler wants the "tick" events too
        self.error: Optional[BaseException] = None
        self.cfunc = EVENT_FN(self._trampoline)  # kept alive by self for the call

    def _trampoline(self, _user_data: Any, event_json: Optional[bytes]) -> int:  # calling thread, GIL taken
        try:
            if getattr(_tls, "sigint", None):
                return 1  # Ctrl-C arrived: end the call; it is re-raised afterwards
            text = event_json.decode("utf-8", "replace") if event_json else "{}"
            event = json.loads(text)
            if self.handler is None or (not self.ticks and event.get("type") == "tick"):
                return 0  # a tick still ran Python code: a pending Ctrl-C was noted here
            if self.handler(event) is False:
                return 1
            return 0
        except BaseException as exc:  # noqa: BLE001 - re-raised after the call
            self.error = exc
            return 1


def call_streaming(fn_name: str, args: List[Any], handler: Optional[Callable[[Dict[str, Any]], Any]],
                   allow_null: bool = False, ticks: bool = False) -> Dict[str, Any]:
    """Calls a streaming function ``fn_name(*args, on_event, NULL, &out_json)``
    with ``handler`` as the event callback (NULL when ``handler`` is None and
    ``allow_null``; ``ticks``: the handler also gets "tick" events). Returns the
    final document like :func:`call`."""
    if handler is None and allow_null:
        callback: Any = EVENT_FN()  # NULL function pointer
        sink = None
    else:
        sink = _EventSink(handler, ticks)
        callback = sink.cfunc
    try:
        result = call(fn_name, *args, callback, None)
    except BaseException:
        if sink is not None and sink.error is not None:
            raise sink.error
        raise
    if sink is not None and sink.error is not None:
        raise sink.error
    return result


def webhook_verify(secret: Any, signature_header: Any, body: bytes) -> int:
    """dc1_webhook_verify; returns the rc (0 valid, DC1_E_BAD_SIGNATURE, …)."""
    return int(lib().dc1_webhook_verify(_arg(secret), _arg(signature_header), body, len(body)))


def webhook_parse(body: bytes) -> Dict[str, Any]:
    """dc1_webhook_parse."""
    return call("dc1_webhook_parse", body, len(body))


def check(rc: int, fn_name: str) -> None:
    """For functions without out_json: raises from dc1_last_error() when rc != 0."""
    if rc != DC1_OK:
        _raise_for(rc, None, fn_name)


# ---------------------------------------------------------------------------
# Client handle helpers
# ---------------------------------------------------------------------------


def client_new(options: Dict[str, Any]) -> c_void_p:
    """dc1_client_new with the options document; returns the opaque handle."""
    handle = c_void_p()
    rc = lib().dc1_client_new(byref(handle), _arg(options))
    check(rc, "dc1_client_new")
    if not handle.value:
        raise LibraryError("dc1_client_new returned 0 but no client")
    return handle


def client_config(handle: Optional[c_void_p]) -> Dict[str, Any]:
    """dc1_client_config: the settings in effect on a client (never the key), or with
    ``None`` the core's built-in defaults."""
    return call("dc1_client_config", handle)


def client_free(handle: c_void_p) -> None:
    """dc1_client_free (NULL is a no-op)."""
    lib().dc1_client_free(handle)


def client_interrupt(handle: c_void_p) -> None:
    """dc1_client_interrupt."""
    check(lib().dc1_client_interrupt(handle), "dc1_client_interrupt")


def make_log_callback(sink: Callable[[int, str], None]) -> Any:
    """Wraps ``sink(level, message)`` as a dc1_log_fn. The caller must keep the
    returned object alive as long as the library may call it. Exceptions raised
    by the sink are swallowed: they cannot cross into C."""

    def _trampoline(_user_data: Any, level: int, message: Optional[bytes]) -> None:  # calling thread, GIL taken
        try:
            sink(int(level), message.decode("utf-8", "replace") if message else "")
        except Exception:  # pragma: no cover - a logging failure must not reach C
            pass

    return LOG_FN(_trampoline)


def client_set_logger(handle: c_void_p, callback: Any, min_level: int) -> None:
    """dc1_client_set_logger; ``callback`` None removes the sink."""
    fn = callback if callback is not None else LOG_FN()
    check(lib().dc1_client_set_logger(handle, fn, None, int(min_level)), "dc1_client_set_logger")


# ---------------------------------------------------------------------------
# Per-call stop (dc1_stop_*): every call can be ended
# ---------------------------------------------------------------------------
#
# Every libdc1 call made through this module runs with a dc1_stop bound to its
# thread (:func:`_stoppable`): the one an outer scope bound with :func:`bound`
# (the asyncio client binds one per awaited call and triggers it when the task
# is cancelled), or else one of its own for the duration of the call.
#
# Ctrl-C. A Python signal handler runs only on the main thread, between
# bytecodes, so it cannot run while the main thread is inside a C call. During a
# main-thread call, therefore, SIGINT is routed two ways: the C-level handler of
# CPython writes the signal number to the wakeup fd (signal.set_wakeup_fd),
# which a helper thread of this module reads to trigger the call's stop at once;
# and the Python-level handler is a note-taker, so KeyboardInterrupt is raised
# (by the handler that was installed before) once the C call has returned —
# instead of the call's InterruptedCallError. The previous wakeup fd, if any
# (an asyncio loop's), still receives every byte.

_tls = threading.local()  # .stop: the Stop bound to this thread; .sigint: Ctrl-C noted in the call


class Stop:
    """A dc1_stop: while it is bound to a thread (:func:`bound`), :meth:`trigger`
    — from any thread — ends the libdc1 call running on that thread within a
    25 ms poll slice with DC1_E_INTERRUPTED, and any call it starts afterwards at
    once. A stop cannot be reset: use a new one for new calls."""

    def __init__(self) -> None:
        handle = c_void_p()
        check(lib().dc1_stop_new(byref(handle)), "dc1_stop_new")
        self._lock = threading.RLock()  # RLock: a signal handler may trigger it on the main thread
        self._handle: Optional[c_void_p] = handle

    def trigger(self) -> None:
        """Ends the calls of the thread it is bound to (idempotent; never blocks)."""
        with self._lock:
            if self._handle is not None:
                lib().dc1_stop_trigger(self._handle)

    @property
    def triggered(self) -> bool:
        with self._lock:
            return bool(self._handle is not None and lib().dc1_stop_is_triggered(self._handle))

    def close(self) -> None:
        """Releases this reference (a thread it is still bound to keeps its own)."""
        with self._lock:
            handle, self._handle = self._handle, None
        if handle is not None:
            lib().dc1_stop_free(handle)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass


def bound_stop() -> Optional[Stop]:
    """The Stop bound to the calling thread by :func:`bound`, if any."""
    return getattr(_tls, "stop", None)


@contextlib.contextmanager
def bound(stop: Stop) -> Iterator[Stop]:
    """Binds ``stop`` to the calling thread for the block (``dc1_stop_bind``); the
    libdc1 calls made in it use that stop instead of one of their own. What was
    bound before is bound again afterwards."""
    previous = bound_stop()
    lib().dc1_stop_bind(stop._handle)
    _tls.stop = stop
    try:
        yield stop
    finally:
        _tls.stop = previous
        lib().dc1_stop_bind(previous._handle if previous is not None else None)


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """The scope of one foreign call: a stop bound to this thread and, on the main
    thread, Ctrl-C routed to it (see the comment above :class:`Stop`)."""
    if bound_stop() is not None:
        yield  # an outer scope (an async call, or the call whose callback runs now) has one
        return
    stop = Stop()
    try:
        with bound(stop):
            if threading.current_thread() is threading.main_thread():
                with _sigint_to(stop):
                    yield
            else:
                yield
    finally:
        stop.close()


class _SigintWatch:
    """The helper thread that reads the wakeup fd during main-thread calls."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.target: Optional[Stop] = None  # the stop of the main thread's current call
        self.forward = -1                   # the wakeup fd set before ours
        self.wsock: Optional[socket.socket] = None

    def write_fd(self) -> int:
        with self.lock:
            if self.wsock is None:
                rsock, wsock = socket.socketpair()
                wsock.setblocking(False)  # set_wakeup_fd wants a non-blocking fd
                threading.Thread(target=self._read, args=(rsock,), name="dc1-sigint",
                                 daemon=True).start()
                self.wsock = wsock
            return self.wsock.fileno()

    def _read(self, rsock: socket.socket) -> None:
        while True:
            try:
                data = rsock.recv(512)
            except OSError:  # pragma: no cover - closed
                return
            if not data:  # pragma: no cover - closed
                return
            with self.lock:
                if self.target is not None and signal.SIGINT in data:
                    self.target.trigger()
                forward = self.forward
            if forward >= 0:
                try:
                    os.write(forward, data)
                except OSError:
                    pass

    def reset_after_fork(self) -> None:
        self.lock = threading.Lock()
        self.target = None
        self.forward = -1
        self.wsock = None  # the helper thread did not survive the fork


_sigint_watch = _SigintWatch()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_sigint_watch.reset_after_fork)


@contextlib.contextmanager
def _sigint_to(stop: Stop) -> Iterator[None]:
    """On the main thread, for one call: SIGINT triggers ``stop`` and is noted; the
    handler installed before runs once the call is over (by default raising
    KeyboardInterrupt, which then replaces the call's InterruptedCallError)."""
    try:
        previous = signal.getsignal(signal.SIGINT)
    except (ValueError, OSError):  # pragma: no cover - no signal support here
        previous = None
    if not callable(previous):
        yield  # SIG_IGN / SIG_DFL / not installed by Python: nothing to route
        return
    noted: List[Tuple[int, Any]] = []

    def note(signum: int, frame: Any) -> None:
        noted.append((signum, frame))
        stop.trigger()

    watch = _sigint_watch
    try:
        signal.signal(signal.SIGINT, note)
    except (ValueError, OSError):  # pragma: no cover - not the main interpreter
        yield
        return
    old_fd: Optional[int] = None
    try:
        with watch.lock:
            watch.target = stop
        try:
            old_fd = signal.set_wakeup_fd(watch.write_fd(), warn_on_full_buffer=False)
        except (ValueError, OSError):  # pragma: no cover - ticks and the callback still work
            old_fd = None
        with watch.lock:
            watch.forward = old_fd if old_fd is not None else -1
        _tls.sigint = noted
        yield
    finally:
        _tls.sigint = None
        with watch.lock:
            watch.target = None
            watch.forward = -1
        if old_fd is not None:
            signal.set_wakeup_fd(old_fd)
        signal.signal(signal.SIGINT, previous)
        if noted:
            previous(*noted[0])  # KeyboardInterrupt, by default
