/* Small N-API helpers shared by the system calls and the FUSE binding. */
#ifndef LD_UTIL_H
#define LD_UTIL_H
#include <node_api.h>
#include <stdint.h>

#define LD_MAX_ARGS 8

#define LD_ARGS(n)                                                           \
  size_t argc = (n);                                                         \
  napi_value argv[(n) > 0 ? (n) : 1];                                        \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

napi_value ld_int(napi_env env, int64_t v);
napi_value ld_undefined(napi_env env);
int64_t ld_arg_int(napi_env env, napi_value v);
double ld_arg_double(napi_env env, napi_value v);
void ld_export(napi_env env, napi_value exports, const char *name, napi_callback fn);

#endif
