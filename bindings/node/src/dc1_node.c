/*
 * dc1_node.c — the N-API addon of dc1-renter-sdk: libdc1's C API for JavaScript.
 *
 * It converts types only. Every decision (retries, deadlines, waiting, pacing, error
 * mapping) is libdc1's; the JavaScript layer (lib/) converts idioms (Promises,
 * AbortSignal, async iterators, error classes).
 *
 * libdc1 is loaded at run time with dlopen (load(path), from JavaScript), not linked:
 * that is what lets DC1_LIBRARY point at another libdc1.so and gives a clear error (what
 * was tried, what is missing) when no compatible library is found.
 *
 * Threads. Short calls run on the addon's worker pool (see "Short calls"). Calls that may
 * last (waits, event streams, chat) run on a thread of their own and report through a
 * napi_threadsafe_function: each event, then the end. No JavaScript runs off the main
 * thread; the worker threads only call libdc1 and copy strings.
 *
 * Cancellation. Each call may carry a "stop box" (stopNew()): stopTrigger() from the
 * abort listener sets its flag and triggers its dc1_stop, which the worker thread has
 * bound around the call (dc1_stop_bind), so only that call ends. Event callbacks also
 * return non-zero once the flag is set.
 */
#define NAPI_VERSION 8
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <node_api.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dc1.h"

#ifndef NODE_GYP_MODULE_NAME
#define NODE_GYP_MODULE_NAME dc1_node
#endif

/* ---------------------------------------------------------------------------------------
 * The function table
 * ------------------------------------------------------------------------------------- */
static struct {
    void *handle;
    char path[4096];
    __typeof__(dc1_version) *version;
    __typeof__(dc1_strerror) *strerror_;
    __typeof__(dc1_last_error) *last_error;
    __typeof__(dc1_free) *free_;
    __typeof__(dc1_client_new) *client_new;
    __typeof__(dc1_client_free) *client_free;
    __typeof__(dc1_client_interrupt) *client_interrupt;
    __typeof__(dc1_client_config) *client_config;
    __typeof__(dc1_client_set_logger) *client_set_logger;
    __typeof__(dc1_balance) *balance;
    __typeof__(dc1_me) *me;
    __typeof__(dc1_providers_list) *providers_list;
    __typeof__(dc1_job_submit) *job_submit;
    __typeof__(dc1_job_get) *job_get;
    __typeof__(dc1_job_status) *job_status;
    __typeof__(dc1_job_wait) *job_wait;
    __typeof__(dc1_job_output) *job_output;
    __typeof__(dc1_job_save_image) *job_save_image;
    __typeof__(dc1_job_cancel) *job_cancel;
    __typeof__(dc1_job_logs) *job_logs;
    __typeof__(dc1_jobs_history) *jobs_history;
    __typeof__(dc1_request) *request;
    __typeof__(dc1_job_logs_stream) *job_logs_stream;
    __typeof__(dc1_job_status_stream) *job_status_stream;
    __typeof__(dc1_chat) *chat;
    __typeof__(dc1_webhook_verify) *webhook_verify;
    __typeof__(dc1_webhook_parse) *webhook_parse;
    __typeof__(dc1_webhook_set_url) *webhook_set_url;
    __typeof__(dc1_webhooks_list) *webhooks_list;
    __typeof__(dc1_webhook_register) *webhook_register;
    __typeof__(dc1_webhook_delete) *webhook_delete;
    __typeof__(dc1_job_watch) *job_watch;
    __typeof__(dc1_stop_new) *stop_new;
    __typeof__(dc1_stop_trigger) *stop_trigger;
    __typeof__(dc1_stop_free) *stop_free;
    __typeof__(dc1_stop_bind) *stop_bind;
    __typeof__(dc1_stop_is_triggered) *stop_is_triggered;
    __typeof__(dc1_models_list) *models_list;
    __typeof__(dc1_model_get) *model_get;
    __typeof__(dc1_images_list) *images_list;
    __typeof__(dc1_templates_list) *templates_list;
    __typeof__(dc1_template_request) *template_request;
    __typeof__(dc1_quote) *quote;
    __typeof__(dc1_usage) *usage;
    __typeof__(dc1_job_lifecycle) *job_lifecycle;
    __typeof__(dc1_job_lifecycle_stream) *job_lifecycle_stream;
    __typeof__(dc1_batch_run) *batch_run;
    __typeof__(dc1_batch_status) *batch_status;
    __typeof__(dc1_job_get_with_output) *job_get_with_output;
    __typeof__(dc1_provider_get) *provider_get;
} L;

/* ---------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------- */
#define NAPI_OK(call)                                                                        \
    do {                                                                                     \
        if ((call) != napi_ok) {                                                             \
            throw_last(env, #call);                                                          \
            return NULL;                                                                     \
        }                                                                                    \
    } while (0)

static void throw_last(napi_env env, const char *what) {
    const napi_extended_error_info *info = NULL;
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) return;
    napi_get_last_error_info(env, &info);
    char msg[512];
    snprintf(msg, sizeof msg, "dc1 addon: %s failed: %s", what,
             info && info->error_message ? info->error_message : "unknown N-API error");
    napi_throw_error(env, NULL, msg);
}

static napi_value undefined(napi_env env) {
    napi_value v;
    napi_get_undefined(env, &v);
    return v;
}

/* A JS string (or null/undefined → NULL) as a malloc'd UTF-8 string. *ok = false when the
 * value is neither (an exception is then pending). */
static char *get_str(napi_env env, napi_value v, bool *ok) {
    napi_valuetype t;
    *ok = true;
    if (napi_typeof(env, v, &t) != napi_ok) { *ok = false; return NULL; }
    if (t == napi_null || t == napi_undefined) return NULL;
    if (t != napi_string) {
        napi_throw_type_error(env, NULL, "dc1 addon: expected a string");
        *ok = false;
        return NULL;
    }
    size_t len = 0;
    napi_get_value_string_utf8(env, v, NULL, 0, &len);
    char *s = malloc(len + 1);
    if (!s) { napi_throw_error(env, NULL, "out of memory"); *ok = false; return NULL; }
    napi_get_value_string_utf8(env, v, s, len + 1, &len);
    return s;
}

