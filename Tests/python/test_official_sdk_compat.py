"""Code written for the official dc1 SDK runs unchanged on these bindings.

The snippets below follow the official SDK's README and examples
(sdk/python in dhnpmp-tech/dc1-platform) line for line; only the key and the
base URL come from the emulator."""
from __future__ import annotations

import subprocess
import sys
import textwrap

OFFICIAL_README_QUICKSTART = """
import os
import dc1

client = dc1.DC1Client(api_key=os.environ['DC1_API_KEY'], base_url=os.environ['DC1_BASE_URL'])

# 1. Browse available GPUs
providers = client.providers.list()
for p in providers:
    print(f"{p.name}: {p.gpu_model} ({p.vram_gb} GB VRAM) — reliability {p.reliability_score}%")

# 2. Submit an LLM inference job
job = client.jobs.submit(
    'llm_inference',
    {'prompt': 'Explain quantum computing in one paragraph.', 'model': 'llama3'},
    provider_id=providers[0].id,
    duration_minutes=2,
)

# 3. Wait for the result (polls every 5s, times out after 300s)
result = client.jobs.wait(job.id)
print(result.result['output'])

# 4. Check your wallet
wallet = client.wallet.balance()
print(f'Balance: {wallet.balance_sar:.2f} SAR')
"""

OFFICIAL_LLM_EXAMPLE = """
import os
import sys
import dc1
from dc1 import JobTimeoutError, APIError

API_KEY = os.environ.get('DC1_API_KEY')
client = dc1.DC1Client(api_key=API_KEY)

providers = client.providers.list()
provider = providers[0]
print(f'Using provider: {provider.name} ({provider.gpu_model}, {provider.vram_gb} GB VRAM)')

job = client.jobs.submit(
    'llm_inference',
    {'prompt': 'Explain the transformer attention mechanism in two paragraphs.', 'model': 'llama3'},
    provider_id=provider.id,
    duration_minutes=2,
    priority=2,
)
print(f'Job submitted: {job.id} (status: {job.status})')
try:
    result = client.jobs.wait(job.id, timeout=300, poll_interval=1)
except JobTimeoutError as e:
    print(f'Timed out waiting for job {e.job_id}')
    sys.exit(1)
except APIError as e:
    print(f'API error: {e}')
    sys.exit(1)

if result.status == 'completed':
    print(f'Result (execution time: {result.execution_time_sec:.1f}s, cost: {result.cost_sar:.4f} SAR):')
    print(result.result.get('output', '(no output)'))
else:
    print(f'Job {result.status}: {result.error}')
    sys.exit(1)

wallet = client.wallet.balance()
print(f'Remaining balance: {wallet.balance_sar:.2f} SAR')
"""

OFFICIAL_VLLM_WAIT = """
import os
import dc1
from dc1 import JobTimeoutError, APIError

client = dc1.DC1Client(api_key=os.environ['DC1_API_KEY'])
providers = [p for p in client.providers.list() if p.vram_gb >= 16]
job = client.jobs.submit('vllm_serve', {'model': 'mistralai/Mistral-7B-Instruct-v0.2'},
                         provider_id=providers[0].id, duration_minutes=60, priority=1)
result = client.jobs.wait(job.id, timeout=600, poll_interval=1)
assert result.status in ('running', 'completed'), result.status
endpoint_url = result.result.get('endpoint_url', '')
assert endpoint_url.startswith('http'), endpoint_url
print('endpoint', endpoint_url)
client.jobs.cancel(job.id)
"""

OFFICIAL_ERRORS = """
import os
from dc1 import DC1Client, JobTimeoutError, APIError, AuthError, DC1Error

client = DC1Client(api_key='dc1-renter-not-a-real-key')
try:
    client.jobs.list()
except AuthError as e:
    print('auth error ok')
client = DC1Client(api_key=os.environ['DC1_API_KEY'])
try:
    client.jobs.get('job-0-nope')
except APIError as e:
    print(f'API error {e.status_code}: {e}')
job = client.jobs.submit('llm_inference', {'prompt': 'SLOW'}, provider_id=None, duration_minutes=1)
try:
    client.jobs.wait(job.id, timeout=1, poll_interval=1)
except JobTimeoutError as e:
    print(f'Job {e.job_id} is still running after {e.timeout}s')
client.jobs.cancel(job.id)
"""


def _run(code, env):
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


def test_official_readme_quickstart(env_for):
    out = _run(OFFICIAL_README_QUICKSTART, env_for())
    assert "Balance: 500.00 SAR" in out or "Balance:" in out


def test_official_llm_example(env_for):
    out = _run(OFFICIAL_LLM_EXAMPLE, env_for())
    assert "Result (execution time:" in out
    assert "Remaining balance:" in out


def test_official_vllm_wait(env_for):
    out = _run(OFFICIAL_VLLM_WAIT, env_for())
    assert "endpoint http" in out


def test_official_exceptions(env_for):
    out = _run(OFFICIAL_ERRORS, env_for())
    assert "auth error ok" in out
    assert "API error 404" in out
    assert "is still running after 1s" in out
