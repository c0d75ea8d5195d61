/* Batch pipeline: several prompts submitted at once, waited on in parallel threads that share
 * one client (the client is thread-safe), results printed in order. */
#include <pthread.h>
#include "common.h"

static const char *prompts[] = {
    "Summarize the Saudi Vision 2030 in one paragraph",
    "What is the difference between Llama 2 and Mistral 7B?",
    "Write Python code to parse JSON from a REST API",
};
#define N (sizeof prompts / sizeof *prompts)

struct task { dc1_client *c; char job_id[128]; char *text; long long tokens; int rc; };

static void *run(void *arg) {
    struct task *t = arg;
    char *out = NULL;
    t->rc = dc1_job_wait(t->c, t->job_id, "{\"timeout_ms\":600000}", &out);
    dc1_free(out);
    if (t->rc != DC1_OK) return NULL;
    out = NULL;
    t->rc = dc1_job_output(t->c, t->job_id, &out);
    if (t->rc == DC1_OK) {
        json_t *o = parse(out);
        t->text = strdup(json_string_value(json_object_get(o, "text")) ? json_string_value(json_object_get(o, "text")) : "");
        t->tokens = json_integer_value(json_object_get(o, "tokens_generated"));
        json_decref(o);
    } else {
        dc1_free(out);
    }
    return NULL;
}

int main(void) {
    dc1_client *c = NULL;
    if (dc1_client_new(&c, NULL) != DC1_OK) { fprintf(stderr, "%s\n", dc1_last_error()); return 1; }
    struct task tasks[N];
    pthread_t threads[N];
    for (size_t i = 0; i < N; i++) {
        json_t *req = json_pack("{s:s, s:i, s:{s:s, s:s, s:i}}", "job_type", "llm_inference", "duration_minutes", 5,
                                "params", "model", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "prompt", prompts[i], "max_tokens", 256);
        char *body = json_dumps(req, JSON_COMPACT), *out = NULL;
        int rc = dc1_job_submit(c, body, &out);
        free(body);
        json_decref(req);
        check(rc, out, "submit");
        json_t *sub = parse(out);
        tasks[i] = (struct task){ .c = c };
        snprintf(tasks[i].job_id, sizeof tasks[i].job_id, "%s",
                 json_string_value(json_object_get(json_object_get(sub, "job"), "job_id")));
        json_decref(sub);
        pthread_create(&threads[i], NULL, run, &tasks[i]);
    }
    int failures = 0;
    for (size_t i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        if (tasks[i].rc != DC1_OK) { printf("✗ %s: %s\n", prompts[i], dc1_strerror(tasks[i].rc)); failures++; continue; }
        printf("✓ [%lld tokens] %.40s...\n", tasks[i].tokens, prompts[i]);
    }
    for (size_t i = 0; i < N; i++) {
        if (tasks[i].text) printf("\n--- %.40s ---\n%s\n", prompts[i], tasks[i].text);
        free(tasks[i].text);
    }
    dc1_client_free(c);
    return failures ? 1 : 0;
}