static napi_value make_str(napi_env env, const char *s) {
    napi_value v;
    if (!s) { napi_get_null(env, &v); return v; }
    napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
    return v;
}

static napi_value make_int(napi_env env, int i) {
    napi_value v;
    napi_create_int32(env, i, &v);
    return v;
}

static bool need_loaded(napi_env env) {
    if (L.handle) return true;
    napi_throw_error(env, "DC1_E_LIBRARY", "libdc1 is not loaded");
    return false;
}

/* ---------------------------------------------------------------------------------------
 * load(path) → { path, version, watch, stop }
 * ------------------------------------------------------------------------------------- */
#define SYM(field, name, required)                                                          \
    do {                                                                                     \
        *(void **)&L.field = dlsym(h, name);                                                 \
        if (!L.field && (required)) {                                                        \
            snprintf(err, sizeof err, "%s does not export %s: not a compatible libdc1", path, \
                     name);                                                                  \
            goto fail;                                                                       \
        }                                                                                    \
    } while (0)

static napi_value js_load(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1], result;
    char err[4600];
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    bool ok;
    char *path = argc ? get_str(env, argv[0], &ok) : NULL;
    if (!path) {
        if (!argc || ok) napi_throw_type_error(env, NULL, "load(path): path required");
        return NULL;
    }
    if (L.handle) { /* already loaded: one library per process */
        free(path);
        goto describe;
    }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, sizeof err, "%s", dlerror());
        free(path);
        napi_throw_error(env, "DC1_E_LIBRARY", err);
        return NULL;
    }
    memset(&L, 0, sizeof L);
    SYM(version, "dc1_version", 1);
    SYM(strerror_, "dc1_strerror", 1);
    SYM(last_error, "dc1_last_error", 1);
    SYM(free_, "dc1_free", 1);
    SYM(client_new, "dc1_client_new", 1);
    SYM(client_free, "dc1_client_free", 1);
    SYM(client_interrupt, "dc1_client_interrupt", 1);
    SYM(client_config, "dc1_client_config", 1);
    SYM(client_set_logger, "dc1_client_set_logger", 1);
    SYM(balance, "dc1_balance", 1);
    SYM(me, "dc1_me", 1);
    SYM(providers_list, "dc1_providers_list", 1);
    SYM(job_submit, "dc1_job_submit", 1);
    SYM(job_get, "dc1_job_get", 1);
    SYM(job_status, "dc1_job_status", 1);
    SYM(job_wait, "dc1_job_wait", 1);
    SYM(job_output, "dc1_job_output", 1);
    SYM(job_save_image, "dc1_job_save_image", 1);
    SYM(job_cancel, "dc1_job_cancel", 1);
    SYM(job_logs, "dc1_job_logs", 1);
    SYM(jobs_history, "dc1_jobs_history", 1);
    SYM(request, "dc1_request", 1);
    SYM(job_logs_stream, "dc1_job_logs_stream", 1);
    SYM(job_status_stream, "dc1_job_status_stream", 1);
    SYM(chat, "dc1_chat", 1);
    SYM(webhook_verify, "dc1_webhook_verify", 1);
    SYM(webhook_parse, "dc1_webhook_parse", 1);
    SYM(webhook_set_url, "dc1_webhook_set_url", 1);
    SYM(webhooks_list, "dc1_webhooks_list", 1);
    SYM(webhook_register, "dc1_webhook_register", 1);
    SYM(webhook_delete, "dc1_webhook_delete", 1);
    SYM(job_watch, "dc1_job_watch", 1);
    SYM(stop_new, "dc1_stop_new", 1);
    SYM(stop_trigger, "dc1_stop_trigger", 1);
    SYM(stop_free, "dc1_stop_free", 1);
    SYM(stop_bind, "dc1_stop_bind", 1);
    SYM(stop_is_triggered, "dc1_stop_is_triggered", 1);
    SYM(models_list, "dc1_models_list", 1);
    SYM(model_get, "dc1_model_get", 1);
    SYM(images_list, "dc1_images_list", 1);
    SYM(templates_list, "dc1_templates_list", 1);
    SYM(template_request, "dc1_template_request", 1);
    SYM(quote, "dc1_quote", 1);
    SYM(usage, "dc1_usage", 1);
    SYM(job_lifecycle, "dc1_job_lifecycle", 1);
    SYM(job_lifecycle_stream, "dc1_job_lifecycle_stream", 1);
    SYM(batch_run, "dc1_batch_run", 1);
    SYM(batch_status, "dc1_batch_status", 1);
    SYM(job_get_with_output, "dc1_job_get_with_output", 1);
    SYM(provider_get, "dc1_provider_get", 1);
    {
        const char *v = L.version();
        if (!v || atoi(v) != DC1_VERSION_MAJOR || v[0] < '0' || v[0] > '9') {
            snprintf(err, sizeof err, "%s is libdc1 %s; this addon needs major version %d", path,
                     v ? v : "?", DC1_VERSION_MAJOR);
            goto fail;
        }
    }
    L.handle = h;
    snprintf(L.path, sizeof L.path, "%s", path);
    free(path);
describe:
    NAPI_OK(napi_create_object(env, &result));
    napi_set_named_property(env, result, "path", make_str(env, L.path));
    napi_set_named_property(env, result, "version", make_str(env, L.version()));
    return result;
fail:
    dlclose(h);
    memset(&L, 0, sizeof L);
    free(path);
    napi_throw_error(env, "DC1_E_LIBRARY", err);
    return NULL;
}

static napi_value js_strerror(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    int32_t rc = 0;
    if (!need_loaded(env)) return NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc) napi_get_value_int32(env, argv[0], &rc);
    return make_str(env, L.strerror_(rc));
}

/* ---------------------------------------------------------------------------------------
 * Channels: a threadsafe function that threads of the addon post to, safe to post to after
 * the Node environment (a Worker's, say) is gone. The function is finalized with its
 * environment; the channel outlives it (reference counted: the environment, and each holder on
 * another thread) and drops what is posted after that.
 * ------------------------------------------------------------------------------------- */
