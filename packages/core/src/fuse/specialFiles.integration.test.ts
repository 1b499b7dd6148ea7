/**
 * Special files through a real mount, as on the base filesystem: Unix sockets that programs bind
 * and connect to, base socket nodes copied up, device nodes, and set-user-ID programs.
 */
import { describe, expect, it } from 'vitest'
import { pyJson, shOk, withOverlay, type OverlayFixture } from '@layerdeck/testkit'

const NOBODY = 65534

const BASE = `
mkdir -p run && chmod 1777 run
/usr/bin/python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('base.sock')"
cp /usr/bin/id suid-id && chmod 4755 suid-id
mknod zero c 1 5
`

const onOverlay = (fn: (f: OverlayFixture) => Promise<void>): Promise<void> => withOverlay(BASE, fn, { reachableByAll: true })

/** Python: a server bound at `path` in this process, a client in another, one round trip. */
const ROUND_TRIP = `
import socket, stat, subprocess
def round_trip(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    client = subprocess.Popen(['/usr/bin/python3', '-c',
        'import socket, sys; c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); c.sendall(b"ping"); print(c.recv(4).decode())',
        path], stdout=subprocess.PIPE)
    conn, _ = server.accept()
    got = conn.recv(4).decode()
    conn.sendall(b'pong')
    answer = client.communicate(timeout=10)[0].decode().strip()
    conn.close(); server.close()
    return [got, answer, stat.S_ISSOCK(os.lstat(path).st_mode)]
`

describe('special files through the mount', () => {
  it('binds, connects to and removes Unix sockets, also as a non-root user', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const root = await pyJson(
        `${ROUND_TRIP}
out = {}
out['first'] = round_trip('run/app.sock')
out['inUse'] = attempt(lambda: socket.socket(socket.AF_UNIX).bind('run/app.sock'))
out['unlink'] = attempt(os.unlink, 'run/app.sock')
out['again'] = round_trip('run/app.sock')
out['overBase'] = attempt(lambda: socket.socket(socket.AF_UNIX).bind('base.sock'))
os.unlink('base.sock')
out['overWhiteout'] = round_trip('base.sock')
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(root).toEqual({
        first: ['ping', 'pong', true],
        inUse: 'EADDRINUSE',
        unlink: 'ok',
        again: ['ping', 'pong', true],
        overBase: 'EADDRINUSE',
        overWhiteout: ['ping', 'pong', true],
      })
      const nobody = await pyJson(
        `${ROUND_TRIP}
print(json.dumps({'trip': round_trip('run/user.sock'), 'owner': os.lstat('run/user.sock').st_uid}))
`,
        { cwd: mnt, user: NOBODY },
      )
      expect(nobody).toEqual({ trip: ['ping', 'pong', true], owner: NOBODY })
      expect(await shOk(`stat -c '%F %u' ${storage}/upper/run/user.sock`)).toBe(
        `socket ${NOBODY}\n`,
      )
    })
  })

  it('copies a base socket node up as a socket', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      await shOk(`chmod 600 ${mnt}/base.sock`)
      expect(await shOk(`stat -c '%F %a' ${mnt}/base.sock ${storage}/upper/base.sock`)).toBe(
        'socket 600\nsocket 600\n',
      )
    })
  })

  it('serves device nodes from the base and new ones', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
out['baseNode'] = attempt(lambda: len(open('zero', 'rb').read(16)))
out['mknod'] = attempt(os.mknod, 'null', 0o666 | 0o020000, os.makedev(1, 3))
out['rdev'] = [os.major(os.stat('null').st_rdev), os.minor(os.stat('null').st_rdev)]
out['write'] = attempt(put, 'null', 'discarded')
out['read'] = attempt(slurp, 'null')
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ baseNode: 16, mknod: 'ok', rdev: [1, 3], write: 'ok', read: '' })
    })
  })

  it('runs set-user-ID programs with their owner as effective user', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
import subprocess
print(json.dumps(subprocess.run(['./suid-id', '-u'], capture_output=True).stdout.decode().strip()))
`,
        { cwd: mnt, user: NOBODY },
      )
      expect(r).toBe('0')
    })
  })
})
