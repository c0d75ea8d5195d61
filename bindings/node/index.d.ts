// Type declarations of dc1-renter-sdk (the official SDK's surface, on libdc1).
// Checked by `tsc --strict --noEmit` (Tests/node/types.test.js) with the DOM and ES2022
// libraries only: nothing here needs @types/node (a Buffer is a Uint8Array).

export declare const VERSION: string;

export type JobType =
  | 'llm_inference' | 'image_generation' | 'vllm_serve' | 'rendering' | 'training' | 'benchmark'
  | 'custom_container' | (string & {});
export type JobStatus =
  | 'pending' | 'queued' | 'assigned' | 'pulling' | 'running' | 'completed' | 'failed' | 'cancelled'
  | (string & {});
export type ProviderStatus = 'online' | 'offline' | 'paused' | (string & {});
/** 0–10 (the official SDK documents 1=high, 2=normal, 3=low); a number, as the official SDK sends it. */
export type JobPriority = number;

/** Every call takes an AbortSignal: aborting ends that call only, with an AbortError. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface DC1ClientConfig {
  /** Default: $DC1_API_KEY. Public routes work without one. */
  apiKey?: string;
  /** Default: $DC1_BASE_URL, then https://api.dcp.sa. */
  baseUrl?: string;
  /** Deadline of each call, retries included (default 30000). */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Retries of safe requests (default 3; 0 disables). */
  maxRetries?: number;
  retryBaseMs?: number;
  maxRetryAfterMs?: number;
  userAgent?: string;
  caPath?: string;
  insecureSkipVerify?: boolean;
  proxy?: string;
  maxResponseBytes?: number;
  allowInsecureHttp?: boolean;
  poolSize?: number;
  /** The core's log (dc1_client_set_logger): retries ('info'), inputs the server's sanitiser
   * will alter ('warn'), each HTTP exchange ('debug'). Never holds the key. Called on the main
   * thread, shortly after the core wrote the message. */
  logger?: (level: LogLevel, message: string) => void;
  /** The least level passed to logger (default 'info'). */
  logLevel?: LogLevel;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Job {
  /** What the checks before paying found at submit (check 'warn'), when anything. */
  checkWarnings?: Array<{ field: string; message: string }>;
  /** The job_id ("job-…"). */
  id: string;
  /** The integer row id. */
  rowId: number | null;
  status: JobStatus;
  jobType: JobType;
  providerId: number | null;
  durationMinutes: number;
  /** What the renter is charged, in halala (1 SAR = 100 halala): the settled cost once the job
   * is terminal (0 for a refunded failure or cancellation), the held quote before that. */
  costHalala: number;
  /** costHalala / 100 */
  costSar: number;
  /** The quoted, prepaid price. */
  quotedCostHalala: number;
  quotedCostSar: number;
  actualCostHalala: number | null;
  actualCostSar: number | null;
  submittedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  providerName: string | null;
  model: string | null;
  /** true when the status is terminal. */
  isDone: boolean;
  /** How a terminal status ended (the core's reading); null while the job runs. */
  outcome: 'succeeded' | 'failed' | 'cancelled' | null;
  /**
   * The output of a completed job: the normalised output document plus `output`, the text
   * for text jobs (`image_base64`, `format`, `width`, `height` for images; `result_json`,
   * `stdout` for scripts). For a serving vllm_serve job: { kind: 'endpoint', endpoint_url, base_url }.
   */
  result: ({ output?: string; endpoint_url?: string; base_url?: string; image_base64?: string; kind?: string } & Record<string, unknown>) | null;
  resultType: 'text' | 'image' | 'endpoint' | 'json' | 'raw' | 'empty' | null;
  /** The generated text of a completed text job. */
  text: string | null;
  error: string | null;
  executionTimeSec: number | null;
  endpointUrl: string | null;
  /** submitJob only: the job waits in a queue. */
  queued?: boolean;
  /** submitJob only: the answer was lost and the job was found in the history. */
  reconciled?: boolean;
  /** The core's job document (not enumerable). */
  readonly raw: Record<string, unknown>;
  /** The core's output document of a completed job (not enumerable). */
  readonly output: Record<string, unknown> | null;
}

