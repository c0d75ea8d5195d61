/* ABI test: every pointer parameter given NULL, and other bad input, yields
 * DC1_E_INVALID_ARGUMENT (or the documented code) and no crash — with no network:
 * the client points at a closed port, so any request would show up as DC1_E_NETWORK. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dc1.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) { passed++; printf("ok - "); } else { failed++; printf("not ok - line %d: ", __LINE__); } \
    printf(__VA_ARGS__); printf("\n"); } while (0)
#define INVALID(expr) do { char *o_ = NULL; int rc_ = (expr); \
    CHECK(rc_ == DC1_E_INVALID_ARGUMENT, "%s -> %s (%s)", #expr, dc1_strerror(rc_), dc1_last_error()); \
    (void)o_; } while (0)

int main(void) {
    dc1_client *c = NULL;
    char *out = NULL;
    const char *opts = "{\"base_url\":\"http://127.0.0.1:9\",\"api_key\":\"dcp-renter-test\",\"max_retries\":0}";
    CHECK(dc1_client_new(&c, opts) == DC1_OK, "client on a closed port");

    /* client */
    INVALID(dc1_client_new(NULL, NULL));
    INVALID(dc1_client_interrupt(NULL));
    INVALID(dc1_client_config(c, NULL));
    INVALID(dc1_client_config(NULL, NULL));
    INVALID(dc1_client_set_logger(NULL, NULL, NULL, 0));
    dc1_client_free(NULL);
    CHECK(1, "dc1_client_free(NULL) is a no-op");
    dc1_free(NULL);
    CHECK(1, "dc1_free(NULL) is a no-op");

    /* NULL client */
    INVALID(dc1_balance(NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_me(NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_providers_list(NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_submit(NULL, "{}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_get(NULL, "job-1", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_get_with_output(NULL, "job-1", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_provider_get(NULL, 1, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_status(NULL, "job-1", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_wait(NULL, "job-1", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_watch(NULL, "job-1", NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_output(NULL, "job-1", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_save_image(NULL, "job-1", "/tmp/x.png", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_cancel(NULL, "job-1", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_logs(NULL, "job-1", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_jobs_history(NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_request(NULL, "GET", "/api/health", NULL, &out)); dc1_free(out); out = NULL;

    /* NULL out_json */
    INVALID(dc1_balance(c, NULL));
    INVALID(dc1_me(c, NULL));
    INVALID(dc1_providers_list(c, NULL, NULL));
    INVALID(dc1_job_submit(c, "{}", NULL));
    INVALID(dc1_job_get(c, "job-1", NULL));
    INVALID(dc1_job_get_with_output(c, "job-1", NULL));
    INVALID(dc1_provider_get(c, 1, NULL));
    INVALID(dc1_provider_get(c, -5, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_status(c, "job-1", NULL));
    INVALID(dc1_job_wait(c, "job-1", NULL, NULL));
    INVALID(dc1_job_watch(c, "job-1", NULL, NULL, NULL, NULL));
    INVALID(dc1_job_output(c, "job-1", NULL));
    INVALID(dc1_job_cancel(c, "job-1", NULL));
    INVALID(dc1_job_logs(c, "job-1", NULL, NULL));
    INVALID(dc1_jobs_history(c, NULL, NULL));
    INVALID(dc1_request(c, "GET", "/api/health", NULL, NULL));

    /* NULL string arguments */
    INVALID(dc1_job_submit(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_get(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_get_with_output(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_status(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_wait(c, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_watch(c, NULL, NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_output(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_save_image(c, NULL, "/tmp/x.png", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_save_image(c, "job-1", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_cancel(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_logs(c, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_request(c, NULL, "/api/health", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_request(c, "GET", NULL, NULL, &out)); dc1_free(out); out = NULL;

    /* streaming and webhooks */
    INVALID(dc1_job_logs_stream(NULL, "job-1", NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_logs_stream(c, NULL, NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_logs_stream(c, "job-1", NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_logs_stream(c, "job-1", NULL, NULL, NULL, NULL));
    INVALID(dc1_job_status_stream(NULL, "job-1", NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_status_stream(c, "job-1", NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_chat(NULL, "{}", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_chat(c, NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_chat(c, "{\"model\":\"m\",\"messages\":[]}", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_chat(c, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[1]}]}", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_chat(c, "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}],\"endpoint_url\":\"file:///etc\"}", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhook_verify(NULL, "sha256=00", "{}", 2));
    INVALID(dc1_webhook_verify("secret", NULL, "{}", 2));
    INVALID(dc1_webhook_verify("secret", "sha256=00", NULL, 2));
    INVALID(dc1_webhook_parse(NULL, 0, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhook_parse("{", 1, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhook_parse("{}", 2, NULL));
    INVALID(dc1_webhook_set_url(NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhooks_list(NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhooks_list(c, NULL));
    INVALID(dc1_webhook_register(NULL, "{}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhook_register(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhook_register(c, "{\"url\":\"https://x\"}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhook_delete(NULL, "w1", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhook_delete(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_webhook_delete(c, "../keys", &out)); dc1_free(out); out = NULL;

    /* batch */
    INVALID(dc1_batch_run(NULL, "/tmp/in.jsonl", NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_batch_run(c, NULL, NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_batch_run(c, "/tmp/in.jsonl", NULL, NULL, NULL, NULL));
    INVALID(dc1_batch_run(c, "/tmp/in.jsonl", "{\"concurrency\":0}", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_batch_run(c, "/tmp/in.jsonl", "{\"colour\":1}", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_batch_run(c, "/tmp/in.jsonl", "{bad", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_batch_status(NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_batch_status("", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_batch_status("/tmp/x.journal", NULL));

    /* the error document is there and names the code */
    out = NULL;
    int rc = dc1_job_get(c, NULL, &out);
    CHECK(rc == DC1_E_INVALID_ARGUMENT && out && strstr(out, "\"code\":\"DC1_E_INVALID_ARGUMENT\""), "error document: %s", out ? out : "(null)");
    dc1_free(out); out = NULL;

    /* catalogue and lifecycle */
    INVALID(dc1_models_list(NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_models_list(c, NULL, NULL));
    INVALID(dc1_models_list(c, "{\"arabic\":\"yes\"}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_models_list(c, "{\"colour\":1}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_model_get(NULL, "m", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_model_get(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_model_get(c, "m", NULL));
    INVALID(dc1_model_get(c, "../renters/balance", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_model_get(c, "org//m", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_model_get(c, "m?x=1", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_images_list(NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_images_list(c, NULL));
    INVALID(dc1_templates_list(NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_templates_list(c, NULL, NULL));
    INVALID(dc1_templates_list(c, "{\"tag\":1}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_template_request(NULL, "t", "{}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_template_request(c, NULL, "{}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_template_request(c, "t", "{}", NULL));
    INVALID(dc1_template_request(c, "../x", "{}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_template_request(c, "t", "[1]", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_quote(NULL, "{}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_quote(c, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_quote(c, "{}", NULL));
    INVALID(dc1_quote(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"extra\":1}", &out)); dc1_free(out); out = NULL;
    rc = dc1_quote(c, "{\"duration_minutes\":5}", &out);
    CHECK(rc == DC1_E_VALIDATION, "quote without job_type -> %s", dc1_strerror(rc)); dc1_free(out); out = NULL;
    rc = dc1_quote(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"placement\":\"global_queue\"}", &out);
    CHECK(rc == DC1_OK && out && strstr(out, "\"cost_halala\":45"), "job-type quote needs no network: %s", out ? out : dc1_last_error());
    dc1_free(out); out = NULL;
    INVALID(dc1_usage(NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_usage(c, NULL));
    INVALID(dc1_job_lifecycle(NULL, "job-1", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_lifecycle(c, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_lifecycle(c, "job-1", NULL, NULL));
    INVALID(dc1_job_lifecycle(c, "job-1", "{\"limit\":0}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_lifecycle(c, "../x", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_lifecycle_stream(NULL, "job-1", NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_lifecycle_stream(c, NULL, NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_lifecycle_stream(c, "job-1", NULL, NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_lifecycle_stream(c, "job-1", NULL, NULL, NULL, NULL));

    /* job ids that look like paths or carry CR/LF never reach the network */
    const char *bad_ids[] = {"", "../renters/balance", "job-1/../../x", "job?x=1", "job#frag", "job%2Fx", "job\r\nX-Evil: 1",
                             "job 1", ".", "..", "job\xff\xfe"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof *bad_ids; i++) {
        INVALID(dc1_job_get(c, bad_ids[i], &out)); dc1_free(out); out = NULL;
        INVALID(dc1_job_cancel(c, bad_ids[i], &out)); dc1_free(out); out = NULL;
    }
    char *huge = malloc(1 << 20);
    memset(huge, 'a', (1 << 20) - 1); huge[(1 << 20) - 1] = 0;
    INVALID(dc1_job_status(c, huge, &out)); dc1_free(out); out = NULL;

    /* invalid JSON and wrong types */
    INVALID(dc1_job_submit(c, "{not json", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_submit(c, "[1,2]", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_submit(c, "\"a string\"", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_submit(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"p\":\"\xc3\x28\"}}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_providers_list(c, "{\"live\":\"yes\"}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_providers_list(c, "{\"colour\":1}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_wait(c, "job-1", "{\"timeout_ms\":\"soon\"}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_wait(c, "job-1", "{\"mode\":\"later\"}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_watch(c, "job-1", "{\"tick_ms\":1}", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_logs_stream(c, "job-1", "{\"tick_ms\":\"often\"}", NULL, NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_job_logs(c, "job-1", "{\"limit\":0}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_jobs_history(c, "{\"limit\":-1}", &out)); dc1_free(out); out = NULL;
    INVALID(dc1_request(c, "BREW", "/api/health", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_request(c, "GET", "http://evil.example/x", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_request(c, "GET", "//evil.example/x", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_request(c, "GET", "/api/x\r\nHost: evil", NULL, &out)); dc1_free(out); out = NULL;
    INVALID(dc1_request(c, "POST", "/api/x", "{bad", &out)); dc1_free(out); out = NULL;

    /* client options */
    dc1_client *c2 = NULL;
    INVALID(dc1_client_new(&c2, "{bad json"));
    INVALID(dc1_client_new(&c2, "[]"));
    INVALID(dc1_client_new(&c2, "{\"timeout_ms\":\"30\"}"));
    INVALID(dc1_client_new(&c2, "{\"no_such_option\":1}"));
    INVALID(dc1_client_new(&c2, "{\"base_url\":\"ftp://x\"}"));
    INVALID(dc1_client_new(&c2, "{\"base_url\":\"http://api.dcp.sa\"}"));
    INVALID(dc1_client_new(&c2, "{\"api_key\":\"dcp-renter-x\\r\\nX: y\"}"));
    CHECK(c2 == NULL, "no client is returned on failure");
    /* stops */
    INVALID(dc1_stop_new(NULL));
    INVALID(dc1_stop_trigger(NULL));
    CHECK(dc1_stop_is_triggered(NULL) == 0, "dc1_stop_is_triggered(NULL) is 0");
    CHECK(dc1_stop_bind(NULL) == DC1_OK, "dc1_stop_bind(NULL) unbinds");
    dc1_stop_free(NULL);
    CHECK(1, "dc1_stop_free(NULL) is a no-op");
    {
        dc1_stop *s = NULL;
        CHECK(dc1_stop_new(&s) == DC1_OK && s, "dc1_stop_new");
        CHECK(dc1_stop_is_triggered(s) == 0, "a new stop is not triggered");
        dc1_stop_bind(s);
        dc1_stop_free(s);                       /* safe while bound: the binding holds a reference */
        CHECK(dc1_stop_is_triggered(s) == 0, "a freed but bound stop is still alive");
        dc1_stop_trigger(s);
        int rc2 = dc1_balance(c, &out);
        CHECK(rc2 == DC1_E_INTERRUPTED, "a call under a triggered stop -> %s", dc1_strerror(rc2));
        dc1_free(out); out = NULL;
        dc1_stop_bind(NULL);
        rc2 = dc1_balance(c, &out);
        CHECK(rc2 == DC1_E_NETWORK, "unbound, the same call runs -> %s", dc1_strerror(rc2));
        dc1_free(out); out = NULL;
    }
    CHECK(strcmp(dc1_strerror(DC1_E_WAIT_TIMEOUT), "DC1_E_WAIT_TIMEOUT") == 0, "strerror(WAIT_TIMEOUT)");
    CHECK(strcmp(dc1_strerror(DC1_E_BUSY), "DC1_E_BUSY") == 0, "strerror(BUSY)");

    CHECK(dc1_client_new(&c2, "{\"base_url\":\"http://api.example.com\",\"allow_insecure_http\":true}") == DC1_OK,
          "plain http to a remote host with the opt-in");
    dc1_client_free(c2);

    /* strerror and last_error */
    CHECK(strcmp(dc1_strerror(DC1_OK), "DC1_OK") == 0, "strerror(0)");
    CHECK(strcmp(dc1_strerror(DC1_E_TIMEOUT), "DC1_E_TIMEOUT") == 0, "strerror(TIMEOUT)");
    CHECK(strcmp(dc1_strerror(-12345), "DC1_E_UNKNOWN") == 0, "strerror(unknown)");
    CHECK(dc1_last_error() != NULL, "last_error never NULL");
    CHECK(strcmp(dc1_version(), DC1_VERSION_STRING) == 0, "dc1_version() == DC1_VERSION_STRING (%s)", dc1_version());

    /* a call that does reach the (closed) network fails as a network error, not a crash */
    rc = dc1_balance(c, &out);
    CHECK(rc == DC1_E_NETWORK, "balance on a closed port -> %s", dc1_strerror(rc));
    CHECK(out && !strstr(out, "dcp-renter-test"), "error document holds no key");
    dc1_free(out);

    dc1_client_free(c);
    free(huge);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
