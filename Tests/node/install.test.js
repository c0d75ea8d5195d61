'use strict';
// The package installs offline: `npm install ./bindings/node` (a link; its install script
// builds the addon) and `npm pack` + `npm install <tarball>` (a copy that builds its own addon
// from the packed sources and header). And it says clearly what is missing when it cannot load.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { startEmulator, ROOT, SDK } = require('./_emulator');

const npm = (() => {
  const r = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'npm' : null;
})();
const LIB = path.join(ROOT, 'build', 'libdc1.so');
let emu;
let key;
const dirs = [];

test.before(async () => {
  emu = await startEmulator();
  key = (await emu.renter(50000)).api_key;
});
test.after(async () => {
  if (emu) await emu.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmp() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-install-'));
  dirs.push(d);
  return d;
}

function sh(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180000, env: { ...process.env, ...env } });
  return { ...r, all: `${r.stdout}\n${r.stderr}` };
}

const USE = `const { DC1RenterClient } = require('dc1-renter-sdk');
new DC1RenterClient().getBalance().then((b) => console.log('balance', b.balanceSar));`;

test('npm install ./bindings/node works offline, then require("dc1-renter-sdk")', { skip: !npm && 'npm not installed' }, () => {
  const d = tmp();
  const r = sh(npm, ['install', '--offline', '--no-audit', '--no-fund', SDK], d);
  assert.equal(r.status, 0, r.all);
  fs.writeFileSync(path.join(d, 'use.js'), USE);
  const u = sh(process.execPath, ['use.js'], d, { DC1_BASE_URL: emu.baseUrl, DC1_API_KEY: key });
  assert.equal(u.status, 0, u.all);
  assert.match(u.stdout, /balance 500/);
});

test('npm pack gives a tarball that installs offline and builds its addon', { skip: !npm && 'npm not installed' }, () => {
  const d = tmp();
  const p = sh(npm, ['pack', '--pack-destination', d], SDK);
  assert.equal(p.status, 0, p.all);
  const tgz = fs.readdirSync(d).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, p.all);
  const list = sh('tar', ['tzf', path.join(d, tgz)], d).stdout;
  for (const f of ['package/index.js', 'package/index.mjs', 'package/index.d.ts', 'package/src/dc1_node.c', 'package/include/dc1.h']) {
    assert.ok(list.includes(f), `${f} in the tarball`);
  }
  assert.ok(!list.includes('.node'), 'no prebuilt binary');
  const app = path.join(d, 'app');
  fs.mkdirSync(app);
  const i = sh(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(d, tgz)], app);
  assert.equal(i.status, 0, i.all);
  assert.ok(fs.existsSync(path.join(app, 'node_modules', 'dc1-renter-sdk', 'build', 'dc1_node.node')));
  fs.writeFileSync(path.join(app, 'use.js'), USE);
  fs.writeFileSync(path.join(app, 'use.mjs'), `import { DC1RenterClient } from 'dc1-renter-sdk';
console.log('esm', (await new DC1RenterClient().getBalance()).balanceSar);`);
  const env = { DC1_BASE_URL: emu.baseUrl, DC1_API_KEY: key, DC1_LIBRARY: LIB };
  const u = sh(process.execPath, ['use.js'], app, env);
  assert.equal(u.status, 0, u.all);
  assert.match(u.stdout, /balance 500/);
  const m = sh(process.execPath, ['use.mjs'], app, env);
  assert.equal(m.status, 0, m.all);
  assert.match(m.stdout, /esm 500/);
});

test('a clear LibraryError when libdc1 cannot be loaded (where it looked, what to do)', () => {
  const code = `const d = require(${JSON.stringify(SDK)});
try { new d.DC1RenterClient(); } catch (e) { console.log(e instanceof d.LibraryError, e.message); }`;
  const r = sh(process.execPath, ['-e', code], ROOT, { DC1_LIBRARY: '/nonexistent/libdc1.so' });
  assert.equal(r.status, 0, r.all);
  assert.match(r.stdout, /^true /);
  assert.match(r.stdout, /libdc1 was not found/);
  assert.match(r.stdout, /\/nonexistent\/libdc1\.so \(absent\)/);
  assert.match(r.stdout, /make lib/);
  const rel = sh(process.execPath, ['-e', code], ROOT, { DC1_LIBRARY: 'libdc1.so' });
  assert.match(rel.stdout, /DC1_LIBRARY must be an absolute path/);
  // Requiring the package never needs the library: error classes are usable without it.
  const ok = sh(process.execPath, ['-e', `const d = require(${JSON.stringify(SDK)}); console.log(typeof d.JobTimeoutError)`], ROOT,
    { DC1_LIBRARY: '/nonexistent/libdc1.so' });
  assert.match(ok.stdout, /function/);
});

test('a clear LibraryError when the addon is not built', () => {
  const d = tmp();
  fs.cpSync(SDK, path.join(d, 'pkg'), { recursive: true, filter: (src) => !src.includes(`${path.sep}build`) });
  const r = sh(process.execPath, ['-e', `const d = require('./pkg');
try { new d.DC1RenterClient(); } catch (e) { console.log(e.name, e.message); }`], d);
  assert.equal(r.status, 0, r.all);
  assert.match(r.stdout, /LibraryError .*native addon is not built/);
  assert.match(r.stdout, /npm install/);
  assert.match(r.stdout, /dc1_node\.node \(absent\)/);
});

test('DC1_LIBRARY selects the library', () => {
  const real = fs.realpathSync(LIB);
  const r = sh(process.execPath, ['-e', `console.log(require(${JSON.stringify(SDK)}).libraryInfo().path)`], ROOT, { DC1_LIBRARY: real });
  assert.equal(r.stdout.trim(), real);
});
