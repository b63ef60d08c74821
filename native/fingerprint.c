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
  size_t length = 0;
  void *data = NULL;
  uint32_t seed_high = 0, seed_low = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      !amber_typed_array(env, argv[0], napi_uint8_array, &data, &length) ||
      napi_get_value_uint32(env, argv[1], &seed_high) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &seed_low) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "fingerprint128(bytes, seedHigh, seedLow) needs bytes (a Buffer or Uint8Array) and two uint32");
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
