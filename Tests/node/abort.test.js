'use strict';
// { signal } on every call: aborting ends THAT call only, with an AbortError.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startEmulator, sdk } = require('./_emulator');

const dc1 = sdk();
let emu;
let client;
let provider;

test.before(async () => {
  emu = await startEmulator();
  const r = await emu.renter(50000);
  client = new dc1.DC1RenterClient({ apiKey: r.api_key, baseUrl: emu.baseUrl, timeoutMs: 20000 });
  [provider] = await client.listProviders();
});
test.after(async () => {
  if (client) client.close();
  if (emu) await emu.stop();
});

function slowJob(tag) {
  return client.submitJob({ providerId: provider.id, jobType: 'llm_inference', params: { prompt: `SLOW ${tag}` }, durationMinutes: 1 });
}

function isAbort(e) {
  assert.equal(e.name, 'AbortError');
  assert.equal(e.code, 'ABORT_ERR');
  assert.ok(e instanceof dc1.AbortError);
  assert.ok(e instanceof dc1.InterruptedCallError);
  assert.ok(e instanceof dc1.DC1Error);
  return true;
}

test('an already aborted signal rejects at once and sends nothing', async () => {
  const before = await emu.requests();
  const ac = new AbortController();
  ac.abort(new Error('no longer needed'));
  await assert.rejects(client.getBalance({ signal: ac.signal }), (e) => isAbort(e) && e.cause.message === 'no longer needed');
  await assert.rejects(client.getJob('job-1-x', { signal: ac.signal }), isAbort);
  await assert.rejects(client.waitForJob('job-1-x', { signal: ac.signal }), isAbort);
  assert.equal(await emu.requests(), before);
});

test('abort a slow getJob: that call ends promptly, a concurrent call on the same client goes on', async () => {
  const job = await slowJob('get');
  await emu.fault({ path: `/api/jobs/${job.id}`, action: 'delay', delay_ms: 3000, count: 2 });
  const ac = new AbortController();
  const t0 = Date.now();
  const aborted = client.getJob(job.id, { signal: ac.signal });
  const other = client.getJob(job.id); // the second delayed request: ~3 s, not interrupted
  setTimeout(() => ac.abort(), 200);
  await assert.rejects(aborted, isAbort);
  const tookAbort = Date.now() - t0;
  assert.ok(tookAbort < 1500, `the aborted call took ${tookAbort} ms`);
  const j = await other;
  assert.equal(j.id, job.id);
  assert.ok(Date.now() - t0 >= 2500, 'the other call ran to its end');
  await emu.clearFaults();
  await client.cancelJob(job.id);
});

test('abort one waitForJob: only that wait ends; another wait on the same client completes', async () => {
  const a = await slowJob('wait-a');
  const b = await slowJob('wait-b');
  const ac = new AbortController();
  const t0 = Date.now();
  const waitA = client.waitForJob(a.id, { signal: ac.signal, timeout: 60000 });
  const waitB = client.waitForJob(b.id, { timeout: 60000 });
  setTimeout(() => ac.abort(), 300);
  await assert.rejects(waitA, isAbort);
  const took = Date.now() - t0;
  assert.ok(took < 2000, `the aborted wait took ${took} ms`);
  await client.cancelJob(b.id); // waitB must still be pending, and see the cancellation
  const doneB = await waitB;
  assert.equal(doneB.status, 'cancelled');
  await client.cancelJob(a.id);
});

test('abort a log stream iterator', async () => {
  const job = await slowJob('logs');
  const ac = new AbortController();
  const seen = [];
  setTimeout(() => ac.abort(), 400);
  await assert.rejects((async () => {
    for await (const line of client.streamLogs(job.id, { signal: ac.signal })) seen.push(line);
  })(), isAbort);
  await client.cancelJob(job.id);
});

test('breaking out of a stream stops it; the client stays usable', async () => {
  const job = await slowJob('break');
  let n = 0;
  for await (const line of client.streamLogs(job.id)) {
    assert.ok(line.lineNo >= 1);
    n += 1;
    break;
  }
  assert.equal(n, 1);
  const st = await client.getJobStatus(job.id);
  assert.equal(st.status, 'running');
  await client.cancelJob(job.id);
});

test('a signal that fires after the call finished changes nothing', async () => {
  const ac = new AbortController();
  const b = await client.getBalance({ signal: ac.signal });
  ac.abort();
  assert.ok(b.balanceHalala > 0);
  const again = await client.getBalance();
  assert.ok(again.balanceHalala > 0);
});

test('a non-signal is rejected as InvalidArgumentError', async () => {
  await assert.rejects(client.getBalance({ signal: 42 }), dc1.InvalidArgumentError);
});
