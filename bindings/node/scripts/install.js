#!/usr/bin/env node
'use strict';
// The package's install script. The published tarball carries a prebuilt addon
// (build/dc1_node.node, N-API 8: one build for every Node >= 18) and libdc1 with its libraries
// (lib/libdc1.so, lib/_libs/), so installing compiles nothing. This checks that the addon loads
// in this Node; only when it cannot (another CPU or libc, a Node without N-API 8) does it build
// the addon from src/dc1_node.c with the system C compiler, saying why first. A checkout of
// the repository (no prebuilt addon) builds as before.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const PKG = path.resolve(__dirname, '..');
const ADDON = path.join(PKG, 'build', 'dc1_node.node');

function build(reason) {
  process.stdout.write(`dc1-renter-sdk: ${reason}; building the addon from source (needs a C compiler and node_api.h)\n`);
  const env = { ...process.env, DC1_NODE_REBUILD: '1' };
  const r = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit', env });
  process.exit(r.status === null ? 1 : r.status);
}

if (!fs.existsSync(path.join(PKG, 'lib', '_libs')) && !fs.existsSync(ADDON)) {
  // A checkout (npm install ./bindings/node): no prebuilt files, build.js as ever.
  const r = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}
if (process.env.DC1_NODE_FORCE_BUILD) build('DC1_NODE_FORCE_BUILD is set');
if (!fs.existsSync(ADDON)) build(`the prebuilt addon ${ADDON} is missing`);
try {
  const addon = require(ADDON);
  if (typeof addon.load !== 'function') throw new Error('it has no load()');
} catch (e) {
  build(`the prebuilt addon cannot load in Node ${process.versions.node} (N-API ${process.versions.napi}): ${e.message}`);
}
process.stdout.write(`dc1-renter-sdk: using the prebuilt addon (N-API 8, Node ${process.versions.node}); nothing to compile\n`);
