/* startup — time to dlopen libdc1 and make a first call (a fresh process each run).
 *   startup LIBPATH BASE KEY JOB
 * Prints {"dlopen_ms","client_new_ms","first_call_ms","total_ms","second_call_ms"}: first_call_ms is
 * the first dc1_job_get (a new connection included); total_ms runs from before dlopen to
 * after the first call returned. second_call_ms shows the steady state for comparison. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

typedef int (*new_fn)(void **, const char *);
typedef int (*get_fn)(void *, const char *, char **);
typedef void (*free_fn)(void *);
typedef void (*client_free_fn)(void *);
typedef const char *(*err_fn)(void);

int main(int argc, char **argv) {
    if (argc < 5) return 64;
    double t0 = now_ms();
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    new_fn client_new = (new_fn)dlsym(lib, "dc1_client_new");
    get_fn job_get = (get_fn)dlsym(lib, "dc1_job_get");
    free_fn dfree = (free_fn)dlsym(lib, "dc1_free");
    client_free_fn client_free = (client_free_fn)dlsym(lib, "dc1_client_free");
    err_fn last_error = (err_fn)dlsym(lib, "dc1_last_error");
    if (!client_new || !job_get || !dfree || !client_free || !last_error) return 2;
    double t1 = now_ms();
    char opts[1024];
    snprintf(opts, sizeof opts, "{\"base_url\":\"%s\",\"api_key\":\"%s\"}", argv[2], argv[3]);
    void *c = NULL;
    if (client_new(&c, opts) != 0) {
        fprintf(stderr, "dc1_client_new: %s\n", last_error());
        return 3;
    }
    double t2 = now_ms();
    char *out = NULL;
    if (job_get(c, argv[4], &out) != 0) {
        fprintf(stderr, "dc1_job_get: %s\n", last_error());
        return 3;
    }
    double t3 = now_ms();
    dfree(out);
    out = NULL;
    if (job_get(c, argv[4], &out) != 0) return 3;
    double t4 = now_ms();
    dfree(out);
    client_free(c);
    printf("{\"dlopen_ms\":%.3f,\"client_new_ms\":%.3f,\"first_call_ms\":%.3f,\"total_ms\":%.3f,\"second_call_ms\":%.3f}\n",
           t1 - t0, t2 - t1, t3 - t2, t3 - t0, t4 - t3);
    return 0;
}
