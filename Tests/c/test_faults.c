/* The fault matrix (RELIABILITY.md): each injected fault gives the documented outcome —
 * retried N times and then succeeded, or the right code with http_status and request_id —
 * within the call's deadline, and a submit is never duplicated. */
#include <pthread.h>
#include <unistd.h>
#include "dc1test.h"


static dc1_client *c;          /* the control client (defaults) */

static dc1_client *client_with(const char *extra) {
    char opts[512];
    snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"retry_base_ms\":20%s%s}", getenv("DC1_BASE_URL"),
             extra && *extra ? "," : "", extra ? extra : "");
    return test_client(opts);
}

/* Calls balance through `cl` and returns rc; counts requests the emulator saw. */
static int balance_call(dc1_client *cl, json_t **doc, long long *requests, long long *ms) {
    long long before = route_count(c, "GET /api/renters/balance");
    long long t0 = now_ms();
    int rc = CALL(doc, dc1_balance(cl, &out));
    *ms = now_ms() - t0;
    *requests = route_count(c, "GET /api/renters/balance") - before;
    return rc;
}

static void retried_then_ok(const char *name, const char *spec, int times) {
    dc1_client *cl = client_with("\"max_retries\":3");
    control_ok(c, "DELETE", "/__emulator/faults", NULL);
    fault(c, spec);   /* the spec's count says how many requests it spoils */
    json_t *d; long long n, ms;
    int rc = balance_call(cl, &d, &n, &ms);
    CHECK(rc == DC1_OK && n == times + 1, "%s: retried %d time(s), then ok (rc %s, %lld requests, %lld ms)",
          name, times, dc1_strerror(rc), n, ms);
    json_decref(d);
    dc1_client_free(cl);
}

static void fails_with(const char *name, const char *spec, int count, const char *extra, int want, int want_status,
                       long long want_requests) {
    dc1_client *cl = client_with(extra);
    control_ok(c, "DELETE", "/__emulator/faults", NULL);
    char s[4096];
    snprintf(s, sizeof s, "%.*s,\"count\":%d}", (int)strlen(spec) - 1, spec, count);
    fault(c, s);
    json_t *d; long long n, ms;
    int rc = balance_call(cl, &d, &n, &ms);
    CHECK(rc == want, "%s: %s (got %s: %s)", name, dc1_strerror(want), dc1_strerror(rc), d ? jstr(d, "message") : "");
    if (want_status) CHECK(d && jint(d, "http_status") == want_status, "%s: http_status %d", name, want_status);
    if (want_status) CHECK(d && jstr(d, "request_id") && strlen(jstr(d, "request_id")) > 0, "%s: request_id present", name);
    if (want_requests >= 0) CHECK(n == want_requests, "%s: %lld request(s) (want %lld)", name, n, want_requests);
    json_decref(d);
    control_ok(c, "DELETE", "/__emulator/faults", NULL);
    dc1_client_free(cl);
}

