/*
 * LayerDeck's FUSE binding on libfuse3's low-level API. Why not fuse-native: its high-level
 * libfuse 2 API gives every path its own kernel inode (hard links diverge, a reset leaves open
 * files sharing an inode with their replacement), renames open files to .fuse_hidden*, turns
 * names into UTF-8 strings (bytes lost), times into milliseconds, drops UTIME_OMIT, cannot
 * invalidate the kernel's caches and does not say when the mount went away.
 *
 * Threads: a few loop threads read requests from /dev/fuse. Data requests are served on them
 * (fuse_ops.c); the rest are queued as jobs to the JavaScript thread through a thread-safe
 * function, where the engine answers them (ld_fuse_call_js). A watcher thread notices the mount
 * leaving the mount table (umount -l while files are open), and invalidations run on a thread
 * of their own (the kernel may hold a lock a queued request needs: sent from the JS thread they
 * could deadlock).
 */
#define _GNU_SOURCE
#include "fuse.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "names.h"
#include "util.h"

static const char *OP_NAMES[OP_COUNT] = {
  "lookup", "forget", "getattr", "setattr", "readlink", "mknod", "mkdir", "unlink",
  "rmdir", "symlink", "rename", "link", "open", "release", "opendir", "readdir",
  "releasedir", "statfs", "setxattr", "getxattr", "listxattr", "removexattr", "create",
  "wrote", "ended", "gone", "error",
};

#define WAKE_SIGNAL (SIGRTMIN + 3)

void ld_fuse_post(session_t *s, job_t *job) {
  job->s = s;
  if (napi_call_threadsafe_function(s->tsfn, job, napi_tsfn_nonblocking) != napi_ok) {
    if (job->req != NULL) fuse_reply_err(job->req, ENOTCONN);
    free(job->name);
    free(job->name2);
    free(job->data);
    free(job);
  }
}

/* ---- replies from what JavaScript left in `io` ---- */

/* Fills a struct stat from an attribute row of the shared layout (see fuse.h IO_ATTR). */
static void attr_from_row(const double *a, struct stat *st) {
  memset(st, 0, sizeof *st);
  st->st_ino = (ino_t)a[0];
  st->st_mode = (mode_t)a[1];
  st->st_nlink = (nlink_t)a[2];
  st->st_uid = (uid_t)a[3];
  st->st_gid = (gid_t)a[4];
  st->st_rdev = (dev_t)a[5];
  st->st_size = (off_t)a[6];
  st->st_blksize = (blksize_t)a[7];
  st->st_blocks = (blkcnt_t)a[8];
  st->st_atim.tv_sec = (time_t)a[9];
  st->st_atim.tv_nsec = (long)a[10];
  st->st_mtim.tv_sec = (time_t)a[11];
  st->st_mtim.tv_nsec = (long)a[12];
  st->st_ctim.tv_sec = (time_t)a[13];
  st->st_ctim.tv_nsec = (long)a[14];
}

static void attr_from_io(const double *io, struct stat *st) { attr_from_row(io + IO_ATTR, st); }

static void entry_from_io(const double *io, uint64_t node, struct fuse_entry_param *e) {
  memset(e, 0, sizeof *e);
  e->ino = node;
  e->generation = (uint64_t)io[IO_GENERATION];
  attr_from_io(io, &e->attr);
  e->attr_timeout = io[IO_ATTR_TIMEOUT];
  e->entry_timeout = io[IO_ENTRY_TIMEOUT];
}

static int64_t as_int(napi_env env, napi_value v, int64_t fallback) {
  napi_valuetype t;
  if (v == NULL || napi_typeof(env, v, &t) != napi_ok || t != napi_number) return fallback;
  int64_t r;
  napi_get_value_int64(env, v, &r);
  return r;
}

