/* Header sections "Jobs" (dc1_job_watch) and "Stopping one call": events up to the end, a
 * callback that ends its own call only, the wait's own deadline (DC1_E_WAIT_TIMEOUT) apart from
 * a hung request (DC1_E_TIMEOUT), and a dc1_stop that ends one thread's call. */
#include <pthread.h>
#include <unistd.h>
#include "dc1test.h"

static const char *QUICK = "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"hello watch\"}}";
static const char *SLOW = "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"SLOW watch\"}}";

struct seen { int status, ticks, retries, other; char last[32]; int stop_after_ticks; long long stop_asked_ms; };

static int on_event(void *ud, const char *event_json) {
    struct seen *s = ud;
    json_error_t err;
    json_t *e = json_loads(event_json, 0, &err);
    const char *type = jstr(e, "type");
    if (type && strcmp(type, "status") == 0) {
        s->status++;
        const char *st = jstr(e, "status");
        snprintf(s->last, sizeof s->last, "%s", st ? st : "?");
        if (!json_is_object(json_object_get(e, "job"))) s->other += 1000;   /* shape check */
    } else if (type && strcmp(type, "tick") == 0) {
        s->ticks++;
        if (!json_is_integer(json_object_get(e, "elapsed_ms")) || !json_is_integer(json_object_get(e, "remaining_ms")))
            s->other += 1000;
    } else if (type && strcmp(type, "retry") == 0) {
        s->retries++;
    } else {
        s->other++;
    }
    json_decref(e);
    if (s->stop_after_ticks && s->ticks >= s->stop_after_ticks) {
        if (!s->stop_asked_ms) s->stop_asked_ms = now_ms();
        return 1;
    }
    return 0;
}

struct waiter { dc1_client *c; const char *id; int rc; char status[32]; };
static void *wait_thread(void *p) {
    struct waiter *w = p;
    json_t *d = NULL;
    w->rc = CALL(&d, dc1_job_wait(w->c, w->id, "{\"timeout_ms\":60000,\"poll_interval_ms\":100}", &out));
    snprintf(w->status, sizeof w->status, "%s", jstr(d, "status") ? jstr(d, "status") : "?");
    json_decref(d);
    return NULL;
}

struct stopped_get { dc1_client *c; dc1_stop *stop; int rc; long long ended_ms; };
static void *get_under_stop(void *p) {
    struct stopped_get *g = p;
    json_t *d = NULL;
    dc1_stop_bind(g->stop);
    g->rc = CALL(&d, dc1_balance(g->c, &out));
    g->ended_ms = now_ms();
    dc1_stop_bind(NULL);
    json_decref(d);
    return NULL;
}

