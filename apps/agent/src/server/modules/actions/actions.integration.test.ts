/**
 * Revert, reset, undo, purge and backup over real HTTP against a real mount, checked through the
 * mount itself (child processes) and in storage; live events; the mount going away under the agent.
 */
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shOk, snapshotTree, startMount } from '@layerdeck/testkit'
import type { ChangesPage, Health, ResetResult, RevertResult } from '@layerdeck/api'
import { startAgentFixture, type AgentFixture } from '../../testing/agentFixture.ts'
import { DEVICE_BASE, technicianChanges } from '../../testing/deviceBase.ts'
import { openEvents, type SseStream } from '../../testing/sse.ts'

let f: AgentFixture
let admin: string
let events: SseStream

beforeAll(async () => {
  f = await startAgentFixture({ baseScript: DEVICE_BASE })
  admin = await f.signIn('ada', 'admin')
  events = await openEvents(f.url, { cookie: admin })
})
afterAll(async () => {
  events?.close()
  await f?.stop()
})

const post = async <T>(path: string, body: unknown, status = 200): Promise<T> => {
  const r = await f.request('POST', path, { cookie: admin, body })
  expect([path, r.status, r.text]).toEqual([path, status, r.text])
  return r.json as T
}
const cat = (p: string): Promise<string> => shOk(`cat ${f.mnt}${p}`)
const changed = async (): Promise<string[]> =>
  ((await f.request('GET', '/api/changes', { cookie: admin })).json as ChangesPage).changes.map((c) => `${c.state} ${c.path}`)

describe('live events', () => {
  it('stream a change made through the mount, with its writer when the daemon names it', async () => {
    expect(events.status).toBe(200)
    expect(events.contentType).toMatch(/^text\/event-stream/)
    await shOk(`echo '10.0.0.9 plc' >> ${f.mnt}/etc/hosts`)
    const e = await events.next('change', 10_000, (x) => (x.data as { path: string }).path === '/etc/hosts')
    expect(e.data).toMatchObject({ path: '/etc/hosts', change: 'modify' })
    const writer = (e.data as { writer?: { pid: number; uid: number; command?: string } }).writer
    expect(writer).toMatchObject({ uid: 0, pid: expect.any(Number) as number })
    expect(writer!.pid).toBeGreaterThan(0)
    const again = await openEvents(f.url, { cookie: admin, 'last-event-id': e.id as string })
    await shOk(`touch ${f.mnt}/etc/resumed`)
    expect((await again.next('change', 10_000, (x) => (x.data as { path: string }).path === '/etc/resumed')).data).toMatchObject({ change: 'create' })
    again.close()
    const stale = await openEvents(f.url, { cookie: admin, 'last-event-id': 'zz.1' })
    await stale.next('resync')
    stale.close()
    expect((await openEvents(f.url, {})).status).toBe(401)
  })
})

describe('POST /api/revert', () => {
  it('plans, does nothing for an unchanged path, and brings the factory version back', async () => {
    await technicianChanges(f.mnt)
    const plan = await post<RevertResult>('/api/revert', { paths: ['/etc/hosts', '/etc/hostname'], dryRun: true })
    expect(plan).toMatchObject({ dryRun: true, applied: false, steps: [{ path: '/etc/hosts', action: 'restore' }, { path: '/etc/hostname', action: 'unchanged' }] })
    expect(await cat('/etc/hosts')).toContain('historian')
    expect(await post<RevertResult>('/api/revert', { paths: ['/etc/hostname'] })).toMatchObject({ applied: false, steps: [{ action: 'unchanged' }] })
    const done = await post<RevertResult>('/api/revert', { paths: ['/etc/hosts', '/etc/motd'] })
    expect(done.steps).toEqual([{ path: '/etc/hosts', action: 'restore' }, { path: '/etc/motd', action: 'undelete' }])
    expect(await cat('/etc/hosts')).toBe('127.0.0.1 localhost\n10.0.0.1 scada\n')
    expect(await cat('/etc/motd')).toBe('factory motd\n')
    await events.next('revert', 10_000, (e) => (e.data as { path: string }).path === '/etc/motd')
    expect(await changed()).not.toContain('modified /etc/hosts')
  })

  it('needs added for a path only the storage has, and says 404 for one nobody has', async () => {
    const refused = await f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/etc/new.conf'] } })
    expect(refused.status).toBe(409)
    expect(await cat('/etc/new.conf')).toBe('option x 1\n')
    await post('/api/revert', { paths: ['/etc/new.conf'], added: true })
    expect((await shOk(`test -e ${f.mnt}/etc/new.conf && echo yes || echo no`)).trim()).toBe('no')
    expect((await f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/etc/none'] } })).status).toBe(404)
    const log = (await f.request('GET', '/api/audit', { cookie: admin })).json as { entries: Array<{ action: string; paths: string[]; result: string }> }
    expect(log.entries).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'revert', paths: ['/etc/new.conf'], result: 'ok' })]))
  })
})