export interface Provider {
  id: number;
  name: string;
  gpuModel: string;
  vramMib: number;
  vramGb: number;
  status: ProviderStatus;
  reliabilityScore: number;
  isLive: boolean;
  gpuCount: number;
  location: string | null;
  cachedModels: string[];
  readonly raw: Record<string, unknown>;
}

export interface Wallet {
  balanceHalala: number;
  balanceSar: number;
  name: string;
  email: string;
  /** The key the client uses (not enumerable: kept out of logs). */
  readonly apiKey: string;
  renterId: number | null;
  organization: string | null;
  totalSpentHalala: number;
  totalJobs: number;
  recentJobs: Record<string, unknown>[];
  readonly raw: Record<string, unknown>;
}

export interface Balance {
  balanceHalala: number;
  balanceSar: number;
  heldHalala: number;
  heldSar: number;
  availableHalala: number;
  availableSar: number;
  totalSpentHalala: number;
  totalSpentSar: number;
  totalJobs: number;
  readonly raw: Record<string, unknown>;
}

export interface JobLog {
  lineNo: number;
  level: 'info' | 'warn' | 'error' | 'debug' | (string & {});
  message: string;
  loggedAt: string;
  readonly raw: Record<string, unknown>;
}

export interface RegisterResult {
  renterId: number;
  /** The server mails a sign-in link and returns no key: "" then. */
  apiKey: string;
  message: string;
  readonly raw?: Record<string, unknown>;
}

export interface PaymentHistoryItem {
  jobId: string;
  jobType: string;
  status: string;
  submittedAt: string;
  completedAt: string | null;
  costHalala: number;
  costSar: number;
  providerName: string | null;
  providerGpu: string | null;
  refunded: boolean;
}

export interface PaymentHistory {
  balanceHalala: number;
  balanceSar: number;
  totalJobs: number;
  jobs: PaymentHistoryItem[];
}

export interface ListProvidersFilters extends CallOptions {
  /** Minimum VRAM in GB */
  minVramGb?: number;
  /** GPU model substring (case-insensitive) */
  gpuModel?: string;
  /** Heartbeat within 120 s */
  live?: boolean;
  limit?: number;
}

export interface SubmitJobOptions extends CallOptions {
  /** Omit for automatic routing. */
  providerId?: number;
  jobType: JobType;
  params: Record<string, string | number | boolean | null>;
  durationMinutes: number;
  /** Default 2. */
  priority?: JobPriority;
  model?: string;
  pricingClass?: string;
  maxDurationSeconds?: number;
  gpuRequirements?: Record<string, unknown>;
  containerSpec?: Record<string, unknown>;
  taskSpec?: Record<string, unknown> | string;
  templateId?: string;
  bundleId?: string;
  prewarmRequested?: boolean;
  envVars?: Record<string, string>;
  /** The checks before paying: 'warn' (default), 'strict' or 'off'; null sends none. */
  check?: 'off' | 'warn' | 'strict' | null;
}

/** A status event of dc1_job_watch. */
export interface StatusEvent {
  type: 'status';
  job_id: string;
  status: JobStatus;
  previous: JobStatus | null;
  source: 'stream' | 'poll' | 'job';
  elapsed_ms: number;
  job: Record<string, unknown>;
}

