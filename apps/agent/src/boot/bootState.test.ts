import { describe, expect, it } from 'vitest'
import { describeBootState, parseBootState } from './bootState.ts'

const FALLBACK = `state=fallback
reason=storage-corrupt
message=the storage /dev/mmcblk0p3 is damaged: a=b stays whole
storage_kind=device
storage=/dev/mmcblk0p3
storage_free_kb=
base=/
root=/mnt
daemon_pid=
uptime=3.20
`

describe('boot state', () => {
  it('reads what the init script writes', () => {
    expect(parseBootState(FALLBACK)).toEqual({
      state: 'fallback',
      reason: 'storage-corrupt',
      message: 'the storage /dev/mmcblk0p3 is damaged: a=b stays whole',
      storageKind: 'device',
      storage: '/dev/mmcblk0p3',
      storageFreeKb: null,
      base: '/',
      root: '/mnt',
      daemonPid: null,
      uptime: '3.20',
    })
  })

  it('calls an unknown state unknown', () =>
    expect(parseBootState('state=weird\n').state).toBe('unknown'))

  it('describes a running overlay in a few lines', () => {
    const running = parseBootState(
      'state=running\nstorage_kind=tmpfs\nstorage=tmpfs of 64M\nstorage_free_kb=65000\nbase=/\nroot=/mnt\ndaemon_pid=42\n',
    )
    expect(describeBootState(running)).toBe(
      'state: running\nstorage: tmpfs of 64M (tmpfs), 65000 KiB free\noverlay: / + storage, served by pid 42 at /mnt\n',
    )
  })

  it.each([
    ['a second state line', `${FALLBACK}state=running\n`, /state is written twice/],
    ['a line that is no key=value', 'state=fallback\nrunning\n', /line 2 is not one the init script writes/],
    ['an unknown key', 'state=running\nsecret=1\n', /line 2/],
  ])('trusts nothing in a file with %s', (_name, text, problem) => {
    const s = parseBootState(text)
    expect(s).toMatchObject({ state: 'unknown', reason: 'corrupt-state', daemonPid: null })
    expect(s.message).toMatch(problem)
  })

  it('shows a value with control characters escaped, on one line', () => {
    const text = FALLBACK.replace('storage=/dev/mmcblk0p3', 'storage=/dev/x\x1b[2K\\nstate: running')
    const shown = describeBootState(parseBootState(text))
    expect(shown).toContain('storage: /dev/x\\x1b[2K\\\\nstate: running (device)')
    expect(shown.split('\n')[0]).toBe('state: fallback (storage-corrupt)')
  })
})