typedef struct {
    pthread_mutex_t mu;
    napi_threadsafe_function tsfn; /* NULL once finalized */
    int refs;
} channel;

static void channel_unref(channel *c) {
    pthread_mutex_lock(&c->mu);
    int left = --c->refs;
    pthread_mutex_unlock(&c->mu);
    if (left == 0) {
        pthread_mutex_destroy(&c->mu);
        free(c);
    }
}

static void channel_ref(channel *c) {
    pthread_mutex_lock(&c->mu);
    c->refs++;
    pthread_mutex_unlock(&c->mu);
}

static void channel_finalize(napi_env env, void *data, void *hint) {
    (void)env; (void)hint;
    channel *c = data;
    pthread_mutex_lock(&c->mu);
    c->tsfn = NULL;
    pthread_mutex_unlock(&c->mu);
    channel_unref(c);
}

/* true when the item was queued for the main thread (it then owns it). */
static bool channel_post(channel *c, void *item) {
    pthread_mutex_lock(&c->mu);
    bool ok = c->tsfn && napi_call_threadsafe_function(c->tsfn, item, napi_tsfn_nonblocking) == napi_ok;
    pthread_mutex_unlock(&c->mu);
    return ok;
}

static channel *channel_new(napi_env env, const char *name, napi_threadsafe_function_call_js call_js) {
    napi_value n;
    channel *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->mu, NULL);
    c->refs = 1; /* the environment's, given back by channel_finalize */
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &n);
    if (napi_create_threadsafe_function(env, NULL, NULL, n, 0, 1, c, channel_finalize, NULL, call_js, &c->tsfn) !=
        napi_ok) {
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    napi_unref_threadsafe_function(env, c->tsfn); /* referenced only while calls are in flight */
    return c;
}

/* ---------------------------------------------------------------------------------------
 * Clients. The box lives until the JavaScript external is finalized and no call is in
 * flight; the C client is freed once the box is closed (clientClose, or the finalizer) and
 * no call is in flight. All of this happens on the main thread.
 * ------------------------------------------------------------------------------------- */
struct env_state;

typedef struct {
    dc1_client *client;
    int calls;      /* calls in flight */
    bool closed;    /* clientClose() or finalized: no new calls */
    bool finalized; /* the external is gone */
    /* The log sink (clientSetLogger): the JavaScript function, and the messages posted to the
     * main thread and not yet delivered (they hold the box). */
    napi_env env;
    napi_ref logger;
    channel *log; /* held while a logger is set */
    atomic_int pending_logs;
} client_box;

static void client_settle(client_box *b) {
    if (b->calls > 0) return;
    if (b->closed && b->client) {
        L.client_free(b->client);
        b->client = NULL;
    }
    if (b->finalized && atomic_load(&b->pending_logs) == 0) {
        if (b->logger) napi_delete_reference(b->env, b->logger);
        if (b->log) channel_unref(b->log);
        free(b);
    }
}

static void client_unref(client_box *b) {
    b->calls--;
    client_settle(b);
}

static void client_finalize(napi_env env, void *data, void *hint) {
    (void)env; (void)hint;
    client_box *b = data;
    b->closed = true;
    b->finalized = true;
    client_settle(b);
}

typedef struct {
    int rc;
    char *out;
    char *last_error;
} call_result;

static napi_value js_client_new(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1], ext;
    bool ok;
    if (!need_loaded(env)) return NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    char *opts = argc ? get_str(env, argv[0], &ok) : NULL;
    if (argc && !ok) return NULL;
    dc1_client *c = NULL;
    int rc = L.client_new(&c, opts);
    free(opts);
    if (rc != DC1_OK) {
        /* Returned, not thrown: JavaScript builds the error class from it. */
        napi_value obj;
        NAPI_OK(napi_create_object(env, &obj));
        napi_set_named_property(env, obj, "rc", make_int(env, rc));
        napi_set_named_property(env, obj, "message", make_str(env, L.last_error()));
        return obj;
    }
    client_box *b = calloc(1, sizeof *b);
    if (!b) { L.client_free(c); napi_throw_error(env, NULL, "out of memory"); return NULL; }
    b->client = c;
    b->env = env;
    atomic_init(&b->pending_logs, 0);
    if (napi_create_external(env, b, client_finalize, NULL, &ext) != napi_ok) {
        L.client_free(c);
        free(b);
        throw_last(env, "napi_create_external");
        return NULL;
    }
    return ext;
}

static client_box *get_client(napi_env env, napi_value v) {
    client_box *b = NULL;
    if (napi_get_value_external(env, v, (void **)&b) != napi_ok || !b) {
        napi_throw_type_error(env, NULL, "dc1 addon: not a client");
        return NULL;
    }
    if (b->closed) {
        napi_throw_error(env, "DC1_E_CLOSED", "the client is closed");
        return NULL;
    }
    return b;
}

static napi_value js_client_close(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    client_box *b = NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&b) != napi_ok || !b)
        return undefined(env);
    if (!b->closed) {
        b->closed = true;
        client_settle(b);
    }
    return undefined(env);
}

/* clientInterrupt(client): ends every call in flight on the client (dc1_client_interrupt). */
static napi_value js_client_interrupt(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    client_box *b = NULL;
    if (!need_loaded(env)) return NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&b) != napi_ok || !b)
        return undefined(env);
    if (!b->closed && b->client) L.client_interrupt(b->client);
    return undefined(env);
}

/* clientConfig(client | null) → [rc, document, message]: dc1_client_config (no I/O, so it
 * runs on the calling thread). null: the core's built-in defaults. */
static napi_value js_client_config(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1], arr;
    napi_valuetype t = napi_null;
    client_box *b = NULL;
    char *out = NULL;
    if (!need_loaded(env)) return NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc) napi_typeof(env, argv[0], &t);
    if (t != napi_null && t != napi_undefined && !(b = get_client(env, argv[0]))) return NULL;
    int rc = L.client_config(b ? b->client : NULL, &out);
    NAPI_OK(napi_create_array_with_length(env, 3, &arr));
    napi_set_element(env, arr, 0, make_int(env, rc));
    napi_set_element(env, arr, 1, make_str(env, out));
    napi_set_element(env, arr, 2, make_str(env, rc ? L.last_error() : NULL));
    if (out) L.free_(out);
    return arr;
}