export interface WaitOptions extends CallOptions {
  /** The wait's deadline in ms (default 300000). */
  timeout?: number;
  /** First polling interval in ms (default 3000; the status stream is followed when the server offers it). */
  pollInterval?: number;
  /** The older SDK's names. */
  timeoutMs?: number;
  pollIntervalMs?: number;
  /** The interval grows ×1.5 up to this (default max(pollInterval, 10000)). */
  maxPollInterval?: number;
  /** Called on every status change, the first one included. */
  onProgress?: (status: JobStatus, event: StatusEvent) => void;
  cancelOnTimeout?: boolean;
  useStream?: boolean;
  /** Draw one self-overwriting stderr line (status, time waited) while waiting, when stderr is
   * a terminal; nothing otherwise. Default false. */
  progress?: boolean;
}

export interface Endpoint {
  job: Job;
  jobId: string;
  endpointUrl: string;
  /** OpenAI-compatible base URL (ends in /v1). */
  baseUrl: string;
  model: string | null;
  apiKey: 'not-needed';
  chatCompletionsUrl: string;
}

export interface StreamOptions extends CallOptions {
  /** Whole call, ms (default 3600000). */
  timeout?: number;
  /** No event for this long means a stalled stream: reconnect (default 60000). */
  idleTimeout?: number;
  maxReconnects?: number;
}

export interface LogStreamOptions extends StreamOptions {
  /** Resume after this line number. */
  since?: number;
}

/** An async iterator over a call's events; leaving the loop stops the call. */
export interface EventStream<T, R> extends AsyncIterableIterator<T> {
  /** The call's final document. */
  readonly result: Promise<R>;
}

export interface LogStreamResult {
  job_id: string;
  lines: number;
  last_line_no: number;
  reconnects: number;
  ended: 'end' | 'stopped';
  status: JobStatus;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | (string & {});
  content: string;
}

export interface ChatOptions extends CallOptions {
  model?: string;
  /** A serving vllm_serve job's endpoint: the call goes there and the key is never sent. */
  endpointUrl?: string;
  /** ms */
  timeout?: number;
  [field: string]: unknown;
}

export interface ChatCompletion extends Record<string, unknown> {
  content: string;
  finish_reason: string | null;
}

// ─── Catalogue ────────────────────────────────────────────────────────────────

export interface ModelFilters extends CallOptions {
  arabic?: boolean;
  /** Models that fit in this much VRAM. */
  minVramGb?: number;
  category?: 'llm' | 'embedding' | 'image' | 'training' | (string & {});
  tier?: 'tier_a' | 'tier_b' | 'tier_c' | 'instant' | (string & {});
  /** Join the live providers that cache each model (default true). */
  providers?: boolean;
  /** Only models some live provider caches. */
  cachedOnly?: boolean;
}

export interface LiveProvider {
  id: number;
  name: string;
  gpu_model: string;
  vram_gb: number;
  location: string | null;
}

export interface Model extends Record<string, unknown> {
  model_id: string;
  display_name: string;
  status?: 'available' | 'no_providers' | (string & {});
  price_sar_per_min: number;
  price_halala_per_min: number;
  price_sar_per_hour: number;
  live_providers?: LiveProvider[];
  live_provider_count?: number;
}

export interface ModelList {
  models: Model[];
  total: number;
  providers_joined: boolean;
}

export interface ContainerImage {
  id: number | null;
  image_ref: string;
  image_type: string;
  description: string | null;
  approved_at: string | null;
  source: 'template' | 'allowed' | (string & {});
}

export interface Template extends Record<string, unknown> {
  id: string;
  name: string;
  description: string;
  job_type: JobType;
  min_vram_gb: number;
  estimated_price_sar_per_hour: number;
  tags: string[];
}

/** submitJob's options without the signal, as templateRequest takes them (durationMinutes required). */
export type TemplateOverrides = Partial<Omit<SubmitJobOptions, 'signal'>> & { durationMinutes: number };

export interface TemplateRequest {
  /** The REST submit body. */
  request: Record<string, unknown> & { job_type: JobType; duration_minutes: number; params: Record<string, unknown> };
  template: { id: string; name: string; job_type: JobType; image: string | null; min_vram_gb: number; estimated_price_sar_per_hour: number };
  dropped_params: string[];
  /** The same request as submitJob's options (not enumerable): `client.submitJob(t.options)`. */
  readonly options: SubmitJobOptions;
}

