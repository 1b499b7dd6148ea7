import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'wouter'
import type { Diff } from '@layerdeck/api'
import { api } from '../../shared/api/endpoints.ts'
import { errorMessage } from '../../shared/api/http.ts'
import { filesHref } from '../../shared/location.ts'
import { displayName } from '../../shared/paths.ts'
import { keys } from '../../shared/queryKeys.ts'
import { actionLabel, useAbilities } from '../../shared/queries.ts'
import { RevertDialog } from '../../shared/revert/RevertDialog.tsx'
import { Button } from '../../shared/ui/Button.tsx'
import { Notice } from '../../shared/ui/Notice.tsx'
import { StateBadge } from '../../shared/ui/StateBadge.tsx'
import { DiffView } from './DiffView.tsx'
import { lineCounts } from './diffModel.ts'
import { Content } from './Content.tsx'
import { Pending } from './Pending.tsx'
import { BinaryFacts, FieldChanges, FolderChanges } from './Facts.tsx'
import s from './file.module.css'

export interface FilePanelProps {
  path: string
  /** Where "back" goes on a phone (the folder or the changes list). */
  backHref: string
}

/** A path compared with the factory image: diff, metadata, content; revert with confirmation. */
export function FilePanel({ path, backHref }: FilePanelProps) {
  const diff = useQuery({
    queryKey: keys.diff.path(path),
    queryFn: ({ signal }) => api.diff(path, { signal }),
  })
  const { admin, mode, atNextBoot } = useAbilities()
  const [confirm, setConfirm] = useState(false)
  const d = diff.data
  const changed = d !== undefined && (d.state !== 'unchanged' || d.changes.length > 0)
  const canRevert = admin && mode !== 'unavailable' && changed
  const verb =
    d?.state === 'deleted' ? 'Restore' : d?.type === 'dir' ? 'Revert folder' : 'Revert to factory'
  return (
    <article className={s.panel} aria-labelledby="file-title">
      <header className={s.head}>
        <Link href={backHref} className={s.back}>
          ← Back
        </Link>
        <h2 id="file-title" className={s.title}>
          {displayName(path)}
        </h2>
        {d && (d.state !== 'unchanged' || !changed) ? <StateBadge state={d.state} /> : null}
        {canRevert ? (
          <Button variant="danger" onClick={() => setConfirm(true)}>
            {actionLabel(verb, atNextBoot)}
          </Button>
        ) : null}
      </header>
      {diff.isPending ? (
        <div className={s.placeholder} role="status">
          Loading…
        </div>
      ) : null}
      {diff.isError ? (
        <Notice kind="error" title={`Cannot show ${displayName(path)}`}>
          {errorMessage(diff.error)}
        </Notice>
      ) : null}
      {d ? <DiffBody diff={d} /> : null}
      {/* Stays while open: the revert makes the file unchanged, and the dialog still says how it went. */}
      {d && (canRevert || confirm) ? (
        <RevertDialog
          open={confirm}
          onClose={() => setConfirm(false)}
          paths={[path]}
          verb={d.state === 'deleted' ? 'Restore' : 'Revert'}
          folder={d.type === 'dir'}
          lost={<Lost diff={d} />}
        />
      ) : null}
    </article>
  )
}

function DiffBody({ diff }: { diff: Diff }) {
  const c = diff.content
  return (
    <div className={s.body}>
      <Pending path={diff.path} />
      {diff.state === 'deleted' ? (
        <Notice kind="warn" title="Deleted on this device">
          The factory version is hidden; restoring brings it back as below.
        </Notice>
      ) : null}
      {diff.state === 'added' ? (
        <Notice kind="info" title="Not in the factory image">
          Reverting removes it.
        </Notice>
      ) : null}
      {diff.state === 'opaque' ? (
        <Notice kind="info" title="Folder replaced">
          This folder hides everything the factory image has in it.
        </Notice>
      ) : null}
      <FieldChanges fields={diff.fields} />
      {c.kind === 'text' ? <DiffView hunks={c.hunks} /> : null}
      {c.kind === 'binary' ? <BinaryFacts base={c.base} current={c.current} /> : null}
      {c.kind === 'symlink' ? <BinaryFacts link={{ base: c.base, current: c.current }} /> : null}
      {diff.type === 'dir' ? <FolderChanges changes={diff.changes} /> : null}
      {diff.type === 'file' &&
      (diff.state === 'unchanged' ||
        diff.state === 'metadata' ||
        diff.state === 'added' ||
        diff.state === 'deleted') ? (
        <Content path={diff.path} side={diff.state === 'deleted' ? 'base' : 'current'} />
      ) : null}
      {diff.type === 'dir' && diff.state === 'unchanged' && diff.changes.length === 0 ? (
        <p>
          As in the factory image. <Link href={filesHref({ dir: diff.path })}>Open the folder</Link>
        </p>
      ) : null}
    </div>
  )
}

/** What a revert throws away, said before it happens. */
function Lost({ diff }: { diff: Diff }) {
  const c = diff.content
  if (diff.type === 'dir')
    return (
      <>
        <p>Every change under {displayName(diff.path)} goes back to the factory image:</p>
        <FolderChanges changes={diff.changes} />
      </>
    )
  if (diff.state === 'deleted')
    return <p>The factory version of {displayName(diff.path)} comes back.</p>
  if (diff.state === 'added')
    return (
      <p>{displayName(diff.path)} is not in the factory image: it is removed, with its content.</p>
    )
  if (c.kind === 'text') {
    const n = lineCounts(c.hunks)
    return (
      <>
        <p>
          Lost: {n.added} line{n.added === 1 ? '' : 's'} added on this device
          {n.removed ? `; ${n.removed} factory line${n.removed === 1 ? '' : 's'} come back` : ''}.
        </p>
        <DiffView hunks={c.hunks} layout="unified" />
      </>
    )
  }
  return (
    <p>
      The current version of {displayName(diff.path)} is replaced by the factory one
      {diff.fields.length ? ', with its mode, owner and times' : ''}.
    </p>
  )
}
