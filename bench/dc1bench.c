/* dc1bench — the libdc1 side of bench/run.py. Every mode prints one JSON line on stdout.
 *
 *   dc1bench get      BASE KEY JOB CALLS WARMUP [CA]   dc1_job_get in a loop, one client
 *   dc1bench loop     BASE KEY JOB CALLS WARMUP        the same for callgrind: only run_loop()
 *                                                     is measured (--toggle-collect=run_loop)
 *   dc1bench threads  BASE KEY JOB THREADS MS          THREADS threads share one client for MS ms
 *   dc1bench save     BASE KEY JOB PATH [CA]           dc1_job_save_image once: time, peak RSS (VmHWM)
 *   dc1bench wait     BASE KEY JOBS MODE               submit JOBS llm_inference jobs, then
 *                                                     dc1_job_wait on each (one thread per job);
 *                                                     MODE poll | stream
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dc1.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* From /proc/self/status: VmRSS (now) or VmHWM (this process image's peak). getrusage's
 * ru_maxrss is not used: Linux carries it across exec, so it would report the peak of the
 * (large) Python parent that forked us. */
static long status_kb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0) kb = atol(line + n);
    if (f) fclose(f);
    return kb;
}
static long rss_kb(void) { return status_kb("VmRSS:"); }
static long maxrss_kb(void) { return status_kb("VmHWM:"); }

static dc1_client *make_client(const char *base, const char *key, const char *ca) {
    char opts[2048];
    if (ca && *ca)
        snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"api_key\":\"%s\",\"ca_path\":\"%s\"}", base, key, ca);
    else
        snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"api_key\":\"%s\"}", base, key);
    dc1_client *c = NULL;
    if (dc1_client_new(&c, opts) != DC1_OK) {
        fprintf(stderr, "dc1_client_new: %s\n", dc1_last_error());
        exit(2);
    }
    return c;
}

static void get_or_die(dc1_client *c, const char *job) {
    char *out = NULL;
    int rc = dc1_job_get(c, job, &out);
    if (rc != DC1_OK) {
        fprintf(stderr, "dc1_job_get: %s (%s)\n", dc1_last_error(), out ? out : "");
        exit(3);
    }
    dc1_free(out);
}

/* Kept out of line so that callgrind can count exactly the calls (--toggle-collect=run_loop). */
__attribute__((noinline)) void run_loop(dc1_client *c, const char *job, long calls) {
    for (long i = 0; i < calls; i++) get_or_die(c, job);
}

static int mode_get(int argc, char **argv, int timed) {
    if (argc < 7) return 64;
    const char *base = argv[2], *key = argv[3], *job = argv[4];
    long calls = atol(argv[5]), warm = atol(argv[6]);
    dc1_client *c = make_client(base, key, argc > 7 ? argv[7] : NULL);
    for (long i = 0; i < warm; i++) get_or_die(c, job);
    double t0 = now_s();
    run_loop(c, job, calls);
    double dt = now_s() - t0;
    dc1_client_free(c);
    if (timed) printf("{\"calls\":%ld,\"seconds\":%.6f}\n", calls, dt);
    else printf("{\"calls\":%ld}\n", calls);
    return 0;
}

struct thread_arg {
    dc1_client *c;
    const char *job;
    double until;
    long calls;
    long errors;
    pthread_barrier_t *start;
};

static void *thread_main(void *p) {
    struct thread_arg *a = p;
    pthread_barrier_wait(a->start);
    while (now_s() < a->until) {
        for (int k = 0; k < 16; k++) {
            char *out = NULL;
            if (dc1_job_get(a->c, a->job, &out) != DC1_OK) a->errors++;
            else a->calls++;
            dc1_free(out);
        }
    }
    return NULL;
}

static int mode_threads(int argc, char **argv) {
    if (argc < 7) return 64;
    const char *base = argv[2], *key = argv[3], *job = argv[4];
    int n = atoi(argv[5]);
    double ms = atof(argv[6]);
    dc1_client *c = make_client(base, key, NULL);
    /* Warm up one pooled connection per thread (each call borrows its own handle). */
    for (int i = 0; i < n; i++) get_or_die(c, job);
    pthread_t th[64];
    struct thread_arg args[64];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, (unsigned)n + 1);
    double until = now_s() + 0.05 + ms / 1000.0;
    for (int i = 0; i < n; i++) {
        args[i] = (struct thread_arg){c, job, until, 0, 0, &bar};
        pthread_create(&th[i], NULL, thread_main, &args[i]);
    }
    pthread_barrier_wait(&bar);
    double t0 = now_s();
    long calls = 0, errors = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        calls += args[i].calls;
        errors += args[i].errors;
    }
    double dt = now_s() - t0;
    dc1_client_free(c);
    printf("{\"threads\":%d,\"calls\":%ld,\"errors\":%ld,\"seconds\":%.6f}\n", n, calls, errors, dt);
    return errors ? 4 : 0;
}

