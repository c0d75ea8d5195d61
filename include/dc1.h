/*
 * dc1.h — libdc1, the client core for the DC1 (DCP, dcp.sa) GPU compute marketplace.
 *
 * ---------------------------------------------------------------------------
 * RULES THAT HOLD FOR EVERY FUNCTION
 * ---------------------------------------------------------------------------
 *
 * Errors.   Every fallible function returns int: 0 (DC1_OK) on success, a
 *           negative DC1_E_* code on failure. Codes are only ever appended;
 *           callers must treat an unknown negative code like DC1_E_INTERNAL.
 *           On failure dc1_last_error() holds a message for this thread.
 *
 * Output.   Functions that produce data take `char **out_json` last. On
 *           success *out_json is a UTF-8 JSON document (an object). On failure
 *           *out_json, when out_json is not NULL, is an error document:
 *
 *             { "code": "DC1_E_RATE_LIMITED",   symbolic name, = dc1_strerror(rc)
 *               "rc": -7,                       the return code
 *               "message": "…",                 human readable, never holds the key
 *               "http_status": 429,             only when an HTTP response arrived
 *               "request_id": "…",              X-Request-Id of the last attempt
 *               "retry_after_ms": 42000,        DC1_E_RATE_LIMITED: when the server said to retry
 *               "attempts": 3,                  HTTP attempts made, when the call reached HTTP
 *               "fields": [ {"field","message"} ],  400 "Validation failed" details
 *               "body": { … } | "…",            the server's error body, when any
 *               "job": { … },                   job-related failures: the job's last state
 *               "job_id": "…",                  DC1_E_WAIT_TIMEOUT: the job waited for
 *               "timeout_ms": 600000,           DC1_E_WAIT_TIMEOUT: the wait's deadline
 *               "candidates": [ … ],            DC1_E_SUBMIT_UNKNOWN: matching jobs in history
 *               "fate_unknown": true,           an interrupted write that had been sent
 *               "partial": { … },               a streamed chat cut short: the text so far
 *               "error_code": "IMAGE_NOT_APPROVED",  submit refused an image locally
 *               "journal_path": "…", "pid": 4821,    DC1_E_BUSY: the journal and its holder
 *               "clash": ["input_path","out_path"] } batch paths that would overwrite each other
 *           Members may be added in later versions; ignore the ones you do not know.
 *
 *           Every `char *` the library hands out is owned by the caller and
 *           released with dc1_free(). Every `const char *` returned is borrowed
 *           and must not be freed. *out_json is set to NULL before any work, so
 *           it is always safe to dc1_free() it afterwards.
 *
 * Input.    JSON inputs (`*_json` parameters) are UTF-8 JSON objects; NULL means
 *           "{}" unless a function says otherwise. A job id is the string
 *           `job_id` ("job-…") or the integer row id written as a string. Only
 *           ids of letters, digits and "-_.:@" (at most 256 bytes, not "." or "..")
 *           are accepted; anything else ('/', '?', '#', '%', spaces, CR/LF, …) is
 *           DC1_E_INVALID_ARGUMENT and never reaches the network.
 *
 * Threads.  A dc1_client may be shared by any number of threads at once; each
 *           call borrows its own HTTP connection from the client's pool
 *           (keep-alive connections are reused). dc1_client_free() must not
 *           race with calls on the same client. Everything else is reentrant.
 *
 * Blocking. Calls that talk to the server block, always under a deadline:
 *           option "timeout_ms" (default 30 s) bounds each HTTP request together
 *           with its retries; the few calls that make a second request (submit's
 *           reconciliation, cancel's check, output of a serving vllm_serve job,
 *           the catalogue's provider join, usage, webhook management) give it its
 *           own such budget; waits, streams, chat and batches have their own
 *           "timeout_ms". Any blocking call can be ended early: every call on a
 *           client by dc1_client_interrupt(), the calls of one thread by a
 *           dc1_stop bound to it (dc1_stop_bind) — together "the usual stops" —
 *           and a call that takes a callback by a non-zero return from it. The
 *           library never prints, never calls exit(), never installs signal
 *           handlers (CURLOPT_NOSIGNAL) and leaves no thread running after a call
 *           returns (dc1_batch_run joins the threads it starts).
 *
 * Secrets.  The API key travels only in the `x-renter-key` header (and as
 *           `Authorization: Bearer` on /v1). It never appears in a URL, and it is
 *           redacted ("[redacted]", the rest kept) from every error document,
 *           dc1_last_error(), log message and callback event, in any spelling a
 *           server may echo it (docs/errors.md). Its bytes are wiped when the
 *           client is freed, and so are libcurl's copies of the request headers
 *           (zeroing allocators, unless the host initialised libcurl first).
 *
 * Contract. The comment of every function and callback type below ends with
 *           four lines, in this order:
 *             Returns:  what a success returns: 0 and what *out_json then holds,
 *                       or the value of a function that returns no code.
 *             Fails:    the DC1_E_* codes it fails with, or "never".
 *             Blocks:   "no" (no network I/O, no waiting on the server, a timer
 *                       or another call; local file I/O is named where there is
 *                       some), or "yes" with what bounds the wait and what ends
 *                       it early.
 *             Memory:   who owns what the call hands out, and what it keeps.
 *           Two groups of codes are named once, here, and used in "Fails:":
 *             "the argument codes" = DC1_E_INVALID_ARGUMENT (a NULL client,
 *               out_json or required argument; malformed JSON; an unknown or
 *               out-of-range option; a bad id — nothing was sent) and
 *               DC1_E_NO_MEMORY.
 *             "the network codes" = DC1_E_NETWORK, DC1_E_TIMEOUT,
 *               DC1_E_RATE_LIMITED, DC1_E_SERVER, DC1_E_PROTOCOL, DC1_E_HTTP and
 *               DC1_E_INTERRUPTED: any call that sends a request can meet them.
 *           A "Fails:" line then names the statuses its route is known to answer
 *           with (DC1_E_AUTH, DC1_E_NOT_FOUND, …). A server that answers with
 *           another status gets that status's code by the one mapping of every
 *           route (docs/errors.md): 3xx DC1_E_PROTOCOL, 400 DC1_E_VALIDATION,
 *           401/403 DC1_E_AUTH, 402 DC1_E_INSUFFICIENT_BALANCE, 404
 *           DC1_E_NOT_FOUND, 429 DC1_E_RATE_LIMITED (with a Retry-After) or
 *           DC1_E_QUOTA_EXCEEDED (without), 5xx DC1_E_SERVER, others DC1_E_HTTP.
 *           A call that needs a key and has none fails DC1_E_AUTH before sending.
 *           Codes are only ever appended: handle the ones you know, treat the
 *           rest like DC1_E_INTERNAL.
 *
 * Names.    Functions are named dc1_<noun>_<verb>: the noun is singular when the
 *           call acts on one thing (dc1_job_get, dc1_model_get, dc1_webhook_delete)
 *           and plural when it acts on a collection (dc1_providers_list,
 *           dc1_webhooks_list); the verb says what is done (new, free, get, list,
 *           submit, wait, cancel, run, …). What a job has is named after the job
 *           (dc1_job_logs, dc1_job_logs_stream, dc1_job_lifecycle). Callback
 *           types end in _fn, opaque handles are dc1_<noun>. The library-wide
 *           utilities that act on no object keep the C library's customary
 *           names: dc1_version, dc1_strerror, dc1_last_error, dc1_free. Names
 *           that do not follow the rule, and what was decided at 0.1 (no export
 *           is renamed or aliased before 1.0):
 *             dc1_balance, dc1_usage — stay. Account-scoped one-shot reads: the
 *               key names the account, so there is no object noun to put first,
 *               and "_get" would add nothing. The Python binding binds these
 *               symbols by name (Node binds dc1_balance and dc1_me) and the
 *               methods carry the same names (balance(), usage(), me()); a rename
 *               at 0.x would cost users an alias period for no gain.
 *             dc1_me — rename candidate for 1.0 (dc1_account_get): "me" is the
 *               route's name (GET /api/renters/me), not a noun saying what comes
 *               back. Until then it stays, for the reasons above.
 *             dc1_quote — stays. A computation over the catalogue, not a
 *               resource that is read; the noun is the result, as in
 *               dc1_balance.
 *             dc1_chat — stays. One call of the OpenAI-compatible chat route,
 *               named as every OpenAI-style SDK names it; "dc1_chat_complete"
 *               would be longer and mirror nothing a user knows.
 *             dc1_request — stays. The escape hatch to any route has no noun.
 *             dc1_template_request — stays. "request" is a noun here: what comes
 *               back is the template's dc1_job_submit request (nothing is sent
 *               to the submit route), named like what a job has.
 *             dc1_jobs_history — stays. It reads the account's job history, a
 *               collection (so plural, beside dc1_job_* for one job); "history"
 *               is the server's name for that collection (GET /api/jobs/history),
 *               and "dc1_job_history" would read as one job's history.
 *             dc1_models_list beside dc1_model_get — stays: this is the rule
 *               itself (plural for the collection, singular for one model), as
 *               dc1_webhooks_list beside dc1_webhook_delete.
 *
 * Example.
 *
 *     dc1_client *c = NULL;
 *     char *out = NULL;
 *     if (dc1_client_new(&c, NULL) != DC1_OK) {          // DC1_API_KEY, DC1_BASE_URL
 *         fprintf(stderr, "%s\n", dc1_last_error());
 *         return 1;
 *     }
 *     int rc = dc1_job_submit(c,
 *         "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,"
 *         "\"params\":{\"prompt\":\"Hello\"}}", &out);
 *     // … parse out (jansson, cJSON, …), read "job_id", then dc1_job_wait …
 *     dc1_free(out);
 *     dc1_client_free(c);
 *
 * Reference for every JSON shape: docs/reference.md.
 */
#ifndef DC1_H
#define DC1_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define DC1_EXPORT __attribute__((visibility("default")))
#else
#  define DC1_EXPORT
#endif

/* ===========================================================================
 * Version
 * ======================================================================== */

#define DC1_VERSION_MAJOR 0
#define DC1_VERSION_MINOR 2
#define DC1_VERSION_PATCH 0
#define DC1_VERSION_STRING "0.2.0"

