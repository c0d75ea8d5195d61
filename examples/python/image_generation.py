"""Image generation: run Stable Diffusion on a DC1 GPU and save the PNG.

    DC1_API_KEY=… python examples/python/image_generation.py [PATH]

PATH defaults to demo-output/output.png (the folder is made; git ignores it).
"""
import os
import sys

import dc1

PROMPT = "A futuristic mosque with neon lights, cyberpunk style"


def main(path: str) -> int:
    with dc1.DC1Client() as client:
        # Image generation wants a GPU with at least 8 GB (None: let DC1 route it).
        providers = client.providers.list(live=True, min_vram_gb=8)
        provider_id = providers[0].id if providers else None

        job = client.jobs.submit(
            "image_generation",
            {
                "prompt": PROMPT,
                "model": "stabilityai/stable-diffusion-xl-base-1.0",
                "steps": 30,
                "width": 1024,
                "height": 1024,
            },
            provider_id=provider_id,
            duration_minutes=10,
        )
        print(f"Job submitted: {job.id}")

        done = client.jobs.wait(job.id, timeout=900, poll_interval=2)
        if done.status != "completed":
            print(f"Job {done.status}: {done.error}", file=sys.stderr)
            return 1

        info = done.save_image(path)  # decodes the base64 PNG and writes it atomically
        print(f"Saved {info['path']} ({info['width']}x{info['height']}, {info['bytes']} bytes)")
        if info.get("truncated"):
            print("warning: the server flagged the image as truncated", file=sys.stderr)
        return 0


if __name__ == "__main__":
    try:
        if len(sys.argv) > 1:
            target = sys.argv[1]
        else:
            os.makedirs("demo-output", exist_ok=True)
            target = os.path.join("demo-output", "output.png")
        sys.exit(main(target))
    except dc1.DC1Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
