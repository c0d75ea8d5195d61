'use strict';
// { signal } against a server that hangs: for each kind of long call — a plain request, a wait,
// each stream (logs, status, lifecycle), chat (whole and streamed), a batch — aborting rejects
// the Promise (or the loop) with an AbortError promptly, and the emulator's request counters
// stop growing: the C call really ended (through the core's per-call dc1_stop), nothing keeps
// sending behind the JavaScript's back. And every async method takes { signal }.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startEmulator, sdk } = require('./_emulator');

const dc1 = sdk();
let emu;
let client;
let dir;

test.before(async () => {
  emu = await startEmulator();
  const r = await emu.renter(500000);
  client = new dc1.DC1Client({ apiKey: r.api_key, baseUrl: emu.baseUrl, timeoutMs: 30000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-abort-'));
});
test.after(async () => {
  if (client) client.close();
  if (emu) await emu.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
test.afterEach(async () => {
  await emu.clearFaults();
});

const HANG = { action: 'hang', delay_ms: 30000, count: 1000 };
const PROMPT = 80; // ms: how soon an abort must take effect, beyond the core's 25 ms slice…
const LIMIT = 1500; // …with room for a loaded machine (2 cores shared by several suites)

function isAbort(e) {
  assert.ok(e instanceof dc1.AbortError, `not an AbortError: ${e && e.stack}`);
  assert.equal(e.name, 'AbortError');
  assert.equal(e.code, 'ABORT_ERR');
  return true;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts `run(signal)` once the server hangs, aborts after `after` ms, checks the rejection
 * came quickly, then that no request reached the server for a while. */
async function abortWhileHanging(run, { after = 400 } = {}) {
  const ac = new AbortController();
  const p = run(ac.signal);
  p.catch(() => {}); // checked below; an early failure must not count as unhandled meanwhile
  await sleep(after);
  const t0 = Date.now();
  ac.abort();
  await assert.rejects(p, isAbort);
  const took = Date.now() - t0;
  assert.ok(took < LIMIT, `the call took ${took} ms to end after the abort (want < ${LIMIT}; typically < ${PROMPT})`);
  const a = await emu.requests();
  await sleep(800);
  const b = await emu.requests();
  assert.equal(b, a, `the emulator saw ${b - a} requests after the abort`);
}

async function slowJob(tag) {
  return client.submitJob({ jobType: 'llm_inference', durationMinutes: 1, params: { prompt: `SLOW ${tag}` } });
}

test('a plain request (getBalance) on a hanging route', async () => {
  await emu.fault({ method: 'GET', path: '/api/renters/balance', ...HANG });
  await abortWhileHanging((signal) => client.getBalance({ signal }));
});

test('a catalogue request (listModels) on a hanging route', async () => {
  await emu.fault({ method: 'GET', path: '/api/models*', ...HANG });
  await abortWhileHanging((signal) => client.listModels({ providers: false }, { signal }));
});

test('a wait (waitForJob) whose every request hangs', async () => {
  const job = await slowJob('wait');
  await emu.fault({ method: 'GET', path: `/api/jobs/${job.id}*`, ...HANG });
  await abortWhileHanging((signal) => client.waitForJob(job.id, { timeout: 120000, signal }));
  await emu.clearFaults();
  await client.cancelJob(job.id);
});

test('a wait with a progress display and onProgress: the same', async () => {
  const job = await slowJob('wait-progress');
  await emu.fault({ method: 'GET', path: `/api/jobs/${job.id}*`, ...HANG });
  await abortWhileHanging((signal) => client.jobs.wait(job.id, { timeout: 120000, progress: true, onProgress() {}, signal }));
  await emu.clearFaults();
  await client.cancelJob(job.id);
});

async function drain(iterable) {
  for await (const item of iterable) void item;
}

test('the log stream on a hanging route', async () => {
  const job = await slowJob('logs');
  await emu.fault({ method: 'GET', path: `/api/jobs/${job.id}/logs*`, ...HANG });
  await abortWhileHanging((signal) => drain(client.streamLogs(job.id, { signal })));
  await emu.clearFaults();
  await client.cancelJob(job.id);
});

test('the status stream on a hanging route', async () => {
  const job = await slowJob('status');
  await emu.fault({ method: 'GET', path: `/api/jobs/${job.id}/stream*`, ...HANG });
  await abortWhileHanging((signal) => drain(client.streamStatus(job.id, { signal })));
  await emu.clearFaults();
  await client.cancelJob(job.id);
});

test('the lifecycle stream on a hanging route', async () => {
  const job = await slowJob('lifecycle');
  await emu.fault({ method: 'GET', path: `/api/jobs/${job.id}/lifecycle*`, ...HANG });
  await abortWhileHanging((signal) => drain(client.streamLifecycle(job.id, { signal })));
  await emu.clearFaults();
  await client.cancelJob(job.id);
});

test('chat (whole) on a hanging /v1/chat/completions', async () => {
  await emu.fault({ method: 'POST', path: '/v1/chat/completions', ...HANG });
  await abortWhileHanging((signal) => client.chat([{ role: 'user', content: 'hi' }],
    { model: 'mistralai/Mistral-7B-Instruct-v0.2', signal }));
});

test('streamChat on a hanging /v1/chat/completions', async () => {
  await emu.fault({ method: 'POST', path: '/v1/chat/completions', ...HANG });
  await abortWhileHanging((signal) => drain(client.streamChat([{ role: 'user', content: 'hi' }],
    { model: 'mistralai/Mistral-7B-Instruct-v0.2', signal })));
});

test('a batch whose waits hang: aborting stops it, the journal keeps the jobs for a resume', async () => {
  const input = path.join(dir, 'hang.jsonl');
  const lines = [1, 2, 3].map((i) => JSON.stringify({ id: i, job_type: 'llm_inference', duration_minutes: 1, params: { prompt: `SLOW batch ${i}` } }));
  fs.writeFileSync(input, lines.join('\n') + '\n');
  await emu.fault({ method: 'GET', path: '/api/jobs/*', ...HANG });
  const journal = path.join(dir, 'hang.journal');
  const events = [];
  await abortWhileHanging((signal) => client.batch.run(input, { journalPath: journal, concurrency: 3, onEvent: (e) => events.push(e), signal }),
    { after: 1200 });
  assert.ok(events.some((e) => e.type === 'line' && e.status === 'submitted'), 'the batch had submitted before the abort');
  const st = await client.batch.status(journal);
  assert.equal(st.finished, false);
  for (const f of st.in_flight) await client.cancelJob(f.job_id);
});

test('every async method takes { signal }: an aborted one rejects with AbortError and sends nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  const signal = ac.signal;
  const so = { signal };
  const id = 'job-1-abc';
  const msgs = [{ role: 'user', content: 'x' }];
  const calls = {
    me: () => client.me(so),
    register: () => client.register('n', 'e@x.invalid', undefined, so),
    listProviders: () => client.listProviders({}, so),
    submitJob: () => client.submitJob({ jobType: 'llm_inference', durationMinutes: 1, params: {}, signal }),
    getJob: () => client.getJob(id, so),
    getJobStatus: () => client.getJobStatus(id, so),
    getJobOutput: () => client.getJobOutput(id, so),
    waitForJob: () => client.waitForJob(id, so),
    waitReady: () => client.waitReady(id, so),
    getJobLogs: () => client.getJobLogs(id, 0, so),
    streamLogs: () => drain(client.streamLogs(id, so)),
    streamStatus: () => drain(client.streamStatus(id, so)),
    getJobLifecycle: () => client.getJobLifecycle(id, so),
    streamLifecycle: () => drain(client.streamLifecycle(id, so)),
    cancelJob: () => client.cancelJob(id, so),
    saveImage: () => client.saveImage(id, path.join(dir, 'x.png'), so),
    listJobs: () => client.listJobs(5, so),
    getBalance: () => client.getBalance(so),
    getPaymentHistory: () => client.getPaymentHistory(5, so),
    listModels: () => client.listModels({}, so),
    getModel: () => client.getModel('m', so),
    listImages: () => client.listImages(so),
    listTemplates: () => client.listTemplates({}, so),
    templateRequest: () => client.templateRequest('t', { durationMinutes: 1 }, so),
    quote: () => client.quote({ jobType: 'llm_inference', durationMinutes: 1 }, so),
    getUsage: () => client.getUsage(so),
    chat: () => client.chat(msgs, so),
    streamChat: () => drain(client.streamChat(msgs, so)),
    setWebhookUrl: () => client.setWebhookUrl(null, so),
    listWebhooks: () => client.listWebhooks(so),
    registerWebhook: () => client.registerWebhook({ url: 'https://example.invalid/h', secret: 'x'.repeat(16) }, so),
    deleteWebhook: () => client.deleteWebhook(1, so),
    request: () => client.request('GET', '/api/renters/balance', undefined, so),
    'batch.run': () => client.batch.run(path.join(dir, 'none.jsonl'), so),
    'batch.status': () => client.batch.status(path.join(dir, 'none.journal'), so),
    'jobs.submit': () => client.jobs.submit({ jobType: 'llm_inference', durationMinutes: 1, params: {} }, so),
    'jobs.get': () => client.jobs.get(id, so),
    'jobs.wait': () => client.jobs.wait(id, so),
    'jobs.list': () => client.jobs.list(5, so),
    'jobs.cancel': () => client.jobs.cancel(id, so),
    'jobs.getLogs': () => client.jobs.getLogs(id, so),
    'jobs.status': () => client.jobs.status(id, so),
    'jobs.output': () => client.jobs.output(id, so),
    'jobs.lifecycle': () => client.jobs.lifecycle(id, so),
    'providers.list': () => client.providers.list({}, so),
    'providers.get': () => client.providers.get(1, so),
    'wallet.balance': () => client.wallet.balance(so),
    'wallet.me': () => client.wallet.me(so),
    'wallet.history': () => client.wallet.history(5, so),
  };
  const before = await emu.requests();
  for (const [name, call] of Object.entries(calls)) {
    await assert.rejects(call(), (e) => {
      assert.ok(e instanceof dc1.AbortError, `${name}: ${e && e.stack}`);
      return true;
    }, name);
  }
  assert.equal(await emu.requests(), before);
});
