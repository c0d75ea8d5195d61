'use strict';
// The one place that talks to the addon: JSON in, Promise of a parsed document out, the
// core's error documents turned into error classes, AbortSignals bound to per-call stops.
// No waiting, retrying or pacing here: libdc1 does all of that.
const { load } = require('./native');
const E = require('./errors');

function parse(text) {
  return JSON.parse(text);
}

/** {rc, doc, message} from the addon (or a thrown Error) → a DC1Error. */
function toError(raw) {
  if (raw instanceof Error) return raw;
  let doc = null;
  if (raw && typeof raw.doc === 'string') {
    try { doc = JSON.parse(raw.doc); } catch { doc = { message: raw.doc }; }
  }
  if (!doc || typeof doc !== 'object') doc = {};
  if (doc.rc === undefined && raw) doc.rc = raw.rc;
  if (!doc.message && raw && raw.message) doc.message = raw.message;
  return E.errorFromDocument(doc);
}

function abortError(signal, cause) {
  const reason = signal && signal.reason;
  const err = new E.AbortError('The operation was aborted', { cause: reason !== undefined ? reason : cause });
  if (cause && cause.document) err.document = cause.document;
  return err;
}

function checkSignal(signal) {
  if (signal === undefined || signal === null) return null;
  if (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    throw new E.InvalidArgumentError('signal must be an AbortSignal');
  }
  return signal;
}

class Core {
  constructor(options) {
    const { addon, info } = load();
    this.addon = addon;
    this.info = info;
    this.fn = addon.fn;
    this.kind = addon.kind;
    const handle = addon.clientNew(JSON.stringify(options));
    if (handle && typeof handle === 'object' && typeof handle.rc === 'number') {
      throw E.errorFromDocument({ rc: handle.rc, message: handle.message });
    }
    this.handle = handle;
  }

  /** dc1_client_config: the settings the core settled on (never the key). */
  config() {
    return configOf(this.addon, this.handle);
  }

  close() {
    if (this.handle !== null) {
      this.addon.clientClose(this.handle);
      this.handle = null;
    }
  }

  /** dc1_client_set_logger: fn(level, message) on the main thread for each message at or
   * above minLevel (0 debug … 3 error); null removes it. */
  setLogger(fn, minLevel) {
    const rc = this.addon.clientSetLogger(this.handle, fn || null, minLevel);
    if (rc !== 0) throw E.errorFromDocument({ rc, message: 'dc1_client_set_logger failed' });
  }

  /** dc1_client_interrupt: every call in flight on this client ends (InterruptedCallError). */
  interrupt() {
    if (this.handle !== null) this.addon.clientInterrupt(this.handle);
  }

  _closed() {
    return Promise.reject(new E.ClientClosedError('the client is closed'));
  }

  /** One short call (async work on libuv's pool). */
  call(fn, a, b, c, signal) {
    if (this.handle === null) return this._closed();
    if (!signal) return this.addon.call(this.handle, fn, a, b, c, null).then(parse, (r) => { throw toError(r); });
    if (signal.aborted) return Promise.reject(abortError(signal));
    const stop = this.addon.stopNew();
    const p = this.addon.call(this.handle, fn, a, b, c, stop).then(parse, (r) => { throw toError(r); });
    return this._bind(p, signal, stop);
  }

  /** One long call on its own thread; onEvent(object) for each event it reports (the core's
   * "tick" events too when `ticks` is true: a progress display draws from them). */
  start(kind, a, b, signal, onEvent, stop, ticks = false) {
    if (this.handle === null) return this._closed();
    if (signal && signal.aborted) return Promise.reject(abortError(signal));
    if (!stop && (signal || onEvent)) stop = this.addon.stopNew();
    let handlerError = null;
    const cb = onEvent ? (text) => {
      if (handlerError) return;
      try {
        onEvent(JSON.parse(text));
      } catch (e) {
        handlerError = e; // ends the call (the core sees the stop), re-thrown below
        this.addon.stopTrigger(stop);
      }
    } : undefined;
    let p = this.addon.start(this.handle, kind, a, b, stop || null, cb, Boolean(ticks && cb));
    p = p.then((text) => {
      if (handlerError) throw handlerError;
      return parse(text);
    }, (r) => {
      if (handlerError) throw handlerError;
      throw toError(r);
    });
    return signal ? this._bind(p, signal, stop) : p;
  }

  /** Ties a call to its AbortSignal: the abort listener triggers the call's stop (bound to
   * the worker thread around the call, and read by its event callback); the core then ends
   * that call with DC1_E_INTERRUPTED (a stream: "ended": "stopped"), which is reported as an
   * AbortError. A call that finished anyway keeps its result. */
  _bind(p, signal, stop) {
    const addon = this.addon;
    const onAbort = () => addon.stopTrigger(stop);
    signal.addEventListener('abort', onAbort, { once: true });
    return p.then((v) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted && v && v.ended === 'stopped') throw abortError(signal);
      return v;
    }, (e) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted && e instanceof E.InterruptedCallError) throw abortError(signal, e);
      throw e;
    });
  }

  /** An async iterator over a long call's events. map(event) → value to yield, or undefined
   * to skip it. The iterator's `result` is the call's final document. Leaving the loop early
   * (break, return, throw) stops the call. */
  stream(kind, a, b, signal, map) {
    const queue = [];
    let waiter = null;
    let finished = false;
    let failure = null;
    let stopped = false;
    const stop = this.handle !== null ? this.addon.stopNew() : null;
    const wake = () => {
      if (!waiter) return;
      const w = waiter;
      waiter = null;
      if (queue.length) w.resolve({ value: queue.shift(), done: false });
      else if (failure) { const f = failure; failure = null; w.reject(f); }
      else w.resolve({ value: undefined, done: true });
    };
    const result = this.start(kind, a, b, signal, (ev) => {
      if (stopped) return;
      const v = map(ev);
      if (v !== undefined) {
        queue.push(v);
        wake();
      }
    }, stop);
    result.then(() => { finished = true; wake(); }, (e) => {
      finished = true;
      if (!stopped) failure = e;
      wake();
    });
    const addon = this.addon;
    const it = {
      result,
      next() {
        if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
        if (finished) {
          if (failure) { const f = failure; failure = null; return Promise.reject(f); }
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => { waiter = { resolve, reject }; });
      },
      return() {
        if (!finished && !stopped && stop) addon.stopTrigger(stop);
        stopped = true;
        queue.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() { return this; },
    };
    result.catch(() => {}); // reported through next(); `result` may go unread
    return it;
  }
}

/** dc1_client_config of a client handle, or of null (the core's built-in defaults). */
function configOf(addon, handle) {
  const [rc, doc, message] = addon.clientConfig(handle);
  if (rc !== 0) throw toError({ rc, doc, message });
  return parse(doc);
}

/** The core's built-in client settings (loads the library). */
function defaultConfig() {
  return configOf(load().addon, null);
}

module.exports = { Core, toError, abortError, checkSignal, defaultConfig };
