/* Header section "Streaming": logs and status streams (ordering, reconnects, a cut stream,
 * a cancelled job ending promptly), waiting on the stream, and chat (plain and streamed). */
#include <pthread.h>
#include <unistd.h>
#include "dc1test.h"

struct collect { int count; long long last_line; int ordered; int ends; char last_type[32]; char text[4096]; int stop_after; };

static int on_log(void *u, const char *ev) {
    struct collect *c = u;
    json_t *j = json_loads(ev, 0, NULL);
    const char *type = jstr(j, "type");
    snprintf(c->last_type, sizeof c->last_type, "%s", type ? type : "?");
    if (type && strcmp(type, "log") == 0) {
        long long n = jint(j, "line_no");
        if (n <= c->last_line) c->ordered = 0;
        c->last_line = n;
        c->count++;
    } else if (type && strcmp(type, "end") == 0) {
        c->ends++;
    }
    json_decref(j);
    return c->stop_after && c->count >= c->stop_after;
}

static int on_status(void *u, const char *ev) {
    struct collect *c = u;
    json_t *j = json_loads(ev, 0, NULL);
    snprintf(c->last_type, sizeof c->last_type, "%s", jstr(j, "event") ? jstr(j, "event") : "?");
    c->count++;
    json_decref(j);
    return 0;
}

static int on_token(void *u, const char *ev) {
    struct collect *c = u;
    json_t *j = json_loads(ev, 0, NULL);
    strncat(c->text, jstr(j, "content") ? jstr(j, "content") : "", sizeof c->text - strlen(c->text) - 1);
    c->count++;
    json_decref(j);
    return 0;
}


