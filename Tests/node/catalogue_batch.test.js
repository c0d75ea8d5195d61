'use strict';
// What Node gained for issue 22 item 3: the catalogue, the job lifecycle and its stream, the
// batch runner and its status, client.interrupt(). Each is one libdc1 call plus conversion.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startEmulator, sdk } = require('./_emulator');

const dc1 = sdk();
let emu;
let client;
let renter;
let dir;

test.before(async () => {
  emu = await startEmulator();
  renter = await emu.renter(500000);
  client = new dc1.DC1Client({ apiKey: renter.api_key, baseUrl: emu.baseUrl, timeoutMs: 20000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-batch-'));
});
test.after(async () => {
  if (client) client.close();
  if (emu) await emu.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function batchFile(name, n, failing = []) {
  const file = path.join(dir, name);
  const lines = [];
  for (let i = 1; i <= n; i++) {
    lines.push(JSON.stringify({
      id: i, job_type: 'llm_inference', duration_minutes: 1,
      params: { prompt: `line ${i}${failing.includes(i) ? ' FAIL' : ''}`, max_tokens: 8 },
    }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('models: the list with live providers joined, one model by id', async () => {
  const all = await client.listModels();
  assert.ok(all.models.length > 0 && all.total === all.models.length);
  assert.ok(all.models.every((m) => Number.isInteger(m.price_halala_per_min)));
  const cached = await client.listModels({ cachedOnly: true });
  assert.ok(cached.models.every((m) => m.live_provider_count >= 1));
  const one = await client.getModel(all.models[0].model_id);
  assert.equal(one.model_id, all.models[0].model_id);
  await assert.rejects(client.getModel('no-such/model-xyz'), dc1.NotFoundError);
  await assert.rejects(client.getModel(''), dc1.InvalidArgumentError);
});

test('images: the registry, then a local refusal of an image it does not list', async () => {
  const reg = await client.listImages();
  assert.ok(reg.images.some((i) => i.image_ref === 'dc1/general-worker:latest'));
  const before = await emu.requests();
  await assert.rejects(client.submitJob({
    jobType: 'custom_container', durationMinutes: 1, params: { image_override: 'evil/miner:latest', script: 'print(1)' },
  }), (e) => e instanceof dc1.ValidationError && e.document.error_code === 'IMAGE_NOT_APPROVED');
  assert.equal(await emu.requests(), before, 'the refusal sent nothing');
});

test('templates: list, build a request, submit it as submitJob options', async () => {
  const { templates } = await client.listTemplates();
  const tpl = templates.find((t) => t.job_type === 'llm_inference');
  assert.ok(tpl, 'an llm_inference template');
  const built = await client.templateRequest(tpl.id, { durationMinutes: 1, params: { prompt: 'Hello' } });
  assert.equal(built.request.job_type, 'llm_inference');
  assert.equal(built.request.params.prompt, 'Hello');
  assert.equal(built.template.id, tpl.id);
  assert.equal(built.options.jobType, 'llm_inference');
  assert.equal(built.options.durationMinutes, 1);
  const job = await client.submitJob(built.options);
  const done = await client.waitForJob(job.id, { timeout: 60000, pollInterval: 200 });
  assert.equal(done.status, 'completed');
  await assert.rejects(client.templateRequest('no-such-template', { durationMinutes: 1 }), dc1.NotFoundError);
});

test('quote: what submit holds, for a provider and for a GPU model', async () => {
  const auto = await client.quote({ jobType: 'llm_inference', durationMinutes: 10 });
  assert.equal(typeof auto.basis, 'string');
  assert.ok(Number.isInteger(auto.cost_halala) && auto.cost_halala > 0);
  const [p] = await client.listProviders({ live: true });
  const byGpu = await client.quote({ jobType: 'llm_inference', durationMinutes: 3, gpuModel: p.gpuModel });
  assert.equal(byGpu.basis, 'gpu');
  assert.ok(Number.isInteger(byGpu.cost_halala));
  const byProvider = await client.quote({ jobType: 'llm_inference', durationMinutes: 3, providerId: p.id });
  const job = await client.submitJob({ providerId: p.id, jobType: 'llm_inference', durationMinutes: 3, params: { prompt: 'Hi' } });
  assert.equal(job.quotedCostHalala, byProvider.cost_halala);
  await assert.rejects(client.quote({ jobType: 'llm_inference', durationMinutes: 0 }), dc1.ValidationError);
});

test('usage: all-time, monthly and 30-day series', async () => {
  const u = await client.getUsage();
  assert.ok(u.all_time && Array.isArray(u.monthly) && Array.isArray(u.last_30_days));
  assert.equal(typeof u.balance_halala, 'number');
});

test('lifecycle: the page and the stream of a finished job', async () => {
  const job = await client.submitJob({ jobType: 'llm_inference', durationMinutes: 1, params: { prompt: 'lifecycle' } });
  await client.waitForJob(job.id, { timeout: 60000, pollInterval: 200 });
  const page = await client.jobs.lifecycle(job.id);
  assert.equal(page.events[0].event_type, 'job.submitted');
  const limited = await client.getJobLifecycle(job.id, { limit: 1 });
  assert.equal(limited.events.length, 1);
  const seen = [];
  const stream = client.streamLifecycle(job.id, { timeout: 30000 });
  for await (const ev of stream) seen.push(ev);
  const res = await stream.result;
  assert.equal(seen[0].event_type, 'job.submitted');
  assert.equal(seen[seen.length - 1].event, 'end');
  assert.equal(res.ended, 'end');
  assert.equal(res.job_id, job.id);
});

test('batch.run: results, events through onEvent, then batch.status from the journal', async () => {
  const input = batchFile('six.jsonl', 6, [4]);
  const journal = path.join(dir, 'six.journal');
  const events = [];
  const out = await client.batch.run(input, {
    journalPath: journal, outPath: path.join(dir, 'six.out.jsonl'), concurrency: 3, maxAttempts: 2,
    onEvent: (ev) => events.push(ev),
  });
  assert.equal(out.lines, 6);
  assert.equal(out.completed, 5);
  assert.equal(out.failed, 1);
  assert.equal(out.all_completed, false);
  const types = new Set(events.map((e) => e.type));
  assert.ok(types.has('line') && types.has('progress'), [...types].join(','));
  const last = events.filter((e) => e.type === 'progress').pop();
  assert.equal(last.done, 5);
  assert.equal(last.failed, 1);
  const results = fs.readFileSync(path.join(dir, 'six.out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(results.map((r) => r.status), ['completed', 'completed', 'completed', 'failed', 'completed', 'completed']);
  const st = await client.batch.status(journal);
  assert.equal(st.completed, 5);
  assert.equal(st.finished, true);
  // Resuming with the same journal runs nothing again.
  const again = await client.batch.run(input, { journalPath: journal });
  assert.equal(again.jobs_created, 0);
  await assert.rejects(client.batch.status(path.join(dir, 'absent.journal')), dc1.NotFoundError);
  await assert.rejects(client.batch.run(''), dc1.InvalidArgumentError);
});

test('interrupt(): every call in flight on the client ends; later calls work', async () => {
  const job = await client.submitJob({ jobType: 'llm_inference', durationMinutes: 1, params: { prompt: 'SLOW interrupt' } });
  const a = client.waitForJob(job.id, { timeout: 60000 });
  const b = client.waitForJob(job.id, { timeout: 60000 });
  setTimeout(() => client.interrupt(), 300);
  await Promise.all([assert.rejects(a, dc1.InterruptedCallError), assert.rejects(b, dc1.InterruptedCallError)]);
  const st = await client.getJobStatus(job.id);
  assert.equal(st.job_id, job.id);
  await client.cancelJob(job.id);
});
