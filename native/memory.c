/*
 * How the C allocator gives memory back: keepFreedMemory(bytes) sets glibc's trim threshold
 * (mallopt M_TRIM_THRESHOLD), so that up to `bytes` freed at the top of an arena stay with the
 * process instead of going back to the system at once. A backup frees and allocates the same few
 * MiB of buffers (Node's cipher outputs) thousands of times: given back each time, every page is
 * faulted and zeroed again (a quarter of a full backup's system time). 0, or ENOSYS where there is
 * no mallopt (another C library).
 */
#define _GNU_SOURCE
#include <errno.h>
#include "amber-native.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

napi_value amber_keep_freed_memory(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t bytes;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int64(env, argv[0], &bytes) != napi_ok || bytes < 0 || bytes > INT32_MAX) {
    napi_throw_type_error(env, NULL, "keepFreedMemory(bytes) takes a size up to 2 GiB");
    return NULL;
  }
#ifdef __GLIBC__
  return amber_int_value(env, mallopt(M_TRIM_THRESHOLD, (int)bytes) == 1 ? 0 : EINVAL);
#else
  return amber_int_value(env, ENOSYS);
#endif
}
