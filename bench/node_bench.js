#!/usr/bin/env node
'use strict';
// getJob from Node.js, three ways, in the same run: dc1-renter-sdk (the addon over libdc1),
// the official SDK's transport (Node's http/https.request on the global keep-alive agent +
// JSON.parse) and fetch + JSON.parse. Each in a loop (one call at a time) and 20 at once; the
// rounds interleave the clients so that they see the same machine. Reports calls/s and the
// process's CPU time per call (every thread: the addon's worker threads count too).
//
//   node bench/node_bench.js [--base URL --job ID] [--key KEY] [--ca FILE] [--calls N]
//                            [--concurrency 20] [--rounds R] [--json]
//
// Without --base it starts a loopback server itself (a Node http server in a child process,
// serving a canned job document), so the clients' process does nothing else. With --ca, start
// node with NODE_EXTRA_CA_CERTS=FILE too (fetch takes its CAs from there); the addon gets
// ca_path. bench/node_run.py runs this against nginx on loopback and over a 20 ms TLS link.
const http = require('http');
const https = require('https');
const path = require('path');
const { spawn } = require('child_process');

const args = process.argv.slice(2);
function arg(name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}
const JSON_OUT = args.includes('--json');
const CALLS = Number(arg('calls', 2000));
const CONC = Number(arg('concurrency', 20));
const ROUNDS = Number(arg('rounds', 5));
const KEY = arg('key', 'dcp-renter-0123456789abcdef0123456789abcdef');
const CA = arg('ca', undefined);
const SDK = path.resolve(__dirname, '..', 'bindings', 'node');

function log(msg) {
  if (!JSON_OUT) process.stderr.write(`[node_bench] ${msg}\n`);
}

const SERVER = `
const http = require('http');
const job = ${JSON.stringify({
    job: {
      id: 4711, job_id: 'job-1795936040701-bench1', renter_id: 1, provider_id: 3, job_type: 'llm_inference',
      model: 'TinyLlama/TinyLlama-1.1B-Chat-v1.0', status: 'running', priority: 2, pricing_class: 'standard',
      submitted_at: '2026-11-29T07:07:20.701Z', started_at: '2026-11-29T07:07:21.208Z', completed_at: null,
      duration_minutes: 5, max_duration_seconds: 1800, cost_halala: 5, actual_cost_halala: null, error: null,
      progress_phase: 'generating', endpoint_url: null, result: null, logs_jsonl: null,
      container_spec: '{"image_type":"llm","vram_required_mb":0,"gpu_count":1}',
      gpu_rate_snapshot: '{"gpu_model":"NVIDIA GeForce RTX 3090","rate_usd_per_hour":0.134}',
      prompt_tokens: 12, completion_tokens: null, elapsed_sec: 2, cost_usd: 0.002667,
    },
  })};
const body = Buffer.from(JSON.stringify(job));
const srv = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  if (req.url === '/api/jobs/' + job.job.job_id) {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  } else {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":"Not found"}');
  }
});
srv.keepAliveTimeout = 60000;
srv.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + srv.address().port));
`;

function startServer() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.setEncoding('utf8');
    p.stdout.once('data', (d) => resolve({ proc: p, base: d.trim() }));
    p.once('error', reject);
  });
}

function makeClients(base, job) {
  const { DC1RenterClient } = require(SDK);
  const dc1 = new DC1RenterClient({ apiKey: KEY, baseUrl: base, caPath: CA, poolSize: 32, maxRetries: 0 });
  const core = dc1._core;
  const url = new URL(`${base}/api/jobs/${job}`);
  const transport = url.protocol === 'https:' ? https : http;
  const headers = { 'Content-Type': 'application/json', 'x-renter-key': KEY };
  // The official SDK's HttpClient.request, reduced to a GET: the global agent (keep-alive in
  // Node >= 19), chunks concatenated, JSON.parse.
  const viaRequest = () => new Promise((resolve, reject) => {
    const req = transport.request({ method: 'GET', hostname: url.hostname, port: url.port, path: url.pathname,
      headers, timeout: 30000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
        else resolve(JSON.parse(raw));
      });
    });
    req.on('error', reject);
    req.end();
  });
  const viaFetch = async () => {
    const r = await fetch(url, { headers });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    return JSON.parse(text);
  };
  return {
    dc1,
    clients: [
      ['addon', 'dc1-renter-sdk `client.getJob` (addon → libdc1; the Job object built)', () => dc1.getJob(job)],
      ['addon_core', 'the addon\'s bare call (`dc1_job_get` + JSON.parse, no Job object)',
        () => core.call(core.fn.job_get, job, null, null, null)],
      ['https', 'official-SDK transport: `http(s).request`, global keep-alive agent, JSON.parse', viaRequest],
      ['fetch', '`fetch` + JSON.parse', viaFetch],
    ],
  };
}

