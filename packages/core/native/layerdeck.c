/* LayerDeck's native module: the system calls (sys.c) and the FUSE binding (fuse.c). */
#include <node_api.h>

void ld_sys_init(napi_env env, napi_value exports);
void ld_fuse_init(napi_env env, napi_value exports);

static napi_value init(napi_env env, napi_value exports) {
  ld_sys_init(env, exports);
  ld_fuse_init(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
