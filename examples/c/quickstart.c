/* The guide's quickstart: balance → providers → LLM job → wait → output → cost.
 * Build: cc quickstart.c $(pkg-config --cflags --libs dc1 jansson)
 * Run:   DC1_API_KEY=… [DC1_BASE_URL=…] ./quickstart */
#include "common.h"

int main(void) {
    dc1_client *c = NULL;
    char *out = NULL;
    if (dc1_client_new(&c, NULL) != DC1_OK) { fprintf(stderr, "%s\n", dc1_last_error()); return 1; }

    int rc = dc1_balance(c, &out);
    check(rc, out, "balance");
    json_t *bal = parse(out);
    printf("Balance: %.2f SAR\n", json_number_value(json_object_get(bal, "balance_sar")));
    json_decref(bal);

    long long provider = pick_provider(c, 0);
    /* provider_id is optional: without it the server routes the job automatically. */
    char req[512], pin[48] = "";
    if (provider) snprintf(pin, sizeof pin, "\"provider_id\":%lld,", provider);
    snprintf(req, sizeof req,
             "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,%s"
             "\"params\":{\"model\":\"TinyLlama/TinyLlama-1.1B-Chat-v1.0\","
             "\"prompt\":\"Write a haiku about desert computing\",\"max_tokens\":128,\"temperature\":0.8}}", pin);
    out = NULL;
    rc = dc1_job_submit(c, req, &out);
    check(rc, out, "submit");
    json_t *sub = parse(out);
    json_t *job = json_object_get(sub, "job");
    char job_id[128];
    snprintf(job_id, sizeof job_id, "%s", json_string_value(json_object_get(job, "job_id")));
    printf("Job submitted: %s (cost: %lld halala)\n", job_id, (long long)json_integer_value(json_object_get(job, "cost_halala")));
    json_decref(sub);

    out = NULL;
    rc = dc1_job_wait(c, job_id, "{\"timeout_ms\":600000}", &out);
    check(rc, out, "wait");
    json_t *done = parse(out);
    printf("Status: %s\n", json_string_value(json_object_get(done, "status")));
    json_decref(done);

    out = NULL;
    rc = dc1_job_output(c, job_id, &out);
    check(rc, out, "output");
    json_t *res = parse(out);
    printf("\nResult:\n%s\n", json_string_value(json_object_get(res, "text")));
    json_t *cost = json_object_get(res, "actual_cost_halala");
    if (json_is_integer(cost)) printf("\nActual cost: %lld halala\n", (long long)json_integer_value(cost));
    json_decref(res);
    dc1_client_free(c);
    return 0;
}
