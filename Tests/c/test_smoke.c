/* The thin end-to-end path: balance, submit, wait, output against the emulator. */
#include "dc1test.h"

int main(void) {
    dc1_client *c = test_client(NULL);
    char *out = NULL;

    int rc = dc1_balance(c, &out);
    json_t *bal = take_json(out);
    CHECK(rc == DC1_OK && json_integer_value(json_object_get(bal, "balance_halala")) > 0, "balance is funded");
    json_decref(bal);

    char *id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,"
                             "\"params\":{\"prompt\":\"What is the capital of Saudi Arabia?\"}}");
    CHECK(id != NULL, "submit returns a job_id");
    if (!id) TEST_DONE();

    out = NULL;
    rc = dc1_job_wait(c, id, "{\"timeout_ms\":60000,\"poll_interval_ms\":100}", &out);
    json_t *job = take_json(out);
    CHECK(rc == DC1_OK, "wait returns (%s)", dc1_last_error());
    CHECK(job && strcmp(jstr(job, "status"), "completed") == 0, "job completed");
    json_decref(job);

    out = NULL;
    rc = dc1_job_output(c, id, &out);
    json_t *o = take_json(out);
    CHECK(rc == DC1_OK, "output (%s)", dc1_last_error());
    CHECK(o && strcmp(jstr(o, "kind"), "text") == 0, "output kind is text");
    CHECK(o && jstr(o, "text") && strlen(jstr(o, "text")) > 0, "output has text");
    json_decref(o);
    free(id);
    dc1_client_free(c);
    TEST_DONE();
}
