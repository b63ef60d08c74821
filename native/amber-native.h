#ifndef AMBER_NATIVE_H
#define AMBER_NATIVE_H

#include <stdint.h>
#include <node_api.h>

/* Argument and result helpers shared by the addon's functions (napi-util.c). */
int amber_fd_argument(napi_env env, napi_callback_info info, int32_t *fd);
napi_value amber_int_value(napi_env env, int64_t value);

/* page-cache.c */
napi_value amber_drop_cached_pages(napi_env env, napi_callback_info info);
napi_value amber_resident_pages(napi_env env, napi_callback_info info);

/* chunker.c */
napi_value amber_find_cut(napi_env env, napi_callback_info info);

/* fingerprint.c */
napi_value amber_fingerprint128(napi_env env, napi_callback_info info);

/* dir-scan.c */
napi_value amber_scan_directory(napi_env env, napi_callback_info info);

#endif
