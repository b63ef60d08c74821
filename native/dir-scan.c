/*
 * scanDirectory(path): one directory's entries and their lstat facts in one call, instead of a
 * readdir and one lstat per entry through Node's fs (each a JS object, and BigInts with
 * { bigint: true }). The walk of a backup makes ~20,000 of these calls for 20,000 files.
 *
 * The directory is opened with O_NOFOLLOW: a directory replaced by a symlink after its parent was
 * listed is not followed. Returns -errno when the directory cannot be opened or read, else
 * { names, facts }: names joined by '\0' (a name cannot contain one), and FACT_BYTES of facts per
 * entry in the host's byte order, laid out as src/native/dir-scan.ts reads them:
 *   int32 error (0, or the errno of fstatat; EILSEQ for a name that is not UTF-8), uint32 mode,
 *   uint32 uid, uint32 gid, float64 nlink, float64 size, uint64 dev, uint64 ino,
 *   int64 mtime (ns), int64 ctime (ns).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "amber-native.h"

#define FACT_BYTES 64
#define MAX_PATH_BYTES 4096

struct fact {
  int32_t error;
  uint32_t mode;
  uint32_t uid;
  uint32_t gid;
  double nlink;
  double size;
  uint64_t dev;
  uint64_t ino;
  int64_t mtime_ns;
  int64_t ctime_ns;
};

_Static_assert(sizeof(struct fact) == FACT_BYTES, "struct fact must match FACT_BYTES");

struct scan {
  char *names;
  size_t names_len, names_cap;
  struct fact *facts;
  size_t count, facts_cap;
};

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int is_utf8(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07;
    else return 0;
    if (i + n >= len) return 0;
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return 0;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += n + 1;
  }
  return 1;
}

static int grow(void **buffer, size_t *capacity, size_t needed, size_t unit) {
  if (needed <= *capacity) return 1;
  size_t next = *capacity == 0 ? 64 : *capacity;
  while (next < needed) next *= 2;
  void *moved = realloc(*buffer, next * unit);
  if (moved == NULL) return 0;
  *buffer = moved;
  *capacity = next;
  return 1;
}

/* Lists the open directory `fd` (taken: closed here) into `scan`; 0 or an errno. */
static int scan_fd(int fd, struct scan *scan) {
  DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    int error = errno;
    close(fd);
    return error;
  }
  int result = 0;
  for (;;) {
    errno = 0;
    struct dirent *entry = readdir(dir);
    if (entry == NULL) {
      result = errno;
      break;
    }
    const char *name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    size_t len = strlen(name);
    if (!grow((void **)&scan->names, &scan->names_cap, scan->names_len + len + 1, 1) ||
        !grow((void **)&scan->facts, &scan->facts_cap, scan->count + 1, sizeof(struct fact))) {
      result = ENOMEM;
      break;
    }
    if (scan->count > 0) scan->names[scan->names_len++] = '\0';
    memcpy(scan->names + scan->names_len, name, len);
    scan->names_len += len;
    struct fact *fact = &scan->facts[scan->count++];
    memset(fact, 0, sizeof *fact);
    if (!is_utf8((const unsigned char *)name, len)) {
      fact->error = EILSEQ;
      continue;
    }
    struct stat st;
    if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      fact->error = errno;
      continue;
    }
    fact->mode = st.st_mode;
    fact->uid = st.st_uid;
    fact->gid = st.st_gid;
    fact->nlink = (double)st.st_nlink;
    fact->size = (double)st.st_size;
    fact->dev = (uint64_t)st.st_dev;
    fact->ino = (uint64_t)st.st_ino;
    fact->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    fact->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
  }
  closedir(dir);
  return result;
}

napi_value amber_scan_directory(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[MAX_PATH_BYTES + 1];
  size_t path_len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], path, sizeof path, &path_len) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "a directory path (a string) is required");
    return NULL;
  }
  if (path_len >= MAX_PATH_BYTES) return amber_int_value(env, -ENAMETOOLONG);
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return amber_int_value(env, -errno);
  struct scan scan = {0};
  int error = scan_fd(fd, &scan);
  napi_value result = NULL;
  if (error != 0) {
    result = amber_int_value(env, -error);
  } else {
    napi_value names, facts;
    void *data;
    size_t bytes = scan.count * sizeof(struct fact);
    if (napi_create_string_utf8(env, scan.count == 0 ? "" : scan.names, scan.names_len, &names) == napi_ok &&
        napi_create_arraybuffer(env, bytes, &data, &facts) == napi_ok &&
        napi_create_object(env, &result) == napi_ok) {
      if (bytes > 0) memcpy(data, scan.facts, bytes);
      napi_set_named_property(env, result, "names", names);
      napi_set_named_property(env, result, "facts", facts);
    }
  }
  free(scan.names);
  free(scan.facts);
  return result;
}
