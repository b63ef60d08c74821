{
  "targets": [
    {
      "target_name": "amber_native",
      "sources": ["native/addon.c", "native/napi-util.c", "native/page-cache.c", "native/dir-scan.c", "native/fingerprint.c", "native/chunker.c", "native/memory.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
