/* Header section "Jobs": submit, get, status, wait, output (every kind), save_image, cancel,
 * logs, history, against the emulator's simulated providers. */
#include <pthread.h>
#include <unistd.h>
#include "dc1test.h"

static const char *LLM = "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"priority\":3,"
                         "\"params\":{\"prompt\":\"What is the capital of Saudi Arabia?\",\"max_tokens\":64}}";

static json_t *wait_job(dc1_client *c, const char *id, const char *opts, int *rc) {
    json_t *d = NULL;
    *rc = CALL(&d, dc1_job_wait(c, id, opts ? opts : "{\"timeout_ms\":60000,\"poll_interval_ms\":100}", &out));
    return d;
}


int main(void) {
    dc1_client *c = test_client(NULL);
    json_t *d = NULL;
    int rc;

    /* --- submit and its response shape */
    rc = CALL(&d, dc1_job_submit(c, LLM, &out));
    json_t *job = json_object_get(d, "job");
    CHECK(rc == DC1_OK, "submit ok (%s)", dc1_last_error());
    CHECK(jstr(job, "job_id") && strncmp(jstr(job, "job_id"), "job-", 4) == 0, "job_id looks like job-…");
    CHECK(json_is_integer(json_object_get(job, "cost_halala")) && jint(job, "cost_halala") > 0, "prepaid cost_halala");
    CHECK(json_is_boolean(json_object_get(d, "queued")), "queued flag present");
    CHECK(json_is_false(json_object_get(job, "terminal")), "a new job is not terminal");
    char *id = strdup(jstr(job, "job_id"));
    json_decref(d);

    /* --- get with output: no output before the job completed */
    rc = CALL(&d, dc1_job_get_with_output(c, id, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(json_object_get(d, "job"), "job_id"), id) == 0 &&
          (json_is_null(json_object_get(d, "output")) ||
           strcmp(jstr(json_object_get(d, "job"), "status"), "completed") == 0),
          "get with output: the job, no output until it completed");
    json_decref(d);

    /* --- get / status */
    rc = CALL(&d, dc1_job_get(c, id, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "job_id"), id) == 0, "get returns the job");
    CHECK(json_object_get(d, "result") == NULL && json_object_get(d, "logs_jsonl") == NULL, "bulky columns removed");
    CHECK(json_object_get(d, "container_spec") == NULL || json_is_object(json_object_get(d, "container_spec")),
          "container_spec parsed into an object");
    json_decref(d);
    rc = CALL(&d, dc1_job_status(c, id, &out));
    CHECK(rc == DC1_OK && jstr(d, "status") && json_is_boolean(json_object_get(d, "terminal")), "status poll");
    json_decref(d);

    /* --- wait, output (text) */
    d = wait_job(c, id, NULL, &rc);
    CHECK(rc == DC1_OK && strcmp(jstr(d, "status"), "completed") == 0, "wait → completed");
    CHECK(json_is_true(json_object_get(d, "terminal")), "terminal is true");
    CHECK(json_is_number(json_object_get(d, "execution_time_sec")) &&
              json_number_value(json_object_get(d, "execution_time_sec")) >= 0,
          "execution_time_sec computed once, by the core");
    json_decref(d);
    rc = CALL(&d, dc1_job_output(c, id, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "kind"), "text") == 0, "output kind text");
    CHECK(jstr(d, "text") && strcmp(jstr(d, "text"), jstr(d, "output")) == 0 && strcmp(jstr(d, "text"), jstr(d, "response")) == 0,
          "text, output and response agree");
    CHECK(json_is_integer(json_object_get(d, "tokens_generated")), "tokens_generated present");
    CHECK(json_object_get(d, "actual_cost_halala") != NULL, "actual_cost_halala present");
    json_decref(d);
    {
        rc = CALL(&d, dc1_job_get_with_output(c, id, &out));
        json_t *o = json_object_get(d, "output");
        CHECK(rc == DC1_OK && json_is_object(o) && strcmp(jstr(o, "kind"), "text") == 0 &&
              json_is_null(json_object_get(d, "output_error")), "get with output: the output of a completed job");
        json_decref(d);
        long long outputs = route_count(c, "GET /api/jobs/:id/output");
        rc = CALL(&d, dc1_job_get_with_output(c, id, &out));
        CHECK(rc == DC1_OK && json_is_object(json_object_get(d, "output")) &&
                  route_count(c, "GET /api/jobs/:id/output") == outputs,
              "a completed job's output is kept: no second read (%lld)",
              route_count(c, "GET /api/jobs/:id/output") - outputs);
        json_decref(d);
    }

    /* --- logs with since/limit */
    rc = CALL(&d, dc1_job_logs(c, id, "{\"limit\":1}", &out));
    CHECK(rc == DC1_OK && json_array_size(json_object_get(d, "logs")) == 1, "logs limit 1");
    long long next = jint(d, "next_since");
    CHECK(next >= 1, "next_since advances (%lld)", next);
    json_decref(d);
    char opts[64];
    snprintf(opts, sizeof opts, "{\"since\":%lld}", next);
    rc = CALL(&d, dc1_job_logs(c, id, opts, &out));
    json_t *first = json_array_get(json_object_get(d, "logs"), 0);
    CHECK(rc == DC1_OK && (!first || jint(first, "line_no") > next), "since is exclusive");
    json_decref(d);

    /* --- history */
    rc = CALL(&d, dc1_jobs_history(c, "{\"limit\":5}", &out));
    CHECK(rc == DC1_OK && json_array_size(json_object_get(d, "jobs")) >= 1, "history lists the job");
    CHECK(json_is_boolean(json_object_get(json_array_get(json_object_get(d, "jobs"), 0), "terminal")),
          "history rows carry terminal, like every job document");
    json_decref(d);

    /* --- image: output kind image, save_image writes a PNG */
    char *img = submit_job(c, "{\"job_type\":\"image_generation\",\"duration_minutes\":10,"
                              "\"params\":{\"prompt\":\"a camel at sunset\",\"width\":256,\"height\":256}}");
    CHECK(img != NULL, "image job submitted");
    d = wait_job(c, img, NULL, &rc);
    json_decref(d);
    rc = CALL(&d, dc1_job_output(c, img, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "kind"), "image") == 0 && jstr(d, "image_base64"), "output kind image with base64");
    CHECK(jint(d, "width") == 256 && jint(d, "height") == 256, "image dimensions");
    json_decref(d);
    const char *png = "build/test-output.png";
    rc = CALL(&d, dc1_job_save_image(c, img, png, &out));
    CHECK(rc == DC1_OK && jint(d, "bytes") > 100, "save_image (%s)", dc1_last_error());
    json_decref(d);
    FILE *f = fopen(png, "rb");
    unsigned char sig[8] = {0};
    if (f) { size_t n = fread(sig, 1, 8, f); (void)n; fclose(f); }
    CHECK(memcmp(sig, "\x89PNG\r\n\x1a\n", 8) == 0, "the file is a PNG");
    rc = CALL(&d, dc1_job_save_image(c, img, "/nonexistent-dir/x.png", &out));
    CHECK(rc == DC1_E_IO, "unwritable path -> DC1_E_IO");
    json_decref(d);
    rc = CALL(&d, dc1_job_save_image(c, id, "build/not-an-image.png", &out));
    CHECK(rc == DC1_E_PROTOCOL, "save_image of a text job -> DC1_E_PROTOCOL");
    json_decref(d);
    free(img);

    /* --- custom container: DC1_RESULT_JSON parsed */
    char *cc = submit_job(c, "{\"job_type\":\"custom_container\",\"duration_minutes\":5,\"params\":{"
                             "\"image_override\":\"dc1/general-worker:latest\","
                             "\"script\":\"import json\\nprint('hello from the script')\\nprint('DC1_RESULT_JSON:' + json.dumps({'answer': 42}))\"}}");
    CHECK(cc != NULL, "custom container submitted");
    d = wait_job(c, cc, NULL, &rc);
    CHECK(rc == DC1_OK && strcmp(jstr(d, "status"), "completed") == 0, "custom container completed");
    json_decref(d);
    rc = CALL(&d, dc1_job_output(c, cc, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "kind"), "json") == 0, "custom container output kind json");
    CHECK(jint(json_object_get(d, "result_json"), "answer") == 42, "result_json.answer == 42");
    CHECK(jstr(d, "stdout") && strstr(jstr(d, "stdout"), "hello from the script"), "raw stdout kept");
    json_decref(d);
    free(cc);

    /* --- vllm_serve: wait ready, output kind endpoint, then cancel */
    char *vl = submit_job(c, "{\"job_type\":\"vllm_serve\",\"duration_minutes\":30,\"params\":{\"model\":\"TinyLlama/TinyLlama-1.1B-Chat-v1.0\"}}");
    CHECK(vl != NULL, "vllm_serve submitted");
    d = wait_job(c, vl, "{\"timeout_ms\":60000,\"poll_interval_ms\":100,\"mode\":\"ready\"}", &rc);
    CHECK(rc == DC1_OK && jstr(d, "endpoint_url") && strncmp(jstr(d, "endpoint_url"), "http", 4) == 0,
          "ready mode returns the endpoint_url (%s)", dc1_last_error());
    json_decref(d);
    rc = CALL(&d, dc1_job_output(c, vl, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "kind"), "endpoint") == 0, "output of a serving job: kind endpoint");
    CHECK(rc == DC1_OK && jstr(d, "openai_base_url") && strlen(jstr(d, "openai_base_url")) > 3 &&
          strcmp(jstr(d, "openai_base_url") + strlen(jstr(d, "openai_base_url")) - 3, "/v1") == 0,
          "…with its openai_base_url (ends in /v1)");
    json_decref(d);
    rc = CALL(&d, dc1_job_get_with_output(c, vl, &out));
    CHECK(rc == DC1_OK && jstr(json_object_get(d, "output"), "kind") &&
          strcmp(jstr(json_object_get(d, "output"), "kind"), "endpoint") == 0 &&
          jstr(json_object_get(d, "job"), "openai_base_url"),
          "job with output of a serving job: the endpoint, and the job's openai_base_url");
    json_decref(d);
    d = wait_job(c, vl, "{\"timeout_ms\":10000,\"poll_interval_ms\":100,\"mode\":\"auto\",\"with_output\":true}", &rc);
    CHECK(rc == DC1_OK && strcmp(jstr(d, "mode"), "ready") == 0 &&
          strcmp(jstr(json_object_get(d, "output"), "kind"), "endpoint") == 0,
          "wait auto + with_output on a serving job: mode ready, output kind endpoint");
    json_decref(d);
    rc = CALL(&d, dc1_job_cancel(c, vl, &out));
    CHECK(rc == DC1_OK && json_is_true(json_object_get(d, "success")), "cancel the endpoint");
    json_decref(d);
    d = wait_job(c, vl, "{\"timeout_ms\":10000,\"poll_interval_ms\":100,\"mode\":\"auto\",\"with_output\":true}", &rc);
    CHECK(rc == DC1_OK && strcmp(jstr(d, "status"), "cancelled") == 0 && json_is_null(json_object_get(d, "output")),
          "wait auto on a vllm_serve job that ended without serving: 0 with the final job (%s)", dc1_last_error());
    json_decref(d);
    d = wait_job(c, vl, "{\"timeout_ms\":10000,\"poll_interval_ms\":100,\"mode\":\"ready\"}", &rc);
    CHECK(rc == DC1_E_JOB_CANCELLED, "…while mode ready says DC1_E_JOB_CANCELLED (%s)", dc1_strerror(rc));
    json_decref(d);
    free(vl);

    /* --- with_output: a completed job comes back with its output, read once per client */
    char *wo = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"with output\"}}");
    d = wait_job(c, wo, "{\"timeout_ms\":60000,\"poll_interval_ms\":100,\"with_output\":true}", &rc);
    json_t *wout = json_object_get(d, "output");
    CHECK(rc == DC1_OK && wout && strcmp(jstr(wout, "kind"), "text") == 0 && jstr(wout, "text") &&
          json_is_null(json_object_get(d, "output_error")), "wait with_output: the output is in the result");
    json_decref(d);
    char path[256];
    snprintf(path, sizeof path, "GET /api/jobs/%s/output", wo);
    json_t *cn = control(c, "GET", "/__emulator/counters", NULL);
    long long reads = (long long)json_integer_value(json_object_get(json_object_get(cn, "requests_by_path"), path));
    json_decref(cn);
    rc = CALL(&d, dc1_job_get_with_output(c, wo, &out));
    json_decref(d);
    cn = control(c, "GET", "/__emulator/counters", NULL);
    long long reads2 = (long long)json_integer_value(json_object_get(json_object_get(cn, "requests_by_path"), path));
    json_decref(cn);
    CHECK(rc == DC1_OK && reads == 1 && reads2 == 1, "the output was read once (%lld, then %lld)", reads, reads2);
    d = wait_job(c, wo, "{\"timeout_ms\":60000}", &rc);
    CHECK(rc == DC1_OK && json_object_get(d, "output") == NULL, "without with_output the result has no output");
    json_decref(d);
    free(wo);

    /* --- a failing job: wait returns failed, output is DC1_E_JOB_FAILED with the refund */
    char *bad = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"please FAIL now\"}}");
    d = wait_job(c, bad, NULL, &rc);
    CHECK(rc == DC1_OK && strcmp(jstr(d, "status"), "failed") == 0, "wait returns a failed job with rc 0");
    CHECK(d && jstr(d, "outcome") && strcmp(jstr(d, "outcome"), "failed") == 0, "…whose outcome is \"failed\"");
    json_decref(d);
    rc = CALL(&d, dc1_job_output(c, bad, &out));
    CHECK(rc == DC1_E_JOB_FAILED && jint(d, "http_status") == 410, "output of a failed job -> DC1_E_JOB_FAILED (410)");
    CHECK(json_is_true(json_object_get(json_object_get(d, "body"), "refunded")), "body.refunded");
    json_decref(d);
    free(bad);

    /* --- a slow job: output not ready, wait times out, cancel, output cancelled */
    char *slow = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"SLOW please\"}}");
    long long t0 = now_ms();
    d = wait_job(c, slow, "{\"timeout_ms\":700,\"poll_interval_ms\":100}", &rc);
    long long took = now_ms() - t0;
    CHECK(rc == DC1_E_WAIT_TIMEOUT, "wait on a slow job times out (%s)", dc1_strerror(rc));
    CHECK(took < 3000, "…within its deadline (%lld ms)", took);
    CHECK(d && json_is_object(json_object_get(d, "job")) && jstr(d, "job_id"), "the timeout error carries the job");
    json_decref(d);
    rc = CALL(&d, dc1_job_output(c, slow, &out));
    CHECK(rc == DC1_E_NOT_READY && jint(d, "http_status") == 202, "output before completion -> DC1_E_NOT_READY (202)");
    json_decref(d);

    /* interrupt a blocking wait from another thread */
    pthread_t th;
    struct interrupt_arg ia = { c, 300 };
    pthread_create(&th, NULL, interrupt_later, &ia);
    t0 = now_ms();
    d = wait_job(c, slow, "{\"timeout_ms\":30000,\"poll_interval_ms\":100}", &rc);
    took = now_ms() - t0;
    pthread_join(th, NULL);
    CHECK(rc == DC1_E_INTERRUPTED, "dc1_client_interrupt ends a wait (%s)", dc1_strerror(rc));
    CHECK(took < 2000, "…promptly (%lld ms)", took);
    json_decref(d);

    rc = CALL(&d, dc1_job_cancel(c, slow, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(json_object_get(d, "job"), "status"), "cancelled") == 0, "cancel → cancelled");
    json_decref(d);
    rc = CALL(&d, dc1_job_output(c, slow, &out));
    CHECK(rc == DC1_E_JOB_CANCELLED, "output of a cancelled job -> DC1_E_JOB_CANCELLED (%s)", dc1_strerror(rc));
    json_decref(d);
    rc = CALL(&d, dc1_job_cancel(c, id, &out));
    CHECK(rc == DC1_E_VALIDATION && jint(d, "http_status") == 400, "cancel of a completed job -> 400 validation");
    json_decref(d);

    /* cancel_on_timeout */
    char *slow2 = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"SLOW again\"}}");
    d = wait_job(c, slow2, "{\"timeout_ms\":300,\"poll_interval_ms\":100,\"cancel_on_timeout\":true}", &rc);
    json_decref(d);
    rc = CALL(&d, dc1_job_status(c, slow2, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "status"), "cancelled") == 0, "cancel_on_timeout cancelled the job");
    json_decref(d);
    free(slow); free(slow2);

    /* --- validation: local (nothing sent) and the server's */
    long long before = route_count(c, "POST /api/jobs/submit");
    rc = CALL(&d, dc1_job_submit(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"prompt\":\"x\"}", &out));
    CHECK(rc == DC1_E_VALIDATION, "unknown key -> DC1_E_VALIDATION");
    CHECK(d && strcmp(jstr(json_array_get(json_object_get(d, "fields"), 0), "field"), "(root)") == 0, "fields names (root)");
    json_decref(d);
    rc = CALL(&d, dc1_job_submit(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"m\":[1]}}", &out));
    CHECK(rc == DC1_E_VALIDATION, "non-scalar param -> DC1_E_VALIDATION");
    json_decref(d);
    CHECK(route_count(c, "POST /api/jobs/submit") == before, "local validation sends nothing");

    rc = CALL(&d, dc1_job_submit(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"provider_id\":99999}", &out));
    CHECK(rc == DC1_E_NOT_FOUND && jint(d, "http_status") == 404, "unknown provider -> 404 not found");
    json_decref(d);

    /* --- insufficient balance (a renter with 1 halala) */
    json_t *r = control(c, "POST", "/__emulator/renters", "{\"balance_halala\":1}");
    char o2[256];
    snprintf(o2, sizeof o2, "{\"api_key\":\"%s\",\"base_url\":\"%s\"}", jstr(r, "api_key"), getenv("DC1_BASE_URL"));
    json_decref(r);
    dc1_client *poor = test_client(o2);
    rc = CALL(&d, dc1_job_submit(poor, LLM, &out));
    CHECK(rc == DC1_E_INSUFFICIENT_BALANCE && jint(d, "http_status") == 402, "402 -> DC1_E_INSUFFICIENT_BALANCE");
    CHECK(json_is_integer(json_object_get(json_object_get(d, "body"), "required_halala")), "body.required_halala");
    json_decref(d);
    /* someone else's job: 403 on reads */
    rc = CALL(&d, dc1_job_get(poor, id, &out));
    CHECK(rc == DC1_E_AUTH && jint(d, "http_status") == 403, "another renter's job -> DC1_E_AUTH (403)");
    json_decref(d);
    dc1_client_free(poor);

    rc = CALL(&d, dc1_job_get(c, "job-0-nosuch", &out));
    CHECK(rc == DC1_E_NOT_FOUND, "unknown job -> DC1_E_NOT_FOUND");
    json_decref(d);

    free(id);
    dc1_client_free(c);
    TEST_DONE();
}
