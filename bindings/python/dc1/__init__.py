"""dc1 — Python bindings of libdc1, the client core for the DC1 GPU marketplace.

    import dc1

    with dc1.DC1Client() as client:            # DC1_API_KEY, DC1_BASE_URL
        providers = client.providers.list()
        job = client.jobs.submit("llm_inference", {"prompt": "Hello"},
                                 provider_id=providers[0].id, duration_minutes=2)
        done = client.jobs.wait(job.id)
        print(done.result["output"])

It runs code written for the official ``dc1`` SDK unchanged (same names:
``DC1Client``, ``client.providers/jobs/wallet``, ``Job``, ``Provider``,
``Wallet``, ``DC1Error``, ``AuthError``, ``APIError``, ``JobTimeoutError``).

Importing this package does not load the C library: it is loaded on the first
client creation (see ``dc1._lib`` for where it is looked for), so ``import dc1``
works without libdc1 (type checkers, documentation tools).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    APIError,
    AuthError,
    BadSignatureError,
    BusyError,
    SubmitCheckWarning,
    ClientClosedError,
    DC1Error,
    FileWriteError,
    HTTPError,
    InsufficientBalanceError,
    InterruptedCallError,
    InvalidArgumentError,
    JobCancelledError,
    JobFailedError,
    JobTimeoutError,
    LibraryError,
    NetworkError,
    NotFoundError,
    NotReadyError,
    ProtocolError,
    QuotaExceededError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    SubmitUnknownError,
    ValidationError,
)
from .models import Balance, Endpoint, Job, Output, Provider, Usage, Wallet

if TYPE_CHECKING:  # pragma: no cover
    from .aio import AsyncDC1Client
    from .client import DC1Client
    from .webhooks import parse_webhook, verify_webhook

__version__ = "0.2.0"

__all__ = [
    "DC1Client",
    "AsyncDC1Client",
    "Job",
    "Provider",
    "Balance",
    "Wallet",
    "Endpoint",
    "Output",
    "Usage",
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
    "verify_webhook",
    "parse_webhook",
    "library_version",
    "library_path",
    "default_config",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # PEP 562: the client modules (and with them the ctypes layer) are imported
    # on first use, so "import dc1" never needs libdc1.
    if name == "DC1Client":
        from .client import DC1Client

        return DC1Client
    if name == "AsyncDC1Client":
        from .aio import AsyncDC1Client

        return AsyncDC1Client
    if name in ("verify_webhook", "parse_webhook"):
        from . import webhooks

        return getattr(webhooks, name)
    raise AttributeError(f"module 'dc1' has no attribute {name!r}")


def library_version() -> str:
    """The version of the libdc1 in use (loads the library)."""
    from . import _lib

    return _lib.version()


def default_config() -> "dict[str, Any]":
    """The core's built-in client settings, before the environment and any options
    (``dc1_client_config`` with no client; loads the library). ``client.config`` is what
    a client settled on."""
    from . import _lib

    return _lib.client_config(None)


def library_path() -> str:
    """Where libdc1 was loaded from (loads the library)."""
    from . import _lib

    _lib.lib()
    return _lib.library_path() or ""
