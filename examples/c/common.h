/* Shared helpers for the C examples: die with the library's message, parse a result. */
#ifndef DC1_EXAMPLE_COMMON_H
#define DC1_EXAMPLE_COMMON_H
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dc1.h"

/* Parses a libdc1 result document and frees the string. */
static inline json_t *parse(char *out) {
    json_t *j = json_loads(out ? out : "null", 0, NULL);
    dc1_free(out);
    return j;
}

/* Exits with the error document's message when rc is not DC1_OK. */
static inline void check(int rc, char *out, const char *what) {
    if (rc == DC1_OK) return;
    fprintf(stderr, "%s failed: %s (%s)\n", what, dc1_last_error(), dc1_strerror(rc));
    dc1_free(out);
    exit(1);
}

/* Submits a request built with jansson (consumed), copies the job id into job_id and
 * prints it; exits on failure. */
static inline void submit_request(dc1_client *c, json_t *req, char *job_id, size_t n) {
    char *body = json_dumps(req, JSON_COMPACT), *out = NULL;
    json_decref(req);
    int rc = dc1_job_submit(c, body, &out);
    free(body);
    check(rc, out, "submit");
    json_t *sub = parse(out);
    json_t *job = json_object_get(sub, "job");
    snprintf(job_id, n, "%s", json_string_value(json_object_get(job, "job_id")));
    printf("Job submitted: %s (cost: %lld halala)\n", job_id, (long long)json_integer_value(json_object_get(job, "cost_halala")));
    json_decref(sub);
}

/* The id of the first live provider with at least min_vram GB, or 0 (automatic routing). */
static inline long long pick_provider(dc1_client *c, double min_vram) {
    char filter[96], *out = NULL;
    snprintf(filter, sizeof filter, "{\"live\":true,\"min_vram_gb\":%g}", min_vram);
    int rc = dc1_providers_list(c, filter, &out);
    check(rc, out, "providers");
    json_t *p = parse(out);
    json_t *first = json_array_get(json_object_get(p, "providers"), 0);
    long long id = first ? json_integer_value(json_object_get(first, "id")) : 0;
    if (first) printf("Using provider: %s (%s)\n", json_string_value(json_object_get(first, "name")),
                      json_string_value(json_object_get(first, "gpu_model")));
    json_decref(p);
    return id;
}
#endif
