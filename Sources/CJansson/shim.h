/* Typed wrappers for jansson's function-like macros, which Swift cannot import. */
#ifndef DC1_CJANSSON_SHIM_H
#define DC1_CJANSSON_SHIM_H
#include <jansson.h>

static inline int dc1_json_typeof(const json_t *j) { return (int)json_typeof(j); }
static inline json_t *dc1_json_boolean(int v) { return json_boolean(v); }
static inline json_t *dc1_json_incref(json_t *j) { return json_incref(j); }
static inline void dc1_json_decref(json_t *j) { json_decref(j); }

#endif
