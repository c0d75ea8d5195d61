'use strict';
// DC1RenterClient (the official flat surface) and DC1Client (the official resource surface),
// both thin layers over libdc1: every method is one libdc1 call (two where noted), its
// arguments converted to the core's JSON and its answer to the official SDK's objects.
const os = require('os');
const { Core, checkSignal } = require('./core');
const E = require('./errors');
const M = require('./models');
const { ProgressLine, waitText, batchText } = require('./progress');

const VERSION = require('../package.json').version; // = DC1_VERSION_STRING (tested)

function opt(o) {
  return o && typeof o === 'object' ? o : {};
}

function sig(o) {
  return checkSignal(opt(o).signal);
}

/** A job id as the core takes it: a string, an integer row id, or a Job. The core itself
 * rejects ids with characters outside [A-Za-z0-9-_.:@] before any request. */
function jobId(id) {
  if (id && typeof id === 'object' && typeof id.id === 'string') return id.id;
  if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return String(id);
  if (typeof id === 'string' && id.length > 0) return id;
  throw new E.InvalidArgumentError(`invalid job id ${JSON.stringify(id)}`);
}

function ms(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new E.InvalidArgumentError(`${name} must be a non-negative number of milliseconds`);
  }
  return Math.round(value);
}

/** A core document's snake_case keys as the JS options' camelCase (base_url → baseUrl). */
function camelKeys(doc) {
  const out = {};
  for (const [k, v] of Object.entries(doc)) out[k.replace(/_([a-z])/g, (_, c) => c.toUpperCase())] = v;
  return out;
}

/** A Job from a wait's result (with_output): the job document as raw, the output beside it. */
function jobOfWait(result) {
  const { output, output_error: _, ...doc } = result;
  return M.toJob(doc, output || null);
}

