// A TypeScript program over the whole public surface of dc1-renter-sdk, compiled with
// `tsc --strict --noEmit` by Tests/node/types.test.js (never run: the JavaScript tests run the
// same calls). Each call is written the way a user would, so a wrong or missing declaration in
// index.d.ts fails the compile.
import {
  DC1RenterClient, DC1Client, VERSION, defaultConfig, verifyWebhook, parseWebhook, libraryInfo,
  DC1Error, APIError, AuthError, NotFoundError, InsufficientBalanceError, RateLimitError, QuotaExceededError,
  ValidationError, ServerError, ProtocolError, HTTPError, NetworkError, RequestTimeoutError, JobFailedError,
  JobCancelledError, NotReadyError, SubmitUnknownError, JobTimeoutError, InterruptedCallError, AbortError,
  InvalidArgumentError, FileWriteError, BadSignatureError, BusyError, ClientClosedError, LibraryError,
} from 'dc1-renter-sdk';
import type {
  Job, Provider, Wallet, Balance, JobLog, PaymentHistory, Endpoint, ChatCompletion, WebhookEvent, ModelList, Model,
  TemplateRequest, Quote, Usage, LifecyclePage, LifecycleEvent, BatchEvent, BatchSummary, BatchStatus, SavedImage,
  WaitOptions, ErrorDocument, StatusEvent, LogLevel,
} from 'dc1-renter-sdk';
import sdk from 'dc1-renter-sdk';

const base: string = defaultConfig().baseUrl;
const version: string = VERSION;
const keyFrom: 'option' | 'environment' | null = defaultConfig().apiKeyFrom;
const lib: { path: string; version: string } = libraryInfo();

