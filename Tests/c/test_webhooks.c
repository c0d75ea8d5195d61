/* Header section "Webhooks": signature verification (RFC 4231 vectors and real deliveries),
 * tampering, parsing the three delivery shapes. */
#include "dc1test.h"

int main(void) {
    /* RFC 4231 test case 2: key "Jefe", "what do ya want for nothing?" */
    const char *msg = "what do ya want for nothing?";
    const char *mac = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    char hdr[128];
    CHECK(dc1_webhook_verify("Jefe", mac, msg, strlen(msg)) == DC1_OK, "RFC 4231 #2, bare hex");
    snprintf(hdr, sizeof hdr, "sha256=%s", mac);
    CHECK(dc1_webhook_verify("Jefe", hdr, msg, strlen(msg)) == DC1_OK, "RFC 4231 #2, sha256= prefix");
    CHECK(dc1_webhook_verify("Jefe", "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843", msg, strlen(msg)) == DC1_OK,
          "upper-case hex accepted");
    CHECK(dc1_webhook_verify("Jefe", hdr, "what do ya want for nothing!", strlen(msg)) == DC1_E_BAD_SIGNATURE, "tampered body rejected");
    CHECK(dc1_webhook_verify("Jeff", hdr, msg, strlen(msg)) == DC1_E_BAD_SIGNATURE, "wrong secret rejected");
    CHECK(dc1_webhook_verify("Jefe", "sha256=5bdc", msg, strlen(msg)) == DC1_E_BAD_SIGNATURE, "short signature rejected");
    CHECK(dc1_webhook_verify("Jefe", "", msg, strlen(msg)) == DC1_E_BAD_SIGNATURE, "empty signature rejected");
    /* RFC 4231 test case 6: a 131-byte key (hashed first). */
    char key6[131];
    memset(key6, 0xaa, sizeof key6);
    char k6[132];
    memcpy(k6, key6, 131); k6[131] = 0;
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    CHECK(dc1_webhook_verify(k6, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", m6, strlen(m6)) == DC1_OK,
          "RFC 4231 #6, long key");
    /* Bodies with NUL bytes are verified over their exact length. */
    CHECK(dc1_webhook_verify("k", "sha256=00", "a\0b", 3) == DC1_E_BAD_SIGNATURE, "binary body handled");

    char *out = NULL;
    const char *sweeper = "{\"job_id\":\"job-1\",\"status\":\"done\",\"cost_halala\":9,\"provider_id\":7}";
    int rc = dc1_webhook_parse(sweeper, strlen(sweeper), &out);
    json_t *d = take_json(out);
    CHECK(rc == DC1_OK && strcmp(jstr(d, "status"), "completed") == 0 && strcmp(jstr(d, "event"), "job.completed") == 0,
          "sweeper delivery: done → completed");
    CHECK(strcmp(jstr(d, "dedupe_key"), "job-1:completed") == 0, "dedupe key");
    json_decref(d);
    const char *hook = "{\"event\":\"job.completed\",\"timestamp\":\"t\",\"job\":{\"job_id\":\"job-1\",\"status\":\"completed\"},"
                       "\"billing\":{\"actual_cost_halala\":12}}";
    out = NULL;
    rc = dc1_webhook_parse(hook, strlen(hook), &out);
    d = take_json(out);
    CHECK(rc == DC1_OK && strcmp(jstr(d, "job_id"), "job-1") == 0 && jint(d, "cost_halala") == 12, "job-result hook shape");
    CHECK(strcmp(jstr(d, "dedupe_key"), "job-1:completed") == 0, "same dedupe key for both shapes");
    json_decref(d);
    const char *reg = "{\"jobId\":\"job-2\",\"status\":\"failed\",\"event\":\"job.failed\",\"cost_sar\":0.09}";
    out = NULL;
    rc = dc1_webhook_parse(reg, strlen(reg), &out);
    d = take_json(out);
    CHECK(rc == DC1_OK && strcmp(jstr(d, "job_id"), "job-2") == 0 && strcmp(jstr(d, "event"), "job.failed") == 0, "registered-hook shape");
    json_decref(d);
    TEST_DONE();
}
