/**
 * Backup and live restore over HTTP: the backup downloaded, the storage changed through the
 * mount, the dry run's plan, the restore with replace (the storage equals the backup again,
 * whiteouts included), and its undo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shOk, snapshotTree } from '@layerdeck/testkit'
import type { RestoreResult } from '@layerdeck/api'
import { startAgentFixture, type AgentFixture } from '../../testing/agentFixture.ts'
import { DEVICE_BASE, technicianChanges } from '../../testing/deviceBase.ts'
import { openEvents } from '../../testing/sse.ts'

let f: AgentFixture
let admin: string

beforeAll(async () => {
  f = await startAgentFixture({ baseScript: DEVICE_BASE })
  await technicianChanges(f.mnt)
  admin = await f.signIn('ada', 'admin')
})
afterAll(async () => {
  await f?.stop()
})

const upper = (): Promise<string[]> => snapshotTree(`${f.storage}/upper`)

describe('backup and live restore', () => {
  it('restores a downloaded backup with replace, whiteouts included, and undoes it', async () => {
    const res = await fetch(`${f.url}/api/backup`, { headers: { cookie: admin } })
    expect(res.status).toBe(200)
    const archive = Buffer.from(await res.arrayBuffer())
    const saved = await upper()
    await shOk(`set -e; echo later > ${f.mnt}/etc/later.conf; cat ${f.mnt}/etc/hostname >/dev/null; rm ${f.mnt}/etc/new.conf; echo back > ${f.mnt}/etc/motd`)
    const changed = await upper()
    expect(changed).not.toEqual(saved)
    const restore = (query: string) => f.request('POST', `/api/restore?${query}`, { cookie: admin, raw: archive })
    const dry = await restore('dryRun=true&replace=true')
    expect(dry.status).toBe(200)
    const plan = dry.json as RestoreResult
    expect(plan).toMatchObject({ dryRun: true, applied: false, replace: true })
    expect(plan.plan.removed.map((i) => i.path)).toContain('/etc/later.conf')
    expect(plan.plan.added.map((i) => i.path)).toContain('/etc/new.conf')
    expect(await upper()).toEqual(changed)
    const events = await openEvents(f.url, { cookie: admin })
    const done = await restore('replace=true')
    expect([done.status, (done.json as RestoreResult).applied]).toEqual([200, true])
    await events.next('restore')
    events.close()
    expect(await upper()).toEqual(saved)
    expect((await shOk(`test -e ${f.mnt}/etc/motd && echo there || echo gone`)).trim()).toBe('gone')
    expect(await shOk(`cat ${f.mnt}/etc/new.conf`)).toBe('option x 1\n')
    const undo = await f.request('POST', '/api/reset/undo', { cookie: admin, body: {} })
    expect(undo.status).toBe(200)
    expect(await upper()).toEqual(changed)
    const log = (await f.request('GET', '/api/audit', { cookie: admin })).json as { entries: Array<{ action: string; dryRun: boolean; result: string }> }
    expect(log.entries.filter((e) => e.action === 'restore').map((e) => [e.dryRun, e.result])).toEqual([[false, 'ok'], [true, 'ok']])
  })
})
