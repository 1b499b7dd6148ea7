import { useMemo, useState } from 'react'
import { useLocation } from 'wouter'
import type { TreeEntry } from '@layerdeck/api'
import { errorMessage } from '../../shared/api/http.ts'
import { formatCount } from '../../shared/format.ts'
import { filesHref } from '../../shared/location.ts'
import { parentOf } from '../../shared/paths.ts'
import { useChanges } from '../../shared/queries.ts'
import { Notice } from '../../shared/ui/Notice.tsx'
import { asEntry, buildChangeTree, flattenChanges } from './changesTree.ts'
import { EntryRow } from './EntryRow.tsx'
import { VirtualTree, type TreeKey } from './VirtualTree.tsx'
import s from './tree.module.css'

/** Only what differs from the factory image, with the folders on the way, foldable. */
export function ChangesView({
  file,
  onRestore,
}: {
  file: string | null
  onRestore: ((entry: TreeEntry) => void) | undefined
}) {
  const changes = useChanges()
  const [, navigate] = useLocation()
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const [active, setActive] = useState(0)
  const root = useMemo(() => buildChangeTree(changes.data?.changes ?? []), [changes.data])
  const rows = useMemo(() => flattenChanges(root, collapsed), [root, collapsed])

  if (changes.isError)
    return (
      <Notice kind="error" title="Cannot list the changes">
        {errorMessage(changes.error)}
      </Notice>
    )
  const toggle = (path: string, open: boolean) => {
    const next = new Set(collapsed)
    if (open) next.delete(path)
    else next.add(path)
    setCollapsed(next)
  }
  const onKey = (key: TreeKey, index: number) => {
    const row = rows[index]
    if (!row) return
    const hasChildren = row.node.children.length > 0
    if (key === 'expand' && hasChildren && !row.expanded) toggle(row.node.path, true)
    else if (key === 'collapse' && row.expanded) toggle(row.node.path, false)
    else if (key === 'collapse') {
      const parent = rows.findIndex((r) => r.node.path === parentOf(row.node.path))
      if (parent >= 0) setActive(parent)
    } else if (key === 'activate')
      navigate(filesHref({ view: 'changes', dir: parentOf(row.node.path), file: row.node.path }))
  }
  const total = changes.data?.total ?? 0
  return (
    <>
      <div className={s.status} role="status">
        {changes.isPending
          ? 'Loading the changes…'
          : `${formatCount(total)} ${total === 1 ? 'change' : 'changes'} compared with the factory image`}
      </div>
      {changes.isPending ? (
        <div className={s.scroller} aria-hidden="true" />
      ) : (
        <VirtualTree
          label="Changes compared with the factory image"
          count={rows.length}
          active={Math.min(active, Math.max(0, rows.length - 1))}
          onActive={setActive}
          onKey={onKey}
          empty="Nothing differs from the factory image."
          renderRow={(index, row) => {
            const r = rows[index]
            if (!r) return null
            return (
              <EntryRow
                entry={asEntry(r.node)}
                row={{
                  ...row,
                  onClick: () => {
                    setActive(index)
                    onKey('activate', index)
                  },
                }}
                level={r.level}
                expanded={r.node.children.length > 0 ? r.expanded : undefined}
                current={r.node.path === file}
                onRestore={onRestore}
              />
            )
          }}
        />
      )}
    </>
  )
}