/* ---------------------------------------------------------------------------------------
 * Stop boxes (one per call that carries an AbortSignal)
 * ------------------------------------------------------------------------------------- */
typedef struct {
    atomic_int stopped;
    dc1_stop *stop; /* NULL with a libdc1 that has no dc1_stop */
    int refs;       /* main thread only */
} stop_box;

static void stop_unref(stop_box *s) {
    if (s && --s->refs == 0) {
        if (s->stop) L.stop_free(s->stop);
        free(s);
    }
}

static void stop_finalize(napi_env env, void *data, void *hint) {
    (void)env; (void)hint;
    stop_unref(data);
}

static napi_value js_stop_new(napi_env env, napi_callback_info info) {
    (void)info;
    napi_value ext;
    if (!need_loaded(env)) return NULL;
    stop_box *s = calloc(1, sizeof *s);
    if (!s) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
    atomic_init(&s->stopped, 0);
    s->refs = 1;
    if (L.stop_new(&s->stop) != DC1_OK) {
        free(s);
        napi_throw_error(env, "DC1_E_NO_MEMORY", "dc1_stop_new failed");
        return NULL;
    }
    if (napi_create_external(env, s, stop_finalize, NULL, &ext) != napi_ok) {
        stop_unref(s);
        throw_last(env, "napi_create_external");
        return NULL;
    }
    return ext;
}

static stop_box *get_stop(napi_env env, napi_value v) {
    napi_valuetype t;
    stop_box *s = NULL;
    if (napi_typeof(env, v, &t) != napi_ok || t != napi_external) return NULL;
    napi_get_value_external(env, v, (void **)&s);
    return s;
}

/* stopTrigger(box): sets the flag event callbacks read and triggers the bound dc1_stop. */
static napi_value js_stop_trigger(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1], r;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    stop_box *s = argc ? get_stop(env, argv[0]) : NULL;
    if (!s) return undefined(env);
    atomic_store(&s->stopped, 1);
    if (s->stop) L.stop_trigger(s->stop);
    napi_get_boolean(env, s->stop != NULL, &r);
    return r;
}

/* Around a call on a worker thread. */
static void bind_stop(stop_box *s) {
    if (s && s->stop) L.stop_bind(s->stop);
}
static void unbind_stop(stop_box *s) {
    if (s && s->stop) L.stop_bind(NULL);
}

/* ---------------------------------------------------------------------------------------
 * Results → JavaScript: resolve with the JSON text, reject with {rc, doc, message}.
 * ------------------------------------------------------------------------------------- */
static void finish_call(napi_env env, napi_deferred d, call_result *r) {
    if (r->rc == DC1_OK && r->out) {
        napi_value s;
        napi_create_string_utf8(env, r->out, NAPI_AUTO_LENGTH, &s);
        napi_resolve_deferred(env, d, s);
    } else {
        napi_value obj;
        napi_create_object(env, &obj);
        napi_set_named_property(env, obj, "rc", make_int(env, r->rc == DC1_OK ? DC1_E_INTERNAL : r->rc));
        napi_set_named_property(env, obj, "doc", make_str(env, r->out));
        napi_set_named_property(env, obj, "message",
                                make_str(env, r->rc == DC1_OK ? "libdc1 returned 0 but no document"
                                                              : r->last_error));
        napi_reject_deferred(env, d, obj);
    }
    if (r->out) L.free_(r->out);
    free(r->last_error);
    r->out = NULL;
    r->last_error = NULL;
}

static void capture(call_result *r) {
    if (r->rc != DC1_OK && !r->out) {
        const char *m = L.last_error();
        r->last_error = strdup(m ? m : "");
    }
}

/* ---------------------------------------------------------------------------------------
 * Short calls: the addon's own worker threads, not libuv's pool. libuv has 4 threads by
 * default and shares them with fs and dns; a call that waits on the network for 20 ms would
 * hold one, so 20 calls at once would run 4 at a time. The pool grows to what is in flight
 * (at most DC1_NODE_THREADS, default 128), reuses idle threads, and lets them go after 60 s
 * idle. Completions come back to the main thread through one threadsafe function per Node
 * environment, referenced only while calls are in flight (so it never keeps a process alive).
 *   call(client, fn, a, b, c, stop) → Promise<string>
 * ------------------------------------------------------------------------------------- */
enum {
    F_BALANCE = 0, F_ME, F_PROVIDERS_LIST, F_JOB_SUBMIT, F_JOB_GET, F_JOB_STATUS, F_JOB_OUTPUT,
    F_JOB_SAVE_IMAGE, F_JOB_CANCEL, F_JOB_LOGS, F_JOBS_HISTORY, F_REQUEST, F_WEBHOOK_SET_URL,
    F_WEBHOOKS_LIST, F_WEBHOOK_REGISTER, F_WEBHOOK_DELETE, F_MODELS_LIST, F_MODEL_GET,
    F_IMAGES_LIST, F_TEMPLATES_LIST, F_TEMPLATE_REQUEST, F_QUOTE, F_USAGE, F_JOB_LIFECYCLE,
    F_BATCH_STATUS, F_JOB_GET_WITH_OUTPUT, F_PROVIDER_GET, F_COUNT
};

typedef struct env_state {
    channel *done; /* completes short calls on the main thread */
    channel *log;  /* carries log messages to the clients' loggers */
    int inflight;  /* main thread only */
} env_state;

typedef struct short_call {
    struct short_call *next;
    env_state *es;    /* main thread only */
    channel *done;    /* the worker thread posts the result here (a reference of its own) */
    napi_deferred deferred;
    client_box *client;
    stop_box *stop;
    int fn;
    char *a, *b, *c;
    call_result r;
} short_call;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    short_call *head, *tail;
    int queued, threads, idle, max;
} P = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, 0, 0};

