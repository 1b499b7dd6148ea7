/**
 * status, diff and usage through the real CLI: on a storage a layerdeck mount serves (the base
 * comes from the daemon), on the same storage unmounted, and read-only on a storage the kernel
 * mounted; `status --watch` over the control socket; bad input.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, sh, shOk, startMount, tempDir, type MountProcess } from '@layerdeck/testkit'

const cli = (args: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  sh(`${LAYERDECK_BIN} ${args}`)
const json = async (args: string): Promise<Record<string, unknown>> =>
  JSON.parse(await shOk(`${LAYERDECK_BIN} ${args} --json`)) as Record<string, unknown>
const states = (out: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    (out.changes as Array<{ path: string; state: string }>).map((c) => [c.path, c.state]),
  )

const EXPECTED = {
  '/etc/hosts': 'modified',
  '/etc/shadow': 'metadata',
  '/etc/group': 'unchanged',
  '/etc/motd': 'deleted',
  '/etc/new.conf': 'added',
  '/var/lib': 'opaque',
  '/var/lib/fresh': 'added',
}

describe('status, diff, usage', () => {
  const tmp = tempDir()
  const base = `${tmp.path}/base`
  const storage = `${tmp.path}/storage`
  const mnt = `${tmp.path}/mnt`
  let mount: MountProcess | undefined

  beforeAll(async () => {
    for (const d of [base, storage, mnt]) mkdirSync(d)
    await shOk(
      `cd ${base} && mkdir -p etc var/lib && printf 'a\\nb\\n' > etc/hosts && echo root > etc/shadow && chmod 600 etc/shadow && echo g > etc/group && echo hi > etc/motd && echo x > var/lib/old && head -c 4096 /dev/urandom > etc/blob`,
    )
    mount = await startMount({ base, storage, mountpoint: mnt })
    await shOk(
      `cd ${mnt} && printf 'a\\nB\\n' > etc/hosts && chmod 640 etc/shadow && chmod 644 etc/group && rm etc/motd && echo n > etc/new.conf && rm -r var/lib && mkdir var/lib && echo f > var/lib/fresh`,
    )
  })
  afterAll(async () => {
    await mount?.stop()
    tmp.cleanup()
  })

  it('lists every kind of change through the daemon, without --base', async () => {
    const out = await json(`status --storage ${storage}`)
    expect(out.mounted).toBe('daemon')
    expect(out.base).toBe(base)
    expect(states(out)).toEqual(EXPECTED)
  })

  it('diffs text, metadata and directories; paths may be given under the mount point', async () => {
    const text = await shOk(`${LAYERDECK_BIN} diff --storage ${storage} ${mnt}/etc/hosts`)
    expect(text).toBe('--- base/etc/hosts\n+++ current/etc/hosts\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n')
    expect(await shOk(`${LAYERDECK_BIN} diff --storage ${storage} /etc/shadow`)).toBe(
      '/etc/shadow: mode 0600 -> 0640\n',
    )
    const dir = (await json(`diff --storage ${storage} /etc`)).diffs as Array<{ path: string }>
    expect(dir.map((d) => d.path)).toEqual([
      '/etc/group',
      '/etc/hosts',
      '/etc/motd',
      '/etc/new.conf',
      '/etc/shadow',
    ])
  })

  it('gives binary diffs as sizes and hashes', async () => {
    await shOk(`printf 'x' >> ${mnt}/etc/blob`)
    const out = await shOk(`${LAYERDECK_BIN} diff --storage ${storage} /etc/blob`)
    expect(out).toMatch(
      /^Binary \/etc\/blob \(modified\): base 4096 bytes sha256:[0-9a-f]{64}, current 4097 bytes sha256:[0-9a-f]{64}\n/,
    )
    await shOk(`${LAYERDECK_BIN} revert --storage ${storage} /etc/blob --yes`)
  })

  it('reports usage numbers', async () => {
    const u = await json(`usage --storage ${storage}`)
    expect(u.changes).toEqual({
      added: 2,
      modified: 1,
      metadata: 1,
      deleted: 1,
      opaque: 1,
      unchanged: 1,
    })
    expect((u.byFolder as Array<{ folder: string }>).map((f) => f.folder).sort()).toEqual([
      '/etc',
      '/var',
    ])
    expect(u.held).toBeGreaterThan(0)
    const fit = await json(`usage --storage ${storage} --fits /etc/motd`).catch(() => undefined)
    expect(fit).toBeUndefined() // deleted: nothing to fit
    expect(await json(`usage --storage ${storage} --fits ${mnt}/var/lib/fresh`)).toMatchObject({
      fits: true,
      inStorage: true,
    })
  })

  it('streams live change events with --watch', async () => {
    const watcher = sh(`timeout 4 ${LAYERDECK_BIN} status --storage ${storage} --watch --json`)
    await new Promise((r) => setTimeout(r, 2000))
    await shOk(`echo w > ${mnt}/watched && chmod 600 ${mnt}/watched`)
    const lines = (await watcher).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; path: string })
    expect(lines.map((e) => `${e.kind} ${e.path}`)).toEqual(
      expect.arrayContaining(['create /watched', 'metadata /watched']),
    )
    await shOk(`rm ${mnt}/watched`)
  })

  it('names the writer of each change in --watch text: command, pid, uid', async () => {
    const watcher = sh(`timeout 4 ${LAYERDECK_BIN} status --storage ${storage} --watch`)
    await new Promise((r) => setTimeout(r, 2000))
    await shOk(`echo 'by python' | python3 -c "import sys; open('${mnt}/written', 'w').write(sys.stdin.read())"`)
    const out = (await watcher).stdout
    expect(out).toMatch(/ create +\/written {2}by python3 \(pid \d+, uid 0\)$/m)
    await shOk(`rm ${mnt}/written`)
  })

  it('works the same on the unmounted storage, and refuses bad input', async () => {
    await mount?.stop()
    mount = undefined
    expect((await cli(`status --storage ${storage} --watch`)).stderr).toMatch(
      /--watch needs a live layerdeck mount/,
    )
    const out = await json(`status --storage ${storage}`)
    expect(out.mounted).toBe('offline')
    expect(states(out)).toEqual(EXPECTED)
    expect((await cli(`status --storage ${base}`)).stderr).toMatch(/not an overlayfs storage/)
    expect((await cli(`status --storage ${tmp.path}/nope`)).stderr).toMatch(
      /ENOENT: storage directory does not exist/,
    )
    expect((await cli(`diff --storage ${storage} /etc/../etc/hosts`)).stderr).toMatch(
      /must not contain '\.\.'/,
    )
    expect((await cli(`diff --storage ${storage} /etc/missing`)).stderr).toMatch(/ENOENT/)
  })

  it('reads a storage the kernel mounted (base from the mount), read-only', async () => {
    const kmnt = `${tmp.path}/kmnt`
    mkdirSync(kmnt)
    await shOk(
      `mount -t overlay overlay -o lowerdir=${base},upperdir=${storage}/upper,workdir=${storage}/work ${kmnt}`,
    )
    try {
      const out = await json(`status --storage ${storage}`)
      expect(out.mounted).toBe('kernel')
      expect(states(out)).toEqual(EXPECTED)
    } finally {
      await shOk(`umount ${kmnt}`)
    }
  })
})