export async function everything(signal: AbortSignal): Promise<string[]> {
  const out: string[] = [base, version, String(keyFrom), lib.path];
  const client = new DC1RenterClient({
    apiKey: 'dcp-renter-x', baseUrl: 'http://127.0.0.1:1', timeoutMs: 5000, maxRetries: 0, poolSize: 2,
    logLevel: 'debug', logger: (level: LogLevel, message: string) => { out.push(`${level}: ${message}`); },
  });
  const so = { signal };

  const me: Wallet = await client.me(so);
  out.push(me.email, me.apiKey, String(me.balanceSar));
  const reg = await client.register('Name', 'a@b.invalid', 'Org', so);
  out.push(reg.apiKey, String(reg.renterId));

  const providers: Provider[] = await client.listProviders({ minVramGb: 16, gpuModel: '4090', live: true, limit: 5 }, so);
  const p: Provider = providers[0];
  const job: Job = await client.submitJob({
    providerId: p.id, jobType: 'llm_inference', params: { prompt: 'hi', max_tokens: 8, stream: false }, durationMinutes: 1,
    priority: 1, model: 'm', pricingClass: 'standard', signal,
  });
  out.push(job.id, String(job.queued ?? false), String(job.costSar), job.status);

  const got: Job = await client.getJob(job.id, so);
  const byRow: Job = await client.getJob(42, so);
  const again: Job = await client.getJob(got, so);
  out.push(String(byRow.rowId), String(again.isDone), again.outcome ?? 'running', got.result?.output ?? '', got.text ?? '');
  const st = await client.getJobStatus(job.id, so);
  out.push(st.status, String(st.terminal));
  const output = await client.getJobOutput(job.id, so);
  out.push(output.kind);

  const waitOptions: WaitOptions = {
    timeout: 60_000, pollInterval: 1_000, maxPollInterval: 5_000, cancelOnTimeout: true, useStream: true, progress: true,
    onProgress: (status: string, ev: StatusEvent) => { out.push(status, ev.source); }, signal,
  };
  const done: Job = await client.waitForJob(job.id, waitOptions);
  const ready: Endpoint = await client.waitReady(done, { timeout: 600_000, signal });
  out.push(ready.baseUrl, ready.chatCompletionsUrl, ready.apiKey);

  const logs: JobLog[] = await client.getJobLogs(job.id, 10, { limit: 50, signal });
  out.push(...logs.map((l) => `${l.lineNo} ${l.level} ${l.message}`));
  const logStream = client.streamLogs(job.id, { since: 0, timeout: 10_000, idleTimeout: 5_000, maxReconnects: 2, signal });
  for await (const line of logStream) out.push(line.message);
  out.push((await logStream.result).ended);
  for await (const ev of client.streamStatus(job.id, { signal })) out.push(ev.event);

  const page: LifecyclePage = await client.getJobLifecycle(job.id, { sinceSequence: 0, limit: 10, eventType: 'job.completed', errorCategory: 'oom', signal });
  const first: LifecycleEvent | undefined = page.events[0];
  out.push(first ? first.event_type : '', String(page.has_more));
  const life = client.streamLifecycle(job.id, { since: 0, timeout: 10_000, signal });
  for await (const ev of life) out.push(ev.event, String(ev.sequence_no));
  out.push(String((await life.result).last_sequence));

  const cancelled = await client.cancelJob(job.id, so);
  out.push(String(cancelled.success), cancelled.jobId);
  const saved: SavedImage = await client.saveImage(job.id, '/tmp/out.png', so);
  out.push(`${saved.width}x${saved.height} ${saved.format}`);
  const jobs: Job[] = await client.listJobs(10, so);
  out.push(String(jobs.length));
  const balance: Balance = await client.getBalance(so);
  out.push(balance.availableSar.toFixed(2), balance.heldSar.toFixed(2));
  const history: PaymentHistory = await client.getPaymentHistory(20, so);
  out.push(...history.jobs.map((h) => `${h.jobType} ${h.costSar} ${h.refunded}`));

  const models: ModelList = await client.listModels({ arabic: true, minVramGb: 24, category: 'llm', tier: 'tier_a', providers: true, cachedOnly: false }, so);
  const model: Model = await client.getModel(models.models[0].model_id, so);
  out.push(model.display_name, String(model.price_sar_per_hour), String(models.models[0].live_provider_count ?? 0));
  const images = await client.listImages(so);
  out.push(...images.images.map((i) => i.image_ref));
  const templates = await client.listTemplates({ tag: 'llm' }, so);
  const tpl: TemplateRequest = await client.templateRequest(templates.templates[0].id, { durationMinutes: 1, params: { prompt: 'x' } }, so);
  out.push(tpl.request.job_type, ...tpl.dropped_params);
  const fromTemplate: Job = await client.submitJob(tpl.options);
  out.push(fromTemplate.id);
  const quote: Quote = await client.quote({ jobType: 'image_generation', durationMinutes: 2, pricingClass: 'economy', gpuModel: 'RTX 4090' }, so);
  const held: Quote = await client.quote({ jobType: 'llm_inference', durationMinutes: 1, providerId: 3, params: { prompt: 'x' } }, so);
  out.push(String(held.cost_halala));
  out.push(String(quote.cost_halala), quote.basis);
  const usage: Usage = await client.getUsage(so);
  out.push(...usage.monthly.map((m) => `${m.month} ${m.total_sar}`), String(usage.v1?.total_tokens ?? 0));

  const completion: ChatCompletion = await client.chat([{ role: 'user', content: 'hi' }], { model: 'm', temperature: 0.2, max_tokens: 16, timeout: 5_000, signal });
  out.push(completion.content, completion.finish_reason ?? '');
  const tokens = client.streamChat([{ role: 'system', content: 's' }, { role: 'user', content: 'u' }], { model: 'm', endpointUrl: 'http://127.0.0.1:2/v1', signal });
  for await (const t of tokens) out.push(t);
  out.push((await tokens.result).content);

  await client.setWebhookUrl('https://example.invalid/hook', so);
  await client.setWebhookUrl(null, so);
  const hooks = await client.listWebhooks(so);
  const hook = await client.registerWebhook({ url: 'https://example.invalid/h', secret: '0123456789abcdef', events: ['job.completed'] }, so);
  const removed = await client.deleteWebhook(hook.id, so);
  out.push(String(hooks.length), String(removed.active));
  const raw = await client.request('GET', '/api/renters/balance', undefined, so);
  out.push(String(raw.http_status), raw.request_id);

  const events: BatchEvent[] = [];
  const summary: BatchSummary = await client.batch.run('/tmp/in.jsonl', {
    outPath: '/tmp/out.jsonl', journalPath: '/tmp/in.journal', concurrency: 4, maxAttempts: 2, budgetSar: 10, saveDir: '/tmp',
    wait: { timeout_ms: 60_000 }, tickMs: 500, progress: true, signal,
    onEvent: (ev: BatchEvent) => {
      events.push(ev);
      if (ev.type === 'progress' || ev.type === 'tick') out.push(`${ev.done}/${ev.lines} ${ev.jobs_per_min}`);
      else if (ev.type === 'line') out.push(ev.status);
    },
  });
  const status: BatchStatus = await client.batch.status(summary.journal_path, so);
  out.push(String(summary.all_completed), String(status.finished), ...status.in_flight.map((f) => f.job_id));

  client.interrupt();
  out.push(client.baseUrl, client.config.baseUrlFrom, String(client.config.timeoutMs), client.library.version);
  client.close();

  // The resource client of the official SDK.
  const dc1 = new DC1Client({ apiKey: 'k' });
  const j: Job = await dc1.jobs.submit({ jobType: 'llm_inference', params: {}, durationMinutes: 1 }, so);
  await dc1.jobs.get(j.id, so);
  await dc1.jobs.wait(j.id, { timeout: 1000, signal });
  await dc1.jobs.waitReady(j.id, { signal });
  await dc1.jobs.list(5, so);
  await dc1.jobs.cancel(j.id, so);
  await dc1.jobs.getLogs(j.id, { since: 1, limit: 2, signal });
  for await (const l of dc1.jobs.streamLogs(j.id, so)) out.push(l.loggedAt);
  for await (const e of dc1.jobs.streamStatus(j.id, so)) out.push(e.event);
  for await (const e of dc1.jobs.streamLifecycle(j.id, so)) out.push(e.event_type);
  await dc1.jobs.status(j.id, so);
  await dc1.jobs.output(j.id, so);
  await dc1.jobs.saveImage(j.id, '/tmp/x.png', so);
  await dc1.jobs.lifecycle(j.id, so);
  const prov: Provider[] = await dc1.providers.list({ live: true }, so);
  const one: Provider = await dc1.providers.get(prov[0].id, so);
  const bal: Balance = await dc1.wallet.balance(so);
  const w: Wallet = await dc1.wallet.me(so);
  const h: PaymentHistory = await dc1.wallet.history(5, so);
  out.push(one.gpuModel, String(bal.balanceSar), w.name, String(h.totalJobs));
  await dc1.batch.status('/tmp/j', so);
  dc1.close();
  return out;
}

