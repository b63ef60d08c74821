/*
 * Page-cache hints Node.js does not offer: drop a file's cached pages once they are durable
 * (posix_fadvise POSIX_FADV_DONTNEED, as borg does for its segments) and count the pages of a file
 * that are cached (mincore), which tests and `amber doctor` use to see that the hint works.
 * Both work on an open file descriptor. Where the system lacks them they report ENOSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <node_api.h>

static int fd_argument(napi_env env, napi_callback_info info, int32_t *fd) {
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

static napi_value int_value(napi_env env, int64_t value) {
  napi_value out;
  napi_create_int64(env, value, &out);
  return out;
}

/* dropCachedPages(fd): 0, or the errno of posix_fadvise. Dirty pages stay (write them first). */
static napi_value drop_cached_pages(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!fd_argument(env, info, &fd)) return NULL;
#ifdef POSIX_FADV_DONTNEED
  return int_value(env, posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
#else
  return int_value(env, ENOSYS);
#endif
}

/* residentPages(fd): the number of the file's pages in the page cache, or -errno. */
static napi_value resident_pages(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!fd_argument(env, info, &fd)) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0) return int_value(env, -errno);
  if (st.st_size == 0) return int_value(env, 0);
  long page = sysconf(_SC_PAGESIZE);
  size_t pages = ((size_t)st.st_size + (size_t)page - 1) / (size_t)page;
  void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return int_value(env, -errno);
  unsigned char *vec = malloc(pages);
  if (vec == NULL) {
    munmap(map, (size_t)st.st_size);
    return int_value(env, -ENOMEM);
  }
  int64_t resident = 0;
  if (mincore(map, (size_t)st.st_size, (void *)vec) != 0) resident = -errno;
  else
    for (size_t i = 0; i < pages; i++) resident += vec[i] & 1;
  free(vec);
  munmap(map, (size_t)st.st_size);
  return int_value(env, resident);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
    {"dropCachedPages", NULL, drop_cached_pages, NULL, NULL, NULL, napi_default, NULL},
    {"residentPages", NULL, resident_pages, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}
