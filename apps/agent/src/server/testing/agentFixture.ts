/**
 * Test fixture: a real mount (the CLI in a child process, as a user runs it) and a real agent on
 * a loopback port in the test process. The agent never touches the mount: it reads base and
 * storage directly and talks to the daemon over the control socket, so running it here is safe;
 * writes through the mount happen in child processes (testkit's sh).
 */
import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { hashTree, shOk, startMount, tempDir, type MountProcess } from '@layerdeck/testkit'
import type { Role } from '@layerdeck/api'
import { createAgent, type Agent } from '../createAgent.ts'
import type { AgentConfig } from '../context.ts'

export interface Answer {
  status: number
  headers: Headers
  text: string
  json: unknown
}

export interface RequestOptions {
  body?: unknown
  /** Raw body (sent as is) instead of JSON. */
  raw?: Buffer | string
  cookie?: string
  token?: string
  /** Origin header; default the agent's own origin for changing requests; null: none. */
  origin?: string | null
  contentType?: string | null
  headers?: Record<string, string>
}

export interface AgentFixture {
  root: string
  base: string
  storage: string
  mnt: string
  data: string
  url: string
  agent: Agent
  mount: MountProcess | undefined
  request(method: string, path: string, options?: RequestOptions): Promise<Answer>
  /** Creates an account (through the accounts store) and signs in; returns the cookie. */
  signIn(name: string, role: Role, password?: string): Promise<string>
  stop(): Promise<void>
}

export interface FixtureOptions {
  /** Fills the base (run in the base folder). */
  baseScript: string
  /** Start no mount (the test mounts something else, e.g. with the kernel). */
  noMount?: boolean
  /** Runs before the mount starts (e.g. to put a small tmpfs on the storage folder). */
  beforeMount?: (dirs: { root: string; storage: string }) => Promise<void>
  /** Runs at the end, before the temp folder goes (even when the test failed). */
  cleanup?: (dirs: { root: string; storage: string }) => Promise<void>
  config?: Partial<AgentConfig>
}

export async function startAgentFixture(o: FixtureOptions): Promise<AgentFixture> {
  const tmp = tempDir('layerdeck-agent-')
  const root = tmp.path
  const base = `${root}/base`
  const storage = `${root}/storage`
  const mnt = `${root}/mnt`
  const data = `${root}/data`
  for (const dir of [base, storage, mnt]) mkdirSync(dir, { recursive: true })
  await shOk(o.baseScript, { cwd: base })
  const baseHash = await hashTree(base)
  let mount: MountProcess | undefined
  let agent: Agent | undefined
  try {
    await o.beforeMount?.({ root, storage })
    if (o.noMount !== true) mount = await startMount({ base, storage, mountpoint: mnt })
    agent = createAgent({ storage, data, version: 'test', tls: false, pollMs: 200, base, onSetupToken: () => undefined, ...o.config })
    await agent.start()
    const server = await agent.listen(0, '127.0.0.1')
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const fixture: AgentFixture = {
      root, base, storage, mnt, data, url, agent, mount,
      request: (method, path, options) => send(url, method, path, options),
      signIn: async (name, role, password = `${name}-password-1`) => {
        if (agent!.ctx.accounts.find(name) === undefined) await agent!.ctx.accounts.add(name, role, password)
        const r = await send(url, 'POST', '/api/session', { body: { username: name, password } })
        if (r.status !== 200) throw new Error(`sign-in of ${name} failed: ${r.status} ${r.text}`)
        return (r.headers.get('set-cookie') ?? '').split(';')[0] as string
      },
      stop: async () => {
        try {
          await agent!.stop()
          await mount?.stop()
          if ((await hashTree(base)) !== baseHash) throw new Error(`the base ${base} was written during the test`)
        } finally {
          await o.cleanup?.({ root, storage })
          tmp.cleanup()
        }
      },
    }
    return fixture
  } catch (err) {
    await agent?.stop()
    await mount?.stop()
    await o.cleanup?.({ root, storage })
    tmp.cleanup()
    throw err
  }
}

export async function send(url: string, method: string, path: string, o: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers }
  const changing = method !== 'GET' && method !== 'HEAD'
  if (o.origin !== null && (o.origin !== undefined || changing)) headers.origin = o.origin ?? url
  if (o.cookie !== undefined) headers.cookie = o.cookie
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`
  let body: string | Buffer | undefined
  if (o.raw !== undefined) body = o.raw
  else if (o.body !== undefined || (changing && o.contentType !== null)) body = JSON.stringify(o.body ?? {})
  if (body !== undefined && o.contentType !== null) headers['content-type'] = o.contentType ?? (o.raw !== undefined ? 'application/gzip' : 'application/json')
  const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}
