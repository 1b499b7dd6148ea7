import { useQuery } from '@tanstack/react-query'
import { api } from '../../shared/api/endpoints.ts'
import { errorMessage } from '../../shared/api/http.ts'
import { formatBytes, formatMode, formatTime } from '../../shared/format.ts'
import { keys } from '../../shared/queryKeys.ts'
import { Notice } from '../../shared/ui/Notice.tsx'
import { BinaryFacts } from './Facts.tsx'
import s from './file.module.css'

/** A file's text (size-capped by the agent), or its size and hash when binary. */
export function Content({ path, side }: { path: string; side: 'base' | 'current' }) {
  const file = useQuery({
    queryKey: keys.file.side(path, side),
    queryFn: ({ signal }) => api.file(path, side, { signal }),
  })
  if (file.isPending)
    return (
      <div className={s.placeholder} role="status">
        Loading the content…
      </div>
    )
  if (file.isError)
    return (
      <Notice kind="error" title="Cannot read the content">
        {errorMessage(file.error)}
      </Notice>
    )
  const f = file.data
  const facts = `${formatBytes(f.size)} · ${formatMode(f.mode)} · uid ${f.uid} gid ${f.gid} · ${formatTime(f.mtime)}`
  return (
    <section aria-label={side === 'base' ? 'Factory content' : 'Content'}>
      <h3 className={s.subhead}>{side === 'base' ? 'Factory version' : 'Content'}</h3>
      <p className={s.meta}>{facts}</p>
      {f.binary || f.content === null ? (
        <BinaryFacts
          base={side === 'base' && f.sha256 ? { size: f.size, sha256: f.sha256 } : null}
          current={side === 'current' && f.sha256 ? { size: f.size, sha256: f.sha256 } : null}
        />
      ) : (
        <pre className={s.content} tabIndex={0}>
          {f.content}
        </pre>
      )}
      {f.truncated ? (
        <Notice
          kind="info"
          title={`Showing the first ${formatBytes(f.limit)} of ${formatBytes(f.size)}`}
        />
      ) : null}
    </section>
  )
}
