/*
 * The system calls the engine needs, on byte-exact names, never following a symbolic link in
 * any component of a path (a parent that is a symlink makes the path absent: ENOENT), with
 * nanosecond times and no PATH_MAX limit. Every path-taking call resolves the parent directory
 * with openat2(RESOLVE_NO_SYMLINKS) (or a component-by-component O_NOFOLLOW walk on kernels
 * before 5.6 and for paths longer than PATH_MAX), then acts on the last name relative to it
 * (fstatat, mkdirat, renameat2, ... with AT_SYMLINK_NOFOLLOW): no window in which a path is
 * resolved twice. Failures return -errno; the JavaScript side (src/sys/nativeSys.ts) turns
 * them into Node-style errors.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "names.h"
#include "util.h"

static int has_openat2 = 1;

/* Walks `path` (a directory) one component at a time, O_NOFOLLOW. Returns an O_PATH fd or -errno. */
static int walk_dir(const char *path) {
  int fd = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -errno;
  const char *p = path;
  char comp[NAME_MAX + 1];
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n > NAME_MAX) {
      close(fd);
      return -ENAMETOOLONG;
    }
    memcpy(comp, p, n);
    comp[n] = 0;
    p += n;
    if (n == 1 && comp[0] == '.') continue;
    int next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    if (next < 0) {
      /* O_PATH|O_NOFOLLOW on a symlink gives ENOTDIR with O_DIRECTORY: say ELOOP, as openat2 does. */
      struct stat st;
      if (err == ENOTDIR && fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) err = ELOOP;
      close(fd);
      return -err;
    }
    close(fd);
    fd = next;
  }
  return fd;
}

/* An O_PATH fd of directory `path`, never through a symlink. */
static int open_dir(const char *path) {
  if (has_openat2 && strlen(path) < PATH_MAX) {
    struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
    int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
    if (fd >= 0) return fd;
    if (errno == ENOSYS || errno == EPERM) has_openat2 = 0;
    else if (errno != EAGAIN) return -errno;
  }
  return walk_dir(path);
}

typedef struct {
  char *path; /* the whole path (owned) */
  const char *name; /* the last component, inside path or a literal */
  int dirfd;
} parent_t;

static void parent_done(parent_t *p) {
  if (p->dirfd >= 0) close(p->dirfd);
  free(p->path);
}

/* Resolves the parent of a JS path; 0 or -errno. A symlink on the way means "not there". */
static int parent_of(napi_env env, napi_value value, parent_t *out) {
  size_t len;
  out->dirfd = -1;
  out->path = ld_string_bytes(env, value, &len);
  if (out->path == NULL) return -EINVAL;
  if (len == 0 || strlen(out->path) != len) return -EINVAL; /* empty, or a NUL inside */
  while (len > 1 && out->path[len - 1] == '/') out->path[--len] = 0;
  char *slash = strrchr(out->path, '/');
  int fd;
  if (len == 1 && out->path[0] == '/') {
    out->name = ".";
    fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fd = -errno;
  } else if (slash == NULL) {
    out->name = out->path;
    fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fd = -errno;
  } else {
    out->name = slash + 1;
    if (strlen(out->name) > NAME_MAX) return -ENAMETOOLONG;
    if (slash == out->path) {
      fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) fd = -errno;
    } else {
      *slash = 0;
      fd = open_dir(out->path);
    }
  }
  if (fd == -ELOOP) fd = -ENOENT;
  if (fd < 0) return fd;
  out->dirfd = fd;
  return 0;
}

