'use strict';
// The package in Worker threads: each Worker loads the addon in its own environment. Workers
// terminated in the middle of calls — short calls on the addon's pool, a wait, a client with a
// logger posting messages — must not take the process down: the addon stays mapped after the
// last environment that loaded it is gone, and its threads post only to channels that outlive
// the environment. Run in a child process, so that a crash fails this test and not the runner.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { spawnSync } = require('child_process');
const { startEmulator, SDK } = require('./_emulator');

let emu;
let key;

test.before(async () => {
  emu = await startEmulator();
  key = (await emu.renter(7000)).api_key;
});
test.after(async () => {
  if (emu) await emu.stop();
});

const PROGRAM = `
const { Worker, isMainThread, workerData } = require('worker_threads');
if (isMainThread) {
  (async () => {
    const [base, key, mainLoads] = process.argv.slice(2);
    if (mainLoads === 'yes') require(${JSON.stringify(SDK)}).libraryInfo();
    let finished = 0;
    for (let i = 0; i < 12; i++) {
      const w = new Worker(__filename, { workerData: { base, key, logger: i % 2 === 0 } });
      w.on('message', () => { finished += 1; });
      await new Promise((r) => setTimeout(r, 60 + (i % 4) * 50));
      await w.terminate();
    }
    // One more that runs to its end: the package still works in a fresh environment.
    const last = new Worker(__filename, { workerData: { base, key, logger: true, finish: true } });
    const balance = await new Promise((resolve, reject) => { last.on('message', resolve); last.on('error', reject); });
    await last.terminate();
    console.log(JSON.stringify({ balance, finished }));
  })().catch((e) => { console.error(e); process.exit(1); });
} else {
  const { parentPort } = require('worker_threads');
  const dc1 = require(${JSON.stringify(SDK)});
  const options = { apiKey: workerData.key, baseUrl: workerData.base };
  if (workerData.logger) Object.assign(options, { logLevel: 'debug', logger: () => {} });
  const client = new dc1.DC1RenterClient(options);
  if (workerData.finish) {
    client.getBalance().then((b) => parentPort.postMessage(b.balanceHalala));
  } else {
    for (let i = 0; i < 6; i++) client.getBalance().catch(() => {});
    client.waitForJob('job-1-none', { timeout: 5000 }).catch(() => {});
  }
}
`;

function runScenario(mainLoads) {
  const file = path.join(require('os').tmpdir(), `dc1-node-workers-${process.pid}.js`);
  require('fs').writeFileSync(file, PROGRAM);
  try {
    return spawnSync(process.execPath, [file, emu.baseUrl, key, mainLoads], { encoding: 'utf8', timeout: 120000 });
  } finally {
    require('fs').rmSync(file, { force: true });
  }
}

test('Workers terminated mid-call (the addon loaded only by Workers): no crash, a fresh Worker still works', async () => {
  await emu.fault({ method: 'GET', path: '/api/renters/balance', action: 'delay', delay_ms: 250, count: 60 });
  try {
    const r = runScenario('no');
    assert.equal(r.status, 0, `exit ${r.status} signal ${r.signal}\n${r.stdout}\n${r.stderr}`);
    assert.equal(JSON.parse(r.stdout.trim()).balance, 7000);
  } finally {
    await emu.clearFaults();
  }
});

test('Workers terminated mid-call while the main thread uses the package too', async () => {
  await emu.fault({ method: 'GET', path: '/api/renters/balance', action: 'delay', delay_ms: 250, count: 60 });
  try {
    const r = runScenario('yes');
    assert.equal(r.status, 0, `exit ${r.status} signal ${r.signal}\n${r.stdout}\n${r.stderr}`);
    assert.equal(JSON.parse(r.stdout.trim()).balance, 7000);
  } finally {
    await emu.clearFaults();
  }
});
