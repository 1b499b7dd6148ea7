/**
 * Every hostile path kind against every endpoint that takes a path, and hostile and oversized
 * uploads: each is refused (400, or 413 for size) and nothing in the storage changes.
 */
import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashTree, shOk } from '@layerdeck/testkit'
import { startAgentFixture, type AgentFixture } from './testing/agentFixture.ts'
import { DEVICE_BASE, technicianChanges } from './testing/deviceBase.ts'

let f: AgentFixture
let admin: string

beforeAll(async () => {
  f = await startAgentFixture({ baseScript: DEVICE_BASE, config: { maxUploadBytes: 64 * 1024 } })
  await technicianChanges(f.mnt)
  admin = await f.signIn('ada', 'admin')
})
afterAll(async () => {
  await f?.stop()
})

const HOSTILE: Record<string, string> = {
  'dot-dot': '/etc/../../etc/passwd',
  'dot-dot at the start': '../etc/hosts',
  'dot-dot alone': '/..',
  'NUL byte': '/etc/hosts\u0000.bak',
  relative: 'etc/hosts',
  empty: '',
  'over-long name': `/etc/${'n'.repeat(256)}`,
  'over-long path': `/${'d'.repeat(200)}`.repeat(21),
  'lone surrogate (not well-formed)': '/etc/\udcff',
  'through a symlink': '/etc-link/hosts',
  'through a symlink, deeper': '/etc-link/config/network',
}

/** A query value: percent-encoded; a lone surrogate goes as the raw byte %FF. */
const q = (p: string): string => (p.includes('\udcff') ? '/etc/%FF' : encodeURIComponent(p))

const ENDPOINTS: Array<[string, (p: string) => Promise<{ status: number; json: unknown }>]> = [
  ['GET /api/tree', (p) => f.request('GET', `/api/tree?path=${q(p)}`, { cookie: admin })],
  ['GET /api/file', (p) => f.request('GET', `/api/file?path=${q(p)}`, { cookie: admin })],
  ['GET /api/file side=base', (p) => f.request('GET', `/api/file?side=base&path=${q(p)}`, { cookie: admin })],
  ['GET /api/diff', (p) => f.request('GET', `/api/diff?path=${q(p)}`, { cookie: admin })],
  ['POST /api/revert', (p) => f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/etc/hosts', p] } })],
  ['POST /api/revert dry run', (p) => f.request('POST', '/api/revert', { cookie: admin, body: { paths: [p], dryRun: true } })],
  ['POST /api/reset keep', (p) => f.request('POST', '/api/reset', { cookie: admin, body: { keep: [p] } })],
]

const storageHash = (): Promise<string> => hashTree(`${f.storage}/upper`)

describe('hostile paths', () => {
  it('are refused with 400 invalid-input by every path-taking endpoint, changing nothing', async () => {
    const before = await storageHash()
    const answers: string[] = []
    for (const [endpoint, call] of ENDPOINTS) {
      for (const [kind, path] of Object.entries(HOSTILE)) {
        if (kind === 'empty' && endpoint === 'GET /api/tree') continue // an empty path is the root there
        const r = await call(path)
        answers.push(`${endpoint} / ${kind}: ${r.status} ${(r.json as { problem?: string } | undefined)?.problem}`)
      }
    }
    expect(answers.filter((a) => !a.endsWith(': 400 invalid-input'))).toEqual([])
    expect(await storageHash()).toBe(before)
    expect(await shOk(`cat ${f.mnt}/etc/hosts`)).toContain('historian')
  })

  it('shows a name that is not UTF-8 as its bytes (lone surrogates), and refuses it as input', async () => {
    const r = await f.request('GET', '/api/tree?path=/var/lib', { cookie: admin })
    expect(r.text).toContain('"name":"inv\\udcff"')
    expect((r.json as { entries: Array<{ name: string }> }).entries.map((e) => e.name)).toEqual(['inv\udcff'])
    expect((await f.request('GET', '/api/file?path=/var/lib/inv%FF', { cookie: admin })).status).toBe(400)
    expect((await f.request('POST', '/api/revert', { cookie: admin, body: { paths: ['/var/lib/inv\udcff'] } })).status).toBe(400)
  })

  it('normalises harmless spellings and says 404 for what does not exist', async () => {
    expect((await f.request('GET', `/api/file?path=${encodeURIComponent('//etc/./hosts')}`, { cookie: admin })).json).toMatchObject({ path: '/etc/hosts' })
    expect((await f.request('GET', '/api/file?path=/etc/nothing', { cookie: admin })).status).toBe(404)
    expect((await f.request('GET', '/api/file?path=/etc/hosts/below', { cookie: admin })).status).toBe(404)
    expect((await f.request('GET', '/api/file?path=/etc/hosts&path=/etc/motd', { cookie: admin })).status).toBe(400)
  })
})

describe('hostile and oversized uploads', () => {
  const restore = (raw: Buffer, contentType = 'application/gzip') => f.request('POST', '/api/restore?dryRun=false&replace=true', { cookie: admin, raw, contentType })

  it('are refused before anything changes, and leave no upload behind', async () => {
    const before = await storageHash()
    expect((await restore(Buffer.from('this is not gzip at all'))).json).toMatchObject({ problem: 'invalid-input' })
    expect((await restore(Buffer.alloc(0))).status).toBe(400)
    expect((await restore(Buffer.from([0x1f, 0x8b]), 'application/json')).status).toBe(415)
    expect((await restore(Buffer.from([0x1f, 0x8b]), 'multipart/form-data')).status).toBe(415)
    const big = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(200 * 1024)])
    const tooBig = await restore(big)
    expect(tooBig.status).toBe(413)
    expect(tooBig.json).toMatchObject({ problem: 'too-large' })
    const evil = await shOk(`cd ${f.root} && python3 -c "
import io, tarfile, gzip, sys
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w') as t:
    for name in ['.layerdeck-backup.json', '../escape', '/etc/absolute', 'etc/link']:
        info = tarfile.TarInfo(name)
        if name == 'etc/link':
            info.type = tarfile.SYMTYPE; info.linkname = '/etc'
            t.addfile(info)
        else:
            data = b'{}' if name.startswith('.') else b'x'
            info.size = len(data); t.addfile(info, io.BytesIO(data))
sys.stdout.buffer.write(gzip.compress(buf.getvalue()))
" | base64 -w0`)
    const hostile = await restore(Buffer.from(evil, 'base64'))
    expect([hostile.status, (hostile.json as { problem: string }).problem]).toEqual([400, 'invalid-input'])
    expect((hostile.json as { message: string }).message).toMatch(/nothing was changed/)
    expect(await storageHash()).toBe(before)
    expect(readdirSync(`${f.data}/uploads`)).toEqual([])
  })
})
