/** The demo's start code (also the e2e tests'): a signed-in admin sees the technician's changes; stop leaves nothing mounted. */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { isMounted, tempDir } from '@layerdeck/testkit'
import type { ChangesPage, Device } from '@layerdeck/api'
import { send } from '../server/testing/agentFixture.ts'
import { startDemo, type Demo } from './demo.ts'

let demo: Demo | undefined
const tmp = tempDir('layerdeck-demo-')
afterEach(async () => {
  await demo?.stop()
  demo = undefined
})
afterAll(() => tmp.cleanup())

async function signedIn(d: Demo): Promise<string> {
  const r = await send(d.url.replace(/\/$/, ''), 'POST', '/api/session', { body: { username: d.username, password: d.password } })
  expect(r.status).toBe(200)
  return (r.headers.get('set-cookie') ?? '').split(';')[0] as string
}

const EXPECTED = [
  'added /etc/dnsmasq.d/meter-31.conf',
  'deleted /etc/motd',
  'modified /etc/network/interfaces',
  'metadata /etc/pgw/commissioning.conf',
]

describe('startDemo', () => {
  it('mounts the sample device through serve --base --mount, with a technician\'s changes and an admin', async () => {
    const port = 18600 + Math.floor(Math.random() * 300)
    demo = await startDemo({ dir: `${tmp.path}/fuse`, image: 'copy', port, host: '127.0.0.1', log: () => undefined })
    const cookie = await signedIn(demo)
    const url = demo.url.replace(/\/$/, '')
    const changes = (await send(url, 'GET', '/api/changes', { cookie })).json as ChangesPage
    expect(changes.changes.map((c) => `${c.state} ${c.path}`)).toEqual(EXPECTED)
    expect(((await send(url, 'GET', '/api/device', { cookie })).json as Device).mount).toMatchObject({ state: 'mounted', ownedByAgent: true })
    await demo.killAgent()
    expect(isMounted(demo.device)).toBe(true)
    await demo.startAgent()
    expect(((await send(url, 'GET', '/api/device', { cookie })).json as Device).mount).toMatchObject({ state: 'mounted', ownedByAgent: false })
    const device = demo.device
    await demo.stop()
    demo = undefined
    expect(isMounted(device)).toBe(false)
  })

  it('can have the kernel mount the storage instead, and start with no admin (the setup token)', async () => {
    const port = 18900 + Math.floor(Math.random() * 90)
    demo = await startDemo({ dir: `${tmp.path}/kernel`, image: 'copy', port, host: '127.0.0.1', mount: 'kernel', admin: false, log: () => undefined })
    const token = demo.setupToken()
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const setup = await send(demo.url.replace(/\/$/, ''), 'POST', '/api/setup', { body: { token, username: demo.username, password: demo.password } })
    expect(setup.status).toBe(200)
    expect(demo.setupToken()).toBeUndefined()
    const cookie = await signedIn(demo)
    const d = (await send(demo.url.replace(/\/$/, ''), 'GET', '/api/device', { cookie })).json as Device
    expect(d).toMatchObject({ actions: 'at-next-boot', mount: { state: 'kernel' } })
    expect(((await send(demo.url.replace(/\/$/, ''), 'GET', '/api/changes', { cookie })).json as ChangesPage).total).toBe(4)
  })
})