describe('open files a change would strand', () => {
  it('make the change answer 409 busy with the list, and force goes ahead', async () => {
    await shOk(`echo 'extra' >> ${f.mnt}/etc/hosts`)
    const holder = spawn('bash', ['-c', `exec 3>>${f.mnt}/etc/hosts; echo ready; exec sleep 60`], { stdio: ['ignore', 'pipe', 'ignore'] })
    try {
      await new Promise((r) => holder.stdout.once('data', r))
      const plan = await post<RevertResult>('/api/revert', { paths: ['/etc/hosts'], dryRun: true })
      expect(plan.openFiles).toEqual([expect.objectContaining({ path: '/etc/hosts', pid: holder.pid, write: true })])
      const busy = await f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/etc/hosts'] } })
      expect(busy.status).toBe(409)
      expect(busy.json).toMatchObject({ problem: 'busy', openFiles: [{ path: '/etc/hosts', pid: holder.pid, write: true }] })
      expect(await cat('/etc/hosts')).toContain('extra')
      const forced = await post<RevertResult>('/api/revert', { paths: ['/etc/hosts'], force: true })
      expect(forced.applied).toBe(true)
      expect(await cat('/etc/hosts')).toBe('127.0.0.1 localhost\n10.0.0.1 scada\n')
    } finally {
      holder.kill('SIGKILL')
    }
  })
})

describe('reset, undo, purge', () => {
  it('keeps the kept paths, can be undone, and purged', async () => {
    await technicianChanges(f.mnt)
    const before = await changed()
    const plan = await post<ResetResult>('/api/reset', { keep: ['/etc/config'], dryRun: true })
    expect(plan.goes?.map((c) => c.path)).toEqual(expect.arrayContaining(['/etc/hosts', '/etc/motd', '/etc/new.conf']))
    expect(plan.goes?.map((c) => c.path)).not.toContain('/etc/config/network')
    const done = await post<ResetResult>('/api/reset', { keep: ['/etc/config'] })
    expect(done).toMatchObject({ applied: true, kept: ['/etc/config'], undoable: true })
    await events.next('reset')
    expect(await changed()).toEqual(['metadata /etc/config/network'])
    expect(await cat('/etc/hosts')).toBe('127.0.0.1 localhost\n10.0.0.1 scada\n')
    await post('/api/reset/undo', {})
    await events.next('undo')
    expect(await changed()).toEqual(before)
    const purged = await post<{ freed: number }>('/api/reset/purge', {})
    expect(purged.freed).toBeGreaterThan(0)
    expect((await f.request('POST', '/api/reset', { cookie: admin, body: { keep: ['/'] } })).status).toBe(400)
  })
})

describe('GET /api/backup', () => {
  it('streams the raw .tar.gz with no Content-Encoding', async () => {
    const res = await fetch(`${f.url}/api/backup`, { headers: { cookie: admin, 'accept-encoding': 'gzip, br' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/gzip')
    expect(res.headers.get('content-encoding')).toBeNull()
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="layerdeck-.*\.tar\.gz"$/)
    const body = Buffer.from(await res.arrayBuffer())
    expect([body[0], body[1]]).toEqual([0x1f, 0x8b])
    const { gunzipSync } = await import('node:zlib')
    const tar = gunzipSync(body).toString('latin1')
    expect(tar).toContain('.layerdeck-backup.json')
    expect(tar).toContain('etc/.wh.motd')
  })
})

describe('the mount gone under the agent', () => {
  it('keeps answering, says so, refuses changes and reattaches when the daemon is back', async () => {
    const tree = await snapshotTree(`${f.storage}/upper`)
    await f.mount!.stop()
    const mountEvent = await events.next('mount', 10_000, (e) => (e.data as { mounted: boolean }).mounted === false)
    expect(mountEvent.data).toMatchObject({ state: 'gone' })
    const h = (await f.request('GET', '/api/health')).json as Health
    expect(h).toMatchObject({ status: 'degraded', mounted: false })
    expect((await f.request('GET', '/api/tree?path=/etc', { cookie: admin })).status).toBe(200)
    const r = await f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/etc/hosts'] } })
    expect(r.status).toBe(503)
    expect(r.json).toMatchObject({ problem: 'unavailable' })
    expect(await snapshotTree(`${f.storage}/upper`)).toEqual(tree)
    f.mount = await startMount({ base: f.base, storage: f.storage, mountpoint: f.mnt })
    await events.next('mount', 15_000, (e) => (e.data as { mounted: boolean }).mounted)
    expect((await f.request('GET', '/api/health')).json).toMatchObject({ status: 'ok', mounted: true })
    await shOk(`touch ${f.mnt}/etc/after-reattach`)
    await events.next('change', 10_000, (e) => (e.data as { path: string }).path === '/etc/after-reattach')
  })
})