/**
 * The library's version, "MAJOR.MINOR.PATCH" (DC1_VERSION_STRING of the header it was
 * built with; compare the major number with DC1_VERSION_MAJOR at run time).
 * Returns: the version string; never NULL.
 * Fails: never.
 * Blocks: no.
 * Memory: static and borrowed; never free it.
 */
DC1_EXPORT const char *dc1_version(void);

/* ===========================================================================
 * Errors
 * ======================================================================== */

#define DC1_OK                      0
/** A NULL pointer, malformed JSON, a wrong type, a bad id or option. Nothing was sent. */
#define DC1_E_INVALID_ARGUMENT     -1
/** Connection refused or reset, DNS or TLS failure (after retries). A connect that
 *  times out is DC1_E_TIMEOUT. */
#define DC1_E_NETWORK              -2
/** One HTTP request (with its retries) ran out of its deadline. A wait whose own
 *  deadline passed is DC1_E_WAIT_TIMEOUT. */
#define DC1_E_TIMEOUT              -3
/** 401 or 403: missing, invalid or wrong kind of key, or not your job. */
#define DC1_E_AUTH                 -4
/** 404: job, provider, renter or route not found. */
#define DC1_E_NOT_FOUND            -5
/** 402: the balance does not cover the job (see "body" for the shortfall). */
#define DC1_E_INSUFFICIENT_BALANCE -6
/** 429 from a rate limiter (Retry-After known) after retries ran out. */
#define DC1_E_RATE_LIMITED         -7
/** 429 without Retry-After: a daily/monthly quota; retrying now will not help. */
#define DC1_E_QUOTA_EXCEEDED       -8
/** 400: the server (or the local check of the submit schema) rejected the input. */
#define DC1_E_VALIDATION           -9
/** 5xx from the server. 502/503/504 were retried first (reads; 503 also for writes);
 *  500 is returned at once. */
#define DC1_E_SERVER              -10
/** The response was not what the contract promises: HTML, malformed or truncated
 *  JSON, a body over max_response_bytes, an unexpected redirect. */
#define DC1_E_PROTOCOL            -11
/** The job failed (410 on output, or wait in "ready" mode). "body" has the reason and refund. */
#define DC1_E_JOB_FAILED          -12
/** The job was cancelled (410 on output, or wait in "ready" mode). */
#define DC1_E_JOB_CANCELLED       -13
/** The job has no output yet (202 on output). */
#define DC1_E_NOT_READY           -14
/** The call was ended early: by dc1_client_interrupt(), by a triggered dc1_stop bound to
 *  the calling thread, or by its callback (dc1_job_watch, dc1_batch_run). */
#define DC1_E_INTERRUPTED         -15
/** A submit was sent but its answer was lost (reset, timeout, 502/504). The job MAY
 *  exist and be charged; the library did not resubmit. The error document holds
 *  "candidates" (recent matching jobs found in history). See dc1_job_submit(). */
#define DC1_E_SUBMIT_UNKNOWN      -16
/** Another HTTP status the call does not expect (e.g. 409, 410 elsewhere, 422). */
#define DC1_E_HTTP                -17
/** Out of memory. */
#define DC1_E_NO_MEMORY           -18
/** A local file could not be read or written (dc1_job_save_image; dc1_batch_run's input,
 *  journal, lock or results file; dc1_batch_status's journal). */
#define DC1_E_IO                  -19
/** A webhook signature did not match (dc1_webhook_verify). */
#define DC1_E_BAD_SIGNATURE       -20
/** A wait's own deadline ("timeout_ms" of dc1_job_watch / dc1_job_wait) passed before the
 *  job got where it was waited for. The error document holds "job" (its last state seen)
 *  and "job_id". Not a network problem: the job may still finish. Also a batch run whose
 *  own "timeout_ms" passed (dc1_batch_run: its jobs keep running; run again to resume). */
#define DC1_E_WAIT_TIMEOUT        -21
/** Another run holds what this call needs: a batch journal that a dc1_batch_run in this or
 *  another process is using. The error document names the journal ("journal_path") and,
 *  where known, the holder ("pid"). Nothing was sent. */
#define DC1_E_BUSY                -22
/** A bug in libdc1. Please report it. */
#define DC1_E_INTERNAL            -99

/**
 * The symbolic name of a code ("DC1_OK", "DC1_E_TIMEOUT", …). Does not touch
 * dc1_last_error().
 * Returns: the name; "DC1_E_UNKNOWN" for a code this version does not know. Never NULL.
 * Fails: never.
 * Blocks: no.
 * Memory: static and borrowed; never free it.
 */
DC1_EXPORT const char *dc1_strerror(int code);

/**
 * This thread's last error message: the "message" of the last failure's error document.
 * A success of a call with out_json (and of dc1_client_new, dc1_webhook_verify) resets it.
 * Returns: the message, "" when the thread's last such call succeeded or none failed yet.
 *   Never NULL; never holds the API key.
 * Fails: never.
 * Blocks: no.
 * Memory: borrowed, owned by the thread: valid until this thread's next libdc1 call,
 *   freed when the thread exits. Copy it to keep it; never free it.
 */
DC1_EXPORT const char *dc1_last_error(void);

/* ===========================================================================
 * Memory
 * ======================================================================== */

/**
 * Frees a string returned by libdc1 (*out_json). It is free(): the buffers come from
 * malloc whatever allocator the host gave jansson.
 * Returns: nothing.
 * Fails: never (NULL is a no-op).
 * Blocks: no.
 * Memory: takes back the caller's string; never pass a borrowed one (dc1_version,
 *   dc1_strerror, dc1_last_error, a callback's argument) or free a string twice.
 */
DC1_EXPORT void dc1_free(void *ptr);

/* ===========================================================================
 * Client
 * ======================================================================== */

/** An opaque client: configuration, the key, a pool of HTTP connections. */
typedef struct dc1_client dc1_client;

/**
 * Creates a client.
 *
 * options_json: NULL or "{}" takes everything from the environment
 * (DC1_API_KEY, DC1_BASE_URL). Keys (all optional):
 *   "api_key"              string   default $DC1_API_KEY (may be absent: public routes only;
 *                                   "" or null: no key, whatever the environment holds)
 *   "base_url"             string   default $DC1_BASE_URL, else "https://api.dcp.sa"
 *                                   ("" or null: not given)
 *   "timeout_ms"           int      per call, retries included; default 30000
 *   "connect_timeout_ms"   int      default 10000
 *   "max_retries"          int      retries of safe requests; default 3 (0 disables)
 *   "retry_base_ms"        int      first backoff step; default 250
 *   "max_retry_after_ms"   int      longest Retry-After honoured; default 60000
 *   "user_agent"           string   appended to "libdc1/<version>"
 *   "ca_path"              string   CA bundle file for TLS verification
 *   "insecure_skip_verify" bool     disable TLS verification; default false
 *   "proxy"                string   libcurl proxy URL
 *   "max_response_bytes"   int      largest body accepted; default 67108864 (64 MiB)
 *   "allow_insecure_http"  bool     permit http:// to a non-loopback host; default false
 *   "pool_size"            int      idle connections kept; default 8
 *   "check"                string   checks before a submit: "off" (default), "warn", "strict"
 *
 * Returns: 0, and *out is the new client.
 * Fails: DC1_E_INVALID_ARGUMENT (out NULL, bad JSON, an unknown key, a wrong type or range,
 *   a bad base_url, plain http to a remote host, an api_key with whitespace or control
 *   characters), DC1_E_NO_MEMORY. *out is NULL then.
 * Blocks: no (nothing is sent; the first client of the process initialises libcurl).
 * Memory: the caller owns *out and releases it once with dc1_client_free. options_json
 *   is only read; the client keeps its own copy of the key (the caller's string is not
 *   modified).
 */
DC1_EXPORT int dc1_client_new(dc1_client **out, const char *options_json);

/**
 * Frees the client, closes its connections and wipes the key. Must not run while
 * another call on the same client is running, and must not be called twice.
 * Returns: nothing.
 * Fails: never (NULL is a no-op).
 * Blocks: no (idle connections are closed; nothing waits on the server).
 * Memory: releases the client and everything it holds; the handle is invalid afterwards.
 */
DC1_EXPORT void dc1_client_free(dc1_client *client);

/**
 * The settings in effect on a client, so a binding can show them without resolving the
 * environment itself. With client NULL: the built-in defaults, before the environment and
 * any options are applied.
 *   {"base_url": "https://api.dcp.sa", "base_url_from": "option"|"environment"|"default",
 *    "api_key_set": true, "api_key_from": "option"|"environment"|null,
 *    "timeout_ms": 30000, "connect_timeout_ms": 10000, "max_retries": 3,
 *    "retry_base_ms": 250, "max_retry_after_ms": 60000, "user_agent": null,
 *    "ca_path": null, "insecure_skip_verify": false, "proxy": null,
 *    "max_response_bytes": 67108864, "allow_insecure_http": false, "pool_size": 8,
 *    "check": "off"}
 * The key itself is never in it; a proxy's "user:password@" reads "[redacted]@".
 * Returns: 0, and *out_json is that document.
 * Fails: DC1_E_INVALID_ARGUMENT (out_json NULL), DC1_E_NO_MEMORY.
 * Blocks: no.
 * Memory: the caller frees *out_json with dc1_free; nothing is kept.
 */
DC1_EXPORT int dc1_client_config(const dc1_client *client, char **out_json);

/**
 * Ends every blocking call currently running on this client: each returns
 * DC1_E_INTERRUPTED promptly (transfers check every 25 ms; typically well under
 * 100 ms). Calls started afterwards are not affected. Safe from any thread (not
 * from a signal handler: that is not promised). An interrupted write that had been
 * sent (a submit) says so: "fate_unknown": true in the error document.
 * Returns: 0.
 * Fails: DC1_E_INVALID_ARGUMENT (client NULL).
 * Blocks: no (it marks the calls; it does not wait for them to return).
 * Memory: nothing is handed out or kept.
 */
DC1_EXPORT int dc1_client_interrupt(dc1_client *client);

