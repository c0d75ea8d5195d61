"""Exceptions raised by the dc1 package.

The official ``dc1`` SDK defines four: :class:`DC1Error`, :class:`AuthError`,
:class:`APIError` (with ``status_code`` and ``response``) and
:class:`JobTimeoutError` (with ``job_id`` and ``timeout``). They keep their
names, attributes and meaning here, so ``except`` clauses written for the
official SDK keep working. Finer classes subclass them::

    DC1Error
    ├── APIError                      status_code, response
    │   ├── AuthError                 401/403 (and the 404 "Renter not found" of a bad key)
    │   ├── NotFoundError             404
    │   ├── InsufficientBalanceError  402
    │   ├── RateLimitError            429 with Retry-After (retry_after, seconds)
    │   │   └── QuotaExceededError    429 without Retry-After (daily/monthly quota)
    │   ├── ValidationError           400 or the local schema check (fields)
    │   ├── ServerError               5xx
    │   ├── ProtocolError             HTML, malformed or truncated JSON, oversize body
    │   ├── HTTPError                 any other unexpected status (409, 422, …)
    │   ├── NetworkError              connection refused/reset, DNS, TLS
    │   │   └── RequestTimeoutError   one HTTP request ran out of its deadline (DC1_E_TIMEOUT)
    │   ├── JobFailedError            the job failed (reason, refunded)
    │   │   └── JobCancelledError     the job was cancelled
    │   ├── NotReadyError             the job has no output yet (202)
    │   └── SubmitUnknownError        the submit's answer was lost (candidates)
    ├── JobTimeoutError               a wait ran out of time (DC1_E_WAIT_TIMEOUT; job_id, timeout, job)
    ├── InterruptedCallError          ended by client.interrupt()
    ├── InvalidArgumentError          a bad argument; nothing was sent (also a ValueError)
    ├── FileWriteError                job.save_image() could not write the file (also an OSError)
    ├── BadSignatureError             a webhook signature did not match
    ├── BusyError                     another batch run holds the journal (DC1_E_BUSY)
    ├── ClientClosedError             the client was closed
    └── LibraryError                  libdc1 could not be loaded, or a libdc1 bug

Every exception carries the error document of the C core: ``code``
("DC1_E_…"), ``rc``, ``message``, ``request_id`` (the X-Request-Id of the last
HTTP attempt, quote it when asking for support), ``http_status``,
``retry_after_ms``, ``attempts``, ``fields``, ``body`` and ``job``.

This module knows nothing about C: ``dc1._lib`` hands it the parsed error
document and :func:`error_from_document` picks the class.
"""
from __future__ import annotations

import builtins
from typing import Any, Dict, List, Optional, Tuple

__all__ = [
    "DC1Error",
    "APIError",
    "AuthError",
    "NotFoundError",
    "InsufficientBalanceError",
    "RateLimitError",
    "QuotaExceededError",
    "ValidationError",
    "ServerError",
    "ProtocolError",
    "HTTPError",
    "NetworkError",
    "RequestTimeoutError",
    "JobFailedError",
    "JobCancelledError",
    "NotReadyError",
    "SubmitUnknownError",
    "JobTimeoutError",
    "InterruptedCallError",
    "InvalidArgumentError",
    "FileWriteError",
    "BadSignatureError",
    "BusyError",
    "SubmitCheckWarning",
    "ClientClosedError",
    "LibraryError",
    "error_from_document",
]


