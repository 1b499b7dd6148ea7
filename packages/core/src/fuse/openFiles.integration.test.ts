/**
 * Open files and concurrency through a real mount: a file opened before another handle copies it
 * up keeps reading what the merged view holds; open files survive rename and unlink; concurrent
 * first writers and appenders to one base file lose no write.
 */
import { describe, expect, it } from 'vitest'
import { pyJson, shOk, withOverlay, type OverlayFixture } from '@layerdeck/testkit'

const BASE = `
printf 'base-version\\n' > conf
printf 'keep me\\n' > doomed
head -c 32768 /dev/zero | tr '\\0' b > blocks
seq 1 10 > log
`

const onOverlay = (fn: (f: OverlayFixture) => Promise<void>): Promise<void> => withOverlay(BASE, fn)

/** Python: run a shell command in another process (the copy-up happens outside this one). */
const OTHER = `
import subprocess
def other(cmd): subprocess.run(['sh', '-c', cmd], check=True)
`

describe('open files through the mount', () => {
  it('keeps a file opened before its copy-up reading the merged content', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `${OTHER}
out = {}
reader = os.open('conf', os.O_RDONLY)
out['before'] = os.pread(reader, 100, 0).decode()
other("printf 'new-version!\\\\n' > conf")
out['afterRewrite'] = os.pread(reader, 100, 0).decode()
other("printf 'tail\\\\n' >> conf")
out['afterAppend'] = os.pread(reader, 100, 0).decode()
os.close(reader)
reader = os.open('log', os.O_RDONLY)
first = os.read(reader, 2).decode()
other('chmod 600 log')
out['afterChmod'] = first + os.read(reader, 100).decode()
os.close(reader)
out['conf'] = slurp('conf')
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        before: 'base-version\n',
        afterRewrite: 'new-version!\n',
        afterAppend: 'new-version!\ntail\n',
        afterChmod: '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n',
        conf: 'new-version!\ntail\n',
      })
    })
  })

  it('keeps open files readable and writable across rename and unlink, leaving nothing behind', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `${OTHER}
out = {}
fd = os.open('conf', os.O_RDWR)
other('mv conf conf.moved')
os.pwrite(fd, b'BASE', 0)
out['renamed'] = slurp('conf.moved')
os.close(fd)
fd = os.open('doomed', os.O_RDONLY)
other('rm doomed')
out['gone'] = os.path.exists('doomed')
out['stillReads'] = os.pread(fd, 100, 0).decode()
os.close(fd)
put('scratch', 'temp data')
fd = os.open('scratch', os.O_RDWR)
other('rm scratch')
os.pwrite(fd, b'TEMP', 0)
out['unlinkedNew'] = os.pread(fd, 100, 0).decode()
os.close(fd)
# libfuse 2 keeps an unlinked open file as .fuse_hidden* until its release, which the kernel
# sends just after close(): wait for it.
import time
for _ in range(50):
    out['listing'] = sorted(os.listdir('.'))
    if not any(n.startswith('.fuse_hidden') for n in out['listing']): break
    time.sleep(0.1)
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        renamed: 'BASE-version\n',
        gone: false,
        stillReads: 'keep me\n',
        unlinkedNew: 'TEMP data',
        listing: ['blocks', 'conf.moved', 'log'],
      })
      // Only the renamed copy and the whiteouts are left in storage (no hidden leftovers).
      const upper = await shOk(
        `cd ${storage}/upper && find . -mindepth 1 -printf '%p %y\\n' | sort`,
      )
      expect(upper).toBe('./conf c\n./conf.moved f\n./doomed c\n')
    })
  })

  it('loses no write from concurrent first writers to one base file', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
import subprocess, time
start = time.time() + 0.5
writer = '''
import os, sys, time
i, start = int(sys.argv[1]), float(sys.argv[2])
time.sleep(max(0, start - time.time()))
fd = os.open('blocks', os.O_WRONLY)
os.pwrite(fd, bytes([65 + i]) * 4096, i * 4096)
os.close(fd)
'''
procs = [subprocess.Popen(['/usr/bin/python3', '-c', writer, str(i), str(start)]) for i in range(8)]
codes = [p.wait(timeout=30) for p in procs]
data = slurp('blocks')
print(json.dumps({'codes': codes, 'size': len(data), 'blocks': [data[i * 4096:(i + 1) * 4096] == chr(65 + i) * 4096 for i in range(8)]}))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ codes: Array(8).fill(0), size: 32768, blocks: Array(8).fill(true) })
    })
  })

  it('loses no line from concurrent appenders to one base file', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
import subprocess, time
start = time.time() + 0.5
appender = '''
import os, sys, time
i, start = int(sys.argv[1]), float(sys.argv[2])
time.sleep(max(0, start - time.time()))
fd = os.open('log', os.O_WRONLY | os.O_APPEND)
for n in range(200): os.write(fd, ('writer-%d line-%03d\\\\n' % (i, n)).encode())
os.close(fd)
'''
procs = [subprocess.Popen(['/usr/bin/python3', '-c', appender, str(i), str(start)]) for i in range(6)]
codes = [p.wait(timeout=60) for p in procs]
lines = slurp('log').splitlines()
expected = [str(n) for n in range(1, 11)] + ['writer-%d line-%03d' % (i, n) for i in range(6) for n in range(200)]
print(json.dumps({'codes': codes, 'count': len(lines), 'same': sorted(lines) == sorted(expected), 'head': lines[:10] == expected[:10]}))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ codes: Array(6).fill(0), count: 1210, same: true, head: true })
    })
  })
})