/**
 * Receives one event as a JSON object, on the thread that made the call: watch events
 * (dc1_job_watch), stream events, chat tokens, batch events. It may call other libdc1
 * functions (not dc1_client_free on the call's client), and must not longjmp or throw
 * through libdc1.
 * Returns: (the callback) 0 to continue, non-zero to end that call: dc1_job_watch and
 *   dc1_batch_run then fail DC1_E_INTERRUPTED; a stream or a streamed chat returns 0
 *   with "ended": "stopped" (what arrived so far is a valid result).
 * Fails: never: a callback has no error to report; its non-zero return only ends the call.
 * Blocks: the call waits while the callback runs: that time counts against the call's
 *   "timeout_ms", and on a stream one longer than "idle_timeout_ms" makes the stream
 *   look stalled (it reconnects). Return promptly.
 * Memory: event_json is borrowed, valid only until the callback returns (copy what you
 *   keep); user_data is passed through untouched and is the caller's.
 */
typedef int (*dc1_event_fn)(void *user_data, const char *event_json);

/** Log levels passed to a dc1_log_fn. */
#define DC1_LOG_DEBUG 0
#define DC1_LOG_INFO  1
#define DC1_LOG_WARN  2
#define DC1_LOG_ERROR 3

/**
 * A log sink. Called on the thread making the call (a sink on a shared client is called
 * from several threads at once). Messages never hold the API key (it is redacted). Used
 * for: retries (INFO), inputs the server's sanitiser will alter (WARN), each HTTP
 * exchange (DEBUG).
 * Returns: nothing.
 * Fails: never.
 * Blocks: the call that logs waits while the sink runs; keep it short.
 * Memory: message is borrowed, valid only until the sink returns; user_data is the
 *   caller's, passed through untouched.
 */
typedef void (*dc1_log_fn)(void *user_data, int level, const char *message);

/**
 * Installs (or with fn NULL removes) the client's log sink; messages below
 * min_level (clamped to 0–3) are not produced. Set it before sharing the client
 * across threads.
 * Returns: 0.
 * Fails: DC1_E_INVALID_ARGUMENT (client NULL).
 * Blocks: no.
 * Memory: the client keeps fn and user_data (it does not own user_data) until they are
 *   replaced or the client is freed; user_data must stay valid that long.
 */
DC1_EXPORT int dc1_client_set_logger(dc1_client *client, dc1_log_fn fn, void *user_data,
                                     int min_level);

/* ===========================================================================
 * Stopping one call
 * ======================================================================== */

/**
 * A per-call stop: ends the calls of the threads it is bound to, and no others.
 * (dc1_client_interrupt() ends every call on a client; a callback's non-zero return
 * ends only the call it belongs to.) Typical use — a binding's cancel button, an
 * AbortSignal, a task cancellation:
 *
 *     dc1_stop *s; dc1_stop_new(&s);        // owner
 *     dc1_stop_bind(s);                     // on the worker thread
 *     rc = dc1_job_get(c, id, &out);        // DC1_E_INTERRUPTED if s fires meanwhile
 *     dc1_stop_bind(NULL);
 *     …  dc1_stop_trigger(s);               // from any other thread
 *     dc1_stop_free(s);                     // once no thread has it bound
 */
typedef struct dc1_stop dc1_stop;

/**
 * Creates an untriggered stop.
 * Returns: 0, and *out is the stop.
 * Fails: DC1_E_INVALID_ARGUMENT (out NULL), DC1_E_NO_MEMORY.
 * Blocks: no.
 * Memory: the caller owns a reference to *out and releases it with dc1_stop_free.
 */
DC1_EXPORT int dc1_stop_new(dc1_stop **out);

/**
 * Triggers the stop: every blocking call made on a thread it is bound to returns
 * DC1_E_INTERRUPTED within one 25 ms poll slice (at once if it starts afterwards).
 * Idempotent; never blocks; safe from any thread. An interrupted submit that had
 * been sent says so ("fate_unknown": true), as with dc1_client_interrupt().
 * Returns: 0.
 * Fails: DC1_E_INVALID_ARGUMENT (stop NULL).
 * Blocks: no.
 * Memory: nothing is handed out or kept.
 */
DC1_EXPORT int dc1_stop_trigger(dc1_stop *stop);

/**
 * Whether the stop was triggered.
 * Returns: 1 when it was, 0 when not or for NULL (not a code).
 * Fails: never.
 * Blocks: no.
 * Memory: nothing is handed out or kept.
 */
DC1_EXPORT int dc1_stop_is_triggered(const dc1_stop *stop);

/**
 * Binds `stop` to the calling thread (replacing any stop bound before); NULL unbinds.
 * Every libdc1 call this thread makes while it is bound — on any client — can be ended
 * with dc1_stop_trigger().
 * Returns: 0.
 * Fails: never (NULL unbinds).
 * Blocks: no.
 * Memory: the binding holds its own reference: dc1_stop_free() while bound is safe, the
 *   stop lives until it is unbound (or replaced) on that thread.
 */
DC1_EXPORT int dc1_stop_bind(dc1_stop *stop);

/**
 * Releases the caller's reference.
 * Returns: nothing.
 * Fails: never (NULL is a no-op).
 * Blocks: no.
 * Memory: releases the reference from dc1_stop_new; a binding keeps the stop alive
 *   until the thread unbinds it. Do not use the handle afterwards.
 */
DC1_EXPORT void dc1_stop_free(dc1_stop *stop);

/* ===========================================================================
 * Account
 * ======================================================================== */

/**
 * GET /api/renters/balance. Needs a key.
 * Returns: 0; *out_json is {"balance_halala","balance_sar","held_halala","held_sar",
 *   "available_halala","total_spent_halala","total_spent_sar","total_jobs"} (SAR as
 *   numbers; the *_sar and available_halala members are filled in when the server omits
 *   them).
 * Fails: the argument codes; DC1_E_AUTH (no key: nothing sent; 401/403; the server's 404
 *   "Renter not found" for a bad key and its 400 for a missing one are reported as
 *   DC1_E_AUTH); DC1_E_PROTOCOL also when the answer has no balance_halala; the network
 *   codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_balance(dc1_client *client, char **out_json);

/**
 * GET /api/renters/me. Needs a key (sent in the header only).
 * Returns: 0; *out_json is the server's document, unchanged:
 *   {"renter":{id,name,email,organization,balance_halala,total_spent_halala,
 *    total_jobs,…},"recent_jobs":[…],"v1_usage_summary":{…}}
 * Fails: the argument codes; DC1_E_AUTH (as dc1_balance: no key, 401/403, the 404
 *   "Renter not found" and the key's 400); the network codes. The body's shape is not
 *   checked.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_me(dc1_client *client, char **out_json);

/* ===========================================================================
 * Providers
 * ======================================================================== */

/**
 * GET /api/renters/available-providers, filtered locally.
 * filter_json (may be NULL): {"live": bool, "min_vram_gb": number,
 *   "gpu_model": "substring, case-insensitive", "limit": int}
 * A public route: no key needed (one is sent when the client has it: it selects the
 * larger rate-limit bucket).
 * Returns: 0; *out_json is {"providers":[{"id","name","gpu_model","vram_gb","vram_mib",
 *   "gpu_count","status","is_live","location","reliability_score","cached_models",…}],
 *   "total": <count after filtering>}
 * Fails: the argument codes (a bad filter: nothing sent); DC1_E_PROTOCOL also when the
 *   answer has no providers array; the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_providers_list(dc1_client *client, const char *filter_json, char **out_json);

/**
 * One provider by its id, from GET /api/renters/available-providers (the server has no
 * route for one provider).
 * Returns: 0; *out_json is {"provider": {…as one entry of dc1_providers_list…}}.
 * Fails: the argument codes (provider_id not a positive 32-bit integer: nothing sent);
 *   DC1_E_NOT_FOUND (no such provider listed); the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure).
 */
DC1_EXPORT int dc1_provider_get(dc1_client *client, long long provider_id, char **out_json);

/* ===========================================================================
 * Catalogue
 *
 * What can run and what it costs: models, approved container images, templates,
 * quotes, and the renter's spending. The catalogue routes are public; the key,
 * when set, is sent anyway (it selects the larger rate-limit bucket). Money is
 * integer *_halala (1 SAR = 100 halala) beside *_sar numbers.
 * ======================================================================== */

/**
 * GET /api/models, joined with the live providers of
 * GET /api/renters/available-providers that list the model in "cached_models".
 * filter_json (may be NULL): {"arabic": bool, "min_vram_gb": int (models that fit in
 *   this much VRAM), "category": "llm"|"embedding"|"image"|"training", "tier": "tier_a"|
 *   "tier_b"|"tier_c"|"instant" — these four are applied by the server —
 *   "providers": bool (default true; false skips the second request),
 *   "cached_only": bool (only models some live provider caches; implies providers)}.
 * out: {"models":[{"model_id","display_name","family","vram_gb","min_gpu_vram_gb",
 *       "quantization","context_window","use_cases","arabic_capability","status"
 *       ("available"|"no_providers"),"providers_online","tier","prewarm_class",
 *       "template_id", …the server's fields…,
 *       "price_sar_per_min": number, "price_halala_per_min": int (the server's average
 *       provider price), "price_sar_per_hour": number,
 *       "live_providers": [{"id","name","gpu_model","vram_gb","location"}],
 *       "live_provider_count": int}], "total": int, "providers_joined": bool}
 * ("live_providers" and "live_provider_count" only when providers were joined.)
 * Returns: 0; *out_json is the document above.
 * Fails: the argument codes (a bad filter: nothing sent); DC1_E_PROTOCOL also when the
 *   model list is not an array; the network codes (of either request).
 * Blocks: yes: two reads (GET /api/models, then the provider list unless "providers" is
 *   false), each with retries under its own client timeout_ms; ended by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_models_list(dc1_client *client, const char *filter_json, char **out_json);

/**
 * GET /api/models/{model_id}: one model's full catalogue entry.
 * model_id: letters, digits and "-_./" (HuggingFace names keep their "/"); no empty, "."
 * or ".." segment, at most 200 bytes — anything else is DC1_E_INVALID_ARGUMENT.
 * out: {"model": {"model_id","display_name","availability":{"providers_online",
 *       "providers_warm","status"},"pricing":{"default_halala_per_min",
 *       "avg_sar_per_min","min_halala_per_min","max_halala_per_min",…},"benchmark":{…},
 *       "template_id",…, "price_sar_per_min","price_halala_per_min","price_sar_per_hour"}}
 * Returns: 0; *out_json is the document above.
 * Fails: the argument codes (a bad model_id: nothing sent); DC1_E_NOT_FOUND (unknown or
 *   inactive model); DC1_E_PROTOCOL also when the answer has no model_id; the network
 *   codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_model_get(dc1_client *client, const char *model_id, char **out_json);

/**
 * GET /api/containers/registry: the images a custom_container job (and any
 * container_spec "image"/"image_override") may name.
 * out: {"images":[{"id": int|null,"image_ref","image_type","description","approved_at",
 *       "source": "template"|"allowed"}], "total": int}
 * Side effect: the client remembers the list. From then on dc1_job_submit refuses,
 * locally and with nothing sent, a request whose params.image_override (custom_container)
 * or container_spec.image/image_override is not in it (compared trimmed and
 * case-insensitively, as the server does): DC1_E_VALIDATION with the field in "fields"
 * and "error_code": "IMAGE_NOT_APPROVED". A client that never called this function checks
 * nothing and fetches nothing on submit; the server then answers 400 IMAGE_NOT_APPROVED.
 * Each call refreshes the remembered list. Rate limit: 30/min per IP.
 * Returns: 0; *out_json is the document above.
 * Fails: the argument codes; DC1_E_PROTOCOL also when the answer has no images array;
 *   the network codes. A failure leaves the remembered list as it was.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure). The client keeps its own copy of the approved image references, replaced
 *   by the next successful call and freed with the client.
 */
