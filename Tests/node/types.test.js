'use strict';
// index.d.ts under `tsc --strict --noEmit`, with a TypeScript program over the whole public
// surface (Tests/node/types/), from a folder whose node_modules/dc1-renter-sdk is bindings/node,
// so that package.json "exports" ("types", "import", "require") is what resolves it.
// TypeScript comes from Debian: apt-get install -y node-typescript (tsc 4.8). Without it the
// test fails, saying the command; build-support/deps.sh installs it when run as root.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { SDK, ROOT } = require('./_emulator');

const TYPES = path.join(ROOT, 'Tests', 'node', 'types');
const ROOT_USER = typeof process.getuid === 'function' && process.getuid() === 0;
const INSTALL = `${ROOT_USER ? '' : 'sudo '}apt-get install -y node-typescript`;

function findTsc() {
  const candidates = process.env.TSC ? [process.env.TSC]
    : (process.env.PATH || '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'tsc'));
  for (const p of candidates) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return null;
}

const tsc = findTsc();

function project(extra = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-tsc-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(SDK, path.join(dir, 'node_modules', 'dc1-renter-sdk'), 'dir');
  for (const f of fs.readdirSync(TYPES)) fs.copyFileSync(path.join(TYPES, f), path.join(dir, f));
  for (const [f, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

function compile(dir, files) {
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
  if (files) cfg.files = files;
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(cfg));
  return spawnSync(tsc, ['-p', dir], { encoding: 'utf8', timeout: 180000 });
}

function needTsc() {
  assert.ok(tsc, 'TypeScript (tsc) is not installed, so index.d.ts is NOT checked: this counts as a failure, ' +
    `not a skip. Install it with:\n    ${INSTALL}\n(build-support/deps.sh does it when run as root), or set TSC to a tsc binary.`);
}

test('tsc --strict --noEmit: index.d.ts and a program over the whole surface (CommonJS, ESM, .cts)', () => {
  needTsc();
  const dir = project();
  try {
    const r = compile(dir);
    assert.equal(r.status, 0, `tsc found errors:\n${r.stdout}${r.stderr}`);
    const v = spawnSync(tsc, ['--version'], { encoding: 'utf8' });
    assert.match(v.stdout, /Version \d+\.\d+/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the check is live: a program that misuses the surface does not compile', () => {
  needTsc();
  const dir = project({
    'wrong.ts': [
      "import { DC1RenterClient } from 'dc1-renter-sdk';",
      'export async function f(c: DC1RenterClient): Promise<number> {',
      "  await c.waitForJob('job-1', { timeout: '5 minutes' });", // a string where ms go
      "  const q = await c.quote({ jobType: 'llm_inference' });", // durationMinutes missing
      '  return q.cost_sar + c.nope;', // no such member
      '}',
      '',
    ].join('\n'),
  });
  try {
    const r = compile(dir, ['wrong.ts']);
    assert.notEqual(r.status, 0);
    const out = r.stdout + r.stderr;
    assert.match(out, /wrong\.ts\(3,/);
    assert.match(out, /wrong\.ts\(4,/);
    assert.match(out, /wrong\.ts\(5,.*nope/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('index.d.ts declares every method the classes have at run time', () => {
  const dc1 = require(SDK);
  const dts = fs.readFileSync(path.join(SDK, 'index.d.ts'), 'utf8');
  function block(name) {
    const m = new RegExp(`export declare class ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(dts);
    assert.ok(m, `index.d.ts declares no class ${name}`);
    return m[1];
  }
  function methods(proto) {
    return Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor' && !k.startsWith('_'));
  }
  const owners = {
    DC1RenterClient: dc1.DC1RenterClient.prototype,
  };
  // The resource classes are not exported: their methods are read from lib/client.js.
  const resources = {};
  for (const [cls, field] of [['JobsResource', 'jobs'], ['ProvidersResource', 'providers'], ['WalletResource', 'wallet'], ['BatchResource', 'batch']]) {
    const src = fs.readFileSync(path.join(SDK, 'lib', 'client.js'), 'utf8');
    const m = new RegExp(`class ${cls} \\{([\\s\\S]*?)\\n\\}`).exec(src);
    assert.ok(m, `lib/client.js has no class ${cls} (${field})`);
    resources[cls] = [...m[1].matchAll(/^ {2}(?:async )?([a-zA-Z]\w*)\(/gm)].map((x) => x[1]).filter((n) => n !== 'constructor');
  }
  for (const [cls, proto] of Object.entries(owners)) {
    const body = block(cls);
    for (const name of methods(proto)) assert.match(body, new RegExp(`\\b${name}\\b`), `${cls}.${name} is not declared in index.d.ts`);
  }
  for (const [cls, names] of Object.entries(resources)) {
    const body = block(cls);
    for (const name of names) assert.match(body, new RegExp(`\\b${name}\\(`), `${cls}.${name} is not declared in index.d.ts`);
  }
  for (const name of Object.keys(dc1)) {
    if (name === 'default') continue;
    assert.match(dts, new RegExp(`export declare (?:const|class|function) ${name}\\b`), `export ${name} is not declared`);
  }
});
