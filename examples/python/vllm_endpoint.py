"""vLLM endpoint: start an OpenAI-compatible server on a DC1 GPU and call it.

The job stays "running" while it serves; jobs.wait_ready() returns as soon as
the endpoint is up. The endpoint is the provider's own vLLM server: plain
HTTP (urllib here; openai.OpenAI(base_url=ep.base_url, api_key=ep.api_key)
works the same), no DC1 key needed. The job is cancelled at the end so it
stops billing.

    DC1_API_KEY=… python examples/python/vllm_endpoint.py
"""
import json
import sys
import urllib.request

import dc1

MODEL = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"


def chat(base_url: str, question: str) -> str:
    body = json.dumps({
        "model": MODEL,
        "messages": [{"role": "user", "content": question}],
        "max_tokens": 200,
    }).encode()
    req = urllib.request.Request(base_url + "/chat/completions", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        answer = json.loads(resp.read().decode())
    return answer["choices"][0]["message"]["content"]


def main() -> int:
    with dc1.DC1Client() as client:
        providers = client.providers.list(live=True, min_vram_gb=16)
        job = client.jobs.submit(
            "vllm_serve",
            {"model": MODEL, "max_model_len": 4096, "dtype": "float16"},
            provider_id=providers[0].id if providers else None,
            duration_minutes=30,  # also the runtime budget: the server is stopped after it
        )
        print(f"Job submitted: {job.id}")
        try:
            ep = client.jobs.wait_ready(job.id, timeout=900, poll_interval=2)
            print(f"Endpoint ready: {ep.endpoint_url}")
            print(f"OpenAI base_url: {ep.base_url}")
            print("\nAnswer:")
            print(chat(ep.base_url, "Tell me about Vision 2030"))
        except dc1.JobFailedError as exc:
            print(f"The endpoint did not start: {exc}", file=sys.stderr)
            return 1
        finally:
            try:
                client.jobs.cancel(job.id)
                print(f"\nStopped {job.id}")
            except dc1.DC1Error as exc:  # already ended
                print(f"cancel: {exc}", file=sys.stderr)
        return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (dc1.DC1Error, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