static napi_value num(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

static napi_value str(napi_env env, const char *s, size_t len) { return ld_bytes_string(env, s, len); }

/* Calls the JS function of an operation; NULL when it threw (reported to the `error` op). */
static napi_value call_op(napi_env env, session_t *s, int op, size_t argc, napi_value *argv) {
  napi_value fn, recv, result;
  if (s->ops[op] == NULL) return NULL;
  napi_get_reference_value(env, s->ops[op], &fn);
  napi_get_undefined(env, &recv);
  if (napi_call_function(env, recv, fn, argc, argv, &result) == napi_ok) return result;
  napi_value exc;
  napi_get_and_clear_last_exception(env, &exc);
  if (op != OP_ERROR && s->ops[OP_ERROR] != NULL) call_op(env, s, OP_ERROR, 1, &exc);
  return NULL;
}

/* Replies to an entry-creating op: the result is a node id (> 0) or -errno. */
static void reply_entry(napi_env env, job_t *j, napi_value r) {
  int64_t node = as_int(env, r, -EIO);
  if (node <= 0) {
    fuse_reply_err(j->req, node == 0 ? EIO : (int)-node);
    return;
  }
  struct fuse_entry_param e;
  entry_from_io(j->s->io, (uint64_t)node, &e);
  fuse_reply_entry(j->req, &e);
}

static void reply_status(napi_env env, job_t *j, napi_value r) {
  int64_t rc = as_int(env, r, -EIO);
  fuse_reply_err(j->req, rc < 0 ? (int)-rc : 0);
}

static void reply_attr(napi_env env, job_t *j, napi_value r) {
  int64_t rc = as_int(env, r, -EIO);
  if (rc < 0) {
    fuse_reply_err(j->req, (int)-rc);
    return;
  }
  struct stat st;
  attr_from_io(j->s->io, &st);
  fuse_reply_attr(j->req, &st, j->s->io[IO_ATTR_TIMEOUT]);
}

static void reply_open(napi_env env, job_t *j, napi_value r, int create) {
  int64_t fh = as_int(env, r, -EIO);
  if (fh < 0) {
    fuse_reply_err(j->req, (int)-fh);
    return;
  }
  struct fuse_file_info fi;
  memset(&fi, 0, sizeof fi);
  fi.fh = (uint64_t)fh;
  fi.keep_cache = j->s->io[IO_KEEP_CACHE] != 0;
  fi.direct_io = j->s->io[IO_DIRECT_IO] != 0;
  ld_fd_set((int)fh, 0);
  if (create) {
    struct fuse_entry_param e;
    entry_from_io(j->s->io, (uint64_t)j->s->io[IO_NODE], &e);
    if (fuse_reply_create(j->req, &e, &fi) == -ENOENT) {
      /* The process was interrupted: nobody will release this handle. */
      napi_value args[2] = {num(env, j->s->io[IO_NODE]), num(env, (double)fh)};
      call_op(env, j->s, OP_RELEASE, 2, args);
    }
  } else if (fuse_reply_open(j->req, &fi) == -ENOENT) {
    napi_value args[2] = {num(env, (double)j->ino), num(env, (double)fh)};
    call_op(env, j->s, OP_RELEASE, 2, args);
  }
}

/*
 * readdir: JS returns [names[], Float64Array, first offset]. Plain: two numbers per entry (ino,
 * mode). Plus: ROW numbers per entry (an attribute row, then node id and timeout); every entry with
 * a node id counts as a lookup in JS, so the ones that did not fit are forgotten again.
 */
#define PLUS_ROW 17
static void reply_readdir(napi_env env, job_t *j, napi_value r) {
  bool is_array = false;
  if (r == NULL || napi_is_array(env, r, &is_array) != napi_ok || !is_array) {
    reply_status(env, j, r);
    return;
  }
  int plus = j->a[2] != 0;
  size_t row = plus ? PLUS_ROW : 2;
  napi_value names, types, first;
  napi_get_element(env, r, 0, &names);
  napi_get_element(env, r, 1, &types);
  napi_get_element(env, r, 2, &first);
  uint32_t count = 0;
  napi_get_array_length(env, names, &count);
  double *t;
  size_t tlen;
  napi_get_typedarray_info(env, types, NULL, &tlen, (void **)&t, NULL, NULL);
  int64_t off = as_int(env, first, 0);
  size_t size = (size_t)j->a[0];
  char *buf = malloc(size > 0 ? size : 1);
  size_t used = 0;
  uint32_t i = 0;
  for (; i < count && (size_t)(i + 1) * row <= tlen; i++) {
    napi_value nv;
    napi_get_element(env, names, i, &nv);
    size_t len;
    char *name = ld_string_bytes(env, nv, &len);
    if (name == NULL) break;
    const double *e = t + (size_t)i * row;
    size_t need;
    if (plus) {
      struct fuse_entry_param p;
      memset(&p, 0, sizeof p);
      attr_from_row(e, &p.attr);
      p.ino = (fuse_ino_t)e[15];
      p.attr_timeout = e[16];
      p.entry_timeout = e[16];
      need = fuse_add_direntry_plus(j->req, buf + used, size - used, name, &p, off + i + 1);
    } else {
      struct stat st;
      memset(&st, 0, sizeof st);
      st.st_ino = (ino_t)e[0];
      st.st_mode = (mode_t)e[1];
      need = fuse_add_direntry(j->req, buf + used, size - used, name, &st, off + i + 1);
    }
    free(name);
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(j->req, buf, used);
  free(buf);
  /* Entries counted as lookups that did not fit: the kernel never saw them. */
  for (uint32_t k = i; plus && k < count && (size_t)(k + 1) * row <= tlen; k++) {
    double node = t[(size_t)k * row + 15];
    if (node <= 0) continue;
    napi_value v[2] = {num(env, node), num(env, 1)};
    call_op(env, j->s, OP_FORGET, 2, v);
  }
}

static void reply_xattr(napi_env env, job_t *j, napi_value r) {
  size_t size = (size_t)j->a[0];
  bool is_buffer = false;
  if (r != NULL) napi_is_buffer(env, r, &is_buffer);
  if (!is_buffer) {
    reply_status(env, j, r);
    return;
  }
  void *data;
  size_t len;
  napi_get_buffer_info(env, r, &data, &len);
  if (size == 0) fuse_reply_xattr(j->req, len);
  else if (len > size) fuse_reply_err(j->req, ERANGE);
  else fuse_reply_buf(j->req, data, len);
}

static void reply_listxattr(napi_env env, job_t *j, napi_value r) {
  bool is_array = false;
  if (r == NULL || napi_is_array(env, r, &is_array) != napi_ok || !is_array) {
    reply_status(env, j, r);
    return;
  }
  uint32_t count;
  napi_get_array_length(env, r, &count);
  size_t cap = 256, len = 0;
  char *list = malloc(cap);
  for (uint32_t i = 0; i < count; i++) {
    napi_value nv;
    napi_get_element(env, r, i, &nv);
    size_t n;
    char *name = ld_string_bytes(env, nv, &n);
    if (name == NULL) continue;
    while (len + n + 1 > cap) list = realloc(list, cap *= 2);
    memcpy(list + len, name, n + 1);
    len += n + 1;
    free(name);
  }
  size_t size = (size_t)j->a[0];
  if (size == 0) fuse_reply_xattr(j->req, len);
  else if (len > size) fuse_reply_err(j->req, ERANGE);
  else fuse_reply_buf(j->req, list, len);
  free(list);
}

static void reply_readlink(napi_env env, job_t *j, napi_value r) {
  napi_valuetype t = napi_undefined;
  if (r != NULL) napi_typeof(env, r, &t);
  if (t != napi_string) {
    reply_status(env, j, r);
    return;
  }
  size_t len;
  char *target = ld_string_bytes(env, r, &len);
  fuse_reply_readlink(j->req, target != NULL ? target : "");
  free(target);
}

static void reply_statfs(napi_env env, job_t *j, napi_value r) {
  int64_t rc = as_int(env, r, -EIO);
  if (rc < 0) {
    fuse_reply_err(j->req, (int)-rc);
    return;
  }
  const double *a = j->s->io + IO_ATTR;
  struct statvfs v;
  memset(&v, 0, sizeof v);
  v.f_bsize = (unsigned long)a[0];
  v.f_frsize = (unsigned long)a[1];
  v.f_blocks = (fsblkcnt_t)a[2];
  v.f_bfree = (fsblkcnt_t)a[3];
  v.f_bavail = (fsblkcnt_t)a[4];
  v.f_files = (fsfilcnt_t)a[5];
  v.f_ffree = (fsfilcnt_t)a[6];
  v.f_favail = (fsfilcnt_t)a[6];
  v.f_namemax = (unsigned long)a[7];
  fuse_reply_statfs(j->req, &v);
}

/* ---- the JavaScript thread: one job at a time ---- */

static void dispatch(napi_env env, job_t *j) {
  session_t *s = j->s;
  double *io = s->io;
  io[IO_UID] = j->uid;
  io[IO_GID] = j->gid;
  io[IO_PID] = j->pid;
  io[IO_KEEP_CACHE] = 0;
  io[IO_DIRECT_IO] = 0;
  napi_value v[6], r;
  v[0] = num(env, (double)j->ino);
  switch (j->op) {
    case OP_LOOKUP:
    case OP_UNLINK:
    case OP_RMDIR:
    case OP_REMOVEXATTR:
      v[1] = str(env, j->name, j->namelen);
      r = call_op(env, s, j->op, 2, v);
      if (j->op == OP_LOOKUP) reply_entry(env, j, r);
      else reply_status(env, j, r);
      break;
    case OP_FORGET:
      v[1] = num(env, j->a[0]);
      call_op(env, s, OP_FORGET, 2, v);
      if (j->req != NULL) fuse_reply_none(j->req);
      break;
    case OP_GETATTR:
      v[1] = num(env, j->fh == (uint64_t)-1 ? -1 : (double)j->fh);
      reply_attr(env, j, call_op(env, s, OP_GETATTR, 2, v));
      break;
    case OP_SETATTR: {
      napi_value a[11];
      a[0] = v[0];
      for (int i = 0; i < 9; i++) a[i + 1] = num(env, j->a[i]);
      a[10] = num(env, j->fh == (uint64_t)-1 ? -1 : (double)j->fh);
      reply_attr(env, j, call_op(env, s, OP_SETATTR, 11, a));
      break;
    }
    case OP_READLINK:
      reply_readlink(env, j, call_op(env, s, OP_READLINK, 1, v));
      break;
    case OP_MKNOD:
      v[1] = str(env, j->name, j->namelen);
      v[2] = num(env, j->a[0]);
      v[3] = num(env, j->a[1]);
      reply_entry(env, j, call_op(env, s, OP_MKNOD, 4, v));
      break;
    case OP_MKDIR:
      v[1] = str(env, j->name, j->namelen);
      v[2] = num(env, j->a[0]);
      reply_entry(env, j, call_op(env, s, OP_MKDIR, 3, v));
      break;
    case OP_SYMLINK:
      v[1] = str(env, j->name, j->namelen);
      v[2] = str(env, j->name2, j->name2len);
      reply_entry(env, j, call_op(env, s, OP_SYMLINK, 3, v));
      break;
    case OP_RENAME:
      v[1] = str(env, j->name, j->namelen);
      v[2] = num(env, (double)j->ino2);
      v[3] = str(env, j->name2, j->name2len);
      v[4] = num(env, j->a[0]);
      reply_status(env, j, call_op(env, s, OP_RENAME, 5, v));
      break;
    case OP_LINK:
      v[1] = num(env, (double)j->ino2);
      v[2] = str(env, j->name, j->namelen);
      reply_entry(env, j, call_op(env, s, OP_LINK, 3, v));
      break;
    case OP_OPEN:
      v[1] = num(env, j->a[0]);
      reply_open(env, j, call_op(env, s, OP_OPEN, 2, v), 0);
      break;
    case OP_CREATE:
      v[1] = str(env, j->name, j->namelen);
      v[2] = num(env, j->a[0]);
      v[3] = num(env, j->a[1]);
      reply_open(env, j, call_op(env, s, OP_CREATE, 4, v), 1);
      break;
    case OP_RELEASE:
    case OP_RELEASEDIR:
      v[1] = num(env, (double)j->fh);
      call_op(env, s, j->op, 2, v);
      fuse_reply_err(j->req, 0);
      break;
    case OP_OPENDIR: {
      int64_t dh = as_int(env, call_op(env, s, OP_OPENDIR, 1, v), -EIO);
      if (dh < 0) fuse_reply_err(j->req, (int)-dh);
      else {
        struct fuse_file_info fi;
        memset(&fi, 0, sizeof fi);
        fi.fh = (uint64_t)dh;
        fuse_reply_open(j->req, &fi);
      }
      break;
    }
    case OP_READDIR:
      v[1] = num(env, (double)j->fh);
      v[2] = num(env, j->a[1]);
      v[3] = num(env, j->a[0]);
      v[4] = num(env, j->a[2]);
      reply_readdir(env, j, call_op(env, s, OP_READDIR, 5, v));
      break;
    case OP_STATFS:
      reply_statfs(env, j, call_op(env, s, OP_STATFS, 1, v));
      break;
    case OP_SETXATTR: {
      napi_value buf;
      void *data;
      napi_create_buffer_copy(env, j->datalen, j->data, &data, &buf);
      v[1] = str(env, j->name, j->namelen);
      v[2] = buf;
      v[3] = num(env, j->a[0]);
      reply_status(env, j, call_op(env, s, OP_SETXATTR, 4, v));
      break;
    }
    case OP_GETXATTR:
      v[1] = str(env, j->name, j->namelen);
      reply_xattr(env, j, call_op(env, s, OP_GETXATTR, 2, v));
      break;
    case OP_LISTXATTR:
      reply_listxattr(env, j, call_op(env, s, OP_LISTXATTR, 1, v));
      break;
    case OP_WROTE:
      v[1] = num(env, (double)j->fh);
      call_op(env, s, OP_WROTE, 2, v);
      break;
    case OP_GONE:
    case OP_ENDED:
      call_op(env, s, j->op, 0, v);
      break;
    case OP_CALLBACK: {
      napi_value fn, recv;
      napi_get_reference_value(env, j->cb, &fn);
      napi_get_undefined(env, &recv);
      napi_call_function(env, recv, fn, 0, NULL, &r);
      napi_delete_reference(env, j->cb);
      break;
    }
    default:
      if (j->req != NULL) fuse_reply_err(j->req, ENOSYS);
  }
}

void ld_fuse_call_js(napi_env env, napi_value cb, void *context, void *data) {
  job_t *j = data;
  if (env == NULL) {
    if (j->req != NULL) fuse_reply_err(j->req, ENOTCONN);
  } else {
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    dispatch(env, j);
    napi_close_handle_scope(env, scope);
  }
  free(j->name);
  free(j->name2);
  free(j->data);
  free(j);
}

/* ---- loop threads ---- */

static void on_wake(int sig) { (void)sig; }

static void *loop_thread(void *arg) {
  session_t *s = arg;
  struct fuse_buf buf;
  memset(&buf, 0, sizeof buf);
  while (!fuse_session_exited(s->se)) {
    int res = fuse_session_receive_buf(s->se, &buf);
    if (res == -EINTR || res == -EAGAIN) continue;
    if (res <= 0) break;
    fuse_session_process_buf(s->se, &buf);
  }
  free(buf.mem);
  pthread_mutex_lock(&s->lock);
  int last = --s->running == 0;
  pthread_mutex_unlock(&s->lock);
  if (last) {
    s->watcher_stop = 1;
    ld_fuse_post(s, ld_job(NULL, OP_ENDED));
  }
  return NULL;
}

/* Is a filesystem with device `dev` still in this process's mount table? */
static int mounted(dev_t dev) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  if (f == NULL) return 1;
  char line[4096];
  char want[32];
  snprintf(want, sizeof want, " %u:%u ", major(dev), minor(dev));
  int found = 0;
  while (!found && fgets(line, sizeof line, f) != NULL) found = strstr(line, want) != NULL;
  fclose(f);
  return found;
}

/* The kernel flags /proc/self/mountinfo (POLLPRI) at every change of the mount table. */
/* Undoes mountinfo's octal escapes (\040 for a space, ...) in place. */
static void unescape(char *s) {
  char *out = s;
  for (char *p = s; *p; p++) {
    if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
      *out++ = (char)(((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
      p += 3;
    } else *out++ = *p;
  }
  *out = 0;
}

/*
 * Our mount's device number, from the mount table: the last FUSE mount on our mount point.
 * Never stat the mount point from this process: a thread of the daemon blocked on its own mount
 * becomes unkillable if the daemon dies (the kernel waits for an answer nobody will send).
 */
static dev_t find_dev(const char *mountpoint) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  if (f == NULL) return 0;
  char *line = NULL;
  size_t cap = 0;
  dev_t dev = 0;
  while (getline(&line, &cap, f) > 0) {
    unsigned maj, min;
    char point[4096], rest[64];
    if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, point) != 3) continue;
    char *sep = strstr(line, " - ");
    if (sep == NULL || sscanf(sep + 3, "%63s", rest) != 1 || strncmp(rest, "fuse", 4) != 0) continue;
    unescape(point);
    if (strcmp(point, mountpoint) == 0) dev = makedev(maj, min);
  }
  free(line);
  fclose(f);
  return dev;
}

