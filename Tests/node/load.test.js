'use strict';
// Off the event loop: 100 concurrent calls on one client, the event loop's lag while 50 waits
// are pending, and no leak over 20,000 calls.
const test = require('node:test');
const assert = require('node:assert/strict');
const { monitorEventLoopDelay } = require('perf_hooks');
const { startEmulator, sdk } = require('./_emulator');

const dc1 = sdk();
let emu;
let client;
let provider;
let doneJob;

test.before(async () => {
  emu = await startEmulator();
  const r = await emu.renter(90000);
  await emu.control('POST', '/__emulator/quota', { renter_id: r.id, daily_jobs_limit: 1000, monthly_spend_limit_halala: 1000000 });
  client = new dc1.DC1RenterClient({ apiKey: r.api_key, baseUrl: emu.baseUrl, timeoutMs: 30000 });
  [provider] = await client.listProviders();
  const j = await client.submitJob({ providerId: provider.id, jobType: 'llm_inference', params: { prompt: 'load' }, durationMinutes: 1 });
  doneJob = await client.waitForJob(j.id, { timeout: 30000 });
  assert.equal(doneJob.status, 'completed');
});
test.after(async () => {
  if (client) client.close();
  if (emu) await emu.stop();
});

test('100 concurrent getJob calls on one client', async () => {
  const all = await Promise.all(Array.from({ length: 100 }, () => client.getJob(doneJob.id)));
  assert.equal(all.length, 100);
  for (const j of all) {
    assert.equal(j.id, doneJob.id);
    assert.equal(j.status, 'completed');
    assert.equal(j.result.output, doneJob.result.output);
  }
});

test('event-loop lag while 50 waits are pending: p99 < 20 ms', async () => {
  const jobs = [];
  for (let i = 0; i < 50; i += 1) {
    jobs.push(await client.submitJob({ providerId: provider.id, jobType: 'llm_inference', params: { prompt: `SLOW lag ${i}` },
      durationMinutes: 1 }));
  }
  const waits = jobs.map((j) => client.waitForJob(j.id, { timeout: 120000, pollInterval: 200 }));
  await new Promise((r) => setTimeout(r, 300)); // every wait under way
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // Keep the loop doing ordinary work meanwhile: timers and short calls.
  const t0 = Date.now();
  let calls = 0;
  while (Date.now() - t0 < 2500) {
    await client.getJobStatus(jobs[calls % jobs.length].id);
    calls += 1;
    await new Promise((r) => setTimeout(r, 10));
  }
  h.disable();
  const p99 = h.percentile(99) / 1e6;
  const max = h.max / 1e6;
  process.stdout.write(`# event-loop lag with 50 waits pending: p50 ${(h.percentile(50) / 1e6).toFixed(2)} ms, ` +
    `p99 ${p99.toFixed(2)} ms, max ${max.toFixed(2)} ms (${calls} calls meanwhile)\n`);
  for (const j of jobs) await client.cancelJob(j.id);
  const done = await Promise.all(waits);
  assert.ok(done.every((j) => j.status === 'cancelled'), done.map((j) => j.status).join(','));
  assert.ok(p99 < 20, `p99 ${p99} ms`);
});

function mem() {
  const m = process.memoryUsage();
  // RSS, and RSS without the JavaScript heap's reservation (V8 grows it in steps of MiBs as it
  // sees fit: that is not a leak); the second is what native leaks would raise.
  return { rss: m.rss / (1 << 20), native: (m.rss - m.heapTotal) / (1 << 20) };
}

test('no leak over 20,000 calls: RSS growth bounded', async () => {
  const batch = 50;
  const run = async (n) => {
    for (let i = 0; i < n; i += batch) {
      await Promise.all(Array.from({ length: batch }, () => client.getJob(doneJob.id)));
    }
  };
  // (Run with --expose-gc, as Tests/run_all.py does, for the tightest figures.)
  await run(4000); // warm-up: pools, caches, JIT, malloc arenas
  if (global.gc) global.gc();
  const start = mem();
  await run(8000);
  if (global.gc) global.gc();
  const mid = mem();
  await run(12000);
  if (global.gc) global.gc();
  const end = mem();
  const f = (x) => x.toFixed(1);
  process.stdout.write(`# RSS over 20,000 getJob calls: ${f(start.rss)} → ${f(mid.rss)} (8,000) → ${f(end.rss)} MiB ` +
    `(20,000); without the JS heap ${f(start.native)} → ${f(mid.native)} → ${f(end.native)} MiB` +
    `${global.gc ? '' : ' (no --expose-gc)'}\n`);
  // A leak grows with the calls; garbage and pools level off. The last 12,000 calls may not
  // add more than a few MiB outside the JS heap, and the whole run stays bounded.
  assert.ok(end.native - mid.native < 8, `native RSS grew ${f(end.native - mid.native)} MiB over the last 12,000 calls`);
  assert.ok(end.rss - start.rss < 32, `RSS grew ${f(end.rss - start.rss)} MiB`);
});
