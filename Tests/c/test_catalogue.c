/* Header sections "Catalogue" and "Job lifecycle", against Tests/fakes/catalogue_server.py
 * (the real server's shapes on 127.0.0.1; started here, since the emulator does not serve
 * these routes). */
#include "dc1test.h"
#include <unistd.h>
#include <limits.h>

static FILE *fake_pipe;
static char fake_url[256], fake_key[256];

/* Starts the fake next to this binary's repository (build/tests/<bin> → <repo>). */
static void start_fake(void) {
    char exe[PATH_MAX] = {0};
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) { fprintf(stderr, "readlink failed\n"); exit(2); }
    exe[n] = 0;
    for (int up = 0; up < 3; up++) { char *s = strrchr(exe, '/'); if (s) *s = 0; }
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "exec python3 '%s/Tests/fakes/catalogue_server.py'", exe);
    fake_pipe = popen(cmd, "r");
    if (!fake_pipe || !fgets(fake_url, sizeof fake_url, fake_pipe) || !fgets(fake_key, sizeof fake_key, fake_pipe)) {
        fprintf(stderr, "the fake server did not start\n"); exit(2);
    }
    fake_url[strcspn(fake_url, "\n")] = 0;
    fake_key[strcspn(fake_key, "\n")] = 0;
}

static dc1_client *fake_client(int with_key) {
    char opts[1024];
    if (with_key)
        snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"api_key\":\"%s\",\"max_retries\":0}",
                 strchr(fake_url, '=') + 1, strchr(fake_key, '=') + 1);
    else
        snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"api_key\":\"dc1-renter-wrong\",\"max_retries\":0}",
                 strchr(fake_url, '=') + 1);
    return test_client(opts);
}

/* How many requests the fake has seen whose line starts with `prefix`. */
static int seen(dc1_client *c, const char *prefix) {
    json_t *b = control(c, "GET", "/__fake/requests", NULL);
    json_t *v;
    size_t i;
    int n = 0;
    json_array_foreach(json_object_get(b, "requests"), i, v)
        if (strncmp(json_string_value(v), prefix, strlen(prefix)) == 0) n++;
    json_decref(b);
    return n;
}

static int event_count;
static int on_event(void *user, const char *event_json) {
    (void)user;
    json_error_t e;
    json_t *j = json_loads(event_json, 0, &e);
    if (j && json_object_get(j, "sequence_no")) event_count++;
    json_decref(j);
    return 0;
}

