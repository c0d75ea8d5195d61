'use strict';
// Error classes of dc1-renter-sdk.
//
// The official SDK has four: DC1Error, AuthError, APIError (statusCode, response) and
// JobTimeoutError (jobId, timeoutMs). They keep their names, constructors, fields and
// meaning, so `instanceof` checks written for it keep working. Finer classes, the same as
// the Python bindings', subclass them:
//
//   DC1Error
//   ├── APIError                      statusCode, response
//   │   ├── AuthError                 401/403 (and the 404 "Renter not found" of a bad key)
//   │   ├── NotFoundError             404
//   │   ├── InsufficientBalanceError  402 (balanceHalala, requiredHalala, shortfallHalala)
//   │   ├── RateLimitError            429 with Retry-After (retryAfterMs)
//   │   │   └── QuotaExceededError    429 without Retry-After (daily/monthly quota)
//   │   ├── ValidationError           400 or the local schema check (fields)
//   │   ├── ServerError               5xx
//   │   ├── ProtocolError             HTML, malformed or truncated JSON, oversize body
//   │   ├── HTTPError                 any other unexpected status (409, 422, …)
//   │   ├── NetworkError              connection refused/reset, DNS, TLS
//   │   │   └── RequestTimeoutError   one request's deadline passed
//   │   ├── JobFailedError            the job failed (jobId, reason, refunded)
//   │   │   └── JobCancelledError     the job was cancelled
//   │   ├── NotReadyError             the job has no output yet (202)
//   │   └── SubmitUnknownError        the submit's answer was lost (candidates)
//   ├── JobTimeoutError               waitForJob() ran out of time (jobId, timeoutMs, job)
//   ├── InterruptedCallError          the call was ended early
//   │   └── AbortError                …by its AbortSignal (name "AbortError", code "ABORT_ERR")
//   ├── InvalidArgumentError          a bad argument; nothing was sent
//   ├── FileWriteError                saveImage() could not write the file
//   ├── BadSignatureError             a webhook signature did not match
//   ├── BusyError                     another batch run holds the journal
//   ├── ClientClosedError             the client was closed
//   └── LibraryError                  the addon or libdc1 could not be loaded, or a libdc1 bug
//
// Every error carries the core's error document: `code` ("DC1_E_…"), `rc`, `httpStatus`,
// `requestId` (the X-Request-Id of the last attempt: quote it to support), `retryAfterMs`,
// `attempts`, `fields`, `body`, `job`, and the whole `document`.

class DC1Error extends Error {
  constructor(message = '', options = {}) {
    const doc = (options && options.document) || {};
    if (!message) message = String(doc.message || doc.code || new.target.defaultCode || 'DC1_E_INTERNAL');
    super(message, options && options.cause !== undefined ? { cause: options.cause } : undefined);
    Object.defineProperty(this, 'name', { value: new.target.name, configurable: true, writable: true });
    /** The whole error document of the C core ({} for errors built in JavaScript). */
    this.document = doc;
    /** Symbolic code, e.g. "DC1_E_RATE_LIMITED". */
    this.code = String(doc.code || new.target.defaultCode || 'DC1_E_INTERNAL');
    /** The C return code (a negative number), when known. */
    this.rc = doc.rc ?? null;
    /** HTTP status of the last response, when one arrived. */
    this.httpStatus = doc.http_status ?? null;
    /** X-Request-Id of the last HTTP attempt. */
    this.requestId = doc.request_id ?? null;
    /** When the server said to retry, in milliseconds. */
    this.retryAfterMs = doc.retry_after_ms ?? null;
    /** HTTP attempts the failing call made. */
    this.attempts = doc.attempts ?? null;
    /** 400 "Validation failed" details: [{ field, message }]. */
    this.fields = Array.isArray(doc.fields) ? doc.fields : [];
    /** The server's error body (object or string), when any. */
    this.body = doc.body ?? null;
    /** For job-related failures: the job's last state (the core's job document). */
    if (!('job' in this)) this.job = doc.job ?? null;
  }
}
DC1Error.defaultCode = 'DC1_E_INTERNAL';

class APIError extends DC1Error {
  constructor(message = '', statusCode = 0, response, options = {}) {
    super(message, options);
    // The official SDK's statusCode: the server's, else the status the class stands for (a
    // NotFoundError the core raised without an HTTP answer, e.g. providers.get, reads 404).
    this.statusCode = statusCode || this.httpStatus || this.constructor.impliedStatus || 0;
    if (response === undefined || response === null) {
      const body = this.body;
      if (body && typeof body === 'object' && !Array.isArray(body)) response = body;
      else if (body === null || body === undefined || body === '') response = {};
      else response = { error: String(body) };
    }
    this.response = response;
  }
}

