import { Link } from 'wouter'
import type { AgentEvent, ChangeEvent } from '@layerdeck/api'
import { feed } from '../../shared/events.ts'
import { formatTime } from '../../shared/format.ts'
import { filesHref } from '../../shared/location.ts'
import { displayName, parentOf } from '../../shared/paths.ts'
import { useStore } from '../../shared/store.ts'
import s from './overview.module.css'

const VERB: Record<ChangeEvent['change'], string> = {
  create: 'created',
  modify: 'modified',
  delete: 'deleted',
  rename: 'renamed',
  metadata: 'changed the metadata of',
  mkdir: 'created the folder',
}

/** "vi (pid 812) modified /etc/hosts" for a change; the action for the rest. */
export function describe(event: AgentEvent): { who: string; what: string; path: string | null } {
  switch (event.kind) {
    case 'change': {
      const w = event.data.writer
      const who = w
        ? `${w.command ?? 'a process'} (pid ${w.pid}${w.uid === 0 ? ', root' : `, uid ${w.uid}`})`
        : 'Something on the device'
      const what =
        event.data.change === 'rename' && event.data.to
          ? `renamed ${displayName(event.data.path)} to`
          : VERB[event.data.change]
      return {
        who,
        what,
        path: event.data.change === 'rename' && event.data.to ? event.data.to : event.data.path,
      }
    }
    case 'revert':
      return { who: 'The dashboard or CLI', what: 'reverted', path: event.data.path }
    case 'reset':
      return { who: 'The dashboard or CLI', what: 'ran a factory reset', path: null }
    case 'undo':
      return { who: 'The dashboard or CLI', what: 'undid the last reset or restore', path: null }
    case 'purge':
      return { who: 'The dashboard or CLI', what: 'purged the undo state', path: null }
    case 'restore':
      return { who: 'The dashboard or CLI', what: 'restored a backup', path: null }
    case 'usage':
      return {
        who: 'Storage',
        what: `is at ${Math.round(event.data.usedPercent)} % (${event.data.level})`,
        path: null,
      }
    case 'mount':
      return {
        who: 'The mount',
        what: event.data.mounted ? 'is back' : `went away (${event.data.state})`,
        path: null,
      }
    case 'resync':
      return { who: 'The agent', what: 'restarted; the page reloaded its data', path: null }
  }
}

/** Consecutive events of one writer on one path of one kind are one line ("×3"): an editor saves in bursts. */
export function coalesce(events: AgentEvent[]): { event: AgentEvent; count: number }[] {
  const out: { event: AgentEvent; count: number }[] = []
  for (const event of events) {
    const last = out[out.length - 1]
    const same =
      last &&
      last.event.kind === event.kind &&
      last.event.data.path === event.data.path &&
      (event.kind !== 'change' ||
        (last.event.kind === 'change' &&
          last.event.data.change === event.data.change &&
          last.event.data.writer?.pid === event.data.writer?.pid))
    if (same) last.count++
    else out.push({ event, count: 1 })
  }
  return out
}

export function LiveFeed() {
  const events = coalesce(useStore(feed))
  if (events.length === 0)
    return (
      <p className={s.muted}>
        Nothing changed since you opened this page. Changes made on the device (over SSH, by a
        service) appear here as they happen.
      </p>
    )
  return (
    <ol className={s.feedList} aria-live="polite">
      {events.map(({ event, count }, i) => {
        const d = describe(event)
        const isDir = event.kind === 'change' && event.data.change === 'mkdir'
        return (
          <li key={`${event.id}:${i}`}>
            <span className={s.feedWho}>{d.who}</span> {d.what}{' '}
            {d.path ? (
              <Link
                href={
                  isDir
                    ? filesHref({ dir: d.path })
                    : filesHref({ dir: parentOf(d.path), file: d.path })
                }
              >
                <code>{displayName(d.path)}</code>
              </Link>
            ) : null}
            {count > 1 ? <span className={s.muted}> ×{count}</span> : null}
            <time className={s.muted} dateTime={new Date(event.data.time).toISOString()}>
              , {formatTime(event.data.time)}
            </time>
          </li>
        )
      })}
    </ol>
  )
}
