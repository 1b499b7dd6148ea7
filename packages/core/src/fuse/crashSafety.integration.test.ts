/**
 * Crash safety: the daemon is SIGKILLed while it copies a 512 MiB base file up. After a remount
 * the file is either the untouched base version or the complete new one, never a partial file,
 * and the stale staging file is removed (the CLI says so). The base is never written.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sh, shOk, startMount, tempDir, type MountProcess } from '@layerdeck/testkit'

const SIZE = 512 << 20
const HEAD = 1 << 20

interface Dirs {
  base: string
  storage: string
  mnt: string
}

/**
 * Proof that the base was not written, cheaper than hashing 512 MiB twice: any write or
 * metadata change moves ctime, which no program can set back.
 */
const fingerprint = (dir: string): Promise<string> =>
  shOk(`cd ${dir} && find . -printf '%p %y %m %U %G %s %i %T@ %C@\\n' | LC_ALL=C sort`)

const stages = (storage: string): string[] =>
  readdirSync(`${storage}/work/layerdeck`).filter((n) => n.startsWith('stage-'))

/** Resolves once a staging file exists (the copy-up has started), polling every 5 ms. */
async function copyUpStarted(storage: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (stages(storage).length === 0) {
    if (Date.now() > until) throw new Error('no copy-up started')
    await new Promise((r) => setTimeout(r, 5))
  }
}

type Change = 'rewrite' | 'append'

/** How the merged file compares: 'base', 'new' (the complete change) or what is wrong. */
async function verdict(d: Dirs, change: Change, text: string): Promise<string> {
  const big = `${d.mnt}/big`
  const size = Number((await shOk(`stat -c %s ${big}`)).trim())
  const same = async (cmp: string): Promise<boolean> => (await sh(cmp)).code === 0
  if (size === SIZE && (await same(`cmp -s ${d.base}/big ${big}`))) return 'base'
  if (change === 'rewrite' && size === SIZE) {
    const head = await shOk(`head -c ${text.length} ${big}`)
    if (head === text && (await same(`cmp -s -i ${text.length} ${d.base}/big ${big}`))) return 'new'
  }
  if (change === 'append' && size === SIZE + text.length) {
    const tail = await shOk(`tail -c ${text.length} ${big}`)
    if (tail === text && (await same(`cmp -s -n ${SIZE} ${d.base}/big ${big}`))) return 'new'
  }
  return `partial file (size ${size})`
}

/** Kills the daemon mid copy-up caused by `writer`, remounts, returns the verdict and output. */
async function crashDuringCopyUp(
  change: Change,
  text: string,
  writerScript: (d: Dirs) => string,
  delayMs: number,
): Promise<{ verdict: string; staleAtCrash: number; remountOutput: string; staleAfter: number }> {
  const tmp = tempDir()
  const d: Dirs = {
    base: `${tmp.path}/base`,
    storage: `${tmp.path}/storage`,
    mnt: `${tmp.path}/mnt`,
  }
  let mount: MountProcess | undefined
  let writer: ChildProcess | undefined
  try {
    for (const dir of [d.base, d.storage, d.mnt]) mkdirSync(dir)
    await shOk(`yes 0123456789abcdef | head -c ${SIZE} > ${d.base}/big`)
    const baseBefore = await fingerprint(d.base)
    mount = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
    writer = spawn('bash', ['-c', writerScript(d)], { stdio: 'ignore' })
    const writerDone = new Promise((r) => writer?.on('exit', r))
    await copyUpStarted(d.storage)
    await new Promise((r) => setTimeout(r, delayMs))
    await mount.kill()
    const staleAtCrash = stages(d.storage).length
    await writerDone
    mount = await startMount({ base: d.base, storage: d.storage, mountpoint: d.mnt })
    const result = {
      verdict: await verdict(d, change, text),
      staleAtCrash,
      remountOutput: mount.output(),
      staleAfter: stages(d.storage).length,
    }
    expect(await fingerprint(d.base)).toBe(baseBefore)
    return result
  } finally {
    writer?.kill('SIGKILL')
    try {
      await mount?.stop()
    } finally {
      tmp.cleanup()
    }
  }
}

describe('crash safety', () => {
  it('leaves the base version or the complete rewrite after a SIGKILL mid copy-up (dd conv=notrunc)', async () => {
    const r = await crashDuringCopyUp(
      'rewrite',
      'N'.repeat(HEAD),
      (d) =>
        `head -c ${HEAD} /dev/zero | tr '\\0' N | dd of=${d.mnt}/big conv=notrunc bs=1M status=none`,
      100,
    )
    expect(r.verdict).toMatch(/^(base|new)$/)
    expect(r.staleAtCrash).toBeGreaterThan(0)
    expect(r.remountOutput).toContain(`removed ${r.staleAtCrash} unfinished copy-up(s)`)
    expect(r.staleAfter).toBe(0)
  })

  it('leaves the base version or the complete append after a SIGKILL mid copy-up (>>)', async () => {
    const r = await crashDuringCopyUp(
      'append',
      'appended-line\n',
      (d) => `printf 'appended-line\\n' >> ${d.mnt}/big`,
      250,
    )
    expect(r.verdict).toMatch(/^(base|new)$/)
    expect(r.staleAtCrash).toBeGreaterThan(0)
    expect(r.remountOutput).toContain(`removed ${r.staleAtCrash} unfinished copy-up(s)`)
    expect(r.staleAfter).toBe(0)
  })

  it('removes stale staging files at the next mount and leaves finished changes alone', async () => {
    const tmp = tempDir()
    const base = `${tmp.path}/base`
    const storage = `${tmp.path}/storage`
    const mnt = `${tmp.path}/mnt`
    let mount: MountProcess | undefined
    try {
      for (const dir of [base, storage, mnt]) mkdirSync(dir)
      await shOk(`echo base > ${base}/f && echo other > ${base}/g`)
      mount = await startMount({ base, storage, mountpoint: mnt })
      await shOk(`echo changed > ${mnt}/f`)
      await mount.kill()
      // What a crash leaves: a half-written file and a half-built directory in work/layerdeck.
      await shOk(
        `cd ${storage}/work/layerdeck && head -c 1000 /dev/zero > stage-1-1 && mkdir -p stage-1-2/a && touch stage-1-2/a/b`,
      )
      mount = await startMount({ base, storage, mountpoint: mnt })
      expect(mount.output()).toContain('removed 2 unfinished copy-up(s)')
      expect(stages(storage)).toEqual([])
      expect(await shOk(`cat ${mnt}/f ${mnt}/g`)).toBe('changed\nother\n')
    } finally {
      try {
        await mount?.stop()
      } finally {
        tmp.cleanup()
      }
    }
  })
})