static void *watcher_thread(void *arg) {
  session_t *s = arg;
  s->dev = find_dev(s->mountpoint);
  if (s->dev == 0) return NULL;
  char tmp[4096];
  while (read(s->watcher_fd, tmp, sizeof tmp) > 0) {
  }
  int changed = 1;
  while (!s->watcher_stop) {
    if (changed && !mounted(s->dev)) {
      ld_fuse_post(s, ld_job(NULL, OP_GONE));
      break;
    }
    struct pollfd p = {.fd = s->watcher_fd, .events = POLLPRI};
    changed = poll(&p, 1, 500) > 0;
    if (changed) {
      lseek(s->watcher_fd, 0, SEEK_SET);
      while (read(s->watcher_fd, tmp, sizeof tmp) > 0) {
      }
    }
  }
  return NULL;
}

/* Wakes the loop threads out of their blocking read so they see the session has exited. */
static void wake_threads(session_t *s) {
  for (int i = 0; i < s->nthreads; i++) pthread_kill(s->threads[i], WAKE_SIGNAL);
}

/* ---- the functions JavaScript calls ---- */

static session_t *session_of(napi_env env, napi_value v) {
  session_t *s = NULL;
  napi_get_value_external(env, v, (void **)&s);
  return s;
}

static void throw_errno(napi_env env, const char *what, int err) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  char code[32];
  snprintf(code, sizeof code, "E%d", err);
  napi_throw_error(env, code, msg);
}

