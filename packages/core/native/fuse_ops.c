/*
 * libfuse's low-level callbacks, run on the loop threads. Data operations (read, write, fsync,
 * flush, lseek, fallocate) are served here on the handle's real file descriptor (a handle IS the
 * descriptor of the layer file: fh = fd), so file data never crosses into JavaScript. Everything
 * else becomes a job for the JavaScript thread (the engine), which replies when it has run it;
 * the loop thread goes on reading requests meanwhile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuse.h"

/* ---- per-descriptor flags (first write seen, stranded by a forced revert/reset) ---- */

static uint8_t *fd_flags;
static size_t fd_flags_len;
static pthread_mutex_t fd_flags_lock = PTHREAD_MUTEX_INITIALIZER;

uint8_t ld_fd_flags(int fd) {
  if (fd < 0 || (size_t)fd >= __atomic_load_n(&fd_flags_len, __ATOMIC_ACQUIRE)) return 0;
  return __atomic_load_n(&fd_flags[fd], __ATOMIC_RELAXED);
}

void ld_fd_set(int fd, uint8_t flags) {
  if (fd < 0) return;
  if ((size_t)fd >= fd_flags_len) {
    pthread_mutex_lock(&fd_flags_lock);
    if ((size_t)fd >= fd_flags_len) {
      size_t len = fd_flags_len ? fd_flags_len : 1024;
      while (len <= (size_t)fd) len *= 2;
      /* Never freed or shrunk: readers on other threads may still hold the old pointer. */
      uint8_t *grown = calloc(len, 1);
      if (fd_flags != NULL) memcpy(grown, fd_flags, fd_flags_len);
      __atomic_store_n(&fd_flags, grown, __ATOMIC_RELEASE);
      __atomic_store_n(&fd_flags_len, len, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&fd_flags_lock);
  }
  __atomic_store_n(&fd_flags[fd], flags, __ATOMIC_RELAXED);
}

static void fd_or(int fd, uint8_t flag) {
  ld_fd_set(fd, ld_fd_flags(fd) | flag);
}

/* ---- jobs ---- */

job_t *ld_job(fuse_req_t req, int op) {
  job_t *job = calloc(1, sizeof(job_t));
  job->op = op;
  job->req = req;
  if (req != NULL) {
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    job->uid = ctx->uid;
    job->gid = ctx->gid;
    job->pid = ctx->pid;
    job->s = fuse_req_userdata(req);
  }
  return job;
}

static char *copy_name(const char *name, size_t *len) {
  *len = strlen(name);
  char *c = malloc(*len + 1);
  memcpy(c, name, *len + 1);
  return c;
}

static void post(fuse_req_t req, job_t *job) {
  ld_fuse_post(fuse_req_userdata(req), job);
}

static void named(fuse_req_t req, int op, fuse_ino_t parent, const char *name) {
  job_t *j = ld_job(req, op);
  j->ino = parent;
  j->name = copy_name(name, &j->namelen);
  post(req, j);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) { named(req, OP_LOOKUP, parent, name); }
static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name) { named(req, OP_UNLINK, parent, name); }
static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name) { named(req, OP_RMDIR, parent, name); }

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  job_t *j = ld_job(req, OP_FORGET);
  j->ino = ino;
  j->a[0] = (double)nlookup;
  post(req, j);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets) {
  session_t *s = fuse_req_userdata(req);
  for (size_t i = 0; i < count; i++) {
    job_t *j = ld_job(NULL, OP_FORGET);
    j->s = s;
    j->ino = forgets[i].ino;
    j->a[0] = (double)forgets[i].nlookup;
    ld_fuse_post(s, j);
  }
  fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  job_t *j = ld_job(req, OP_GETATTR);
  j->ino = ino;
  j->fh = fi != NULL ? fi->fh : (uint64_t)-1;
  post(req, j);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi) {
  job_t *j = ld_job(req, OP_SETATTR);
  j->ino = ino;
  j->fh = fi != NULL ? fi->fh : (uint64_t)-1;
  j->a[0] = to_set;
  j->a[1] = attr->st_mode;
  j->a[2] = attr->st_uid;
  j->a[3] = attr->st_gid;
  j->a[4] = (double)attr->st_size;
  j->a[5] = (double)attr->st_atim.tv_sec;
  j->a[6] = (to_set & FUSE_SET_ATTR_ATIME_NOW) ? UTIME_NOW : (to_set & FUSE_SET_ATTR_ATIME) ? attr->st_atim.tv_nsec : UTIME_OMIT;
  j->a[7] = (double)attr->st_mtim.tv_sec;
  j->a[8] = (to_set & FUSE_SET_ATTR_MTIME_NOW) ? UTIME_NOW : (to_set & FUSE_SET_ATTR_MTIME) ? attr->st_mtim.tv_nsec : UTIME_OMIT;
  post(req, j);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino) {
  job_t *j = ld_job(req, OP_READLINK);
  j->ino = ino;
  post(req, j);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev) {
  job_t *j = ld_job(req, OP_MKNOD);
  j->ino = parent;
  j->name = copy_name(name, &j->namelen);
  j->a[0] = mode;
  j->a[1] = (double)rdev;
  post(req, j);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) {
  job_t *j = ld_job(req, OP_MKDIR);
  j->ino = parent;
  j->name = copy_name(name, &j->namelen);
  j->a[0] = mode;
  post(req, j);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name) {
  job_t *j = ld_job(req, OP_SYMLINK);
  j->ino = parent;
  j->name = copy_name(name, &j->namelen);
  j->name2 = copy_name(link, &j->name2len);
  post(req, j);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
                      unsigned int flags) {
  job_t *j = ld_job(req, OP_RENAME);
  j->ino = parent;
  j->ino2 = newparent;
  j->name = copy_name(name, &j->namelen);
  j->name2 = copy_name(newname, &j->name2len);
  j->a[0] = flags;
  post(req, j);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname) {
  job_t *j = ld_job(req, OP_LINK);
  j->ino = ino;
  j->ino2 = newparent;
  j->name = copy_name(newname, &j->namelen);
  post(req, j);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  job_t *j = ld_job(req, OP_OPEN);
  j->ino = ino;
  j->a[0] = fi->flags;
  post(req, j);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi) {
  job_t *j = ld_job(req, OP_CREATE);
  j->ino = parent;
  j->name = copy_name(name, &j->namelen);
  j->a[0] = mode;
  j->a[1] = fi->flags;
  post(req, j);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  job_t *j = ld_job(req, OP_RELEASE);
  j->ino = ino;
  j->fh = fi->fh;
  post(req, j);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  job_t *j = ld_job(req, OP_OPENDIR);
  j->ino = ino;
  post(req, j);
}

