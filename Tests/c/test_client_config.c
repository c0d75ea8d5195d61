/* dc1_client_config: what a client settled on, and where each part came from, without the key.
 * No request is made: the emulator is not needed (the runner's environment is replaced here). */
#include "dc1test.h"

#define KEY "dcp-renter-0123456789abcdef0123456789abcdef"

static json_t *config_of(const char *options) {
    dc1_client *c = NULL;
    if (dc1_client_new(&c, options) != DC1_OK) {
        fprintf(stderr, "client_new(%s): %s\n", options ? options : "NULL", dc1_last_error());
        return NULL;
    }
    char *out = NULL;
    int rc = dc1_client_config(c, &out);
    CHECK(rc == DC1_OK, "dc1_client_config(%s) -> %s", options ? options : "NULL", dc1_strerror(rc));
    CHECK(out == NULL || strstr(out, KEY) == NULL, "the key is not in the document");
    CHECK(out == NULL || strstr(out, "0123456789abcdef") == NULL, "no part of the key either");
    dc1_client_free(c);
    return take_json(out);
}

int main(void) {
    char *out = NULL;

    /* NULL client: the built-in defaults, whatever the environment holds. */
    setenv("DC1_BASE_URL", "http://127.0.0.1:4567/", 1);
    setenv("DC1_API_KEY", KEY, 1);
    int rc = dc1_client_config(NULL, &out);
    json_t *d = take_json(out);
    CHECK(rc == DC1_OK && d, "defaults without a client");
    CHECK(d && strcmp(jstr(d, "base_url"), "https://api.dcp.sa") == 0, "default base_url");
    CHECK(d && strcmp(jstr(d, "base_url_from"), "default") == 0, "from the default");
    CHECK(d && json_is_false(json_object_get(d, "api_key_set")), "no key among the defaults");
    CHECK(d && json_is_null(json_object_get(d, "api_key_from")), "api_key_from null");
    CHECK(d && jint(d, "timeout_ms") == 30000 && jint(d, "max_retries") == 3 && jint(d, "pool_size") == 8,
          "default timeout, retries, pool");
    CHECK(d && strcmp(jstr(d, "check"), "off") == 0, "checks off by default");
    json_decref(d);

    /* Everything from the environment. */
    d = config_of(NULL);
    CHECK(d && strcmp(jstr(d, "base_url"), "http://127.0.0.1:4567") == 0, "DC1_BASE_URL, trailing / removed");
    CHECK(d && strcmp(jstr(d, "base_url_from"), "environment") == 0, "base_url_from environment");
    CHECK(d && json_is_true(json_object_get(d, "api_key_set")), "DC1_API_KEY is used");
    CHECK(d && strcmp(jstr(d, "api_key_from"), "environment") == 0, "api_key_from environment");
    json_decref(d);

    /* Options win; "" for base_url means not given; "" for api_key means no key. */
    d = config_of("{\"base_url\":\"https://example.test/api\",\"api_key\":\"" KEY "\",\"timeout_ms\":1500,"
                  "\"proxy\":\"http://user:s3cret@proxy.test:3128\",\"check\":\"warn\"}");
    CHECK(d && strcmp(jstr(d, "base_url"), "https://example.test/api") == 0, "base_url option, path kept");
    CHECK(d && strcmp(jstr(d, "base_url_from"), "option") == 0, "base_url_from option");
    CHECK(d && strcmp(jstr(d, "api_key_from"), "option") == 0, "api_key_from option");
    CHECK(d && jint(d, "timeout_ms") == 1500, "timeout_ms option");
    CHECK(d && strcmp(jstr(d, "proxy"), "http://[redacted]@proxy.test:3128") == 0, "proxy credentials hidden: %s",
          d ? jstr(d, "proxy") : "");
    CHECK(d && strcmp(jstr(d, "check"), "warn") == 0, "check option");
    json_decref(d);

    d = config_of("{\"base_url\":\"\",\"api_key\":\"\"}");
    CHECK(d && strcmp(jstr(d, "base_url_from"), "environment") == 0, "base_url \"\" falls back to the environment");
    CHECK(d && json_is_false(json_object_get(d, "api_key_set")) && json_is_null(json_object_get(d, "api_key_from")),
          "api_key \"\" is no key, over the environment");
    json_decref(d);

    unsetenv("DC1_BASE_URL");
    unsetenv("DC1_API_KEY");
    d = config_of("{}");
    CHECK(d && strcmp(jstr(d, "base_url_from"), "default") == 0, "nothing set: the default");
    CHECK(d && json_is_false(json_object_get(d, "api_key_set")), "nothing set: no key");
    json_decref(d);

    /* Bad arguments. */
    dc1_client *c = test_client("{\"base_url\":\"http://127.0.0.1:9\"}");
    CHECK(dc1_client_config(c, NULL) == DC1_E_INVALID_ARGUMENT, "NULL out_json");
    CHECK(dc1_client_config(NULL, NULL) == DC1_E_INVALID_ARGUMENT, "NULL out_json without a client");
    dc1_client_free(c);
    TEST_DONE();
}