class DC1Error(Exception):
    """Base class of every error raised by the dc1 package."""

    #: The default symbolic code for errors built without an error document.
    default_code = "DC1_E_INTERNAL"

    def __init__(self, message: str = "", *, document: Optional[Dict[str, Any]] = None) -> None:
        doc: Dict[str, Any] = dict(document or {})
        if not message:
            message = _in_python_terms(str(doc.get("message") or doc.get("code") or self.default_code),
                                       doc.get("hint"))
        super().__init__(message)
        self.message: str = message
        #: The whole error document of the C core (a dict; empty for local errors).
        self.document: Dict[str, Any] = doc
        #: Symbolic code, e.g. "DC1_E_RATE_LIMITED".
        self.code: str = str(doc.get("code") or self.default_code)
        #: The C return code (negative int).
        self.rc: Optional[int] = doc.get("rc")
        #: HTTP status of the last response, when one arrived.
        self.http_status: Optional[int] = doc.get("http_status")
        #: X-Request-Id of the last HTTP attempt (quote it to support).
        self.request_id: Optional[str] = doc.get("request_id")
        #: When the server said to retry, in milliseconds.
        self.retry_after_ms: Optional[int] = doc.get("retry_after_ms")
        #: HTTP attempts made by the failing call.
        self.attempts: Optional[int] = doc.get("attempts")
        #: 400 "Validation failed" details: [{"field": …, "message": …}].
        self.fields: List[Dict[str, Any]] = list(doc.get("fields") or [])
        #: The server's error body (dict or str), when any.
        self.body: Any = doc.get("body")
        #: For job-related failures: the job's last state (a dict), when known.
        self.job: Any = doc.get("job")

    def __str__(self) -> str:
        text = self.message
        extras = []
        if self.http_status:
            extras.append(f"HTTP {self.http_status}")
        if self.request_id:
            extras.append(f"request_id={self.request_id}")
        if extras:
            text = f"{text} ({', '.join(extras)})"
        return text

    def __reduce__(self) -> Tuple[Any, ...]:  # keep exceptions picklable (multiprocessing, concurrent.futures)
        return (_rebuild, (type(self), self.message, self.document, self._extra_state()))

    def _extra_state(self) -> Dict[str, Any]:
        return {}


def _rebuild(cls: Any, message: str, document: Dict[str, Any], extra: Dict[str, Any]) -> "DC1Error":
    exc: DC1Error = cls.__new__(cls)
    DC1Error.__init__(exc, message, document=document)
    for key, value in extra.items():
        setattr(exc, key, value)
    return exc


class APIError(DC1Error):
    """The API (or the way to it) failed. ``status_code`` is the HTTP status
    (0 when no response arrived) and ``response`` the server's error body as a
    dict (``{"error": "<text>"}`` when the body was not a JSON object)."""

    #: The status a class stands for when no HTTP answer carried one (0: none).
    implied_status = 0

    def __init__(
        self,
        message: str = "",
        status_code: int = 0,
        response: Optional[Dict[str, Any]] = None,
        *,
        document: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message, document=document)
        if not status_code:
            # The server's status, else the one the class stands for (a NotFoundError the core
            # raised without an HTTP answer, e.g. providers.get, reads 404 as in the official SDK).
            status_code = int(self.http_status or type(self).implied_status or 0)
        self.status_code: int = status_code
        if response is None:
            body = self.body
            if isinstance(body, dict):
                response = body
            elif body is None or body == "":
                response = {}
            else:
                response = {"error": str(body)}
        self.response: Dict[str, Any] = response

    def _extra_state(self) -> Dict[str, Any]:
        return {"status_code": self.status_code, "response": self.response}


class AuthError(APIError):
    """401 or 403: missing, invalid or wrong kind of key, or not your job.
    (The server's 404 "Renter not found" for a bad key is reported here too.)"""

    default_code = "DC1_E_AUTH"


class NotFoundError(APIError):
    """404: the job, provider, renter or route does not exist."""

    default_code = "DC1_E_NOT_FOUND"
    implied_status = 404


class InsufficientBalanceError(APIError):
    """402: the balance does not cover the job. ``response`` holds
    ``balance_halala``, ``required_halala`` and ``shortfall_halala`` when the
    server sent them; they are also attributes."""

    default_code = "DC1_E_INSUFFICIENT_BALANCE"

    @property
    def balance_halala(self) -> Optional[int]:
        return self.response.get("balance_halala")

    @property
    def required_halala(self) -> Optional[int]:
        return self.response.get("required_halala")

    @property
    def shortfall_halala(self) -> Optional[int]:
        value = self.response.get("shortfall_halala")
        if value is None and self.balance_halala is not None and self.required_halala is not None:
            value = self.required_halala - self.balance_halala
        return value


class RateLimitError(APIError):
    """429 from a rate limiter after the retries ran out. ``retry_after`` is
    the server's advice in seconds (float), or None."""

    default_code = "DC1_E_RATE_LIMITED"

    @property
    def retry_after(self) -> Optional[float]:
        if self.retry_after_ms is None:
            return None
        return self.retry_after_ms / 1000.0


class QuotaExceededError(RateLimitError):
    """429 without Retry-After: a daily or monthly quota. Retrying now will not help."""

    default_code = "DC1_E_QUOTA_EXCEEDED"


