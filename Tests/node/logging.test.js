'use strict';
// new DC1RenterClient({ logger, logLevel }): the core's log sink (dc1_client_set_logger) in
// JavaScript. Messages come from the core — retries, each HTTP exchange — on the main thread,
// never hold the key, are filtered by level, and a logger that throws does not break a call.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startEmulator, sdk } = require('./_emulator');

const dc1 = sdk();
let emu;
let key;

test.before(async () => {
  emu = await startEmulator();
  key = (await emu.renter(7000)).api_key;
});
test.after(async () => {
  if (emu) await emu.stop();
});

/** Resolves once `pred()` holds, checked on each message; rejects after `ms`. */
function until(messages, pred, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no such message in ${ms} ms: ${JSON.stringify(messages)}`)), ms);
    const check = () => {
      if (pred()) { clearTimeout(t); resolve(); return true; }
      return false;
    };
    if (check()) return;
    messages.notify = () => { if (check()) messages.notify = null; };
  });
}

function collector() {
  const messages = [];
  const logger = (level, message) => {
    messages.push({ level, message });
    if (messages.notify) messages.notify();
  };
  return { messages, logger };
}

test('debug: each HTTP exchange, without the key; info: a retry', async () => {
  const { messages, logger } = collector();
  const client = new dc1.DC1RenterClient({ apiKey: key, baseUrl: emu.baseUrl, logger, logLevel: 'debug', retryBaseMs: 10 });
  try {
    await emu.fault({ method: 'GET', path: '/api/renters/balance', status: 503, count: 1 });
    const b = await client.getBalance();
    assert.equal(b.balanceHalala, 7000);
    await until(messages, () => messages.some((m) => m.level === 'debug' && m.message.includes('/api/renters/balance')));
    await until(messages, () => messages.some((m) => m.level === 'info'));
    for (const m of messages) {
      assert.ok(['debug', 'info', 'warn', 'error'].includes(m.level), m.level);
      assert.equal(typeof m.message, 'string');
      assert.ok(!m.message.includes(key), `the key in a log message: ${m.message}`);
    }
  } finally {
    client.close();
    await emu.clearFaults();
  }
});

test('logLevel filters: warn keeps the HTTP exchanges out', async () => {
  const { messages, logger } = collector();
  const client = new dc1.DC1RenterClient({ apiKey: key, baseUrl: emu.baseUrl, logger, logLevel: 'warn' });
  try {
    await client.getBalance();
    // A debug client on the same process sees its own exchange: when it has, the warn one had
    // every chance to get the message too.
    const other = collector();
    const probe = new dc1.DC1RenterClient({ apiKey: key, baseUrl: emu.baseUrl, logger: other.logger, logLevel: 'debug' });
    await probe.getBalance();
    await until(other.messages, () => other.messages.length > 0);
    probe.close();
    assert.deepEqual(messages.filter((m) => m.level === 'debug' || m.level === 'info'), []);
  } finally {
    client.close();
  }
});

test('a logger that throws does not break the call; bad options are refused', async () => {
  let called;
  const reached = new Promise((resolve) => { called = resolve; });
  const client = new dc1.DC1RenterClient({ apiKey: key, baseUrl: emu.baseUrl, logLevel: 'debug', logger: () => { called(); throw new Error('boom'); } });
  try {
    const b = await client.getBalance();
    assert.equal(b.balanceHalala, 7000);
    await reached; // the logger ran, and threw
    const again = await client.getBalance();
    assert.equal(again.balanceHalala, 7000);
  } finally {
    client.close();
  }
  assert.throws(() => new dc1.DC1RenterClient({ baseUrl: emu.baseUrl, logger: 'console' }), dc1.InvalidArgumentError);
  assert.throws(() => new dc1.DC1RenterClient({ baseUrl: emu.baseUrl, logger() {}, logLevel: 'loud' }), dc1.InvalidArgumentError);
});
