{
  "targets": [
    {
      "target_name": "page_cache",
      "sources": ["native/page-cache.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