class ValidationError(APIError, ValueError):
    """400, or the local check of the submit schema (then nothing was sent and
    ``status_code`` is 0). ``fields`` lists ``{"field", "message"}``."""

    default_code = "DC1_E_VALIDATION"


class ServerError(APIError):
    """5xx from the server (after retries, for reads)."""

    default_code = "DC1_E_SERVER"


class ProtocolError(APIError):
    """The response was not what the contract promises (HTML, malformed or
    truncated JSON, a body over max_response_bytes, a redirect)."""

    default_code = "DC1_E_PROTOCOL"


class HTTPError(APIError):
    """An HTTP status the call does not expect (409, 410 elsewhere, 422, …)."""

    default_code = "DC1_E_HTTP"


class NetworkError(APIError, builtins.ConnectionError):
    """Could not connect, connection reset, DNS or TLS failure (after retries)."""

    default_code = "DC1_E_NETWORK"


class RequestTimeoutError(NetworkError, builtins.TimeoutError):
    """The call's deadline (``timeout`` of the client) passed."""

    default_code = "DC1_E_TIMEOUT"


class JobFailedError(APIError):
    """The job failed. ``job_id``, ``reason`` (the server's error text) and
    ``refunded`` come from the server's answer."""

    default_code = "DC1_E_JOB_FAILED"

    @property
    def job_id(self) -> Optional[str]:
        for src in (self.response, self.job if isinstance(self.job, dict) else {}):
            if src.get("job_id"):
                return str(src["job_id"])
        return None

    @property
    def reason(self) -> Optional[str]:
        if self.response.get("error"):
            return str(self.response["error"])
        if isinstance(self.job, dict) and self.job.get("error"):
            return str(self.job["error"])
        return None

    @property
    def refunded(self) -> Optional[bool]:
        value = self.response.get("refunded")
        return None if value is None else bool(value)


class JobCancelledError(JobFailedError):
    """The job was cancelled."""

    default_code = "DC1_E_JOB_CANCELLED"


class NotReadyError(APIError):
    """The job has no output yet (202). ``response`` holds the progress."""

    default_code = "DC1_E_NOT_READY"


class SubmitUnknownError(APIError):
    """A submit was sent but its answer was lost. The job MAY exist and be
    charged; the library did not resubmit. ``candidates`` lists the recent
    matching jobs found in the history (dicts); check them before retrying."""

    default_code = "DC1_E_SUBMIT_UNKNOWN"

    @property
    def candidates(self) -> List[Dict[str, Any]]:
        return list(self.document.get("candidates") or [])


class JobTimeoutError(DC1Error, builtins.TimeoutError):
    """``jobs.wait()`` did not see the job finish within ``timeout`` seconds.
    ``job`` holds the last state seen (a :class:`dc1.Job`, or None)."""

    default_code = "DC1_E_WAIT_TIMEOUT"

    def __init__(
        self,
        job_id: str = "",
        timeout: float = 0,
        *,
        job: Any = None,
        document: Optional[Dict[str, Any]] = None,
        message: Optional[str] = None,
    ) -> None:
        super().__init__(message or f"Job {job_id} did not complete within {timeout}s", document=document)
        self.job_id = job_id
        self.timeout = timeout
        if job is not None:
            self.job = job

    def _extra_state(self) -> Dict[str, Any]:
        return {"job_id": self.job_id, "timeout": self.timeout, "job": self.job}


class InterruptedCallError(DC1Error):
    """The call was ended by ``client.interrupt()``."""

    default_code = "DC1_E_INTERRUPTED"


class InvalidArgumentError(DC1Error, ValueError):
    """A bad argument (malformed JSON, wrong type, bad id or option). Nothing was sent."""

    default_code = "DC1_E_INVALID_ARGUMENT"


class FileWriteError(DC1Error, OSError):
    """A local file could not be written (``save_image``)."""

    default_code = "DC1_E_IO"

    def __init__(self, message: str = "", *, document: Optional[Dict[str, Any]] = None) -> None:
        DC1Error.__init__(self, message, document=document)


class BusyError(DC1Error):
    """Another batch run, in this or another process, holds the journal (``batch.run``).
    Nothing was submitted; ``document["pid"]`` names the holder where known."""

    default_code = "DC1_E_BUSY"


class BadSignatureError(DC1Error):
    """A webhook signature did not match."""

    default_code = "DC1_E_BAD_SIGNATURE"


