"""``client.catalogue``: what can run on DC1 and what it costs.

    with dc1.DC1Client() as client:
        for m in client.catalogue.models(cached_only=True):
            print(m["model_id"], m["price_halala_per_min"], [p["name"] for p in m["live_providers"]])
        images = client.catalogue.images()          # submit now refuses unapproved images locally
        q = client.catalogue.quote("llm_inference", minutes=5)
        print(q["cost_halala"], q["cost_sar"])
        job = client.catalogue.submit_template("llama3-8b", duration_minutes=5,
                                               params={"prompt": "Hi"})

Every method is one libdc1 call (``dc1_models_list``, ``dc1_images_list``, …; see
include/dc1.h for the shapes); results are plain dicts and lists. Money is
``*_halala`` integers beside ``*_sar`` numbers.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional


from .models import Usage

if TYPE_CHECKING:  # pragma: no cover
    from .aio import AsyncDC1Client
    from .client import DC1Client
    from .models import Job

__all__ = ["CatalogueResource", "AsyncCatalogueResource"]


def _drop_none(**kw: Any) -> Dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


class CatalogueResource:
    """``client.catalogue``."""

    def __init__(self, client: "DC1Client") -> None:
        self._client = client

    def _call(self, fn_name: str, *args: Any) -> Dict[str, Any]:
        return self._client._call(fn_name, *args)

    # -- models, images, templates -------------------------------------------------

    def models(
        self,
        *,
        arabic: Optional[bool] = None,
        min_vram_gb: Optional[int] = None,
        category: Optional[str] = None,
        tier: Optional[str] = None,
        providers: Optional[bool] = None,
        cached_only: Optional[bool] = None,
    ) -> List[Dict[str, Any]]:
        """``GET /api/models`` joined with the live providers that cache each model
        (``live_providers``, ``live_provider_count``; ``providers=False`` skips that
        second request). Each model has ``price_halala_per_min``, ``price_sar_per_min``
        and ``price_sar_per_hour``. ``arabic``, ``min_vram_gb`` (models that fit),
        ``category`` (llm, embedding, image, training) and ``tier`` filter on the server;
        ``cached_only`` keeps models some live provider caches."""
        filt = _drop_none(arabic=arabic, min_vram_gb=min_vram_gb, category=category, tier=tier,
                          providers=providers, cached_only=cached_only)
        return self._call("dc1_models_list", filt or None).get("models") or []

    def model(self, model_id: str) -> Dict[str, Any]:
        """``GET /api/models/{model_id}``: the full entry (availability, pricing,
        benchmark). :class:`NotFoundError` for an unknown model."""
        model: Dict[str, Any] = self._call("dc1_model_get", model_id)["model"]
        return model

    def images(self) -> List[Dict[str, Any]]:
        """``GET /api/containers/registry``: the approved images
        (``image_ref``, ``image_type``, ``source``…). The client remembers them: from
        then on a submit naming another image fails locally with
        :class:`ValidationError` (``error_code`` IMAGE_NOT_APPROVED), nothing sent."""
        return self._call("dc1_images_list").get("images") or []

    def templates(self, *, tag: Optional[str] = None) -> List[Dict[str, Any]]:
        """``GET /api/templates``, optionally by ``tag``; each with
        ``estimated_price_halala_per_hour``."""
        return self._call("dc1_templates_list", _drop_none(tag=tag) or None).get("templates") or []

    def template_request(self, template_id: str, *, duration_minutes: float,
                         params: Optional[Dict[str, Any]] = None, **overrides: Any) -> Dict[str, Any]:
        """A submit request built from a template (``dc1_template_request``):
        ``{"request": {...}, "template": {...}, "dropped_params": [...]}``. Nothing is
        submitted. ``params`` are merged over the template's; ``overrides`` take any
        other submit field (``pricing_class``, ``provider_id``, ``priority``…)."""
        body = _drop_none(duration_minutes=duration_minutes, params=params, **overrides)
        return self._call("dc1_template_request", template_id, body)

    def submit_template(self, template_id: str, *, duration_minutes: float,
                        params: Optional[Dict[str, Any]] = None, **overrides: Any) -> "Job":
        """Builds the request from the template, then ``client.jobs.submit`` s it."""
        req = dict(self.template_request(template_id, duration_minutes=duration_minutes,
                                         params=params, **overrides)["request"])
        job_type = req.pop("job_type")
        job_params = req.pop("params", {})
        minutes = req.pop("duration_minutes")
        return self._client.jobs.submit(job_type, job_params, duration_minutes=minutes,
                                        priority=req.pop("priority", None), **req)

    # -- money -----------------------------------------------------------------------

    def quote(self, job_type: str, minutes: float, *, pricing_class: Optional[str] = None,
              gpu_model: Optional[str] = None, provider_id: Optional[int] = None,
              gpu_requirements: Optional[Dict[str, Any]] = None,
              placement: Optional[str] = None) -> Dict[str, Any]:
        """What submit will hold (prepay) for this job (``dc1_quote``): ``cost_halala``,
        ``cost_sar``, ``cost_usd`` and ``basis``: "provider" (``provider_id``: exact), "gpu"
        (``gpu_model``: exact), "auto" (the default, as submit routes: ``min_cost_halala`` to
        ``max_cost_halala`` over the live GPUs in ``options``, ``global_queue_cost_halala`` if
        queued globally; ``cost_halala`` is the most it can hold) or "job_type"
        (``placement="global_queue"``: computed locally, no request)."""
        return self._call("dc1_quote", _drop_none(job_type=job_type, duration_minutes=minutes,
                                                  pricing_class=pricing_class, gpu_model=gpu_model,
                                                  provider_id=provider_id, gpu_requirements=gpu_requirements,
                                                  placement=placement))

    def usage(self) -> Usage:
        """The renter's spending (``dc1_usage``) as a :class:`dc1.Usage` (a dict):
        ``all_time``, ``monthly``, ``last_30_days`` (completed jobs), ``v1`` token usage,
        balance; ``.to_dataframe()`` turns a series into a pandas DataFrame."""
        return Usage(self._call("dc1_usage"))

    # -- lifecycle ---------------------------------------------------------------------

    def lifecycle(self, job_id: Any, *, since_sequence: Optional[int] = None, limit: Optional[int] = None,
                  event_type: Optional[str] = None, status: Optional[str] = None,
                  error_category: Optional[str] = None) -> Dict[str, Any]:
        """``GET /api/jobs/{id}/lifecycle``: ``{"events": [...], "has_more",
        "next_since_sequence", …}``."""
        opts = _drop_none(since_sequence=since_sequence, limit=limit, event_type=event_type,
                          status=status, error_category=error_category)
        return self._call("dc1_job_lifecycle", str(job_id), opts or None)

    def stream_lifecycle(self, job_id: Any, on_event: Optional[Callable[[Dict[str, Any]], Any]] = None, *,
                         since_sequence: int = 0, timeout: Optional[float] = None,
                         idle_timeout: Optional[float] = None,
                         max_reconnects: Optional[int] = None) -> Dict[str, Any]:
        """Follows ``/api/jobs/{id}/lifecycle/stream`` until its end event; each event
        reaches ``on_event`` (with ``event``: its type, or "end"); return False to stop.
        Returns ``{"job_id","events","last_sequence","reconnects","ended","status"}``."""
        from .client import JobsResource  # noqa: PLC0415 - client.py imports this module

        opts = JobsResource._stream_options(None, timeout, idle_timeout, max_reconnects)  # tick_ms too
        opts["since"] = since_sequence
        return self._client._call_events("dc1_job_lifecycle_stream", [str(job_id), opts], on_event)


class AsyncCatalogueResource:
    """``AsyncDC1Client.catalogue``: the same methods, awaited (each runs the
    blocking call in the client's thread pool)."""

    def __init__(self, client: "AsyncDC1Client") -> None:
        self._client = client

    @property
    def _sync(self) -> CatalogueResource:
        return self._client.sync.catalogue

    async def models(self, **filters: Any) -> List[Dict[str, Any]]:
        """See :meth:`CatalogueResource.models`."""
        return await self._client._run(self._sync.models, **filters)

    async def model(self, model_id: str) -> Dict[str, Any]:
        return await self._client._run(self._sync.model, model_id)

    async def images(self) -> List[Dict[str, Any]]:
        return await self._client._run(self._sync.images)

    async def templates(self, *, tag: Optional[str] = None) -> List[Dict[str, Any]]:
        return await self._client._run(self._sync.templates, tag=tag)

    async def template_request(self, template_id: str, **kwargs: Any) -> Dict[str, Any]:
        return await self._client._run(self._sync.template_request, template_id, **kwargs)

    async def submit_template(self, template_id: str, **kwargs: Any) -> "Job":
        return await self._client._run(self._sync.submit_template, template_id, **kwargs)

    async def quote(self, job_type: str, minutes: float, **kwargs: Any) -> Dict[str, Any]:
        return await self._client._run(self._sync.quote, job_type, minutes, **kwargs)

    async def usage(self) -> Usage:
        return await self._client._run(self._sync.usage)

    async def lifecycle(self, job_id: Any, **kwargs: Any) -> Dict[str, Any]:
        return await self._client._run(self._sync.lifecycle, job_id, **kwargs)

    async def stream_lifecycle(self, job_id: Any, on_event: Optional[Callable[[Dict[str, Any]], Any]] = None,
                               **kwargs: Any) -> Dict[str, Any]:
        """``on_event`` runs on a worker thread."""
        return await self._client._run(self._sync.stream_lifecycle, job_id, on_event, **kwargs)
