'use strict';
// examples/node run as written, against the emulator.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { startEmulator, ROOT } = require('./_emulator');

let emu;
let env;
test.before(async () => {
  emu = await startEmulator();
  const r = await emu.renter(50000);
  env = { ...process.env, DC1_BASE_URL: emu.baseUrl, DC1_API_KEY: r.api_key };
});
test.after(async () => { if (emu) await emu.stop(); });

function run(args, cwd) {
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, `${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('examples/node/quickstart.js', () => {
  const out = run([path.join(ROOT, 'examples', 'node', 'quickstart.js')], ROOT);
  assert.match(out, /Balance: \d+\.\d\d SAR/);
  assert.match(out, /status: completed/);
  assert.match(out, /Response: \[emulated\]/);
  assert.match(out, /Cost: [\d.]+ SAR charged \(quoted [\d.]+ SAR\)/);
});

test('examples/node/image.js writes demo-output/output.png, not into the folder it runs in', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-image-'));
  try {
    const out = run([path.join(ROOT, 'examples', 'node', 'image.js')], dir);
    assert.match(out, /Saved .*demo-output\/output\.png \(1024x1024/);
    const png = fs.readFileSync(path.join(dir, 'demo-output', 'output.png'));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.ok(!fs.existsSync(path.join(dir, 'output.png')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
