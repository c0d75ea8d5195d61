'use strict';
// "Code written for the official SDK runs unchanged": the documented surface of the official
// Node SDK (package dc1-renter-sdk) — class names, method names, option names such as
// `pollInterval`, the shapes of what comes back and the error classes — exercised by programs
// written for this project. Each program is user code: it runs in a child process from a folder
// whose node_modules/dc1-renter-sdk is bindings/node, takes its base URL from DC1_BASE_URL (the
// official client's option `baseUrl` is also tested) and talks to the emulator.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { startEmulator, SDK } = require('./_emulator');

let emu;
let dir;
let key;

test.before(async () => {
  emu = await startEmulator();
  key = (await emu.renter(40000)).api_key;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-compat-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(SDK, path.join(dir, 'node_modules', 'dc1-renter-sdk'), 'dir');
});
test.after(async () => {
  if (emu) await emu.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `lines` as a program named `name` (.mjs: an ES module, .cjs: CommonJS); its stdout
 * must be JSON, which is returned parsed. */
function run(name, lines, env = {}) {
  fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
  const r = spawnSync(process.execPath, [name], {
    cwd: dir, encoding: 'utf8', timeout: 120000,
    env: { ...process.env, DC1_BASE_URL: emu.baseUrl, DC1_API_KEY: '', ...env },
  });
  assert.equal(r.status, 0, `${name} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('the flat client: listProviders, submitJob, waitForJob, the result and its cost (ESM)', () => {
  const r = run('flow.mjs', [
    "import { DC1RenterClient } from 'dc1-renter-sdk';",
    'const api = new DC1RenterClient({ apiKey: process.env.MY_KEY });',
    'const gpus = await api.listProviders();',
    'const chosen = gpus[0];',
    'const submitted = await api.submitJob({',
    "  providerId: chosen.id, jobType: 'llm_inference', durationMinutes: 3, priority: 3,",
    "  params: { prompt: 'Name three rivers of Arabia', model: 'microsoft/phi-2' },",
    '});',
    'const seen = [];',
    'const finished = await api.waitForJob(submitted.id, { timeout: 120_000, pollInterval: 500, onProgress: (s) => seen.push(s) });',
    'console.log(JSON.stringify({',
    '  provider: { id: typeof chosen.id, name: typeof chosen.name, gpuModel: typeof chosen.gpuModel, vramGb: typeof chosen.vramGb,',
    '              vramMib: typeof chosen.vramMib, reliabilityScore: typeof chosen.reliabilityScore, status: chosen.status },',
    '  submitted: { id: submitted.id, status: submitted.status, costHalala: typeof submitted.costHalala },',
    '  seen, status: finished.status, output: finished.result?.output, costSar: typeof finished.costSar,',
    '  exec: typeof finished.executionTimeSec,',
    '}));',
  ], { MY_KEY: key });
  assert.deepEqual(r.provider, { id: 'number', name: 'string', gpuModel: 'string', vramGb: 'number', vramMib: 'number', reliabilityScore: 'number', status: 'online' });
  assert.match(r.submitted.id, /^job-/);
  assert.equal(r.submitted.costHalala, 'number');
  assert.equal(r.status, 'completed');
  assert.equal(r.seen[r.seen.length - 1], 'completed');
  assert.match(r.output, /\[emulated\]/);
  assert.equal(r.costSar, 'number');
  assert.equal(r.exec, 'number');
});

test('provider filters, logs (all and after a line), balance, payment history, me, cancel (CommonJS)', () => {
  const r = run('account.cjs', [
    "const { DC1RenterClient } = require('dc1-renter-sdk');",
    'async function main() {',
    '  const api = new DC1RenterClient({ apiKey: process.env.MY_KEY, baseUrl: process.env.DC1_BASE_URL });',
    '  const big = await api.listProviders({ minVramGb: 24 });',
    "  const named = await api.listProviders({ gpuModel: 'rtx' });",
    "  const j = await api.submitJob({ providerId: big[0].id, jobType: 'llm_inference', params: { prompt: 'count to five' }, durationMinutes: 1 });",
    '  await api.waitForJob(j.id, { pollInterval: 300 });',
    '  const every = await api.getJobLogs(j.id);',
    '  const later = await api.getJobLogs(j.id, 1);',
    '  const bal = await api.getBalance();',
    '  const hist = await api.getPaymentHistory(10);',
    '  const who = await api.me();',
    "  const pending = await api.submitJob({ providerId: big[0].id, jobType: 'llm_inference', params: { prompt: 'SLOW cancel me' }, durationMinutes: 1 });",
    '  const gone = await api.cancelJob(pending.id);',
    '  return {',
    '    big: big.every((p) => p.vramGb >= 24), named: named.every((p) => /rtx/i.test(p.gpuModel)),',
    '    logs: [every.length, later.every((l) => l.lineNo > 1), typeof every[0].message, typeof every[0].level],',
    '    bal: [typeof bal.balanceSar, typeof bal.heldSar, typeof bal.balanceHalala],',
    '    hist: hist.jobs.map((h) => [h.jobType, typeof h.costSar, h.status]),',
    '    who: [who.email.includes("@"), typeof who.balanceSar],',
    '    cancel: [gone.success, gone.jobId === pending.id],',
    '  };',
    '}',
    'main().then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });',
  ], { MY_KEY: key });
  assert.equal(r.big, true);
  assert.equal(r.named, true);
  assert.ok(r.logs[0] >= 2);
  assert.deepEqual(r.logs.slice(1), [true, 'string', 'string']);
  assert.deepEqual(r.bal, ['number', 'number', 'number']);
  assert.ok(r.hist.some(([t, c, s]) => t === 'llm_inference' && c === 'number' && s === 'completed'));
  assert.deepEqual(r.who, [true, 'number']);
  assert.deepEqual(r.cancel, [true, true]);
});

test('the error classes: JobTimeoutError (jobId, timeoutMs), AuthError, APIError (statusCode, response), all DC1Errors', () => {
  const r = run('errors.mjs', [
    "import { DC1RenterClient, DC1Error, APIError, AuthError, JobTimeoutError } from 'dc1-renter-sdk';",
    'const api = new DC1RenterClient({ apiKey: process.env.MY_KEY });',
    'const [gpu] = await api.listProviders();',
    "const slow = await api.submitJob({ providerId: gpu.id, jobType: 'llm_inference', params: { prompt: 'SLOW timeout' }, durationMinutes: 1 });",
    'const out = {};',
    'try {',
    '  await api.waitForJob(slow.id, { timeout: 800, pollInterval: 200 });',
    '  out.timeout = "resolved";',
    '} catch (err) {',
    '  out.timeout = [err instanceof JobTimeoutError, err instanceof DC1Error, err.jobId === slow.id, err.timeoutMs, err.name];',
    '  await api.cancelJob(err.jobId);',
    '}',
    "const stranger = new DC1RenterClient({ apiKey: 'dc1-renter-not-a-real-key' });",
    'try {',
    '  await stranger.getBalance();',
    '} catch (err) {',
    '  out.auth = [err instanceof AuthError, err instanceof APIError, err instanceof DC1Error, err.statusCode, err.name];',
    '}',
    'try {',
    "  await api.getJob('job-404-nowhere');",
    '} catch (err) {',
    '  out.api = [err instanceof APIError, err instanceof DC1Error, err.statusCode, typeof err.response, typeof err.message];',
    '}',
    'console.log(JSON.stringify(out));',
  ], { MY_KEY: key });
  assert.deepEqual(r.timeout, [true, true, true, 800, 'JobTimeoutError']);
  assert.equal(r.auth[0], true);
  assert.equal(r.auth[1], true);
  assert.equal(r.auth[2], true);
  assert.ok([401, 403, 404].includes(r.auth[3]), `statusCode ${r.auth[3]}`);
  assert.equal(r.auth[4], 'AuthError');
  assert.deepEqual(r.api, [true, true, 404, 'object', 'string']);
});

test('the resource client: DC1Client with providers.list, jobs.submit, jobs.wait (timeoutMs, pollIntervalMs), wallet.balance', () => {
  const r = run('resources.mjs', [
    "import { DC1Client } from 'dc1-renter-sdk';",
    'const dc1 = new DC1Client({ apiKey: process.env.MY_KEY });',
    'const list = await dc1.providers.list();',
    'const one = await dc1.providers.get(list[0].id);',
    "const j = await dc1.jobs.submit({ jobType: 'llm_inference', providerId: one.id, durationMinutes: 2, params: { prompt: 'a short poem about dates' } });",
    'const a = await dc1.jobs.wait(j.id);',
    'const b = await dc1.jobs.wait(j.id, { timeoutMs: 60_000, pollIntervalMs: 250 });',
    'const w = await dc1.wallet.balance();',
    'console.log(JSON.stringify({ gpu: typeof one.gpuModel, a: a.status, text: a.result?.output, b: b.status, sar: typeof w.balanceSar }));',
  ], { MY_KEY: key });
  assert.equal(r.gpu, 'string');
  assert.equal(r.a, 'completed');
  assert.match(r.text, /\[emulated\]/);
  assert.equal(r.b, 'completed');
  assert.equal(r.sar, 'number');
});

test('the key from the environment (DC1_API_KEY) and a numeric priority as documented (1 high … 3 low)', () => {
  const r = run('env.cjs', [
    "const sdk = require('dc1-renter-sdk');",
    '(async () => {',
    '  const api = new sdk.DC1RenterClient();',
    '  const [p] = await api.listProviders();',
    '  const jobs = [];',
    "  for (const priority of [1, 2, 3]) jobs.push(await api.submitJob({ providerId: p.id, jobType: 'llm_inference', params: { prompt: `p${priority}` }, durationMinutes: 1, priority }));",
    '  const done = await Promise.all(jobs.map((j) => api.waitForJob(j.id, { pollInterval: 300 })));',
    '  console.log(JSON.stringify(done.map((d) => d.status)));',
    '})().catch((e) => { console.error(e); process.exit(1); });',
  ], { DC1_API_KEY: key });
  assert.deepEqual(r, ['completed', 'completed', 'completed']);
});
