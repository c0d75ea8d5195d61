/* Header section "Batch": dc1_batch_run end to end (results, retries, an invalid line), a
 * callback that stops the batch and a resume that pays nothing twice, a quota stop,
 * dc1_batch_status, one run per journal (DC1_E_BUSY) and the run's own timeout_ms. */
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dc1test.h"

static char dir[256];

static void path(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", dir, name); }

static void write_input(const char *file, int lines, int fail_line, int bad_line) {
    FILE *f = fopen(file, "w");
    for (int i = 1; i <= lines; i++) {
        if (i == bad_line) {
            fprintf(f, "{\"id\":%d,\"job_type\":\"llm_inference\",\"duration_minutes\":2,\"colour\":\"red\"}\n", i);
        } else {
            fprintf(f, "{\"id\":%d,\"job_type\":\"llm_inference\",\"duration_minutes\":2,"
                       "\"params\":{\"prompt\":\"c batch %d%s\",\"max_tokens\":8}}\n", i, i, i == fail_line ? " FAIL" : "");
        }
    }
    fclose(f);
}

struct events { int line, progress, tick, submitted, stop_after_submits; };

static int on_event(void *ud, const char *event_json) {
    struct events *e = ud;
    json_t *j = json_loads(event_json, 0, NULL);
    const char *type = jstr(j, "type");
    if (type && strcmp(type, "line") == 0) {
        e->line++;
        if (strcmp(jstr(j, "status"), "submitted") == 0) e->submitted++;
    } else if (type && strcmp(type, "progress") == 0) {
        e->progress++;
    } else if (type && strcmp(type, "tick") == 0) {
        e->tick++;
    }
    json_decref(j);
    return e->stop_after_submits && e->submitted >= e->stop_after_submits;
}

static int count_lines(const char *file) {
    FILE *f = fopen(file, "r");
    if (!f) return -1;
    int n = 0, ch;
    while ((ch = fgetc(f)) != EOF) n += ch == '\n';
    fclose(f);
    return n;
}

/* A batch on another thread, for the one-run-per-journal check. */
struct run_arg { dc1_client *c; const char *in, *opts; int rc; json_t *doc; };
static void *run_batch(void *p) {
    struct run_arg *a = p;
    a->rc = CALL(&a->doc, dc1_batch_run(a->c, a->in, a->opts, NULL, NULL, &out));
    return NULL;
}

static void write_slow_input(const char *file, int lines) {
    FILE *f = fopen(file, "w");
    for (int i = 1; i <= lines; i++)
        fprintf(f, "{\"id\":%d,\"job_type\":\"llm_inference\",\"duration_minutes\":2,"
                   "\"params\":{\"prompt\":\"SLOW c batch %d\",\"max_tokens\":8}}\n", i, i);
    fclose(f);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/dc1-test-batch-%d", (int)getpid());
    mkdir(dir, 0755);
    dc1_client *c = test_client(NULL);
    char in[300], outp[300], jr[300], opts[1200];
    json_t *d = NULL;

    /* 1. six lines: one fails (two attempts), one is invalid. */
    path(in, sizeof in, "a.jsonl"); path(outp, sizeof outp, "a.out"); path(jr, sizeof jr, "a.journal");
    write_input(in, 6, 3, 5);
    snprintf(opts, sizeof opts, "{\"out_path\":\"%s\",\"journal_path\":\"%s\",\"concurrency\":3,\"max_attempts\":2}", outp, jr);
    long long before = jobs_created(c);
    struct events ev = {0};
    int rc = CALL(&d, dc1_batch_run(c, in, opts, on_event, &ev, &out));
    CHECK(rc == DC1_OK, "batch runs to its end (rc %d)", rc);
    CHECK(jint(d, "lines") == 6 && jint(d, "completed") == 4 && jint(d, "failed") == 1 && jint(d, "invalid") == 1,
          "4 completed, 1 failed, 1 invalid (counted apart)");
    CHECK(jint(d, "attempts") == 6 && jobs_created(c) - before == 6, "one job per attempt: 4 + 2 for the failing line");
    CHECK(json_is_false(json_object_get(d, "all_completed")), "all_completed false");
    CHECK(ev.line > 0 && ev.progress > 0, "line and progress events (%d, %d)", ev.line, ev.progress);
    CHECK(count_lines(outp) == 6, "one result per line");
    json_decref(d);

    rc = CALL(&d, dc1_batch_status(jr, &out));
    CHECK(rc == DC1_OK && jint(d, "completed") == 4 && json_is_true(json_object_get(d, "finished")), "dc1_batch_status");
    json_t *res = json_object_get(d, "results");
    CHECK(jint(res, "failed") == 1 && jint(res, "invalid") == 1, "statuses in the journal");
    json_decref(d);

    /* 2. a callback that stops after two submits; then resume. */
    path(in, sizeof in, "b.jsonl"); path(outp, sizeof outp, "b.out"); path(jr, sizeof jr, "b.journal");
    write_input(in, 6, 0, 0);
    snprintf(opts, sizeof opts, "{\"out_path\":\"%s\",\"journal_path\":\"%s\",\"concurrency\":2,\"tick_ms\":50}", outp, jr);
    before = jobs_created(c);
    struct events stop = {.stop_after_submits = 2};
    rc = CALL(&d, dc1_batch_run(c, in, opts, on_event, &stop, &out));
    CHECK(rc == DC1_E_INTERRUPTED, "a non-zero return stops the batch (rc %d)", rc);
    CHECK(d && strcmp(jstr(d, "stopped"), "interrupted") == 0 && json_is_integer(json_object_get(d, "lines")),
          "the error document carries the summary");
    CHECK(jobs_created(c) - before == 2, "nothing submitted after the stop");
    json_decref(d);
    rc = CALL(&d, dc1_batch_run(c, in, opts, NULL, NULL, &out));
    CHECK(rc == DC1_OK && json_is_true(json_object_get(d, "all_completed")), "the re-run finishes (rc %d)", rc);
    CHECK(jobs_created(c) - before == 6, "and pays nothing twice (%lld)", jobs_created(c) - before);
    json_decref(d);

    /* 3. a quota stop: two more jobs allowed today. */
    path(in, sizeof in, "c.jsonl"); path(outp, sizeof outp, "c.out"); path(jr, sizeof jr, "c.journal");
    write_input(in, 4, 0, 0);
    snprintf(opts, sizeof opts, "{\"out_path\":\"%s\",\"journal_path\":\"%s\",\"concurrency\":1}", outp, jr);
    char q[100];
    snprintf(q, sizeof q, "{\"daily_jobs_limit\":%lld}", jobs_created(c) + 2);
    control_ok(c, "POST", "/__emulator/quota", q);
    rc = CALL(&d, dc1_batch_run(c, in, opts, NULL, NULL, &out));
    CHECK(rc == DC1_E_QUOTA_EXCEEDED, "quota stop (rc %d)", rc);
    CHECK(jint(d, "completed") == 2 && jint(d, "not_submitted") == 2 && strcmp(jstr(d, "stopped"), "quota") == 0,
          "in-flight finished, the rest not submitted");
    json_decref(d);
    control_ok(c, "POST", "/__emulator/quota", "{\"daily_jobs_limit\":1000}");
    rc = CALL(&d, dc1_batch_run(c, in, opts, NULL, NULL, &out));
    CHECK(rc == DC1_OK && jint(d, "completed") == 4 && jint(d, "jobs_created") == 2, "resumed after the quota");
    json_decref(d);

    /* 4. one run per journal: a second dc1_batch_run on a journal in use fails at once with
     *    DC1_E_BUSY, names the journal and this process, and submits nothing; the run's own
     *    timeout_ms ends it with DC1_E_WAIT_TIMEOUT, its jobs still in the journal. */
    path(in, sizeof in, "d.jsonl"); path(outp, sizeof outp, "d.out"); path(jr, sizeof jr, "d.journal");
    write_slow_input(in, 2);
    snprintf(opts, sizeof opts, "{\"out_path\":\"%s\",\"journal_path\":\"%s\",\"timeout_ms\":6000}", outp, jr);
    struct run_arg first = { c, in, opts, 0, NULL };
    pthread_t t;
    long long t0 = now_ms();
    pthread_create(&t, NULL, run_batch, &first);
    long long base = jobs_created(c);
    while (jobs_created(c) - base < 1 && now_ms() - t0 < 20000) usleep(20000);
    char opts2[1200];
    path(outp, sizeof outp, "d2.out");
    snprintf(opts2, sizeof opts2, "{\"out_path\":\"%s\",\"journal_path\":\"%s\"}", outp, jr);
    long long before_busy = jobs_created(c);
    long long t1 = now_ms();
    rc = CALL(&d, dc1_batch_run(c, in, opts2, NULL, NULL, &out));
    CHECK(rc == DC1_E_BUSY, "a second run on the journal: DC1_E_BUSY (rc %d)", rc);
    CHECK(now_ms() - t1 < 3000, "refused at once (%lld ms)", now_ms() - t1);  /* also under valgrind */
    CHECK(d && strstr(jstr(d, "message"), jr) && jint(d, "pid") == (int)getpid(), "names the journal and the holder");
    CHECK(jobs_created(c) == before_busy, "the refused run submitted nothing");
    json_decref(d);
    pthread_join(t, NULL);
    CHECK(first.rc == DC1_E_WAIT_TIMEOUT, "timeout_ms ends the run (rc %d)", first.rc);
    CHECK(now_ms() - t0 < 30000, "within its deadline (%lld ms)", now_ms() - t0);
    CHECK(first.doc && jint(first.doc, "running") == 2, "its jobs are still running, in the journal");
    json_decref(first.doc);
    rc = CALL(&d, dc1_batch_status(jr, &out));
    CHECK(rc == DC1_OK && json_array_size(json_object_get(d, "in_flight")) == 2, "status reads the journal");
    json_decref(d);

    /* 5. a missing journal, a missing input. */
    rc = CALL(&d, dc1_batch_status("/nonexistent/journal", &out));
    CHECK(rc == DC1_E_NOT_FOUND, "status of a missing journal: NOT_FOUND (rc %d)", rc);
    json_decref(d);
    rc = CALL(&d, dc1_batch_run(c, "/nonexistent/in.jsonl", "{\"journal_path\":\"/tmp/x-dc1-nope\"}", NULL, NULL, &out));
    CHECK(rc == DC1_E_IO, "a missing input: IO (rc %d)", rc);
    json_decref(d);

    dc1_client_free(c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) { /* best effort */ }
    TEST_DONE();
}