async function measure(fn, calls, conc) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (conc <= 1) {
    for (let i = 0; i < calls; i += 1) await fn();
  } else {
    let next = 0;
    const lane = async () => {
      while (next < calls) {
        next += 1;
        await fn();
      }
    };
    await Promise.all(Array.from({ length: conc }, lane));
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  return { calls, seconds: secs, rate: calls / secs, cpu_us_per_call: (cpu.user + cpu.system) / calls };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

async function main() {
  let base = arg('base', undefined);
  let job = arg('job', 'job-1795936040701-bench1');
  let server = null;
  if (!base) {
    server = await startServer();
    base = server.base;
    log(`loopback server at ${base}`);
  }
  const { dc1, clients } = makeClients(base, job);
  try {
    const modes = [['loop', 1], [`conc${CONC}`, CONC]];
    for (const [, , fn] of clients) { // warm-up: connections, JIT
      for (let i = 0; i < 50; i += 1) await fn();
      await Promise.all(Array.from({ length: CONC }, () => fn()));
    }
    const samples = {};
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const [mode, conc] of modes) {
        for (const [key, , fn] of clients) {
          const k = `${key}/${mode}`;
          (samples[k] = samples[k] || []).push(await measure(fn, conc > 1 ? CALLS : Math.max(1, Math.round(CALLS / 2)), conc));
        }
      }
      log(`round ${r + 1}/${ROUNDS}: ` + Object.entries(samples)
        .map(([k, v]) => `${k} ${v[v.length - 1].rate.toFixed(0)}/s`).join(', '));
    }
    const result = { base, calls: CALLS, concurrency: CONC, rounds: ROUNDS, node: process.versions.node,
      labels: Object.fromEntries(clients.map(([k, l]) => [k, l])), rows: {} };
    for (const [k, v] of Object.entries(samples)) {
      result.rows[k] = { rate: median(v.map((x) => x.rate)), cpu_us_per_call: median(v.map((x) => x.cpu_us_per_call)),
        rates: v.map((x) => x.rate) };
    }
    for (const [mode] of modes) {
      const a = result.rows[`addon/${mode}`];
      for (const other of ['fetch', 'https']) {
        const o = result.rows[`${other}/${mode}`];
        result.rows[`addon/${mode}`][`vs_${other}`] = a.rate / o.rate;
        result.rows[`addon/${mode}`][`cpu_vs_${other}`] = a.cpu_us_per_call / o.cpu_us_per_call;
      }
    }
    if (JSON_OUT) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      console.log(`\ngetJob against ${base} (median of ${ROUNDS} rounds)\n`);
      console.log(`${'client'.padEnd(12)} ${'mode'.padEnd(8)} ${'calls/s'.padStart(9)} ${'CPU µs/call'.padStart(12)}`);
      for (const [k, v] of Object.entries(result.rows)) {
        const [c, m] = k.split('/');
        console.log(`${c.padEnd(12)} ${m.padEnd(8)} ${v.rate.toFixed(0).padStart(9)} ${v.cpu_us_per_call.toFixed(1).padStart(12)}`);
      }
      for (const [mode] of modes) {
        const a = result.rows[`addon/${mode}`];
        console.log(`addon/${mode}: ${a.vs_fetch.toFixed(2)}× fetch, ${a.vs_https.toFixed(2)}× https.request; ` +
          `CPU ${a.cpu_vs_fetch.toFixed(2)}× fetch's, ${a.cpu_vs_https.toFixed(2)}× https.request's`);
      }
    }
  } finally {
    dc1.close();
    if (server) server.proc.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