#define PARENT(var, value)                          \
  parent_t var;                                     \
  int var##_err = parent_of(env, (value), &var);    \
  if (var##_err < 0) {                              \
    parent_done(&var);                              \
    return ld_int(env, var##_err);                  \
  }

static napi_value result(napi_env env, parent_t *p, int rc) {
  int e = rc < 0 ? -errno : rc;
  parent_done(p);
  return ld_int(env, e);
}

static void fill_stat(napi_env env, napi_value buf, const struct stat *st) {
  double *d;
  size_t n;
  napi_get_typedarray_info(env, buf, NULL, &n, (void **)&d, NULL, NULL);
  if (n < 16) return;
  d[0] = st->st_mode;
  d[1] = st->st_uid;
  d[2] = st->st_gid;
  d[3] = (double)st->st_size;
  d[4] = (double)st->st_ino;
  d[5] = (double)st->st_dev;
  d[6] = (double)st->st_nlink;
  d[7] = (double)st->st_rdev;
  d[8] = (double)st->st_blksize;
  d[9] = (double)st->st_blocks;
  d[10] = (double)st->st_atim.tv_sec;
  d[11] = (double)st->st_atim.tv_nsec;
  d[12] = (double)st->st_mtim.tv_sec;
  d[13] = (double)st->st_mtim.tv_nsec;
  d[14] = (double)st->st_ctim.tv_sec;
  d[15] = (double)st->st_ctim.tv_nsec;
}

/* lstat(path, Float64Array(16)) -> 0 | -errno */
static napi_value sys_lstat(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  PARENT(p, argv[0]);
  struct stat st;
  int rc = fstatat(p.dirfd, p.name, &st, AT_SYMLINK_NOFOLLOW);
  if (rc == 0) fill_stat(env, argv[1], &st);
  return result(env, &p, rc);
}

static napi_value sys_fstat(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  struct stat st;
  if (fstat((int)ld_arg_int(env, argv[0]), &st) < 0) return ld_int(env, -errno);
  fill_stat(env, argv[1], &st);
  return ld_int(env, 0);
}

/* open(path, flags, mode) -> fd | -errno; never follows a symlink, close-on-exec. */
static napi_value sys_open(napi_env env, napi_callback_info info) {
  LD_ARGS(3);
  PARENT(p, argv[0]);
  int flags = (int)ld_arg_int(env, argv[1]) | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat(p.dirfd, p.name, flags, (mode_t)ld_arg_int(env, argv[2]));
  return result(env, &p, fd);
}

/* readdir(path, onlyCharDevices) -> string[] | -errno (without . and ..) */
static napi_value sys_readdir(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  bool chars = false;
  napi_get_value_bool(env, argv[1], &chars);
  PARENT(p, argv[0]);
  int fd = openat(p.dirfd, p.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return result(env, &p, -1);
  DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    close(fd);
    return result(env, &p, -1);
  }
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(dir)) != NULL) {
    const char *n = e->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    if (chars && e->d_type != DT_CHR && e->d_type != DT_UNKNOWN) continue;
    if (chars && e->d_type == DT_UNKNOWN) {
      struct stat st;
      if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISCHR(st.st_mode)) continue;
    }
    napi_set_element(env, arr, i++, ld_bytes_string(env, n, strlen(n)));
  }
  int err = errno;
  closedir(dir);
  parent_done(&p);
  return err != 0 ? ld_int(env, -err) : arr;
}

static napi_value sys_mkdir(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  PARENT(p, argv[0]);
  return result(env, &p, mkdirat(p.dirfd, p.name, (mode_t)ld_arg_int(env, argv[1])));
}

static napi_value sys_unlink(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  bool dir = false;
  napi_get_value_bool(env, argv[1], &dir);
  PARENT(p, argv[0]);
  return result(env, &p, unlinkat(p.dirfd, p.name, dir ? AT_REMOVEDIR : 0));
}

/* rename(from, to, flags) with renameat2 flags (RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2). */
static napi_value sys_rename(napi_env env, napi_callback_info info) {
  LD_ARGS(3);
  unsigned flags = (unsigned)ld_arg_int(env, argv[2]);
  PARENT(a, argv[0]);
  parent_t b;
  int e = parent_of(env, argv[1], &b);
  int rc = -1;
  if (e == 0) {
    rc = flags == 0 ? renameat(a.dirfd, a.name, b.dirfd, b.name)
                    : (int)syscall(SYS_renameat2, a.dirfd, a.name, b.dirfd, b.name, flags);
    e = rc < 0 ? -errno : 0;
  }
  parent_done(&b);
  parent_done(&a);
  return ld_int(env, e);
}

