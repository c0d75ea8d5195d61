/* Custom container: run a Python script on a GPU and read its DC1_RESULT_JSON. */
#include "common.h"

static const char *script =
    "import json, platform\n"
    "print('python', platform.python_version())\n"
    "result = {'matmul_shape': [64, 64], 'device': 'cuda:0', 'ok': True}\n"
    "print('DC1_RESULT_JSON:' + json.dumps(result))";

int main(void) {
    dc1_client *c = NULL;
    char *out = NULL;
    if (dc1_client_new(&c, NULL) != DC1_OK) { fprintf(stderr, "%s\n", dc1_last_error()); return 1; }
    char job_id[128];
    submit_request(c, json_pack("{s:s, s:i, s:{s:s, s:s}}", "job_type", "custom_container", "duration_minutes", 10,
                                "params", "image_override", "dc1/general-worker:latest", "script", script),
                   job_id, sizeof job_id);

    int rc = dc1_job_wait(c, job_id, "{\"timeout_ms\":600000}", &out);
    check(rc, out, "wait");
    dc1_free(out);

    out = NULL;
    rc = dc1_job_output(c, job_id, &out);
    check(rc, out, "output");
    json_t *o = parse(out);
    char *result = json_dumps(json_object_get(o, "result_json"), JSON_COMPACT);
    printf("stdout:\n%s\n", json_string_value(json_object_get(o, "text")));
    printf("DC1_RESULT_JSON: %s\n", result ? result : "(none)");
    int ok = result != NULL;
    free(result);
    json_decref(o);
    dc1_client_free(c);
    return ok ? 0 : 1;
}
