/* Header sections "Catalogue" and "Job lifecycle", against the emulator (Tests/run_c_tests.py
 * starts it and resets it before this program). The fleet is arranged for the edge cases first:
 * a model cached under another spelling, a provider listed but not live, an Arabic model. */
#include "dc1test.h"
#include <math.h>

#define TINY "TinyLlama/TinyLlama-1.1B-Chat-v1.0"
#define ALLAM "ALLaM-AI/ALLaM-7B-Instruct-preview"
#define MISTRAL "mistralai/Mistral-7B-Instruct-v0.2"

static json_t *find_model(json_t *models, const char *id) {
    size_t i;
    json_t *m;
    json_array_foreach(models, i, m)
        if (jstr(m, "model_id") && strcmp(jstr(m, "model_id"), id) == 0) return m;
    return NULL;
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
    dc1_client *c = test_client("{\"max_retries\":0}");
    dc1_client *wrong = test_client("{\"api_key\":\"dcp-renter-00000000000000000000000000000000\",\"max_retries\":0}");
    json_t *d = NULL;
    long long before;

    control_ok(c, "PATCH", "/__emulator/providers/1", "{\"cached_models\":[\"" TINY "\",\"allam-ai/allam-7b-instruct-preview\"]}");
    control_ok(c, "PATCH", "/__emulator/providers/2",
               "{\"cached_models\":[\"" MISTRAL "\"],\"live\":false,\"status\":\"online\",\"heartbeat_age_s\":300}");
    control_ok(c, "PATCH", "/__emulator/providers/3", "{\"cached_models\":[\"" TINY "\"]}");

    /* models, joined with the live providers that cache them */
    int rc = CALL(&d, dc1_models_list(c, NULL, &out));
    json_t *models = json_object_get(d, "models");
    json_t *tiny = find_model(models, TINY), *allam = find_model(models, ALLAM), *mistral = find_model(models, MISTRAL);
    CHECK(rc == DC1_OK && tiny && allam && mistral, "the models are listed (%s)", dc1_strerror(rc));
    CHECK(jint(tiny, "live_provider_count") == 2, "TinyLlama is cached by two live providers");
    CHECK(jint(allam, "live_provider_count") == 1, "ALLaM matched case-insensitively");
    CHECK(jint(mistral, "live_provider_count") == 0, "a provider that is not live does not count");
    CHECK(jint(tiny, "price_halala_per_min") == 3 && fabs(json_number_value(json_object_get(tiny, "price_sar_per_min")) - 0.03) < 1e-9,
          "price as halala integer and SAR number");
    CHECK(fabs(json_number_value(json_object_get(tiny, "price_sar_per_hour")) - 1.8) < 1e-9, "price per hour");
    CHECK(jstr(json_array_get(json_object_get(tiny, "live_providers"), 0), "name") != NULL, "providers named");
    json_decref(d);
    rc = CALL(&d, dc1_models_list(c, "{\"cached_only\":true,\"arabic\":true}", &out));
    CHECK(rc == DC1_OK && jint(d, "total") == 1, "arabic + cached_only filters");
    json_decref(d);
    before = route_count(c, "GET /api/renters/available-providers");
    rc = CALL(&d, dc1_models_list(c, "{\"providers\":false}", &out));
    CHECK(rc == DC1_OK && route_count(c, "GET /api/renters/available-providers") == before &&
          json_object_get(json_array_get(json_object_get(d, "models"), 0), "live_providers") == NULL,
          "providers:false makes one request");
    json_decref(d);

    rc = CALL(&d, dc1_model_get(c, TINY, &out));
    CHECK(rc == DC1_OK && jint(json_object_get(d, "model"), "price_halala_per_min") == 3, "model detail (slash in id)");
    json_decref(d);
    rc = CALL(&d, dc1_model_get(c, "no-such-model", &out));
    CHECK(rc == DC1_E_NOT_FOUND, "unknown model -> %s", dc1_strerror(rc));
    json_decref(d);

    /* templates and a request built from one */
    rc = CALL(&d, dc1_templates_list(c, "{\"tag\":\"bring-your-own\"}", &out));
    json_t *t0 = json_array_get(json_object_get(d, "templates"), 0);
    CHECK(rc == DC1_OK && jint(d, "total") == 1 && jint(t0, "estimated_price_halala_per_hour") == 420,
          "templates by tag, price in halala");
    json_decref(d);
    rc = CALL(&d, dc1_template_request(c, "llm-inference", "{\"duration_minutes\":5,\"params\":{\"prompt\":\"Hi\"}}", &out));
    json_t *req = json_object_get(d, "request");
    CHECK(rc == DC1_OK && strcmp(jstr(req, "job_type"), "llm_inference") == 0 &&
          strcmp(jstr(json_object_get(req, "params"), "prompt"), "Hi") == 0 &&
          json_object_get(req, "template_id") == NULL, "template request: job type, merged params, no template_id");
    CHECK(json_array_size(json_object_get(d, "dropped_params")) == 1, "non-scalar template param dropped");
    char *req_text = json_dumps(req, JSON_COMPACT);
    json_decref(d);
    rc = CALL(&d, dc1_job_submit(c, req_text, &out));
    CHECK(rc == DC1_OK, "the built request submits (%s)", dc1_strerror(rc));
    free(req_text);
    json_decref(d);
    rc = CALL(&d, dc1_template_request(c, "llm-inference", NULL, &out));
    CHECK(rc == DC1_E_VALIDATION, "duration_minutes is required -> %s", dc1_strerror(rc));
    json_decref(d);
    rc = CALL(&d, dc1_template_request(c, "nope", "{\"duration_minutes\":1}", &out));
    CHECK(rc == DC1_E_NOT_FOUND, "unknown template -> %s", dc1_strerror(rc));
    json_decref(d);

    /* quotes */
    before = route_count(c, "GET /api/pricing/tiers");
    rc = CALL(&d, dc1_quote(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":10,\"placement\":\"global_queue\"}", &out));
    CHECK(rc == DC1_OK && jint(d, "cost_halala") == 90 && strcmp(jstr(d, "basis"), "job_type") == 0 &&
          route_count(c, "GET /api/pricing/tiers") == before, "queued globally: 9 × 10 = 90 halala, computed locally");
    json_decref(d);
    before = route_count(c, "GET /api/pricing/tiers");
    rc = CALL(&d, dc1_quote(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":10,\"gpu_model\":\"NVIDIA RTX 4090\"}", &out));
    CHECK(rc == DC1_OK && jint(d, "cost_halala") == 17 && route_count(c, "GET /api/pricing/tiers") == before + 1,
          "RTX 4090, 10 min = 17");
    json_decref(d);
    rc = CALL(&d, dc1_quote(c, "{\"job_type\":\"training\",\"duration_minutes\":60,\"gpu_model\":\"h100\",\"pricing_class\":\"priority\"}", &out));
    CHECK(rc == DC1_OK && jint(d, "cost_halala") == 851, "H100 60 min priority = 851 (%lld)", jint(d, "cost_halala"));
    json_decref(d);

    /* images: submit checks them only once fetched, and never fetches them itself */
    const char *bad = "{\"job_type\":\"custom_container\",\"duration_minutes\":1,"
                      "\"params\":{\"image_override\":\"evil/miner:latest\",\"script\":\"print(1)\"}}";
    before = route_count(c, "GET /api/containers/registry");
    rc = CALL(&d, dc1_job_submit(c, bad, &out));
    CHECK(rc == DC1_E_VALIDATION && d && json_object_get(d, "http_status") != NULL, "before the registry: the server refuses");
    CHECK(route_count(c, "GET /api/containers/registry") == before, "submit fetched no registry");
    json_decref(d);
    rc = CALL(&d, dc1_images_list(c, &out));
    CHECK(rc == DC1_OK && jint(d, "total") > 0 && (size_t)jint(d, "total") == json_array_size(json_object_get(d, "images")),
          "the approved images");
    json_decref(d);
    before = route_count(c, "POST /api/jobs/submit");
    long long registry = route_count(c, "GET /api/containers/registry");
    rc = CALL(&d, dc1_job_submit(c, bad, &out));
    CHECK(rc == DC1_E_VALIDATION && json_object_get(d, "http_status") == NULL &&
          strcmp(jstr(d, "error_code"), "IMAGE_NOT_APPROVED") == 0, "after it: refused locally");
    CHECK(route_count(c, "POST /api/jobs/submit") == before, "nothing was sent");
    json_decref(d);
    rc = CALL(&d, dc1_job_submit(c, "{\"job_type\":\"custom_container\",\"duration_minutes\":1,"
                                    "\"params\":{\"image_override\":\" nvcr.io/nvidia/pytorch:24.01-py3 \",\"script\":\"print(1)\"}}", &out));
    CHECK(rc == DC1_OK && route_count(c, "GET /api/containers/registry") == registry,
          "an approved image passes (spaces trimmed); no refetch (%s)", dc1_strerror(rc));
    json_decref(d);

    /* a finished job for usage and lifecycle */
    char *job_id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":1,\"params\":{\"prompt\":\"lifecycle\"}}");
    CHECK(job_id != NULL, "a job to follow");
    rc = CALL(&d, dc1_job_wait(c, job_id, "{\"timeout_ms\":60000,\"poll_interval_ms\":100}", &out));
    CHECK(rc == DC1_OK, "it completes (%s)", dc1_strerror(rc));
    json_decref(d);

    /* usage */
    rc = CALL(&d, dc1_usage(c, &out));
    json_t *all = json_object_get(d, "all_time");
    CHECK(rc == DC1_OK && jint(all, "total_jobs") >= 1 &&
          fabs(json_number_value(json_object_get(all, "total_sar")) - jint(all, "total_halala") / 100.0) < 1e-9,
          "all-time spending");
    json_t *month = json_array_get(json_object_get(d, "monthly"), 0);
    CHECK(fabs(json_number_value(json_object_get(month, "total_sar")) - jint(month, "total_halala") / 100.0) < 1e-9,
          "monthly rows gain total_sar");
    CHECK(json_is_object(json_object_get(d, "v1")), "v1 usage");
    json_decref(d);
    rc = CALL(&d, dc1_usage(wrong, &out));
    CHECK(rc == DC1_E_AUTH, "a wrong key -> %s", dc1_strerror(rc));
    json_decref(d);

    /* lifecycle */
    rc = CALL(&d, dc1_job_lifecycle(c, job_id, NULL, &out));
    size_t total = json_array_size(json_object_get(d, "events"));
    long long last = jint(json_array_get(json_object_get(d, "events"), total - 1), "sequence_no");
    CHECK(rc == DC1_OK && total >= 4, "the job's lifecycle (%zu events)", total);
    json_decref(d);
    rc = CALL(&d, dc1_job_lifecycle(c, job_id, "{\"since_sequence\":1,\"limit\":2}", &out));
    CHECK(rc == DC1_OK && json_array_size(json_object_get(d, "events")) == 2 && jint(d, "next_since_sequence") == 3 &&
          json_is_true(json_object_get(d, "has_more")), "a page of lifecycle events");
    json_decref(d);
    rc = CALL(&d, dc1_job_lifecycle(wrong, job_id, NULL, &out));
    CHECK(rc == DC1_E_AUTH, "not your job -> %s", dc1_strerror(rc));
    json_decref(d);
    /* the stream closes after its first event once: the client resumes with ?since_sequence= */
    char spec[256];
    snprintf(spec, sizeof spec, "{\"method\":\"GET\",\"path\":\"/api/jobs/%s/lifecycle/stream\",\"count\":1,\"action\":\"truncate\"}",
             job_id);
    fault(c, spec);
    event_count = 0;
    rc = CALL(&d, dc1_job_lifecycle_stream(c, job_id, "{\"timeout_ms\":20000}", on_event, NULL, &out));
    CHECK(rc == DC1_OK && event_count == (int)total && jint(d, "reconnects") == 1 && jint(d, "last_sequence") == last &&
          strcmp(jstr(d, "ended"), "end") == 0, "stream resumes after a drop without repeats (%d events, %s)",
          event_count, dc1_last_error());
    json_decref(d);
    free(job_id);

    /* what quote says is what submit holds: pinned exactly, automatic routing within the range */
    {
        rc = CALL(&d, dc1_providers_list(c, "{\"live\":true}", &out));
        json_t *p = json_array_get(json_object_get(d, "providers"), 0);
        char pinned[512];
        snprintf(pinned, sizeof pinned, "{\"job_type\":\"llm_inference\",\"duration_minutes\":3,\"provider_id\":%lld,"
                 "\"params\":{\"prompt\":\"Hi\"}}", jint(p, "id"));
        json_decref(d);
        json_t *qd = NULL, *sd = NULL;
        int rq = CALL(&qd, dc1_quote(c, pinned, &out));
        int rs = CALL(&sd, dc1_job_submit(c, pinned, &out));
        CHECK(rq == DC1_OK && rs == DC1_OK && strcmp(jstr(qd, "basis"), "provider") == 0 &&
              jint(qd, "cost_halala") == jint(json_object_get(sd, "job"), "quoted_cost_halala"),
              "pinned: the quote (%lld) is what submit holds", jint(qd, "cost_halala"));
        json_decref(qd);
        json_decref(sd);
        const char *autoreq = "{\"job_type\":\"llm_inference\",\"duration_minutes\":3,\"params\":{\"prompt\":\"Hi\"}}";
        rq = CALL(&qd, dc1_quote(c, autoreq, &out));
        rs = CALL(&sd, dc1_job_submit(c, autoreq, &out));
        long long held = jint(json_object_get(sd, "job"), "quoted_cost_halala");
        CHECK(rq == DC1_OK && rs == DC1_OK && strcmp(jstr(qd, "basis"), "auto") == 0 &&
              json_array_size(json_object_get(qd, "options")) > 0 &&
              ((held >= jint(qd, "min_cost_halala") && held <= jint(qd, "max_cost_halala")) ||
               held == jint(qd, "global_queue_cost_halala")) && jint(qd, "cost_halala") == jint(qd, "max_cost_halala"),
              "auto: submit holds %lld, inside the quoted %lld–%lld", held, jint(qd, "min_cost_halala"),
              jint(qd, "max_cost_halala"));
        json_decref(qd);
        json_decref(sd);
        rq = CALL(&qd, dc1_quote(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":3,\"provider_id\":999999}", &out));
        CHECK(rq == DC1_E_NOT_FOUND, "a pinned provider that does not exist: NOT_FOUND (rc %d)", rq);
        json_decref(qd);
    }

    /* the GPU quote is what a submit pinned to that provider is charged */
    {
        rc = CALL(&d, dc1_providers_list(c, "{\"live\":true}", &out));
        json_t *p = json_array_get(json_object_get(d, "providers"), 0);
        char q[512], sub[512];
        snprintf(q, sizeof q, "{\"job_type\":\"llm_inference\",\"duration_minutes\":2,\"gpu_model\":\"%s\"}",
                 jstr(p, "gpu_model"));
        snprintf(sub, sizeof sub, "{\"job_type\":\"llm_inference\",\"duration_minutes\":2,\"provider_id\":%lld,"
                 "\"params\":{\"prompt\":\"Hi\"}}", jint(p, "id"));
        json_decref(d);
        json_t *qd = NULL, *sd = NULL;
        int rq = CALL(&qd, dc1_quote(c, q, &out));
        int rs = CALL(&sd, dc1_job_submit(c, sub, &out));
        CHECK(rq == DC1_OK && rs == DC1_OK && jint(qd, "cost_halala") == jint(json_object_get(sd, "job"), "cost_halala"),
              "the GPU quote is the pinned submit's charge (%lld)", jint(qd, "cost_halala"));
        json_decref(qd);
        json_decref(sd);
    }

    dc1_client_free(wrong);
    dc1_client_free(c);
    TEST_DONE();
}