/** What to quote: submitJob's options (the core quotes what that submit would hold), plus gpuModel. */
export interface QuoteRequest extends CallOptions {
  jobType: JobType;
  durationMinutes: number;
  providerId?: number;
  pricingClass?: 'priority' | 'standard' | 'economy' | (string & {});
  gpuRequirements?: Record<string, unknown>;
  params?: Record<string, string | number | boolean | null>;
  priority?: JobPriority;
  model?: string;
  /** The rate of a provider with this GPU. */
  gpuModel?: string;
}

export interface Quote extends Record<string, unknown> {
  job_type: JobType;
  duration_minutes: number;
  pricing_class: string;
  multiplier: number;
  /** What the amount is based on: a provider, a GPU model, automatic routing, the job type. */
  basis: 'provider' | 'gpu' | 'auto' | 'job_type' | (string & {});
  cost_halala: number;
  cost_sar: number;
  cost_usd: number;
}

export interface SpendingRow {
  jobs: number;
  total_halala: number;
  total_sar: number;
}

export interface Usage {
  all_time: { total_jobs: number; total_halala: number; total_sar: number };
  monthly: Array<SpendingRow & { month: string }>;
  last_30_days: Array<SpendingRow & { date: string }>;
  v1: { total_requests: number; prompt_tokens: number; completion_tokens: number; total_tokens: number; total_cost_halala: number; total_cost_sar: number } | null;
  balance_halala: number;
  balance_sar: number;
  total_spent_halala: number;
  total_spent_sar: number;
  total_jobs: number;
}

// ─── Lifecycle ────────────────────────────────────────────────────────────────

export interface LifecycleOptions extends CallOptions {
  /** Events after this sequence number. */
  sinceSequence?: number;
  /** 1–1000 (server default 200). */
  limit?: number;
  eventType?: string;
  status?: string;
  errorCategory?: 'timeout' | 'oom' | 'image_pull' | 'provider_disconnect' | 'execution' | (string & {});
}

export interface LifecycleEvent extends Record<string, unknown> {
  job_id: string;
  sequence_no: number;
  event_type: string;
  status: JobStatus | null;
  occurred_at: string;
}

export interface LifecyclePage {
  job_id: string;
  status: JobStatus;
  events: LifecycleEvent[];
  total_events: number;
  has_more: boolean;
  next_since_sequence: number;
}

export interface LifecycleStreamResult {
  job_id: string;
  events: number;
  last_sequence: number;
  reconnects: number;
  ended: 'end' | 'stopped';
  status: JobStatus;
}

export interface LifecycleStreamOptions extends StreamOptions {
  /** The first since_sequence. */
  since?: number;
}

// ─── Batch ────────────────────────────────────────────────────────────────────

/** A batch event (dc1_batch_run's on_event): a line changed, the counts, a pause, a stop. */
export type BatchEvent =
  | { type: 'line'; line: number; id?: unknown; status: string; job_id?: string; attempts: number; error?: ErrorDocument; cost_halala?: number }
  | { type: 'progress' | 'tick'; lines: number; done: number; failed: number; running: number; queued: number; pending: number; spent_halala: number; spent_sar: number; elapsed_ms: number; jobs_per_min: number; budget_sar?: number }
  | { type: 'pause'; reason: string; wait_ms: number }
  | { type: 'stop'; reason: string; message: string };

