/**
 * A storage the kernel mounted (OpenWrt's /overlay, mount -t overlay): the agent serves it
 * read-only and offers revert and reset only as at-next-boot actions, and says so.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPending, createNodeSys, storagePaths } from '@layerdeck/core'
import { hashTree, shOk } from '@layerdeck/testkit'
import type { Device, Health, ResetResult, RevertResult, TreePage } from '@layerdeck/api'
import { startAgentFixture, type AgentFixture } from './testing/agentFixture.ts'
import { DEVICE_BASE, technicianChanges } from './testing/deviceBase.ts'

let f: AgentFixture
let admin: string
let kmnt: string

beforeAll(async () => {
  f = await startAgentFixture({ baseScript: DEVICE_BASE, noMount: true, config: { base: undefined } })
  kmnt = `${f.root}/kmnt`
  mkdirSync(kmnt)
  mkdirSync(`${f.storage}/upper`, { recursive: true })
  mkdirSync(`${f.storage}/work`, { recursive: true })
  await shOk(`mount -t overlay overlay -o lowerdir=${f.base},upperdir=${f.storage}/upper,workdir=${f.storage}/work ${kmnt}`)
  await technicianChanges(kmnt)
  admin = await f.signIn('ada', 'admin')
  for (let i = 0; i < 50 && f.agent.ctx.link.state.mode !== 'kernel'; i++) await new Promise((r) => setTimeout(r, 100))
})
afterAll(async () => {
  if (kmnt !== undefined) await shOk(`umount ${kmnt} || umount -l ${kmnt}`).catch(() => undefined)
  await f?.stop()
})

describe('a kernel-mounted storage', () => {
  it('is shown read-only, with actions at the next boot', async () => {
    expect((await f.request('GET', '/api/health')).json as Health).toMatchObject({ status: 'ok', mounted: true, storage: 'kernel' })
    const d = (await f.request('GET', '/api/device', { cookie: admin })).json as Device
    expect(d).toMatchObject({ actions: 'at-next-boot', mount: { state: 'kernel', mountpoint: kmnt, base: f.base, engine: 'kernel overlayfs' }, storage: { kind: 'kernel' } })
    const etc = (await f.request('GET', '/api/tree?path=/etc', { cookie: admin })).json as TreePage
    expect(etc.entries.find((e) => e.name === 'hosts')?.state).toBe('modified')
    expect(etc.entries.find((e) => e.name === 'motd')?.state).toBe('deleted')
  })

  it('refuses a live revert or reset, records them for the next boot, and changes nothing now', async () => {
    const before = await hashTree(`${f.storage}/upper`)
    const live = await f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/etc/hosts'] } })
    expect(live.status).toBe(409)
    expect((live.json as { message: string }).message).toMatch(/next boot/)
    const plan = (await f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/etc/hosts'], atNextBoot: true, dryRun: true } })).json as RevertResult
    expect(plan).toMatchObject({ atNextBoot: true, dryRun: true, steps: [{ path: '/etc/hosts', action: 'restore' }] })
    expect(readPending(createNodeSys(), storagePaths(f.storage))).toEqual([])
    const queued = (await f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/etc/hosts'], atNextBoot: true } })).json as RevertResult
    expect(queued).toMatchObject({ atNextBoot: true, applied: false })
    const reset = (await f.request('POST', '/api/reset', { cookie: admin, body: { keep: ['/etc/config'], atNextBoot: true } })).json as ResetResult
    expect(reset.goes?.map((c) => c.path)).toEqual(['/etc/hosts', '/etc/motd', '/etc/new.conf'])
    expect(readPending(createNodeSys(), storagePaths(f.storage))).toEqual([
      { op: 'revert', paths: ['/etc/hosts'], added: false },
      { op: 'reset', keep: ['/etc/config'] },
    ])
    expect(((await f.request('GET', '/api/device', { cookie: admin })).json as Device).pending).toHaveLength(2)
    expect((await f.request('POST', '/api/reset/undo', { cookie: admin, body: {} })).status).toBe(409)
    expect((await f.request('POST', '/api/restore', { cookie: admin, raw: Buffer.from([0x1f, 0x8b, 0, 0]) })).status).toBe(409)
    expect(await hashTree(`${f.storage}/upper`)).toBe(before)
    expect(await shOk(`cat ${kmnt}/etc/hosts`)).toContain('historian')
  })
})