int main(void) {
    start_fake();
    dc1_client *c = fake_client(1);
    json_t *d = NULL;

    /* models, joined with the live providers that cache them */
    int rc = CALL(&d, dc1_models_list(c, NULL, &out));
    json_t *models = json_object_get(d, "models");
    CHECK(rc == DC1_OK && json_array_size(models) == 3, "three models (%s)", dc1_strerror(rc));
    json_t *tiny = json_array_get(models, 0), *allam = json_array_get(models, 1), *mistral = json_array_get(models, 2);
    CHECK(jint(tiny, "live_provider_count") == 2, "TinyLlama is cached by two live providers");
    CHECK(jint(allam, "live_provider_count") == 1, "ALLaM matched case-insensitively");
    CHECK(jint(mistral, "live_provider_count") == 0, "a provider that is not live does not count");
    CHECK(jint(tiny, "price_halala_per_min") == 9 && json_real_value(json_object_get(tiny, "price_sar_per_min")) == 0.09,
          "price as halala integer and SAR number");
    CHECK(json_number_value(json_object_get(tiny, "price_sar_per_hour")) == 5.4, "price per hour");
    CHECK(jstr(json_array_get(json_object_get(tiny, "live_providers"), 0), "name") != NULL, "providers named");
    json_decref(d);
    rc = CALL(&d, dc1_models_list(c, "{\"cached_only\":true,\"arabic\":true}", &out));
    CHECK(rc == DC1_OK && jint(d, "total") == 1, "arabic + cached_only filters");
    json_decref(d);
    control_ok(c, "POST", "/__fake/reset", "{}");
    rc = CALL(&d, dc1_models_list(c, "{\"providers\":false}", &out));
    CHECK(rc == DC1_OK && seen(c, "GET /api/renters/available-providers") == 0 &&
          json_object_get(json_array_get(json_object_get(d, "models"), 0), "live_providers") == NULL,
          "providers:false makes one request");
    json_decref(d);

    rc = CALL(&d, dc1_model_get(c, "TinyLlama/TinyLlama-1.1B-Chat-v1.0", &out));
    CHECK(rc == DC1_OK && jint(json_object_get(d, "model"), "price_halala_per_min") == 9, "model detail (slash in id)");
    json_decref(d);
    rc = CALL(&d, dc1_model_get(c, "no-such-model", &out));
    CHECK(rc == DC1_E_NOT_FOUND, "unknown model -> %s", dc1_strerror(rc));
    json_decref(d);

    /* templates and a request built from one */
    rc = CALL(&d, dc1_templates_list(c, "{\"tag\":\"llm\"}", &out));
    json_t *t0 = json_array_get(json_object_get(d, "templates"), 0);
    CHECK(rc == DC1_OK && jint(d, "total") == 1 && jint(t0, "estimated_price_halala_per_hour") == 900,
          "templates by tag, price in halala");
    json_decref(d);
    rc = CALL(&d, dc1_template_request(c, "llama3-8b", "{\"duration_minutes\":5,\"params\":{\"prompt\":\"Hi\"}}", &out));
    json_t *req = json_object_get(d, "request");
    CHECK(rc == DC1_OK && strcmp(jstr(req, "job_type"), "llm-inference") == 0 &&
          strcmp(jstr(json_object_get(req, "params"), "prompt"), "Hi") == 0 &&
          json_object_get(req, "template_id") == NULL, "template request: job type, merged params, no template_id");
    CHECK(json_array_size(json_object_get(d, "dropped_params")) == 1, "non-scalar template param dropped");
    char *req_text = json_dumps(req, JSON_COMPACT);
    json_decref(d);
    rc = CALL(&d, dc1_job_submit(c, req_text, &out));
    CHECK(rc == DC1_OK, "the built request submits (%s)", dc1_strerror(rc));
    free(req_text);
    json_decref(d);
    rc = CALL(&d, dc1_template_request(c, "llama3-8b", NULL, &out));
    CHECK(rc == DC1_E_VALIDATION, "duration_minutes is required -> %s", dc1_strerror(rc));
    json_decref(d);
    rc = CALL(&d, dc1_template_request(c, "nope", "{\"duration_minutes\":1}", &out));
    CHECK(rc == DC1_E_NOT_FOUND, "unknown template -> %s", dc1_strerror(rc));
    json_decref(d);

    /* quotes */
    rc = CALL(&d, dc1_quote(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":10}", &out));
    CHECK(rc == DC1_OK && jint(d, "cost_halala") == 90 && strcmp(jstr(d, "basis"), "job_type") == 0, "9 × 10 = 90 halala");
    json_decref(d);
    control_ok(c, "POST", "/__fake/reset", "{}");
    rc = CALL(&d, dc1_quote(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":10,\"gpu_model\":\"NVIDIA RTX 4090\"}", &out));
    CHECK(rc == DC1_OK && jint(d, "cost_halala") == 17 && seen(c, "GET /api/pricing/tiers") == 1, "RTX 4090, 10 min = 17");
    json_decref(d);
    rc = CALL(&d, dc1_quote(c, "{\"job_type\":\"training\",\"duration_minutes\":60,\"gpu_model\":\"h100\",\"pricing_class\":\"priority\"}", &out));
    CHECK(rc == DC1_OK && jint(d, "cost_halala") == 851, "H100 60 min priority = 851 (%lld)", jint(d, "cost_halala"));
    json_decref(d);

    /* images: submit checks them only once fetched, and never fetches them itself */
    const char *bad = "{\"job_type\":\"custom_container\",\"duration_minutes\":1,"
                      "\"params\":{\"image_override\":\"evil/miner:latest\",\"script\":\"print(1)\"}}";
    control_ok(c, "POST", "/__fake/reset", "{}");
    rc = CALL(&d, dc1_job_submit(c, bad, &out));
    CHECK(rc == DC1_E_VALIDATION && d && json_object_get(d, "http_status") != NULL, "before the registry: the server refuses");
    CHECK(seen(c, "GET /api/containers/registry") == 0, "submit fetched no registry");
    json_decref(d);
    rc = CALL(&d, dc1_images_list(c, &out));
    CHECK(rc == DC1_OK && jint(d, "total") == 6, "six approved images");
    json_decref(d);
    control_ok(c, "POST", "/__fake/reset", "{}");
    rc = CALL(&d, dc1_job_submit(c, bad, &out));
    CHECK(rc == DC1_E_VALIDATION && json_object_get(d, "http_status") == NULL &&
          strcmp(jstr(d, "error_code"), "IMAGE_NOT_APPROVED") == 0, "after it: refused locally");
    CHECK(seen(c, "POST /api/jobs/submit") == 0, "nothing was sent");
    json_decref(d);
    rc = CALL(&d, dc1_job_submit(c, "{\"job_type\":\"custom_container\",\"duration_minutes\":1,"
                                    "\"params\":{\"image_override\":\" GHCR.io/acme/trainer:1.2 \",\"script\":\"print(1)\"}}", &out));
    CHECK(rc == DC1_OK && seen(c, "GET /api/containers/registry") == 0, "an approved image passes (case, spaces); no refetch");
    json_decref(d);

    /* usage */
    rc = CALL(&d, dc1_usage(c, &out));
    json_t *all = json_object_get(d, "all_time");
    CHECK(rc == DC1_OK && jint(all, "total_halala") == 245 && json_number_value(json_object_get(all, "total_sar")) == 2.45,
          "all-time spending");
    CHECK(json_number_value(json_object_get(json_array_get(json_object_get(d, "monthly"), 0), "total_sar")) == 2.0,
          "monthly rows gain total_sar");
    CHECK(jint(json_object_get(d, "v1"), "total_tokens") == 150 &&
          json_number_value(json_object_get(json_object_get(d, "v1"), "total_cost_sar")) == 0.12, "v1 usage");
    json_decref(d);
    dc1_client *wrong = fake_client(0);
    rc = CALL(&d, dc1_usage(wrong, &out));
    CHECK(rc == DC1_E_AUTH, "a wrong key -> %s", dc1_strerror(rc));
    json_decref(d);

    /* lifecycle */
    rc = CALL(&d, dc1_job_lifecycle(c, "job-1-abc", "{\"since_sequence\":1,\"limit\":2}", &out));
    CHECK(rc == DC1_OK && json_array_size(json_object_get(d, "events")) == 2 && jint(d, "next_since_sequence") == 3 &&
          json_is_true(json_object_get(d, "has_more")), "a page of lifecycle events");
    json_decref(d);
    rc = CALL(&d, dc1_job_lifecycle(wrong, "job-1-abc", NULL, &out));
    CHECK(rc == DC1_E_AUTH, "not your job -> %s", dc1_strerror(rc));
    json_decref(d);
    event_count = 0;
    rc = CALL(&d, dc1_job_lifecycle_stream(c, "job-drop", "{\"timeout_ms\":20000}", on_event, NULL, &out));
    CHECK(rc == DC1_OK && event_count == 4 && jint(d, "reconnects") == 1 && jint(d, "last_sequence") == 4 &&
          strcmp(jstr(d, "ended"), "end") == 0, "stream resumes after a drop without repeats (%d events, %s)",
          event_count, dc1_last_error());
    json_decref(d);

    /* the emulator named by DC1_BASE_URL serves the catalogue too */
    dc1_client *e = test_client("{\"max_retries\":0}");
    char *o = NULL;
    rc = dc1_images_list(e, &o);
    dc1_free(o);
    CHECK(rc == DC1_OK, "emulator: images listed (%s)", dc1_strerror(rc));
    {
        rc = CALL(&d, dc1_providers_list(e, "{\"live\":true}", &out));
        json_t *p = json_array_get(json_object_get(d, "providers"), 0);
        char q[512], sub[512];
        snprintf(q, sizeof q, "{\"job_type\":\"llm_inference\",\"duration_minutes\":2,\"gpu_model\":\"%s\"}",
                 jstr(p, "gpu_model"));
        snprintf(sub, sizeof sub, "{\"job_type\":\"llm_inference\",\"duration_minutes\":2,\"provider_id\":%lld,"
                 "\"params\":{\"prompt\":\"Hi\"}}", jint(p, "id"));
        json_decref(d);
        json_t *qd = NULL, *sd = NULL;
        int rq = CALL(&qd, dc1_quote(e, q, &out));
        int rs = CALL(&sd, dc1_job_submit(e, sub, &out));
        CHECK(rq == DC1_OK && rs == DC1_OK && jint(qd, "cost_halala") == jint(json_object_get(sd, "job"), "cost_halala"),
              "emulator: the GPU quote is the pinned submit's charge (%lld)", jint(qd, "cost_halala"));
        json_decref(qd);
        json_decref(sd);
        rc = CALL(&d, dc1_job_submit(e, bad, &out));
        CHECK(rc == DC1_E_VALIDATION && json_object_get(d, "http_status") == NULL, "emulator: unapproved image refused locally");
        json_decref(d);
    }
    dc1_client_free(e);

    control_ok(c, "POST", "/__fake/quit", "{}");
    pclose(fake_pipe);
    dc1_client_free(wrong);
    dc1_client_free(c);
    TEST_DONE();
}