export interface BatchRunOptions extends CallOptions {
  /** Results, one JSON object per input line (default "<input>.results.jsonl"). */
  outPath?: string;
  /** The journal (default "<input>.journal"); the same journal resumes. */
  journalPath?: string;
  /** Jobs in flight at most, 1–64 (default 4). */
  concurrency?: number;
  /** Jobs per line at most, failed ones resubmitted (default 1). */
  maxAttempts?: number;
  /** Stop submitting before the quoted cost would pass this. */
  budgetSar?: number;
  /** Write each image output to "<saveDir>/<id or line-N>.png". */
  saveDir?: string;
  /** dc1_job_watch options for each job (snake_case, e.g. { timeout_ms }). */
  wait?: Record<string, unknown>;
  /** How often a "tick" event comes (default 500). */
  tickMs?: number;
  /** Every event of the run, ticks included. */
  onEvent?: (event: BatchEvent) => void;
  /** One self-overwriting stderr line (done/failed/running/queued, SAR spent, jobs/min, ETA)
   * when stderr is a terminal; nothing otherwise. Default false. */
  progress?: boolean;
}

export interface BatchSummary extends Record<string, unknown> {
  lines: number;
  completed: number;
  failed: number;
  not_submitted: number;
  running: number;
  statuses: Record<string, number>;
  attempts: number;
  jobs_created: number;
  spent_halala: number;
  spent_sar: number;
  all_completed: boolean;
  stopped: string | null;
  out_path: string;
  journal_path: string;
  elapsed_ms: number;
}

export interface BatchStatus extends Record<string, unknown> {
  journal_path: string;
  input_path: string;
  lines: number;
  results: Record<string, number>;
  completed: number;
  failed: number;
  in_flight: Array<{ line: number; job_id: string; attempts: number }>;
  submit_unknown: number[];
  not_submitted: number;
  attempts: number;
  spent_halala: number;
  spent_sar: number;
  finished: boolean;
  all_completed: boolean;
}

export declare class BatchResource {
  /** Runs a JSON Lines file of submit requests (dc1_batch_run). */
  run(inputPath: string, options?: BatchRunOptions): Promise<BatchSummary>;
  /** Where a batch stands, from its journal (no network I/O). */
  status(journalPath: string, options?: CallOptions): Promise<BatchStatus>;
}

export interface WebhookEvent {
  event: string;
  job_id: string;
  status: string;
  cost_halala?: number;
  dedupe_key: string;
  raw: Record<string, unknown>;
}

/** The settings a client runs with (dc1_client_config), in the constructor's option names.
 * The key itself is never in it. */
export interface ClientSettings {
  baseUrl: string;
  /** Where baseUrl came from. */
  baseUrlFrom: 'option' | 'environment' | 'default';
  apiKeySet: boolean;
  /** Where the key came from; null without one. */
  apiKeyFrom: 'option' | 'environment' | null;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  maxRetryAfterMs: number;
  userAgent: string | null;
  caPath: string | null;
  insecureSkipVerify: boolean;
  /** With any user:password@ shown as [redacted]@. */
  proxy: string | null;
  maxResponseBytes: number;
  allowInsecureHttp: boolean;
  poolSize: number;
  check: 'off' | 'warn' | 'strict';
}

export declare class DC1RenterClient {
  constructor(config?: DC1ClientConfig);
  /** The base URL in use: baseUrl, else $DC1_BASE_URL, else the default (resolved by the core). */
  readonly baseUrl: string;
  /** The settings in effect, as the core resolved them (never the key). */
  readonly config: ClientSettings;
  /** The libdc1 in use. */
  readonly library: { path: string; version: string };
  /** client.batch.run(path, options), client.batch.status(journalPath). */
  readonly batch: BatchResource;
  /** Frees the C client; calls in flight finish first, later calls reject with ClientClosedError. */
  close(): void;
  /** Ends every call in flight on this client (InterruptedCallError); later calls are not affected. */
  interrupt(): void;

