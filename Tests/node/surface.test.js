'use strict';
// The whole surface against the emulator: every method of DC1RenterClient and DC1Client.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { startEmulator, sdk, SDK } = require('./_emulator');

const dc1 = sdk();
let emu;
let client;
let renter;

test.before(async () => {
  // No DNS on test machines: registered webhooks to example hosts are accepted unresolved.
  emu = await startEmulator({ extra: ['--no-webhook-dns-check'] });
  renter = await emu.renter(50000);
  client = new dc1.DC1RenterClient({ apiKey: renter.api_key, baseUrl: emu.baseUrl, timeoutMs: 15000 });
});
test.after(async () => {
  if (client) client.close();
  if (emu) await emu.stop();
});

async function llm(c, extra = {}) {
  const [p] = await c.listProviders();
  return c.submitJob({ providerId: p.id, jobType: 'llm_inference', params: { prompt: 'Hello from node', max_tokens: 16 },
    durationMinutes: 1, ...extra });
}

test('getBalance and me', async () => {
  const b = await client.getBalance();
  assert.equal(b.balanceHalala, 50000);
  assert.equal(b.balanceSar, 500);
  assert.equal(typeof b.heldHalala, 'number');
  const me = await client.me();
  assert.equal(me.balanceHalala, 50000);
  assert.equal(me.apiKey, renter.api_key);
  assert.ok(!JSON.stringify(me).includes(renter.api_key), 'the key stays out of JSON/console output');
  assert.equal(typeof me.name, 'string');
});

test('register (public route; the emulator has no registration, so its answer is injected)', async () => {
  // The server's answer (docs/server.md §3.3): 202, a sign-in link is mailed, no key.
  await emu.fault({ method: 'POST', path: '/api/renters/register', status: 202,
    body: JSON.stringify({ success: true, next: 'check_email', email: 'ahmed@example.com', renter_id: 12,
      message: 'We sent a sign-in link to ahmed@example.com.' }) });
  const anon = new dc1.DC1RenterClient({ apiKey: '', baseUrl: emu.baseUrl });
  const r = await anon.register('Ahmed Al-Rashid', 'ahmed@example.com', 'Acme');
  assert.equal(r.renterId, 12);
  assert.equal(r.apiKey, '');
  assert.match(r.message, /sign-in link/);
  anon.close();
});

test('listProviders with and without filters', async () => {
  const all = await client.listProviders();
  assert.ok(all.length >= 1);
  const p = all[0];
  for (const k of ['id', 'name', 'gpuModel', 'vramMib', 'vramGb', 'status', 'reliabilityScore']) assert.ok(k in p, k);
  const big = await client.listProviders({ minVramGb: 40 });
  assert.ok(big.every((x) => x.vramGb >= 40));
  const none = await client.listProviders({ gpuModel: 'no-such-gpu-model' });
  assert.equal(none.length, 0);
});

test('submitJob with numeric priority, getJob, waitForJob to completed with onProgress', async () => {
  for (const priority of [1, 2, 3]) {
    const job = await llm(client, { priority });
    assert.match(job.id, /^job-/);
    assert.equal(String(job.raw.priority), String(priority));
  }
  const job = await llm(client);
  const seen = [];
  const done = await client.waitForJob(job.id, { pollInterval: 200, timeout: 30000, onProgress: (s) => seen.push(s) });
  assert.equal(done.status, 'completed');
  assert.equal(done.isDone, true);
  assert.match(done.result.output, /emulated/);
  assert.equal(done.resultType, 'text');
  assert.equal(typeof done.costSar, 'number');
  assert.equal(done.costSar, done.costHalala / 100);
  assert.ok(seen.includes('completed'), `onProgress saw ${seen}`);
  const again = await client.getJob(job.id);
  assert.equal(again.status, 'completed');
  assert.equal(again.result.output, done.result.output);
  const byJob = await client.getJob(again); // a Job object is accepted as the id
  assert.equal(byJob.id, job.id);
  const st = await client.getJobStatus(job.id);
  assert.equal(st.status, 'completed');
  const out = await client.getJobOutput(job.id);
  assert.equal(out.kind, 'text');
});

test('getJobLogs and streamLogs', async () => {
  const job = await llm(client);
  const lines = [];
  const stream = client.streamLogs(job.id);
  for await (const line of stream) lines.push(line);
  assert.ok(lines.length > 0);
  assert.equal(typeof lines[0].lineNo, 'number');
  assert.equal(typeof lines[0].message, 'string');
  const summary = await stream.result;
  assert.equal(summary.ended, 'end');
  const logs = await client.getJobLogs(job.id);
  assert.equal(logs.length, lines.length);
  const tail = await client.getJobLogs(job.id, 2);
  assert.ok(tail.every((l) => l.lineNo > 2));
});

