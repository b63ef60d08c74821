/*
 * fingerprint128(bytes, seedHigh, seedLow): XXH3-128 of a Buffer or typed array as 32 hex digits,
 * with a 64-bit seed given as two uint32. The chunk fingerprints of the files cache (see
 * src/engine/chunk-fingerprint.ts) at memory speed, on the caller's bytes (no copy).
 * xxHash is vendored in native/vendor/xxhash (BSD licence).
 */
#define XXH_INLINE_ALL
#include "vendor/xxhash/xxhash.h"
#include "amber-native.h"

static const char HEX[] = "0123456789abcdef";

static void put_hex64(char *out, uint64_t value) {
  for (int i = 15; i >= 0; i--) {
    out[i] = HEX[value & 0xf];
    value >>= 4;
  }
}

napi_value amber_fingerprint128(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  bool is_typed_array = false;
  uint32_t seed_high = 0, seed_low = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_is_typedarray(env, argv[0], &is_typed_array) != napi_ok || !is_typed_array ||
      napi_get_value_uint32(env, argv[1], &seed_high) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &seed_low) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "fingerprint128(bytes, seedHigh, seedLow) needs a typed array and two uint32");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok ||
      (type != napi_uint8_array && type != napi_int8_array && type != napi_uint8_clamped_array)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "fingerprint128 needs bytes (a Buffer or Uint8Array)");
    return NULL;
  }
  XXH128_hash_t hash = XXH3_128bits_withSeed(data, length, ((uint64_t)seed_high << 32) | seed_low);
  char hex[32];
  put_hex64(hex, hash.high64);
  put_hex64(hex + 16, hash.low64);
  napi_value out;
  napi_create_string_latin1(env, hex, sizeof hex, &out);
  return out;
}
