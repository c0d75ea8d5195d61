"""Custom container: run your own Python on a DC1 GPU and get structured output.

The script prints one last line "DC1_RESULT_JSON:{…}"; libdc1 parses it into
job.result["result_json"]. Mind the server's input sanitiser: it deletes
every "<…>" span and trims strings, so avoid "<" / ">" comparisons in the
script (libdc1 logs a warning when it sees them).

    DC1_API_KEY=… python examples/python/custom_container.py
"""
import json
import sys

import dc1

# The server trims strings: strip the script so libdc1 has nothing to warn about.
SCRIPT = """
import json
try:
    import torch
    cuda = torch.cuda.is_available()
    gpu = torch.cuda.get_device_name(0) if cuda else "none"
    x = torch.randn(1024, 1024, device="cuda" if cuda else "cpu")
    shape = list(torch.mm(x, x).shape)
except ImportError:
    cuda, gpu, shape = False, "none", [1024, 1024]
print(f"CUDA available: {cuda}")
print("DC1_RESULT_JSON:" + json.dumps({"matmul_shape": shape, "gpu": gpu, "cuda": cuda}))
""".strip()


def main() -> int:
    with dc1.DC1Client() as client:
        job = client.jobs.submit(
            "custom_container",
            {"image_override": "dc1/general-worker:latest", "script": SCRIPT},
            duration_minutes=10,
        )
        print(f"Job: {job.id}")
        for line in client.jobs.iter_logs(job.id, poll_interval=2, timeout=900):
            print(f"  [{line.get('level')}] {line.get('message')}")
        done = client.jobs.get(job.id)
        if done.status != "completed":
            print(f"Job {done.status}: {done.error}", file=sys.stderr)
            return 1
        print(f"Output kind: {done.result_type}")
        if done.result_type == "json":
            print(json.dumps(done.result["result_json"], indent=2))
        else:
            print(done.result.get("output"))
        return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except dc1.DC1Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