/*
 * fuseMount(mountpoint, options, ops, io: Float64Array(64), threads, maxWrite) -> session
 * options: the -o list (allow_other,default_permissions,fsname=...). Mounts before returning.
 */
static napi_value fuse_mount(napi_env env, napi_callback_info info) {
  LD_ARGS(6);
  size_t len;
  char *mountpoint = ld_string_bytes(env, argv[0], &len);
  char *options = ld_string_bytes(env, argv[1], &len);
  if (mountpoint == NULL || options == NULL) return NULL;
  session_t *s = calloc(1, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  s->mountpoint = mountpoint;
  s->nthreads = (int)ld_arg_int(env, argv[4]);
  if (s->nthreads < 1) s->nthreads = 1;
  if (s->nthreads > 16) s->nthreads = 16;
  s->max_write = (size_t)ld_arg_int(env, argv[5]);
  if (s->max_write < 65536) s->max_write = 65536;
  for (int i = 0; i < OP_COUNT; i++) {
    napi_value fn;
    bool has = false;
    napi_has_named_property(env, argv[2], OP_NAMES[i], &has);
    if (!has) continue;
    napi_get_named_property(env, argv[2], OP_NAMES[i], &fn);
    napi_create_reference(env, fn, 1, &s->ops[i]);
  }
  size_t iolen;
  napi_get_typedarray_info(env, argv[3], NULL, &iolen, (void **)&s->io, NULL, NULL);
  napi_create_reference(env, argv[3], 1, &s->io_ref);
  if (iolen < IO_SIZE) {
    napi_throw_error(env, "EINVAL", "io must be a Float64Array(64)");
    return NULL;
  }
  char *fargv[] = {"layerdeck", "-o", options, NULL};
  struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
  struct fuse_lowlevel_ops ops;
  ld_fuse_fill_ops(&ops);
  s->se = fuse_session_new(&args, &ops, sizeof ops, s);
  free(options);
  if (s->se == NULL) {
    napi_throw_error(env, "EINVAL", "libfuse refused the mount options");
    return NULL;
  }
  if (fuse_session_mount(s->se, mountpoint) != 0) {
    fuse_session_destroy(s->se);
    throw_errno(env, "mount failed", errno ? errno : EIO);
    return NULL;
  }
  napi_value name;
  napi_create_string_utf8(env, "layerdeck-fuse", NAPI_AUTO_LENGTH, &name);
  napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, s, ld_fuse_call_js, &s->tsfn);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_wake; /* no SA_RESTART: a blocking read returns EINTR */
  sigaction(WAKE_SIGNAL, &sa, NULL);
  sigset_t set, old;
  sigfillset(&set);
  sigdelset(&set, WAKE_SIGNAL);
  pthread_sigmask(SIG_SETMASK, &set, &old); /* loop threads take no other signal */
  s->running = s->nthreads;
  for (int i = 0; i < s->nthreads; i++) pthread_create(&s->threads[i], NULL, loop_thread, s);
  s->watcher_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (s->watcher_fd >= 0) pthread_create(&s->watcher, NULL, watcher_thread, s);
  else s->watcher_stop = 1;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  napi_value ext;
  napi_create_external(env, s, NULL, NULL, &ext);
  return ext;
}

