/**
 * Test support: a Sys over an in-memory tree of directories and empty files, enough for the tree
 * walks of inspect/ and undo/ (lstat, readdir, mkdir, rmdir, unlink, rename, metadata, xattrs).
 * It has no PATH_MAX, so it holds trees deeper than a real filesystem lets a path reach today
 * (the native Sys will walk by descriptors and lift that limit). Any other call throws.
 */
import { O_CREAT, O_TRUNC, S_IFDIR, S_IFREG } from '../engine/fileMode.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import type { FileStat, Sys } from '../engine/sys.ts'

interface Node {
  mode: number
  ino: number
  uid: number
  gid: number
  mtimeMs: number
  xattrs: Map<string, Buffer>
  children: Map<string, Node> | undefined
  data: Buffer
  /** The directory it was last put in (walks that come back up ask for it). */
  parent: Node | undefined
}

export interface MemoryTree {
  sys: Sys
  /** Makes `depth` nested directories named `name` under `dir` (created as needed). */
  chain(dir: string, name: string, depth: number): void
  /** Counts the nested directories named `name` under `dir`. */
  depth(dir: string, name: string): number
  exists(path: string): boolean
}

export function memoryTree(): MemoryTree {
  let inos = 1
  const node = (mode: number): Node => ({
    mode,
    ino: (inos += 1),
    uid: 0,
    gid: 0,
    mtimeMs: 1_600_000_000_000,
    xattrs: new Map(),
    children: (mode & S_IFDIR) === S_IFDIR ? new Map() : undefined,
    data: Buffer.alloc(0),
    parent: undefined,
  })
  const root = node(S_IFDIR | 0o755)
  const fds = new Map<number, Node>()
  let nextFd = 2
  const parts = (path: string): string[] => path.split('/').filter(Boolean)
  // The walks ask for `${dir}/${name}` right after `dir`: a few recent lookups make that cheap
  // (compared with ===, a memcmp: hashing these long paths in a Map costs more than the walk).
  let recent: Array<[string, Node]> = []
  const cached = (path: string): Node | undefined => {
    for (const [p, n] of recent) if (p.length === path.length && p === path) return n
    return undefined
  }
  const remember = (path: string, n: Node): void => {
    recent = [[path, n], ...recent.slice(0, 15)]
  }
  /** A walk on its way back up: `path` is an ancestor of a cached path. */
  const ancestorOfCached = (path: string): Node | undefined => {
    for (const [p, n] of recent) {
      if (p.length <= path.length || p[path.length] !== '/' || !p.startsWith(path)) continue
      let at: Node | undefined = n
      for (let i = path.length; i >= 0 && at !== undefined; i = p.indexOf('/', i + 1)) at = at.parent
      return at
    }
    return undefined
  }
  const find = (path: string): Node | undefined => {
    const hit = cached(path)
    if (hit !== undefined) return hit
    const slash = path.lastIndexOf('/')
    const parent = slash > 0 ? cached(path.slice(0, slash)) : undefined
    let at: Node | undefined
    if (parent !== undefined) at = parent.children?.get(path.slice(slash + 1))
    else if ((at = ancestorOfCached(path)) === undefined) {
      at = root
      for (const part of parts(path)) at = at?.children?.get(part)
    }
    if (at !== undefined) remember(path, at)
    return at
  }
  const forget = (path: string): void => {
    recent = recent.filter(([p]) => p !== path && !p.startsWith(`${path}/`))
  }
  const need = (path: string, op: string): Node => {
    const n = find(path)
    if (n === undefined) throw new OverlayError('ENOENT', op, path)
    return n
  }
  const parentOf = (path: string, op: string): [Map<string, Node>, string, Node] => {
    const slash = path.lastIndexOf('/')
    const owner = need(slash > 0 ? path.slice(0, slash) : '/', op)
    if (owner.children === undefined) throw new OverlayError('ENOTDIR', op, path)
    return [owner.children, path.slice(slash + 1), owner]
  }
  const add = (path: string, n: Node, op: string): void => {
    const [dir, name, owner] = parentOf(path, op)
    if (dir.has(name)) throw new OverlayError('EEXIST', op, path)
    dir.set(name, n)
    n.parent = owner
    remember(path, n)
  }
  const stat = (n: Node): FileStat => {
    const sec = Math.floor(n.mtimeMs / 1000)
    const nsec = (n.mtimeMs % 1000) * 1e6
    return { mode: n.mode, ino: n.ino, uid: n.uid, gid: n.gid, size: n.data.length, blocks: 8, blksize: 4096, nlink: 1,
      rdev: 0, dev: 1, mtimeMs: n.mtimeMs, atimeMs: n.mtimeMs, ctimeMs: n.mtimeMs, atimeSec: sec,
      atimeNsec: nsec, mtimeSec: sec, mtimeNsec: nsec, ctimeSec: sec, ctimeNsec: nsec }
  }
  const impl: Partial<Sys> = {
    lstat: (p) => {
      const n = find(p)
      return n === undefined ? undefined : stat(n)
    },
    readdir: (p) => [...(need(p, 'readdir').children?.keys() ?? [])],
    mkdir: (p, mode) => add(p, node(S_IFDIR | mode), 'mkdir'),
    rmdir: (p) => {
      if ((need(p, 'rmdir').children?.size ?? 0) > 0) throw new OverlayError('ENOTEMPTY', 'rmdir', p)
      const [dir, name] = parentOf(p, 'rmdir')
      dir.delete(name)
      forget(p)
    },
    unlink: (p) => {
      const [dir, name] = parentOf(p, 'unlink')
      if (need(p, 'unlink').children !== undefined) throw new OverlayError('EISDIR', 'unlink', p)
      dir.delete(name)
      forget(p)
    },
    rename: (from, to) => {
      const n = need(from, 'rename')
      const [dir, name] = parentOf(from, 'rename')
      const [toDir, toName] = parentOf(to, 'rename')
      // A file at the new name is replaced, as rename(2) does.
      if (toDir.get(toName)?.children === undefined) toDir.delete(toName)
      add(to, n, 'rename')
      dir.delete(name)
      forget(from)
      forget(to)
    },
    mknod: (p, mode) => add(p, node(mode), 'mknod'),
    link: (from, to) => add(to, need(from, 'link'), 'link'),
    copyFile: (src, dest) => add(dest, { ...node(S_IFREG | 0o644), mode: need(src, 'copyFile').mode }, 'copyFile'),
    open: (p, flags) => {
      if ((flags & O_CREAT) !== 0 && find(p) === undefined) add(p, node(S_IFREG | 0o600), 'open')
      const n = need(p, 'open')
      if ((flags & O_TRUNC) !== 0) n.data = Buffer.alloc(0)
      fds.set((nextFd += 1), n)
      return nextFd
    },
    write: (fd, buf, off, len, pos) => {
      const n = fds.get(fd) as Node
      const data = Buffer.alloc(Math.max(n.data.length, pos + len))
      n.data.copy(data)
      buf.copy(data, pos, off, off + len)
      n.data = data
      return len
    },
    read: (fd, buf, off, len, pos) => (fds.get(fd) as Node).data.copy(buf, off, pos, pos + len),
    fstat: (fd) => stat(fds.get(fd) as Node),
    fsync: () => undefined,
    close: (fd) => void fds.delete(fd),
    chmod: (p, mode) => {
      const n = need(p, 'chmod')
      n.mode = (n.mode & ~0o7777) | mode
    },
    lchown: (p, uid, gid) => Object.assign(need(p, 'lchown'), { uid, gid }) && undefined,
    lutimes: (p, _a, mtimeMs) => Object.assign(need(p, 'lutimes'), { mtimeMs }) && undefined,
    listXattr: (p) => [...need(p, 'listXattr').xattrs.keys()],
    getXattr: (p, name) => need(p, 'getXattr').xattrs.get(name),
    setXattr: (p, name, value) => void need(p, 'setXattr').xattrs.set(name, value),
    removeXattr: (p, name) => void need(p, 'removeXattr').xattrs.delete(name),
    statfs: () => ({ bsize: 4096, blocks: 1 << 20, bfree: 1 << 19, bavail: 1 << 19 }) as ReturnType<Sys['statfs']>,
  }
  const sys = new Proxy(impl as Sys, {
    get: (target, name: string) => {
      const fn = (target as unknown as Record<string, unknown>)[name]
      if (fn === undefined) throw new Error(`memoryTree: Sys.${name} is not implemented`)
      return fn
    },
  })
  return {
    sys,
    chain: (dir, name, depth) => {
      const put = (at: Node, part: string, n: Node): Node => {
        at.children?.set(part, Object.assign(n, { parent: at }))
        return n
      }
      let at = root
      for (const part of parts(dir)) at = at.children?.get(part) ?? put(at, part, node(S_IFDIR | 0o755))
      for (let i = 0; i < depth; i++) at = put(at, name, node(S_IFDIR | 0o755))
      put(at, 'leaf', node(S_IFREG | 0o644))
    },
    depth: (dir, name) => {
      let n = 0
      for (let at = find(dir)?.children?.get(name); at !== undefined; at = at.children?.get(name)) n += 1
      return n
    },
    exists: (p) => find(p) !== undefined,
  }
}
