"""Typed models returned by the client: :class:`Provider`, :class:`Job`,
:class:`Balance` (also exported as ``Wallet``, the official SDK's name),
:class:`Endpoint`, :class:`Output` (a job's output document, which shows an
image inline in a notebook) and :class:`Usage` (spending, ``to_dataframe()``).

Every model keeps the document it was built from in ``raw`` (and ``_raw``,
the official SDK's name); attributes not modelled explicitly are read from it,
so ``provider.cuda_version`` or ``job.progress_phase`` work too.
"""
from __future__ import annotations

import base64
import binascii
import builtins
import contextlib
import datetime as _dt
import importlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Union

if TYPE_CHECKING:  # pragma: no cover
    from .client import DC1Client

__all__ = ["Provider", "Job", "Balance", "Wallet", "Endpoint", "Output", "Usage", "parse_time"]


def parse_time(value: Any) -> Optional[_dt.datetime]:
    """Parses the server's timestamps: ISO-8601 with ``Z`` and the SQLite forms
    ``YYYY-MM-DD HH:MM:SS[.sss]`` (no zone: UTC). Returns an aware datetime or None."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        # Python 3.9/3.10 fromisoformat wants 3 or 6 fraction digits.
        match = re.match(r"^(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)$", text)
        if not match:
            return None
        head, digits, tail = match.groups()
        try:
            parsed = _dt.datetime.fromisoformat(f"{head}.{(digits + '000000')[:6]}{tail}")
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed


def _num(value: Any, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    try:
        text = str(value)
        return float(text) if any(c in text for c in ".eE") else int(text)
    except (TypeError, ValueError):
        return default


class _RawFallback:
    """Attributes not modelled explicitly come from the raw document."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raw = self.__dict__.get("raw")
        if isinstance(raw, dict) and name in raw:
            return raw[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __getitem__(self, key: str) -> Any:
        """Dict-style access to the raw document (``provider['cuda_version']``)."""
        return self.raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    @property
    def _raw(self) -> Dict[str, Any]:
        """The official SDK's name for :attr:`raw`."""
        raw: Dict[str, Any] = self.raw
        return raw


# ---------------------------------------------------------------------------
# Provider
# ---------------------------------------------------------------------------


@dataclass
class Provider(_RawFallback):
    """A GPU provider from ``GET /api/renters/available-providers``."""

    id: int
    name: str
    gpu_model: str
    vram_gb: float
    vram_mib: int
    status: str
    reliability_score: float
    is_live: bool = False
    gpu_count: int = 1
    location: Optional[str] = None
    cached_models: List[Any] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Dict[str, Any]) -> "Provider":
        vram_mib = _num(data.get("vram_mib"), 0)
        vram_gb = _num(data.get("vram_gb"))
        if vram_gb is None:
            vram_gb = round(vram_mib / 1024, 1) if vram_mib else 0
        return cls(
            id=_num(data.get("id"), 0),
            name=data.get("name") or "",
            gpu_model=data.get("gpu_model") or "",
            vram_gb=vram_gb,
            vram_mib=vram_mib,
            status=data.get("status") or "offline",
            reliability_score=_num(data.get("reliability_score"), 0),
            is_live=bool(data.get("is_live")),
            gpu_count=_num(data.get("gpu_count"), 1),
            location=data.get("location"),
            cached_models=list(data.get("cached_models") or []),
            raw=dict(data),
        )


# ---------------------------------------------------------------------------
# Balance
# ---------------------------------------------------------------------------


