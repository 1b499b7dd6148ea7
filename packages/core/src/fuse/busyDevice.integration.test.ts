/**
 * Live revert, reset, restore and backup on a device whose services never stop writing:
 * separate processes write numbered lines through the mount, each line counted when write()
 * returned. No acknowledged write is silently lost, no read returns bytes of no version, no
 * write lands at another file's offset, O_CREAT never fails with ENOENT, an atomic save never
 * makes its name vanish, and a backup is the storage at one instant.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, pyJson, sh, shOk, withOverlay, type OverlayFixture } from '@layerdeck/testkit'
import { call } from '../control/client.ts'
import { storagePaths } from '../engine/storageFormat.ts'

const BASE = `
mkdir -p etc var/log opt/app/conf
echo 'factory' > etc/app.conf
seq 1 50 | sed 's/^/base line /' > var/log/app.log
echo factory-a > opt/app/conf/a && echo factory-b > opt/app/conf/b
`

const onOverlay = (fn: (f: OverlayFixture) => Promise<void>): Promise<void> => withOverlay(BASE, fn)
const ld = (args: string): Promise<{ code: number; stdout: string; stderr: string }> => sh(`${LAYERDECK_BIN} ${args}`)

/**
 * A writer in its own process: lines "N\n" through one descriptor, every write acknowledged,
 * until a write fails, `stop` exists, or `seconds` passed (however slow the machine is).
 */
function writer(path: string, seconds: number, mode: 'append' | 'seek-end' = 'append', stop = `${path}.stop-writer`): Promise<{ acked: number; error: string }> {
  const open = mode === 'append' ? 'os.O_WRONLY | os.O_APPEND' : 'os.O_WRONLY'
  return pyJson<{ acked: number; error: string }>(`
import time
fd = os.open('${path}', ${open})
acked, error, end = 0, '', time.time() + ${seconds}
while time.time() < end and not os.path.exists('${stop}'):
    try:
        ${mode === 'seek-end' ? "os.lseek(fd, 0, os.SEEK_END)" : 'pass'}
        os.write(fd, b'%d\\n' % (acked + 1))
        acked += 1
    except OSError as e:
        error = errno.errorcode.get(e.errno, str(e.errno)); break
    time.sleep(0.002)
try:
    os.close(fd)
except OSError as e:
    error = error or errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps({'acked': acked, 'error': error}))
`)
}

