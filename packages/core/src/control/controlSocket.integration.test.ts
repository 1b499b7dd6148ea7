/**
 * The control socket under attack. A storage path too long for a unix socket puts the socket in
 * /run/layerdeck (the fallback); `nobody` connects to it in a tight loop while mounts start and
 * must never be answered (it sends a live reset). A root client that sends a line without end
 * is dropped, the daemon's memory stays bounded, and the daemon keeps serving.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, hashTree, py, pyJson, sh, shellQuote, startMount, tempDir, withOverlay } from '@layerdeck/testkit'

const NOBODY = 65534
const fallbackSocket = (storage: string): string =>
  `/run/layerdeck/${createHash('sha256').update(storage).digest('hex').slice(0, 16)}.sock`

/** Connects as fast as it can for `seconds`; every connection sends a live reset and reads. */
const ATTACKER = (sock: string, seconds: number): string => `
import json, socket, time
end = time.time() + ${seconds}
connected, answers = 0, []
while time.time() < end:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(${JSON.stringify(sock)})
    except OSError:
        s.close()
        continue
    connected += 1
    try:
        s.settimeout(3)
        s.sendall(b'{"id":1,"op":"info"}\\n{"id":2,"op":"reset"}\\n')
        data = s.recv(65536)
        if data:
            answers.append(data.decode('latin-1'))
    except OSError:
        pass
    s.close()
print(json.dumps({"connected": connected, "answers": answers}))
`

describe('control socket in the /run/layerdeck fallback', () => {
  it('never answers nobody connecting while mounts start; nothing in or outside the storage changes', async () => {
    const tmp = tempDir()
    try {
      const root = tmp.path
      const base = `${root}/base`
      const storage = `${root}/storage-${'s'.repeat(90)}`
      const mnt = `${root}/mnt`
      const sentinel = `${root}/sentinel`
      for (const d of [base, storage, `${storage}/upper/etc`, mnt, sentinel]) mkdirSync(d, { recursive: true })
      writeFileSync(`${base}/motd`, 'base\n')
      writeFileSync(`${storage}/upper/etc/keep`, 'a change that must survive\n')
      writeFileSync(`${sentinel}/host-file`, 'outside the storage\n')
      // As the boot script and earlier mounts leave it: root-owned, but open to every user.
      mkdirSync('/run/layerdeck', { recursive: true })
      await py(`import os; os.chmod('/run/layerdeck', 0o755)`)
      const before = { base: await hashTree(base), sentinel: await hashTree(sentinel), upper: await hashTree(`${storage}/upper`) }
      const attack = pyJson<{ connected: number; answers: string[] }>(ATTACKER(fallbackSocket(storage), 25), { user: NOBODY })
      const started = Date.now()
      let mounts = 0
      while (Date.now() - started < 18_000) {
        const m = await startMount({ base, storage, mountpoint: mnt })
        mounts += 1
        await m.stop()
      }
      const result = await attack
      expect(mounts).toBeGreaterThan(3)
      expect(result.answers).toEqual([])
      expect(result.connected).toBe(0)
      expect(await hashTree(base)).toBe(before.base)
      expect(await hashTree(sentinel)).toBe(before.sentinel)
      expect(await hashTree(`${storage}/upper`)).toBe(before.upper)
      const mode = (await py(`import os; print(oct(os.lstat('/run/layerdeck').st_mode & 0o777))`)).stdout.trim()
      expect(mode).toBe('0o700')
    } finally {
      tmp.cleanup()
    }
  }, 60_000)
})

/** The daemon's resident memory in KiB (the pid the mount record names). */
function rssKiB(storage: string): number {
  const pid = (JSON.parse(readFileSync(`${storage}/work/layerdeck/mount.json`, 'utf8')) as { pid: number }).pid
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(m?.[1])
}

const FLOODER = (sock: string): string => `
import json, socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(${JSON.stringify(sock)})
chunk, sent, dropped, start = b'x' * 65536, 0, False, time.time()
try:
    while sent < (256 << 20) and time.time() - start < 20:
        s.sendall(chunk)
        sent += len(chunk)
except OSError:
    dropped = True
if not dropped:
    s.settimeout(5)
    try:
        dropped = s.recv(1) == b''
    except OSError:
        dropped = True
print(json.dumps({"sent": sent, "dropped": dropped}))
`

const INFO = (sock: string): string => `
import json, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(${JSON.stringify(sock)})
s.sendall(b'{"id":7,"op":"info"}\\n')
data = b''
while not data.endswith(b'\\n'):
    data += s.recv(65536)
print(data.decode().strip())
`

describe('control socket: a client that never ends its line', () => {
  it('is dropped with one log line; memory stays bounded and the daemon keeps serving', async () => {
    await withOverlay('echo base > motd', async (f) => {
      const sock = `${f.storage}/work/layerdeck/control.sock`
      const rssBefore = rssKiB(f.storage)
      const flood = await pyJson<{ sent: number; dropped: boolean }>(FLOODER(sock))
      expect(flood.dropped).toBe(true)
      expect(flood.sent).toBeLessThan(64 << 20)
      expect(rssKiB(f.storage) - rssBefore).toBeLessThan(64 * 1024)
      const info = await pyJson<{ id: number; ok: boolean; result: { storage: string } }>(INFO(sock))
      expect(info).toMatchObject({ id: 7, ok: true, result: { storage: f.storage } })
      const logged = f.mount.output().split('\n').filter((l) => /control client dropped/.test(l))
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatch(/line longer than \d+ bytes/)
    })
  }, 60_000)
})

/**
 * A /run/layerdeck that another user prepared (owned by nobody, or a symlink to a directory
 * nobody owns) is refused with one line; each case runs in a private mount namespace with its
 * own /run, so the machine's /run/layerdeck is not touched.
 */
describe('control socket: a /run/layerdeck someone else prepared', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'owned by nobody',
      'mkdir -m 0777 /run/layerdeck && chown 65534:65534 /run/layerdeck',
      /^layerdeck: \/run\/layerdeck is owned by uid 65534, not root: .*remove it \(rm -r \/run\/layerdeck\)/,
    ],
    [
      'a symlink to a directory nobody owns',
      'mkdir -m 0700 "$T/trap" && chown 65534:65534 "$T/trap" && ln -s "$T/trap" /run/layerdeck',
      /^layerdeck: \/run\/layerdeck is (a symbolic link|owned by uid 65534)/,
    ],
  ]
  it.each(cases)('%s: the mount is refused, nothing is left listening', async (_name, prepare, message) => {
    const tmp = tempDir()
    try {
      const T = tmp.path
      const storage = `${T}/storage-${'s'.repeat(90)}`
      for (const d of [`${T}/base`, storage, `${T}/mnt`]) mkdirSync(d)
      const script = `export T=${T}; mount -t tmpfs -o mode=0755 tmpfs /run && ${prepare} &&
        timeout -s TERM 20 ${LAYERDECK_BIN} mount --base $T/base --storage ${storage} $T/mnt; echo "exit=$?"; ls -A "$T/trap" 2>/dev/null`
      const r = await sh(`unshare -m --propagation private bash -c ${shellQuote(script)}`, { timeoutMs: 40_000 })
      const lines = r.stdout.trim().split('\n')
      expect(lines[0], r.stdout + r.stderr).toMatch(/^exit=[1-9]/)
      expect(lines.slice(1)).toEqual([])
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1)
      expect(r.stderr).toMatch(message)
    } finally {
      tmp.cleanup()
    }
  })
})