  me(options?: CallOptions): Promise<Wallet>;
  register(name: string, email: string, organization?: string, options?: CallOptions): Promise<RegisterResult>;
  listProviders(filters?: ListProvidersFilters, options?: CallOptions): Promise<Provider[]>;
  submitJob(options: SubmitJobOptions, callOptions?: CallOptions): Promise<Job>;
  getJob(jobId: string | number | Job, options?: CallOptions): Promise<Job>;
  getJobStatus(jobId: string | number | Job, options?: CallOptions): Promise<Record<string, unknown> & { status: JobStatus; terminal: boolean }>;
  getJobOutput(jobId: string | number | Job, options?: CallOptions): Promise<Record<string, unknown> & { kind: string }>;
  waitForJob(jobId: string | number | Job, options?: WaitOptions): Promise<Job>;
  waitReady(jobId: string | number | Job, options?: WaitOptions): Promise<Endpoint>;
  getJobLogs(jobId: string | number | Job, since?: number, options?: CallOptions & { limit?: number }): Promise<JobLog[]>;
  streamLogs(jobId: string | number | Job, options?: LogStreamOptions): EventStream<JobLog, LogStreamResult>;
  streamStatus(jobId: string | number | Job, options?: StreamOptions): EventStream<Record<string, unknown> & { event: string }, Record<string, unknown>>;
  getJobLifecycle(jobId: string | number | Job, options?: LifecycleOptions): Promise<LifecyclePage>;
  streamLifecycle(jobId: string | number | Job, options?: LifecycleStreamOptions): EventStream<LifecycleEvent & { event: string }, LifecycleStreamResult>;
  cancelJob(jobId: string | number | Job, options?: CallOptions): Promise<{ success: boolean; jobId: string; status: string; job: Record<string, unknown> }>;
  saveImage(jobId: string | number | Job, path: string, options?: CallOptions): Promise<SavedImage>;
  listJobs(limit?: number, options?: CallOptions): Promise<Job[]>;
  getBalance(options?: CallOptions): Promise<Balance>;
  getPaymentHistory(limit?: number, options?: CallOptions): Promise<PaymentHistory>;
  listModels(filters?: ModelFilters, options?: CallOptions): Promise<ModelList>;
  getModel(modelId: string, options?: CallOptions): Promise<Model>;
  listImages(options?: CallOptions): Promise<{ images: ContainerImage[]; total: number }>;
  listTemplates(filters?: { tag?: string } & CallOptions, options?: CallOptions): Promise<{ templates: Template[]; total: number }>;
  templateRequest(templateId: string, overrides: TemplateOverrides, options?: CallOptions): Promise<TemplateRequest>;
  quote(request: QuoteRequest, options?: CallOptions): Promise<Quote>;
  getUsage(options?: CallOptions): Promise<Usage>;
  chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatCompletion>;
  streamChat(messages: ChatMessage[], options?: ChatOptions): EventStream<string, Record<string, unknown> & { content: string }>;
  setWebhookUrl(url: string | null, options?: CallOptions): Promise<{ success: boolean; settings: { webhook_url: string | null } }>;
  listWebhooks(options?: CallOptions): Promise<Array<{ id: number | string; url: string; events: string[]; active: boolean; created_at: string }>>;
  registerWebhook(spec: { url: string; secret: string; events?: string[] }, options?: CallOptions): Promise<{ id: number | string; url: string; events: string[]; active: boolean; created_at: string }>;
  deleteWebhook(webhookId: number | string, options?: CallOptions): Promise<{ success: boolean; id: number | string; active: false }>;
  request(method: string, path: string, body?: unknown, options?: CallOptions): Promise<{ http_status: number; request_id: string; body: unknown }>;
}

export interface SavedImage {
  path: string;
  bytes: number;
  width: number;
  height: number;
  format: string;
  truncated: boolean;
  job_id: string;
  kind: 'image';
}

