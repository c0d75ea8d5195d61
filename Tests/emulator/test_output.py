"""§8.3 / §8.4 outputs: images (raw PNG vs JSON), formats, 204, 206, vllm_serve,
custom containers."""
import base64
import json
import struct
import time
import urllib.request


def png_size(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def image_job(api, **params):
    p = {"prompt": "A futuristic mosque with neon lights", "width": 320, "height": 256, "seed": 7}
    p.update(params)
    job = api.submit_ok(job_type="image_generation", params=p, duration_minutes=10)
    return api.wait(job["job_id"])


def test_image_raw_png_without_accept_json(api):
    job = image_job(api)
    assert job["status"] == "completed"
    r = api.get(f"/api/jobs/{job['job_id']}/output")
    assert r.status == 200 and r.headers["Content-Type"] == "image/png"
    assert png_size(r.body) == (320, 256)
    assert r.headers["X-DCP-Prompt"] == "A futuristic mosque with neon lights"
    assert r.headers["X-DCP-Seed"] == "7"
    assert abs(int(r.headers["X-DCP-ImageBytes"]) - len(r.body)) <= 2     # floor(len(b64) * 3 / 4)
    assert r.headers["X-DCP-GenTime"]
    # */* is "any other Accept" too
    assert api.get(f"/api/jobs/{job['job_id']}/output", headers={"Accept": "*/*"}).body == r.body


def test_image_json_with_accept_json(api):
    job = image_job(api, width=2000, height=100)             # clamped to 1024 x 256
    r = api.get(f"/api/jobs/{job['job_id']}/output", headers={"Accept": "application/json"})
    body = r.json()
    assert body["type"] == "image" and body["format"] == "png"
    assert (body["width"], body["height"]) == (1024, 256)
    raw = base64.b64decode(body["image_base64"])
    assert png_size(raw) == (1024, 256)
    assert body["image_bytes"] == len(body["image_base64"]) * 3 // 4     # the server's estimate
    assert body["billing"]["actual_cost_halala"] == job["actual_cost_halala"]
    for k in ("prompt", "model", "seed", "gen_time_s", "total_time_s", "device"):
        assert k in body
    assert body["model"] == "CompVis/stable-diffusion-v1-4"                # not whitelisted -> v1-4


def test_output_format_route(api):
    assert api.get("/api/jobs/job-0-x/output/gif").json() == {
        "error": "Invalid format: gif. Supported: png, jpeg, webp"}      # before the lookup
    assert api.get("/api/jobs/job-0-x/output/png").status == 404
    job = image_job(api)
    for fmt in ("png", "jpeg", "jpg", "webp"):
        r = api.get(f"/api/jobs/{job['job_id']}/output/{fmt}")
        assert r.status == 200 and r.headers["Content-Type"] == "image/png"
        assert r.headers["Content-Disposition"] == f'attachment; filename="dcp-{job["job_id"]}.png"'
        assert png_size(r.body) == (320, 256)
    text = api.submit_ok()
    r = api.get(f"/api/jobs/{text['job_id']}/output/png")
    assert r.status == 400 and r.json() == {"error": "Job not completed"}      # not 202
    api.wait(text["job_id"])
    r = api.get(f"/api/jobs/{text['job_id']}/output/png")
    assert r.status == 400 and r.json() == {"error": "Job is not an image generation job"}


def test_204_for_empty_result_and_206_for_truncated_image(emu, api):
    job = api.submit_ok(params={"prompt": "SLOW"})
    emu.advance(job["job_id"], "completed", result="")
    r = api.get(f"/api/jobs/{job['job_id']}/output")
    assert r.status == 204 and r.body == b""
    job = api.submit_ok(params={"prompt": "SLOW"})
    tiny = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 100).decode()
    emu.advance(job["job_id"], "completed", result="log\nDC1_RESULT_JSON:" + json.dumps(
        {"type": "image", "format": "png", "width": 512, "height": 512, "data": tiny}))
    r = api.get(f"/api/jobs/{job['job_id']}/output")
    assert r.status == 206
    body = r.json()
    assert body["error"] == "Image data appears truncated or corrupted"
    assert body["expected_dimensions"] == "512x512" and body["valid_base64"] is True
    assert body["expected_min_bytes"] == 13107


def test_plain_json_result_falls_back_to_raw(emu, api):
    job = api.submit_ok(params={"prompt": "SLOW"})
    emu.advance(job["job_id"], "completed", result='{"endpoint_url":"http://x/v1","model":"m","port":1}')
    body = api.get(f"/api/jobs/{job['job_id']}/output").json()
    assert body["type"] == "text" and body["result"].startswith('{"endpoint_url"')


