#!/usr/bin/env node
'use strict';
// Builds the N-API addon (build/dc1_node.node) with the system C compiler: no node-gyp, no
// download. Run by `npm install` (the package's install script) and by `make node`.
//
// Needs: a C compiler (CC, default cc), Node's headers (node_api.h; NODE_INCLUDE_DIR to
// point at them, otherwise next to this node or /usr/include/node), and libdc1's header
// dc1.h (DC1_INCLUDE_DIR, otherwise the repository's include/ or /usr/local/include,
// /usr/include). libdc1.so itself is loaded at run time (see lib/native.js), so it is not
// needed to build.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const PKG = path.resolve(__dirname, '..');
const OUT_DIR = path.join(PKG, 'build');
const OUT = path.join(OUT_DIR, 'dc1_node.node');
const SRC = path.join(PKG, 'src', 'dc1_node.c');

function firstWith(dirs, file) {
  for (const d of dirs) {
    if (d && fs.existsSync(path.join(d, file))) return d;
  }
  return null;
}

function fail(msg) {
  process.stderr.write(`dc1-renter-sdk: cannot build the native addon: ${msg}\n`);
  process.exit(1);
}

const nodePrefix = path.resolve(path.dirname(process.execPath), '..');
const nodeDirs = [
  process.env.NODE_INCLUDE_DIR,
  path.join(nodePrefix, 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
];
const nodeInc = firstWith(nodeDirs, 'node_api.h');
if (!nodeInc) {
  fail(`node_api.h not found (looked in ${nodeDirs.filter(Boolean).join(', ')}). ` +
    'Install Node\'s headers (Debian: apt-get install libnode-dev) or set NODE_INCLUDE_DIR.');
}
// In the libdc1 repository its include/ wins over a copy packed earlier (npm pack).
const REPO = path.resolve(PKG, '..', '..');
const inRepo = fs.existsSync(path.join(REPO, 'include', 'dc1.h')) && fs.existsSync(path.join(REPO, 'Package.swift'));
const dc1Dirs = [
  process.env.DC1_INCLUDE_DIR,
  inRepo ? path.join(REPO, 'include') : null,
  path.join(PKG, 'include'),
  '/usr/local/include',
  '/usr/include',
];
const dc1Inc = firstWith(dc1Dirs, 'dc1.h');
if (!dc1Inc) {
  fail(`dc1.h not found (looked in ${dc1Dirs.filter(Boolean).join(', ')}). ` +
    'Install libdc1 (`make install` in its repository) or set DC1_INCLUDE_DIR.');
}

function stale() {
  if (process.env.DC1_NODE_REBUILD) return true;
  try {
    const out = fs.statSync(OUT).mtimeMs;
    return [SRC, path.join(dc1Inc, 'dc1.h'), __filename].some((f) => fs.statSync(f).mtimeMs > out);
  } catch {
    return true;
  }
}

if (!stale()) {
  process.stdout.write(`dc1-renter-sdk: ${path.relative(process.cwd(), OUT) || OUT} is up to date\n`);
  process.exit(0);
}

fs.mkdirSync(OUT_DIR, { recursive: true });
const cc = process.env.CC || 'cc';
const tmp = `${OUT}.tmp-${process.pid}`;
const args = [
  '-std=c11', '-O2', '-g', '-fPIC', '-shared', '-Wall', '-Wextra', '-Wno-unused-parameter',
  '-fvisibility=hidden', '-D_GNU_SOURCE',
  '-I', nodeInc, '-I', dc1Inc, SRC, '-o', tmp, '-ldl', '-lpthread',
];
process.stdout.write(`dc1-renter-sdk: ${cc} ${args.join(' ')}\n`);
const r = spawnSync(cc, args, { stdio: 'inherit' });
if (r.error) fail(`${cc}: ${r.error.message} (set CC to a C compiler)`);
if (r.status !== 0) {
  try { fs.unlinkSync(tmp); } catch { /* nothing */ }
  fail(`${cc} exited with ${r.status}`);
}
fs.renameSync(tmp, OUT); // atomic: a running process keeps the old file
process.stdout.write(`dc1-renter-sdk: built ${OUT}\n`);
