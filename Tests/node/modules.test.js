'use strict';
// The package's two entries, as a user's program reaches them through package.json "exports":
// `import { DC1RenterClient } from 'dc1-renter-sdk'` (index.mjs) and
// `require('dc1-renter-sdk')` (index.js). Both run against the emulator from a folder whose
// node_modules/dc1-renter-sdk is bindings/node, and hand out the very same objects.
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
  key = (await emu.renter(12345)).api_key;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-modules-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(SDK, path.join(dir, 'node_modules', 'dc1-renter-sdk'), 'dir');
});
test.after(async () => {
  if (emu) await emu.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function run(name, code) {
  fs.writeFileSync(path.join(dir, name), code);
  const r = spawnSync(process.execPath, [name], {
    cwd: dir, encoding: 'utf8', timeout: 60000,
    env: { ...process.env, DC1_BASE_URL: emu.baseUrl, DC1_API_KEY: key },
  });
  assert.equal(r.status, 0, `${name} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

test('ESM: named imports, the default export, a call through the addon', () => {
  const out = run('esm.mjs', [
    "import { DC1RenterClient, AbortError, VERSION } from 'dc1-renter-sdk';",
    "import sdk from 'dc1-renter-sdk';",
    "import * as ns from 'dc1-renter-sdk';",
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    "const cjs = require('dc1-renter-sdk');",
    'const client = new DC1RenterClient();',
    'const b = await client.getBalance();',
    'client.close();',
    'const names = Object.keys(cjs).filter((k) => k !== "default").sort();',
    'const missing = names.filter((k) => ns[k] !== cjs[k]);',
    'console.log(JSON.stringify({ balance: b.balanceHalala, same: DC1RenterClient === cjs.DC1RenterClient && sdk === cjs,',
    '  abort: new AbortError() instanceof cjs.DC1Error, version: VERSION, missing, n: names.length }));',
  ].join('\n'));
  const r = JSON.parse(out);
  assert.equal(r.balance, 12345);
  assert.equal(r.same, true);
  assert.equal(r.abort, true);
  assert.deepEqual(r.missing, [], 'index.mjs exports every name of index.js, the same objects');
  assert.ok(r.n > 30);
  assert.equal(r.version, require(path.join(SDK, 'package.json')).version);
});

test('CommonJS: require, destructuring, .default, package.json', () => {
  const out = run('cjs.cjs', [
    "const dc1 = require('dc1-renter-sdk');",
    "const { DC1Client } = require('dc1-renter-sdk');",
    "const pkg = require('dc1-renter-sdk/package.json');",
    '(async () => {',
    '  const client = new DC1Client();',
    '  const w = await client.wallet.balance();',
    '  client.close();',
    '  console.log(JSON.stringify({ balance: w.balanceHalala, dflt: dc1.default === dc1, name: pkg.name }));',
    '})().catch((e) => { console.error(e); process.exit(1); });',
  ].join('\n'));
  const r = JSON.parse(out);
  assert.deepEqual(r, { balance: 12345, dflt: true, name: 'dc1-renter-sdk' });
});

test('"exports" keeps the internals private, from both module systems', () => {
  const out = run('private.mjs', [
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    'const codes = [];',
    "try { await import('dc1-renter-sdk/lib/client.js'); } catch (e) { codes.push(e.code); }",
    "try { require('dc1-renter-sdk/lib/client.js'); } catch (e) { codes.push(e.code); }",
    'console.log(codes.join(","));',
  ].join('\n'));
  assert.equal(out, 'ERR_PACKAGE_PATH_NOT_EXPORTED,ERR_PACKAGE_PATH_NOT_EXPORTED');
});