def test_non_latin1_prompt_breaks_raw_image(api):
    job = image_job(api, prompt="مسجد في الصحراء")
    assert api.get(f"/api/jobs/{job['job_id']}/output").status == 500            # §16.8
    r = api.get(f"/api/jobs/{job['job_id']}/output", headers={"Accept": "application/json"})
    assert r.status == 200 and r.json()["prompt"] == "مسجد في الصحراء"


def test_vllm_serve_endpoint(emu, api):
    job = api.submit_ok(job_type="vllm_serve", duration_minutes=60,
                        params={"model": "mistralai/Mistral-7B-Instruct-v0.2", "max_model_len": 4096})
    deadline = time.monotonic() + 10
    while True:
        j = api.job(job["job_id"])
        if j["endpoint_url"]:
            break
        assert time.monotonic() < deadline
        time.sleep(0.03)
    # the real daemon reports "generating" once the endpoint is ready (issue 18), not "serving"
    assert j["status"] == "running" and j["progress_phase"] == "generating"
    assert j["endpoint_url"].startswith("http://127.0.0.1:") and j["endpoint_url"].endswith("/v1")
    out = api.get(f"/api/jobs/{job['job_id']}/output")                          # stays 202 while serving
    assert out.status == 202 and out.json()["message"] == "Generating response..."
    assert out.json()["progress_phase"] == "generating"
    req = urllib.request.Request(j["endpoint_url"] + "/chat/completions", method="POST",
                                 data=json.dumps({"model": "m", "messages": [
                                     {"role": "user", "content": "Tell me about Vision 2030"}]}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        chat = json.loads(resp.read())
    assert chat["choices"][0]["message"]["content"].startswith("[emulated]")
    with urllib.request.urlopen(j["endpoint_url"] + "/models", timeout=5) as resp:
        assert json.loads(resp.read())["data"][0]["id"] == "mistralai/Mistral-7B-Instruct-v0.2"
    assert api.post(f"/api/jobs/{job['job_id']}/complete").status == 200
    time.sleep(0.3)
    try:
        urllib.request.urlopen(j["endpoint_url"] + "/models", timeout=2)
        raise AssertionError("endpoint still up after complete")
    except OSError:
        pass
    assert api.get(f"/api/jobs/{job['job_id']}/output").status == 204


def test_custom_container_runs_script(api):
    script = ("import json, os\nprint('line one')\nprint('x' if 3 < 5 else 'y')\n"
              "print('DC1_RESULT_JSON:' + json.dumps({'answer': 42, 'job': os.environ['DC1_JOB_ID']}))\n")
    job = api.submit_ok(job_type="custom_container", params={"script": script})
    done = api.wait(job["job_id"], timeout=15)
    assert done["status"] == "completed", done["error"]
    assert done["result"].startswith("line one\nx\nDC1_RESULT_JSON:")
    payload = json.loads(done["result"].split("DC1_RESULT_JSON:", 1)[1])
    assert payload == {"answer": 42, "job": job["job_id"]}
    out = api.get(f"/api/jobs/{job['job_id']}/output").json()
    assert out["type"] == "text" and out["result"] == done["result"]          # falls through to raw
    logs = [l["message"] for l in api.get(f"/api/jobs/{job['job_id']}/logs").json()["logs"]]
    assert "line one" in logs and "[dcp-phase] pulling" in logs


def test_custom_container_sanitised_script_and_failure(api):
    before = api.balance()
    # "< 5 else 'y')\nprint(1 >" is deleted by the sanitiser (§1.2): a syntax error
    script = "print('x' if 3 < 5 else 'y')\nprint(1 > 0)\n"
    job = api.submit_ok(job_type="custom_container", params={"script": script})
    done = api.wait(job["job_id"], timeout=15)
    assert done["status"] == "failed" and done["error"].startswith("Container exited with code 1")
    assert done["refunded_at"] and api.balance() == before
    errors = [l for l in api.get(f"/api/jobs/{job['job_id']}/logs").json()["logs"] if l["level"] == "error"]
    assert any("SyntaxError" in l["message"] for l in errors)
    done = api.wait(api.submit_ok(job_type="custom_container",
                                  params={"script": "import sys\nsys.exit(3)"})["job_id"], timeout=15)
    assert done["error"] == "Container exited with code 3"


def test_pulling_status_is_visible_for_containers(api):
    job = api.submit_ok(job_type="custom_container", params={"script": "print(1)"})
    seen = set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        s = api.get(f"/api/jobs/{job['job_id']}/status").json()["status"]
        seen.add(s)
        if s == "completed":
            break
    assert "completed" in seen
