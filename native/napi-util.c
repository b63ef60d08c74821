#include "amber-native.h"

int amber_fd_argument(napi_env env, napi_callback_info info, int32_t *fd) {
  size_t argc = 1;
  napi_value argv[1];
  napi_valuetype type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_typeof(env, argv[0], &type) != napi_ok || type != napi_number ||
      napi_get_value_int32(env, argv[0], fd) != napi_ok || *fd < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "a file descriptor (a non-negative integer) is required");
    return 0;
  }
  return 1;
}

napi_value amber_int_value(napi_env env, int64_t value) {
  napi_value out;
  napi_create_int64(env, value, &out);
  return out;
}

int amber_typed_array(napi_env env, napi_value value, napi_typedarray_type type, void **data, size_t *length) {
  bool is_typed_array = false;
  napi_typedarray_type actual;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array ||
      napi_get_typedarray_info(env, value, &actual, length, data, NULL, NULL) != napi_ok) {
    return 0;
  }
  if (type == napi_uint8_array) return actual == napi_uint8_array || actual == napi_int8_array || actual == napi_uint8_clamped_array;
  return actual == type;
}
