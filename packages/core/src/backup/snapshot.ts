/**
 * The storage a backup reads: when a layerdeck daemon serves it, a point-in-time snapshot the
 * daemon takes for this backup (released when it is done, or when this process goes away: the
 * daemon drops a client's snapshots when its connection closes); otherwise the storage itself
 * (unmounted, nothing changes it; mounted by the kernel, the backup checks every file).
 */
import { realpathSync } from 'node:fs'
import { openControl, request } from '../control/client.ts'
import { storagePaths } from '../engine/storageFormat.ts'

export async function withSnapshot<T>(storage: string, fn: (storage: string) => Promise<T>): Promise<T> {
  const paths = storagePaths(realpathSync(storage))
  const socket = await openControl(paths).catch(() => undefined)
  if (socket === undefined) return fn(storage)
  try {
    const snap = (await request(socket, { op: 'snapshot' })) as { snapshot: string; storage: string }
    try {
      return await fn(snap.storage)
    } finally {
      await request(socket, { op: 'release', snapshot: snap.snapshot }).catch(() => undefined)
    }
  } finally {
    socket.end()
  }
}