int main(void) {
    dc1_client *c = test_client(NULL);
    json_t *d;
    int rc;

    /* Logs stream of a job from submit to end: every line once, in order, then end. */
    char *id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"stream me\"}}");
    struct collect col = { .ordered = 1 };
    rc = CALL(&d, dc1_job_logs_stream(c, id, "{\"timeout_ms\":60000}", on_log, &col, &out));
    CHECK(rc == DC1_OK, "logs stream ok (%s)", dc1_last_error());
    CHECK(col.count > 0 && col.ordered, "%d lines, strictly increasing line_no", col.count);
    CHECK(col.ends == 1 && strcmp(col.last_type, "end") == 0, "ends with the end event");
    CHECK(d && strcmp(jstr(d, "ended"), "end") == 0 && jint(d, "lines") == col.count, "summary counts the lines");
    json_decref(d);
    int total_lines = col.count;

    /* Resume: since skips what was seen. */
    struct collect col2 = { .ordered = 1 };
    rc = CALL(&d, dc1_job_logs_stream(c, id, "{\"since\":1}", on_log, &col2, &out));
    CHECK(rc == DC1_OK && col2.count == total_lines - 1, "since=1 delivers the rest (%d of %d)", col2.count, total_lines);
    json_decref(d);

    /* The consumer can stop early. */
    struct collect col3 = { .ordered = 1, .stop_after = 1 };
    rc = CALL(&d, dc1_job_logs_stream(c, id, NULL, on_log, &col3, &out));
    CHECK(rc == DC1_OK && col3.count == 1 && strcmp(jstr(d, "ended"), "stopped") == 0, "callback stops the stream");
    json_decref(d);
    free(id);

    /* A stream cut mid-body is resumed without duplicates. */
    id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"cut me\"}}");
    fault(c, "{\"method\":\"GET\",\"path\":\"/api/jobs/*/logs/stream\",\"action\":\"reset_mid_body\",\"count\":1}");
    struct collect col4 = { .ordered = 1 };
    rc = CALL(&d, dc1_job_logs_stream(c, id, "{\"timeout_ms\":60000}", on_log, &col4, &out));
    CHECK(rc == DC1_OK && col4.ordered && col4.ends == 1, "cut stream: resumed, ordered, ended (%s)", dc1_last_error());
    CHECK(d && jint(d, "reconnects") >= 1, "…after %lld reconnect(s)", d ? jint(d, "reconnects") : -1);
    json_decref(d);
    control_ok(c, "DELETE", "/__emulator/faults", NULL);
    free(id);

    /* A cancelled job's streams end promptly (other SDKs loop forever here). */
    id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"SLOW then cancel\"}}");
    rc = CALL(&d, dc1_job_cancel(c, id, &out));
    json_decref(d);
    long long t0 = now_ms();
    struct collect col5 = { .ordered = 1 };
    rc = CALL(&d, dc1_job_logs_stream(c, id, "{\"timeout_ms\":20000}", on_log, &col5, &out));
    CHECK(rc == DC1_OK && col5.ends == 1 && now_ms() - t0 < 5000, "logs stream of a cancelled job ends promptly (%lld ms)", now_ms() - t0);
    json_decref(d);
    t0 = now_ms();
    struct collect col6 = {0};
    rc = CALL(&d, dc1_job_status_stream(c, id, "{\"timeout_ms\":20000}", on_status, &col6, &out));
    CHECK(rc == DC1_OK && d && strcmp(jstr(d, "status"), "cancelled") == 0 && now_ms() - t0 < 5000,
          "status stream of a cancelled job ends promptly with status cancelled (%lld ms)", now_ms() - t0);
    json_decref(d);
    free(id);

    /* Status stream from submit to the end. */
    id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"status stream\"}}");
    struct collect col7 = {0};
    rc = CALL(&d, dc1_job_status_stream(c, id, "{\"timeout_ms\":60000}", on_status, &col7, &out));
    CHECK(rc == DC1_OK && col7.count >= 2 && d && strcmp(jstr(d, "status"), "completed") == 0,
          "status stream: %d events, ends completed", col7.count);
    json_decref(d);
    free(id);

    /* Waiting on the stream costs fewer requests than polling. */
    long long polls_before = route_count(c, "GET /api/jobs/:id/status");
    long long streams_before = route_count(c, "GET /api/jobs/:id/stream");
    id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"wait on stream\"}}");
    rc = CALL(&d, dc1_job_wait(c, id, "{\"timeout_ms\":60000}", &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "status"), "completed") == 0, "wait (stream) completes");
    CHECK(route_count(c, "GET /api/jobs/:id/stream") - streams_before == 1 &&
          route_count(c, "GET /api/jobs/:id/status") == polls_before, "wait used one stream connection and no polls");
    json_decref(d);
    free(id);

    /* When the stream is unavailable, wait falls back to polling. */
    fault(c, "{\"method\":\"GET\",\"path\":\"/api/jobs/*/stream\",\"action\":\"status\",\"status\":200,"
             "\"content_type\":\"application/json\",\"body\":\"{}\",\"count\":1}");
    id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"fallback\"}}");
    rc = CALL(&d, dc1_job_wait(c, id, "{\"timeout_ms\":60000,\"poll_interval_ms\":100}", &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "status"), "completed") == 0, "wait falls back to polling when the stream is not SSE");
    json_decref(d);
    control_ok(c, "DELETE", "/__emulator/faults", NULL);
    free(id);

    /* Interrupt a stream from another thread. */
    id = submit_job(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"SLOW stream\"}}");
    pthread_t th;
    struct interrupt_arg ia = { c, 300 };
    pthread_create(&th, NULL, interrupt_later, &ia);
    t0 = now_ms();
    struct collect col8 = { .ordered = 1 };
    rc = CALL(&d, dc1_job_logs_stream(c, id, "{\"timeout_ms\":30000}", on_log, &col8, &out));
    pthread_join(th, NULL);
    CHECK(rc == DC1_E_INTERRUPTED && now_ms() - t0 < 2500, "interrupt ends a stream (%s, %lld ms)", dc1_strerror(rc), now_ms() - t0);
    json_decref(d);
    rc = CALL(&d, dc1_job_cancel(c, id, &out));
    json_decref(d);
    free(id);

    /* Chat through /v1: plain and streamed. */
    rc = CALL(&d, dc1_chat(c, "{\"model\":\"TinyLlama/TinyLlama-1.1B-Chat-v1.0\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}",
                           NULL, NULL, &out));
    CHECK(rc == DC1_OK && jstr(d, "content") && strlen(jstr(d, "content")) > 0, "chat /v1: content (%s)", dc1_last_error());
    json_decref(d);
    struct collect tok = {0};
    rc = CALL(&d, dc1_chat(c, "{\"model\":\"TinyLlama/TinyLlama-1.1B-Chat-v1.0\",\"stream\":true,"
                              "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}", on_token, &tok, &out));
    CHECK(rc == DC1_OK && tok.count > 1, "chat /v1 stream: %d tokens", tok.count);
    CHECK(d && strcmp(jstr(d, "content"), tok.text) == 0 && json_is_true(json_object_get(d, "complete")),
          "streamed tokens add up to the content; [DONE] seen");
    json_decref(d);

    /* Chat against a vllm_serve job's endpoint. */
    id = submit_job(c, "{\"job_type\":\"vllm_serve\",\"duration_minutes\":30,\"params\":{\"model\":\"TinyLlama/TinyLlama-1.1B-Chat-v1.0\"}}");
    rc = CALL(&d, dc1_job_wait(c, id, "{\"timeout_ms\":60000,\"poll_interval_ms\":100,\"mode\":\"ready\"}", &out));
    char req[512];
    snprintf(req, sizeof req, "{\"endpoint_url\":\"%s\",\"model\":\"TinyLlama/TinyLlama-1.1B-Chat-v1.0\","
             "\"messages\":[{\"role\":\"user\",\"content\":\"Hi endpoint\"}]}", d ? jstr(d, "endpoint_url") : "");
    json_decref(d);
    rc = CALL(&d, dc1_chat(c, req, NULL, NULL, &out));
    CHECK(rc == DC1_OK && jstr(d, "content") && strlen(jstr(d, "content")) > 0, "chat against the job endpoint (%s)", dc1_last_error());
    json_decref(d);
    rc = CALL(&d, dc1_job_cancel(c, id, &out));
    json_decref(d);
    free(id);

    dc1_client_free(c);
    TEST_DONE();
}
