/* Header section "Providers": dc1_providers_list and its filters. */
#include "dc1test.h"

int main(void) {
    dc1_client *c = test_client(NULL);
    json_t *d = NULL;
    int rc = CALL(&d, dc1_providers_list(c, NULL, &out));
    json_t *list = json_object_get(d, "providers");
    CHECK(rc == DC1_OK && json_array_size(list) >= 1, "providers listed (%zu)", json_array_size(list));
    CHECK(jint(d, "total") == (long long)json_array_size(list), "total equals the count");
    json_t *p0 = json_array_get(list, 0);
    const char *fields[] = {"id", "name", "gpu_model", "vram_gb", "vram_mib", "status", "is_live", "reliability_score"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        CHECK(json_object_get(p0, fields[i]) != NULL, "provider has %s", fields[i]);
    size_t all = json_array_size(list);
    json_decref(d);

    /* Take one provider offline through the control API: live filter drops it. */
    json_t *ps = control(c, "GET", "/__emulator/providers", NULL);
    json_t *arr = json_is_array(ps) ? ps : json_object_get(ps, "providers");
    long long pid = (long long)json_integer_value(json_object_get(json_array_get(arr, 0), "id"));
    json_decref(ps);
    char path[64];
    snprintf(path, sizeof path, "/__emulator/providers/%lld", pid);
    control_ok(c, "PATCH", path, "{\"live\":false}");
    rc = CALL(&d, dc1_providers_list(c, "{\"live\":true}", &out));
    size_t live = json_array_size(json_object_get(d, "providers"));
    CHECK(rc == DC1_OK && live < all, "live filter drops the offline provider (%zu < %zu)", live, all);
    json_decref(d);
    control_ok(c, "PATCH", path, "{\"live\":true}");

    rc = CALL(&d, dc1_providers_list(c, "{\"min_vram_gb\":40}", &out));
    int ok = rc == DC1_OK;
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(d, "providers"), i, v) ok = ok && json_number_value(json_object_get(v, "vram_gb")) >= 40;
    CHECK(ok, "min_vram_gb filter");
    json_decref(d);

    rc = CALL(&d, dc1_providers_list(c, "{\"gpu_model\":\"4090\"}", &out));
    ok = rc == DC1_OK && json_array_size(json_object_get(d, "providers")) >= 1;
    json_array_foreach(json_object_get(d, "providers"), i, v) ok = ok && strstr(jstr(v, "gpu_model"), "4090");
    CHECK(ok, "gpu_model filter (case-insensitive substring)");
    json_decref(d);

    rc = CALL(&d, dc1_providers_list(c, "{\"limit\":1}", &out));
    CHECK(rc == DC1_OK && json_array_size(json_object_get(d, "providers")) == 1, "limit filter");
    json_decref(d);

    rc = CALL(&d, dc1_providers_list(c, "{\"min_vram_gb\":\"big\"}", &out));
    CHECK(rc == DC1_E_INVALID_ARGUMENT, "wrong filter type -> invalid argument");
    json_decref(d);

    /* one provider by id */
    rc = CALL(&d, dc1_providers_list(c, "{\"limit\":1}", &out));
    long long one = jint(json_array_get(json_object_get(d, "providers"), 0), "id");
    json_decref(d);
    rc = CALL(&d, dc1_provider_get(c, one, &out));
    CHECK(rc == DC1_OK && jint(json_object_get(d, "provider"), "id") == one, "provider_get by id");
    json_decref(d);
    rc = CALL(&d, dc1_provider_get(c, 99999999, &out));
    CHECK(rc == DC1_E_NOT_FOUND && d && strstr(jstr(d, "message"), "99999999"), "an unknown provider: NOT_FOUND");
    json_decref(d);
    rc = CALL(&d, dc1_provider_get(c, 0, &out));
    CHECK(rc == DC1_E_INVALID_ARGUMENT, "provider id 0: invalid argument");
    json_decref(d);
    dc1_client_free(c);
    TEST_DONE();
}
