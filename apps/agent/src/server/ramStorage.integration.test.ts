/** A RAM storage (tmpfs): health and the device say so, and filling it sends `usage` events as thresholds are crossed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sh, shOk } from '@layerdeck/testkit'
import type { Device, Health, Usage } from '@layerdeck/api'
import { startAgentFixture, type AgentFixture } from './testing/agentFixture.ts'
import { DEVICE_BASE } from './testing/deviceBase.ts'
import { openEvents } from './testing/sse.ts'

let f: AgentFixture
let viewer: string

beforeAll(async () => {
  f = await startAgentFixture({
    baseScript: DEVICE_BASE,
    beforeMount: async ({ storage }) => void (await shOk(`mount -t tmpfs -o size=4m tmpfs ${storage}`)),
    cleanup: async ({ storage }) => void (await sh(`umount ${storage} || umount -l ${storage}`)),
  })
  viewer = await f.signIn('vic', 'viewer')
})
afterAll(async () => {
  await f?.stop()
})

describe('a RAM storage', () => {
  it('is shown as such, and crossing the usage thresholds is announced', async () => {
    expect((await f.request('GET', '/api/health')).json as Health).toMatchObject({ storage: 'ram', status: 'ok' })
    expect(((await f.request('GET', '/api/device', { cookie: viewer })).json as Device).storage).toMatchObject({ kind: 'ram', filesystem: 'tmpfs', persistent: false })
    const events = await openEvents(f.url, { cookie: viewer })
    try {
      await sh(`head -c 3900000 /dev/zero > ${f.mnt}/var/lib/fill`)
      const e = await events.next('usage', 15_000)
      expect(e.data).toMatchObject({ path: '/', level: expect.stringMatching(/^(warn|critical)$/) as string })
      const u = (await f.request('GET', '/api/usage', { cookie: viewer })).json as Usage
      expect(u.level).not.toBe('ok')
      expect(u.warnings.length).toBeGreaterThan(0)
      await shOk(`rm ${f.mnt}/var/lib/fill`)
      expect((await events.next('usage', 15_000)).data).toMatchObject({ level: 'ok' })
    } finally {
      events.close()
    }
  })
})
