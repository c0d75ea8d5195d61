'use strict';
// A progress display drawn from the core's events: one stderr line that rewrites itself
// ("\r" + text + erase-to-end) each time an event arrives, and only when stderr is a
// terminal. No timer, no loop: the core's "tick" events (every tick_ms) are what move it.

function clock(ms) {
  const s = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function int(v) {
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** The line of a wait: the job, its last status, the time waited. */
function waitText(jobId, ev) {
  const status = ev.status || 'waiting';
  return `${jobId}: ${status} · ${clock(ev.elapsed_ms)}`;
}

/** The line of a batch, from a "progress" or "tick" event: the same figures as `dc1 batch run`. */
function batchText(ev) {
  const lines = int(ev.lines);
  const done = int(ev.done);
  const failed = int(ev.failed);
  const width = 20;
  const filled = lines > 0 ? Math.min(width, Math.round(((done + failed) / lines) * width)) : 0;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  let s = `batch ${bar} ${done}/${lines} done · ${failed} failed · ${int(ev.running)} running · ` +
    `${int(ev.queued)} queued · ${(Number(ev.spent_sar) || 0).toFixed(2)} SAR`;
  if (ev.budget_sar !== undefined && ev.budget_sar !== null) s += ` of ${Number(ev.budget_sar)}`;
  const rate = Number(ev.jobs_per_min) || 0;
  if (rate > 0) {
    s += ` · ${rate.toFixed(1)} jobs/min`;
    const left = lines - done - failed;
    if (left > 0) s += ` · ETA ${clock((left / rate) * 60000)}`;
  }
  return `${s} · ${clock(ev.elapsed_ms)}`;
}

class ProgressLine {
  /** A line on `stream` when it is a terminal; null otherwise (nothing is drawn then). */
  static open(stream = process.stderr) {
    return stream && stream.isTTY ? new ProgressLine(stream) : null;
  }

  constructor(stream) {
    this.stream = stream;
    this.last = null;
    this.closed = false;
  }

  draw(text) {
    if (this.closed || text === this.last) return;
    const width = Number(this.stream.columns) || 0;
    const shown = width > 1 && text.length >= width ? `${text.slice(0, width - 2)}…` : text;
    this.stream.write(`\r${shown}\x1b[K`);
    this.last = text;
  }

  /** Draws the last state (when given) and moves to a new line. */
  close(text) {
    if (this.closed) return;
    if (text) this.draw(text);
    this.closed = true;
    if (this.last !== null) this.stream.write('\n');
  }
}

module.exports = { ProgressLine, waitText, batchText, clock };