test('streamStatus', async () => {
  const job = await llm(client);
  const events = [];
  for await (const ev of client.streamStatus(job.id)) events.push(ev.event);
  assert.ok(events.length > 0);
  assert.ok(events.includes('job_completed') || events.includes('end'), events.join(','));
});

test('cancelJob', async () => {
  const job = await llm(client, { params: { prompt: 'SLOW job to cancel' } });
  const r = await client.cancelJob(job.id);
  assert.equal(r.success, true);
  assert.equal(r.jobId, job.id);
  const j = await client.getJob(job.id);
  assert.equal(j.status, 'cancelled');
  await assert.rejects(client.cancelJob(job.id), dc1.ValidationError);
});

test('getPaymentHistory and listJobs', async () => {
  const h = await client.getPaymentHistory(5);
  assert.ok(h.jobs.length > 0 && h.jobs.length <= 5);
  for (const k of ['jobId', 'jobType', 'status', 'costHalala', 'costSar', 'refunded']) assert.ok(k in h.jobs[0], k);
  assert.equal(typeof h.balanceHalala, 'number');
  const jobs = await client.listJobs(3);
  assert.equal(jobs.length, 3);
});

test('image job: saveImage writes a PNG', async () => {
  const [p] = await client.listProviders({ minVramGb: 16 });
  const job = await client.submitJob({ providerId: p.id, jobType: 'image_generation',
    params: { prompt: 'A camel at sunset', width: 64, height: 64, steps: 4 }, durationMinutes: 1 });
  const done = await client.waitForJob(job.id, { timeout: 30000 });
  assert.equal(done.status, 'completed');
  assert.equal(done.resultType, 'image');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-')), 'out.png');
  const r = await client.saveImage(job.id, file);
  assert.equal(r.path, file);
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.length, r.bytes);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});

test('vllm_serve: waitReady, waitForJob resolves once serving, chat and streamChat on the endpoint', async () => {
  const [p] = await client.listProviders({ minVramGb: 16 });
  const job = await client.submitJob({ providerId: p.id, jobType: 'vllm_serve',
    params: { model: 'mistralai/Mistral-7B-Instruct-v0.2' }, durationMinutes: 60 });
  try {
    const ep = await client.waitReady(job.id, { timeout: 60000 });
    assert.match(ep.endpointUrl, /^http:\/\/127\.0\.0\.1/);
    assert.match(ep.baseUrl, /\/v1$/);
    assert.equal(ep.baseUrl, ep.job.raw.openai_base_url, 'the OpenAI root is the core\'s');
    const w = await client.waitForJob(job.id, { timeout: 60000 });
    assert.equal(w.result.endpoint_url, ep.endpointUrl);
    assert.equal(w.result.base_url, ep.baseUrl);
    const g = await client.getJob(job.id);
    assert.equal(g.resultType, 'endpoint', 'a serving job\'s output is its endpoint, from the core');
    const messages = [{ role: 'user', content: 'Tell me about Vision 2030' }];
    const c = await client.chat(messages, { model: ep.model, endpointUrl: ep.endpointUrl });
    assert.equal(typeof c.content, 'string');
    assert.ok(c.content.length > 0);
    const tokens = [];
    const s = client.streamChat(messages, { model: ep.model, endpointUrl: ep.endpointUrl });
    for await (const t of s) tokens.push(t);
    const fin = await s.result;
    assert.ok(tokens.length > 1);
    assert.equal(tokens.join(''), fin.content);
  } finally {
    await client.cancelJob(job.id);
  }
  // mode "auto" ends with the final job when a vllm_serve job ends without serving (the core's
  // rule; the binding catches nothing)
  const ended = await client.waitForJob(job.id, { timeout: 10000, pollInterval: 100 });
  assert.equal(ended.status, 'cancelled');
  await assert.rejects(client.waitReady(job.id, { timeout: 10000, pollInterval: 100 }), dc1.JobCancelledError);
});

test('a wait is one core call: the job comes back with its output, read once', async () => {
  const job = await llm(client);
  const before = (await emu.control('GET', '/__emulator/counters')).requests_by_path;
  const done = await client.waitForJob(job.id, { timeout: 60000, pollInterval: 100 });
  assert.equal(done.status, 'completed');
  assert.equal(typeof done.result.output, 'string');
  assert.equal(done.raw.output, undefined, 'raw is the job document');
  assert.equal(done.outcome, 'succeeded');
  const after = (await emu.control('GET', '/__emulator/counters')).requests_by_path;
  const delta = (p) => (after[p] || 0) - (before[p] || 0);
  // mode "auto" reads the job to learn its type and once more at the end; the binding adds none
  assert.equal(delta(`GET /api/jobs/${job.id}`), 2);
  assert.equal(delta(`GET /api/jobs/${job.id}/output`), 1);
});

