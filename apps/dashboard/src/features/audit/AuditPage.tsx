import { useInfiniteQuery } from '@tanstack/react-query'
import type { AuditEntry } from '@layerdeck/api'
import { api } from '../../shared/api/endpoints.ts'
import { errorMessage } from '../../shared/api/http.ts'
import { formatTime } from '../../shared/format.ts'
import { displayName } from '../../shared/paths.ts'
import { keys } from '../../shared/queryKeys.ts'
import { Button } from '../../shared/ui/Button.tsx'
import { Notice } from '../../shared/ui/Notice.tsx'
import s from './audit.module.css'

/** Who did what, from where, when, on which paths, with what result; newest first. */
export function AuditPage() {
  const log = useInfiniteQuery({
    queryKey: keys.audit(),
    queryFn: ({ pageParam, signal }) => api.audit(pageParam, { signal }),
    initialPageParam: 0,
    getNextPageParam: (last) => last.next ?? undefined,
  })
  const entries = log.data?.pages.flatMap((p) => p.entries) ?? []
  return (
    <div className={s.page}>
      <h1>Audit log</h1>
      {log.isError ? (
        <Notice kind="error" title="Cannot read the audit log">
          {errorMessage(log.error)}
        </Notice>
      ) : null}
      {log.isPending ? <p role="status">Loading…</p> : null}
      {log.isSuccess && entries.length === 0 ? <p>Nothing recorded yet.</p> : null}
      {entries.length > 0 ? (
        <table className={s.table}>
          <caption className="visually-hidden">Audit log, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">From</th>
              <th scope="col">What</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <Row key={e.id} entry={e} />
            ))}
          </tbody>
        </table>
      ) : null}
      {log.hasNextPage ? (
        <Button onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? 'Loading…' : 'Older entries'}
        </Button>
      ) : null}
    </div>
  )
}

function Row({ entry: e }: { entry: AuditEntry }) {
  const paths = e.paths.map((p) => displayName(p)).join(', ')
  return (
    <tr data-result={e.result}>
      <td data-label="When">
        <span>
          <time dateTime={e.time}>{formatTime(Date.parse(e.time))}</time>
        </span>
      </td>
      <td data-label="Who">
        <span>
          {e.user ?? '(nobody)'}
          {e.role ? (
            <small>
              {' '}
              ({e.role}
              {e.via === 'token' ? ', token' : ''})
            </small>
          ) : null}
        </span>
      </td>
      <td data-label="From">
        <span>{e.address}</span>
      </td>
      <td data-label="What">
        <span>
          <strong>{e.action}</strong>
          {e.dryRun ? ' (dry run)' : ''} {paths ? <code className={s.paths}>{paths}</code> : null}
        </span>
      </td>
      <td data-label="Result">
        <span>
          <span className={s.result}>{e.result}</span>
          {e.result !== 'ok' ? (
            <span className={s.message}>
              {' '}
              {e.status} {e.problem ?? ''}
              {e.message ? `: ${e.message}` : ''}
            </span>
          ) : null}
        </span>
      </td>
    </tr>
  )
}