static void short_execute(short_call *k) {
    dc1_client *c = k->client->client;
    char **out = &k->r.out;
    bind_stop(k->stop);
    switch (k->fn) {
    case F_BALANCE: k->r.rc = L.balance(c, out); break;
    case F_ME: k->r.rc = L.me(c, out); break;
    case F_PROVIDERS_LIST: k->r.rc = L.providers_list(c, k->a, out); break;
    case F_JOB_SUBMIT: k->r.rc = L.job_submit(c, k->a, out); break;
    case F_JOB_GET: k->r.rc = L.job_get(c, k->a, out); break;
    case F_JOB_STATUS: k->r.rc = L.job_status(c, k->a, out); break;
    case F_JOB_OUTPUT: k->r.rc = L.job_output(c, k->a, out); break;
    case F_JOB_SAVE_IMAGE: k->r.rc = L.job_save_image(c, k->a, k->b, out); break;
    case F_JOB_CANCEL: k->r.rc = L.job_cancel(c, k->a, out); break;
    case F_JOB_LOGS: k->r.rc = L.job_logs(c, k->a, k->b, out); break;
    case F_JOBS_HISTORY: k->r.rc = L.jobs_history(c, k->a, out); break;
    case F_REQUEST: k->r.rc = L.request(c, k->a, k->b, k->c, out); break;
    case F_WEBHOOK_SET_URL: k->r.rc = L.webhook_set_url(c, k->a, out); break;
    case F_WEBHOOKS_LIST: k->r.rc = L.webhooks_list(c, out); break;
    case F_WEBHOOK_REGISTER: k->r.rc = L.webhook_register(c, k->a, out); break;
    case F_WEBHOOK_DELETE: k->r.rc = L.webhook_delete(c, k->a, out); break;
    case F_MODELS_LIST: k->r.rc = L.models_list(c, k->a, out); break;
    case F_MODEL_GET: k->r.rc = L.model_get(c, k->a, out); break;
    case F_IMAGES_LIST: k->r.rc = L.images_list(c, out); break;
    case F_TEMPLATES_LIST: k->r.rc = L.templates_list(c, k->a, out); break;
    case F_TEMPLATE_REQUEST: k->r.rc = L.template_request(c, k->a, k->b, out); break;
    case F_QUOTE: k->r.rc = L.quote(c, k->a, out); break;
    case F_USAGE: k->r.rc = L.usage(c, out); break;
    case F_JOB_LIFECYCLE: k->r.rc = L.job_lifecycle(c, k->a, k->b, out); break;
    /* no network I/O and no client needed; on the pool all the same (it reads a file) */
    case F_BATCH_STATUS: k->r.rc = L.batch_status(k->a, out); break;
    case F_JOB_GET_WITH_OUTPUT: k->r.rc = L.job_get_with_output(c, k->a, out); break;
    /* The id travels as a decimal string, like every other argument; the core checks its range. */
    case F_PROVIDER_GET: k->r.rc = L.provider_get(c, k->a ? strtoll(k->a, NULL, 10) : 0, out); break;
    default: k->r.rc = DC1_E_INVALID_ARGUMENT; break;
    }
    capture(&k->r);
    unbind_stop(k->stop);
}

static void *pool_worker(void *unused) {
    (void)unused;
    pthread_mutex_lock(&P.mu);
    for (;;) {
        while (!P.head) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 60;
            P.idle++;
            int e = pthread_cond_timedwait(&P.cv, &P.mu, &until);
            P.idle--;
            if (e != 0 && !P.head) { /* idle for a minute: this thread goes */
                P.threads--;
                pthread_mutex_unlock(&P.mu);
                return NULL;
            }
        }
        short_call *k = P.head;
        P.head = k->next;
        if (!P.head) P.tail = NULL;
        P.queued--;
        pthread_mutex_unlock(&P.mu);
        short_execute(k);
        channel *done = k->done; /* k belongs to the main thread once posted */
        bool posted = channel_post(done, k);
        channel_unref(done);
        if (!posted) {
            /* the environment is going away: nobody to answer; the client box goes with it */
            if (k->r.out) L.free_(k->r.out);
            free(k->r.last_error);
            free(k->a); free(k->b); free(k->c);
            free(k);
        }
        pthread_mutex_lock(&P.mu);
    }
}

/* Queues a call; starts a thread when none is idle for it. Returns false when no thread
 * exists and none could be started. */
static bool pool_submit(short_call *k) {
    pthread_mutex_lock(&P.mu);
    if (!P.max) {
        const char *m = getenv("DC1_NODE_THREADS");
        P.max = m && atoi(m) > 0 ? atoi(m) : 128;
    }
    k->next = NULL;
    if (P.tail) P.tail->next = k; else P.head = k;
    P.tail = k;
    P.queued++;
    bool ok = true;
    if (P.queued > P.idle && P.threads < P.max) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, pool_worker, NULL) == 0) P.threads++;
        else if (P.threads == 0) ok = false;
        pthread_attr_destroy(&attr);
    }
    if (!ok) { /* no thread at all: take it back (it is the only one queued) */
        P.head = P.tail = NULL;
        P.queued = 0;
    }
    pthread_cond_signal(&P.cv);
    pthread_mutex_unlock(&P.mu);
    return ok;
}

static void short_free(napi_env env, short_call *k) {
    env_state *es = k->es;
    client_unref(k->client);
    stop_unref(k->stop);
    free(k->a); free(k->b); free(k->c);
    free(k);
    if (--es->inflight == 0) napi_unref_threadsafe_function(env, es->done->tsfn);
}

static void short_done_js(napi_env env, napi_value js_cb, void *context, void *data) {
    (void)js_cb; (void)context;
    short_call *k = data;
    if (!k) return;
    if (!env) { /* teardown */
        if (k->r.out) L.free_(k->r.out);
        free(k->r.last_error);
        free(k->a); free(k->b); free(k->c);
        free(k);
        return;
    }
    finish_call(env, k->deferred, &k->r);
    short_free(env, k);
}

static void env_state_free(napi_env env, void *data, void *hint) {
    (void)env; (void)hint;
    free(data); /* the channels' functions are finalized with the environment (channel_finalize) */
}

