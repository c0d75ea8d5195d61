/* The guide's process_batch.py in C, run by libdc1's batch runner (dc1_batch_run).
 *
 * Writes a JSON Lines file of prompts, runs it with three jobs in flight, a journal (run
 * the program again with the same directory after a crash or Ctrl-C: nothing is paid for
 * twice) and a progress line drawn from the runner's events, then prints the results.
 *
 *     DC1_API_KEY=… ./batch [WORKDIR]          (default demo-output/batch)
 */
#include <errno.h>
#include <sys/stat.h>
#include "common.h"

static const char *PROMPTS[] = {
    "Summarize the Saudi Vision 2030 in one paragraph",
    "What is the difference between Llama and Mistral 7B?",
    "Write C code to parse JSON from a REST API",
};

/* Progress from the runner's events; returning non-zero would stop the batch. */
static int on_event(void *user, const char *event_json) {
    (void)user;
    json_t *e = json_loads(event_json, 0, NULL);
    const char *type = json_string_value(json_object_get(e, "type"));
    if (type && strcmp(type, "line") == 0) {
        printf("  line %lld: %s\n", (long long)json_integer_value(json_object_get(e, "line")),
               json_string_value(json_object_get(e, "status")));
    }
    json_decref(e);
    return 0;
}

int main(int argc, char **argv) {
    const char *work = argc > 1 ? argv[1] : "demo-output/batch";
    if (argc <= 1 && mkdir("demo-output", 0755) != 0 && errno != EEXIST) { perror("demo-output"); return 1; }
    if (mkdir(work, 0755) != 0 && errno != EEXIST) { perror(work); return 1; }
    char input[512], results[512], journal[512];
    snprintf(input, sizeof input, "%s/prompts.jsonl", work);
    snprintf(results, sizeof results, "%s/results.jsonl", work);
    snprintf(journal, sizeof journal, "%s/journal.jsonl", work);

    FILE *f = fopen(input, "w");
    if (!f) { perror(input); return 1; }
    for (size_t i = 0; i < sizeof PROMPTS / sizeof *PROMPTS; i++) {
        json_t *r = json_pack("{s:s, s:s, s:i, s:{s:s, s:s, s:i}}", "id", PROMPTS[i], "job_type", "llm_inference",
                              "duration_minutes", 5, "params", "model", "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
                              "prompt", PROMPTS[i], "max_tokens", 256);
        char *line = json_dumps(r, JSON_COMPACT);
        fprintf(f, "%s\n", line);
        free(line);
        json_decref(r);
    }
    fclose(f);

    dc1_client *c = NULL;
    char *out = NULL;
    check(dc1_client_new(&c, NULL), NULL, "dc1_client_new");
    json_t *opts = json_pack("{s:s, s:s, s:i, s:i}", "out_path", results, "journal_path", journal,
                             "concurrency", 3, "max_attempts", 2);
    char *opts_text = json_dumps(opts, JSON_COMPACT);
    json_decref(opts);
    int rc = dc1_batch_run(c, input, opts_text, on_event, NULL, &out);
    free(opts_text);
    if (rc == DC1_E_QUOTA_EXCEEDED) {
        fprintf(stderr, "quota reached: %s; run again later to continue\n", dc1_last_error());
        dc1_free(out);
        dc1_client_free(c);
        return 2;
    }
    check(rc, out, "dc1_batch_run");
    json_t *summary = parse(out);

    f = fopen(results, "r");
    if (!f) { perror(results); return 1; }
    char buf[1 << 16];
    while (fgets(buf, sizeof buf, f)) {
        json_t *r = json_loads(buf, 0, NULL);
        const char *status = json_string_value(json_object_get(r, "status"));
        json_t *o = json_object_get(r, "output");
        if (status && strcmp(status, "completed") == 0) {
            printf("✓ %.40s… %.60s\n", json_string_value(json_object_get(r, "id")),
                   json_string_value(json_object_get(o, "text")));
        } else {
            printf("✗ %.40s…: %s\n", json_string_value(json_object_get(r, "id")), status ? status : "?");
        }
        json_decref(r);
    }
    fclose(f);
    printf("%lld/%lld prompts done, %lld jobs, spent %.2f SAR\n",
           (long long)json_integer_value(json_object_get(summary, "completed")),
           (long long)json_integer_value(json_object_get(summary, "lines")),
           (long long)json_integer_value(json_object_get(summary, "attempts")),
           json_number_value(json_object_get(summary, "spent_sar")));
    int all = json_is_true(json_object_get(summary, "all_completed"));
    json_decref(summary);
    dc1_client_free(c);
    return all ? 0 : 1;
}
