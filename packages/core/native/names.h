/* Names are bytes; JS strings are UTF-16. A byte that is not part of valid UTF-8 travels as a
 * lone surrogate U+DC80..U+DCFF ("surrogateescape"), so every name survives the round trip
 * (see src/engine/byteNames.ts, which does the same in JavaScript). */
#ifndef LD_NAMES_H
#define LD_NAMES_H
#include <stddef.h>
#include <node_api.h>

/* The bytes of a JS string, NUL-terminated, malloc'd (free it). NULL with a JS exception pending
 * when the value is not a string. *len gets the byte length (the string may hold NUL bytes:
 * callers that need a path check strlen(result) == *len). */
char *ld_string_bytes(napi_env env, napi_value value, size_t *len);

/* A JS string from bytes (UTF-8 where valid, a surrogate per other byte). */
napi_value ld_bytes_string(napi_env env, const char *bytes, size_t len);

#endif
