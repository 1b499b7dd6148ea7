/** `layerdeck status --watch`: the live change events of a mount, over its control socket. */
import { locateStorage, openControl, watch, type ControlEvent } from '@layerdeck/core'
import { showPath } from './display.ts'
import { print, type StorageFlags } from './statusCli.ts'

export async function runWatch(flags: StorageFlags): Promise<void> {
  const target = await locateStorage(flags.storage, flags.base)
  const socket = target.mode === 'daemon' ? await openControl(target.paths) : undefined
  if (socket === undefined) {
    throw new Error(
      `--watch needs a live layerdeck mount of ${target.paths.root}: ${target.mode === 'kernel' ? 'the kernel mounted it, and the kernel sends no change events' : 'it is not mounted'}`,
    )
  }
  const stream = watch(socket, (event) =>
    print(flags.json === true ? JSON.stringify(event) : formatEvent(event)),
  )
  const stop = (): void => stream.stop()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  if (flags.json !== true)
    process.stderr.write(
      `layerdeck: watching ${showPath(target.mountpoint ?? target.paths.root)} (Ctrl-C to stop)\n`,
    )
  await stream.done
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
}

function formatEvent(e: ControlEvent): string {
  const time = new Date(e.time).toISOString()
  const to = 'to' in e && e.to !== undefined ? ` -> ${showPath(e.to)}` : ''
  // Who made it: "by vi (pid 812, uid 0)", from the process the FUSE request came from.
  const w = 'writer' in e ? e.writer : undefined
  const by = w === undefined ? '' : `  by ${showPath(w.command ?? '?')} (pid ${w.pid}, uid ${w.uid})`
  return `${time} ${showPath(e.kind).padEnd(9)}${showPath(e.path)}${to}${by}`
}