int main(void) {
    c = test_client(NULL);
    json_t *d;
    int rc;
    long long n, ms;
    const char *B = "\"method\":\"GET\",\"path\":\"/api/renters/balance\"";
    char spec[512];

    /* Connection refused: a closed port. */
    {
        dc1_client *cl = test_client("{\"base_url\":\"http://127.0.0.1:9\",\"max_retries\":2,\"retry_base_ms\":10}");
        long long t0 = now_ms();
        rc = CALL(&d, dc1_balance(cl, &out));
        CHECK(rc == DC1_E_NETWORK && jint(d, "attempts") == 3, "connection refused: DC1_E_NETWORK after 3 attempts (%lld ms)", now_ms() - t0);
        json_decref(d);
        dc1_client_free(cl);
    }

    snprintf(spec, sizeof spec, "{%s,\"action\":\"reset_before\",\"count\":1}", B);
    retried_then_ok("reset before the response", spec, 1);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"reset_mid_body\",\"count\":1}", B);
    retried_then_ok("reset mid-body", spec, 1);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"truncate\",\"count\":1}", B);
    retried_then_ok("truncated body", spec, 1);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":429,\"headers\":{\"Retry-After\":\"1\"},"
             "\"body\":\"{\\\"error\\\":\\\"Rate limit exceeded\\\",\\\"retryAfterSeconds\\\":1,\\\"retryAfterMs\\\":1000}\",\"count\":1}", B);
    {
        dc1_client *cl = client_with("\"max_retries\":3");
        control_ok(c, "DELETE", "/__emulator/faults", NULL);
        fault(c, spec);
        rc = balance_call(cl, &d, &n, &ms);
        CHECK(rc == DC1_OK && n == 2 && ms >= 950, "429 Retry-After: 1 s honoured, then ok (%lld ms, %lld requests)", ms, n);
        json_decref(d);
        dc1_client_free(cl);
    }
    {
        /* Retry-After as an HTTP date two seconds ahead. */
        char date[64];
        time_t t = time(NULL) + 2;
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime(&t));
        snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":429,\"headers\":{\"Retry-After\":\"%s\"},"
                 "\"body\":\"{\\\"error\\\":\\\"Rate limit exceeded.\\\"}\",\"count\":1}", B, date);
        dc1_client *cl = client_with("\"max_retries\":3");
        fault(c, spec);
        rc = balance_call(cl, &d, &n, &ms);
        CHECK(rc == DC1_OK && n == 2 && ms >= 900, "429 Retry-After as an HTTP date honoured (%lld ms)", ms);
        json_decref(d);
        dc1_client_free(cl);
    }
    snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":429,\"headers\":{\"Retry-After\":\"1\"},"
             "\"body\":\"{\\\"error\\\":\\\"Rate limit exceeded\\\"}\"}", B);
    fails_with("429 beyond max_retries", spec, 5, "\"max_retries\":1", DC1_E_RATE_LIMITED, 429, 2);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":429,\"headers\":{\"Retry-After\":\"120\"},"
             "\"body\":\"{\\\"error\\\":\\\"Rate limit exceeded\\\"}\"}", B);
    fails_with("429 Retry-After over max_retry_after_ms", spec, 1, "\"max_retry_after_ms\":5000", DC1_E_RATE_LIMITED, 429, 1);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":429,"
             "\"body\":\"{\\\"error\\\":\\\"Daily job submission quota exceeded\\\",\\\"daily_jobs_limit\\\":100}\"}", B);
    fails_with("quota 429 without Retry-After: not retried", spec, 3, "\"max_retries\":3", DC1_E_QUOTA_EXCEEDED, 429, 1);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":500,\"body\":\"{\\\"error\\\":\\\"Failed\\\"}\"}", B);
    fails_with("500: not retried", spec, 3, "\"max_retries\":3", DC1_E_SERVER, 500, 1);
    for (int s = 502; s <= 504; s++) {
        char name[32];
        snprintf(name, sizeof name, "%d then ok", s);
        snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":%d,\"body\":\"{\\\"error\\\":\\\"upstream\\\"}\",\"count\":2}", B, s);
        retried_then_ok(name, spec, 2);
        snprintf(name, sizeof name, "%d persisting", s);
        snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":%d,\"body\":\"{\\\"error\\\":\\\"upstream\\\"}\"}", B, s);
        fails_with(name, spec, 9, "\"max_retries\":2", DC1_E_SERVER, s, 3);
    }
    snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":500,\"content_type\":\"text/html\","
             "\"body\":\"<!DOCTYPE html><html><head><title>Error</title></head><body><pre>Internal Server Error</pre></body></html>\"}", B);
    fails_with("HTML 500 page", spec, 1, "\"max_retries\":0", DC1_E_SERVER, 500, 1);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"malformed_json\"}", B);
    fails_with("malformed JSON", spec, 1, "\"max_retries\":0", DC1_E_PROTOCOL, 200, 1);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"truncate\"}", B);
    fails_with("truncated JSON persisting", spec, 5, "\"max_retries\":1", DC1_E_PROTOCOL, 0, 2);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":200,\"content_type\":\"text/html\","
             "\"body\":\"<html><body>Welcome to nginx!</body></html>\"}", B);
    fails_with("wrong content type (HTML 200)", spec, 1, "\"max_retries\":0", DC1_E_PROTOCOL, 200, 1);
    snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":302,\"headers\":{\"Location\":\"http://127.0.0.2:9/steal\"},\"body\":\"\"}", B);
    fails_with("redirect to another host: not followed", spec, 1, "\"max_retries\":0", DC1_E_PROTOCOL, 302, 1);
    fails_with("body beyond max_response_bytes", "{\"method\":\"GET\",\"path\":\"/api/renters/balance\",\"action\":\"status\",\"status\":200,"
               "\"body\":\"{\\\"pad\\\":\\\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\\"}\"}",
               1, "\"max_retries\":0,\"max_response_bytes\":1024", DC1_E_PROTOCOL, 0, 1);

    /* Headers that never come, and a body slower than any sane rate: the deadline holds. */
    snprintf(spec, sizeof spec, "{%s,\"action\":\"hang\",\"delay_ms\":20000}", B);
    {
        dc1_client *cl = client_with("\"max_retries\":3,\"timeout_ms\":800");
        fault(c, spec);
        rc = balance_call(cl, &d, &n, &ms);
        CHECK(rc == DC1_E_TIMEOUT && ms < 2000, "headers never come: DC1_E_TIMEOUT within the deadline (%lld ms)", ms);
        json_decref(d);
        control_ok(c, "DELETE", "/__emulator/faults", NULL);
        dc1_client_free(cl);
    }
    snprintf(spec, sizeof spec, "{%s,\"action\":\"slow_body\",\"bytes_per_sec\":5}", B);
    {
        dc1_client *cl = client_with("\"max_retries\":3,\"timeout_ms\":800");
        fault(c, spec);
        rc = balance_call(cl, &d, &n, &ms);
        CHECK(rc == DC1_E_TIMEOUT && ms < 2000, "slow body: DC1_E_TIMEOUT within the deadline (%lld ms)", ms);
        json_decref(d);
        control_ok(c, "DELETE", "/__emulator/faults", NULL);
        dc1_client_free(cl);
    }

    /* Submit: the answer is lost after the job was created. No second paid job, ever. */
    const char *req = "{\"job_type\":\"llm_inference\",\"duration_minutes\":7,\"params\":{\"prompt\":\"reconcile me\"}}";
    const char *S = "\"method\":\"POST\",\"path\":\"/api/jobs/submit\"";
    {
        dc1_client *cl = client_with("\"max_retries\":3");
        long long before = jobs_created(c);
        long long sub_before = route_count(c, "POST /api/jobs/submit");
        snprintf(spec, sizeof spec, "{%s,\"action\":\"reset_after\",\"count\":1}", S);
        fault(c, spec);
        rc = CALL(&d, dc1_job_submit(cl, req, &out));
        CHECK(rc == DC1_OK && json_is_true(json_object_get(d, "reconciled")), "submit reset after processing: reconciled from history (%s)",
              dc1_strerror(rc));
        CHECK(jobs_created(c) - before == 1, "…exactly one job was created (%lld)", jobs_created(c) - before);
        CHECK(route_count(c, "POST /api/jobs/submit") - sub_before == 1, "…and the submit was sent once");
        json_decref(d);
        dc1_client_free(cl);
    }
    {
        dc1_client *cl = client_with("\"max_retries\":3");
        long long before = jobs_created(c);
        snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":504,\"body\":\"{\\\"error\\\":\\\"gateway timeout\\\"}\",\"count\":1}", S);
        fault(c, spec);
        rc = CALL(&d, dc1_job_submit(cl, req, &out));
        CHECK(rc == DC1_E_SUBMIT_UNKNOWN && json_is_array(json_object_get(d, "candidates")),
              "submit 504: DC1_E_SUBMIT_UNKNOWN with candidates (%s)", dc1_strerror(rc));
        CHECK(jobs_created(c) == before, "…and no job was created by a retry");
        json_decref(d);
        dc1_client_free(cl);
    }
    {
        dc1_client *cl = client_with("\"max_retries\":3");
        long long before = jobs_created(c);
        snprintf(spec, sizeof spec, "{%s,\"action\":\"reset_before\",\"count\":1}", S);
        fault(c, spec);
        rc = CALL(&d, dc1_job_submit(cl, req, &out));
        CHECK(rc == DC1_OK || rc == DC1_E_SUBMIT_UNKNOWN, "submit reset before processing: ok or reported (%s)", dc1_strerror(rc));
        CHECK(jobs_created(c) - before <= 1, "…never two jobs (%lld)", jobs_created(c) - before);
        json_decref(d);
        dc1_client_free(cl);
    }
    {
        dc1_client *cl = client_with("\"max_retries\":3");
        long long before = jobs_created(c);
        snprintf(spec, sizeof spec, "{%s,\"action\":\"status\",\"status\":429,\"headers\":{\"Retry-After\":\"1\"},"
                 "\"body\":\"{\\\"error\\\":\\\"Rate limit exceeded\\\"}\",\"count\":1}", S);
        fault(c, spec);
        rc = CALL(&d, dc1_job_submit(cl, req, &out));
        CHECK(rc == DC1_OK && jobs_created(c) - before == 1, "submit 429 with Retry-After: retried, one job");
        json_decref(d);
        dc1_client_free(cl);
    }
    {
        dc1_client *cl = client_with("\"max_retries\":3,\"timeout_ms\":800");
        long long before = jobs_created(c);
        snprintf(spec, sizeof spec, "{%s,\"action\":\"hang\",\"delay_ms\":3000,\"count\":1}", S);
        fault(c, spec);
        long long t0 = now_ms();
        rc = CALL(&d, dc1_job_submit(cl, req, &out));
        CHECK(rc == DC1_E_SUBMIT_UNKNOWN || rc == DC1_E_TIMEOUT, "submit with no answer: reported, not resubmitted (%s, %lld ms)",
              dc1_strerror(rc), now_ms() - t0);
        CHECK(jobs_created(c) - before <= 1, "…at most one job");
        json_decref(d);
        control_ok(c, "DELETE", "/__emulator/faults", NULL);
        dc1_client_free(cl);
    }

    {
        /* A 201 whose body is unreadable: the job exists; it is found, not resubmitted. */
        dc1_client *cl = client_with("\"max_retries\":3");
        long long before = jobs_created(c);
        snprintf(spec, sizeof spec, "{%s,\"action\":\"malformed_json\",\"count\":1}", S);
        fault(c, spec);
        rc = CALL(&d, dc1_job_submit(cl, "{\"job_type\":\"image_generation\",\"duration_minutes\":3,\"params\":{}}", &out));
        CHECK(rc == DC1_OK && json_is_true(json_object_get(d, "reconciled")), "submit answered with malformed JSON: reconciled (%s)",
              dc1_strerror(rc));
        CHECK(jobs_created(c) - before == 1, "…one job");
        json_decref(d);
        dc1_client_free(cl);
    }
    {
        /* dc1_client_interrupt ends a request whose answer never comes, within ~100 ms. */
        dc1_client *cl = client_with("\"max_retries\":0,\"timeout_ms\":20000");
        snprintf(spec, sizeof spec, "{%s,\"action\":\"hang\",\"delay_ms\":10000,\"count\":1}", B);
        fault(c, spec);
        pthread_t th;
        struct interrupt_arg ia = { cl, 200 };
        pthread_create(&th, NULL, interrupt_later, &ia);
        long long t0 = now_ms();
        rc = CALL(&d, dc1_balance(cl, &out));
        long long took = now_ms() - t0;
        pthread_join(th, NULL);
        CHECK(rc == DC1_E_INTERRUPTED && took < 200 + 150, "interrupt during a hung request: %s after %lld ms (interrupt at 200)",
              dc1_strerror(rc), took);
        json_decref(d);
        control_ok(c, "DELETE", "/__emulator/faults", NULL);
        dc1_client_free(cl);
    }
    {
        /* A key with a trailing newline (read from a file) still works. */
        char opts[256];
        snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"api_key\":\"%s\\n\"}", getenv("DC1_BASE_URL"), getenv("DC1_API_KEY"));
        dc1_client *cl = test_client(opts);
        rc = CALL(&d, dc1_balance(cl, &out));
        CHECK(rc == DC1_OK, "a key with a trailing newline is trimmed");
        json_decref(d);
        dc1_client_free(cl);
    }

    /* The key never leaves in an error document. */
    rc = CALL(&d, dc1_job_get(c, "job-0-missing", &out));
    char *txt = json_dumps(d, 0);
    CHECK(txt && !strstr(txt, getenv("DC1_API_KEY")), "error documents never hold the key");
    free(txt);
    json_decref(d);

    dc1_client_free(c);
    TEST_DONE();
}