class ClientClosedError(DC1Error):
    """The client was used after ``close()``."""

    default_code = "DC1_E_INVALID_ARGUMENT"


class LibraryError(DC1Error, OSError):
    """libdc1 could not be loaded or is the wrong version, or it reported an
    internal error / ran out of memory."""

    default_code = "DC1_E_INTERNAL"

    def __init__(self, message: str = "", *, document: Optional[Dict[str, Any]] = None) -> None:
        DC1Error.__init__(self, message, document=document)


_BY_CODE = {
    "DC1_E_INVALID_ARGUMENT": InvalidArgumentError,
    "DC1_E_NETWORK": NetworkError,
    "DC1_E_TIMEOUT": RequestTimeoutError,
    "DC1_E_AUTH": AuthError,
    "DC1_E_NOT_FOUND": NotFoundError,
    "DC1_E_INSUFFICIENT_BALANCE": InsufficientBalanceError,
    "DC1_E_RATE_LIMITED": RateLimitError,
    "DC1_E_QUOTA_EXCEEDED": QuotaExceededError,
    "DC1_E_VALIDATION": ValidationError,
    "DC1_E_SERVER": ServerError,
    "DC1_E_PROTOCOL": ProtocolError,
    "DC1_E_JOB_FAILED": JobFailedError,
    "DC1_E_JOB_CANCELLED": JobCancelledError,
    "DC1_E_NOT_READY": NotReadyError,
    "DC1_E_INTERRUPTED": InterruptedCallError,
    "DC1_E_SUBMIT_UNKNOWN": SubmitUnknownError,
    "DC1_E_HTTP": HTTPError,
    "DC1_E_NO_MEMORY": LibraryError,
    "DC1_E_IO": FileWriteError,
    "DC1_E_BAD_SIGNATURE": BadSignatureError,
    "DC1_E_BUSY": BusyError,
    "DC1_E_WAIT_TIMEOUT": JobTimeoutError,
    "DC1_E_INTERNAL": LibraryError,
}

# How the core's hints (include/dc1.h, "hint") read in Python: the option names a Python
# user types, in place of the C option names that end the core's message.
_HINT_WORDS = {
    "api_key": "pass api_key=… to DC1Client or set DC1_API_KEY",
    "allow_insecure_http": "use an https:// base_url, or pass allow_insecure_http=True",
}


def _in_python_terms(message: str, hint: Any) -> str:
    if not isinstance(hint, dict):
        return message
    text, words = hint.get("text"), _HINT_WORDS.get(str(hint.get("option")))
    if isinstance(text, str) and words and message.endswith(text):
        return message[: -len(text)] + words
    return message


class SubmitCheckWarning(UserWarning):
    """A submit was sent although the checks before paying found something (a model the
    catalogue does not list, a param of the wrong type): the server may run something else
    than asked and charge for it. ``jobs.submit(check="strict")`` refuses instead."""


def code_for_rc(rc: int) -> str:
    """The symbolic name of a C return code, from the core's one table (dc1_strerror;
    "DC1_E_UNKNOWN" for a code this library does not know)."""
    from . import _lib  # imported here: _lib imports this module

    return _lib.strerror(rc)


def error_from_document(doc: Dict[str, Any]) -> DC1Error:
    """Builds the exception for an error document of the C core.

    Unknown codes (the C API only ever appends codes) are treated like
    DC1_E_INTERNAL, except that an error carrying an HTTP status becomes a
    plain :class:`APIError`."""
    if not isinstance(doc, dict):
        doc = {"message": str(doc)}
    code = doc.get("code")
    if not code and isinstance(doc.get("rc"), int):
        code = code_for_rc(doc["rc"])
        doc = dict(doc, code=code)
    cls = _BY_CODE.get(str(code))
    if cls is None:
        cls = APIError if doc.get("http_status") else LibraryError
    message = _in_python_terms(str(doc.get("message") or code or "libdc1 error"), doc.get("hint"))
    if cls is JobTimeoutError:
        timeout_ms = doc.get("timeout_ms")
        return JobTimeoutError(str(doc.get("job_id") or ""),
                               timeout_ms / 1000 if isinstance(timeout_ms, (int, float)) else 0,
                               job=doc.get("job"), document=doc, message=message)
    built: DC1Error = cls(message, document=doc)
    return built
