'use strict';
// Code written for the official JavaScript SDK runs unchanged on this package.
//
// The snippets below are the official SDK's README (sdk/node/README.md of dhnpmp-tech/
// dc1-platform, package dc1-renter-sdk), its examples (examples/*.ts, whose only TypeScript
// is the `../src` import) and the guide's "Using the SDK class" block, line for line. They run
// as user code would: from a folder whose node_modules/dc1-renter-sdk is bindings/node. The
// README's key 'dc1-renter-abc123' is made a real renter of the emulator, and DC1_BASE_URL
// points at it. The changes, each marked CHANGED: the guide's hard-coded production baseUrl,
// the examples' `../src` import, the older README's package name, and one timeout shortened
// so that the error branch is reached in a second instead of a minute.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { startEmulator, SDK } = require('./_emulator');

let emu;
let dir;

test.before(async () => {
  emu = await startEmulator();
  await emu.renter(50000, { api_key: 'dc1-renter-abc123' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-official-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(SDK, path.join(dir, 'node_modules', 'dc1-renter-sdk'), 'dir');
});
test.after(async () => {
  if (emu) await emu.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function run(name, code, env = {}) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, code);
  const r = spawnSync(process.execPath, [file], {
    cwd: dir, encoding: 'utf8', timeout: 120000,
    env: { ...process.env, DC1_BASE_URL: emu.baseUrl, DC1_API_KEY: '', ...env },
  });
  assert.equal(r.status, 0, `${name} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('README: Quickstart — 5 lines to your first LLM job', () => {
  const out = run('quickstart.mjs', `
import { DC1RenterClient } from 'dc1-renter-sdk';

const client = new DC1RenterClient({ apiKey: 'dc1-renter-abc123' });
const providers = await client.listProviders();
const job = await client.submitJob({
  providerId: providers[0].id,
  jobType: 'llm_inference',
  params: { prompt: 'Explain transformer attention in two sentences.' },
  durationMinutes: 2,
});
const result = await client.waitForJob(job.id);
console.log(result.result?.output);
`);
  assert.match(out, /\[emulated\]/);
});

test('README: the API reference blocks (providers, submit, wait with onProgress, logs, cancel, billing)', () => {
  const out = run('reference.mjs', `
import { DC1RenterClient } from 'dc1-renter-sdk';
const client = new DC1RenterClient({ apiKey: 'dc1-renter-abc123' });

// All providers
const all = await client.listProviders();

// Filter: only providers with ≥ 24 GB VRAM
const highVram = await client.listProviders({ minVramGb: 24 });

// Filter: RTX 4090s only
const rtx4090s = await client.listProviders({ gpuModel: '4090' });
console.log('providers', all.length, highVram.length, rtx4090s.length);

const job = await client.submitJob({
  providerId: all[0].id,             // from listProviders()
  jobType: 'llm_inference',         // see job types below
  params: { prompt: 'Hello, DC1!', model: 'microsoft/phi-2' },
  durationMinutes: 2,
  priority: 2,                       // 1=high, 2=normal, 3=low
});

const result = await client.waitForJob(job.id, {
  timeout: 300_000,     // 5 min (default)
  pollInterval: 3_000,  // 3s between polls (default)
  onProgress: (status) => console.log('Status:', status),
});

// result.result?.output — text output
console.log('output', result.result?.output);

const logs = await client.getJobLogs(job.id);
// Incremental tail — only lines after line 50:
const newLines = await client.getJobLogs(job.id, 50);
console.log('logs', logs.length, newLines.length);

const balance = await client.getBalance();
console.log(\`Available: \${balance.balanceSar.toFixed(2)} SAR\`);
console.log(\`Held for active jobs: \${balance.heldSar.toFixed(2)} SAR\`);

const history = await client.getPaymentHistory(50);
for (const item of history.jobs) {
  console.log(\`\${item.jobType} — \${item.costSar} SAR — \${item.status}\`);
}

const me = await client.me();
console.log('me', me.email, me.balanceSar);
const slow = await client.submitJob({ providerId: all[0].id, jobType: 'llm_inference', params: { prompt: 'SLOW' }, durationMinutes: 2 });
const c = await client.cancelJob(slow.id);
console.log('cancel', c.success, c.jobId === slow.id);
`);
  assert.match(out, /Status: completed/);
  assert.match(out, /output \[emulated\]/);
  assert.match(out, /Available: \d+\.\d\d SAR/);
  assert.match(out, /llm_inference — [\d.]+ SAR — completed/);
  assert.match(out, /cancel true true/);
});

test('README: Error handling', () => {
  const out = run('errors.mjs', `
import { DC1RenterClient, JobTimeoutError, APIError, AuthError } from 'dc1-renter-sdk';
const client = new DC1RenterClient({ apiKey: 'dc1-renter-abc123' });
const [p] = await client.listProviders();
const job = await client.submitJob({ providerId: p.id, jobType: 'llm_inference', params: { prompt: 'SLOW' }, durationMinutes: 2 });

try {
  const result = await client.waitForJob(job.id, { timeout: 1_000 }); // CHANGED: 60_000
} catch (e) {
  if (e instanceof JobTimeoutError) {
    console.log(\`Still running after \${e.timeoutMs / 1000}s — cancelling...\`);
    await client.cancelJob(e.jobId);
  } else if (e instanceof AuthError) {
    console.log('Invalid API key — check https://dcp.sa/renter');
  } else if (e instanceof APIError) {
    console.log(\`API error \${e.statusCode}:\`, e.message, e.response);
  }
}

const bad = new DC1RenterClient({ apiKey: 'dc1-renter-wrong' });
try {
  await bad.getBalance();
} catch (e) {
  if (e instanceof JobTimeoutError) {
    console.log('timeout?');
  } else if (e instanceof AuthError) {
    console.log('Invalid API key — check https://dcp.sa/renter');
  } else if (e instanceof APIError) {
    console.log(\`API error \${e.statusCode}:\`, e.message, e.response);
  }
}
try {
  await client.getJob('job-0-missing');
} catch (e) {
  if (e instanceof APIError) console.log(\`API error \${e.statusCode}:\`, e.message);
}
`);
  assert.match(out, /Still running after 1s — cancelling\.\.\./);
  assert.match(out, /Invalid API key/);
  assert.match(out, /API error 404:/);
});

test("the guide's \"Using the SDK class\" block", () => {
  const out = run('guide.mjs', `
import { DC1RenterClient } from "dc1-renter-sdk";

const dc1 = new DC1RenterClient({
  apiKey: "dc1-renter-abc123",
  baseUrl: process.env.DC1_BASE_URL, // CHANGED: "https://api.dcp.sa", optional, defaults to production
});

// Find available GPUs
const providers = await dc1.listProviders();
const provider = providers[0];

// Submit job
const job = await dc1.submitJob({
  providerId: provider.id,
  jobType: "llm_inference",
  params: {
    model: "mistralai/Mistral-7B-Instruct-v0.2",
    prompt: "Explain blockchain to a 10-year-old",
    maxTokens: 256,
  },
  durationMinutes: 2,
});

// Wait for completion
const result = await dc1.waitForJob(job.id);
console.log(result.result?.output);
console.log(\`Cost: \${result.costSar} SAR\`);
`);
  assert.match(out, /\[emulated\]/);
  assert.match(out, /Cost: [\d.]+ SAR/);
});

test('examples/submit-job.ts (as JavaScript)', () => {
  const out = run('submit-job.mjs', `
import { DC1RenterClient, JobTimeoutError, APIError } from 'dc1-renter-sdk'; // CHANGED: '../src'

const API_KEY = process.env.DC1_API_KEY ?? 'dc1-renter-your-key-here';

async function main() {
  const client = new DC1RenterClient({ apiKey: API_KEY });

  // 1. Check wallet balance
  const balance = await client.getBalance();
  console.log(\`Balance: \${balance.balanceSar.toFixed(2)} SAR (\${balance.balanceHalala} halala)\`);

  if (balance.balanceHalala < 30) {
    console.error('Insufficient balance. Top up at https://dcp.sa/renter');
    process.exit(1);
  }

  // 2. Find an online provider with at least 8 GB VRAM
  const providers = await client.listProviders({ minVramGb: 8 });
  if (providers.length === 0) {
    console.error('No providers online with ≥ 8 GB VRAM. Try again later.');
    process.exit(1);
  }

  const provider = providers[0];
  console.log(\`Using provider: \${provider.name} (\${provider.gpuModel}, \${provider.vramGb} GB VRAM)\`);

  // 3. Submit an LLM inference job
  const job = await client.submitJob({
    providerId: provider.id,
    jobType: 'llm_inference',
    params: {
      prompt: 'Explain transformer attention in two sentences.',
      model: 'microsoft/phi-2',
    },
    durationMinutes: 2,
    priority: 2, // normal priority
  });

  console.log(\`Job submitted: \${job.id} (status: \${job.status})\`);
  console.log(\`Estimated cost: \${(job.costHalala / 100).toFixed(2)} SAR\`);

  // 4. Wait for result, logging progress
  console.log('Waiting for result...');
  try {
    const result = await client.waitForJob(job.id, {
      timeout: 300_000,    // 5 minutes max
      pollInterval: 3_000, // check every 3 seconds
      onProgress: (status) => process.stdout.write(\`  status: \${status}\\r\`),
    });

    console.log(\`\\nCompleted in \${result.executionTimeSec?.toFixed(1) ?? '?'}s\`);
    console.log('Output:', result.result?.output ?? result.result);
  } catch (e) {
    if (e instanceof JobTimeoutError) {
      console.error(\`\\nTimeout: job \${e.jobId} did not complete within \${e.timeoutMs / 1000}s\`);
      // Optionally cancel to reclaim balance
      await client.cancelJob(job.id);
      console.log('Job cancelled, balance refunded.');
    } else if (e instanceof APIError) {
      console.error(\`\\nAPI error \${e.statusCode}:\`, e.message);
    } else {
      throw e;
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`, { DC1_API_KEY: 'dc1-renter-abc123' });
  assert.match(out, /Balance: \d+\.\d\d SAR/);
  assert.match(out, /Job submitted: job-/);
  assert.match(out, /Completed in [\d.]+s/);
  assert.match(out, /Output: \[emulated\]/);
});

test('examples/list-providers.ts (as JavaScript)', () => {
  const out = run('list-providers.cjs', `
const { DC1RenterClient } = require('dc1-renter-sdk'); // CHANGED: import … from '../src'

async function main() {
  // Provider listing is public — any key works (or pass a placeholder)
  const client = new DC1RenterClient({
    apiKey: process.env.DC1_API_KEY ?? 'dc1-renter-placeholder',
  });

  console.log('Fetching available GPU providers...\\n');
  const providers = await client.listProviders();

  if (providers.length === 0) {
    console.log('No providers currently online.');
    return;
  }

  // Print a table
  console.log(\`\${'Name'.padEnd(20)} \${'GPU'.padEnd(24)} \${'VRAM'.padEnd(10)} \${'Score'.padEnd(8)} Status\`);
  console.log('-'.repeat(75));

  for (const p of providers) {
    const vram = p.vramGb > 0 ? \`\${p.vramGb} GB\` : \`\${p.vramMib} MiB\`;
    console.log(
      \`\${p.name.padEnd(20)} \${p.gpuModel.padEnd(24)} \${vram.padEnd(10)} \${String(p.reliabilityScore).padEnd(8)} \${p.status}\`,
    );
  }

  console.log(\`\\n\${providers.length} provider(s) online\`);

  // Filter example: providers with ≥ 24 GB VRAM (good for 7B+ models)
  const highVram = await client.listProviders({ minVramGb: 24 });
  console.log(\`\\nProviders with ≥ 24 GB VRAM (suitable for 7B+ LLMs): \${highVram.length}\`);
  for (const p of highVram) {
    console.log(\`  - \${p.name}: \${p.gpuModel} (\${p.vramGb} GB)\`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`);
  assert.match(out, /provider\(s\) online/);
  assert.match(out, /Providers with ≥ 24 GB VRAM/);
});

test('the older README (@dc1/client): DC1Client with jobs, providers, wallet', () => {
  const out = run('legacy.mjs', `
import { DC1Client } from 'dc1-renter-sdk'; // CHANGED: '@dc1/client'

const client = new DC1Client({ apiKey: 'dc1-renter-abc123' });

// 1. Browse available GPUs
const providers = await client.providers.list();
console.log(\`\${providers[0].gpuModel} — \${providers[0].vramGb} GB VRAM\`);

// 2. Submit an LLM inference job
const job = await client.jobs.submit({
  jobType: 'llm_inference',
  params: { prompt: 'Explain transformers in one paragraph.', model: 'llama3' },
  providerId: providers[0].id,
  durationMinutes: 2,
});

// 3. Wait for result (async poll, 5-min default timeout)
const result = await client.jobs.wait(job.id);
console.log(result.result?.output);

// 4. Check wallet
const wallet = await client.wallet.balance();
console.log(\`Balance: \${wallet.balanceSar.toFixed(2)} SAR\`);

const r2 = await client.jobs.wait(job.id, {
  timeoutMs: 300_000,    // default 5 minutes
  pollIntervalMs: 5_000, // default 5 seconds
});
console.log('again', r2.status);
`);
  assert.match(out, /GB VRAM/);
  assert.match(out, /\[emulated\]/);
  assert.match(out, /Balance: \d+\.\d\d SAR/);
  assert.match(out, /again completed/);
});