test('webhooks: verifyWebhook and parseWebhook', () => {
  const body = Buffer.from(JSON.stringify({ job_id: 'job-1-abc', status: 'done', cost_halala: 30 }));
  const secret = 'a-webhook-secret-of-16+';
  const sig = crypto.createHmac('sha256', secret).update(body).digest('hex');
  assert.equal(dc1.verifyWebhook(secret, `sha256=${sig}`, body), true);
  assert.equal(dc1.verifyWebhook(secret, sig, body.toString()), true);
  assert.equal(dc1.verifyWebhook(secret, 'sha256=00', body), false);
  assert.equal(dc1.verifyWebhook('other-secret-xxxxxxxx', sig, body), false);
  const ev = dc1.parseWebhook(body);
  assert.equal(ev.job_id, 'job-1-abc');
  assert.equal(ev.status, 'completed');
  assert.ok(ev.dedupe_key);
  assert.throws(() => dc1.verifyWebhook(null, sig, body), dc1.InvalidArgumentError);
});

test('webhook management and request()', async () => {
  const set = await client.setWebhookUrl('https://hooks.example.com/dc1');
  assert.equal(set.settings.webhook_url, 'https://hooks.example.com/dc1');
  const reg = await client.registerWebhook({ url: 'https://hooks.example.com/r', secret: 'sixteen-chars-secret!' });
  assert.ok(reg.id);
  const list = await client.listWebhooks();
  assert.ok(list.some((w) => String(w.id) === String(reg.id)));
  const del = await client.deleteWebhook(reg.id);
  assert.equal(del.active, false);
  const r = await client.request('GET', '/api/renters/balance');
  assert.equal(r.http_status, 200);
  assert.equal(r.body.balance_halala !== undefined, true);
});

test('legacy DC1Client: jobs, providers, wallet', async () => {
  const c = new dc1.DC1Client({ apiKey: renter.api_key, baseUrl: emu.baseUrl });
  const providers = await c.providers.list();
  const one = await c.providers.get(providers[0].id);
  assert.equal(one.id, providers[0].id);
  await assert.rejects(c.providers.get(999999), (e) => e instanceof dc1.APIError && e.statusCode === 404);
  const job = await c.jobs.submit({ jobType: 'llm_inference', params: { prompt: 'legacy', model: 'llama3' },
    providerId: providers[0].id, durationMinutes: 2, priority: 2 });
  const result = await c.jobs.wait(job.id, { timeoutMs: 30000, pollIntervalMs: 500 });
  assert.equal(result.status, 'completed');
  assert.ok(result.result.output);
  const got = await c.jobs.get(job.id);
  assert.equal(got.id, job.id);
  const list = await c.jobs.list(2);
  assert.equal(list.length, 2);
  const logs = await c.jobs.getLogs(job.id, { since: 0, limit: 3 });
  assert.ok(logs.length <= 3);
  const wallet = await c.wallet.balance();
  assert.equal(typeof wallet.balanceSar.toFixed(2), 'string');
  const me = await c.wallet.me();
  assert.equal(typeof me.email, 'string');
  const slow = await c.jobs.submit({ jobType: 'llm_inference', params: { prompt: 'SLOW' }, providerId: providers[0].id,
    durationMinutes: 1 });
  const cancel = await c.jobs.cancel(slow.id);
  assert.equal(cancel.success, true);
  c.close();
});

