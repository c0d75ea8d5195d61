"""The guide's process_batch.py, run by libdc1's batch runner.

The guide loops over prompts: submit, poll, collect — one after another, and a crash
half-way leaves you not knowing which prompts were paid for. ``client.batch.run``
does the same work at the server's limits (20 submits/min per key), with a few jobs
in flight, a journal that makes a re-run resume instead of paying twice, and one
result per prompt.

    DC1_API_KEY=… python examples/python/batch.py [WORKDIR]     (default demo-output/batch)

Run it again with the same WORKDIR after Ctrl-C or a crash: finished prompts are
not touched, running jobs are waited on, nothing is submitted twice.
"""
import os
import sys

import dc1

PROMPTS = [
    "Summarize the Saudi Vision 2030 in one paragraph",
    "What is the difference between Llama and Mistral 7B?",
    "Write Python code to parse JSON from a REST API",
    "Explain GPU memory bandwidth to a new engineer",
    "Give three tips for writing good prompts",
]


def requests():
    for i, prompt in enumerate(PROMPTS, 1):
        yield {
            "id": f"prompt-{i}",
            "job_type": "llm_inference",
            "duration_minutes": 5,
            "params": {"model": "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "prompt": prompt, "max_tokens": 256},
        }


def show(event):
    if event["type"] == "line" and event["status"] in ("completed", "failed", "invalid"):
        print(f"  line {event['line']} ({event.get('id')}): {event['status']}")
    return True  # False would stop the batch (the journal stays consistent)


def main() -> int:
    work = sys.argv[1] if len(sys.argv) > 1 else os.path.join("demo-output", "batch")
    os.makedirs(work, exist_ok=True)
    with dc1.DC1Client() as client:
        try:
            results = client.batch.run(
                requests(),
                out=os.path.join(work, "results.jsonl"),
                journal=os.path.join(work, "journal.jsonl"),
                concurrency=3,
                max_attempts=2,
                on_event=show,
            )
        except dc1.QuotaExceededError as exc:
            print(f"quota reached: {exc}; run again later to continue", file=sys.stderr)
            return 2
        except dc1.DC1Error as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    for r in results:
        if r["status"] == "completed":
            print(f"✓ {r['id']} [{r['output'].get('tokens_generated')} tokens, {r['cost_sar']:.2f} SAR] "
                  f"{r['output']['text'][:80]}")
        else:
            print(f"✗ {r.get('id')}: {r['status']}: {(r.get('error') or {}).get('message', '')}")
    s = results.summary
    print(f"{s['completed']}/{s['lines']} prompts done, {s['attempts']} jobs, spent {s['spent_sar']:.2f} SAR")
    return 0 if results.all_completed else 1


if __name__ == "__main__":
    sys.exit(main())
