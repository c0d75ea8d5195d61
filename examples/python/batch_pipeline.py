"""Batch pipeline: run many prompts concurrently with one shared client.

One DC1Client is safe across threads (libdc1 gives each call its own
connection and ctypes releases the GIL during calls), so a thread pool submits
and waits for every prompt at once instead of one after another.

    DC1_API_KEY=… python examples/python/batch_pipeline.py
"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import dc1

PROMPTS = [
    "Summarize the Saudi Vision 2030 in one paragraph",
    "What is the difference between Llama and Mistral 7B?",
    "Write Python code to parse JSON from a REST API",
    "Explain GPU memory bandwidth to a new engineer",
    "Give three tips for writing good prompts",
]


def run_one(client: dc1.DC1Client, prompt: str) -> dc1.Job:
    job = client.jobs.submit(
        "llm_inference",
        {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "prompt": prompt, "max_tokens": 256},
        duration_minutes=5,
    )
    return client.jobs.wait(job.id, timeout=600, poll_interval=2)


def main() -> int:
    started = time.monotonic()
    failures = 0
    with dc1.DC1Client() as client, ThreadPoolExecutor(max_workers=len(PROMPTS)) as pool:
        futures = {pool.submit(run_one, client, p): p for p in PROMPTS}
        for future in as_completed(futures):
            prompt = futures[future]
            try:
                job = future.result()
            except dc1.DC1Error as exc:
                failures += 1
                print(f"✗ {prompt[:40]}…: {exc}")
                continue
            if job.status == "completed":
                tokens = job.result.get("tokens_generated")
                print(f"✓ [{tokens} tokens] {prompt[:40]}…")
                print(f"    {job.result['output'][:200]}")
            else:
                failures += 1
                print(f"✗ {prompt[:40]}…: {job.status}: {job.error}")
        balance = client.wallet.balance()
    print(f"\n{len(PROMPTS) - failures}/{len(PROMPTS)} prompts done in "
          f"{time.monotonic() - started:.1f}s; balance {balance.balance_sar:.2f} SAR")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except dc1.DC1Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
