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