DC1_EXPORT int dc1_images_list(dc1_client *client, char **out_json);

/**
 * GET /api/templates (the one-click job templates).
 * filter_json (may be NULL): {"tag": "llm"} (applied by the server).
 * Returns: 0; *out_json is {"templates":[{"id","name","description","image","job_type",
 *   "params":{…},"env_vars":[…],"min_vram_gb","estimated_price_sar_per_hour",
 *   "estimated_price_halala_per_hour","tags":[…],"sort_order",…}], "total": int}
 * Fails: the argument codes (a bad filter: nothing sent); DC1_E_PROTOCOL also when the
 *   answer has no templates array; the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_templates_list(dc1_client *client, const char *filter_json, char **out_json);

/**
 * Builds a dc1_job_submit request from a template (GET /api/templates/{template_id});
 * nothing is submitted. To run a template: pass "request" to dc1_job_submit.
 * Why not "template_id" in the submit request: the server then replaces the image and
 * answers 400 "container_spec.image_type is required" unless a container_spec with an
 * image_type is sent too. This helper fills the request instead, so the job is an
 * ordinary submit (quote, checks and reconciliation included).
 * The request: "job_type" from the template (or overrides), "params" = the template's
 * scalar params (others are listed in "dropped_params") with overrides' "params" merged
 * over them; a custom_container template's image becomes params.image_override; every
 * other key of overrides_json (duration_minutes, pricing_class, provider_id, priority,
 * gpu_requirements, …) is copied. "duration_minutes" is required in overrides_json: a
 * template sets none, and it is what the job is charged for.
 * The request is checked like dc1_job_submit's (DC1_E_VALIDATION naming the field).
 * template_id: letters, digits and "-_.", at most 128 bytes.
 * Returns: 0; *out_json is {"request": {…a dc1_job_submit request…}, "template": {"id",
 *   "name","job_type","image","min_vram_gb","estimated_price_sar_per_hour"},
 *   "dropped_params": [names]}
 * Fails: the argument codes (a bad template_id, overrides_json not an object: nothing
 *   sent); DC1_E_NOT_FOUND (no such template); DC1_E_VALIDATION (the template names no
 *   job_type, or the request fails the submit check; "fields" names the field);
 *   DC1_E_PROTOCOL also when the answer is not a template; the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops. Nothing is submitted.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_template_request(dc1_client *client, const char *template_id,
                                    const char *overrides_json, char **out_json);

/**
 * What dc1_job_submit will hold (prepay) for a request.
 * request_json (required): the request dc1_job_submit takes — "job_type",
 *   "duration_minutes" (0.1–1440), "pricing_class"? ("priority" ×1.2, "standard" ×1.0,
 *   "economy" ×0.9), "provider_id"?, "gpu_requirements"? ({"gpu_type","min_vram_gb"}), and
 *   any other submit key (ignored: it does not change the price) — plus "gpu_model"?
 *   (e.g. "RTX 4090") and "placement"? ("auto" | "global_queue").
 * The hold depends on where the job lands, so does the answer ("basis"):
 *   "provider"  provider_id given: exactly that provider's GPU rate;
 *   "gpu"       gpu_model given: exactly the rate of a provider with that GPU;
 *   "auto"      neither (automatic routing, submit's default): "options" lists each live
 *               GPU that can take the job ({"gpu_model","gpu_tier","cost_halala","cost_sar",
 *               "providers"}); submit holds one of them — "min_cost_halala".."max_cost_halala"
 *               — or "global_queue_cost_halala" if none is live when it is sent;
 *               "cost_halala" is the most it can hold (max_cost_halala);
 *   "job_type"  placement "global_queue": the job-type rate of a job queued globally,
 *               computed locally (no request).
 * Rates: GPU ceil(rate_per_second_usd × minutes × 60 × 3.75 × 100 × multiplier), the rate
 * from GET /api/pricing/tiers (matched case-insensitively, spaces ignored; no match: the
 * server's default $0.089/h); job type ceil(rate_halala_per_min × minutes × multiplier),
 * llm_inference/vllm_serve 9, image_generation/rendering 10, training/custom_container 7,
 * rag-pipeline 15, others 6 halala per minute.
 * out: {"job_type","duration_minutes","pricing_class","multiplier","basis", the members of
 *       the basis above, "cost_halala": int, "cost_sar", "cost_usd", "note"?, "hold_note"}.
 * Held versus charged: cost_halala is what submit holds (the job's quoted_cost_halala);
 * settlement after the job may charge less or more (its actual_cost_halala).
 * Returns: 0; *out_json is the quote above.
 * Fails: the argument codes (request_json NULL, malformed, not an object, or with an
 *   unknown key); DC1_E_VALIDATION (a bad or missing field, named in "fields");
 *   DC1_E_NOT_FOUND (a provider_id that is not listed); unless placement is
 *   "global_queue", DC1_E_PROTOCOL when the tiers answer has no tiers array, and the
 *   network codes.
 * Blocks: no with placement "global_queue" (computed locally, nothing sent); otherwise
 *   yes: a read of the providers and of GET /api/pricing/tiers, retries included, each
 *   under the client's timeout_ms; ended by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_quote(dc1_client *client, const char *request_json, char **out_json);

/**
 * The renter's spending: GET /api/renters/me/spending (completed jobs) and the /v1 token
 * usage of GET /api/renters/me — two requests. (/api/renters/me/usage is not used: it
 * takes the key only in the URL's query string, where libdc1 never puts it.)
 * out: {"all_time":{"total_jobs","total_halala","total_sar"},
 *       "monthly":[{"month":"YYYY-MM","jobs","total_halala","total_sar"}] (≤12, newest first),
 *       "last_30_days":[{"date":"YYYY-MM-DD","jobs","total_halala","total_sar"}],
 *       "v1":{"total_requests","prompt_tokens","completion_tokens","total_tokens",
 *             "total_cost_halala","total_cost_sar"} | null,
 *       "balance_halala","balance_sar","total_spent_halala","total_spent_sar","total_jobs"}
 * Needs a key.
 * Returns: 0; *out_json is the document above.
 * Fails: the argument codes; DC1_E_AUTH (no key: nothing sent; 401/403; the 404 "Renter
 *   not found" and the key's 400, as dc1_balance); DC1_E_PROTOCOL also when the spending
 *   answer has no all_time object; the network codes (of either request).
 * Blocks: yes: two reads, each with retries under its own client timeout_ms; ended by
 *   the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_usage(dc1_client *client, char **out_json);

/* ===========================================================================
 * Jobs
 * ======================================================================== */

