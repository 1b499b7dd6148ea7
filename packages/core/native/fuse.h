/* The libfuse3 low-level binding: shared types of fuse.c and fuse_ops.c. */
#ifndef LD_FUSE_H
#define LD_FUSE_H
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>

/* Operations answered by JavaScript (the engine). Reads, writes, fsync, flush, lseek and
 * fallocate never leave C: a handle is a real file descriptor of the layer file. */
enum {
  OP_LOOKUP, OP_FORGET, OP_GETATTR, OP_SETATTR, OP_READLINK, OP_MKNOD, OP_MKDIR, OP_UNLINK,
  OP_RMDIR, OP_SYMLINK, OP_RENAME, OP_LINK, OP_OPEN, OP_RELEASE, OP_OPENDIR, OP_READDIR,
  OP_RELEASEDIR, OP_STATFS, OP_SETXATTR, OP_GETXATTR, OP_LISTXATTR, OP_REMOVEXATTR, OP_CREATE,
  OP_WROTE, OP_ENDED, OP_GONE, OP_ERROR, OP_COUNT,
  OP_CALLBACK = 100 /* internal: call a one-shot JS callback */
};

/* Slots of the shared Float64Array `io`. */
enum {
  IO_UID = 0, IO_GID = 1, IO_PID = 2,
  IO_ATTR = 8, /* ino mode nlink uid gid rdev size blksize blocks atime(s,ns) mtime(s,ns) ctime(s,ns) */
  IO_ATTR_TIMEOUT = 23, IO_ENTRY_TIMEOUT = 24, IO_GENERATION = 25,
  IO_KEEP_CACHE = 30, IO_DIRECT_IO = 31, IO_NODE = 32,
  IO_SIZE = 64
};

/* Per-descriptor flags kept by C for the data path. */
enum { FD_WROTE = 1, FD_STRANDED = 2 };

typedef struct session session_t;

typedef struct job {
  int op;
  fuse_req_t req;
  uint64_t ino, ino2, fh;
  char *name, *name2, *data;
  size_t namelen, name2len, datalen;
  double a[12];
  uid_t uid;
  gid_t gid;
  pid_t pid;
  napi_ref cb;
  session_t *s;
} job_t;

struct session {
  struct fuse_session *se;
  napi_threadsafe_function tsfn;
  napi_ref ops[OP_COUNT];
  napi_ref io_ref;
  double *io;
  int nthreads;
  pthread_t threads[16];
  int running; /* loop threads still running (under lock) */
  pthread_mutex_t lock;
  char *mountpoint;
  dev_t dev; /* the mount's device number, to notice it leaving the mount table */
  pthread_t watcher;
  int watcher_fd, watcher_stop;
  int ended;
  size_t max_write;
};

/* fuse_ops.c */
void ld_fuse_fill_ops(struct fuse_lowlevel_ops *ops);
void ld_fuse_post(session_t *s, job_t *job);
job_t *ld_job(fuse_req_t req, int op);
uint8_t ld_fd_flags(int fd);
void ld_fd_set(int fd, uint8_t flags);

/* fuse.c */
void ld_fuse_call_js(napi_env env, napi_value cb, void *context, void *data);

#endif
