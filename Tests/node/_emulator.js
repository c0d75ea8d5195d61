'use strict';
// Test helpers: starts the emulator (PYTHONPATH=emulator python3 -m dc1_emulator) on a free loopback port,
// talks to its control API, makes renters. Each test file starts its own emulator.
const { spawn } = require('child_process');
const path = require('path');
const http = require('http');

const ROOT = path.resolve(__dirname, '..', '..');
// DC1_NODE_SDK: another copy of the package (make dist-check points it at an installed tarball).
const SDK = process.env.DC1_NODE_SDK || path.join(ROOT, 'bindings', 'node');

function startEmulator({ speed = 20, extra = [] } = {}) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PYTHONPATH: path.join(ROOT, 'emulator') };
    const py = process.env.PYTHON || 'python3';
    const proc = spawn(py, ['-m', 'dc1_emulator', '--host', '127.0.0.1', '--port', '0', '--speed', String(speed), '--quiet', ...extra],
      { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    const timer = setTimeout(() => { proc.kill(); reject(new Error('emulator did not start')); }, 20000);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      buf += d;
      const vals = parseEnvLines(buf);
      const base = vals.DC1_BASE_URL;
      const key = vals.DC1_API_KEY;
      const token = vals.DC1_EMULATOR_TOKEN; // the control API's token
      if (base !== undefined && key !== undefined && token !== undefined) {
        clearTimeout(timer);
        proc.stdout.removeAllListeners('data');
        proc.stdout.resume();
        const emu = new Emulator(proc, base, key, token);
        emu.control('POST', '/__emulator/ratelimit', { enabled: false }).then(() => resolve(emu), reject);
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); if (!buf.includes('DC1_EMULATOR_TOKEN')) reject(new Error(`emulator exited ${code}`)); });
  });
}

// The emulator's complete lines, `export NAME=value` (`export ` optional), with the quoting of
// Python's shlex.quote undone: '…' spans, and '"'"' for a single quote.
function parseEnvLines(text) {
  const out = {};
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  for (const line of complete.split('\n')) {
    const m = /^(?:export )?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = '';
    let quote = null;
    for (const c of m[2]) {
      if (quote) { if (c === quote) quote = null; else value += c; }
      else if (c === "'" || c === '"') quote = c;
      else value += c;
    }
    out[m[1]] = value;
  }
  return out;
}

class Emulator {
  constructor(proc, baseUrl, apiKey, token) {
    this.proc = proc;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.token = token;
  }

  control(method, p, body) {
    const url = new URL(this.baseUrl + p);
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = { 'x-emulator-token': this.token };
    if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': data.length });
    return new Promise((resolve, reject) => {
      const req = http.request({ method, hostname: url.hostname, port: url.port, path: url.pathname + url.search,
        headers, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode >= 400) reject(new Error(`${method} ${p}: ${res.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : null);
        });
      });
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  }

  /** A fresh renter (own balance, history and quota): { id, api_key }. */
  renter(balance = 50000, extra = {}) {
    return this.control('POST', '/__emulator/renters', { balance_halala: balance, ...extra });
  }

  fault(spec) {
    return this.control('POST', '/__emulator/faults', { method: 'GET', count: 1, action: 'status', ...spec });
  }

  clearFaults() {
    return this.control('DELETE', '/__emulator/faults');
  }

  async requests() {
    const c = await this.control('GET', '/__emulator/counters');
    return Object.values(c.requests || {}).reduce((a, b) => a + b, 0);
  }

  stop() {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM');
      setTimeout(() => { if (this.proc.exitCode === null) this.proc.kill('SIGKILL'); }, 5000).unref();
    });
  }
}

function sdk() {
  return require(SDK);
}

module.exports = { startEmulator, parseEnvLines, sdk, ROOT, SDK };
