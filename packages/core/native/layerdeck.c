/*
 * LayerDeck's native modules, one source for both: built with -DLD_MODULE=sys it exports the
 * system calls (sys.c), with -DLD_MODULE=fuse the libfuse3 binding (fuse.c).
 */
#include <node_api.h>

#define LD_sys 1
#define LD_fuse 2
#define LD_IS(m) (LD_##m == LD_MODULE_ID)
#define LD_CAT(a, b) a##b
#define LD_ID(m) LD_CAT(LD_, m)
#define LD_MODULE_ID LD_ID(LD_MODULE)

#if LD_MODULE_ID == LD_sys
void ld_sys_init(napi_env env, napi_value exports);
#define LD_INIT ld_sys_init
#elif LD_MODULE_ID == LD_fuse
void ld_fuse_init(napi_env env, napi_value exports);
#define LD_INIT ld_fuse_init
#else
#error "build with -DLD_MODULE=sys or -DLD_MODULE=fuse"
#endif

static napi_value init(napi_env env, napi_value exports) {
  LD_INIT(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