export declare class JobsResource {
  submit(options: SubmitJobOptions, callOptions?: CallOptions): Promise<Job>;
  get(jobId: string | number | Job, options?: CallOptions): Promise<Job>;
  wait(jobId: string | number | Job, options?: WaitOptions): Promise<Job>;
  waitReady(jobId: string | number | Job, options?: WaitOptions): Promise<Endpoint>;
  list(limit?: number, options?: CallOptions): Promise<Job[]>;
  cancel(jobId: string | number | Job, options?: CallOptions): Promise<{ success: boolean; jobId: string; status: string; job: Record<string, unknown> }>;
  getLogs(jobId: string | number | Job, options?: CallOptions & { since?: number; limit?: number }): Promise<JobLog[]>;
  streamLogs(jobId: string | number | Job, options?: LogStreamOptions): EventStream<JobLog, LogStreamResult>;
  status(jobId: string | number | Job, options?: CallOptions): Promise<Record<string, unknown>>;
  output(jobId: string | number | Job, options?: CallOptions): Promise<Record<string, unknown>>;
  saveImage(jobId: string | number | Job, path: string, options?: CallOptions): Promise<SavedImage>;
  lifecycle(jobId: string | number | Job, options?: LifecycleOptions): Promise<LifecyclePage>;
  streamLifecycle(jobId: string | number | Job, options?: LifecycleStreamOptions): EventStream<LifecycleEvent & { event: string }, LifecycleStreamResult>;
  streamStatus(jobId: string | number | Job, options?: StreamOptions): EventStream<Record<string, unknown> & { event: string }, Record<string, unknown>>;
}

export declare class ProvidersResource {
  list(filters?: ListProvidersFilters, options?: CallOptions): Promise<Provider[]>;
  get(providerId: number, options?: CallOptions): Promise<Provider>;
}

export declare class WalletResource {
  balance(options?: CallOptions): Promise<Balance>;
  me(options?: CallOptions): Promise<Wallet>;
  history(limit?: number, options?: CallOptions): Promise<PaymentHistory>;
}

/** The official resource client (client.jobs, client.providers, client.wallet), plus every DC1RenterClient method. */
export declare class DC1Client extends DC1RenterClient {
  readonly jobs: JobsResource;
  readonly providers: ProvidersResource;
  readonly wallet: WalletResource;
}

/** true when the X-DCP-Signature header matches the raw body under `secret` (constant time). */
export declare function verifyWebhook(secret: string, signatureHeader: string, body: Uint8Array | ArrayBuffer | string): boolean;
/** A delivery body (any of the server's shapes) → one shape; dedupe on dedupe_key. */
export declare function parseWebhook(body: Uint8Array | ArrayBuffer | string): WebhookEvent;
/** The libdc1 in use (loads it). */
export declare function libraryInfo(): { path: string; version: string };
/** The core's built-in client settings, before the environment and any options (loads the library). */
export declare function defaultConfig(): ClientSettings;

// ─── Errors ──────────────────────────────────────────────────────────────────

export interface ErrorDocument {
  code?: string;
  rc?: number;
  message?: string;
  http_status?: number;
  request_id?: string;
  retry_after_ms?: number;
  attempts?: number;
  fields?: Array<{ field: string; message: string }>;
  body?: unknown;
  job?: Record<string, unknown>;
  job_id?: string;
  candidates?: Record<string, unknown>[];
  fate_unknown?: boolean;
  partial?: Record<string, unknown>;
  [member: string]: unknown;
}

