'use strict';
// { progress: true } on waitForJob and batch.run: one stderr line that rewrites itself while
// stderr is a terminal, drawn from the core's events (no timer in JavaScript), and nothing at
// all when stderr is not a terminal. The terminal is a real pseudo-terminal (Python's pty
// module), with the program's stderr on it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { startEmulator, SDK } = require('./_emulator');
const { batchText, waitText, clock } = require(path.join(SDK, 'lib', 'progress.js'));

let emu;
let dir;
let key;

test.before(async () => {
  emu = await startEmulator({ speed: 40 });
  key = (await emu.renter(500000)).api_key;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc1-node-progress-'));
});
test.after(async () => {
  if (emu) await emu.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// Runs argv on a pseudo-terminal (stdin, stdout and stderr on it, 120 columns) and returns
// what the terminal received and the exit status.
const PTY = `
import fcntl, json, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
print(json.dumps({"out": out.decode("utf-8", "replace"), "status": os.waitstatus_to_exitcode(status)}))
`;

function program(name, body) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [
    `const dc1 = require(${JSON.stringify(SDK)});`,
    'const fs = require("fs");',
    '(async () => {',
    '  const client = new dc1.DC1Client();',
    body,
    '  client.close();',
    '})().catch((e) => { fs.writeFileSync(process.argv[2], JSON.stringify({ error: String(e && e.stack) })); process.exit(1); });',
  ].join('\n'));
  return file;
}

function env() {
  return { ...process.env, DC1_BASE_URL: emu.baseUrl, DC1_API_KEY: key };
}

function onPty(file, result) {
  const r = spawnSync(process.env.PYTHON || 'python3', ['-c', PTY, process.execPath, file, result],
    { encoding: 'utf8', env: env(), timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  const t = JSON.parse(r.stdout);
  assert.equal(t.status, 0, `the program failed:\n${t.out}\n${fs.existsSync(result) ? fs.readFileSync(result, 'utf8') : ''}`);
  return t.out;
}

function frames(out) {
  // Each redraw is "\r<text>\x1b[K"; the pty turns the final "\n" into "\r\n".
  return out.split('\r').map((f) => f.replace(/\x1b\[K/g, '').replace(/\n$/, '')).filter((f) => f.trim() !== '');
}

function batchInput(name, n) {
  const file = path.join(dir, name);
  const lines = [];
  for (let i = 1; i <= n; i++) {
    lines.push(JSON.stringify({ id: i, job_type: 'llm_inference', duration_minutes: 1, params: { prompt: `progress ${i}`, max_tokens: 8 } }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('a 20-line batch in a terminal: one line that moves and ends at 20/20', () => {
  const input = batchInput('twenty.jsonl', 20);
  const result = path.join(dir, 'twenty.result.json');
  const file = program('batch.js', `
  const out = await client.batch.run(${JSON.stringify(input)}, { concurrency: 8, tickMs: 100, progress: true });
  fs.writeFileSync(process.argv[2], JSON.stringify(out));`);
  const out = onPty(file, result);
  const summary = JSON.parse(fs.readFileSync(result, 'utf8'));
  assert.equal(summary.completed, 20);
  assert.ok(!out.includes('\n') || out.trimEnd().split('\n').length === 1, `more than one line:\n${JSON.stringify(out)}`);
  const f = frames(out);
  assert.ok(f.length >= 3, `only ${f.length} frames: ${JSON.stringify(out)}`);
  for (const line of f) assert.match(line, /^batch \[[#.]{20}\] \d+\/20 done · \d+ failed · \d+ running · \d+ queued · \d+\.\d\d SAR/);
  const counts = f.map((line) => Number(/ (\d+)\/20 done/.exec(line)[1]));
  assert.ok(new Set(counts).size >= 2, `the line never moved: ${counts}`);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] >= counts[i - 1], `went backwards: ${counts}`);
  const last = f[f.length - 1];
  assert.match(last, /^batch \[#{20}\] 20\/20 done · 0 failed · 0 running · 0 queued/);
  assert.match(f.join('\n'), /jobs\/min/);
  assert.match(f.join('\n'), /ETA \d+:\d\d/);
  assert.ok(out.endsWith('\n'), 'the line is ended once the batch ends');
});

test('a wait in a terminal: the job, its status and the time waited, ending at completed', () => {
  const result = path.join(dir, 'wait.result.json');
  const file = program('wait.js', `
  const job = await client.submitJob({ jobType: 'llm_inference', durationMinutes: 1, params: { prompt: 'progress wait' } });
  const done = await client.waitForJob(job.id, { progress: true, pollInterval: 200 });
  fs.writeFileSync(process.argv[2], JSON.stringify({ id: job.id, status: done.status }));`);
  const out = onPty(file, result);
  const r = JSON.parse(fs.readFileSync(result, 'utf8'));
  assert.equal(r.status, 'completed');
  const f = frames(out);
  assert.ok(f.length >= 1, JSON.stringify(out));
  for (const line of f) assert.ok(line.startsWith(`${r.id}: `), line);
  assert.match(f[f.length - 1], /: completed/);
  assert.match(f.join('\n'), /· \d+:\d\d/);
  assert.ok(out.endsWith('\n'));
});

test('stderr not a terminal: nothing is written', () => {
  const input = batchInput('quiet.jsonl', 3);
  const result = path.join(dir, 'quiet.result.json');
  const file = program('quiet.js', `
  const out = await client.batch.run(${JSON.stringify(input)}, { progress: true, tickMs: 100 });
  const job = await client.submitJob({ jobType: 'llm_inference', durationMinutes: 1, params: { prompt: 'quiet' } });
  const done = await client.waitForJob(job.id, { progress: true });
  fs.writeFileSync(process.argv[2], JSON.stringify({ completed: out.completed, status: done.status }));`);
  const r = spawnSync(process.execPath, [file, result], { encoding: 'utf8', env: env(), timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '');
  assert.deepEqual(JSON.parse(fs.readFileSync(result, 'utf8')), { completed: 3, status: 'completed' });
});

test('the lines: the same figures as `dc1 batch run`, from the event alone', () => {
  const ev = { type: 'tick', lines: 20, done: 5, failed: 1, running: 4, queued: 2, pending: 8, spent_halala: 123, spent_sar: 1.23, elapsed_ms: 61000, jobs_per_min: 6 };
  assert.equal(batchText(ev), 'batch [######..............] 5/20 done · 1 failed · 4 running · 2 queued · 1.23 SAR · 6.0 jobs/min · ETA 2:20 · 1:01');
  assert.equal(batchText({ ...ev, jobs_per_min: 0, budget_sar: 5 }), 'batch [######..............] 5/20 done · 1 failed · 4 running · 2 queued · 1.23 SAR of 5 · 1:01');
  assert.equal(waitText('job-1', { status: 'running', elapsed_ms: 3723000 }), 'job-1: running · 1:02:03');
  assert.equal(waitText('job-1', { status: null, elapsed_ms: 0 }), 'job-1: waiting · 0:00');
  assert.equal(clock(59999), '0:59');
});