static env_state *get_env_state(napi_env env) {
    env_state *es = NULL;
    napi_get_instance_data(env, (void **)&es);
    return es;
}

/* ---------------------------------------------------------------------------------------
 * Log sinks. libdc1 calls on_log on the thread making the call; the message is copied and
 * posted to the main thread, where the client's JavaScript logger(level, message) gets it. A
 * logger that throws is ignored (logging never breaks a call).
 *   clientSetLogger(client, fn | null, minLevel)
 * ------------------------------------------------------------------------------------- */
typedef struct {
    client_box *box;
    int level;
    char *message;
} log_item;

static void on_log(void *user, int level, const char *message) {
    client_box *b = user;
    log_item *it = malloc(sizeof *it);
    if (!it) return;
    it->box = b;
    it->level = level;
    it->message = strdup(message ? message : "");
    atomic_fetch_add(&b->pending_logs, 1);
    if (!it->message || !channel_post(b->log, it)) {
        atomic_fetch_sub(&b->pending_logs, 1);
        free(it->message);
        free(it);
    }
}

static void log_js(napi_env env, napi_value js_cb, void *context, void *data) {
    (void)js_cb; (void)context;
    log_item *it = data;
    if (!it) return;
    if (env) { /* at teardown (env NULL) the box may be gone: only the item is freed */
        client_box *b = it->box;
        napi_value fn = NULL, global, argv[2], ignored;
        if (b->logger && napi_get_reference_value(env, b->logger, &fn) == napi_ok && fn) {
            napi_get_global(env, &global);
            argv[0] = make_int(env, it->level);
            argv[1] = make_str(env, it->message);
            if (napi_call_function(env, global, fn, 2, argv, NULL) != napi_ok) {
                bool pending = false;
                napi_is_exception_pending(env, &pending);
                if (pending) napi_get_and_clear_last_exception(env, &ignored);
            }
        }
        atomic_fetch_sub(&b->pending_logs, 1);
        client_settle(b);
    }
    free(it->message);
    free(it);
}

static napi_value js_client_set_logger(napi_env env, napi_callback_info info) {
    size_t argc = 3;
    napi_value argv[3];
    int32_t min_level = DC1_LOG_INFO;
    napi_valuetype t = napi_undefined;
    if (!need_loaded(env)) return NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 2) { napi_throw_type_error(env, NULL, "clientSetLogger(client, fn, minLevel)"); return NULL; }
    client_box *b = get_client(env, argv[0]);
    if (!b) return NULL;
    env_state *es = get_env_state(env);
    if (!es) { napi_throw_error(env, NULL, "dc1 addon: not initialised"); return NULL; }
    napi_typeof(env, argv[1], &t);
    if (argc > 2) napi_get_value_int32(env, argv[2], &min_level);
    if (b->logger) {
        napi_delete_reference(env, b->logger);
        b->logger = NULL;
    }
    int rc;
    if (t == napi_function) {
        NAPI_OK(napi_create_reference(env, argv[1], 1, &b->logger));
        if (!b->log) {
            b->log = es->log;
            channel_ref(b->log);
        }
        rc = L.client_set_logger(b->client, on_log, b, min_level);
    } else {
        rc = L.client_set_logger(b->client, NULL, NULL, min_level);
    }
    return make_int(env, rc);
}

static napi_value js_call(napi_env env, napi_callback_info info) {
    size_t argc = 6;
    napi_value argv[6], promise;
    int32_t fn = -1;
    bool ok = true;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 2) { napi_throw_type_error(env, NULL, "call(client, fn, …)"); return NULL; }
    env_state *es = get_env_state(env);
    if (!es) { napi_throw_error(env, NULL, "dc1 addon: not initialised"); return NULL; }
    client_box *cb = get_client(env, argv[0]);
    if (!cb) return NULL;
    napi_get_value_int32(env, argv[1], &fn);
    if (fn < 0 || fn >= F_COUNT) { napi_throw_range_error(env, NULL, "unknown function"); return NULL; }
    short_call *k = calloc(1, sizeof *k);
    if (!k) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
    k->fn = fn;
    k->es = es;
    if (argc > 2) k->a = get_str(env, argv[2], &ok);
    if (ok && argc > 3) k->b = get_str(env, argv[3], &ok);
    if (ok && argc > 4) k->c = get_str(env, argv[4], &ok);
    if (!ok) { free(k->a); free(k->b); free(k->c); free(k); return NULL; }
    k->stop = argc > 5 ? get_stop(env, argv[5]) : NULL;
    if (napi_create_promise(env, &k->deferred, &promise) != napi_ok) {
        free(k->a); free(k->b); free(k->c); free(k);
        throw_last(env, "napi_create_promise");
        return NULL;
    }
    k->client = cb;
    cb->calls++;
    if (k->stop) k->stop->refs++;
    if (es->inflight++ == 0) napi_ref_threadsafe_function(env, es->done->tsfn);
    k->done = es->done;
    channel_ref(k->done);
    if (!pool_submit(k)) {
        k->r.rc = DC1_E_NO_MEMORY;
        k->r.last_error = strdup("could not start a thread for the call");
        finish_call(env, k->deferred, &k->r);
        channel_unref(k->done); /* no worker thread will post it */
        short_free(env, k);
    }
    return promise;
}

/* ---------------------------------------------------------------------------------------
 * Long calls: a thread per call, events and the end through a threadsafe function.
 *   start(client, kind, a, b, stop, onEvent, ticks) → Promise<string>
 * ------------------------------------------------------------------------------------- */
enum { K_WATCH = 0, K_LOGS_STREAM, K_STATUS_STREAM, K_CHAT, K_LIFECYCLE_STREAM, K_BATCH, K_COUNT };

typedef struct {
    napi_threadsafe_function tsfn;
    napi_deferred deferred;
    client_box *client;
    stop_box *stop;
    int kind;
    bool forward; /* deliver events to JavaScript */
    bool ticks;   /* …the "tick" events too (progress displays draw from them) */
    char *a, *b;
    call_result r;
    pthread_t thread;
    bool has_thread;
} long_call;