export declare class DC1Error extends Error {
  constructor(message?: string, options?: { document?: ErrorDocument; cause?: unknown });
  readonly document: ErrorDocument;
  /** "DC1_E_…" ("ABORT_ERR" for an AbortError). */
  code: string;
  rc: number | null;
  httpStatus: number | null;
  /** X-Request-Id of the last HTTP attempt: quote it to support. */
  requestId: string | null;
  retryAfterMs: number | null;
  attempts: number | null;
  fields: Array<{ field: string; message: string }>;
  body: unknown;
  job: unknown;
}
export declare class APIError extends DC1Error {
  constructor(message?: string, statusCode?: number, response?: Record<string, unknown>, options?: { document?: ErrorDocument });
  /** The HTTP status (0 when no response arrived). */
  statusCode: number;
  response: Record<string, unknown>;
}
export declare class AuthError extends APIError {}
export declare class NotFoundError extends APIError {}
export declare class InsufficientBalanceError extends APIError {
  readonly balanceHalala: number | null;
  readonly requiredHalala: number | null;
  readonly shortfallHalala: number | null;
}
export declare class RateLimitError extends APIError {}
export declare class QuotaExceededError extends RateLimitError {}
export declare class ValidationError extends APIError {}
export declare class ServerError extends APIError {}
export declare class ProtocolError extends APIError {}
export declare class HTTPError extends APIError {}
export declare class NetworkError extends APIError {}
export declare class RequestTimeoutError extends NetworkError {}
export declare class JobFailedError extends APIError {
  readonly jobId: string | null;
  readonly reason: string | null;
  readonly refunded: boolean | null;
}
export declare class JobCancelledError extends JobFailedError {}
export declare class NotReadyError extends APIError {}
export declare class SubmitUnknownError extends APIError {
  readonly candidates: Record<string, unknown>[];
}
export declare class JobTimeoutError extends DC1Error {
  constructor(jobId?: string, timeoutMs?: number, options?: { job?: Job | null; document?: ErrorDocument });
  jobId: string;
  timeoutMs: number;
  /** The last state seen. */
  job: Job | null;
}
export declare class InterruptedCallError extends DC1Error {}
export declare class AbortError extends InterruptedCallError {
  name: 'AbortError';
  code: 'ABORT_ERR';
  dc1Code: 'DC1_E_INTERRUPTED';
}
export declare class InvalidArgumentError extends DC1Error {}
export declare class FileWriteError extends DC1Error {}
export declare class BadSignatureError extends DC1Error {}
/** Another batch run holds the journal (DC1_E_BUSY); nothing was submitted. */
export declare class BusyError extends DC1Error {}
export declare class ClientClosedError extends DC1Error {}
export declare class LibraryError extends DC1Error {}

/** The default export (ESM `import sdk from 'dc1-renter-sdk'`, CommonJS `require(…).default`):
 * every named export. */
declare const sdk: {
  DC1RenterClient: typeof DC1RenterClient;
  DC1Client: typeof DC1Client;
  VERSION: typeof VERSION;
  verifyWebhook: typeof verifyWebhook;
  parseWebhook: typeof parseWebhook;
  libraryInfo: typeof libraryInfo;
  defaultConfig: typeof defaultConfig;
  DC1Error: typeof DC1Error;
  APIError: typeof APIError;
  AuthError: typeof AuthError;
  NotFoundError: typeof NotFoundError;
  InsufficientBalanceError: typeof InsufficientBalanceError;
  RateLimitError: typeof RateLimitError;
  QuotaExceededError: typeof QuotaExceededError;
  ValidationError: typeof ValidationError;
  ServerError: typeof ServerError;
  ProtocolError: typeof ProtocolError;
  HTTPError: typeof HTTPError;
  NetworkError: typeof NetworkError;
  RequestTimeoutError: typeof RequestTimeoutError;
  JobFailedError: typeof JobFailedError;
  JobCancelledError: typeof JobCancelledError;
  NotReadyError: typeof NotReadyError;
  SubmitUnknownError: typeof SubmitUnknownError;
  JobTimeoutError: typeof JobTimeoutError;
  InterruptedCallError: typeof InterruptedCallError;
  AbortError: typeof AbortError;
  InvalidArgumentError: typeof InvalidArgumentError;
  FileWriteError: typeof FileWriteError;
  BadSignatureError: typeof BadSignatureError;
  BusyError: typeof BusyError;
  ClientClosedError: typeof ClientClosedError;
  LibraryError: typeof LibraryError;
};
export default sdk;
