/**
 * What the agent says about the device: health (is the mount served, what kind of storage) and
 * the device resource (hostname, the factory image's release, mount and storage state, how
 * actions apply, what waits for the next boot).
 */
import { readFileSync, realpathSync } from 'node:fs'
import { hostname as osHostname } from 'node:os'
import { contentOf, readPending, resolveRequestPath, type PendingAction } from '@layerdeck/core'
import type { Device, Health } from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'

type StorageKind = Health['storage']

export interface StorageFacts {
  kind: StorageKind
  filesystem: string | null
}

const RAM_FILESYSTEMS = new Set(['tmpfs', 'ramfs'])

/** The filesystem type holding a path: the longest mount point above it in mountinfo. */
export function filesystemOf(path: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string | null {
  let best: { at: string; type: string } | undefined
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ')
    const at = left?.split(' ')[4]?.replace(/\\040/g, ' ')
    const type = right?.split(' ')[0]
    if (at === undefined || type === undefined) continue
    const inside = at === '/' || path === at || path.startsWith(`${at}/`)
    if (inside && (best === undefined || at.length >= best.at.length)) best = { at, type }
  }
  return best?.type ?? null
}

export function storageFacts(ctx: AgentContext): StorageFacts {
  if (ctx.link.state.mode === 'kernel') return { kind: 'kernel', filesystem: safeFs(ctx.paths.upper) }
  if (ctx.sys.lstat(ctx.paths.upper) === undefined) return { kind: 'missing', filesystem: null }
  const filesystem = safeFs(ctx.paths.upper)
  return { kind: filesystem !== null && RAM_FILESYSTEMS.has(filesystem) ? 'ram' : 'persistent', filesystem }
}

function safeFs(path: string): string | null {
  try {
    return filesystemOf(realpathSync(path))
  } catch {
    return null
  }
}

export function health(ctx: AgentContext): Health {
  const { mode } = ctx.link.state
  const storage = storageFacts(ctx)
  const reasons: string[] = []
  if (storage.kind === 'missing') reasons.push(`the storage ${ctx.paths.root} is missing (unplugged or not mounted)`)
  if (mode === 'gone') reasons.push('no layerdeck daemon serves the storage: the mount is gone')
  return { status: reasons.length === 0 ? 'ok' : 'degraded', mounted: mode !== 'gone', storage: storage.kind, version: ctx.config.version, reasons }
}

export function device(ctx: AgentContext): Device {
  const s = ctx.link.state
  const storage = storageFacts(ctx)
  const base = s.base ?? null
  return {
    hostname: hostnameOf(ctx, base),
    firmware: base === null ? null : firmwareOf(ctx, base),
    mount: {
      state: s.mode === 'daemon' ? 'mounted' : s.mode,
      mountpoint: s.mountpoint ?? null,
      base,
      pid: s.info?.pid ?? null,
      since: s.info?.since ?? null,
      engine: s.mode === 'kernel' ? 'kernel overlayfs' : s.mode === 'daemon' ? (s.info?.engine ?? 'layerdeck (fuse)') : null,
      ownedByAgent: s.owned,
    },
    storage: { path: ctx.paths.root, kind: storage.kind, filesystem: storage.filesystem, persistent: storage.kind === 'persistent' || storage.kind === 'kernel' },
    actions: s.mode === 'daemon' ? 'live' : s.mode === 'kernel' ? 'at-next-boot' : 'unavailable',
    pending: pendingOf(ctx),
    version: ctx.config.version,
    uptimeSeconds: uptime(),
    agent: { pid: process.pid, startedAt: ctx.startedAt },
  }
}

function pendingOf(ctx: AgentContext): PendingAction[] {
  try {
    return readPending(ctx.sys, ctx.paths)
  } catch {
    return []
  }
}

/** /etc/hostname as the device sees it (the storage's copy if it changed it), else the system's. */
function hostnameOf(ctx: AgentContext, base: string | null): string {
  if (base !== null) {
    try {
      const r = resolveRequestPath({ sys: ctx.sys, paths: ctx.paths, base }, '/etc/hostname')
      if (r.entry !== undefined) {
        const text = contentOf(ctx.sys, r.path, 'current', r.entry, 256).content?.trim()
        if (text !== undefined && text !== '') return text.split('\n')[0] as string
      }
    } catch {
      // no readable /etc/hostname
    }
  }
  return osHostname()
}

/** PRETTY_NAME, VERSION_ID and BUILD_ID of the base's os-release (etc/, or usr/lib/ behind a symlink). */
function firmwareOf(ctx: AgentContext, base: string): Device['firmware'] {
  for (const rel of ['/etc/os-release', '/usr/lib/os-release']) {
    const real = `${base.replace(/\/+$/, '')}${rel}`
    const stat = ctx.sys.lstat(real)
    if (stat === undefined || (stat.mode & 0o170000) !== 0o100000) continue
    try {
      const text = contentOf(ctx.sys, rel, 'base', { real, stat }, 64 * 1024).content ?? ''
      const values = parseOsRelease(text)
      return { prettyName: values.PRETTY_NAME ?? null, versionId: values.VERSION_ID ?? null, buildId: values.BUILD_ID ?? null }
    } catch {
      return null
    }
  }
  return null
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (m === null) continue
    let v = (m[2] as string).trim()
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1)
    out[m[1] as string] = v.replace(/\\(["'$`\\])/g, '$1')
  }
  return out
}

function uptime(): number {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0])
  } catch {
    return 0
  }
}