typedef struct {
    int done; /* 0: an event (text), 1: the end */
    char *text;
} long_item;

static int on_event(void *user, const char *event_json) {
    long_call *k = user;
    if (atomic_load(&k->stop->stopped)) return 1;
    if (k->stop->stop && L.stop_is_triggered(k->stop->stop)) return 1;
    if (!k->forward || !event_json) return 0;
    /* Ticks exist so that this callback runs while nothing happens; they reach JavaScript
     * only when it draws progress from them. */
    if (!k->ticks && strstr(event_json, "\"type\":\"tick\"")) return 0;
    long_item *it = malloc(sizeof *it);
    if (!it) return 0;
    it->done = 0;
    it->text = strdup(event_json);
    if (!it->text || napi_call_threadsafe_function(k->tsfn, it, napi_tsfn_nonblocking) != napi_ok) {
        free(it->text);
        free(it);
    }
    return 0;
}

static void *long_thread(void *data) {
    long_call *k = data;
    dc1_client *c = k->client->client;
    char **out = &k->r.out;
    bind_stop(k->stop);
    switch (k->kind) {
    case K_WATCH:
        k->r.rc = L.job_watch(c, k->a, k->b, on_event, k, out);
        break;
    case K_LOGS_STREAM: k->r.rc = L.job_logs_stream(c, k->a, k->b, on_event, k, out); break;
    case K_STATUS_STREAM: k->r.rc = L.job_status_stream(c, k->a, k->b, on_event, k, out); break;
    case K_CHAT: k->r.rc = L.chat(c, k->a, k->forward ? on_event : NULL, k, out); break;
    case K_LIFECYCLE_STREAM: k->r.rc = L.job_lifecycle_stream(c, k->a, k->b, on_event, k, out); break;
    case K_BATCH: k->r.rc = L.batch_run(c, k->a, k->b, on_event, k, out); break;
    default: k->r.rc = DC1_E_INVALID_ARGUMENT;
    }
    capture(&k->r);
    unbind_stop(k->stop);
    long_item *it = malloc(sizeof *it);
    if (it) {
        it->done = 1;
        it->text = NULL;
        if (napi_call_threadsafe_function(k->tsfn, it, napi_tsfn_blocking) != napi_ok) free(it);
    }
    napi_release_threadsafe_function(k->tsfn, napi_tsfn_release);
    return NULL;
}

static void long_call_js(napi_env env, napi_value js_cb, void *context, void *data) {
    long_call *k = context;
    long_item *it = data;
    if (!it) return;
    if (env && !it->done && js_cb) {
        napi_value arg = make_str(env, it->text), global;
        napi_get_global(env, &global);
        napi_call_function(env, global, js_cb, 1, &arg, NULL);
    } else if (env && it->done) {
        finish_call(env, k->deferred, &k->r);
        k->deferred = NULL;
    }
    free(it->text);
    free(it);
}

static void long_finalize(napi_env env, void *data, void *hint) {
    (void)env; (void)hint;
    long_call *k = data;
    /* Normally the thread has ended (it released the function last). At an environment's
     * teardown (a Worker terminated) it may still run: stop it, then wait for it. */
    atomic_store(&k->stop->stopped, 1);
    if (k->stop->stop) L.stop_trigger(k->stop->stop);
    if (k->has_thread) pthread_join(k->thread, NULL);
    if (k->r.out) L.free_(k->r.out);
    free(k->r.last_error);
    client_unref(k->client);
    stop_unref(k->stop);
    free(k->a); free(k->b);
    free(k);
}

static napi_value js_start(napi_env env, napi_callback_info info) {
    size_t argc = 7;
    napi_value argv[7], promise, name, cbv = NULL;
    int32_t kind = -1;
    bool ticks = false;
    bool ok = true;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 5) { napi_throw_type_error(env, NULL, "start(client, kind, a, b, stop, onEvent)"); return NULL; }
    client_box *cb = get_client(env, argv[0]);
    if (!cb) return NULL;
    napi_get_value_int32(env, argv[1], &kind);
    if (kind < 0 || kind >= K_COUNT) { napi_throw_range_error(env, NULL, "unknown kind"); return NULL; }
    if (argc > 5) {
        napi_valuetype t;
        napi_typeof(env, argv[5], &t);
        if (t == napi_function) cbv = argv[5];
    }
    if (argc > 6) napi_get_value_bool(env, argv[6], &ticks);
    long_call *k = calloc(1, sizeof *k);
    if (!k) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
    k->kind = kind;
    k->forward = cbv != NULL;
    k->ticks = ticks;
    k->a = get_str(env, argv[2], &ok);
    if (ok) k->b = get_str(env, argv[3], &ok);
    if (!ok) { free(k->a); free(k->b); free(k); return NULL; }
    k->stop = get_stop(env, argv[4]);
    bool own_stop = false;
    if (!k->stop) { /* callbacks need a flag to read; a private one nobody triggers */
        k->stop = calloc(1, sizeof *k->stop);
        if (!k->stop) { free(k->a); free(k->b); free(k); napi_throw_error(env, NULL, "out of memory"); return NULL; }
        atomic_init(&k->stop->stopped, 0);
        own_stop = true;
    }
    napi_create_string_utf8(env, "dc1-stream", NAPI_AUTO_LENGTH, &name);
    if (napi_create_promise(env, &k->deferred, &promise) != napi_ok) {
        if (own_stop) free(k->stop);
        free(k->a); free(k->b); free(k);
        throw_last(env, "napi_create_promise");
        return NULL;
    }
    k->client = cb;
    cb->calls++;
    k->stop->refs++;
    if (own_stop) k->stop->refs = 1;
    if (napi_create_threadsafe_function(env, cbv, NULL, name, 0, 1, k, long_finalize, k, long_call_js,
                                        &k->tsfn) != napi_ok) {
        client_unref(cb);
        stop_unref(k->stop);
        free(k->a); free(k->b); free(k);
        throw_last(env, "napi_create_threadsafe_function");
        return NULL;
    }
    int e = pthread_create(&k->thread, NULL, long_thread, k);
    k->has_thread = e == 0;
    if (e != 0) {
        /* No thread: end the call here (the finalizer must not join). */
        k->r.rc = DC1_E_NO_MEMORY;
        k->r.last_error = strdup("could not start a thread for the call");
        finish_call(env, k->deferred, &k->r);
        napi_release_threadsafe_function(k->tsfn, napi_tsfn_abort);
        return promise;
    }
    return promise;
}

