"""Helpers shared by the CLI tests."""
from __future__ import annotations

import socket
import time

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def submit_json(dc1, *args: str) -> str:
    """Submits with --json and returns the job id."""
    r = dc1("--json", "submit", *args)
    assert r.rc == 0, r
    return r.json()["job"]["job_id"]


def wait_status(dc1, job_id: str, wanted, timeout: float = 10.0) -> dict:
    """Polls `status --json` until the job's status is in `wanted`."""
    deadline = time.time() + timeout
    while True:
        r = dc1("--json", "status", job_id)
        assert r.rc == 0, r
        doc = r.json()
        if doc["status"] in wanted:
            return doc
        assert time.time() < deadline, f"job {job_id} stayed {doc['status']}"
        time.sleep(0.1)


def slow_job(dc1) -> str:
    """A running job that holds for 20 s (the emulator's SLOW marker); cancel it after use."""
    job_id = submit_json(dc1, "llm_inference", "--prompt", "SLOW job for the CLI tests", "--duration", "1")
    wait_status(dc1, job_id, {"running"})
    return job_id


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
