/**
 * Output a person can trust: `nobody` makes names (and a symlink target, an xattr name, file
 * content) with newlines, CR, ESC and bidi controls through the mount, and a hostile archive
 * carries such names. No text output of status, status --watch, diff, usage, reset --dry-run,
 * revert --dry-run or the restore plan may carry a control character: every line is one the
 * command wrote, each name shown escaped. --json keeps the names as they are.
 */
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { displayPath } from '@layerdeck/core'
import { LAYERDECK_BIN, hashTree, py, pyJson, sh, shellQuote, withOverlay } from '@layerdeck/testkit'

const NOBODY = 65534
const NAMES = [
  'evil\nno changes',
  'cr\rno changes                              ',
  'esc\x1b[2K\x1b[1Ano changes',
  'bidi\u202etxt.exe',
  'nel\u0085c1',
]
// Control characters a terminal acts on (tab and the newline ending each line aside), bidi controls.
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const MAKE = (mnt: string): string => `
os.chdir(${JSON.stringify(`${mnt}/tmp`)})
for name in ${JSON.stringify(NAMES)}:
    put(name, '\\x1b[2J\\rno changes\\n')
os.symlink('/etc/shadow\\n+ /etc/motd', 'link\\nx')
os.setxattr('shared', 'user.evil\\nadded     /etc/ok', b'v')
print(json.dumps({"ok": True}))
`

/** Each line of text output: no control characters, and one that the command wrote. */
function expectClean(out: string, what: string): void {
  for (const line of out.split('\n')) expect(CONTROL.test(line), `${what}: ${JSON.stringify(line)}`).toBe(false)
}

const cli = async (args: string): Promise<string> => {
  const r = await sh(`${LAYERDECK_BIN} ${args}`)
  expect(r.code, `${args}\n${r.stdout}${r.stderr}`).toBe(0)
  expectClean(r.stderr, `${args} (stderr)`)
  return r.stdout
}

/** Runs `status --watch` while `during` runs; returns what it printed. */
async function watchWhile(storage: string, during: () => Promise<void>): Promise<string> {
  const child = spawn(LAYERDECK_BIN, ['status', '--watch', '--storage', storage], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => /watching/.test(d.toString()) && resolve()))
  await during()
  await new Promise((r) => setTimeout(r, 1500))
  const exited = new Promise((r) => child.on('exit', r))
  child.kill('SIGINT')
  await exited
  return out
}

/** A restore archive (PAX tar) whose names try to forge plan lines. */
const HOSTILE_ARCHIVE = (path: string): string => `
import io, json, tarfile
def add(t, name, data=b'', kind=tarfile.REGTYPE):
    i = tarfile.TarInfo(name); i.type = kind; i.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    i.size = len(data); i.mtime = 1700000000
    t.addfile(i, io.BytesIO(data) if data else None)
with tarfile.open(${JSON.stringify(path)}, 'w:gz', format=tarfile.PAX_FORMAT) as t:
    add(t, '.layerdeck-backup.json', json.dumps({"format": "layerdeck-backup", "version": 1, "createdAt": "x", "entries": 3, "bytes": 1}).encode())
    add(t, './', kind=tarfile.DIRTYPE)
    add(t, 'etc/', kind=tarfile.DIRTYPE)
    add(t, 'etc/shadow\\x1b[6Dmotd  ', b'x')  # a terminal shows '+ /etc/motd   (file)'
print(json.dumps({"ok": True}))
`

describe('hostile names in text output', () => {
  it('are escaped in status, watch, diff, usage, reset and revert; --json keeps them', async () => {
    await withOverlay(
      'mkdir -m 1777 tmp && echo shared > tmp/shared && chmod 666 tmp/shared && mkdir etc && echo root > etc/shadow',
      async (f) => {
        const S = `--storage ${f.storage}`
        const watched = await watchWhile(f.storage, async () => {
          expect(await pyJson(MAKE(f.mnt), { user: NOBODY })).toEqual({ ok: true })
        })
        expectClean(watched, 'status --watch')
        for (const name of NAMES) expect(watched).toContain(displayPath(`/tmp/${name}`))

        const status = await cli(`status ${S}`)
        expectClean(status, 'status')
        const lines = status.trimEnd().split('\n')
        expect(lines.at(-1)).toMatch(/^\d+ changes: /)
        const json = JSON.parse(await cli(`status ${S} --json`)) as { changes: Array<{ path: string }> }
        expect(lines).toHaveLength(json.changes.length + 1)
        for (const name of NAMES) {
          expect(json.changes.map((c) => c.path)).toContain(`/tmp/${name}`)
          expect(status).toContain(displayPath(`/tmp/${name}`))
        }
        expect(status).toContain('user.evil\\nadded')

        const diff = await cli(`diff ${S} /tmp`)
        expectClean(diff, 'diff')
        expect(diff).toContain(displayPath('/tmp/link\nx'))
        expect(diff).toContain(displayPath('/etc/shadow\n+ /etc/motd'))
        expectClean(await cli(`usage ${S} --top 20`), 'usage')
        expectClean(await cli(`reset ${S} --dry-run`), 'reset --dry-run')
        const revert = await cli(`revert ${S} --added --dry-run ${NAMES.map((n) => shellQuote(`/tmp/${n}`)).join(' ')}`)
        expectClean(revert, 'revert --dry-run')
        expect(revert.trimEnd().split('\n')).toHaveLength(NAMES.length)
      },
      { reachableByAll: true },
    )
  })

  it('are escaped in the restore plan', async () => {
    await withOverlay('mkdir etc && echo hi > etc/motd', async (f) => {
      await f.mount.stop()
      const archive = `${f.root}/hostile.tar.gz`
      await py(HOSTILE_ARCHIVE(archive))
      const before = await hashTree(f.storage)
      const plan = await cli(`restore ${archive} --storage ${f.storage} --dry-run`)
      expectClean(plan, 'restore plan')
      expect(plan).toContain(`+ ${displayPath('/etc/shadow\x1b[6Dmotd  ')} (file)`)
      expect(plan.split('\n').filter((l) => l.startsWith('  +'))).toHaveLength(2)
      expect(await hashTree(f.storage)).toBe(before)
    })
  })
})
