#!/usr/bin/env node
'use strict';
// `npm pack` (prepack): copies libdc1's header into the package (include/dc1.h), so that the
// tarball builds its addon on a machine that has libdc1.so but not its development header.
const fs = require('fs');
const path = require('path');

const PKG = path.resolve(__dirname, '..');
const src = process.env.DC1_INCLUDE_DIR ? path.join(process.env.DC1_INCLUDE_DIR, 'dc1.h')
  : path.resolve(PKG, '..', '..', 'include', 'dc1.h');
if (!fs.existsSync(src)) {
  process.stderr.write(`dc1-renter-sdk: ${src} not found; set DC1_INCLUDE_DIR to libdc1's include directory\n`);
  process.exit(1);
}
fs.mkdirSync(path.join(PKG, 'include'), { recursive: true });
fs.copyFileSync(src, path.join(PKG, 'include', 'dc1.h'));
process.stdout.write(`dc1-renter-sdk: packed ${src}\n`);
