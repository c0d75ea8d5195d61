/* Typed wrappers for libcurl's variadic and macro API, which Swift cannot import. */
#ifndef DC1_CCURL_SHIM_H
#define DC1_CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*dc1_curl_data_fn)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode dc1_curl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dc1_curl_set_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dc1_curl_set_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dc1_curl_set_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dc1_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dc1_curl_set_data_fn(CURL *h, CURLoption o, dc1_curl_data_fn v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode dc1_curl_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }

#endif
