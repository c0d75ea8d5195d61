/* Header section "Account": dc1_balance, dc1_me, and the auth quirks of docs/server.md §3.2. */
#include "dc1test.h"

int main(void) {
    dc1_client *c = test_client(NULL);
    json_t *d = NULL;
    int rc = CALL(&d, dc1_balance(c, &out));
    CHECK(rc == DC1_OK, "balance ok (%s)", dc1_last_error());
    CHECK(json_is_integer(json_object_get(d, "balance_halala")), "balance_halala is an integer");
    CHECK(json_is_number(json_object_get(d, "balance_sar")), "balance_sar is a number");
    CHECK(json_is_integer(json_object_get(d, "available_halala")), "available_halala present");
    CHECK(json_is_integer(json_object_get(d, "held_halala")), "held_halala present");
    json_decref(d);

    rc = CALL(&d, dc1_me(c, &out));
    CHECK(rc == DC1_OK && json_is_object(json_object_get(d, "renter")), "me returns the renter");
    CHECK(json_is_integer(json_object_get(json_object_get(d, "renter"), "balance_halala")), "renter.balance_halala");
    json_decref(d);

    /* An unknown key: the server says 404 "Renter not found"; we report DC1_E_AUTH. */
    char opts[256];
    snprintf(opts, sizeof opts, "{\"api_key\":\"dcp-renter-00000000000000000000000000000000\",\"base_url\":\"%s\"}",
             getenv("DC1_BASE_URL"));
    dc1_client *bad = test_client(opts);
    rc = CALL(&d, dc1_balance(bad, &out));
    CHECK(rc == DC1_E_AUTH, "bad key on balance -> DC1_E_AUTH (%s)", dc1_strerror(rc));
    CHECK(d && jint(d, "http_status") == 404, "http_status 404 kept in the error document");
    CHECK(d && jstr(d, "request_id") != NULL, "request_id in the error document");
    json_decref(d);
    rc = CALL(&d, dc1_me(bad, &out));
    CHECK(rc == DC1_E_AUTH, "bad key on me -> DC1_E_AUTH (%s)", dc1_strerror(rc));
    json_decref(d);
    dc1_client_free(bad);

    /* No key at all: refused locally, nothing sent. */
    snprintf(opts, sizeof opts, "{\"api_key\":null,\"base_url\":\"%s\"}", getenv("DC1_BASE_URL"));
    dc1_client *nokey = test_client(opts);
    long long before = route_count(c, "GET /api/renters/balance");
    rc = CALL(&d, dc1_balance(nokey, &out));
    CHECK(rc == DC1_E_AUTH, "no key -> DC1_E_AUTH");
    CHECK(route_count(c, "GET /api/renters/balance") == before, "no request was sent without a key");
    json_decref(d);
    dc1_client_free(nokey);

    dc1_client_free(c);
    TEST_DONE();
}