static void readdir_job(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi, int plus) {
  job_t *j = ld_job(req, OP_READDIR);
  j->ino = ino;
  j->fh = fi->fh;
  j->a[0] = (double)size;
  j->a[1] = (double)off;
  j->a[2] = plus;
  post(req, j);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
  readdir_job(req, ino, size, off, fi, 0);
}

/* readdir with each entry's attributes and node: `ls -l`, `find -printf` need no lookup per entry. */
static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
  readdir_job(req, ino, size, off, fi, 1);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  job_t *j = ld_job(req, OP_RELEASEDIR);
  j->ino = ino;
  j->fh = fi->fh;
  post(req, j);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino) {
  job_t *j = ld_job(req, OP_STATFS);
  j->ino = ino;
  post(req, j);
}

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags) {
  job_t *j = ld_job(req, OP_SETXATTR);
  j->ino = ino;
  j->name = copy_name(name, &j->namelen);
  j->data = malloc(size > 0 ? size : 1);
  memcpy(j->data, value, size);
  j->datalen = size;
  j->a[0] = flags;
  post(req, j);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size) {
  job_t *j = ld_job(req, OP_GETXATTR);
  j->ino = ino;
  j->name = copy_name(name, &j->namelen);
  j->a[0] = (double)size;
  post(req, j);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  job_t *j = ld_job(req, OP_LISTXATTR);
  j->ino = ino;
  j->a[0] = (double)size;
  post(req, j);
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name) { named(req, OP_REMOVEXATTR, ino, name); }

/* ---- the data path, served on the loop thread ---- */