/** Numbered lines "N" of a file (other lines ignored), in order. */
function numbers(text: string): number[] {
  return text.split('\n').filter((l) => /^\d+$/.test(l)).map(Number)
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('a busy device', () => {
  it('revert of a file open for writing: refused with the writer named; forced, the writer gets EIO and loses nothing silently', async () => {
    await onOverlay(async ({ mnt, base, storage }) => {
      const w = writer(`${mnt}/var/log/app.log`, 60)
      await sleep(800)
      const refused = await ld(`revert --storage ${storage} --yes /var/log/app.log`)
      expect(refused.code).not.toBe(0)
      expect(refused.stderr).toMatch(/EBUSY: open for writing: \/var\/log\/app\.log \(python3 \d+\)/)
      await shOk(`${LAYERDECK_BIN} revert --storage ${storage} --yes --force /var/log/app.log`)
      // The mount shows the base version at once, exactly.
      expect(await shOk(`cat ${mnt}/var/log/app.log`)).toBe(readFileSync(`${base}/var/log/app.log`, 'utf8'))
      const r = await w
      expect(r.error).toBe('EIO')
      expect(r.acked).toBeGreaterThan(10)
    })
  })

  it('seek-to-end writers across a forced reset and its undo never overwrite a line, with stat running', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      await shOk(`echo start > ${mnt}/var/log/app.log`)
      const stat = sh(`end=$((SECONDS+4)); while [ $SECONDS -lt $end ]; do stat ${mnt}/var/log/app.log >/dev/null 2>&1; done`)
      const w = writer(`${mnt}/var/log/app.log`, 60, 'seek-end')
      await sleep(1000)
      await shOk(`${LAYERDECK_BIN} reset --storage ${storage} --yes --force`)
      const r = await w
      await stat
      expect(r.error).toBe('EIO')
      await shOk(`${LAYERDECK_BIN} reset --storage ${storage} --undo --yes`)
      const got = numbers(await shOk(`cat ${mnt}/var/log/app.log`))
      // Every acknowledged line before the reset, in order, none overwritten.
      expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1))
      expect(got.length).toBe(r.acked)
    })
  })

  it('O_CREAT opens of an existing file never fail with ENOENT around resets and undos', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const opens = pyJson<{ ok: number; failed: Record<string, number> }>(`
import time
ok, failed, end = 0, {}, time.time() + 3
while time.time() < end:
    try:
        os.close(os.open('${mnt}/etc/app.conf', os.O_RDONLY | os.O_CREAT, 0o644)); ok += 1
    except OSError as e:
        k = errno.errorcode.get(e.errno, str(e.errno)); failed[k] = failed.get(k, 0) + 1
print(json.dumps({'ok': ok, 'failed': failed}))
`)
      await shOk(`echo changed > ${mnt}/etc/app.conf`)
      for (let i = 0; i < 3; i++) {
        await shOk(`${LAYERDECK_BIN} reset --storage ${storage} --yes --force && ${LAYERDECK_BIN} reset --storage ${storage} --undo --yes --force`)
      }
      const r = await opens
      expect(r.failed).toEqual({})
      expect(r.ok).toBeGreaterThan(100)
    })
  })

  it('an atomic save (write a temp file, rename it over) never makes the name vanish for a reader', async () => {
    await onOverlay(async ({ mnt }) => {
      const saver = pyJson(`
import time
n, end = 0, time.time() + 3
while time.time() < end:
    n += 1
    put('${mnt}/etc/.app.conf.tmp', 'version %d\\n' % n)
    os.rename('${mnt}/etc/.app.conf.tmp', '${mnt}/etc/app.conf')
print(json.dumps({'saves': n}))
`)
      const reader = pyJson<{ opens: number; missing: number; torn: number }>(`
import time
opens, missing, torn, end = 0, 0, 0, time.time() + 3
while time.time() < end:
    try:
        text = slurp('${mnt}/etc/app.conf'); opens += 1
        if not (text == 'factory\\n' or (text.startswith('version ') and text.endswith('\\n'))): torn += 1
    except FileNotFoundError:
        missing += 1
print(json.dumps({'opens': opens, 'missing': missing, 'torn': torn}))
`)
      const [s, r] = await Promise.all([saver, reader])
      expect(s.saves).toBeGreaterThan(50)
      expect(r).toMatchObject({ missing: 0, torn: 0 })
      expect(r.opens).toBeGreaterThan(100)
    })
  })

  it('backups taken while files are saved and appended are each the storage at one instant', async () => {
    await onOverlay(async ({ root, mnt, storage }) => {
      const saver = sh(`end=$((SECONDS+4)); n=0; while [ $SECONDS -lt $end ]; do n=$((n+1)); head -c 20000 /dev/zero | tr '\\0' 'x' > ${mnt}/etc/.s; echo " v$n" >> ${mnt}/etc/.s; mv ${mnt}/etc/.s ${mnt}/etc/app.conf; sleep 0.02; done`)
      const w = writer(`${mnt}/var/log/app.log`, 4)
      await sleep(300)
      mkdirSync(`${root}/out`)
      for (let i = 0; i < 5; i++) {
        await shOk(`${LAYERDECK_BIN} backup --storage ${storage} --out ${root}/out/b${i}.tar.gz`)
        const dir = `${root}/out/x${i}`
        await shOk(`mkdir ${dir} && tar -xzf ${root}/out/b${i}.tar.gz -C ${dir}`)
        const conf = readFileSync(`${dir}/etc/app.conf`, 'latin1')
        expect(conf).toMatch(/^x{20000} v\d+\n$/)
        const log = readFileSync(`${dir}/var/log/app.log`, 'latin1')
        expect(log).not.toContain('\0')
        expect(log.endsWith('\n')).toBe(true)
        const seq = numbers(log)
        expect(seq).toEqual(Array.from({ length: seq.length }, (_, k) => k + 1))
      }
      await saver
      expect((await w).error).toBe('')
      // Snapshots are released: nothing of them is left in work/ nor visible in link counts.
      expect((await shOk(`ls ${storage}/work/layerdeck`)).split('\n').filter((n) => n.startsWith('snapshot-'))).toEqual([])
      expect(await shOk(`stat -c %h ${mnt}/var/log/app.log`)).toBe('1\n')
    })
  })

  it('a backup racing a live reset is the state before it or after it, never a mix', async () => {
    await onOverlay(async ({ root, mnt, storage }) => {
      await shOk(`cd ${mnt}/opt/app && for i in $(seq 1 400); do echo $i > conf/n$i; done && echo changed > conf/a`)
      const backup = shOk(`${LAYERDECK_BIN} backup --storage ${storage} --out ${root}/race.tar.gz`)
      const reset = shOk(`sleep 0.05; ${LAYERDECK_BIN} reset --storage ${storage} --yes`)
      await Promise.all([backup, reset])
      const names = (await shOk(`tar -tzf ${root}/race.tar.gz`)).split('\n').filter((n) => n.startsWith('opt/app/conf/n'))
      expect([0, 400]).toContain(names.length)
    })
  })

  it('a revert takes the folders it emptied along: no metadata change left behind', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      await shOk(`echo changed > ${mnt}/opt/app/conf/a`)
      await shOk(`${LAYERDECK_BIN} revert --storage ${storage} --yes /opt/app/conf/a`)
      expect(await shOk(`${LAYERDECK_BIN} status --storage ${storage}`)).toMatch(/^no changes/m)
      expect((await sh(`ls -A ${storage}/upper`)).stdout).toBe('')
    })
  })

  it('says what is known when the daemon dies before answering', async () => {
    await onOverlay(async ({ mnt, storage, mount }) => {
      await shOk(`echo changed > ${mnt}/etc/app.conf`)
      const pid = mount.child.pid as number
      process.kill(pid, 'SIGSTOP')
      const reset = call(storagePaths(storage), { op: 'reset' }).then(
        () => new Error('answered'),
        (err: unknown) => err as Error,
      )
      await sleep(500)
      process.kill(pid, 'SIGKILL')
      const err = await reset
      expect(err.message).toMatch(/^the daemon stopped before answering: the reset may or may not have happened.*layerdeck status --storage/)
    })
  })
})
