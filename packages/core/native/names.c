#include "names.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

char *ld_string_bytes(napi_env env, napi_value value, size_t *len) {
  size_t units = 0;
  if (napi_get_value_string_utf16(env, value, NULL, 0, &units) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "expected a string");
    return NULL;
  }
  uint16_t stack[512];
  uint16_t *u = units < 512 ? stack : malloc((units + 1) * sizeof(uint16_t));
  if (u == NULL) return NULL;
  napi_get_value_string_utf16(env, value, (char16_t *)u, units + 1, &units);
  char *out = malloc(units * 3 + 1);
  size_t n = 0;
  for (size_t i = 0; i < units; i++) {
    uint32_t c = u[i];
    if (c < 0x80) {
      out[n++] = (char)c;
    } else if (c < 0x800) {
      out[n++] = (char)(0xc0 | (c >> 6));
      out[n++] = (char)(0x80 | (c & 0x3f));
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      out[n++] = (char)(c - 0xdc00); /* a raw byte */
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < units && u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff) {
      uint32_t cp = 0x10000 + ((c - 0xd800) << 10) + (u[i + 1] - 0xdc00);
      i++;
      out[n++] = (char)(0xf0 | (cp >> 18));
      out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
      out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
      out[n++] = (char)(0x80 | (cp & 0x3f));
    } else {
      /* BMP character, or an unpaired surrogate outside the raw-byte range (encoded as is). */
      out[n++] = (char)(0xe0 | (c >> 12));
      out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
      out[n++] = (char)(0x80 | (c & 0x3f));
    }
  }
  out[n] = 0;
  if (u != stack) free(u);
  *len = n;
  return out;
}

/* Length of the valid UTF-8 sequence at b[i], or 0 when b[i] does not start one. */
static size_t sequence_at(const unsigned char *b, size_t len, size_t i) {
  unsigned char b0 = b[i];
#define CONT(k) (i + (k) < len && (b[i + (k)] & 0xc0) == 0x80)
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return CONT(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (!CONT(1) || !CONT(2)) return 0;
    if (b0 == 0xe0 && b[i + 1] < 0xa0) return 0;
    if (b0 == 0xed && b[i + 1] >= 0xa0) return 0;
    return 3;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (!CONT(1) || !CONT(2) || !CONT(3)) return 0;
    if (b0 == 0xf0 && b[i + 1] < 0x90) return 0;
    if (b0 == 0xf4 && b[i + 1] >= 0x90) return 0;
    return 4;
  }
  return 0;
#undef CONT
}

napi_value ld_bytes_string(napi_env env, const char *bytes, size_t len) {
  const unsigned char *b = (const unsigned char *)bytes;
  napi_value result;
  size_t i = 0;
  while (i < len && b[i] < 0x80) i++;
  if (i == len) {
    napi_create_string_latin1(env, bytes, len, &result);
    return result;
  }
  uint16_t stack[512];
  uint16_t *u = len < 512 ? stack : malloc((len + 1) * sizeof(uint16_t));
  size_t n = 0;
  for (size_t k = 0; k < i; k++) u[n++] = b[k];
  while (i < len) {
    size_t s = sequence_at(b, len, i);
    if (s == 0) {
      u[n++] = (uint16_t)(0xdc00 + b[i]);
      i++;
    } else if (s == 1) {
      u[n++] = b[i++];
    } else if (s == 2) {
      u[n++] = (uint16_t)(((b[i] & 0x1f) << 6) | (b[i + 1] & 0x3f));
      i += 2;
    } else if (s == 3) {
      u[n++] = (uint16_t)(((b[i] & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f));
      i += 3;
    } else {
      uint32_t cp = ((uint32_t)(b[i] & 0x07) << 18) | ((uint32_t)(b[i + 1] & 0x3f) << 12) |
                    ((uint32_t)(b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
      cp -= 0x10000;
      u[n++] = (uint16_t)(0xd800 + (cp >> 10));
      u[n++] = (uint16_t)(0xdc00 + (cp & 0x3ff));
      i += 4;
    }
  }
  napi_create_string_utf16(env, (const char16_t *)u, n, &result);
  if (u != stack) free(u);
  return result;
}
