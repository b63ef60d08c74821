#ifndef AMBER_NATIVE_H
#define AMBER_NATIVE_H

#include <stdint.h>
#include <node_api.h>

/* Argument and result helpers shared by the addon's functions (napi-util.c). */
int amber_fd_argument(napi_env env, napi_callback_info info, int32_t *fd);
napi_value amber_int_value(napi_env env, int64_t value);
/* 1 when `value` is a typed array of `type` (for napi_uint8_array: any byte array), setting data and length. */
int amber_typed_array(napi_env env, napi_value value, napi_typedarray_type type, void **data, size_t *length);

/* page-cache.c */
napi_value amber_drop_cached_pages(napi_env env, napi_callback_info info);
napi_value amber_resident_pages(napi_env env, napi_callback_info info);
napi_value amber_advise_range(napi_env env, napi_callback_info info);

/* memory.c */
napi_value amber_keep_freed_memory(napi_env env, napi_callback_info info);

/* chunker.c */
napi_value amber_find_cut(napi_env env, napi_callback_info info);

/* fingerprint.c */
napi_value amber_fingerprint128(napi_env env, napi_callback_info info);

/* dir-scan.c */
napi_value amber_scan_directory(napi_env env, napi_callback_info info);

#endif