int main(void) {
    dc1_client *c = test_client(NULL);
    json_t *d = NULL;
    int rc;

    /* Events up to completed. */
    char *id = submit_job(c, QUICK);
    CHECK(id != NULL, "job submitted");
    struct seen s = {0};
    rc = CALL(&d, dc1_job_watch(c, id, "{\"timeout_ms\":60000,\"poll_interval_ms\":100,\"tick_ms\":50}", on_event, &s, &out));
    CHECK(rc == DC1_OK && jstr(d, "status") && strcmp(jstr(d, "status"), "completed") == 0, "watch → completed (%s)", dc1_last_error());
    CHECK(s.status >= 1 && strcmp(s.last, "completed") == 0, "status events up to completed (%d, last %s)", s.status, s.last);
    CHECK(s.ticks >= 1, "ticks while waiting (%d)", s.ticks);
    CHECK(s.other == 0, "every event has a known type and shape (%d)", s.other);
    CHECK(jstr(d, "mode") && strcmp(jstr(d, "mode"), "terminal") == 0, "result says the mode waited for");
    CHECK(json_object_get(d, "result") == NULL && jstr(d, "job_id"), "result is the full job document");
    json_decref(d);

    /* mode auto on an llm job waits for the end; a finished job returns at once. */
    s = (struct seen){0};
    long long t0 = now_ms();
    rc = CALL(&d, dc1_job_watch(c, id, "{\"mode\":\"auto\"}", on_event, &s, &out));
    CHECK(rc == DC1_OK && strcmp(jstr(d, "mode"), "terminal") == 0 && now_ms() - t0 < 2000,
          "mode auto on a finished llm job: terminal, at once");
    CHECK(s.status == 1, "one status event for a job already done (%d)", s.status);
    json_decref(d);
    free(id);

    /* A callback that says stop ends that watch only, promptly; a wait beside it completes. */
    char *slow = submit_job(c, SLOW);
    char *quick = submit_job(c, QUICK);
    CHECK(slow && quick, "a slow and a quick job");
    struct waiter w = { c, quick, 0, "" };
    pthread_t th;
    pthread_create(&th, NULL, wait_thread, &w);
    s = (struct seen){0};
    s.stop_after_ticks = 4;
    rc = CALL(&d, dc1_job_watch(c, slow, "{\"timeout_ms\":60000,\"tick_ms\":100}", on_event, &s, &out));
    long long lag = now_ms() - s.stop_asked_ms;
    CHECK(rc == DC1_E_INTERRUPTED, "callback's stop → DC1_E_INTERRUPTED (%s)", dc1_strerror(rc));
    CHECK(lag < 500, "ended %lld ms after the callback asked", lag);
    CHECK(jstr(d, "message") && strstr(jstr(d, "message"), "callback"), "the message names the callback");
    json_decref(d);
    pthread_join(th, NULL);
    CHECK(w.rc == DC1_OK && strcmp(w.status, "completed") == 0, "the other wait on the client completed (%s)", w.status);
    free(quick);

    /* The wait's own deadline: DC1_E_WAIT_TIMEOUT with the last state. */
    rc = CALL(&d, dc1_job_watch(c, slow, "{\"timeout_ms\":2000,\"poll_interval_ms\":100,\"use_stream\":false}", NULL, NULL, &out));
    CHECK(rc == DC1_E_WAIT_TIMEOUT, "wait past its deadline → DC1_E_WAIT_TIMEOUT (%s)", dc1_strerror(rc));
    CHECK(d && strcmp(jstr(d, "code"), "DC1_E_WAIT_TIMEOUT") == 0 && jstr(d, "job_id") && strcmp(jstr(d, "job_id"), slow) == 0,
          "error document: code and job_id");
    CHECK(json_is_object(json_object_get(d, "job")) && jstr(json_object_get(d, "job"), "status"), "error document: the job's last state");
    json_decref(d);
    rc = CALL(&d, dc1_job_wait(c, slow, "{\"timeout_ms\":300,\"use_stream\":false}", &out));
    CHECK(rc == DC1_E_WAIT_TIMEOUT, "dc1_job_wait polling: DC1_E_WAIT_TIMEOUT too");
    json_decref(d);

    /* A hung request is DC1_E_TIMEOUT, not a wait timeout. */
    dc1_client *tc = test_client("{\"timeout_ms\":500,\"max_retries\":0}");
    fault(c, "{\"method\":\"GET\",\"path\":\"/api/jobs/*\",\"action\":\"hang\",\"delay_ms\":3000,\"count\":1}");
    rc = CALL(&d, dc1_job_get(tc, slow, &out));
    CHECK(rc == DC1_E_TIMEOUT, "a hung request → DC1_E_TIMEOUT (%s)", dc1_strerror(rc));
    json_decref(d);
    dc1_client_free(tc);
    control_ok(c, "DELETE", "/__emulator/faults", NULL);

    /* A dc1_stop ends the call of the thread it is bound to, within a poll slice. */
    fault(c, "{\"method\":\"GET\",\"path\":\"/api/renters/balance\",\"action\":\"hang\",\"delay_ms\":5000,\"count\":1}");
    dc1_stop *stop = NULL;
    dc1_stop_new(&stop);
    struct stopped_get g = { c, stop, 0, 0 };
    pthread_create(&th, NULL, get_under_stop, &g);
    usleep(300 * 1000);
    long long trig = now_ms();
    dc1_stop_trigger(stop);
    pthread_join(th, NULL);
    CHECK(g.rc == DC1_E_INTERRUPTED, "stopped call → DC1_E_INTERRUPTED (%s)", dc1_strerror(g.rc));
    CHECK(g.ended_ms - trig < 500, "it ended %lld ms after the trigger", g.ended_ms - trig);
    rc = CALL(&d, dc1_balance(c, &out));
    CHECK(rc == DC1_OK, "the client goes on after a stop (another thread's call)");
    json_decref(d);
    dc1_stop_free(stop);
    control_ok(c, "DELETE", "/__emulator/faults", NULL);

    /* Streams: a tick lets the caller stop while no line arrives; the call returns "stopped". */
    s = (struct seen){0};
    s.stop_after_ticks = 2;
    rc = CALL(&d, dc1_job_status_stream(c, slow, "{\"tick_ms\":100}", on_event, &s, &out));
    CHECK(rc == DC1_OK && jstr(d, "ended") && strcmp(jstr(d, "ended"), "stopped") == 0 && now_ms() - s.stop_asked_ms < 500,
          "status stream stopped from a tick → 0, ended stopped");
    json_decref(d);

    dc1_job_cancel(c, slow, NULL);
    free(slow);
    dc1_client_free(c);
    TEST_DONE();
}
