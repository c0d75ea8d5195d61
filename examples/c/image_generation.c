/* Image generation: submit, wait, save the PNG as argv[1], or demo-output/output.png (the folder
 * is made; git ignores it). */
#include <errno.h>
#include <sys/stat.h>
#include "common.h"

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "demo-output/output.png";
    if (argc <= 1 && mkdir("demo-output", 0755) != 0 && errno != EEXIST) { perror("demo-output"); return 1; }
    dc1_client *c = NULL;
    char *out = NULL;
    if (dc1_client_new(&c, NULL) != DC1_OK) { fprintf(stderr, "%s\n", dc1_last_error()); return 1; }
    long long provider = pick_provider(c, 16);
    json_t *req = json_pack("{s:s, s:i, s:{s:s, s:s, s:i, s:i, s:i}}", "job_type", "image_generation",
                            "duration_minutes", 10, "params", "prompt", "A futuristic mosque with neon lights, cyberpunk style",
                            "model", "stabilityai/stable-diffusion-xl-base-1.0", "steps", 30, "width", 512, "height", 512);
    if (provider) json_object_set_new(req, "provider_id", json_integer(provider));   /* else: automatic routing */
    char job_id[128];
    submit_request(c, req, job_id, sizeof job_id);
    int rc;

    out = NULL;
    rc = dc1_job_wait(c, job_id, "{\"timeout_ms\":600000}", &out);
    check(rc, out, "wait");
    json_t *job = parse(out);
    const char *status = json_string_value(json_object_get(job, "status"));
    if (!status || strcmp(status, "completed") != 0) { fprintf(stderr, "job ended %s\n", status); return 1; }
    json_decref(job);

    out = NULL;
    rc = dc1_job_save_image(c, job_id, path, &out);
    check(rc, out, "save image");
    json_t *saved = parse(out);
    printf("Saved %s (%lld bytes, %lldx%lld)\n", path, (long long)json_integer_value(json_object_get(saved, "bytes")),
           (long long)json_integer_value(json_object_get(saved, "width")), (long long)json_integer_value(json_object_get(saved, "height")));
    json_decref(saved);
    dc1_client_free(c);
    return 0;
}
