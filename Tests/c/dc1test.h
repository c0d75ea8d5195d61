/* A tiny test harness for the C suites: each check prints one TAP-like line; the runner
 * (Tests/run_c_tests.py) starts the emulator and counts the lines. */
#ifndef DC1TEST_H
#define DC1TEST_H
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dc1.h"

static int t_passed, t_failed;

#define CHECK(cond, ...) do { \
    if (cond) { t_passed++; printf("ok - "); } \
    else { t_failed++; printf("not ok - %s:%d: ", __FILE__, __LINE__); } \
    printf(__VA_ARGS__); printf("\n"); fflush(stdout); } while (0)

#define TEST_DONE() do { printf("%d passed, %d failed\n", t_passed, t_failed); return t_failed ? 1 : 0; } while (0)

/* Parses out and frees it; returns a new reference (or NULL). */
static inline json_t *take_json(char *out) {
    if (!out) return NULL;
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    dc1_free(out);
    return j;
}

static inline const char *jstr(json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}
static inline long long jint(json_t *o, const char *k) {
    return (long long)json_integer_value(json_object_get(o, k));
}

/* A client on the emulator named by DC1_BASE_URL / DC1_API_KEY, with extra options. */
static inline dc1_client *test_client(const char *extra_options) {
    dc1_client *c = NULL;
    int rc = dc1_client_new(&c, extra_options);
    if (rc != DC1_OK) { fprintf(stderr, "client_new: %s\n", dc1_last_error()); exit(2); }
    return c;
}

/* The control-API path with the emulator's token (env DC1_EMULATOR_TOKEN, set by
 * Tests/run_c_tests.py) as a token query parameter: dc1_request sends no custom headers. */
static inline const char *control_path(const char *path, char *buf, size_t size) {
    const char *token = getenv("DC1_EMULATOR_TOKEN");
    if (!token || !*token) return path;
    snprintf(buf, size, "%s%ctoken=%s", path, strchr(path, '?') ? '&' : '?', token);
    return buf;
}

/* Calls the emulator's control API; aborts the test program on failure. */
static inline json_t *control(dc1_client *c, const char *method, const char *path, const char *body) {
    char *out = NULL;
    char buf[1024];
    int rc = dc1_request(c, method, control_path(path, buf, sizeof buf), body, &out);
    if (rc != DC1_OK) { fprintf(stderr, "control %s %s: %s\n", method, path, out ? out : dc1_last_error()); exit(2); }
    json_t *j = take_json(out);
    json_t *b = json_incref(json_object_get(j, "body"));
    json_decref(j);
    return b;
}

static inline void control_ok(dc1_client *c, const char *method, const char *path, const char *body) {
    json_decref(control(c, method, path, body));
}

/* Submits and returns the job_id (malloc'd), or NULL. */
static inline char *submit_job(dc1_client *c, const char *request) {
    char *out = NULL;
    int rc = dc1_job_submit(c, request, &out);
    if (rc != DC1_OK) { fprintf(stderr, "submit: %s\n", out ? out : dc1_last_error()); dc1_free(out); return NULL; }
    json_t *j = take_json(out);
    char *id = strdup(jstr(json_object_get(j, "job"), "job_id"));
    json_decref(j);
    return id;
}

/* The emulator's request count for a route pattern, e.g. "GET /api/renters/balance". */
static inline long long route_count(dc1_client *c, const char *route) {
    json_t *b = control(c, "GET", "/__emulator/counters", NULL);
    long long n = (long long)json_integer_value(json_object_get(json_object_get(b, "requests"), route));
    json_decref(b);
    return n;
}

static inline long long jobs_created(dc1_client *c) {
    json_t *b = control(c, "GET", "/__emulator/counters", NULL);
    long long n = (long long)json_integer_value(json_object_get(b, "jobs_created"));
    json_decref(b);
    return n;
}

/* Injects a fault (a JSON object per docs/emulator.md). */
static inline void fault(dc1_client *c, const char *spec) { control_ok(c, "POST", "/__emulator/faults", spec); }

/* Runs a call and returns rc; the error/result document is parsed into *doc (may be NULL). */
#define CALL(doc, expr) ({ char *out = NULL; int rc__ = (expr); *(doc) = take_json(out); rc__; })

/* A thread body that interrupts a client after a delay (pthread_create(…, interrupt_later, &arg)). */
struct interrupt_arg { dc1_client *c; int delay_ms; };
static inline void *interrupt_later(void *p) {
    struct interrupt_arg *a = p;
    struct timespec ts = { a->delay_ms / 1000, (long)(a->delay_ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
    dc1_client_interrupt(a->c);
    return NULL;
}

static inline long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
#endif