export function webhooks(body: Uint8Array | string): WebhookEvent | null {
  if (!verifyWebhook('secret', 'sha256=00', body)) return null;
  const ev: WebhookEvent = parseWebhook(body);
  return ev;
}

/** Every error class, narrowed the way a user's catch block does it. */
export function describe(e: unknown): string {
  if (e instanceof AbortError) return `${e.name} ${e.code} ${e.dc1Code}`;
  if (e instanceof JobTimeoutError) return `${e.jobId} ${e.timeoutMs} ${e.job?.status ?? ''}`;
  if (e instanceof InsufficientBalanceError) return `${e.shortfallHalala ?? 0}`;
  if (e instanceof QuotaExceededError) return 'quota';
  if (e instanceof RateLimitError) return `${e.retryAfterMs ?? 0}`;
  if (e instanceof JobCancelledError) return `${e.jobId ?? ''}`;
  if (e instanceof JobFailedError) return `${e.reason ?? ''} ${e.refunded ?? false}`;
  if (e instanceof SubmitUnknownError) return `${e.candidates.length}`;
  if (e instanceof RequestTimeoutError) return 'timeout';
  if (e instanceof ValidationError) return e.fields.map((f) => f.field).join(',');
  if (e instanceof AuthError || e instanceof NotFoundError || e instanceof ServerError || e instanceof ProtocolError ||
      e instanceof HTTPError || e instanceof NetworkError || e instanceof NotReadyError) return `${e.statusCode}`;
  if (e instanceof APIError) return JSON.stringify(e.response);
  if (e instanceof InterruptedCallError || e instanceof InvalidArgumentError || e instanceof FileWriteError ||
      e instanceof BadSignatureError || e instanceof BusyError || e instanceof ClientClosedError ||
      e instanceof LibraryError) return e.code;
  if (e instanceof DC1Error) {
    const doc: ErrorDocument = e.document;
    return `${e.code} ${e.rc ?? ''} ${e.httpStatus ?? ''} ${e.requestId ?? ''} ${doc.message ?? ''}`;
  }
  return String(e);
}

export const made: DC1Error[] = [
  new DC1Error('m'), new APIError('m', 500, { error: 'x' }), new JobTimeoutError('job-1', 1000),
  new AbortError(), new sdk.NotFoundError('gone', 404),
];
export const defaultExport: typeof DC1RenterClient = sdk.DC1RenterClient;