/**
 * POST /api/jobs/submit.
 *
 * request_json: the REST body of the guide —
 *   {"job_type": "llm_inference"|"image_generation"|"vllm_serve"|"custom_container"|…,
 *    "duration_minutes": number (required, 0.1–1440),
 *    "params": {scalar values only},
 *    "provider_id": int (omit or null: automatic routing),
 *    "priority": int or numeric string 0–10 (sent as a string),
 *    "model", "pricing_class", "max_duration_seconds", "gpu_requirements",
 *    "container_spec", "task_spec", "template_id", "bundle_id", "prewarm_requested",
 *    "env_vars"}
 * It is normalised to what the server's strict schema accepts (string priority,
 * numbers for numeric strings, booleans kept) and checked locally first: an
 * unknown key, a non-scalar param or an out-of-range number fails with
 * DC1_E_VALIDATION naming the field in "fields", before any request.
 * A string holding "<…>" (which the server's sanitiser deletes) or leading or
 * trailing whitespace produces a DC1_LOG_WARN message.
 * Once dc1_images_list ran on this client, an image not in the approved registry
 * fails locally too (DC1_E_VALIDATION, "error_code": "IMAGE_NOT_APPROVED").
 *
 * Needs a key.
 *
 * out: {"job": <job document, see dc1_job_get>, "queued": bool, "message"?: "…",
 *       "reconciled"?: true}
 *
 * Duplicate safety: the server has no idempotency key on submit, so a submit is
 * retried only when the request certainly did not reach the handler
 * (connection refused, a rate-limit 429 with Retry-After, a 503). When the answer
 * is lost after the request was sent (reset, timeout, 502/504, or a 2xx whose
 * body cannot be read), the library looks for the job in /api/jobs/history (the one
 * rule the batch runner uses too): up to three reads of the newest 100 jobs, after waits
 * of 300, 700 and 700 ms, for a job of the same job_type and duration submitted since the
 * call began on the server's clock (taken from its Date header, 3 s of slack), and not a
 * job this process already received. Exactly one match is returned as success with
 * "reconciled": true; otherwise it fails with DC1_E_SUBMIT_UNKNOWN, "candidates": [...]
 * (several, or none) and "lookup_failed" (the history could not be read). It never sends
 * the submit a second time in that case. (Two identical submits from different
 * processes within the same few seconds cannot be told apart: you get
 * DC1_E_SUBMIT_UNKNOWN with both as candidates.)
 *
 * Returns: 0; *out_json is the "out" document above ("reconciled": true when the job
 *   was found in history after a lost answer).
 * Fails: the argument codes (request_json NULL or not an object: nothing sent);
 *   DC1_E_VALIDATION (the local check — "fields" names the field, "error_code"
 *   IMAGE_NOT_APPROVED for an image refused locally — or the server's 400);
 *   DC1_E_AUTH (no key: nothing sent; 401/403); DC1_E_INSUFFICIENT_BALANCE;
 *   DC1_E_QUOTA_EXCEEDED; DC1_E_NOT_FOUND (the provider); DC1_E_SUBMIT_UNKNOWN (the
 *   answer was lost and history did not settle it: "candidates"); the network codes
 *   (DC1_E_INTERRUPTED with "fate_unknown": true when the submit had been sent).
 * Blocks: yes: the submit under the client's timeout_ms (retried only when it certainly
 *   did not arrive); after a lost answer up to three history reads after waits of
 *   300/700/700 ms, then one read of the job, each under its own timeout_ms. Ended by the
 *   usual stops, the waits included (then DC1_E_INTERRUPTED with "fate_unknown": true).
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_submit(dc1_client *client, const char *request_json, char **out_json);

/**
 * GET /api/jobs/{id}: one poll of the full job.
 * out: the job document — the server's row with JSON-string columns
 * (container_spec, gpu_rate_snapshot) parsed, the bulky `result`, `logs_jsonl`
 * `task_spec` and `task_spec_hmac` removed (use dc1_job_output / dc1_job_logs),
 * gpu_requirements parsed when it is a string, and added: "terminal": bool, "outcome":
 * "succeeded" | "failed" | "cancelled" | null (how a terminal status ended; null before).
 * Also "execution_time_sec" and, beside an endpoint_url, "openai_base_url".
 * Cost, one meaning in every document (job, submit, history, wait): "cost_halala" (int) /
 * "cost_sar" (number) are what the renter is charged — the settled cost once the job is
 * terminal (0 for a refunded failure or cancellation), the held quote before that;
 * "quoted_cost_halala" / "quoted_cost_sar" are always the quoted, prepaid price. Every *_sar
 * is a JSON number with at most two decimals. Always present: "status" (and "job_id").
 * Returns: 0; *out_json is the job document.
 * Fails: the argument codes (a bad job_id: nothing sent); DC1_E_AUTH (401, or 403: not
 *   your job); DC1_E_NOT_FOUND; DC1_E_PROTOCOL also when the answer has no job.status;
 *   the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_get(dc1_client *client, const char *job_id, char **out_json);

/**
 * A job and its output, in one document: what a binding's job model shows (Python
 * jobs.get, Node getJob) without a cache or a second call of its own.
 * Returns: 0; *out_json is {"job": <the dc1_job_get document>, "output": <the
 *   dc1_job_output document> | null, "output_error": <an error document> | null (the
 *   output could not be read; the job is still returned)}. "output" is a completed job's
 *   output, read from the server once and kept by the client (its last 32 jobs: it never
 *   changes), or a serving vllm_serve job's kind "endpoint" document (built from the job,
 *   no second request); null in any other state.
 * Fails: the argument codes (a bad job_id: nothing sent); DC1_E_AUTH; DC1_E_NOT_FOUND;
 *   DC1_E_PROTOCOL; the network codes — all about the job (a failure to read the output
 *   is "output_error", not a failure of the call).
 * Blocks: yes: one read of the job, and one of its output when it completed and is not yet
 *   kept, each under the client's timeout_ms; ended by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_get_with_output(dc1_client *client, const char *job_id, char **out_json);

/**
 * GET /api/jobs/{id}/status: the light poll.
 * Returns: 0; *out_json is {"job_id","status","terminal","tokens_generated",
 *   "elapsed_seconds","estimated_cost_usd","provider_online"} ("terminal" and "outcome"
 *   added).
 * Fails: the argument codes (a bad job_id: nothing sent); DC1_E_AUTH (401, or 403: not
 *   your job); DC1_E_NOT_FOUND; DC1_E_PROTOCOL also when the answer has no status; the
 *   network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_status(dc1_client *client, const char *job_id, char **out_json);

/**
 * Waits for a job and reports what it sees: the one wait of libdc1 (bindings and the
 * CLI use it; dc1_job_wait is this call without a callback).
 *
 * options_json (may be NULL):
 *   "timeout_ms"          int    the wait's deadline, default 600000 (10 min); 0 is not allowed
 *   "mode"                "terminal" (default) | "ready" | "auto"
 *   "poll_interval_ms"    int    first polling interval, default 1000
 *   "max_poll_interval_ms" int   the interval grows ×1.5 up to this, default 10000
 *   "use_stream"          bool   default true: follow the status stream
 *                                (dc1_job_status_stream) — one connection instead
 *                                of a poll per interval — and fall back to polling
 *                                when the server does not offer it
 *   "cancel_on_timeout"   bool   cancel the job when the wait times out
 *   "tick_ms"             int    how often on_event gets a "tick", default 250 (50–60000)
 *   "with_output"         bool   default false: the result also holds "output" and
 *                                "output_error" as dc1_job_get_with_output gives them
 *                                (a completed job's output, a serving job's endpoint)
 * mode "terminal": returns 0 once the status is terminal (completed, failed,
 *   cancelled, done, permanently_failed, timed_out) — whatever it is; read
 *   "status". Unknown and backward statuses are tolerated.
 * mode "ready" (vllm_serve): returns 0 once the job runs with an endpoint_url
 *   (it polls the full job, which carries endpoint_url); fails DC1_E_JOB_FAILED /
 *   DC1_E_JOB_CANCELLED if the job ends first, DC1_E_NOT_READY if it completed
 *   without ever exposing an endpoint.
 * mode "auto": reads the job first and waits in "ready" mode for a vllm_serve job
 *   (which keeps running while it serves) and in "terminal" mode for every other
 *   type, so a caller need not know the type. A vllm_serve job that ends without
 *   serving ends the wait too, returning 0 with its final document (no error).
 * Transient failures (network, a request timeout, 5xx, 429, protocol) do not end the
 * wait — it rides them out until its deadline and then names the last one; others
 * (auth, not found) end it at once. A 429 stretches the interval to its Retry-After.
 *
 * on_event (may be NULL) is called on the calling thread with a JSON object
 * (borrowed for the duration of the call):
 *   {"type":"status","job_id","status","previous","source":"stream"|"poll"|"job",
 *    "elapsed_ms","job":{…the document that carried the status…}}   on every change,
 *    the first one included;
 *   {"type":"retry","job_id","code":"DC1_E_SERVER","message","elapsed_ms"}   a
 *    transient failure the wait rides out;
 *   {"type":"tick","job_id","status" (last seen, or null),"elapsed_ms","remaining_ms",
 *    "attempts" (requests made so far)}   every "tick_ms" while the wait waits,
 *    including while a request is in flight, so a caller can draw progress and
 *    check its own cancel flag (e.g. a pending signal).
 * A non-zero return from on_event ends this call — only this one — within a poll
 * slice, with DC1_E_INTERRUPTED. It may call other libdc1 functions.
 *
 * out: the job document (dc1_job_get) at the end, plus "polls" (requests made for
 * status), "mode" ("terminal" or "ready": what the wait waited for) and, when the
 * stream was used, "stream_connections".
 * Returns: 0; *out_json is the "out" document above.
 * Fails: the argument codes (a bad job_id or option: nothing sent); DC1_E_WAIT_TIMEOUT
 *   (the error document holds "job": last state, "job_id", "timeout_ms");
 *   DC1_E_INTERRUPTED (the usual stops, or on_event's non-zero return); DC1_E_AUTH;
 *   DC1_E_NOT_FOUND (the job); DC1_E_JOB_FAILED / DC1_E_JOB_CANCELLED / DC1_E_NOT_READY
 *   (mode "ready" only); any other status that is not transient (DC1_E_HTTP, DC1_E_VALIDATION,
 *   …) at once; the network codes only from the final read of the full job (transient
 *   failures of the polls are ridden out until the deadline).
 * Blocks: yes: until the job gets there or the wait's own "timeout_ms" (default 10 min)
 *   passes; each request is bounded by the client's timeout_ms and the time left, and
 *   the final read of the full job by at least 1 s; with cancel_on_timeout a cancel
 *   follows the deadline. Ended by the usual stops and by on_event.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure). Each event_json is borrowed for the callback only; user_data is the
 *   caller's, passed through untouched. No argument is kept after the call.
 */
DC1_EXPORT int dc1_job_watch(dc1_client *client, const char *job_id, const char *options_json,
                             dc1_event_fn on_event, void *user_data, char **out_json);