/* ---------------------------------------------------------------------------------------
 * Webhooks (no I/O: synchronous)
 * ------------------------------------------------------------------------------------- */
static bool get_bytes(napi_env env, napi_value v, char **data, size_t *len, bool *owned) {
    bool isbuf = false;
    *owned = false;
    napi_is_buffer(env, v, &isbuf);
    if (isbuf) {
        void *p;
        napi_get_buffer_info(env, v, &p, len);
        *data = p;
        return true;
    }
    bool ok;
    *data = get_str(env, v, &ok);
    if (!ok) return false;
    *owned = true;
    *len = *data ? strlen(*data) : 0;
    return true;
}

static napi_value js_webhook_verify(napi_env env, napi_callback_info info) {
    size_t argc = 3;
    napi_value argv[3];
    bool ok1, ok2, owned;
    if (!need_loaded(env)) return NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 3) { napi_throw_type_error(env, NULL, "webhookVerify(secret, signature, body)"); return NULL; }
    char *secret = get_str(env, argv[0], &ok1);
    char *sig = ok1 ? get_str(env, argv[1], &ok2) : NULL;
    char *body = NULL;
    size_t len = 0;
    if (!ok1 || !ok2 || !get_bytes(env, argv[2], &body, &len, &owned)) { free(secret); free(sig); return NULL; }
    int rc = L.webhook_verify(secret, sig, len ? body : (body ? body : ""), len);
    free(secret); free(sig);
    if (owned) free(body);
    return make_int(env, rc);
}

static napi_value js_webhook_parse(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1], arr;
    bool owned;
    char *body = NULL, *out = NULL;
    size_t len = 0;
    if (!need_loaded(env)) return NULL;
    NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    if (argc < 1 || !get_bytes(env, argv[0], &body, &len, &owned)) return NULL;
    int rc = L.webhook_parse(body ? body : "", len, &out);
    if (owned) free(body);
    NAPI_OK(napi_create_array_with_length(env, 3, &arr));
    napi_set_element(env, arr, 0, make_int(env, rc));
    napi_set_element(env, arr, 1, make_str(env, out));
    napi_set_element(env, arr, 2, make_str(env, rc ? L.last_error() : NULL));
    if (out) L.free_(out);
    return arr;
}

/* ---------------------------------------------------------------------------------------
 * Module
 * ------------------------------------------------------------------------------------- */
static napi_value init(napi_env env, napi_value exports) {
    /* Never unmapped: Node dlcloses an addon when the last environment that loaded it (a
     * Worker's) goes away, but the addon's threads (the worker pool, a call still running in
     * libdc1) may be inside its code then. RTLD_NOLOAD|RTLD_NODELETE pins the loaded copy. */
    static int pinned;
    if (!pinned) {
        Dl_info self;
        if (dladdr((void *)init, &self) && self.dli_fname) pinned = dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != NULL;
    }
    env_state *es = calloc(1, sizeof *es);
    if (!es) return NULL;
    es->done = channel_new(env, "dc1-call", short_done_js);
    es->log = channel_new(env, "dc1-log", log_js);
    if (!es->done || !es->log) return NULL; /* out of memory at load: nothing to clean up for */
    napi_set_instance_data(env, es, env_state_free, NULL);
    napi_property_descriptor props[] = {
        {"load", NULL, js_load, NULL, NULL, NULL, napi_default, NULL},
        {"strerror", NULL, js_strerror, NULL, NULL, NULL, napi_default, NULL},
        {"clientNew", NULL, js_client_new, NULL, NULL, NULL, napi_default, NULL},
        {"clientClose", NULL, js_client_close, NULL, NULL, NULL, napi_default, NULL},
        {"clientInterrupt", NULL, js_client_interrupt, NULL, NULL, NULL, napi_default, NULL},
        {"clientConfig", NULL, js_client_config, NULL, NULL, NULL, napi_default, NULL},
        {"clientSetLogger", NULL, js_client_set_logger, NULL, NULL, NULL, napi_default, NULL},
        {"stopNew", NULL, js_stop_new, NULL, NULL, NULL, napi_default, NULL},
        {"stopTrigger", NULL, js_stop_trigger, NULL, NULL, NULL, napi_default, NULL},
        {"call", NULL, js_call, NULL, NULL, NULL, napi_default, NULL},
        {"start", NULL, js_start, NULL, NULL, NULL, napi_default, NULL},
        {"webhookVerify", NULL, js_webhook_verify, NULL, NULL, NULL, napi_default, NULL},
        {"webhookParse", NULL, js_webhook_parse, NULL, NULL, NULL, napi_default, NULL},
    };
    if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
    napi_value fns;
    napi_create_object(env, &fns);
    static const char *const fnames[F_COUNT] = {
        "balance", "me", "providers_list", "job_submit", "job_get", "job_status", "job_output",
        "job_save_image", "job_cancel", "job_logs", "jobs_history", "request", "webhook_set_url",
        "webhooks_list", "webhook_register", "webhook_delete", "models_list", "model_get",
        "images_list", "templates_list", "template_request", "quote", "usage", "job_lifecycle",
        "batch_status", "job_get_with_output", "provider_get"};
    for (int i = 0; i < F_COUNT; i++) napi_set_named_property(env, fns, fnames[i], make_int(env, i));
    napi_set_named_property(env, exports, "fn", fns);
    napi_value kinds;
    napi_create_object(env, &kinds);
    static const char *const knames[K_COUNT] = {"watch",          "logs_stream", "status_stream",
                                                "chat",           "lifecycle_stream", "batch"};
    for (int i = 0; i < K_COUNT; i++) napi_set_named_property(env, kinds, knames[i], make_int(env, i));
    napi_set_named_property(env, exports, "kind", kinds);
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
