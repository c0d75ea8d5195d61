"""Quickstart: balance → find a GPU → run an LLM job → read the answer.

    export DC1_API_KEY=dcp-renter-…          # your renter key
    export DC1_BASE_URL=https://api.dcp.sa   # optional
    python examples/python/quickstart.py
"""
import sys

import dc1


def main() -> int:
    with dc1.DC1Client() as client:                      # DC1_API_KEY, DC1_BASE_URL
        balance = client.wallet.balance()
        print(f"Balance: {balance.balance_sar:.2f} SAR")

        live = client.providers.list(live=True)
        if not live:
            print("No live provider right now; the job will be queued for the next one.")
        else:
            print(f"Using provider: {live[0].name} ({live[0].gpu_model}, {live[0].vram_gb} GB)")

        job = client.jobs.submit(
            "llm_inference",
            {
                "model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
                "prompt": "Write a haiku about desert computing",
                "max_tokens": 128,
                "temperature": 0.8,
            },
            provider_id=live[0].id if live else None,
            duration_minutes=5,
        )
        print(f"Job submitted: {job.id} (cost: {job.cost_halala} halala)")

        done = client.jobs.wait(job.id, timeout=600, poll_interval=2)
        print(f"Status: {done.status}")
        if done.status != "completed":
            print(f"Job {done.status}: {done.error}", file=sys.stderr)
            return 1
        print("\nResult:")
        print(done.result["output"])
        if done.actual_cost_halala is not None:
            print(f"\nActual cost: {done.actual_cost_halala} halala")
        return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except dc1.DC1Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
