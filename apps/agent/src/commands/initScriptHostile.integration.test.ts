/**
 * overlay_init against hostile or careless kernel command lines, booted as PID 1 (as in
 * initScript.integration.test.ts) under both shells a device may have as /bin/sh: busybox ash and
 * dash. layerdeck.wait is decimal and capped (08 used to be an arithmetic error: PID 1 exited),
 * layerdeck.tmpfs=0 and non-sizes are refused, a crafted layerdeck.storage= cannot forge the
 * state boot-status reads, and the storage, its /overlay view and /run/layerdeck are root's alone.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, hashTree, sh, shOk, tempDir } from '@layerdeck/testkit'
import { bootInNamespace, type BootResult } from '../boot/testing/bootNamespace.ts'
import { buildBusyboxRootfs, LAYERDECK_DIR } from '../boot/testing/busyboxRootfs.ts'

/**
 * The "real init": where it runs, what modes guard the storage, whether nobody gets in, the state.
 * Static busybox runs it: on the overlay the host's libraries dash needs are not bound.
 */
const TEST_INIT = `#!/bin/busybox sh
echo "test-init: root $(awk '$5 == "/" { print $(NF - 2) }' /proc/self/mountinfo | tail -n 1)"
stat -c 'test-init: mode %a %n' /run/layerdeck /run/layerdeck/storage /overlay 2> /dev/null
if su -s /bin/sh nobody -c 'ls /overlay/upper' > /dev/null 2>&1; then echo 'test-init: nobody reaches /overlay'; fi
echo "test-init: state $(base64 /run/layerdeck/state | tr -d '\\n')"
`
const SHELLS = ['busybox', 'dash'] as const

let dir: ReturnType<typeof tempDir>
const rootfs: Record<string, string> = {}
const baseHash: Record<string, string> = {}

function generate(out: string): Promise<void> {
  const args = ['init-script', '--out', out, '--layerdeck', `${LAYERDECK_DIR}/bin/layerdeck`, '--real-init', '/sbin/test-init', '--storage-fs', 'ext4']
  return new Promise((resolve, reject) => execFile(LAYERDECK_BIN, args, (err, _o, stderr) => (err === null ? resolve() : reject(new Error(stderr)))))
}

beforeAll(async () => {
  dir = tempDir('layerdeck-boot-hostile-')
  for (const shell of SHELLS) {
    const root = join(dir.path, `rootfs-${shell}`)
    mkdirSync(root)
    const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n'
    buildBusyboxRootfs(root, { 'sbin/test-init': TEST_INIT, 'etc/passwd': passwd }, { shell })
    await generate(join(root, 'sbin/overlay_init'))
    rootfs[shell] = root
    baseHash[shell] = await hashTree(root)
  }
})
afterAll(() => dir.cleanup())

/** The state file test-init printed (base64 keeps its bytes exact). */
function stateOf(boot: BootResult): string {
  const b64 = /^test-init: state (\S*)$/m.exec(boot.console)?.[1]
  if (b64 === undefined) throw new Error(`no state on the console:\n${boot.console}`)
  return Buffer.from(b64, 'base64').toString('utf8')
}

/** Boots with an ext4 storage image that appears in /srv/storage.img after `afterMs`. */
async function bootWithLateDevice(shell: string, cmdline: string, afterMs: number): Promise<BootResult> {
  const shared = join(dir.path, `shared-${shell}-${Date.now()}`)
  mkdirSync(shared)
  await shOk(`truncate -s 32M ${shared}/prepared.img && mkfs.ext4 -q -F ${shared}/prepared.img`)
  const booting = bootInNamespace(rootfs[shell] as string, `layerdeck.storage=/srv/storage.img ${cmdline}`, 40_000, shared)
  await new Promise((r) => setTimeout(r, afterMs))
  await shOk(`mv ${shared}/prepared.img ${shared}/storage.img`)
  return booting
}

describe.each(SHELLS)('overlay_init under %s', (shell) => {
  it('layerdeck.wait=08 is 8 decimal seconds: init waits for the device and boots on it', async () => {
    const boot = await bootWithLateDevice(shell, 'layerdeck.wait=08', 2500)
    expect(boot.console).not.toMatch(/arithmetic|bad number|Illegal number/i)
    expect(boot.console).toContain('test-init: root fuse.layerdeck\n')
    expect(stateOf(boot)).toMatch(/^state=running\n/)
    // An ext4 root is 0755 by mkfs: the script makes the storage (and /overlay) root's alone.
    expect(boot.console).toContain('test-init: mode 700 /run/layerdeck\n')
    expect(boot.console).toContain('test-init: mode 700 /overlay\n')
    expect(boot.console).not.toContain('nobody reaches /overlay')
    expect(await hashTree(rootfs[shell] as string)).toBe(baseHash[shell])
  })

  it('twenty digits are capped at 300 s (said on the console), not a disabled wait', async () => {
    const boot = await bootWithLateDevice(shell, `layerdeck.wait=${'9'.repeat(20)}`, 2500)
    expect(boot.console).toContain(`layerdeck: layerdeck.wait=${'9'.repeat(20)} is more than 300 seconds: waiting 300s\n`)
    expect(boot.console).toContain('test-init: root fuse.layerdeck\n')
  })

  it.each(['0', '010', '64Q', 'k'])('layerdeck.tmpfs=%s is refused; the plain system boots', async (size) => {
    const boot = await bootInNamespace(rootfs[shell] as string, `layerdeck.tmpfs=${size}`)
    expect(boot.console).toContain(`layerdeck: layerdeck.tmpfs=${size} is not a size: use e.g. layerdeck.tmpfs=64M\n`)
    expect(boot.console).toContain('test-init: root ext4\n')
    expect(stateOf(boot)).toMatch(/^state=fallback\nreason=bad-parameter\n/)
  })

  it('a tmpfs storage, /overlay and /run/layerdeck are root-only (mode 0700)', async () => {
    const boot = await bootInNamespace(rootfs[shell] as string, 'layerdeck.tmpfs=8M')
    expect(boot.console).toContain('test-init: root fuse.layerdeck\n')
    for (const p of ['/run/layerdeck', '/run/layerdeck/storage', '/overlay']) expect(boot.console).toContain(`test-init: mode 700 ${p}\n`)
    expect(boot.console).not.toContain('nobody reaches /overlay')
  })

  it('a crafted layerdeck.storage= cannot make boot-status say running', async () => {
    const forged = '/dev/layerdeck-none\\nstate=running\\nreason='
    const boot = await bootInNamespace(rootfs[shell] as string, `layerdeck.storage=${forged} layerdeck.wait=1`)
    const state = stateOf(boot)
    expect(state.split('\n').filter((l) => l.startsWith('state='))).toEqual(['state=fallback'])
    const file = join(dir.path, `forged-${shell}.state`)
    writeFileSync(file, state)
    const status = await sh(`${LAYERDECK_BIN} boot-status --state ${file}`)
    expect(status.code).toBe(2)
    expect(status.stdout.split('\n')[0]).toBe('state: fallback (storage-missing)')
  })
})