function compact(o) {
  const out = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

// submitJob's optional fields beside the official ones, camelCase → the REST body's names.
const SUBMIT_EXTRA = {
  model: 'model', pricingClass: 'pricing_class', maxDurationSeconds: 'max_duration_seconds',
  gpuRequirements: 'gpu_requirements', containerSpec: 'container_spec', taskSpec: 'task_spec',
  templateId: 'template_id', bundleId: 'bundle_id', prewarmRequested: 'prewarm_requested',
  envVars: 'env_vars',
};

/** A REST submit body (snake_case, e.g. a template's request) as submitJob's options. */
function submitOptions(req) {
  const o = compact({
    jobType: req.job_type, durationMinutes: req.duration_minutes, params: req.params, providerId: req.provider_id,
    priority: req.priority === undefined || req.priority === null ? undefined : Number(req.priority),
  });
  for (const [k, v] of Object.entries(SUBMIT_EXTRA)) if (req[v] !== undefined && req[v] !== null) o[k] = req[v];
  return o;
}

// dc1_client_set_logger's levels (DC1_LOG_DEBUG … DC1_LOG_ERROR), by name.
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

class DC1RenterClient {
  /**
   * new DC1RenterClient({ apiKey, baseUrl, timeoutMs, … }). apiKey and baseUrl default to
   * $DC1_API_KEY and $DC1_BASE_URL (then https://api.dcp.sa). Further options map to
   * libdc1's client options: connectTimeoutMs, maxRetries, retryBaseMs, maxRetryAfterMs,
   * userAgent, caPath, insecureSkipVerify, proxy, maxResponseBytes, allowInsecureHttp,
   * poolSize. logger(level, message) receives the core's log (retries at 'info', inputs the
   * server will alter at 'warn', each HTTP exchange at 'debug'; never the key) from logLevel
   * up (default 'info'), on the main thread, shortly after the core wrote it.
   */
  constructor(config = {}) {
    config = opt(config);
    // Only what the caller gave: the core resolves $DC1_API_KEY, $DC1_BASE_URL and the
    // defaults, and client.config reports what it settled on (never the key).
    const apiKey = config.apiKey ?? undefined;
    const ua = `dc1-node/${VERSION} Node/${process.versions.node} (${os.platform()})`;
    const options = compact({
      api_key: apiKey,
      base_url: config.baseUrl ?? undefined,
      timeout_ms: ms(config.timeoutMs ?? 30000, 'timeoutMs'),
      connect_timeout_ms: ms(config.connectTimeoutMs, 'connectTimeoutMs'),
      max_retries: config.maxRetries,
      retry_base_ms: ms(config.retryBaseMs, 'retryBaseMs'),
      max_retry_after_ms: ms(config.maxRetryAfterMs, 'maxRetryAfterMs'),
      user_agent: config.userAgent ? `${ua} ${config.userAgent}` : ua,
      ca_path: config.caPath,
      insecure_skip_verify: config.insecureSkipVerify,
      proxy: config.proxy,
      max_response_bytes: config.maxResponseBytes,
      allow_insecure_http: config.allowInsecureHttp,
      pool_size: config.poolSize,
    });
    Object.defineProperty(this, '_core', { value: new Core(options) });
    if (config.logger !== undefined && config.logger !== null) {
      if (typeof config.logger !== 'function') throw new E.InvalidArgumentError('logger must be a function (level, message)');
      const min = LOG_LEVELS.indexOf(config.logLevel ?? 'info');
      if (min < 0) throw new E.InvalidArgumentError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
      const logger = config.logger;
      this._core.setLogger((level, message) => logger(LOG_LEVELS[level] || 'error', message), min);
    }
    Object.defineProperty(this, '_apiKey', { value: apiKey || '' });
    Object.defineProperty(this, '_config', { value: Object.freeze(camelKeys(this._core.config())) });
    /** client.batch.run(path, options) and client.batch.status(journalPath). */
    Object.defineProperty(this, 'batch', { value: new BatchResource(this), enumerable: true });
  }

  /** The base URL in use: the baseUrl option, else $DC1_BASE_URL, else the default, as the
   * core resolved it (config.baseUrlFrom says which). */
  get baseUrl() {
    return this._config.baseUrl;
  }

  /** The settings in effect (dc1_client_config), with the constructor's option names:
   * { baseUrl, baseUrlFrom, apiKeySet, apiKeyFrom ('option' | 'environment' | null; never
   * the key), timeoutMs, connectTimeoutMs, maxRetries, … , check }. */
  get config() {
    return { ...this._config };
  }

  /** The libdc1 in use: { path, version }. */
  get library() {
    return { ...this._core.info };
  }

  /** Frees the C client (its connections closed, its key wiped). Calls in flight finish
   * first; new calls reject with ClientClosedError. */
  close() {
    this._core.close();
  }

  _call(name, a, b, c, options) {
    const core = this._core;
    return core.call(core.fn[name], a, b, c, sig(options));
  }

  // ─── Auth ────────────────────────────────────────────────────────────────

  /** GET /api/renters/me → Wallet { balanceHalala, balanceSar, name, email, apiKey, … }. */
  async me(options) {
    return M.toWallet(await this._call('me', null, null, null, options), this._apiKey);
  }

  /** POST /api/renters/register → { renterId, apiKey, message }. The server answers 202 and
   * mails a sign-in link; it returns no key (apiKey is then ""). */
  async register(name, email, organization, options) {
    const body = JSON.stringify(compact({ name, email, organization }));
    const out = await this._call('request', 'POST', '/api/renters/register', body, options);
    const d = out.body && typeof out.body === 'object' ? out.body : {};
    return { renterId: d.renter_id ?? 0, apiKey: d.api_key ?? '', message: d.message ?? '', raw: d };
  }

  // ─── Providers ───────────────────────────────────────────────────────────

  /** Online providers, largest VRAM first. filters: { minVramGb, gpuModel, live, limit }
   * (applied by libdc1). */
  async listProviders(filters, options) {
    const f = opt(filters);
    const filt = compact({ min_vram_gb: f.minVramGb, gpu_model: f.gpuModel, live: f.live, limit: f.limit });
    const out = await this._call('providers_list', Object.keys(filt).length ? JSON.stringify(filt) : null,
      null, null, options || f);
    return (out.providers || []).map(M.toProvider);
  }

  // ─── Jobs ────────────────────────────────────────────────────────────────

  /** POST /api/jobs/submit. options: { providerId, jobType, params, durationMinutes,
   * priority (0–10, a number as in the official SDK; default 2), model, pricingClass,
   * maxDurationSeconds, gpuRequirements, containerSpec, taskSpec, templateId, bundleId,
   * envVars, check, signal }. The body is checked by libdc1 first (ValidationError with
   * `fields`, nothing sent); a submit is never sent twice. `check`, the checks before paying
   * (a model the catalogue does not list, a param of the wrong type): 'warn' (the default,
   * so code written for the official SDK keeps running) sends the job and emits a process
   * warning per finding (also `job.checkWarnings`); 'strict' rejects with ValidationError and
   * sends nothing; 'off' checks nothing. */
  async submitJob(options, callOptions) {
    const o = opt(options);
    const body = compact({
      job_type: o.jobType,
      duration_minutes: o.durationMinutes,
      params: o.params || {},
      provider_id: o.providerId,
      priority: o.priority === undefined ? 2 : o.priority,
    });
    for (const [k, v] of Object.entries(SUBMIT_EXTRA)) if (o[k] !== undefined && o[k] !== null) body[v] = o[k];
    if (o.check !== null) body.check = o.check === undefined ? 'warn' : o.check;
    const out = await this._call('job_submit', JSON.stringify(body), null, null, callOptions || o);
    const job = M.toJob(out.job || {});
    if (Array.isArray(out.warnings) && out.warnings.length) {
      job.checkWarnings = out.warnings;
      for (const w of out.warnings) {
        process.emitWarning(`dc1 submit: ${w.field}: ${w.message}`, { type: 'DC1SubmitCheckWarning', code: 'DC1_SUBMIT_CHECK' });
      }
    }
    job.queued = Boolean(out.queued);
    if (out.reconciled) job.reconciled = true;
    if (out.message) job.submitMessage = out.message;
    return job;
  }

  /** GET /api/jobs/{id}. `result` holds a completed job's output, or a serving job's endpoint:
   * one core call, dc1_job_get_with_output, which reads a completed job's output once and keeps it. */
  async getJob(id, options) {
    const both = await this._call('job_get_with_output', jobId(id), null, null, options);
    return M.toJob(both.job || {}, both.output || null);
  }


  /** GET /api/jobs/{id}/status: { job_id, status, terminal, tokens_generated, … }. */
  async getJobStatus(id, options) {
    return this._call('job_status', jobId(id), null, null, options);
  }

  /** The normalised output document (kind text|image|endpoint|json|raw|empty). Rejects with
   * NotReadyError (202), JobFailedError / JobCancelledError (410). */
  async getJobOutput(id, options) {
    return this._call('job_output', jobId(id), null, null, options);
  }

  _waitOptions(o, mode) {
    const timeoutMs = ms(o.timeout ?? o.timeoutMs ?? 300000, 'timeout');
    if (!timeoutMs) throw new E.InvalidArgumentError('timeout must be positive');
    const poll = Math.max(1, ms(o.pollInterval ?? o.pollIntervalMs ?? 3000, 'pollInterval'));
    const maxPoll = Math.max(poll, ms(o.maxPollInterval, 'maxPollInterval') ?? 10000);
    return {
      timeoutMs,
      opts: compact({
        timeout_ms: timeoutMs,
        poll_interval_ms: poll,
        max_poll_interval_ms: maxPoll,
        mode,
        with_output: true, // the job comes back with its output (or serving endpoint): one call
        cancel_on_timeout: o.cancelOnTimeout ? true : undefined,
        use_stream: o.useStream === false ? false : undefined,
      }),
    };
  }

  /** The one wait: dc1_job_watch, its status events feeding onProgress and, with
   * { progress: true } and stderr a terminal, a self-overwriting stderr line (status and
   * elapsed time, moved by the core's tick events). Resolves with the core's final job document. */
  async _watch(jid, o, mode) {
    const core = this._core;
    const { timeoutMs, opts } = this._waitOptions(o, mode);
    const onProgress = typeof o.onProgress === 'function' ? o.onProgress : null;
    const line = o.progress ? ProgressLine.open(process.stderr) : null;
    opts.tick_ms = 250; // how soon the core's callback sees an abort while nothing happens
    let lastStatus = null;
    let onEvent;
    if (onProgress || line) {
      onEvent = (ev) => {
        if (ev.type === 'status') lastStatus = ev.status;
        if (line && (ev.type === 'status' || ev.type === 'tick')) line.draw(waitText(jid, ev));
        if (onProgress && ev.type === 'status') onProgress(ev.status, ev);
      };
    }
    try {
      const doc = await core.start(core.kind.watch, jid, JSON.stringify(opts), sig(o), onEvent, undefined, Boolean(line));
      if (line) line.close(line.last && doc.status && doc.status !== lastStatus ? `${jid}: ${doc.status}` : null);
      return doc;
    } catch (e) {
      if (line) line.close();
      if (e.code === 'DC1_E_WAIT_TIMEOUT') {
        const last = e.job && typeof e.job === 'object' ? M.toJob(e.job) : null;
        throw new E.JobTimeoutError(jid, timeoutMs, { job: last, document: e.document });
      }
      throw e;
    }
  }

  /** Resolves once the job is terminal — completed, failed or cancelled: read `status` — with
   * the job (and, when completed, its output in `result`). A vllm_serve job resolves once it
   * serves (result.endpoint_url), as code written for the official SDK expects.
   * options: { timeout (ms, default 300000), pollInterval (ms, default 3000), onProgress(status),
   * progress (a stderr line when stderr is a terminal), maxPollInterval, cancelOnTimeout,
   * useStream, signal }. Rejects with JobTimeoutError. */
  async waitForJob(id, options = {}) {
    // mode "auto": a vllm_serve job ends the wait once it serves, or with its final state if it
    // ends without serving (the core returns it, as the official wait does)
    return jobOfWait(await this._watch(jobId(id), opt(options), 'auto'));
  }

  /** Resolves once a vllm_serve job serves: { job, endpointUrl, baseUrl (OpenAI-compatible,
   * ends in /v1), model, apiKey: "not-needed", chatCompletionsUrl }. Rejects with
   * JobFailedError / JobCancelledError if it ends first, NotReadyError if it completed without
   * serving, JobTimeoutError. options as waitForJob (timeout default 600000, pollInterval 2000). */
  async waitReady(id, options = {}) {
    const jid = jobId(id);
    const o = { timeout: 600000, pollInterval: 2000, ...opt(options) };
    // mode "ready" resolves only once the job serves: endpoint_url and openai_base_url are set
    const job = jobOfWait(await this._watch(jid, o, 'ready'));
    const baseUrl = job.raw.openai_base_url;
    const params = job.raw.params && typeof job.raw.params === 'object' ? job.raw.params : {};
    return {
      job,
      jobId: job.id,
      endpointUrl: job.endpointUrl,
      baseUrl,
      model: job.model || params.model || null,
      apiKey: 'not-needed',
      chatCompletionsUrl: `${baseUrl}/chat/completions`,
    };
  }

  /** GET /api/jobs/{id}/logs → JobLog[] { lineNo, level, message, loggedAt }. since: the last
   * line number already seen. options: { limit, signal }. */
  async getJobLogs(id, since, options) {
    if (since && typeof since === 'object') { options = since; since = options.since; }
    const o = opt(options);
    const q = compact({ since, limit: o.limit });
    const out = await this._call('job_logs', jobId(id), Object.keys(q).length ? JSON.stringify(q) : null, null, o);
    return (out.logs || []).map(M.toLog);
  }

  /** Follows the job's log over server-sent events until the job ends:
   *   for await (const line of client.streamLogs(id)) console.log(line.message);
   * Each item is a JobLog. Leaving the loop stops the stream; `.result` resolves with
   * { job_id, lines, last_line_no, reconnects, ended, status }. options: { since, timeout,
   * idleTimeout, maxReconnects, signal }. A dropped connection resumes without repeats. */
  streamLogs(id, options = {}) {
    const o = opt(options);
    const q = this._streamOptions(o, true);
    const core = this._core;
    return core.stream(core.kind.logs_stream, jobId(id), JSON.stringify(q), sig(o),
      (ev) => (ev.type === 'log' ? M.toLog(ev) : undefined));
  }

  /** Follows the job's status events (job_queued … job_completed, end) as they happen:
   * for await (const ev of client.streamStatus(id)) … Each item is the event object with
   * its `event` name. */
  streamStatus(id, options = {}) {
    const o = opt(options);
    const core = this._core;
    return core.stream(core.kind.status_stream, jobId(id), JSON.stringify(this._streamOptions(o, false)), sig(o),
      (ev) => ev);
  }

  _streamOptions(o, since) {
    const q = compact({
      timeout_ms: ms(o.timeout, 'timeout'),
      idle_timeout_ms: ms(o.idleTimeout, 'idleTimeout'),
      max_reconnects: o.maxReconnects,
      since: since ? o.since : undefined,
    });
    q.tick_ms = 250;
    return q;
  }

  /** GET /api/jobs/{id}/lifecycle: the job's recorded lifecycle events → { job_id, status,
   * events, total_events, has_more, next_since_sequence, … }. options: { sinceSequence, limit,
   * eventType, status, errorCategory, signal }. */
  async getJobLifecycle(id, options) {
    const o = opt(options);
    const q = compact({
      since_sequence: o.sinceSequence, limit: o.limit, event_type: o.eventType, status: o.status,
      error_category: o.errorCategory,
    });
    return this._call('job_lifecycle', jobId(id), Object.keys(q).length ? JSON.stringify(q) : null, null, o);
  }

  /** Follows the job's lifecycle events as they are recorded, until its end event:
   *   for await (const ev of client.streamLifecycle(id)) console.log(ev.event_type);
   * Each item is the event object (plus `event`, the SSE name); `.result` resolves with
   * { job_id, events, last_sequence, reconnects, ended, status }. options: { since (the first
   * since_sequence), timeout, idleTimeout, maxReconnects, signal }. */
  streamLifecycle(id, options = {}) {
    const o = opt(options);
    const core = this._core;
    return core.stream(core.kind.lifecycle_stream, jobId(id), JSON.stringify(this._streamOptions(o, true)), sig(o),
      (ev) => ev);
  }

  /** POST /api/jobs/{id}/cancel → { success, jobId, status, job }. The server refunds the
   * prepaid cost. A job already completed or cancelled rejects with ValidationError. */
  async cancelJob(id, options) {
    const jid = jobId(id);
    const out = await this._call('job_cancel', jid, null, null, options);
    const doc = out.job && typeof out.job === 'object' ? out.job : {};
    return { success: out.success !== false, jobId: String(doc.job_id || jid), status: doc.status || 'cancelled', job: doc };
  }

  /** Writes the decoded PNG of a completed image job to `path` (a temporary file, then
   * renamed) → { path, bytes, width, height, format, truncated }. */
  async saveImage(id, path, options) {
    if (typeof path !== 'string' || !path) throw new E.InvalidArgumentError('saveImage(id, path): path required');
    return this._call('job_save_image', jobId(id), path, null, options);
  }

  /** Recent jobs, newest first (GET /api/jobs/history; limit 1–100). */
  async listJobs(limit = 20, options) {
    const out = await this._call('jobs_history', JSON.stringify({ limit }), null, null, options);
    return (out.jobs || []).map((j) => M.toJob(j));
  }

  // ─── Billing ─────────────────────────────────────────────────────────────

  /** GET /api/renters/balance → Balance { balanceHalala, balanceSar, heldHalala, heldSar,
   * availableHalala, totalSpentHalala, totalSpentSar, totalJobs }. */
  async getBalance(options) {
    return M.toBalance(await this._call('balance', null, null, null, options));
  }

  /** GET /api/jobs/history → PaymentHistory { balanceHalala, balanceSar, totalJobs, jobs }. */
  async getPaymentHistory(limit = 20, options) {
    if (limit && typeof limit === 'object') { options = limit; limit = options.limit ?? 20; }
    return M.toHistory(await this._call('jobs_history', JSON.stringify({ limit }), null, null, options));
  }

  // ─── Catalogue ───────────────────────────────────────────────────────────

  /** GET /api/models joined with the live providers that cache each model →
   * { models: [...], total, providers_joined }. filters: { arabic, minVramGb, category, tier,
   * providers (default true), cachedOnly, signal }. */
  async listModels(filters, options) {
    const f = opt(filters);
    const q = compact({
      arabic: f.arabic, min_vram_gb: f.minVramGb, category: f.category, tier: f.tier,
      providers: f.providers, cached_only: f.cachedOnly,
    });
    return this._call('models_list', Object.keys(q).length ? JSON.stringify(q) : null, null, null, options || f);
  }

  /** GET /api/models/{modelId}: one model's catalogue entry (the document's `model`). */
  async getModel(modelId, options) {
    if (typeof modelId !== 'string' || !modelId) throw new E.InvalidArgumentError('getModel(modelId): a model id string');
    return (await this._call('model_get', modelId, null, null, options)).model;
  }

  /** GET /api/containers/registry → { images: [...], total }. From then on submitJob refuses,
   * locally, a container image the registry does not list (ValidationError, error_code
   * IMAGE_NOT_APPROVED). */
  async listImages(options) {
    return this._call('images_list', null, null, null, options);
  }

  /** GET /api/templates → { templates: [...], total }. filters: { tag, signal }. */
  async listTemplates(filters, options) {
    const f = opt(filters);
    const q = compact({ tag: f.tag });
    return this._call('templates_list', Object.keys(q).length ? JSON.stringify(q) : null, null, null, options || f);
  }

  /** A submit request built from a template; nothing is submitted. overrides: submitJob's
   * options (durationMinutes is required) → { request (the REST body), template,
   * dropped_params, options (the same request as submitJob options: submitJob(t.options)) }. */
  async templateRequest(templateId, overrides, options) {
    if (typeof templateId !== 'string' || !templateId) {
      throw new E.InvalidArgumentError('templateRequest(templateId, overrides): a template id string');
    }
    const o = opt(overrides);
    const body = compact({
      job_type: o.jobType, duration_minutes: o.durationMinutes, params: o.params, provider_id: o.providerId,
      priority: o.priority,
    });
    for (const [k, v] of Object.entries(SUBMIT_EXTRA)) if (o[k] !== undefined && o[k] !== null) body[v] = o[k];
    const out = await this._call('template_request', templateId, JSON.stringify(body), null, options || o);
    M.hidden(out, 'options', submitOptions(out.request || {}));
    return out;
  }

  /** What submit would hold for a job → { cost_halala, cost_sar, basis, … } (dc1_quote: the
   * core decides the basis from the request — a provider, a GPU model, or where automatic
   * routing may place it). request: submitJob's options ({ jobType, durationMinutes,
   * providerId?, pricingClass?, gpuRequirements?, … }) plus gpuModel?. */
  async quote(request, options) {
    const r = opt(request);
    const body = compact({
      job_type: r.jobType, duration_minutes: r.durationMinutes, params: r.params, provider_id: r.providerId,
      priority: r.priority, gpu_model: r.gpuModel,
    });
    for (const [k, v] of Object.entries(SUBMIT_EXTRA)) if (r[k] !== undefined && r[k] !== null) body[v] = r[k];
    return this._call('quote', JSON.stringify(body), null, null, options || r);
  }

  /** The renter's spending: { all_time, monthly, last_30_days, v1, balance_halala, … }. */
  async getUsage(options) {
    return this._call('usage', null, null, null, options);
  }

  /** Ends every call in flight on this client (each rejects with InterruptedCallError); later
   * calls are not affected. To end one call, pass it an AbortSignal instead. */
  interrupt() {
    this._core.interrupt();
  }

  // ─── Chat (OpenAI-compatible) ────────────────────────────────────────────

  _chatRequest(messages, o, stream) {
    const { model, endpointUrl, timeout, signal, ...fields } = o;
    return JSON.stringify(compact({
      ...fields,
      messages,
      model,
      stream: stream ? true : undefined,
      endpoint_url: endpointUrl,
      timeout_ms: ms(timeout, 'timeout'),
      tick_ms: stream ? 250 : undefined,
    }));
  }

  /** One chat completion: to DC1's /v1/chat/completions, or with { endpointUrl } straight to
   * a serving vllm_serve job (the key is then never sent). Resolves with the completion body
   * plus `content` and `finish_reason`. Other options (temperature, max_tokens, …) pass through. */
  async chat(messages, options = {}) {
    const o = opt(options);
    const core = this._core;
    return core.start(core.kind.chat, this._chatRequest(messages, o, false), null, sig(o), undefined);
  }

  /** A streamed chat completion, token by token:
   *   for await (const token of client.streamChat(messages, { model })) process.stdout.write(token);
   * `.result` resolves with { content, chunks, finish_reason, usage, ended, complete }. */
  streamChat(messages, options = {}) {
    const o = opt(options);
    const core = this._core;
    return core.stream(core.kind.chat, this._chatRequest(messages, o, true), null, sig(o),
      (ev) => (ev.type === 'token' ? String(ev.content ?? '') : undefined));
  }

  // ─── Webhooks ────────────────────────────────────────────────────────────

  /** PATCH /api/renters/settings: the account webhook URL (https, public host); null clears it. */
  async setWebhookUrl(url, options) {
    return this._call('webhook_set_url', url || null, null, null, options);
  }

  /** Registered webhooks: [{ id, url, events, active, created_at }] (10 requests/hour). */
  async listWebhooks(options) {
    return (await this._call('webhooks_list', null, null, null, options)).webhooks || [];
  }

  /** Registers a webhook ({ url, secret (≥ 16 characters), events? }). */
  async registerWebhook(spec, options) {
    const s = opt(spec);
    return this._call('webhook_register', JSON.stringify(compact({ url: s.url, secret: s.secret, events: s.events })),
      null, null, options || s);
  }

  /** Deactivates a registered webhook → { success, id, active: false }. */
  async deleteWebhook(webhookId, options) {
    return this._call('webhook_delete', String(webhookId), null, null, options);
  }

  // ─── Any route ───────────────────────────────────────────────────────────

  /** One request to a route libdc1 does not wrap, with the client's auth, deadline, retries
   * (reads only) and error mapping → { http_status, request_id, body }. */
  async request(method, path, body, options) {
    return this._call('request', String(method).toUpperCase(), path,
      body === undefined || body === null ? null : JSON.stringify(body), options);
  }
}

// ─── Batch ─────────────────────────────────────────────────────────────────

// batch.run's options, camelCase → dc1_batch_run's.
const BATCH_OPTIONS = {
  outPath: 'out_path', journalPath: 'journal_path', concurrency: 'concurrency', maxAttempts: 'max_attempts',
  budgetSar: 'budget_sar', saveDir: 'save_dir', tickMs: 'tick_ms',
};

class BatchResource {
  constructor(c) { Object.defineProperty(this, '_c', { value: c }); }

  /** Runs a JSON Lines file of submit requests (dc1_batch_run: the server's limits, resumable,
   * never paying twice) → the summary { lines, completed, failed, statuses, spent_sar,
   * all_completed, stopped, out_path, journal_path, … }. options: { outPath, journalPath,
   * concurrency, maxAttempts, budgetSar, saveDir, wait (dc1_job_watch options), tickMs,
   * onEvent(event) (line, progress, tick, pause and stop events), progress (a stderr line when
   * stderr is a terminal), signal }. Aborting stops submitting and rejects with AbortError; run
   * again with the same journal to resume. */
  async run(inputPath, options = {}) {
    if (typeof inputPath !== 'string' || !inputPath) throw new E.InvalidArgumentError('batch.run(path): a file path');
    const o = opt(options);
    const opts = {};
    for (const [k, v] of Object.entries(BATCH_OPTIONS)) if (o[k] !== undefined && o[k] !== null) opts[v] = o[k];
    if (o.wait && typeof o.wait === 'object') opts.wait = o.wait;
    const onUser = typeof o.onEvent === 'function' ? o.onEvent : null;
    const line = o.progress ? ProgressLine.open(process.stderr) : null;
    let last = null;
    const onEvent = onUser || line ? (ev) => {
      if (ev.type === 'progress' || ev.type === 'tick') {
        last = ev;
        if (line) line.draw(batchText(ev));
      }
      if (onUser) onUser(ev);
    } : undefined;
    const core = this._c._core;
    try {
      const out = await core.start(core.kind.batch, inputPath, JSON.stringify(opts), sig(o), onEvent, undefined, true);
      if (line) line.close(last ? batchText({ ...last, running: out.running, queued: 0 }) : null);
      return out;
    } catch (e) {
      if (line) line.close();
      throw e;
    }
  }

  /** Where a batch stands, from its journal alone (no network I/O) → { lines, results,
   * completed, failed, in_flight, finished, all_completed, … }. */
  async status(journalPath, options) {
    if (typeof journalPath !== 'string' || !journalPath) throw new E.InvalidArgumentError('batch.status(journalPath): a file path');
    return this._c._call('batch_status', journalPath, null, null, options);
  }
}

// ─── The official resource client ──────────────────────────────────────────

class JobsResource {
  constructor(c) { Object.defineProperty(this, '_c', { value: c }); }
  submit(options, callOptions) { return this._c.submitJob(options, callOptions); }
  get(id, options) { return this._c.getJob(id, options); }
  wait(id, options = {}) { return this._c.waitForJob(id, options); }
  waitReady(id, options) { return this._c.waitReady(id, options); }
  list(limit = 20, options) { return this._c.listJobs(limit, options); }
  cancel(id, options) { return this._c.cancelJob(id, options); }
  getLogs(id, options = {}) { return this._c.getJobLogs(id, opt(options).since, options); }
  streamLogs(id, options) { return this._c.streamLogs(id, options); }
  status(id, options) { return this._c.getJobStatus(id, options); }
  output(id, options) { return this._c.getJobOutput(id, options); }
  async saveImage(id, path, options) { return this._c.saveImage(id, path, options); }
  lifecycle(id, options) { return this._c.getJobLifecycle(id, options); }
  streamLifecycle(id, options) { return this._c.streamLifecycle(id, options); }
  streamStatus(id, options) { return this._c.streamStatus(id, options); }
}

class ProvidersResource {
  constructor(c) { Object.defineProperty(this, '_c', { value: c }); }
  list(filters, options) { return this._c.listProviders(filters, options); }
  /** One provider by id (dc1_provider_get); NotFoundError when it is not listed. */
  async get(providerId, options) {
    const out = await this._c._call('provider_get', String(providerId), null, null, options);
    return M.toProvider(out.provider || {});
  }
}

class WalletResource {
  constructor(c) { Object.defineProperty(this, '_c', { value: c }); }
  balance(options) { return this._c.getBalance(options); }
  me(options) { return this._c.me(options); }
  history(limit, options) { return this._c.getPaymentHistory(limit, options); }
}

/** The official SDK's resource client: client.jobs, client.providers, client.wallet — plus
 * every DC1RenterClient method. */
class DC1Client extends DC1RenterClient {
  constructor(config = {}) {
    super(config);
    this.jobs = new JobsResource(this);
    this.providers = new ProvidersResource(this);
    this.wallet = new WalletResource(this);
  }
}

module.exports = { DC1RenterClient, DC1Client, VERSION, jobId, camelKeys };