static napi_value sys_link(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  PARENT(a, argv[0]);
  parent_t b;
  int e = parent_of(env, argv[1], &b);
  if (e == 0) e = linkat(a.dirfd, a.name, b.dirfd, b.name, 0) < 0 ? -errno : 0;
  parent_done(&b);
  parent_done(&a);
  return ld_int(env, e);
}

static napi_value sys_symlink(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  size_t len;
  char *target = ld_string_bytes(env, argv[0], &len);
  if (target == NULL || strlen(target) != len) {
    free(target);
    return ld_int(env, -EINVAL);
  }
  parent_t p;
  int e = parent_of(env, argv[1], &p);
  if (e == 0) e = symlinkat(target, p.dirfd, p.name) < 0 ? -errno : 0;
  parent_done(&p);
  free(target);
  return ld_int(env, e);
}

static napi_value sys_readlink(napi_env env, napi_callback_info info) {
  LD_ARGS(1);
  PARENT(p, argv[0]);
  char buf[PATH_MAX + 1];
  ssize_t n = readlinkat(p.dirfd, p.name, buf, sizeof buf);
  if (n < 0) return result(env, &p, -1);
  parent_done(&p);
  return ld_bytes_string(env, buf, (size_t)n);
}

/* chmod of the entry itself (never a symlink's target). */
static napi_value sys_chmod(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  PARENT(p, argv[0]);
  return result(env, &p, fchmodat(p.dirfd, p.name, (mode_t)ld_arg_int(env, argv[1]), AT_SYMLINK_NOFOLLOW));
}

static napi_value sys_lchown(napi_env env, napi_callback_info info) {
  LD_ARGS(3);
  PARENT(p, argv[0]);
  uid_t uid = (uid_t)ld_arg_int(env, argv[1]);
  gid_t gid = (gid_t)ld_arg_int(env, argv[2]);
  return result(env, &p, fchownat(p.dirfd, p.name, uid, gid, AT_SYMLINK_NOFOLLOW));
}

static void times_of(napi_env env, napi_value *argv, struct timespec ts[2]) {
  ts[0].tv_sec = (time_t)ld_arg_int(env, argv[0]);
  ts[0].tv_nsec = (long)ld_arg_int(env, argv[1]);
  ts[1].tv_sec = (time_t)ld_arg_int(env, argv[2]);
  ts[1].tv_nsec = (long)ld_arg_int(env, argv[3]);
}

/* utimens(path, atimeSec, atimeNsec, mtimeSec, mtimeNsec); nsec may be UTIME_NOW / UTIME_OMIT. */
static napi_value sys_utimens(napi_env env, napi_callback_info info) {
  LD_ARGS(5);
  struct timespec ts[2];
  times_of(env, argv + 1, ts);
  PARENT(p, argv[0]);
  return result(env, &p, utimensat(p.dirfd, p.name, ts, AT_SYMLINK_NOFOLLOW));
}

static napi_value sys_futimens(napi_env env, napi_callback_info info) {
  LD_ARGS(5);
  struct timespec ts[2];
  times_of(env, argv + 1, ts);
  return ld_int(env, futimens((int)ld_arg_int(env, argv[0]), ts) < 0 ? -errno : 0);
}

