'use strict';
// Waits to every end (completed, failed, cancelled, timeout) and the error classes.
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
  client = new dc1.DC1RenterClient({ apiKey: r.api_key, baseUrl: emu.baseUrl, timeoutMs: 15000 });
  [provider] = await client.listProviders();
});
test.after(async () => {
  if (client) client.close();
  if (emu) await emu.stop();
});

function submit(prompt, extra = {}) {
  return client.submitJob({ providerId: provider.id, jobType: 'llm_inference', params: { prompt }, durationMinutes: 1, ...extra });
}

test('wait to failed: resolves with the failed job (status, error), like the official wait', async () => {
  const job = await submit('please FAIL');
  const done = await client.waitForJob(job.id, { timeout: 30000 });
  assert.equal(done.status, 'failed');
  assert.equal(done.isDone, true);
  assert.equal(done.result, null);
  assert.ok(done.error);
});

test('wait to cancelled: a wait pending on a running job ends when the job is cancelled', async () => {
  const job = await submit('SLOW then cancelled');
  const statuses = [];
  const waiting = client.waitForJob(job.id, { timeout: 60000, onProgress: (s) => statuses.push(s) });
  await new Promise((r) => setTimeout(r, 300));
  await client.cancelJob(job.id);
  const done = await waiting;
  assert.equal(done.status, 'cancelled');
  assert.equal(statuses[statuses.length - 1], 'cancelled');
});

test('timeout → JobTimeoutError with jobId, timeoutMs and the last state', async () => {
  const job = await submit('SLOW for the timeout');
  const t0 = Date.now();
  await assert.rejects(client.waitForJob(job.id, { timeout: 700, pollInterval: 100 }), (e) => {
    assert.ok(e instanceof dc1.JobTimeoutError);
    assert.ok(e instanceof dc1.DC1Error);
    assert.equal(e.name, 'JobTimeoutError');
    assert.equal(e.jobId, job.id);
    assert.equal(e.timeoutMs, 700);
    assert.match(e.message, /did not complete within 700ms/);
    assert.ok(e.job && ['running', 'pending', 'queued', 'assigned'].includes(e.job.status), JSON.stringify(e.job));
    return true;
  });
  const took = Date.now() - t0;
  assert.ok(took >= 600 && took < 5000, `took ${took} ms`);
  await client.cancelJob(job.id);
});

test('wrong key → AuthError (an APIError and a DC1Error)', async () => {
  const bad = new dc1.DC1RenterClient({ apiKey: 'dc1-renter-not-a-real-key', baseUrl: emu.baseUrl });
  await assert.rejects(bad.getBalance(), (e) => {
    assert.ok(e instanceof dc1.AuthError);
    assert.ok(e instanceof dc1.APIError);
    assert.ok(e instanceof dc1.DC1Error);
    assert.equal(e.code, 'DC1_E_AUTH');
    assert.ok([401, 403, 404].includes(e.statusCode));
    assert.equal(e.statusCode, e.httpStatus);
    assert.ok(e.requestId, 'requestId set');
    assert.ok(!e.message.includes('not-a-real-key'), 'the key never appears in messages');
    return true;
  });
  await assert.rejects(bad.listJobs(), dc1.AuthError);
  bad.close();
});

test('bad job ids fail before any request', async () => {
  const before = await emu.requests();
  for (const id of ['../etc/passwd', 'job 1', 'a/b', 'x?y=1', '%2e%2e', '', '..']) {
    await assert.rejects(Promise.resolve().then(() => client.getJob(id)), (e) => {
      assert.ok(e instanceof dc1.InvalidArgumentError, `${JSON.stringify(id)}: ${e}`);
      assert.equal(e.code, 'DC1_E_INVALID_ARGUMENT');
      return true;
    });
  }
  for (const id of [null, undefined, {}, true, -1, 1.5]) {
    await assert.rejects(client.getJob(id), dc1.InvalidArgumentError); // a rejected Promise, never a throw
  }
  await assert.rejects(client.cancelJob('bad/id'), dc1.InvalidArgumentError);
  await assert.rejects(client.waitForJob('bad id'), dc1.InvalidArgumentError);
  assert.equal(await emu.requests(), before, 'no request reached the server');
});

test('unknown job → NotFoundError with statusCode 404', async () => {
  await assert.rejects(client.getJob('job-0-nope'), (e) => {
    assert.ok(e instanceof dc1.NotFoundError);
    assert.ok(e instanceof dc1.APIError);
    assert.equal(e.statusCode, 404);
    return true;
  });
});

test('local schema check → ValidationError with fields, nothing sent', async () => {
  const before = await emu.requests();
  await assert.rejects(client.submitJob({ providerId: provider.id, jobType: 'llm_inference', params: { prompt: 'x' },
    durationMinutes: 99999 }), (e) => {
    assert.ok(e instanceof dc1.ValidationError);
    assert.ok(e.fields.some((f) => f.field === 'duration_minutes'), JSON.stringify(e.fields));
    return true;
  });
  assert.equal(await emu.requests(), before);
});

test('402 → InsufficientBalanceError with the shortfall', async () => {
  const poor = await emu.renter(1);
  const c = new dc1.DC1RenterClient({ apiKey: poor.api_key, baseUrl: emu.baseUrl });
  await assert.rejects(c.submitJob({ providerId: provider.id, jobType: 'llm_inference', params: { prompt: 'x' },
    durationMinutes: 10 }), (e) => {
    assert.ok(e instanceof dc1.InsufficientBalanceError);
    assert.equal(e.statusCode, 402);
    assert.ok(e.shortfallHalala > 0);
    return true;
  });
  c.close();
});

test('5xx after retries → ServerError; 429 → RateLimitError with retryAfterMs', async () => {
  await emu.fault({ path: '/api/renters/balance', count: 10, status: 500, body: '{"error":"boom"}' });
  await assert.rejects(client.getBalance(), (e) => e instanceof dc1.ServerError && e.statusCode === 500 && e.response.error === 'boom');
  await emu.clearFaults();
  const c = new dc1.DC1RenterClient({ apiKey: client._apiKey, baseUrl: emu.baseUrl, maxRetries: 0 });
  await emu.fault({ path: '/api/renters/balance', status: 429, headers: { 'Retry-After': '7' }, body: '{"error":"Rate limit exceeded"}' });
  await assert.rejects(c.getBalance(), (e) => e instanceof dc1.RateLimitError && e.retryAfterMs === 7000);
  await emu.clearFaults();
  c.close();
});

test('connection refused → NetworkError (an APIError, as in the official SDK)', async () => {
  const c = new dc1.DC1RenterClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
  await assert.rejects(c.getBalance(), (e) => e instanceof dc1.NetworkError && e instanceof dc1.APIError && e.statusCode === 0);
  c.close();
});

test('the documented error handling of the official SDK: a timeout, then cancel by e.jobId', async () => {
  const job = await submit('SLOW for the snippet');
  let cancelled = false;
  try {
    await client.waitForJob(job.id, { timeout: 500 });
  } catch (e) {
    if (e instanceof dc1.JobTimeoutError) {
      await client.cancelJob(e.jobId);
      cancelled = true;
    } else if (e instanceof dc1.AuthError) {
      assert.fail('auth');
    } else if (e instanceof dc1.APIError) {
      assert.fail(`API error ${e.statusCode}`);
    }
  }
  assert.equal(cancelled, true);
});