class AuthError extends APIError {
  constructor(message = 'Unauthorized: check your API key', statusCode, response, options) {
    super(message, statusCode, response, options);
  }
}
AuthError.defaultCode = 'DC1_E_AUTH';

class NotFoundError extends APIError {}
NotFoundError.defaultCode = 'DC1_E_NOT_FOUND';
NotFoundError.impliedStatus = 404;

class InsufficientBalanceError extends APIError {
  get balanceHalala() { return this.response.balance_halala ?? null; }
  get requiredHalala() { return this.response.required_halala ?? null; }
  get shortfallHalala() {
    const v = this.response.shortfall_halala;
    if (v != null) return v;
    if (this.balanceHalala != null && this.requiredHalala != null) return this.requiredHalala - this.balanceHalala;
    return null;
  }
}
InsufficientBalanceError.defaultCode = 'DC1_E_INSUFFICIENT_BALANCE';

class RateLimitError extends APIError {}
RateLimitError.defaultCode = 'DC1_E_RATE_LIMITED';
class QuotaExceededError extends RateLimitError {}
QuotaExceededError.defaultCode = 'DC1_E_QUOTA_EXCEEDED';
class ValidationError extends APIError {}
ValidationError.defaultCode = 'DC1_E_VALIDATION';
class ServerError extends APIError {}
ServerError.defaultCode = 'DC1_E_SERVER';
class ProtocolError extends APIError {}
ProtocolError.defaultCode = 'DC1_E_PROTOCOL';
class HTTPError extends APIError {}
HTTPError.defaultCode = 'DC1_E_HTTP';
class NetworkError extends APIError {}
NetworkError.defaultCode = 'DC1_E_NETWORK';
class RequestTimeoutError extends NetworkError {}
RequestTimeoutError.defaultCode = 'DC1_E_TIMEOUT';

class JobFailedError extends APIError {
  get jobId() {
    const r = this.response || {};
    const j = this.job && typeof this.job === 'object' ? this.job : {};
    return r.job_id != null ? String(r.job_id) : (j.job_id != null ? String(j.job_id) : null);
  }
  get reason() {
    if (this.response && this.response.error) return String(this.response.error);
    if (this.job && this.job.error) return String(this.job.error);
    return null;
  }
  get refunded() {
    const v = this.response ? this.response.refunded : undefined;
    return v === undefined || v === null ? null : Boolean(v);
  }
}
JobFailedError.defaultCode = 'DC1_E_JOB_FAILED';
class JobCancelledError extends JobFailedError {}
JobCancelledError.defaultCode = 'DC1_E_JOB_CANCELLED';
class NotReadyError extends APIError {}
NotReadyError.defaultCode = 'DC1_E_NOT_READY';
class SubmitUnknownError extends APIError {
  get candidates() { return Array.isArray(this.document.candidates) ? this.document.candidates : []; }
}
SubmitUnknownError.defaultCode = 'DC1_E_SUBMIT_UNKNOWN';

class JobTimeoutError extends DC1Error {
  constructor(jobId = '', timeoutMs = 0, options = {}) {
    super(`Job ${jobId} did not complete within ${timeoutMs}ms`, options);
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
    if (options && options.job !== undefined) this.job = options.job;
  }
}
JobTimeoutError.defaultCode = 'DC1_E_WAIT_TIMEOUT';

class InterruptedCallError extends DC1Error {}
InterruptedCallError.defaultCode = 'DC1_E_INTERRUPTED';

/** Thrown when a call's AbortSignal fires: name "AbortError" and code "ABORT_ERR", like
 * Node's own; `cause` is the signal's reason; `dc1Code` is "DC1_E_INTERRUPTED". */
class AbortError extends InterruptedCallError {
  constructor(message = 'The operation was aborted', options = {}) {
    super(message, options);
    this.code = 'ABORT_ERR';
    this.dc1Code = 'DC1_E_INTERRUPTED';
  }
}

