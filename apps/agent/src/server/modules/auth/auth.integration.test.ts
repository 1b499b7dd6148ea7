/** Setup, sign-in, sessions, roles, CSRF, bearer tokens and the login throttle, over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAgentFixture, type AgentFixture } from '../../testing/agentFixture.ts'
import { DEVICE_BASE } from '../../testing/deviceBase.ts'

let f: AgentFixture
const WINDOW_MS = 3000

beforeAll(async () => {
  f = await startAgentFixture({ baseScript: DEVICE_BASE, config: { loginFailures: { max: 10, windowMs: WINDOW_MS }, dashboardDir: '/nonexistent' } })
})
afterAll(async () => {
  await f?.stop()
})

const VIEWER_GETS = ['/api/device', '/api/tree?path=/', '/api/changes', '/api/file?path=/etc/hosts', '/api/diff?path=/etc/hosts', '/api/usage', '/api/session']
const ADMIN_POSTS: Array<[string, unknown]> = [
  ['/api/revert', { paths: ['/etc/hosts'] }],
  ['/api/reset', {}],
  ['/api/reset/undo', {}],
  ['/api/reset/purge', {}],
]

describe('first run', () => {
  it('lets nobody in until the setup token creates the first admin, once', async () => {
    expect((await f.request('GET', '/api/setup')).json).toEqual({ needed: true })
    for (const path of VIEWER_GETS) expect((await f.request('GET', path)).status).toBe(401)
    const token = f.agent.ctx.setup.ensure()
    const wrong = await f.request('POST', '/api/setup', { body: { token: 'x'.repeat(24), username: 'root', password: 'long-enough-1' } })
    expect(wrong.status).toBe(403)
    expect(wrong.json).toMatchObject({ problem: 'access-denied' })
    const ok = await f.request('POST', '/api/setup', { body: { token, username: 'root', password: 'long-enough-1' } })
    expect(ok.status).toBe(200)
    expect(ok.json).toMatchObject({ username: 'root', role: 'admin', via: 'cookie' })
    const cookie = ok.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^layerdeck_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/)
    expect((await f.request('GET', '/api/session', { cookie: cookie.split(';')[0] as string })).json).toMatchObject({ username: 'root' })
    expect((await f.request('GET', '/api/setup')).json).toEqual({ needed: false })
    const again = await f.request('POST', '/api/setup', { body: { token, username: 'eve', password: 'long-enough-1' } })
    expect(again.status).toBe(409)
  })
})

describe('anyone', () => {
  it('gets health, the OpenAPI document and the placeholder page, with security headers', async () => {
    const h = await f.request('GET', '/api/health')
    expect(h.json).toEqual({ status: 'ok', mounted: true, storage: 'persistent', version: 'test', reasons: [] })
    expect(h.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(h.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests')
    expect(h.headers.get('strict-transport-security')).toBeNull()
    expect(h.headers.get('x-content-type-options')).toBe('nosniff')
    const doc = (await f.request('GET', '/api/openapi.json')).json as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/'))).toBe(true)
    expect(Object.keys(doc.paths)).toContain('/api/tree')
    const page = await f.request('GET', '/tree/etc')
    expect(page.status).toBe(200)
    expect(page.text).toContain('dashboard has not been built yet')
    expect((await f.request('GET', '/api/nope')).json).toMatchObject({ problem: 'not-found' })
  })
})

describe('roles', () => {
  it('let a viewer look and refuse what changes things, the backup and the audit log', async () => {
    const viewer = await f.signIn('vic', 'viewer')
    for (const path of VIEWER_GETS) expect([path, (await f.request('GET', path, { cookie: viewer })).status]).toEqual([path, 200])
    for (const [path, body] of ADMIN_POSTS) {
      const r = await f.request('POST', path, { cookie: viewer, body })
      expect([path, r.status, (r.json as { problem: string }).problem]).toEqual([path, 403, 'access-denied'])
    }
    expect((await f.request('GET', '/api/backup', { cookie: viewer })).status).toBe(403)
    expect((await f.request('GET', '/api/audit', { cookie: viewer })).status).toBe(403)
    expect((await f.request('POST', '/api/restore', { cookie: viewer, raw: Buffer.from([0x1f, 0x8b]) })).status).toBe(403)
  })

  it('refuse every changing request when signed out', async () => {
    for (const [path, body] of ADMIN_POSTS) expect((await f.request('POST', path, { body })).status).toBe(401)
    expect((await f.request('DELETE', '/api/session')).status).toBe(401)
  })

  it('write refused requests to the audit log', async () => {
    const admin = await f.signIn('ada', 'admin')
    const log = (await f.request('GET', '/api/audit?limit=50', { cookie: admin })).json as { entries: Array<{ user: string | null; action: string; result: string; status: number }> }
    expect(log.entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ user: 'vic', action: 'revert', result: 'refused', status: 403 }),
      expect.objectContaining({ user: null, action: 'reset', result: 'refused', status: 401 }),
      expect.objectContaining({ user: 'root', action: 'setup', result: 'ok' }),
    ]))
  })
})

describe('CSRF', () => {
  it('needs a same-origin Origin or Sec-Fetch-Site and a JSON body', async () => {
    const admin = await f.signIn('ada', 'admin')
    const dry = { paths: ['/etc/hosts'], dryRun: true }
    expect((await f.request('POST', '/api/revert', { cookie: admin, body: dry, origin: null })).status).toBe(403)
    expect((await f.request('POST', '/api/revert', { cookie: admin, body: dry, origin: 'http://evil.example' })).status).toBe(403)
    expect((await f.request('POST', '/api/revert', { cookie: admin, body: dry, origin: 'null' })).status).toBe(403)
    const sfs = await f.request('POST', '/api/revert', { cookie: admin, body: dry, origin: null, headers: { 'sec-fetch-site': 'same-origin' } })
    expect(sfs.status).toBe(200)
    expect((await f.request('POST', '/api/revert', { cookie: admin, body: dry, origin: null, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403)
    const form = await f.request('POST', '/api/revert', { cookie: admin, raw: 'paths=/etc/hosts', contentType: 'application/x-www-form-urlencoded' })
    expect(form.status).toBe(415)
    expect(form.json).toMatchObject({ problem: 'invalid-input' })
    expect((await f.request('POST', '/api/revert', { cookie: admin, raw: 'x', contentType: 'text/plain' })).status).toBe(415)
    expect((await f.request('POST', '/api/revert', { cookie: admin, raw: '{nope', contentType: 'application/json' })).status).toBe(400)
    const login = await f.request('POST', '/api/session', { body: { username: 'ada', password: 'ada-password-1' }, origin: null })
    expect(login.status).toBe(403)
  })
})

describe('bearer tokens', () => {
  it('work without an Origin, and stop working when revoked', async () => {
    await f.signIn('bot', 'admin')
    const { id, token } = f.agent.ctx.accounts.addToken('bot')
    expect((await f.request('GET', '/api/session', { token })).json).toMatchObject({ username: 'bot', via: 'token', idleExpiresAt: null })
    const dry = await f.request('POST', '/api/revert', { token, body: { paths: ['/etc/hosts'], dryRun: true }, origin: null })
    expect(dry.status).toBe(200)
    expect((await f.request('POST', '/api/reset/purge', { token, origin: null, contentType: null })).status).toBe(200)
    f.agent.ctx.accounts.revokeTokens('bot', id)
    const gone = await f.request('GET', '/api/device', { token })
    expect(gone.status).toBe(401)
    expect(gone.json).toMatchObject({ problem: 'not-signed-in' })
    expect((await f.request('GET', '/api/device', { token: 'ld_000000000000_' + 'a'.repeat(32) })).status).toBe(401)
  })
})

describe('sessions', () => {
  it('end on logout, on a password change and on removal', async () => {
    const a = await f.signIn('sam', 'viewer')
    expect((await f.request('DELETE', '/api/session', { cookie: a })).json).toEqual({ signedOut: true })
    expect((await f.request('GET', '/api/session', { cookie: a })).status).toBe(401)
    const b = await f.signIn('sam', 'viewer')
    await f.agent.ctx.accounts.setPassword('sam', 'another-password-2')
    expect((await f.request('GET', '/api/session', { cookie: b })).status).toBe(401)
    const c = await f.signIn('sam', 'viewer', 'another-password-2')
    f.agent.ctx.accounts.remove('sam')
    expect((await f.request('GET', '/api/session', { cookie: c })).status).toBe(401)
  })
})

describe('the login throttle', () => {
  it('answers 429 with Retry-After after 10 failures, the right password included, until the window ends', async () => {
    await f.signIn('tim', 'viewer')
    for (let i = 0; i < 10; i++) {
      const r = await f.request('POST', '/api/session', { body: { username: 'tim', password: `wrong-${i}` } })
      expect(r.status).toBe(401)
    }
    const blocked = await f.request('POST', '/api/session', { body: { username: 'tim', password: 'tim-password-1' } })
    expect(blocked.status).toBe(429)
    expect(blocked.json).toMatchObject({ problem: 'rate-limited' })
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, WINDOW_MS + 200))
    expect((await f.request('POST', '/api/session', { body: { username: 'tim', password: 'tim-password-1' } })).status).toBe(200)
    const admin = await f.signIn('ada', 'admin')
    const log = (await f.request('GET', '/api/audit?limit=100', { cookie: admin })).json as { entries: Array<{ user: string; action: string; result: string; status: number }> }
    expect(log.entries.filter((e) => e.user === 'tim' && e.action === 'login' && e.status === 401)).toHaveLength(10)
    expect(log.entries.some((e) => e.user === 'tim' && e.status === 429)).toBe(true)
  })
})
