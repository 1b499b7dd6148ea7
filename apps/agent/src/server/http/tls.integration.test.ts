/** Under TLS the cookie is Secure and HSTS and upgrade-insecure-requests are on (and only then). */
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shOk, tempDir } from '@layerdeck/testkit'
import { createAgent, type Agent } from '../createAgent.ts'

const tmp = tempDir('layerdeck-tls-')
let agent: Agent
let port = 0

beforeAll(async () => {
  await shOk(`cd ${tmp.path} && mkdir storage && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=localhost 2>/dev/null`)
  agent = createAgent({ storage: `${tmp.path}/storage`, data: `${tmp.path}/data`, version: 'test', tls: true, onSetupToken: () => undefined })
  await agent.start()
  await agent.ctx.accounts.add('ann', 'admin', 'ann-password-1')
  const server = await agent.listen(0, '127.0.0.1', { cert: readFileSync(`${tmp.path}/cert.pem`), key: readFileSync(`${tmp.path}/key.pem`) })
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await agent?.stop()
  tmp.cleanup()
})

function post(path: string, body: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json', origin: `https://127.0.0.1:${port}` } },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

describe('the agent over TLS', () => {
  it('sets a Secure cookie, HSTS and upgrade-insecure-requests', async () => {
    const r = await post('/api/session', { username: 'ann', password: 'ann-password-1' })
    expect(r.status).toBe(200)
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Secure/)
    expect(r.headers['strict-transport-security']).toMatch(/max-age=31536000/)
    expect(r.headers['content-security-policy']).toContain('upgrade-insecure-requests')
    expect((await post('/api/session', { username: 'ann', password: 'wrong-password' })).status).toBe(401)
  })
})