class Balance(_RawFallback):
    """The renter's wallet from ``GET /api/renters/balance``.

    Money is kept in integer halala (1 SAR = 100 halala); the ``*_sar``
    attributes are floats. ``name`` and ``email`` (the official SDK's Wallet
    had them) come from ``/api/renters/me``, read together with the balance:
    a Balance is plain data, reading it never makes a request."""

    def __init__(self, data: Dict[str, Any], renter: Optional[Dict[str, Any]] = None,
                 api_key: Optional[str] = None) -> None:
        self.raw: Dict[str, Any] = dict(data)
        self._api_key = api_key
        self._renter_info: Dict[str, Any] = dict(renter or {})
        self.balance_halala: int = _num(data.get("balance_halala"), 0)
        self.held_halala: int = _num(data.get("held_halala"), 0)
        self.available_halala: int = _num(data.get("available_halala"), self.balance_halala)
        self.total_spent_halala: int = _num(data.get("total_spent_halala"), 0)
        self.total_jobs: int = _num(data.get("total_jobs"), 0)

    @classmethod
    def from_api(cls, data: Dict[str, Any]) -> "Balance":
        return cls(data)

    @property
    def balance_sar(self) -> float:
        return self.balance_halala / 100

    @property
    def held_sar(self) -> float:
        return self.held_halala / 100

    @property
    def available_sar(self) -> float:
        return self.available_halala / 100

    @property
    def total_spent_sar(self) -> float:
        return self.total_spent_halala / 100

    @property
    def name(self) -> str:
        return self._renter_info.get("name") or ""

    @property
    def email(self) -> str:
        return self._renter_info.get("email") or ""

    @property
    def api_key(self) -> str:
        """The key the client was configured with (official SDK compatibility;
        never printed in repr)."""
        return self._api_key or ""

    def __repr__(self) -> str:
        return (
            f"Balance(balance_halala={self.balance_halala}, balance_sar={self.balance_sar:.2f}, "
            f"held_halala={self.held_halala}, available_halala={self.available_halala}, "
            f"total_spent_halala={self.total_spent_halala}, total_jobs={self.total_jobs})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Balance) and other.raw == self.raw


#: The official SDK's name for the wallet model.
Wallet = Balance


# ---------------------------------------------------------------------------
# Job
# ---------------------------------------------------------------------------


@dataclass
class Job(_RawFallback):
    """A DC1 job.

    ``id`` is the string ``job_id`` ("job-…"); ``row_id`` the integer row id.
    ``result`` is filled for a completed job (the output is fetched once by
    ``jobs.get()``/``jobs.wait()``): for text jobs ``result['output']`` holds the
    text; otherwise it is the whole normalised output document (``kind``,
    ``image_base64``, ``result_json``, ``stdout``, …). For a ``vllm_serve``
    job that is serving, ``result`` is ``{'endpoint_url': …, 'base_url': …}``.
    ``result_type`` is the output kind: text, image, endpoint, json, raw or empty.
    """

    id: str
    status: str
    job_type: str = ""
    provider_id: Optional[int] = None
    duration_minutes: float = 0
    cost_halala: int = 0
    submitted_at: str = ""
    result: Optional[Dict[str, Any]] = None
    result_type: Optional[str] = None
    error: Optional[str] = None
    execution_time_sec: Optional[float] = None
    started_at: Optional[str] = None
    completed_at: Optional[str] = None
    provider_name: Optional[str] = None
    model: Optional[str] = None
    actual_cost_halala: Optional[int] = None
    #: The quoted (prepaid, held) price; ``cost_halala`` is what was charged.
    quoted_cost_halala: int = 0
    endpoint_url: Optional[str] = None
    row_id: Optional[int] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    output: Optional[Dict[str, Any]] = field(default=None, repr=False, compare=False)

    # The client that produced the job (for refresh(), save_image(), …). A plain
    # class attribute, not a dataclass field: dataclasses.asdict()/replace() must
    # not try to copy a client.
    _client = None  # type: Optional[DC1Client]

    @classmethod
    def from_api(
        cls,
        data: Dict[str, Any],
        output: Optional[Dict[str, Any]] = None,
        client: Optional["DC1Client"] = None,
    ) -> "Job":
        """Builds a Job from a job document (dc1_job_get, history rows, the
        ``job`` of a submit answer) and, for a completed job, its output."""
        job_id = data.get("job_id") or data.get("id") or ""
        row_id = data.get("id") if isinstance(data.get("id"), int) else None
        status = data.get("status") or "unknown"
        job = cls(
            id=str(job_id),
            status=str(status),
            job_type=data.get("job_type") or "",
            provider_id=_num(data.get("provider_id")),
            duration_minutes=_num(data.get("duration_minutes"), 0),
            cost_halala=_num(data.get("cost_halala"), 0),
            submitted_at=data.get("submitted_at") or data.get("created_at") or "",
            error=data.get("error") or data.get("last_error"),
            started_at=data.get("started_at"),
            completed_at=data.get("completed_at"),
            provider_name=data.get("provider_name"),
            model=data.get("model"),
            actual_cost_halala=_num(data.get("actual_cost_halala")),
            quoted_cost_halala=_num(data.get("quoted_cost_halala"), _num(data.get("cost_halala"), 0)),
            endpoint_url=data.get("endpoint_url"),
            row_id=row_id,
            raw=dict(data),
        )
        job._client = client
        job.execution_time_sec = job._execution_time()
        job._set_output(output)
        return job

    @property
    def check_warnings(self) -> List[Dict[str, Any]]:
        """What the checks before paying found when this job was submitted with
        ``check="warn"``: ``[{"field", "message"}]`` (empty otherwise)."""
        return list(self.raw.get("check_warnings") or [])

    # -- result -------------------------------------------------------------

    def _set_output(self, output: Optional[Dict[str, Any]]) -> None:
        self.output = Output(output) if output is not None else None
        if output is not None:
            kind = output.get("kind") or "raw"
            result = Output(output)
            if "output" not in result:
                for key in ("text", "response", "stdout"):
                    if isinstance(output.get(key), str):
                        result["output"] = output[key]
                        break
            self.result = result
            self.result_type = kind
            if kind == "endpoint" and output.get("endpoint_url"):
                # a serving vllm_serve job: the core built this from the job document
                self.endpoint_url = output["endpoint_url"]
                result.setdefault("base_url", output.get("openai_base_url"))
            if self.actual_cost_halala is None and output.get("actual_cost_halala") is not None:
                self.actual_cost_halala = _num(output.get("actual_cost_halala"))

    # -- derived values -----------------------------------------------------

    @property
    def job_id(self) -> str:
        """Same as :attr:`id`."""
        return self.id

    @property
    def is_done(self) -> bool:
        """True once the status is terminal."""
        # The core's word, carried by every job document (job, submit, wait, history).
        return self.raw.get("terminal") is True

    terminal = is_done

    @property
    def outcome(self) -> Optional[str]:
        """How a terminal status ended: ``"succeeded"``, ``"failed"`` or
        ``"cancelled"``; None while the job runs (the core's ``outcome``)."""
        value = self.raw.get("outcome")
        return str(value) if value else None

    @property
    def cost_sar(self) -> float:
        """What the renter is charged, in SAR (``cost_halala / 100``): the settled cost once
        the job is terminal (0 for a refunded failure or cancellation), the held quote
        before — the same meaning as ``cost_sar`` in libdc1's job document."""
        return self.cost_halala / 100

    @property
    def quoted_cost_sar(self) -> float:
        """The quoted (prepaid) price in SAR."""
        return self.quoted_cost_halala / 100

    @property
    def actual_cost_sar(self) -> Optional[float]:
        if self.actual_cost_halala is None:
            return None
        return self.actual_cost_halala / 100

    @property
    def text(self) -> Optional[str]:
        """The generated text of a completed text job (None otherwise)."""
        if self.result is None:
            return None
        value = self.result.get("output")
        return value if isinstance(value, str) else None

    @property
    def base_url(self) -> Optional[str]:
        """For a serving vllm_serve job: the OpenAI-compatible base URL."""
        value = self.raw.get("openai_base_url") or (self.output or {}).get("openai_base_url")
        return str(value) if value else None

    @property
    def submitted(self) -> Optional[_dt.datetime]:
        return parse_time(self.submitted_at)

    @property
    def started(self) -> Optional[_dt.datetime]:
        return parse_time(self.started_at)

    @property
    def completed(self) -> Optional[_dt.datetime]:
        return parse_time(self.completed_at)

    @property
    def queue_time_sec(self) -> Optional[float]:
        """Seconds from submission to start, when both are known."""
        a, b = self.submitted, self.started
        if a and b:
            return max(0.0, (b - a).total_seconds())
        return None

    def _execution_time(self) -> Optional[float]:
        # Computed once, by the core, for every language (the job document's execution_time_sec).
        value = _num(self.raw.get("execution_time_sec"))
        return float(value) if value is not None else None

    def __getstate__(self) -> Dict[str, Any]:  # a client (a C handle) does not pickle
        state = dict(self.__dict__)
        state.pop("_client", None)
        return state

    # -- actions (need the client that produced the job) ---------------------

    def _need_client(self) -> "DC1Client":
        if self._client is None:
            raise RuntimeError("this Job is not bound to a client")
        return self._client

    def refresh(self) -> "Job":
        """Fetches the job again (``jobs.get``) and returns the new Job."""
        return self._need_client().jobs.get(self.id)

    def wait(self, timeout: float = 300, poll_interval: float = 5, **kwargs: Any) -> "Job":
        """``jobs.wait(self.id, …)``."""
        return self._need_client().jobs.wait(self.id, timeout=timeout,
                                             poll_interval=poll_interval, **kwargs)

    def cancel(self) -> Dict[str, Any]:
        """``jobs.cancel(self.id)``."""
        return self._need_client().jobs.cancel(self.id)

    def logs(self, since: Optional[int] = None, limit: int = 200) -> List[Dict[str, Any]]:
        """``jobs.get_logs(self.id, …)``: the log lines."""
        return self._need_client().jobs.get_logs(self.id, since=since, limit=limit)

    def iter_logs(self, **kwargs: Any) -> Iterator[Dict[str, Any]]:
        """``jobs.iter_logs(self.id, …)``: follows the log until the job ends."""
        return self._need_client().jobs.iter_logs(self.id, **kwargs)

    def save_image(self, path: Any) -> Dict[str, Any]:
        """Writes the decoded image of a completed image job to ``path``
        (``dc1_job_save_image``). Returns ``{"path","bytes","width","height",
        "format","truncated"}``."""
        return self._need_client().jobs.save_image(self.id, path)

    def raise_for_status(self) -> "Job":
        """Raises :class:`JobFailedError` / :class:`JobCancelledError` for a
        failed or cancelled job; returns self otherwise."""
        from .errors import JobCancelledError, JobFailedError

        cls: "type[JobFailedError]"
        outcome = self.raw.get("outcome")  # the core's reading of the status
        if outcome == "cancelled":
            cls = JobCancelledError
        elif outcome == "failed":
            cls = JobFailedError
        else:
            return self
        message = f"Job {self.id} {self.status}: {self.error or 'no reason given'}"
        doc: Dict[str, Any] = {
            "code": cls.default_code,
            "message": message,
            "body": {"job_id": self.id, "status": self.status, "error": self.error,
                     "refunded": bool(self.raw.get("refunded_at") or self.raw.get("refunded"))},
            "job": self.raw,
        }
        raise cls(message, document=doc)


@dataclass
class Endpoint:
    """A serving ``vllm_serve`` job (``jobs.wait_ready``).

    ``base_url`` is OpenAI-compatible: ``openai.OpenAI(base_url=ep.base_url,
    api_key=ep.api_key)`` or plain HTTP to ``ep.chat_completions_url``. The
    provider's server needs no DCP key; ``api_key`` is a placeholder."""

    job: Job
    endpoint_url: str
    base_url: str
    model: Optional[str] = None
    api_key: str = "not-needed"

    @property
    def job_id(self) -> str:
        return self.job.id

    @property
    def chat_completions_url(self) -> str:
        return self.base_url + "/chat/completions"

    @property
    def models_url(self) -> str:
        return self.base_url + "/models"

    def openai_kwargs(self) -> Dict[str, str]:
        """``{'base_url', 'api_key'}`` for ``openai.OpenAI(**ep.openai_kwargs())``."""
        return {"base_url": self.base_url, "api_key": self.api_key}


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

# Leading bytes of the image formats libdc1 accepts (PNG, JPEG, WebP).
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"


def _sniff(data: builtins.bytes) -> Optional[str]:
    if data.startswith(_PNG_MAGIC):
        return "png"
    if data.startswith(_JPEG_MAGIC):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


class Output(Dict[str, Any]):
    """A job's normalised output document (``jobs.output()``, ``job.result``,
    ``job.output``; the shape of ``dc1_job_output``). It is a ``dict`` — read
    ``out["kind"]``, ``out["text"]`` … as before — with helpers for images.

    An image output (``kind == "image"``) shows itself in Jupyter/IPython:
    ``_repr_png_`` / ``_repr_jpeg_`` by its format (``_repr_html_``, an ``<img>``
    with a data URI, for WebP), ``.bytes`` is the decoded image and
    ``.save(path)`` writes it. All of them use the base64 the document already
    holds: none makes a request. (To fetch and write a large image without
    holding it in memory, use ``client.jobs.save_image``.)"""

    @property
    def kind(self) -> str:
        """text, image, endpoint, json, raw or empty."""
        return str(self.get("kind") or "raw")

    @property
    def is_image(self) -> bool:
        return self.kind == "image" and (isinstance(self.get("image_base64"), str)
                                         or isinstance(self.get("saved_path"), str))

    @property
    def bytes(self) -> builtins.bytes:
        """The decoded image (from ``image_base64``, or the file ``saved_path`` of a
        batch that saved it). ValueError for an output that holds no image."""
        cached = self.__dict__.get("_image")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        encoded = self.get("image_base64")
        if isinstance(encoded, str):
            if encoded.startswith("data:") and "," in encoded:
                encoded = encoded.split(",", 1)[1]  # a data URI: keep the base64 part
            try:
                data = base64.b64decode(encoded)
            except (binascii.Error, ValueError) as exc:
                raise ValueError(f"the output's image_base64 is not valid base64: {exc}") from None
        elif isinstance(self.get("saved_path"), str):
            with open(self["saved_path"], "rb") as fh:
                data = fh.read()
        else:
            raise ValueError(f"this output is of kind {self.kind!r} and holds no image")
        self.__dict__["_image"] = data
        return data

    @property
    def image_format(self) -> Optional[str]:
        """"png", "jpeg" or "webp" (read from the image's first bytes, else the document's
        ``format``); None when the output holds no image."""
        if not self.is_image:
            return None
        found = _sniff(self.bytes)
        if found is not None:
            return found
        fmt = self.get("format")
        return str(fmt).lower().replace("jpg", "jpeg") if fmt else None

    def save(self, path: Union[str, "os.PathLike[str]"]) -> str:
        """Writes :attr:`bytes` to ``path`` (through a temporary file in the same
        folder, renamed once complete) and returns the path written."""
        data = self.bytes
        target = os.fspath(path)
        folder = os.path.dirname(os.path.abspath(target))
        fd, tmp = tempfile.mkstemp(prefix=".dc1-image-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return target

    def _image_as(self, fmt: str) -> Optional[builtins.bytes]:
        try:
            return self.bytes if self.image_format == fmt else None
        except (OSError, ValueError):
            return None

    def _repr_png_(self) -> Optional[builtins.bytes]:
        """IPython/Jupyter: the image, when it is a PNG."""
        return self._image_as("png")

    def _repr_jpeg_(self) -> Optional[builtins.bytes]:
        """IPython/Jupyter: the image, when it is a JPEG."""
        return self._image_as("jpeg")

    def _repr_html_(self) -> Optional[str]:
        """IPython/Jupyter: an ``<img>`` for the other formats (WebP); None otherwise."""
        fmt = self.image_format if self.is_image else None
        if fmt is None or fmt in ("png", "jpeg"):
            return None
        try:
            data = base64.b64encode(self.bytes).decode("ascii")
        except (OSError, ValueError):
            return None
        return f'<img src="data:image/{fmt};base64,{data}" alt="job {self.get("job_id", "")}"/>'

    def __repr__(self) -> str:
        if self.is_image:
            size = self.get("image_bytes")
            return (f"<Output image {self.get('format') or '?'} {self.get('width')}x{self.get('height')}"
                    f"{f' {size} bytes' if size else ''} job={self.get('job_id')!r}>")
        return f"Output({dict.__repr__(self)})"


# ---------------------------------------------------------------------------
# Usage
# ---------------------------------------------------------------------------


class Usage(Dict[str, Any]):
    """The renter's spending (``catalogue.usage()``, the document of ``dc1_usage``): a
    ``dict`` with ``all_time``, ``monthly``, ``last_30_days``, ``v1``, balances."""

    def to_dataframe(self, period: str = "daily") -> Any:
        """The spending series as a pandas DataFrame, oldest first, indexed by date:
        ``period="daily"`` (the last 30 days, index ``date``) or ``"monthly"`` (up to 12
        months, index ``month``); columns ``jobs``, ``total_halala``, ``total_sar``.
        Needs pandas (``pip install pandas``, or ``"dc1[dataframe]"``)."""
        if period in ("daily", "last_30_days"):
            rows, key, fmt = self.get("last_30_days"), "date", "%Y-%m-%d"
        elif period == "monthly":
            rows, key, fmt = self.get("monthly"), "month", "%Y-%m"
        else:
            raise ValueError(f"period must be 'daily' or 'monthly', not {period!r}")
        try:
            pandas = importlib.import_module("pandas")  # optional: dc1[dataframe]
        except ImportError:
            raise ImportError(
                "usage().to_dataframe() needs pandas, which is not installed: "
                "pip install pandas (or pip install \"dc1[dataframe]\")") from None
        columns = [key, "jobs", "total_halala", "total_sar"]
        records = [{c: r.get(c) for c in columns} for r in rows or [] if isinstance(r, dict)]
        frame = pandas.DataFrame(records, columns=columns)
        frame[key] = pandas.to_datetime(frame[key], format=fmt)
        return frame.sort_values(key).set_index(key)
