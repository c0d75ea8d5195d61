"""AsyncDC1Client: the asyncio face of :class:`dc1.DC1Client`.

Every blocking libdc1 call runs in a thread pool owned by the client (ctypes
releases the GIL, so they run in parallel and the event loop never blocks).
Each awaited call binds a ``dc1_stop`` to its worker thread; cancelling the
awaiting task triggers it, so the C call ends within a poll slice — a request,
a wait, a stream, a chat or a batch alike — and nothing keeps polling the
server.

    async with dc1.AsyncDC1Client() as client:
        job = await client.jobs.submit("llm_inference", {"prompt": "Hi"},
                                       duration_minutes=2)
        done = await client.jobs.wait(job.id, poll_interval=1)
        print(done.result["output"])

Jobs returned here are ordinary :class:`dc1.Job` objects; their convenience
methods (``job.refresh()``, ``job.save_image()``…) are the blocking ones —
from async code use ``client.jobs.…`` instead.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator, Callable, Dict, List, Optional, TypeVar

from . import _lib
from .batch import AsyncBatchResource
from .catalogue import AsyncCatalogueResource
from .client import DC1Client, JobsResource, _job_id, _LogFollow
from .models import Balance, Endpoint, Job, Output, Provider

__all__ = ["AsyncDC1Client"]

T = TypeVar("T")


class AsyncDC1Client:
    """``AsyncDC1Client(api_key=None, base_url=None, timeout=30, *,
    max_workers=16, **options)`` — same options as :class:`DC1Client`.
    ``max_workers`` bounds the threads running libdc1 calls at once."""

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = 30,
        *,
        max_workers: int = 16,
        **options: Any,
    ) -> None:
        self.sync = DC1Client(api_key, base_url, timeout, **options)
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="dc1")
        self._closed = False
        self.jobs = AsyncJobsResource(self)
        self.providers = AsyncProvidersResource(self)
        self.wallet = AsyncWalletResource(self)
        self.webhooks = AsyncWebhooksResource(self)
        self.catalogue = AsyncCatalogueResource(self)
        self.batch = AsyncBatchResource(self)

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs a blocking call of the sync client on a worker thread, with a dc1_stop of
        its own bound to that thread: cancelling the awaiting task triggers it, so the C
        call (whatever it is: a request, a wait, a stream, a chat, a batch) returns within
        a 25 ms poll slice and makes no further request."""
        loop = asyncio.get_running_loop()
        stop = _lib.Stop()

        def work() -> T:
            with _lib.bound(stop):
                return fn(*args, **kwargs)

        try:
            return await loop.run_in_executor(self._executor, work)
        except asyncio.CancelledError:
            stop.trigger()
            raise

    @property
    def base_url(self) -> str:
        return self.sync.base_url

    @property
    def config(self) -> Dict[str, Any]:
        """See :attr:`DC1Client.config` (no I/O)."""
        return self.sync.config

    async def request(self, method: str, path: str, body: Any = None) -> Dict[str, Any]:
        """See :meth:`DC1Client.request`."""
        return await self._run(self.sync.request, method, path, body)

    async def me(self) -> Dict[str, Any]:
        return await self._run(self.sync.me)

    async def chat(self, messages: List[Dict[str, Any]], **kwargs: Any) -> Dict[str, Any]:
        """See :meth:`DC1Client.chat`. ``on_token`` runs on a worker thread:
        use ``loop.call_soon_threadsafe`` to touch loop objects from it."""
        return await self._run(self.sync.chat, messages, **kwargs)

    def interrupt(self) -> None:
        """Ends every libdc1 call running on this client (it does not block)."""
        self.sync.interrupt()

    async def close(self, *, interrupt: bool = False) -> None:
        """Closes the client: waits for (or interrupts) running calls, frees
        the C client and shuts the thread pool down. Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        await self._run(self.sync.close, interrupt=interrupt)
        self._executor.shutdown(wait=False)

    aclose = close

    async def __aenter__(self) -> "AsyncDC1Client":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


class _AsyncResource:
    def __init__(self, client: AsyncDC1Client) -> None:
        self._client = client


class AsyncProvidersResource(_AsyncResource):
    async def list(self, **filters: Any) -> List[Provider]:
        return await self._client._run(self._client.sync.providers.list, **filters)

    async def get(self, provider_id: int) -> Provider:
        return await self._client._run(self._client.sync.providers.get, provider_id)


class AsyncWalletResource(_AsyncResource):
    async def balance(self) -> Balance:
        return await self._client._run(self._client.sync.wallet.balance)

    async def me(self) -> Dict[str, Any]:
        return await self._client._run(self._client.sync.wallet.me)


class AsyncWebhooksResource(_AsyncResource):
    async def set_url(self, url: Optional[str]) -> Dict[str, Any]:
        return await self._client._run(self._client.sync.webhooks.set_url, url)

    async def list(self) -> List[Dict[str, Any]]:
        return await self._client._run(self._client.sync.webhooks.list)

    async def register(self, url: str, secret: str,
                       events: Optional[List[str]] = None) -> Dict[str, Any]:
        return await self._client._run(self._client.sync.webhooks.register, url, secret, events)

    async def delete(self, webhook_id: Any) -> Dict[str, Any]:
        return await self._client._run(self._client.sync.webhooks.delete, webhook_id)


class AsyncJobsResource(_AsyncResource):
    @property
    def _sync(self) -> "JobsResource":
        return self._client.sync.jobs

    async def submit(self, job_type: str, params: Optional[Dict[str, Any]] = None,
                     **kwargs: Any) -> Job:
        return await self._client._run(self._sync.submit, job_type, params, **kwargs)

    async def get(self, job_id: Any) -> Job:
        return await self._client._run(self._sync.get, job_id)

    async def status(self, job_id: Any) -> Dict[str, Any]:
        return await self._client._run(self._sync.status, job_id)

    async def output(self, job_id: Any) -> Output:
        return await self._client._run(self._sync.output, job_id)

    async def list(self, limit: int = 20) -> List[Job]:
        return await self._client._run(self._sync.list, limit)

    async def history(self, limit: int = 20) -> Dict[str, Any]:
        return await self._client._run(self._sync.history, limit)

    async def cancel(self, job_id: Any) -> Dict[str, Any]:
        return await self._client._run(self._sync.cancel, job_id)

    async def get_logs(self, job_id: Any, since: Optional[int] = None,
                       limit: int = 200) -> List[Dict[str, Any]]:
        return await self._client._run(self._sync.get_logs, job_id, since, limit)

    async def get_logs_page(self, job_id: Any, since: Optional[int] = None,
                            limit: int = 200) -> Dict[str, Any]:
        return await self._client._run(self._sync.get_logs_page, job_id, since, limit)

    async def save_image(self, job_id: Any, path: Any) -> Dict[str, Any]:
        return await self._client._run(self._sync.save_image, job_id, path)

    async def stream_logs(self, job_id: Any, on_line: Any = None, **kwargs: Any) -> Dict[str, Any]:
        """See :meth:`dc1.client.JobsResource.stream_logs`; ``on_line`` runs on a
        worker thread."""
        return await self._client._run(self._sync.stream_logs, job_id, on_line, **kwargs)

    async def stream_status(self, job_id: Any, on_event: Any = None,
                            **kwargs: Any) -> Dict[str, Any]:
        """See :meth:`dc1.client.JobsResource.stream_status`; ``on_event`` runs on a
        worker thread."""
        return await self._client._run(self._sync.stream_status, job_id, on_event, **kwargs)

    async def watch(self, job_id: Any, on_event: Any = None, **kwargs: Any) -> Dict[str, Any]:
        """See :meth:`dc1.client.JobsResource.watch`; ``on_event`` runs on a worker
        thread. Cancelling the task ends the underlying call."""
        return await self._client._run(self._sync.watch, job_id, on_event, **kwargs)

    async def wait(self, job_id: Any, timeout: float = 300, poll_interval: float = 5, *,
                   max_poll_interval: Optional[float] = None, cancel_on_timeout: bool = False,
                   ready: Optional[bool] = None, on_event: Any = None,
                   progress: bool = False) -> Job:
        """See :meth:`dc1.client.JobsResource.wait` (the same core watch, on a worker
        thread). Cancelling the task ends the underlying call."""
        return await self._client._run(self._sync.wait, job_id, timeout, poll_interval,
                                       max_poll_interval=max_poll_interval,
                                       cancel_on_timeout=cancel_on_timeout, ready=ready,
                                       on_event=on_event, progress=progress)

    async def wait_ready(self, job_id: Any, timeout: float = 600, poll_interval: float = 2, *,
                         max_poll_interval: Optional[float] = None,
                         cancel_on_timeout: bool = False, on_event: Any = None,
                         progress: bool = False) -> Endpoint:
        """See :meth:`dc1.client.JobsResource.wait_ready`."""
        return await self._client._run(self._sync.wait_ready, job_id, timeout, poll_interval,
                                       max_poll_interval=max_poll_interval,
                                       cancel_on_timeout=cancel_on_timeout, on_event=on_event,
                                       progress=progress)

    async def run(self, job_type: str, params: Optional[Dict[str, Any]] = None, *,
                  duration_minutes: float, timeout: float = 300, poll_interval: float = 2,
                  **submit_kwargs: Any) -> Job:
        """See :meth:`dc1.client.JobsResource.run`."""
        job = await self.submit(job_type, params, duration_minutes=duration_minutes,
                                **submit_kwargs)
        done = await self.wait(job.id, timeout=timeout, poll_interval=poll_interval, ready=False)
        return done.raise_for_status()

    async def iter_logs(self, job_id: Any, *, since: int = 0, poll_interval: float = 1.0,
                        timeout: Optional[float] = None,
                        limit: int = 200) -> AsyncIterator[Dict[str, Any]]:
        """Async version of :meth:`dc1.client.JobsResource.iter_logs`: the same core
        follower on a helper thread; leaving the loop or cancelling the task ends it."""
        del limit
        follow = _LogFollow(self._sync, _job_id(job_id), since, poll_interval, timeout)
        follow.start()
        loop = asyncio.get_running_loop()
        try:
            while True:
                got = follow.item(await loop.run_in_executor(self._client._executor, follow.queue.get))
                if got is follow._END:
                    return
                yield got
        finally:
            follow.stop()
