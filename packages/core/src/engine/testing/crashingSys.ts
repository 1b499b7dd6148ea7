/** Test support: a real Sys that "crashes" (throws from then on) at a chosen call. */
import { createNodeSys } from '../../sys/nodeSys.ts'
import type { Sys } from '../sys.ts'

/**
 * Every call goes to the real disk until `trigger(name, args)` returns true: that call runs (or,
 * with `before`, is refused), and every later call but lstat throws, as if the process died.
 */
export function crashingSys(trigger: (name: keyof Sys, args: unknown[]) => boolean, before = false): Sys {
  const real = createNodeSys()
  let crashed = false
  return new Proxy(real, {
    get(target, name: keyof Sys) {
      return (...args: unknown[]) => {
        const fn = Reflect.get(target, name) as (...args: unknown[]) => unknown
        if (crashed && name !== 'lstat') throw new Error(`crash before ${name}`)
        if (trigger(name, args)) {
          crashed = true
          if (before) throw new Error(`crash before ${name}`)
        }
        return fn.apply(target, args)
      }
    },
  })
}
