/* check-threads: 16 threads share one client, each submitting, polling and cancelling.
 * Built with -fsanitize=thread against a ThreadSanitizer build of libdc1. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dc1.h"

#define THREADS 16
#define ROUNDS 3
static dc1_client *client;
static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what, int rc) {
    pthread_mutex_lock(&lock);
    failures++;
    fprintf(stderr, "%s: %s %s\n", what, dc1_strerror(rc), dc1_last_error());
    pthread_mutex_unlock(&lock);
}

static char *job_id_of(const char *doc) {
    const char *p = strstr(doc, "\"job_id\":\"");
    if (!p) return NULL;
    p += 10;
    const char *e = strchr(p, '"');
    return e ? strndup(p, (size_t)(e - p)) : NULL;
}

static void *worker(void *arg) {
    long n = (long)arg;
    for (int r = 0; r < ROUNDS; r++) {
        char req[256], *out = NULL;
        snprintf(req, sizeof req, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,"
                 "\"params\":{\"prompt\":\"%s thread %ld round %d\"}}", (n + r) % 3 == 0 ? "SLOW" : "hello", n, r);
        int rc = dc1_job_submit(client, req, &out);
        if (rc != DC1_OK) { fail("submit", rc); dc1_free(out); continue; }
        char *id = job_id_of(out);
        dc1_free(out);
        for (int i = 0; i < 3; i++) {
            out = NULL;
            rc = dc1_job_status(client, id, &out);
            if (rc != DC1_OK) fail("status", rc);
            dc1_free(out);
        }
        out = NULL;
        rc = dc1_job_cancel(client, id, &out);
        if (rc != DC1_OK && rc != DC1_E_VALIDATION) fail("cancel", rc);   /* 400 when it already completed */
        dc1_free(out);
        out = NULL;
        rc = dc1_balance(client, &out);
        if (rc != DC1_OK) fail("balance", rc);
        dc1_free(out);
        free(id);
    }
    return NULL;
}

int main(void) {
    if (dc1_client_new(&client, "{\"timeout_ms\":60000}") != DC1_OK) { fprintf(stderr, "%s\n", dc1_last_error()); return 2; }
    /* 48 submits in a second would trip the 20/min submit limiter; this test is about threads. */
    char *out = NULL;
    /* The control API wants the emulator's token; dc1_request sends no custom header, so ?token=. */
    char control_path[256];
    const char *token = getenv("DC1_EMULATOR_TOKEN");
    snprintf(control_path, sizeof control_path, "/__emulator/ratelimit%s%s", token && *token ? "?token=" : "",
             token && *token ? token : "");
    if (dc1_request(client, "POST", control_path, "{\"enabled\":false}", &out) != DC1_OK) {
        fprintf(stderr, "emulator control: %s\n", dc1_last_error());
        return 2;
    }
    dc1_free(out);
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    dc1_client_free(client);
    printf("%d threads x %d rounds: %d failures\n", THREADS, ROUNDS, failures);
    printf("%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
    return failures ? 1 : 0;
}
