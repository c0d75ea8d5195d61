'use strict';
// Written once, in include/dc1.h: the error codes and the version. The package agrees.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { ROOT, SDK, sdk } = require('./_emulator');

const HEADER = fs.readFileSync(path.join(ROOT, 'include', 'dc1.h'), 'utf8');
const codes = Object.fromEntries([...HEADER.matchAll(/^#define (DC1_E_\w+)\s+(-\d+)\s*$/gm)].map((m) => [m[1], Number(m[2])]));
const errors = require(path.join(SDK, 'lib', 'errors.js'));
const dc1 = sdk();

test('error names come from the core (dc1_strerror), not a table of the binding', () => {
  assert.ok(Object.keys(codes).length >= 21);
  assert.equal(errors.BY_RC, undefined);
  for (const [name, rc] of Object.entries(codes)) assert.equal(errors.codeForRc(rc), name);
  assert.equal(errors.codeForRc(-12345), 'DC1_E_UNKNOWN');
  assert.equal(errors.errorFromDocument({ rc: -5, message: 'm' }).code, 'DC1_E_NOT_FOUND');
});

test('every header code has an error class, a DC1Error', () => {
  assert.deepEqual(Object.keys(errors.BY_CODE).sort(), Object.keys(codes).sort());
  for (const [name, Cls] of Object.entries(errors.BY_CODE)) {
    const e = errors.errorFromDocument({ code: name, rc: codes[name], message: 'm' });
    assert.ok(e instanceof Cls && e instanceof dc1.DC1Error, name);
    assert.equal(e.code, name);
  }
});

test('the library names every header code', () => {
  const { addon } = require(path.join(SDK, 'lib', 'native.js')).load();
  for (const [name, rc] of Object.entries(codes)) assert.equal(addon.strerror(rc), name);
});

test('one version: package.json = DC1_VERSION_STRING = the loaded libdc1', () => {
  const version = /#define DC1_VERSION_STRING "([^"]+)"/.exec(HEADER)[1];
  const pkg = JSON.parse(fs.readFileSync(path.join(SDK, 'package.json'), 'utf8'));
  assert.equal(pkg.version, version);
  assert.equal(dc1.VERSION, version);
  assert.equal(dc1.libraryInfo().version, version);
});