test('ES module entry and package exports', async () => {
  const m = await import(path.join(SDK, 'index.mjs'));
  assert.equal(m.DC1RenterClient, dc1.DC1RenterClient);
  assert.equal(m.JobTimeoutError, dc1.JobTimeoutError);
  assert.equal(m.default.DC1Client, dc1.DC1Client);
  const pkg = JSON.parse(fs.readFileSync(path.join(SDK, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'dc1-renter-sdk');
  assert.equal(pkg.exports['.'].require, './index.js');
  assert.equal(pkg.exports['.'].import, './index.mjs');
  assert.deepEqual(pkg.dependencies || {}, {});
});

test('DC1_API_KEY / DC1_BASE_URL from the environment', async () => {
  const saved = { k: process.env.DC1_API_KEY, u: process.env.DC1_BASE_URL };
  process.env.DC1_API_KEY = renter.api_key;
  process.env.DC1_BASE_URL = emu.baseUrl;
  try {
    const c = new dc1.DC1RenterClient();
    // The core resolved both; the binding passed nothing on.
    assert.equal(c.baseUrl, emu.baseUrl);
    assert.equal(c.config.baseUrlFrom, 'environment');
    assert.equal(c.config.apiKeySet, true);
    assert.equal(c.config.apiKeyFrom, 'environment');
    assert.ok(!JSON.stringify(c.config).includes(renter.api_key));
    assert.equal((await c.getBalance()).balanceHalala > 0, true);
    c.close();
    // '' is the core's rule in every language: baseUrl '' is not given, apiKey '' is no key.
    const anon = new dc1.DC1RenterClient({ apiKey: '', baseUrl: '' });
    assert.equal(anon.baseUrl, emu.baseUrl);
    assert.equal(anon.config.apiKeySet, false);
    await assert.rejects(anon.getBalance(), dc1.AuthError);
    anon.close();
  } finally {
    if (saved.k === undefined) delete process.env.DC1_API_KEY; else process.env.DC1_API_KEY = saved.k;
    if (saved.u === undefined) delete process.env.DC1_BASE_URL; else process.env.DC1_BASE_URL = saved.u;
  }
});

test('config: what the client settled on, with the options\' names; defaultConfig(): the core\'s', () => {
  const c = new dc1.DC1RenterClient({ apiKey: renter.api_key, baseUrl: emu.baseUrl + '/', timeoutMs: 4500,
    proxy: 'http://me:pa55@proxy.test:3128', poolSize: 3 });
  assert.equal(c.baseUrl, emu.baseUrl);
  assert.deepEqual(
    [c.config.baseUrlFrom, c.config.apiKeyFrom, c.config.timeoutMs, c.config.poolSize, c.config.proxy],
    ['option', 'option', 4500, 3, 'http://[redacted]@proxy.test:3128']);
  c.config.timeoutMs = 1;
  assert.equal(c.config.timeoutMs, 4500, 'a copy each time');
  c.close();
  assert.equal(c.baseUrl, emu.baseUrl, 'still readable after close');
  const d = dc1.defaultConfig();
  assert.equal(d.baseUrl, 'https://api.dcp.sa');
  assert.equal(d.baseUrlFrom, 'default');
  assert.equal(d.timeoutMs, 30000);
  assert.equal(d.apiKeySet, false);
  // No copies of core rules left in the binding (issue 22).
  const src = ['lib/client.js', 'lib/models.js', 'index.js'].map((f) => fs.readFileSync(path.join(SDK, f), 'utf8')).join('\n');
  assert.ok(!src.includes('process.env.DC1_'), 'the binding reads no DC1_ variable');
  assert.ok(!src.includes("'https://api.dcp.sa'"), 'no copy of the default base URL');
  assert.ok(!/permanently_failed/.test(src), 'no copy of the terminal statuses');
});

test('close(): later calls reject with ClientClosedError', async () => {
  const c = new dc1.DC1RenterClient({ apiKey: renter.api_key, baseUrl: emu.baseUrl });
  const pending = c.getBalance();
  c.close();
  assert.ok((await pending).balanceHalala >= 0, 'a call in flight finishes');
  await assert.rejects(c.getBalance(), dc1.ClientClosedError);
});

test('cost: costHalala is what was charged (= the balance change), quotedCostHalala the quote', async () => {
  const c = new dc1.DC1RenterClient({ apiKey: (await emu.renter(50000)).api_key, baseUrl: emu.baseUrl });
  const before = (await c.getBalance()).balanceHalala;
  const job = await llm(c);
  assert.ok(job.quotedCostHalala > 0);
  assert.equal(job.costHalala, job.quotedCostHalala); // the held quote before the end
  const done = await c.waitForJob(job.id, { timeout: 30000 });
  assert.equal(done.status, 'completed');
  const after = (await c.getBalance()).balanceHalala;
  assert.equal(done.costHalala, before - after);
  assert.equal(done.costSar, (before - after) / 100);
  assert.equal(done.quotedCostHalala, job.quotedCostHalala);
  const row = (await c.getPaymentHistory(5)).jobs.find((j) => j.jobId === job.id);
  assert.equal(row.costHalala, done.costHalala);
  assert.equal(typeof row.costSar, 'number');
  const slow = await llm(c, { params: { prompt: 'SLOW cost' } });
  await c.cancelJob(slow.id);
  const cancelled = await c.getJob(slow.id);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.costHalala, 0);
  assert.ok(cancelled.quotedCostHalala > 0);
  assert.equal((await c.getBalance()).balanceHalala, after);
  c.close();
});