/**
 * dc1_job_watch(client, job_id, options_json, NULL, NULL, out_json): the same wait,
 * without events.
 * Returns: 0; *out_json as dc1_job_watch.
 * Fails: as dc1_job_watch (DC1_E_INTERRUPTED only from the usual stops).
 * Blocks: yes: as dc1_job_watch (the wait's "timeout_ms", default 10 min); ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_wait(dc1_client *client, const char *job_id, const char *options_json,
                            char **out_json);

/**
 * GET /api/jobs/{id}/output (Accept: application/json), in one shape for every
 * job type and server variant:
 *   {"job_id","status","kind": "text"|"image"|"endpoint"|"json"|"raw"|"empty",
 *    "text"?      the generated text (kind text; also "response" and "output"),
 *    "tokens_generated"?, "tokens_per_second"?, "model"?, "prompt"?,
 *    "image_base64"?, "format"?, "width"?, "height"?, "image_bytes"? (kind image),
 *    "endpoint_url"? (kind endpoint: a vllm_serve job that is serving; "status"
 *                    is then the job's live status, e.g. "running"),
 *    "result_json"?  the object a script printed after DC1_RESULT_JSON: (kind json;
 *                    "text" then holds the stdout before the marker),
 *    "stdout"?       the raw result string (kinds json, raw),
 *    "truncated": bool (206: the image failed the server's sanity check),
 *    "actual_cost_halala"?, "actual_cost_sar"?, "billing"? }
 * 204 gives kind "empty".
 * An image's "image_base64" is held in memory whole (about 1.4× the image, twice:
 * the body and this document): to write an image to a file use
 * dc1_job_save_image, which decodes it while it downloads.
 * Returns: 0; *out_json is the output document above.
 * Fails: the argument codes (a bad job_id: nothing sent); DC1_E_NOT_READY (202; "body"
 *   has the progress); DC1_E_JOB_FAILED / DC1_E_JOB_CANCELLED (410; "body" has "error"
 *   and "refunded"); DC1_E_PROTOCOL (also a field of the wrong type, e.g. "image_base64"
 *   not a string or "width" not an integer: the message names the field; null is passed
 *   on); DC1_E_NOT_FOUND; DC1_E_AUTH; the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; on a 202 a
 *   read of the job follows (a serving vllm_serve job), under its own timeout_ms. Ended
 *   by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_output(dc1_client *client, const char *job_id, char **out_json);

/**
 * Fetches an image job's output and writes the decoded image to `path`. The call
 * to use for images of any size: the base64 is decoded as it arrives and written
 * to a temporary file in the folder of `path` (the call adds about 2 MiB to memory
 * whatever the image's size), which is renamed to `path` only once the body is
 * complete, the base64 valid and the bytes a PNG, JPEG or WebP image; on any failure
 * no file is left (an existing `path` is untouched). Other answers (an error, 202,
 * 204, 410, a text output) fail as dc1_job_output does; a 206 that still carries
 * image data is read whole and written with "truncated": true.
 * Returns: 0; *out_json, when out_json is not NULL, is {"path","bytes","width","height",
 *   "format","truncated","job_id","kind":"image","actual_cost_halala"?,
 *   "actual_cost_sar"?}, and the image is at `path`.
 * Fails: as dc1_job_output (path NULL or empty is DC1_E_INVALID_ARGUMENT too), plus
 *   DC1_E_PROTOCOL (not an image output, no image data, bad base64, not a PNG/JPEG/WebP
 *   image, a body cut short) and DC1_E_IO (the file could not be created, written or
 *   renamed). No file is left behind on failure.
 * Blocks: yes: as dc1_job_output (one read under the client's timeout_ms, a read of the
 *   job after a 202), with local file I/O while the body arrives. Ended by the usual
 *   stops.
 * Memory: out_json may be NULL; otherwise the caller frees *out_json with dc1_free (the
 *   result, or the error document on failure). The file at `path` is the caller's; no
 *   argument is kept.
 */
DC1_EXPORT int dc1_job_save_image(dc1_client *client, const char *job_id, const char *path,
                                  char **out_json);

/**
 * POST /api/jobs/{id}/cancel. Needs a key. The server refunds the prepaid cost.
 * Not retried after the request was sent, except that a lost answer is checked
 * with one GET of the job.
 * Returns: 0; *out_json is {"success":true,"job": <job document>} (plus "reconciled":
 *   true when a lost answer was settled by reading the job back as cancelled).
 * Fails: the argument codes (a bad job_id: nothing sent); DC1_E_VALIDATION (400:
 *   already completed or cancelled; "body" says which); DC1_E_NOT_FOUND; DC1_E_AUTH (no
 *   key: nothing sent; 401/403); the network codes (after a lost answer the error
 *   document holds "job", the job as read back).
 * Blocks: yes: the cancel under the client's timeout_ms; after a lost answer one read of
 *   the job under its own timeout_ms. Ended by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_cancel(dc1_client *client, const char *job_id, char **out_json);

/**
 * GET /api/jobs/{id}/logs. options_json (may be NULL): {"since": int (exclusive
 * line number, default 0), "limit": int 1–1000 (default 200)}.
 * Returns: 0; *out_json is {"job_id","status","logs":[{"line_no","level","message",
 *   "logged_at"}],"total_lines","has_more","next_since"} ("next_since" added; "has_more"
 *   added when the server omits it).
 * Fails: the argument codes (a bad job_id or option: nothing sent); DC1_E_AUTH;
 *   DC1_E_NOT_FOUND; DC1_E_PROTOCOL also when the answer has no logs array or an entry
 *   of the wrong type; the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_logs(dc1_client *client, const char *job_id, const char *options_json,
                            char **out_json);

/**
 * GET /api/jobs/history (the account's jobs, newest first). Needs a key.
 * options_json (may be NULL): {"limit": int 1–100, default 20}.
 * Returns: 0; *out_json is {"balance_halala","balance_sar","total_jobs","jobs":[{id,
 *   job_id,job_type,status,submitted_at,completed_at,cost_halala,actual_cost_halala,
 *   duration_minutes,provider_name,provider_gpu,cost_sar,refunded,terminal,outcome,…}]}
 * Fails: the argument codes (a bad option: nothing sent); DC1_E_AUTH (no key: nothing
 *   sent; 401); DC1_E_PROTOCOL also when the answer has no jobs array; the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_jobs_history(dc1_client *client, const char *options_json, char **out_json);

/* ===========================================================================
 * Batch
 * ======================================================================== */

/**
 * Runs a batch of submits from a JSON Lines file, at the server's limits, resumably and
 * without ever paying for a job twice (docs/batch.md). Needs a key. Blocks until the batch
 * ends or stops.
 *
 * input_path: one dc1_job_submit request per line (exactly what request_json takes),
 * plus an optional "id" (any JSON value, echoed in results and events). Line numbers are
 * 1-based; blank lines are skipped. A line that is not a valid request gets status
 * "invalid" and is never sent.
 *
 * options_json (may be NULL):
 *   "out_path"      string  results, one JSON object per input line, rewritten (atomically)
 *                           at the end of every run; default "<input_path>.results.jsonl"
 *   "journal_path"  string  the journal; default "<input_path>.journal". Running again with
 *                           the same journal resumes: lines with results are not touched,
 *                           lines with a job are waited on, a submit whose answer was lost
 *                           is looked up in /api/jobs/history before anything is resubmitted.
 *                           A journal belongs to one input: an edited input is refused
 *                           (DC1_E_INVALID_ARGUMENT).
 *   "concurrency"   int     jobs in flight at most, 1–64, default 4 (submits are sent one at
 *                           a time; each job is waited on by a thread of the runner)
 *   "max_attempts"  int     a job that fails is submitted again up to this many jobs in all
 *                           (the server refunds failed jobs), 1–100, default 1. A 400 is never
 *                           retried; a rate-limited 429 is retried after Retry-After and is
 *                           not an attempt.
 *   "budget_sar"    number  stop submitting before the quoted cost of what was submitted
 *                           (the quote of every job completed or in flight; failed jobs are
 *                           refunded) plus the next line's expected quote (the largest quote
 *                           seen for the same job_type and duration) would pass it
 *   "save_dir"      string  write each image output to "<save_dir>/<id or line-N>.png"
 *                           (the output then has "saved_path" instead of "image_base64")
 *   "wait"          object  dc1_job_watch options for each job (default timeout_ms 3600000)
 *   "tick_ms"       int     how often on_event gets a "tick", default 500
 *   "timeout_ms"    int     the whole run's deadline, default none. When it passes, the run
 *                           stops as an interrupt would: nothing more is submitted, the
 *                           waits end (their jobs keep running; the journal has their ids,
 *                           so a run with the same journal resumes), the results file is
 *                           written, and the call fails DC1_E_WAIT_TIMEOUT with the summary
 *                           in the error document ("stopped": "timeout").
 *
 * One run per journal: the run holds an exclusive lock on "<journal_path>.lock" from
 * before it reads anything until it returns. A second run on the same journal — in this
 * or another process, on any thread — fails at once with DC1_E_BUSY, naming the journal
 * ("journal_path") and the holder's process id ("pid", when known), and submits nothing.
 * The lock file stays in place between runs (it holds the PID only while a run is on);
 * the kernel releases the lock when the holder exits, however it exits. dc1_batch_status
 * does not take the lock.
 *
 * The input, out_path, journal_path and the journal's lock must be four different files
 * (compared after resolving symlinks and "..", and as inodes where they exist), and
 * save_dir none of them nor the directory of a ".png" one among them (a saved image could
 * take its name): otherwise DC1_E_INVALID_ARGUMENT, with the two clashing names in
 * "clash" (e.g. ["input_path","out_path"]), before anything is read, locked or sent.
 *
 * Each result line: {"line","id"?,"status","job_id","attempts","output"? (completed: the
 * dc1_job_output document),"error"? (the error document),"cost_halala","cost_sar"}.
 * status: "completed", "failed" (after max_attempts jobs), "cancelled", "invalid" (400 or
 * local validation), "error" (another failure of the line), "unknown" (a lost submit answer
 * matched several jobs in history: not resubmitted), and for lines that did not finish in
 * this run "not_submitted" (with "reason": "quota"|"budget"|"balance"|"interrupted"|
 * "timeout"|…), "running" (a job id, still in flight) or "submit_unknown" (settled on the
 * next run).
 *
 * on_event (may be NULL) is called on the calling thread:
 *   {"type":"line","line","id"?,"status":"submitted"|"retrying"|"completed"|"failed"|…,
 *    "job_id","attempts","error"?,"cost_halala"?}        a line changed;
 *   {"type":"progress"|"tick","lines","done","failed","invalid","running","queued",
 *    "pending","spent_halala","spent_sar","elapsed_ms","jobs_per_min","budget_sar"?}
 *    after each change, and a "tick" every tick_ms;
 *   {"type":"pause","reason":"rate_limited","wait_ms"}    submits wait for a limiter;
 *   {"type":"stop","reason","message"}                    submitting stopped.
 * A non-zero return stops the batch: no more submits, the waits end (their jobs keep
 * running; the journal has their ids), the results file is written, and the call fails
 * DC1_E_INTERRUPTED. Run it again to resume.
 *
 * out: {"lines","completed","failed","invalid","not_submitted","running",
 *       "statuses":{status:n},"attempts" (jobs created for the batch, all runs),
 *       "jobs_created" (this run),"spent_halala","spent_sar","all_completed",
 *       "stopped": null|"budget"|"quota"|"timeout"|…,"stop_message"?,"out_path",
 *       "journal_path","elapsed_ms"}
 * "invalid" counts the lines refused as requests (local check or 400) apart from
 * "failed", which counts the lines that were tried and did not complete ("failed",
 * "cancelled", "error", "unknown").
 * Returns: 0 when the batch ran to its end (read "all_completed": some lines may have
 *   failed) or stopped for its budget ("stopped": "budget"); *out_json is the "out"
 *   summary above.
 * Fails: with the summary's members in the error document: DC1_E_QUOTA_EXCEEDED (a daily
 *   or monthly quota stopped submitting: what was in flight was finished first),
 *   DC1_E_INSUFFICIENT_BALANCE, DC1_E_AUTH (a 401/403 on a submit), DC1_E_INTERRUPTED
 *   (on_event or the usual stops), DC1_E_WAIT_TIMEOUT (the run's "timeout_ms"), and the
 *   network codes when submits kept failing (five in a row) or a lost answer could not
 *   be looked up. Without the summary, and before anything is submitted: DC1_E_AUTH
 *   (no key), DC1_E_BUSY (another run holds the journal: "journal_path", "pid"), the
 *   argument codes (arguments, options, an edited input, clashing paths: "clash").
 *   DC1_E_IO (the input, the journal, its lock or the results file could not be read or
 *   written; the journal keeps every step that was recorded).
 * Blocks: yes: until every line is settled, or the budget, a quota, the run's
 *   "timeout_ms" (default none: each job's wait is bounded by "wait"."timeout_ms", 1 h),
 *   on_event or the usual stops end it; the runner's threads are joined before it
 *   returns. Local file I/O (journal fsync'd at each step) throughout.
 * Memory: the caller frees *out_json with dc1_free (the summary, or the error document on
 *   failure). Each event_json is borrowed for the callback only; user_data is the
 *   caller's. The results file, the journal and its lock file stay on disk and are the
 *   caller's.
 */
