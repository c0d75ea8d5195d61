'use strict';
// Loads the addon (build/dc1_node.node) and, through it, libdc1 — on first use, so that
// requiring the package (for its error classes, say) never fails.
//
// libdc1 is looked for in this order: $DC1_LIBRARY (an absolute path; nothing else is
// tried then), next to the package (lib/libdc1.so*), the repository's build/ (a checkout),
// then the system's search path (libdc1.so.0, as installed by `make install`; /usr/local/lib
// also when ldconfig has not run).
const fs = require('fs');
const path = require('path');
const { LibraryError } = require('./errors');

const PKG = path.resolve(__dirname, '..');
let state = null;

function addonCandidates() {
  const out = [];
  if (process.env.DC1_NODE_ADDON) out.push(process.env.DC1_NODE_ADDON);
  out.push(path.join(PKG, 'build', 'dc1_node.node'));
  return out;
}

function libraryCandidates() {
  const env = process.env.DC1_LIBRARY;
  if (env) return [env];
  const names = ['libdc1.so', 'libdc1.so.0'];
  const out = [];
  for (const dir of [path.join(PKG, 'lib'), path.resolve(PKG, '..', '..', 'build')]) {
    for (const n of names) out.push(path.join(dir, n));
  }
  out.push('libdc1.so.0', 'libdc1.so', '/usr/local/lib/libdc1.so.0');
  return out;
}

function load() {
  if (state) return state;
  const tried = [];
  let addon = null;
  for (const p of addonCandidates()) {
    if (!fs.existsSync(p)) { tried.push(`${p} (absent)`); continue; }
    try {
      addon = require(p);
      break;
    } catch (e) {
      tried.push(`${p}: ${e.message}`);
    }
  }
  if (!addon) {
    throw new LibraryError(
      'dc1-renter-sdk: the native addon is not built. Build it with `npm install` in ' +
      `${PKG} (or \`make node\` in the libdc1 repository); it needs a C compiler and Node's ` +
      `headers (node_api.h). Tried: ${tried.join('; ')}`);
  }
  const env = process.env.DC1_LIBRARY;
  if (env && !path.isAbsolute(env)) {
    throw new LibraryError(`dc1-renter-sdk: DC1_LIBRARY must be an absolute path, got ${JSON.stringify(env)}`);
  }
  const ltried = [];
  let info = null;
  for (const p of libraryCandidates()) {
    const bare = !p.includes('/');
    if (!bare && !fs.existsSync(p)) { ltried.push(`${p} (absent)`); continue; }
    try {
      info = addon.load(p);
      break;
    } catch (e) {
      ltried.push(`${p}: ${e.message}`);
      if (env) break;
    }
  }
  if (!info) {
    throw new LibraryError(
      'dc1-renter-sdk: libdc1 was not found. Build it (`make lib` in the libdc1 repository), ' +
      'install it (`make install`), or set DC1_LIBRARY to the absolute path of libdc1.so. ' +
      `Tried: ${ltried.join('; ')}`);
  }
  state = { addon, info };
  return state;
}

module.exports = { load, libraryCandidates, addonCandidates };
