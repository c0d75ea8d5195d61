/* curlbench — the practical limit: a plain C loop of libcurl with one reused easy handle
 * (so one keep-alive connection) plus jansson parsing of every body, as a careful C
 * programmer would write it by hand. The same request as libdc1's dc1_job_get: GET with
 * the key header and Accept: application/json. Prints one JSON line.
 *
 *   curlbench get  URL KEY CALLS WARMUP [CA]
 *   curlbench loop URL KEY CALLS WARMUP        for callgrind (--toggle-collect=run_loop)
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct buf {
    char *data;
    size_t len, cap;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
    struct buf *b = ud;
    size_t add = size * n;
    if (b->len + add > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16384;
        while (cap < b->len + add) cap *= 2;
        char *nd = realloc(b->data, cap);
        if (!nd) return 0;
        b->data = nd;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, add);
    b->len += add;
    return add;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static CURL *h;
static struct buf body;

static void one_call(void) {
    body.len = 0;
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "curl: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
        exit(3);
    }
    json_error_t err;
    json_t *doc = json_loadb(body.data, body.len, 0, &err);
    json_t *job = doc ? json_object_get(doc, "job") : NULL;
    if (!job || !json_string_value(json_object_get(job, "status"))) {
        fprintf(stderr, "bad document: %s\n", err.text);
        exit(3);
    }
    json_decref(doc);
}

__attribute__((noinline)) void run_loop(long calls) {
    for (long i = 0; i < calls; i++) one_call();
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: curlbench get|loop URL KEY CALLS WARMUP [CA]\n");
        return 64;
    }
    int timed = strcmp(argv[1], "get") == 0;
    const char *url = argv[2], *key = argv[3];
    long calls = atol(argv[4]), warm = atol(argv[5]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    h = curl_easy_init();
    char keyhdr[512];
    snprintf(keyhdr, sizeof keyhdr, "x-renter-key: %s", key);
    struct curl_slist *hdrs = curl_slist_append(NULL, keyhdr);
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
    if (argc > 6 && argv[6][0]) curl_easy_setopt(h, CURLOPT_CAINFO, argv[6]);
    for (long i = 0; i < warm; i++) one_call();
    double t0 = now_s();
    run_loop(calls);
    double dt = now_s() - t0;
    if (timed) printf("{\"calls\":%ld,\"seconds\":%.6f}\n", calls, dt);
    else printf("{\"calls\":%ld}\n", calls);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    free(body.data);
    curl_global_cleanup();
    return 0;
}