DC1_EXPORT int dc1_batch_run(dc1_client *client, const char *input_path, const char *options_json,
                             dc1_event_fn on_event, void *user_data, char **out_json);

/**
 * Where a batch stands, from its journal alone (no network I/O). It takes no lock: it
 * reads a journal that a run is writing without waiting for it (the last record may be
 * a step behind).
 * Returns: 0; *out_json is {"journal_path","input_path","lines","results":{status:n},
 *   "completed","failed","invalid","in_flight":[{"line","job_id","attempts"}],
 *   "submit_unknown":[line,…],"not_submitted","attempts","spent_halala","spent_sar",
 *   "finished","all_completed","last_stop"?:{"reason","message","at"}}
 * Fails: DC1_E_INVALID_ARGUMENT (NULL or empty path, or out_json NULL), DC1_E_NOT_FOUND
 *   (no journal there), DC1_E_IO, DC1_E_NO_MEMORY.
 * Blocks: no (reads the journal file; never waits on a run's lock).
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_batch_status(const char *journal_path, char **out_json);

/* ===========================================================================
 * Any route
 * ======================================================================== */

/**
 * Sends one request to a route libdc1 does not wrap, with the client's auth
 * (Bearer for /v1 paths), deadline, error mapping and retries: GET/HEAD as reads;
 * other methods only when the request certainly did not take effect (not sent,
 * 429 with Retry-After, 503).
 * method: "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" (any case). path: starts
 * with "/" (e.g. "/api/jobs/job-1/lifecycle?limit=5"), not "//"; it may not hold CR,
 * LF, spaces or other control bytes, or "://"; at most 8192 bytes. body_json: NULL or a
 * JSON document sent as application/json.
 * Returns: 0 for a 2xx; *out_json is {"http_status": int, "request_id": "…", "body":
 *   <parsed JSON, or a string for a non-JSON body, or null when empty>}.
 * Fails: the argument codes (a bad method, path or body_json: nothing sent); a 3xx
 *   DC1_E_PROTOCOL (not followed); a 4xx/5xx the mapped code (see Contract) with the
 *   usual error document; the network codes. A lost answer to a method other than
 *   GET/HEAD is returned as its error: the request may have taken effect.
 * Blocks: yes: one request, retried as the retry policy allows its method, under the
 *   client's timeout_ms; ended by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_request(dc1_client *client, const char *method, const char *path,
                           const char *body_json, char **out_json);

/* ===========================================================================
 * Streaming
 * ======================================================================== */


/**
 * Follows a job's log until its end: GET /api/jobs/{id}/logs/stream (server-sent
 * events), or, where the server has no such stream, by polling GET /api/jobs/{id}/logs.
 * Needs a key.
 * options_json (may be NULL): {"since": int (resume after this line number, default 0),
 *   "timeout_ms": int (the stream's deadline, default 3600000), "idle_timeout_ms": int
 *   (no event for this long — keep-alive comments do not count — means a stalled stream:
 *   reconnect; default 60000), "max_reconnects": int (default 10), "tick_ms": int
 *   (50–60000: also deliver {"type":"tick","elapsed_ms"} this often, so the caller can
 *   stop the call while no line arrives; default none), "poll_fallback": bool (default
 *   true: poll when the server offers no stream), "poll_interval_ms": int (10–3600000,
 *   default 1000: the pause between two reads while polling)}.
 * Each log line reaches on_event as {"type":"log","line_no","level","line","logged_at",…};
 * the last event is {"type":"end","status":…}. A dropped connection is resumed with
 * ?since=<last line_no>, so no line is delivered twice. A stream on a job that is already
 * terminal (cancelled included) ends promptly.
 * The polling fallback: when the stream fails with DC1_E_PROTOCOL (a 2xx that is not an
 * event stream, e.g. a server without the route answering JSON or HTML), DC1_E_HTTP (an
 * unexpected status, e.g. 405) or a DC1_E_NOT_FOUND whose body is not a JSON object (the
 * route is missing, not the job), and "poll_fallback" is true, the call goes on by
 * reading GET /api/jobs/{id}/logs (pages of up to 1000 lines) from the last line
 * delivered, every "poll_interval_ms", with the same events (a page's "message" is also
 * given as "line"), until the job is terminal and one more read finds nothing new; then
 * it delivers {"type":"end","status"}. A poll that fails transiently (DC1_E_NETWORK,
 * DC1_E_TIMEOUT, DC1_E_SERVER, DC1_E_RATE_LIMITED, DC1_E_PROTOCOL) is retried after
 * "poll_interval_ms" until the deadline. The polling half has its own "timeout_ms"
 * deadline, counted from the fallback. With "poll_fallback": false those stream failures
 * are returned as they are.
 * Returns: 0; *out_json is {"job_id","lines","last_line_no","reconnects","ended":
 *   "end"|"stopped","status"} ("status" from the end event; absent when stopped before
 *   it). After a fallback "reconnects" is 0 and "polls" counts the reads.
 * Fails: the argument codes (a bad job_id or option, on_event NULL: nothing sent);
 *   DC1_E_AUTH (no key: nothing sent; 401/403); DC1_E_NOT_FOUND (the job); DC1_E_TIMEOUT
 *   (the deadline passed); DC1_E_NETWORK (reconnects exhausted); DC1_E_PROTOCOL (an event
 *   over 8 MiB; a non-stream answer with "poll_fallback" false); the network codes (a
 *   non-2xx answer is not retried: it fails at once with its mapped code).
 * Blocks: yes: until the end event, or "timeout_ms" (default 1 h; the stream and, after
 *   a fallback, the polling each get it). Ended by the usual stops (DC1_E_INTERRUPTED) and
 *   by on_event's non-zero return (0 with "ended": "stopped"), ticks included.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure). Each event_json is borrowed for the callback only; user_data is the
 *   caller's, passed through untouched. No argument is kept after the call.
 */
DC1_EXPORT int dc1_job_logs_stream(dc1_client *client, const char *job_id, const char *options_json,
                                   dc1_event_fn on_event, void *user_data, char **out_json);

/**
 * Follows GET /api/jobs/{id}/stream until `end` or a terminal status. Each event reaches
 * on_event as its data object plus "event" (job_queued, provider_assigned, job_starting,
 * job_running, job_completed, job_failed, end). Options as dc1_job_logs_stream ("since",
 * "poll_fallback" and "poll_interval_ms" are accepted and ignored: this call does not
 * poll). No key is required locally (the server answers 401/403 without one).
 * dc1_job_wait uses this stream by default (option "use_stream") and falls back to polling.
 * Returns: 0; *out_json is {"job_id","events","reconnects","ended":"end"|"stopped",
 *   "status","terminal"} ("status" and "terminal" once an event carried a status).
 * Fails: the argument codes (a bad job_id or option, on_event NULL: nothing sent);
 *   DC1_E_AUTH (401/403); DC1_E_NOT_FOUND; DC1_E_TIMEOUT (the deadline passed);
 *   DC1_E_NETWORK (reconnects exhausted); DC1_E_PROTOCOL (a 2xx that is not an event
 *   stream; an event over 8 MiB); the network codes (a non-2xx answer fails at once).
 * Blocks: yes: until an end event or a terminal status, or "timeout_ms" (default 1 h).
 *   Ended by the usual stops (DC1_E_INTERRUPTED) and by on_event's non-zero return (0
 *   with "ended": "stopped").
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure). Each event_json is borrowed for the callback only; user_data is the
 *   caller's, passed through untouched. No argument is kept after the call.
 */
DC1_EXPORT int dc1_job_status_stream(dc1_client *client, const char *job_id, const char *options_json,
                                     dc1_event_fn on_event, void *user_data, char **out_json);

