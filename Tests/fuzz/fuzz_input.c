/* libFuzzer harness over the JSON-taking C functions. The first byte picks the function; the
 * rest is its NUL-terminated argument. The client points at a closed port with no retries, so
 * anything that passes local validation fails fast as DC1_E_NETWORK — never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dc1.h"

static dc1_client *client;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    dc1_client_new(&client, "{\"base_url\":\"http://127.0.0.1:9\",\"api_key\":\"dcp-renter-fuzz\",\"max_retries\":0,"
                            "\"timeout_ms\":200,\"connect_timeout_ms\":100}");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    char *arg = malloc(size);
    memcpy(arg, data + 1, size - 1);
    arg[size - 1] = 0;
    char *out = NULL;
    int rc;
    switch (data[0] % 12) {
    case 0: rc = dc1_job_submit(client, arg, &out); break;
    case 1: rc = dc1_providers_list(client, arg, &out); break;
    case 2: rc = dc1_job_wait(client, "bad/id", arg, &out); break;   /* options parsed, then the id stops it: no 10-minute waits */
    case 3: rc = dc1_job_logs(client, arg, "{}", &out); break;
    case 4: rc = dc1_job_logs(client, "job-1", arg, &out); break;
    case 5: rc = dc1_jobs_history(client, arg, &out); break;
    case 6: rc = dc1_request(client, "POST", arg, "{}", &out); break;
    case 7: rc = dc1_chat(client, arg, NULL, NULL, &out); break;
    case 8: rc = dc1_webhook_parse(arg, strlen(arg), &out); break;
    case 9: rc = dc1_webhook_verify(arg, "sha256=00", arg, strlen(arg)); break;
    case 10: { dc1_client *c = NULL; rc = dc1_client_new(&c, arg); dc1_client_free(c); break; }
    default: rc = dc1_job_get(client, arg, &out); break;
    }
    if (rc != 0 && out && !strstr(out, "\"code\":\"DC1_E_")) abort();   /* every failure has an error document */
    dc1_free(out);
    free(arg);
    return 0;
}