static int mode_save(int argc, char **argv) {
    if (argc < 6) return 64;
    const char *base = argv[2], *key = argv[3], *job = argv[4], *path = argv[5];
    dc1_client *c = make_client(base, key, argc > 6 ? argv[6] : NULL);
    long rss0 = rss_kb(), peak0 = maxrss_kb();
    char *out = NULL;
    double t0 = now_s();
    int rc = dc1_job_save_image(c, job, path, &out);
    double dt = now_s() - t0;
    long peak1 = maxrss_kb();
    if (rc != DC1_OK) {
        fprintf(stderr, "dc1_job_save_image: %s (%s)\n", dc1_last_error(), out ? out : "");
        return 3;
    }
    printf("{\"seconds\":%.6f,\"rss_before_kb\":%ld,\"maxrss_before_kb\":%ld,\"maxrss_kb\":%ld,\"out\":%s}\n",
           dt, rss0, peak0, peak1, out);
    dc1_free(out);
    dc1_client_free(c);
    return 0;
}

struct wait_arg {
    dc1_client *c;
    char id[128];
    const char *opts;
    int rc;
    char status[32];
};

static void *wait_main(void *p) {
    struct wait_arg *a = p;
    char *out = NULL;
    a->rc = dc1_job_wait(a->c, a->id, a->opts, &out);
    const char *s = out ? strstr(out, "\"status\":\"") : NULL;
    if (s) snprintf(a->status, sizeof a->status, "%.*s", (int)(strchr(s + 10, '"') - (s + 10)), s + 10);
    if (a->rc != DC1_OK) fprintf(stderr, "dc1_job_wait %s: %s\n", a->id, dc1_last_error());
    dc1_free(out);
    return NULL;
}

static int mode_wait(int argc, char **argv) {
    if (argc < 6) return 64;
    const char *base = argv[2], *key = argv[3];
    int n = atoi(argv[4]);
    int stream = strcmp(argv[5], "stream") == 0;
    const char *opts = stream ? "{\"use_stream\":true,\"timeout_ms\":120000}"
                              : "{\"use_stream\":false,\"poll_interval_ms\":1000,\"timeout_ms\":120000}";
    if (n > 64) n = 64;
    dc1_client *c = make_client(base, key, NULL);
    struct wait_arg args[64];
    pthread_t th[64];
    for (int i = 0; i < n; i++) {
        char *out = NULL;
        if (dc1_job_submit(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,"
                              "\"params\":{\"prompt\":\"benchmark wait\"}}", &out) != DC1_OK) {
            fprintf(stderr, "dc1_job_submit: %s\n", dc1_last_error());
            return 3;
        }
        const char *p = strstr(out, "\"job_id\":\"") + 10;
        memset(&args[i], 0, sizeof args[i]);
        args[i].c = c;
        args[i].opts = opts;
        snprintf(args[i].id, sizeof args[i].id, "%.*s", (int)(strchr(p, '"') - p), p);
        dc1_free(out);
    }
    double t0 = now_s();
    for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, wait_main, &args[i]);
    int failed = 0, completed = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        if (args[i].rc != DC1_OK) failed++;
        if (strcmp(args[i].status, "completed") == 0) completed++;
    }
    double dt = now_s() - t0;
    dc1_client_free(c);
    printf("{\"jobs\":%d,\"completed\":%d,\"failed\":%d,\"seconds\":%.6f}\n", n, completed, failed, dt);
    return failed ? 4 : 0;
}

int main(int argc, char **argv) {
    if (argc < 2) return 64;
    const char *m = argv[1];
    int rc = 64;
    if (!strcmp(m, "get")) rc = mode_get(argc, argv, 1);
    else if (!strcmp(m, "loop")) rc = mode_get(argc, argv, 0);
    else if (!strcmp(m, "threads")) rc = mode_threads(argc, argv);
    else if (!strcmp(m, "save")) rc = mode_save(argc, argv);
    else if (!strcmp(m, "wait")) rc = mode_wait(argc, argv);
    if (rc == 64) fprintf(stderr, "usage: see the comment at the top of bench/dc1bench.c\n");
    return rc;
}
