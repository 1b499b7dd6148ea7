/**
 * reset on a storage only the kernel has written (upper/ + work/work, no work/layerdeck, as
 * OpenWrt's /overlay is before LayerDeck ever ran): what --dry-run promises, the reset does; undo
 * brings every change back; nothing outside the storage is touched.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, hashTree, sh, shOk, tempDir } from '@layerdeck/testkit'

describe('reset on a storage the kernel wrote', () => {
  it('--dry-run, reset, undo and purge work without work/layerdeck', async () => {
    const tmp = tempDir()
    try {
      const T = tmp.path
      const [base, storage, kmnt] = [`${T}/base`, `${T}/storage`, `${T}/kmnt`]
      for (const d of [base, `${storage}/upper`, `${storage}/work`, kmnt]) mkdirSync(d, { recursive: true })
      await shOk(`cd ${base} && mkdir etc && echo base > etc/hosts && echo hi > etc/motd`)
      await shOk(`mount -t overlay overlay -o lowerdir=${base},upperdir=${storage}/upper,workdir=${storage}/work ${kmnt}`)
      try {
        await shOk(`cd ${kmnt} && echo changed > etc/hosts && rm etc/motd && echo new > etc/new.conf`)
      } finally {
        await shOk(`umount ${kmnt}`)
      }
      expect(existsSync(`${storage}/work/work`)).toBe(true)
      expect(existsSync(`${storage}/work/layerdeck`)).toBe(false)
      const baseBefore = await hashTree(base)
      const upperBefore = await hashTree(`${storage}/upper`)
      const run = (args: string): Promise<{ code: number; stdout: string; stderr: string }> =>
        sh(`${LAYERDECK_BIN} reset --storage ${storage} --base ${base} ${args}`)

      const dry = await run('--dry-run --json')
      expect(dry.code, dry.stderr).toBe(0)
      const goes = (JSON.parse(dry.stdout) as { goes: Array<{ path: string }> }).goes.map((c) => c.path)
      expect(goes).toEqual(['/etc/hosts', '/etc/motd', '/etc/new.conf'])
      expect(await hashTree(`${storage}/upper`)).toBe(upperBefore)

      const reset = await run('--yes')
      expect(reset.code, reset.stderr).toBe(0)
      expect(reset.stdout).toMatch(/reset done/)
      expect((await shOk(`ls -A ${storage}/upper`)).trim()).toBe('')
      const undo = await run('--undo --yes')
      expect(undo.code, undo.stderr).toBe(0)
      expect(await hashTree(`${storage}/upper`)).toBe(upperBefore)
      const purge = await run('--purge --yes')
      expect(purge.code, purge.stderr).toBe(0)
      expect(await hashTree(`${storage}/upper`)).toBe(upperBefore)
      expect(await hashTree(base)).toBe(baseBefore)
    } finally {
      tmp.cleanup()
    }
  })
})