static __thread char *read_buf;
static __thread size_t read_cap;

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
  if (size > read_cap) {
    free(read_buf);
    read_buf = malloc(size);
    read_cap = read_buf != NULL ? size : 0;
    if (read_buf == NULL) {
      fuse_reply_err(req, ENOMEM);
      return;
    }
  }
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread((int)fi->fh, read_buf + got, size - got, off + (off_t)got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (got == 0) {
        fuse_reply_err(req, errno);
        return;
      }
      break;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  fuse_reply_buf(req, read_buf, got);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  int fd = (int)fi->fh;
  uint8_t flags = ld_fd_flags(fd);
  if (flags & FD_STRANDED) {
    fuse_reply_err(req, EIO);
    return;
  }
  size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(fd, buf + done, size - done, off + (off_t)done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (done == 0) {
        fuse_reply_err(req, errno);
        return;
      }
      break;
    }
    done += (size_t)n;
  }
  if (!(flags & FD_WROTE)) {
    fd_or(fd, FD_WROTE);
    job_t *j = ld_job(req, OP_WROTE); /* tells the engine (change event, writer); no reply */
    j->req = NULL;
    j->ino = ino;
    j->fh = fi->fh;
    ld_fuse_post(fuse_req_userdata(req), j);
  }
  fuse_reply_write(req, done);
}

static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
  fuse_reply_err(req, (ld_fd_flags((int)fi->fh) & FD_STRANDED) ? EIO : 0);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
  int fd = (int)fi->fh;
  if (ld_fd_flags(fd) & FD_STRANDED) {
    fuse_reply_err(req, EIO);
    return;
  }
  int rc = datasync ? fdatasync(fd) : fsync(fd);
  fuse_reply_err(req, rc < 0 ? errno : 0);
}

static void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
  fuse_reply_err(req, 0);
}

static void op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence, struct fuse_file_info *fi) {
  off_t r = lseek((int)fi->fh, off, whence);
  if (r < 0) fuse_reply_err(req, errno);
  else fuse_reply_lseek(req, r);
}

static void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
  int fd = (int)fi->fh;
  if (ld_fd_flags(fd) & FD_STRANDED) {
    fuse_reply_err(req, EIO);
    return;
  }
  fuse_reply_err(req, fallocate(fd, mode, off, len) < 0 ? errno : 0);
}

static void op_init(void *userdata, struct fuse_conn_info *conn) {
  session_t *s = userdata;
  if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
  if (conn->capable & FUSE_CAP_AUTO_INVAL_DATA) conn->want |= FUSE_CAP_AUTO_INVAL_DATA;
  if (conn->capable & FUSE_CAP_PARALLEL_DIROPS) conn->want |= FUSE_CAP_PARALLEL_DIROPS;
  if (conn->capable & FUSE_CAP_READDIRPLUS) conn->want |= FUSE_CAP_READDIRPLUS;
  if (conn->capable & FUSE_CAP_READDIRPLUS_AUTO) conn->want |= FUSE_CAP_READDIRPLUS_AUTO;
  conn->want &= ~(unsigned)(FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE);
  conn->max_write = (unsigned)s->max_write;
  conn->max_readahead = (unsigned)s->max_write;
}

void ld_fuse_fill_ops(struct fuse_lowlevel_ops *ops) {
  memset(ops, 0, sizeof *ops);
  ops->init = op_init;
  ops->lookup = op_lookup;
  ops->forget = op_forget;
  ops->forget_multi = op_forget_multi;
  ops->getattr = op_getattr;
  ops->setattr = op_setattr;
  ops->readlink = op_readlink;
  ops->mknod = op_mknod;
  ops->mkdir = op_mkdir;
  ops->unlink = op_unlink;
  ops->rmdir = op_rmdir;
  ops->symlink = op_symlink;
  ops->rename = op_rename;
  ops->link = op_link;
  ops->open = op_open;
  ops->read = op_read;
  ops->write = op_write;
  ops->flush = op_flush;
  ops->release = op_release;
  ops->fsync = op_fsync;
  ops->opendir = op_opendir;
  ops->readdir = op_readdir;
  ops->readdirplus = op_readdirplus;
  ops->releasedir = op_releasedir;
  ops->fsyncdir = op_fsyncdir;
  ops->statfs = op_statfs;
  ops->setxattr = op_setxattr;
  ops->getxattr = op_getxattr;
  ops->listxattr = op_listxattr;
  ops->removexattr = op_removexattr;
  ops->create = op_create;
  ops->lseek = op_lseek;
  ops->fallocate = op_fallocate;
}
