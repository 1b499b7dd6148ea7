/** Tree, changes, file, diff, usage and device over real HTTP, after a technician's changes through the mount. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChangesPage, Device, Diff, FileContent, TreeEntry, TreePage, Usage } from '@layerdeck/api'
import { startAgentFixture, type AgentFixture } from '../../testing/agentFixture.ts'
import { DEVICE_BASE, technicianChanges } from '../../testing/deviceBase.ts'

let f: AgentFixture
let viewer: string

beforeAll(async () => {
  f = await startAgentFixture({ baseScript: DEVICE_BASE })
  await technicianChanges(f.mnt)
  viewer = await f.signIn('vic', 'viewer')
})
afterAll(async () => {
  await f?.stop()
})

const get = async <T>(path: string): Promise<T> => {
  const r = await f.request('GET', path, { cookie: viewer })
  expect([path, r.status]).toEqual([path, 200])
  return r.json as T
}
const byName = (page: TreePage): Record<string, TreeEntry> => Object.fromEntries(page.entries.map((e) => [e.name, e]))

describe('GET /api/tree', () => {
  it('lists one merged folder with each entry state, ghosts and symlink targets', async () => {
    const page = await get<TreePage>('/api/tree?path=/etc')
    const e = byName(page)
    expect(page.entries.map((x) => x.name)).toEqual(['config', 'hostname', 'hosts', 'hosts.link', 'motd', 'new.conf', 'os-release'])
    expect(e.hosts).toMatchObject({ state: 'modified', inStorage: true, type: 'file' })
    expect(e.hosts!.storageBytes).toBeGreaterThan(0)
    expect(e.motd).toMatchObject({ state: 'deleted', type: 'file', size: 13 })
    expect(e['new.conf']).toMatchObject({ state: 'added', type: 'file' })
    expect(e.hostname).toMatchObject({ state: 'unchanged', inStorage: false, storageBytes: 0 })
    expect(e['hosts.link']).toMatchObject({ type: 'symlink', target: 'hosts', state: 'unchanged' })
    expect(e.config).toMatchObject({ type: 'dir', state: 'unchanged', inStorage: true })
    expect(e.config!.storageBytes).toBeGreaterThan(0)
    expect(page.dir).toMatchObject({ path: '/etc', type: 'dir' })
    const config = byName(await get<TreePage>('/api/tree?path=/etc/config'))
    expect(config.network).toMatchObject({ state: 'metadata', fields: [{ field: 'mode', base: '0644', current: '0600' }] })
    const root = byName(await get<TreePage>('/api/tree'))
    expect(root['etc-link']).toMatchObject({ type: 'symlink', target: '/etc' })
  })

  it('pages a folder in a stable order', async () => {
    const pages = await Promise.all([0, 10, 20].map((o) => get<TreePage>(`/api/tree?path=/big&offset=${o}&limit=10`)))
    expect(pages.map((p) => p.total)).toEqual([30, 30, 30])
    const names = pages.flatMap((p) => p.entries.map((e) => e.name))
    expect(names).toEqual(Array.from({ length: 30 }, (_, i) => `f${String(i + 1).padStart(2, '0')}`))
    expect((await get<TreePage>('/api/tree?path=/big&offset=30')).entries).toEqual([])
    const found = await get<TreePage>('/api/tree?path=/big&q=F2&limit=5')
    expect([found.total, found.entries.map((e) => e.name)]).toEqual([10, ['f20', 'f21', 'f22', 'f23', 'f24']])
  })

  it('refuses what is not a folder or does not exist', async () => {
    expect((await f.request('GET', '/api/tree?path=/etc/hosts', { cookie: viewer })).status).toBe(404)
    expect((await f.request('GET', '/api/tree?path=/nope', { cookie: viewer })).status).toBe(404)
    expect((await f.request('GET', '/api/tree?path=/etc/motd', { cookie: viewer })).status).toBe(404)
    expect((await f.request('GET', '/api/tree?path=/etc&limit=0', { cookie: viewer })).status).toBe(400)
  })
})

describe('GET /api/changes', () => {
  it('gives the flat list with counts by kind', async () => {
    const c = await get<ChangesPage>('/api/changes')
    expect(c.changes.map((x) => [x.path, x.state])).toEqual([
      ['/etc/config/network', 'metadata'],
      ['/etc/hosts', 'modified'],
      ['/etc/motd', 'deleted'],
      ['/etc/new.conf', 'added'],
    ])
    expect(c.counts).toEqual({ added: 1, modified: 1, metadata: 1, deleted: 1, opaque: 0, unchanged: 0 })
    expect((await get<ChangesPage>('/api/changes?offset=1&limit=2')).changes.map((x) => x.path)).toEqual(['/etc/hosts', '/etc/motd'])
  })
})

describe('GET /api/file', () => {
  it('gives either side, capped, with binary detection, stat and hash', async () => {
    const cur = await get<FileContent>('/api/file?path=/etc/hosts')
    expect(cur.content).toBe('127.0.0.1 localhost\n10.0.0.1 scada\n10.0.0.5 historian\n')
    expect(cur.sha256).toMatch(/^[0-9a-f]{64}$/)
    const base = await get<FileContent>('/api/file?path=/etc/hosts&side=base')
    expect(base.content).toBe('127.0.0.1 localhost\n10.0.0.1 scada\n')
    expect(base.sha256).not.toBe(cur.sha256)
    const cut = await get<FileContent>('/api/file?path=/etc/hosts&limit=5')
    expect(cut).toMatchObject({ content: '127.0', truncated: true, size: cur.size })
    expect(await get<FileContent>('/api/file?path=/usr/bin/tool')).toMatchObject({ binary: true, content: null, mode: 0o100755 })
    expect(await get<FileContent>('/api/file?path=/etc/hosts.link')).toMatchObject({ type: 'symlink', target: 'hosts', content: null })
    expect((await get<FileContent>('/api/file?path=/etc/motd&side=base')).content).toBe('factory motd\n')
    const gone = await f.request('GET', '/api/file?path=/etc/motd', { cookie: viewer })
    expect(gone.status).toBe(404)
    expect((await f.request('GET', '/api/file?path=/etc/new.conf&side=base', { cookie: viewer })).status).toBe(404)
  })
})

describe('GET /api/diff', () => {
  it('gives hunks for text, fields for metadata, a folder its changes', async () => {
    const d = await get<Diff>('/api/diff?path=/etc/hosts')
    expect(d.state).toBe('modified')
    expect(d.content).toMatchObject({ kind: 'text', hunks: [{ lines: [' 127.0.0.1 localhost', ' 10.0.0.1 scada', '+10.0.0.5 historian'] }] })
    expect(await get<Diff>('/api/diff?path=/etc/config/network')).toMatchObject({ state: 'metadata', content: { kind: 'none' }, fields: [{ field: 'mode' }] })
    expect(await get<Diff>('/api/diff?path=/etc/motd')).toMatchObject({ state: 'deleted', type: 'file' })
    expect(await get<Diff>('/api/diff?path=/etc/hostname')).toMatchObject({ state: 'unchanged', content: { kind: 'none' }, changes: [] })
    const folder = await get<Diff>('/api/diff?path=/etc')
    expect(folder.changes.map((c) => c.path)).toEqual(['/etc/config/network', '/etc/hosts', '/etc/motd', '/etc/new.conf'])
    expect((await f.request('GET', '/api/diff?path=/nope', { cookie: viewer })).status).toBe(404)
  })
})

describe('GET /api/usage and /api/device', () => {
  it('tell where the space goes and what the device is', async () => {
    const u = await get<Usage>('/api/usage?top=2')
    expect(u.byFolder.map((x) => x.folder)).toEqual(['/etc'])
    expect(u.largest.length).toBeLessThanOrEqual(2)
    expect(u.thresholds).toEqual({ warnPercent: 80, criticalPercent: 95 })
    expect(['ok', 'warn', 'critical']).toContain(u.level)
    expect(u.changes).toMatchObject({ modified: 1, deleted: 1 })
    const d = await get<Device>('/api/device')
    expect(d).toMatchObject({
      hostname: 'gw-01',
      firmware: { prettyName: 'Plant OS 2026.11', versionId: '2026.11', buildId: 'r42' },
      mount: { state: 'mounted', mountpoint: f.mnt, base: f.base, ownedByAgent: false },
      storage: { kind: 'persistent', persistent: true },
      actions: 'live',
      pending: [],
    })
  })

  it('takes the hostname from the storage when it was changed there', async () => {
    const { shOk } = await import('@layerdeck/testkit')
    await shOk(`echo renamed-gw > ${f.mnt}/etc/hostname`)
    expect((await get<Device>('/api/device')).hostname).toBe('renamed-gw')
  })
})
