'use strict';
// Issue 25 from Node: submitJob (the official SDK's surface) warns and keeps running what the
// official SDK sent; 'strict' rejects with nothing sent; advice names Node's own options.
const test = require('node:test');
const assert = require('node:assert');
const { startEmulator, sdk } = require('./_emulator.js');

const dc1 = sdk();
let emu, renter;
test.before(async () => {
  emu = await startEmulator();
  renter = await emu.renter(50000);
});
test.after(async () => { if (emu) await emu.stop(); });

async function created() {
  const c = await emu.control('GET', '/__emulator/counters');
  return (c.jobs_created_by_renter || {})[String(renter.id)] || 0;
}

test('an uncatalogued model runs, with a process warning', async () => {
  const c = new dc1.DC1RenterClient({ apiKey: renter.api_key, baseUrl: emu.baseUrl });
  const warnings = [];
  const onWarning = (w) => { if (w.code === 'DC1_SUBMIT_CHECK') warnings.push(w.message); };
  process.on('warning', onWarning);
  const before = await created();
  const job = await c.submitJob({ jobType: 'llm_inference', params: { prompt: 'hi', model: 'llama3' }, durationMinutes: 1 });
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  assert.equal(await created(), before + 1);
  assert.ok(job.checkWarnings.some((w) => w.field === 'params.model'));
  assert.ok(warnings.some((m) => m.includes('params.model')), warnings.join('\n'));
  c.close();
});

test("check 'strict' rejects and sends nothing", async () => {
  const c = new dc1.DC1RenterClient({ apiKey: renter.api_key, baseUrl: emu.baseUrl });
  const before = await created();
  await assert.rejects(
    c.submitJob({ jobType: 'llm_inference', params: { prompt: 'hi', max_tokens: 'abc' }, durationMinutes: 1, check: 'strict' }),
    (e) => e instanceof dc1.ValidationError && e.fields.some((f) => f.field === 'params.max_tokens'));
  assert.equal(await created(), before);
  c.close();
});

test('advice names Node options', async () => {
  const c = new dc1.DC1RenterClient({ apiKey: '', baseUrl: emu.baseUrl });
  await assert.rejects(c.getBalance(), (e) => e.message.includes('apiKey') && !e.message.includes('api_key option'));
  c.close();
});