/**
 * One OpenAI-compatible chat completion. Never retried once streaming has begun.
 * request_json: {"model","messages":[{"role","content"}],…any OpenAI field…,
 *   "stream": bool, "endpoint_url"?: a vllm_serve job's endpoint ("http://…/v1"),
 *   "timeout_ms"?, "tick_ms"? (streaming: also deliver {"type":"tick","elapsed_ms"})}. Without endpoint_url it goes to {base_url}/v1/chat/completions with
 * `Authorization: Bearer` and an Idempotency-Key (so a retried call is not billed twice);
 * with endpoint_url it goes directly to <its OpenAI root>/chat/completions (the root: the
 * endpoint_url with "/v1" appended unless it ends so, as a job's "openai_base_url") and the
 * API key is never sent.
 * Non-streaming (or on_token NULL): out is the completion body plus "content" (the first
 * choice's text) and "finish_reason".
 * Streaming ("stream": true and on_token set): each text delta reaches on_token as
 * {"type":"token","content":"…","chunk":{…}}; out is {"content": the whole text, "chunks",
 * "finish_reason", "usage"?, "model"?, "ended": "done"|"stopped", "complete": bool ([DONE]
 * seen)}. A stream cut before [DONE] fails DC1_E_NETWORK with the text so far in
 * "partial".
 * Returns: 0; *out_json is the completion document (non-streaming) or the streamed
 *   summary above.
 * Fails: the argument codes (request_json NULL, not an object, no "model", empty
 *   "messages" or a non-string content, a bad "timeout_ms", "tick_ms" or "endpoint_url":
 *   nothing sent); DC1_E_AUTH (no key and no endpoint_url: nothing sent; 401/403);
 *   DC1_E_INSUFFICIENT_BALANCE (402); DC1_E_VALIDATION (400); DC1_E_NOT_FOUND;
 *   DC1_E_NETWORK (also a stream cut before [DONE]: "partial"); the network codes.
 * Blocks: yes: one request under the request's "timeout_ms" (default: the client's);
 *   a non-streaming call is retried as a read (under one Idempotency-Key on /v1), a
 *   streaming one only when nothing was sent; a stream with no chunk for that long is cut
 *   (DC1_E_NETWORK). Ended by the usual stops and, streaming, by on_token's non-zero return
 *   (0 with "ended": "stopped").
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure). Each token event is borrowed for the callback only; user_data is the
 *   caller's, passed through untouched. No argument is kept after the call.
 */
DC1_EXPORT int dc1_chat(dc1_client *client, const char *request_json, dc1_event_fn on_token, void *user_data,
                        char **out_json);

/* ===========================================================================
 * Job lifecycle
 * ======================================================================== */

/**
 * GET /api/jobs/{id}/lifecycle: the job's recorded lifecycle events.
 * options_json (may be NULL): {"since_sequence": int (exclusive), "limit": int 1–1000
 *   (server default 200), "event_type": "job.completed"|…, "status": "…",
 *   "error_category": "timeout"|"oom"|"image_pull"|"provider_disconnect"|"execution"}.
 * out: {"schema_version","job_id","status","events":[{"schema_version","job_id",
 *       "sequence_no","event_type","status","source","error_category","error_code",
 *       "message","payload","occurred_at","occurred_at_ms"}],"total_events","has_more",
 *       "next_since_sequence": the largest sequence_no returned (or since_sequence)}.
 * event_type is one of job.submitted, job.status.changed, job.phase.changed,
 * job.endpoint.ready, job.completed, job.failed, job.cancelled, job.retried,
 * job.retry.scheduled, job.timed_out, job.paused, job.resumed. Note: the real server
 * records job.completed only when the renter completes a job or a provider posts
 * /api/jobs/{id}/result, not on the daemon's usual result path — wait on the job's
 * status (dc1_job_wait), not on this event.
 * Returns: 0; *out_json is the "out" document above.
 * Fails: the argument codes (a bad job_id or option: nothing sent); DC1_E_NOT_FOUND;
 *   DC1_E_AUTH (401, or 403: not your job); DC1_E_PROTOCOL also when the answer has no
 *   events array; the network codes.
 * Blocks: yes: one read, retries included, under the client's timeout_ms; ended by the
 *   usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_job_lifecycle(dc1_client *client, const char *job_id, const char *options_json,
                                 char **out_json);

/**
 * Follows GET /api/jobs/{id}/lifecycle/stream (server-sent events) until its end event.
 * Each event reaches on_event as its data object (the shape of a dc1_job_lifecycle
 * event) plus "event" (the SSE event name: the event_type, or "end"); the last is
 * {"event":"end","type":"end","job_id","status","ts"}. Options as dc1_job_logs_stream,
 * "since" being the first since_sequence; a dropped connection resumes after the last
 * sequence_no delivered, so no event is delivered twice.
 * "poll_fallback" and "poll_interval_ms" are accepted and ignored: this call does not
 * poll. No key is required locally.
 * Returns: 0; *out_json is {"job_id","events","last_sequence","reconnects","ended":
 *   "end"|"stopped","status"}.
 * Fails: the argument codes (a bad job_id or option, on_event NULL: nothing sent);
 *   DC1_E_AUTH (401/403); DC1_E_NOT_FOUND; DC1_E_TIMEOUT (the deadline passed);
 *   DC1_E_NETWORK (reconnects exhausted); DC1_E_PROTOCOL (a 2xx that is not an event
 *   stream; an event over 8 MiB); the network codes (a non-2xx answer fails at once).
 * Blocks: yes: until the end event or "timeout_ms" (default 1 h). Ended by the usual
 *   stops (DC1_E_INTERRUPTED) and by on_event's non-zero return (0 with "ended":
 *   "stopped").
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure). Each event_json is borrowed for the callback only; user_data is the
 *   caller's, passed through untouched. No argument is kept after the call.
 */
DC1_EXPORT int dc1_job_lifecycle_stream(dc1_client *client, const char *job_id, const char *options_json,
                                        dc1_event_fn on_event, void *user_data, char **out_json);

/* ===========================================================================
 * Webhooks
 * ======================================================================== */

/**
 * Verifies an X-DCP-Signature header: HMAC-SHA256 of the raw body bytes under `secret`,
 * lowercase hex, with or without the "sha256=" prefix, compared in constant time.
 * (For the account webhook the secret is the renter's API key; for registered webhooks the
 * secret given at registration.) No client needed.
 * Returns: 0 when the signature matches the body.
 * Fails: DC1_E_BAD_SIGNATURE (it does not); DC1_E_INVALID_ARGUMENT (secret or
 *   signature_header NULL; body NULL with body_len not 0).
 * Blocks: no (no I/O).
 * Memory: nothing is handed out or kept; secret and signature_header are NUL-terminated,
 *   body is body_len bytes (NULs allowed), all only read.
 */
DC1_EXPORT int dc1_webhook_verify(const char *secret, const char *signature_header, const char *body,
                                  size_t body_len);

/**
 * Parses a delivery body (any of the server's three shapes). Deliveries repeat with
 * different shapes: dedupe on "dedupe_key". No client needed.
 * Returns: 0; *out_json is {"event","job_id","status" ("done" becomes "completed"),
 *   "cost_halala"?,"cost_sar"?,"dedupe_key","raw" (the body as parsed)}.
 * Fails: DC1_E_INVALID_ARGUMENT (body NULL, out_json NULL, a body that is not valid
 *   JSON or not a JSON object), DC1_E_NO_MEMORY.
 * Blocks: no (no I/O).
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); body is body_len bytes, only read.
 */
DC1_EXPORT int dc1_webhook_parse(const char *body, size_t body_len, char **out_json);

/**
 * PATCH /api/renters/settings: sets the account webhook URL (the server wants https and a
 * public host); NULL or "" clears it. Needs a key. Setting the same value twice is
 * harmless, so the request is retried as a read.
 * Returns: 0; *out_json is {"success","settings":{"webhook_url"}}.
 * Fails: the argument codes (url not UTF-8); DC1_E_AUTH (no key: nothing sent; 401/403;
 *   the 404 "Renter not found" and the key's 400, as dc1_balance); DC1_E_VALIDATION (400:
 *   a URL the server refuses); the network codes.
 * Blocks: yes: one request, retries included, under the client's timeout_ms; ended by
 *   the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_webhook_set_url(dc1_client *client, const char *url, char **out_json);

/**
 * GET /api/renters/{id}/webhooks (the id read from GET /api/renters/me). Needs a key.
 * Note: the server allows 10 requests per hour on these routes, every method counted.
 * Returns: 0; *out_json is {"webhooks":[{id,url,events,active,created_at}]}.
 * Fails: the argument codes; DC1_E_AUTH (no key: nothing sent; 401/403; /me's 404 and
 *   the key's 400 as dc1_me); DC1_E_PROTOCOL also when /me has no renter.id; the network
 *   codes (DC1_E_RATE_LIMITED or DC1_E_QUOTA_EXCEEDED from the hourly limit).
 * Blocks: yes: two requests (GET /api/renters/me for the renter id, then the webhook
 *   route), each with retries under its own client timeout_ms; ended by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_webhooks_list(dc1_client *client, char **out_json);

/**
 * POST /api/renters/{id}/webhooks. Needs a key. request_json: {"url": "https://…",
 * "secret": ≥16 chars, "events"?: ["job.completed","job.failed","balance.low"]}.
 * The POST is sent once: not retried after it may have arrived.
 * Returns: 0; *out_json is {"id","url","events","active","created_at"}.
 * Fails: the argument codes (request_json NULL or without "url" and "secret" strings:
 *   nothing sent); DC1_E_VALIDATION (a secret under 16 characters, checked locally; the
 *   server's 400); DC1_E_AUTH (no key: nothing sent; 401/403); DC1_E_HTTP (422: more
 *   than 5 webhooks); DC1_E_PROTOCOL also when /me has no renter.id; the network codes
 *   (after a lost answer the webhook may exist: list before registering again).
 * Blocks: yes: two requests (GET /api/renters/me for the renter id, then the webhook
 *   route), each with retries under its own client timeout_ms; ended by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_webhook_register(dc1_client *client, const char *request_json, char **out_json);

/**
 * DELETE /api/renters/{id}/webhooks/{webhook_id} (a soft delete; repeating it changes
 * nothing, so it is retried as a read). Needs a key. webhook_id follows the job-id rule
 * (see Input).
 * Returns: 0; *out_json is {"success","id","active":false}.
 * Fails: the argument codes (a bad webhook_id: nothing sent); DC1_E_AUTH (no key:
 *   nothing sent; 401/403); DC1_E_NOT_FOUND (no such webhook); DC1_E_PROTOCOL also when
 *   /me has no renter.id; the network codes.
 * Blocks: yes: two requests (GET /api/renters/me for the renter id, then the webhook
 *   route), each with retries under its own client timeout_ms; ended by the usual stops.
 * Memory: the caller frees *out_json with dc1_free (the result, or the error document on
 *   failure); no argument is kept.
 */
DC1_EXPORT int dc1_webhook_delete(dc1_client *client, const char *webhook_id, char **out_json);

#ifdef __cplusplus
}
#endif

#endif /* DC1_H */
