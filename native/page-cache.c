/*
 * Page-cache hints Node.js does not offer: drop a file's cached pages once they are durable
 * (posix_fadvise POSIX_FADV_DONTNEED, as borg does for its segments), ask for a range to be read
 * ahead or dropped (a large file read once, see src/engine/file-reader.ts), and count the pages of a
 * file that are cached (mincore). All work on an open file descriptor. Where the system lacks them
 * they report ENOSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "amber-native.h"

/* dropCachedPages(fd): 0, or the errno of posix_fadvise. Dirty pages stay (write them first). */
napi_value amber_drop_cached_pages(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!amber_fd_argument(env, info, &fd)) return NULL;
#ifdef POSIX_FADV_DONTNEED
  return amber_int_value(env, posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
#else
  return amber_int_value(env, ENOSYS);
#endif
}

/*
 * adviseRange(fd, offset, length, willNeed): posix_fadvise POSIX_FADV_WILLNEED (read the range ahead,
 * without waiting for it) or POSIX_FADV_DONTNEED (drop its clean pages); 0, or the errno.
 */
napi_value amber_advise_range(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t fd;
  int64_t offset, length;
  bool will_need;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int64(env, argv[1], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[2], &length) != napi_ok || napi_get_value_bool(env, argv[3], &will_need) != napi_ok ||
      offset < 0 || length < 0) {
    napi_throw_type_error(env, NULL, "adviseRange(fd, offset, length, willNeed) takes a descriptor, two sizes and a boolean");
    return NULL;
  }
#if defined(POSIX_FADV_WILLNEED) && defined(POSIX_FADV_DONTNEED)
  return amber_int_value(env, posix_fadvise(fd, (off_t)offset, (off_t)length, will_need ? POSIX_FADV_WILLNEED : POSIX_FADV_DONTNEED));
#else
  return amber_int_value(env, ENOSYS);
#endif
}

/* residentPages(fd): the number of the file's pages in the page cache, or -errno. */
napi_value amber_resident_pages(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!amber_fd_argument(env, info, &fd)) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0) return amber_int_value(env, -errno);
  if (st.st_size == 0) return amber_int_value(env, 0);
  long page = sysconf(_SC_PAGESIZE);
  size_t pages = ((size_t)st.st_size + (size_t)page - 1) / (size_t)page;
  void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return amber_int_value(env, -errno);
  unsigned char *vec = malloc(pages);
  if (vec == NULL) {
    munmap(map, (size_t)st.st_size);
    return amber_int_value(env, -ENOMEM);
  }
  int64_t resident = 0;
  if (mincore(map, (size_t)st.st_size, (void *)vec) != 0) resident = -errno;
  else
    for (size_t i = 0; i < pages; i++) resident += vec[i] & 1;
  free(vec);
  munmap(map, (size_t)st.st_size);
  return amber_int_value(env, resident);
}