static napi_value sys_truncate(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  PARENT(p, argv[0]);
  int fd = openat(p.dirfd, p.name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return result(env, &p, -1);
  int rc = ftruncate(fd, (off_t)ld_arg_int(env, argv[1]));
  int e = rc < 0 ? -errno : 0;
  close(fd);
  parent_done(&p);
  return ld_int(env, e);
}

/* mknod(path, mode, rdev): FIFOs, devices, sockets and the 0/0 whiteout, without a process. */
static napi_value sys_mknod(napi_env env, napi_callback_info info) {
  LD_ARGS(3);
  PARENT(p, argv[0]);
  mode_t mode = (mode_t)ld_arg_int(env, argv[1]);
  dev_t rdev = (dev_t)ld_arg_int(env, argv[2]);
  return result(env, &p, mknodat(p.dirfd, p.name, mode, rdev));
}

/* statfs(path, Float64Array(6)): [frsize, blocks, bfree, bavail, files, ffree] */
static napi_value sys_statfs(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  size_t len;
  char *path = ld_string_bytes(env, argv[0], &len);
  if (path == NULL) return ld_int(env, -EINVAL);
  struct statvfs s;
  int rc = statvfs(path, &s);
  int e = rc < 0 ? -errno : 0;
  free(path);
  if (rc == 0) {
    double *d;
    size_t n;
    napi_get_typedarray_info(env, argv[1], NULL, &n, (void **)&d, NULL, NULL);
    if (n >= 6) {
      d[0] = (double)(s.f_frsize ? s.f_frsize : s.f_bsize);
      d[1] = (double)s.f_blocks;
      d[2] = (double)s.f_bfree;
      d[3] = (double)s.f_bavail;
      d[4] = (double)s.f_files;
      d[5] = (double)s.f_ffree;
    }
  }
  return ld_int(env, e);
}

/* The entry itself for the l*xattr calls: /proc/self/fd/DIRFD/NAME (the last name is not followed). */
static void xattr_path(char *out, size_t size, parent_t *p) {
  snprintf(out, size, "/proc/self/fd/%d/%s", p->dirfd, p->name);
}

#define XATTR_PATH_MAX (NAME_MAX + 40)

/* getxattr(path, name) -> Buffer | -errno (-ENODATA when absent) */
static napi_value sys_getxattr(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  size_t nlen;
  char *name = ld_string_bytes(env, argv[1], &nlen);
  if (name == NULL) return ld_int(env, -EINVAL);
  parent_t p;
  int e = parent_of(env, argv[0], &p);
  napi_value out = NULL;
  if (e == 0) {
    char xp[XATTR_PATH_MAX];
    xattr_path(xp, sizeof xp, &p);
    for (int tries = 0; tries < 4 && out == NULL && e == 0; tries++) {
      ssize_t size = lgetxattr(xp, name, NULL, 0);
      if (size < 0) {
        e = -errno;
        break;
      }
      void *data;
      napi_value buf;
      napi_create_buffer(env, (size_t)size, &data, &buf);
      ssize_t got = size == 0 ? 0 : lgetxattr(xp, name, data, (size_t)size);
      if (got == (ssize_t)size) out = buf;
      else if (got >= 0 || errno != ERANGE) e = got < 0 ? -errno : -EIO;
    }
  }
  parent_done(&p);
  free(name);
  return out != NULL ? out : ld_int(env, e != 0 ? e : -EIO);
}

/* setxattr(path, name, value, flags) */
static napi_value sys_setxattr(napi_env env, napi_callback_info info) {
  LD_ARGS(4);
  size_t nlen;
  char *name = ld_string_bytes(env, argv[1], &nlen);
  if (name == NULL) return ld_int(env, -EINVAL);
  void *data;
  size_t dlen;
  napi_get_buffer_info(env, argv[2], &data, &dlen);
  int flags = (int)ld_arg_int(env, argv[3]);
  parent_t p;
  int e = parent_of(env, argv[0], &p);
  if (e == 0) {
    char xp[XATTR_PATH_MAX];
    xattr_path(xp, sizeof xp, &p);
    e = lsetxattr(xp, name, data, dlen, flags) < 0 ? -errno : 0;
  }
  parent_done(&p);
  free(name);
  return ld_int(env, e);
}

static napi_value sys_removexattr(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  size_t nlen;
  char *name = ld_string_bytes(env, argv[1], &nlen);
  if (name == NULL) return ld_int(env, -EINVAL);
  parent_t p;
  int e = parent_of(env, argv[0], &p);
  if (e == 0) {
    char xp[XATTR_PATH_MAX];
    xattr_path(xp, sizeof xp, &p);
    e = lremovexattr(xp, name) < 0 ? -errno : 0;
  }
  parent_done(&p);
  free(name);
  return ld_int(env, e);
}

/* listxattr(path) -> string[] | -errno */
static napi_value sys_listxattr(napi_env env, napi_callback_info info) {
  LD_ARGS(1);
  PARENT(p, argv[0]);
  char xp[XATTR_PATH_MAX];
  xattr_path(xp, sizeof xp, &p);
  char *list = NULL;
  ssize_t size = 0;
  for (int tries = 0; tries < 4; tries++) {
    size = llistxattr(xp, NULL, 0);
    if (size <= 0) break;
    list = realloc(list, (size_t)size);
    ssize_t got = llistxattr(xp, list, (size_t)size);
    if (got >= 0) {
      size = got;
      break;
    }
    if (errno != ERANGE) {
      size = -1;
      break;
    }
  }
  int e = size < 0 ? -errno : 0;
  parent_done(&p);
  if (e != 0) {
    free(list);
    return ld_int(env, e);
  }
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  for (ssize_t off = 0; off < size;) {
    size_t n = strnlen(list + off, (size_t)(size - off));
    if (n > 0) napi_set_element(env, arr, i++, ld_bytes_string(env, list + off, n));
    off += (ssize_t)n + 1;
  }
  free(list);
  return arr;
}

/* dup2(from, to): `to` now refers to what `from` refers to (an open file follows a copy-up). */
static napi_value sys_dup2(napi_env env, napi_callback_info info) {
  LD_ARGS(2);
  int rc = dup3((int)ld_arg_int(env, argv[0]), (int)ld_arg_int(env, argv[1]), O_CLOEXEC);
  return ld_int(env, rc < 0 ? -errno : 0);
}

/* flock(fd, LOCK_EX | LOCK_NB) -> 0 | -EWOULDBLOCK | -errno */
static napi_value sys_flock(napi_env env, napi_callback_info info) {
  LD_ARGS(1);
  return ld_int(env, flock((int)ld_arg_int(env, argv[0]), LOCK_EX | LOCK_NB) < 0 ? -errno : 0);
}

/* Raises the open-file limit as far as the system allows; returns the new soft limit. */
static napi_value sys_raise_nofile(napi_env env, napi_callback_info info) {
  (void)info;
  struct rlimit r;
  getrlimit(RLIMIT_NOFILE, &r);
  rlim_t want = 1 << 20;
  FILE *f = fopen("/proc/sys/fs/nr_open", "r");
  if (f != NULL) {
    unsigned long v;
    if (fscanf(f, "%lu", &v) == 1 && v < want) want = v;
    fclose(f);
  }
  struct rlimit up = {.rlim_cur = want, .rlim_max = want > r.rlim_max ? want : r.rlim_max};
  if (setrlimit(RLIMIT_NOFILE, &up) != 0) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  getrlimit(RLIMIT_NOFILE, &r);
  return ld_int(env, (int64_t)r.rlim_cur);
}

void ld_sys_init(napi_env env, napi_value exports) {
  ld_export(env, exports, "lstat", sys_lstat);
  ld_export(env, exports, "fstat", sys_fstat);
  ld_export(env, exports, "open", sys_open);
  ld_export(env, exports, "readdir", sys_readdir);
  ld_export(env, exports, "mkdir", sys_mkdir);
  ld_export(env, exports, "unlink", sys_unlink);
  ld_export(env, exports, "rename", sys_rename);
  ld_export(env, exports, "link", sys_link);
  ld_export(env, exports, "symlink", sys_symlink);
  ld_export(env, exports, "readlink", sys_readlink);
  ld_export(env, exports, "chmod", sys_chmod);
  ld_export(env, exports, "lchown", sys_lchown);
  ld_export(env, exports, "utimens", sys_utimens);
  ld_export(env, exports, "futimens", sys_futimens);
  ld_export(env, exports, "truncate", sys_truncate);
  ld_export(env, exports, "mknod", sys_mknod);
  ld_export(env, exports, "statfs", sys_statfs);
  ld_export(env, exports, "getxattr", sys_getxattr);
  ld_export(env, exports, "setxattr", sys_setxattr);
  ld_export(env, exports, "removexattr", sys_removexattr);
  ld_export(env, exports, "listxattr", sys_listxattr);
  ld_export(env, exports, "dup2", sys_dup2);
  ld_export(env, exports, "flock", sys_flock);
  ld_export(env, exports, "raiseNofile", sys_raise_nofile);
}