/*
 * fuseUnmount(session): detaches the mount (lazily when busy); the kernel then ends the
 * connection and the loop threads see ENODEV; `ended` follows. Not fuse_session_unmount: it
 * closes /dev/fuse under the loop threads still reading it (and the number could be reused).
 */
static napi_value fuse_unmount(napi_env env, napi_callback_info info) {
  LD_ARGS(1);
  session_t *s = session_of(env, argv[0]);
  if (s == NULL || s->ended) return NULL;
  if (umount2(s->mountpoint, MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    fuse_session_exit(s->se);
    wake_threads(s);
  }
  return NULL;
}

/* fuseAbort(session): stops serving at once (open files on a lazily unmounted tree get ENOTCONN). */
static napi_value fuse_abort(napi_env env, napi_callback_info info) {
  LD_ARGS(1);
  session_t *s = session_of(env, argv[0]);
  if (s == NULL || s->ended) return NULL;
  fuse_session_exit(s->se);
  wake_threads(s);
  return NULL;
}

/* fuseDestroy(session): after `ended`: joins the threads, closes /dev/fuse, frees. */
static napi_value fuse_destroy(napi_env env, napi_callback_info info) {
  LD_ARGS(1);
  session_t *s = session_of(env, argv[0]);
  if (s == NULL || s->ended) return NULL;
  s->ended = 1;
  s->watcher_stop = 1;
  for (int i = 0; i < s->nthreads; i++) pthread_join(s->threads[i], NULL);
  if (s->watcher_fd >= 0) {
    if (s->watcher) pthread_join(s->watcher, NULL);
    close(s->watcher_fd);
  }
  if (s->dev != 0 && mounted(s->dev)) fuse_session_unmount(s->se);
  fuse_session_destroy(s->se);
  napi_release_threadsafe_function(s->tsfn, napi_tsfn_abort);
  for (int i = 0; i < OP_COUNT; i++) {
    if (s->ops[i] != NULL) napi_delete_reference(env, s->ops[i]);
  }
  napi_delete_reference(env, s->io_ref);
  return NULL;
}

/* fuseStrand(fd): writes, fsync and close through this handle fail with EIO from now on. */
static napi_value fuse_strand(napi_env env, napi_callback_info info) {
  LD_ARGS(1);
  int fd = (int)ld_arg_int(env, argv[0]);
  ld_fd_set(fd, ld_fd_flags(fd) | FD_STRANDED);
  return NULL;
}

typedef struct {
  session_t *s;
  uint64_t *inodes;
  size_t ninodes;
  uint64_t *parents;
  char **names;
  size_t nentries;
  napi_ref cb;
} inval_t;

static void *inval_thread(void *arg) {
  inval_t *w = arg;
  for (size_t i = 0; i < w->nentries; i++) {
    fuse_lowlevel_notify_inval_entry(w->s->se, w->parents[i], w->names[i], strlen(w->names[i]));
    free(w->names[i]);
  }
  for (size_t i = 0; i < w->ninodes; i++) fuse_lowlevel_notify_inval_inode(w->s->se, w->inodes[i], 0, 0);
  job_t *done = ld_job(NULL, OP_CALLBACK);
  done->cb = w->cb;
  ld_fuse_post(w->s, done);
  free(w->inodes);
  free(w->parents);
  free(w->names);
  free(w);
  return NULL;
}

/*
 * fuseInvalidate(session, inodes: number[], parents: number[], names: string[], done): drops the
 * kernel's cached entries (parent, name) and attributes and data of inodes, on a thread of its
 * own; `done` runs on the JS thread when the kernel has taken them all.
 */
static napi_value fuse_invalidate(napi_env env, napi_callback_info info) {
  LD_ARGS(5);
  session_t *s = session_of(env, argv[0]);
  if (s == NULL || s->ended) return NULL;
  inval_t *w = calloc(1, sizeof *w);
  w->s = s;
  uint32_t n;
  napi_get_array_length(env, argv[1], &n);
  w->ninodes = n;
  w->inodes = calloc(n + 1, sizeof(uint64_t));
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    napi_get_element(env, argv[1], i, &v);
    w->inodes[i] = (uint64_t)ld_arg_int(env, v);
  }
  napi_get_array_length(env, argv[2], &n);
  w->nentries = n;
  w->parents = calloc(n + 1, sizeof(uint64_t));
  w->names = calloc(n + 1, sizeof(char *));
  for (uint32_t i = 0; i < n; i++) {
    napi_value p, nm;
    napi_get_element(env, argv[2], i, &p);
    napi_get_element(env, argv[3], i, &nm);
    size_t len;
    w->parents[i] = (uint64_t)ld_arg_int(env, p);
    w->names[i] = ld_string_bytes(env, nm, &len);
    if (w->names[i] == NULL) w->names[i] = strdup(".");
  }
  napi_create_reference(env, argv[4], 1, &w->cb);
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&t, &attr, inval_thread, w);
  pthread_attr_destroy(&attr);
  return NULL;
}

void ld_fuse_init(napi_env env, napi_value exports) {
  ld_export(env, exports, "fuseMount", fuse_mount);
  ld_export(env, exports, "fuseUnmount", fuse_unmount);
  ld_export(env, exports, "fuseAbort", fuse_abort);
  ld_export(env, exports, "fuseDestroy", fuse_destroy);
  ld_export(env, exports, "fuseStrand", fuse_strand);
  ld_export(env, exports, "fuseInvalidate", fuse_invalidate);
}