class InvalidArgumentError extends DC1Error {}
InvalidArgumentError.defaultCode = 'DC1_E_INVALID_ARGUMENT';
class FileWriteError extends DC1Error {}
FileWriteError.defaultCode = 'DC1_E_IO';
class BadSignatureError extends DC1Error {}
BadSignatureError.defaultCode = 'DC1_E_BAD_SIGNATURE';
class BusyError extends DC1Error {}
BusyError.defaultCode = 'DC1_E_BUSY';
class ClientClosedError extends DC1Error {}
ClientClosedError.defaultCode = 'DC1_E_INVALID_ARGUMENT';
class LibraryError extends DC1Error {}
LibraryError.defaultCode = 'DC1_E_INTERNAL';

const BY_CODE = {
  DC1_E_INVALID_ARGUMENT: InvalidArgumentError,
  DC1_E_NETWORK: NetworkError,
  DC1_E_TIMEOUT: RequestTimeoutError,
  DC1_E_AUTH: AuthError,
  DC1_E_NOT_FOUND: NotFoundError,
  DC1_E_INSUFFICIENT_BALANCE: InsufficientBalanceError,
  DC1_E_RATE_LIMITED: RateLimitError,
  DC1_E_QUOTA_EXCEEDED: QuotaExceededError,
  DC1_E_VALIDATION: ValidationError,
  DC1_E_SERVER: ServerError,
  DC1_E_PROTOCOL: ProtocolError,
  DC1_E_JOB_FAILED: JobFailedError,
  DC1_E_JOB_CANCELLED: JobCancelledError,
  DC1_E_NOT_READY: NotReadyError,
  DC1_E_INTERRUPTED: InterruptedCallError,
  DC1_E_SUBMIT_UNKNOWN: SubmitUnknownError,
  DC1_E_HTTP: HTTPError,
  DC1_E_NO_MEMORY: LibraryError,
  DC1_E_IO: FileWriteError,
  DC1_E_BAD_SIGNATURE: BadSignatureError,
  DC1_E_BUSY: BusyError,
  DC1_E_WAIT_TIMEOUT: JobTimeoutError,
  DC1_E_INTERNAL: LibraryError,
};

// Error names come from the core's one table (dc1_strerror), read when a document lacks its
// "code" (it should not); native.js is required here, not at the top: it requires this file.
function codeForRc(rc) {
  try {
    return require('./native').load().addon.strerror(rc);
  } catch (_) {
    return 'DC1_E_UNKNOWN';
  }
}

/** The error for an error document of the C core. (waitForJob builds its JobTimeoutError
 * itself: it knows the timeout.) Unknown codes are
 * treated like DC1_E_INTERNAL, except that one with an HTTP status is a plain APIError. */
// How the core's hints (include/dc1.h, "hint") read in JavaScript: the option names a Node
// user types, in place of the C option names that end the core's message.
const HINT_WORDS = {
  api_key: 'pass { apiKey } to the client or set DC1_API_KEY',
  allow_insecure_http: 'use an https:// baseUrl, or pass { allowInsecureHttp: true }',
};

function inNodeTerms(message, hint) {
  if (!hint || typeof hint !== 'object') return message;
  const words = HINT_WORDS[hint.option];
  if (words && typeof hint.text === 'string' && message.endsWith(hint.text)) {
    return message.slice(0, message.length - hint.text.length) + words;
  }
  return message;
}

function errorFromDocument(doc) {
  if (!doc || typeof doc !== 'object') doc = { message: String(doc) };
  if (!doc.code && typeof doc.rc === 'number') doc.code = codeForRc(doc.rc);
  let Cls = BY_CODE[doc.code];
  if (!Cls) Cls = doc.http_status ? APIError : LibraryError;
  const message = inNodeTerms(String(doc.message || doc.code || 'libdc1 error'), doc.hint);
  if (Cls === JobTimeoutError) return new JobTimeoutError(String(doc.job_id || ''), 0, { document: doc });
  if (Cls.prototype instanceof APIError || Cls === APIError) {
    return new Cls(message, 0, undefined, { document: doc });
  }
  return new Cls(message, { document: doc });
}

module.exports = {
  DC1Error, APIError, AuthError, NotFoundError, InsufficientBalanceError, RateLimitError,
  QuotaExceededError, ValidationError, ServerError, ProtocolError, HTTPError, NetworkError,
  RequestTimeoutError, JobFailedError, JobCancelledError, NotReadyError, SubmitUnknownError,
  JobTimeoutError, InterruptedCallError, AbortError, InvalidArgumentError, FileWriteError,
  BadSignatureError, BusyError, ClientClosedError, LibraryError, errorFromDocument, BY_CODE, codeForRc,
};
