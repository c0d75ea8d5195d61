/* Long-run check: many calls on one client with flat memory. Prints RSS at checkpoints and
 * fails when the growth after warm-up exceeds the bound. Usage: longrun [calls] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dc1.h"

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
    if (f) fclose(f);
    return kb;
}

int main(int argc, char **argv) {
#ifndef DEFAULT_CALLS
#define DEFAULT_CALLS 100000
#endif
    long calls = argc > 1 ? atol(argv[1]) : DEFAULT_CALLS;
    dc1_client *c = NULL;
    if (dc1_client_new(&c, NULL) != DC1_OK) { fprintf(stderr, "%s\n", dc1_last_error()); return 2; }
    char *out = NULL;
    /* The emulator's limiters (300/min per IP) would answer most of these with 429. */
    /* The control API wants the emulator's token; dc1_request sends no custom header, so ?token=. */
    char control_path[256];
    const char *token = getenv("DC1_EMULATOR_TOKEN");
    snprintf(control_path, sizeof control_path, "/__emulator/ratelimit%s%s", token && *token ? "?token=" : "",
             token && *token ? token : "");
    if (dc1_request(c, "POST", control_path, "{\"enabled\":false}", &out) != DC1_OK) {
        fprintf(stderr, "emulator control: %s\n", dc1_last_error());
        return 2;
    }
    dc1_free(out);
    out = NULL;
    if (dc1_job_submit(c, "{\"job_type\":\"llm_inference\",\"duration_minutes\":5,\"params\":{\"prompt\":\"longrun\"}}", &out) != DC1_OK) {
        fprintf(stderr, "submit: %s\n", dc1_last_error());
        return 2;
    }
    const char *p = strstr(out, "\"job_id\":\"") + 10;
    char id[128];
    snprintf(id, sizeof id, "%.*s", (int)(strchr(p, '"') - p), p);
    dc1_free(out);
    long warm = 0, errors = 0;
    for (long i = 1; i <= calls; i++) {
        out = NULL;
        int rc = (i % 3 == 0) ? dc1_job_get(c, id, &out) : (i % 3 == 1) ? dc1_job_status(c, id, &out) : dc1_job_get(c, "job-0-none", &out);
        if (rc != DC1_OK && rc != DC1_E_NOT_FOUND && errors++ == 0) fprintf(stderr, "first error: %s\n", dc1_last_error());
        dc1_free(out);
        if (i == calls / 10) warm = rss_kb();
        if (i % (calls / 10) == 0) { printf("%ld calls: RSS %ld kB\n", i, rss_kb()); fflush(stdout); }
    }
    long end = rss_kb();
    dc1_client_free(c);
    long growth = end - warm;
    int ok = growth < 4096 && errors == 0;
    printf("RSS after warm-up %ld kB, at the end %ld kB: growth %ld kB over %ld calls (%ld errors)\n",
           warm, end, growth, calls - calls / 10, errors);
    printf("%d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
