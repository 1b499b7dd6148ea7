import { useCallback, useState } from 'react'
import { useLocation } from 'wouter'
import type { TreeEntry } from '@layerdeck/api'
import { errorMessage } from '../../shared/api/http.ts'
import { formatBytes, formatCount } from '../../shared/format.ts'
import { filesHref } from '../../shared/location.ts'
import { displayName, parentOf } from '../../shared/paths.ts'
import { Notice } from '../../shared/ui/Notice.tsx'
import { EntryRow } from './EntryRow.tsx'
import { useFirstPage, useNameSearch, usePagedRows, type RowSource } from './useDirectory.ts'
import { VirtualTree, type TreeKey } from './VirtualTree.tsx'
import s from './tree.module.css'

export interface DirectoryViewProps {
  dir: string
  file: string | null
  q: string
  onRestore: ((entry: TreeEntry) => void) | undefined
}

/** One directory (or the entries of it matching a search), virtualized. */
export function DirectoryView({ dir, file, q, onRestore }: DirectoryViewProps) {
  const first = useFirstPage(dir)
  const [range, setRange] = useState<[number, number]>([0, 40])
  const onRange = useCallback((a: number, b: number) => setRange([a, b]), [])
  const paged = usePagedRows(dir, first.data?.total ?? 0, range[0], range[1])
  const search = useNameSearch(dir, q)
  const source: RowSource = q ? search.source : paged

  if (first.isError)
    return (
      <Notice kind="error" title={`Cannot open ${displayName(dir)}`}>
        {errorMessage(first.error)}
      </Notice>
    )
  const page = first.data
  const status = !page
    ? 'Loading…'
    : q
      ? search.isPending
        ? `Searching ${formatCount(page.total)} entries…`
        : `${formatCount(source.count)} of ${formatCount(page.total)} entries match “${q}”`
      : `${formatCount(page.total)} entries${page.dir.storageBytes > 0 ? ` · ${formatBytes(page.dir.storageBytes)} in storage` : ''}`
  return (
    <>
      <div className={s.status} role="status">
        {status}
      </div>
      {!page ? (
        <div className={s.scroller} aria-hidden="true" />
      ) : (
        <EntryList
          key={`${dir}|${q}`}
          dir={dir}
          file={file}
          source={source}
          initial={
            q || !file
              ? 0
              : Math.max(
                  0,
                  page.entries.findIndex((e) => e.path === file),
                )
          }
          onRange={onRange}
          onRestore={onRestore}
          empty={q ? 'No entry matches.' : 'This folder is empty.'}
        />
      )}
    </>
  )
}

interface EntryListProps {
  dir: string
  file: string | null
  source: RowSource
  /** The row to start on (the open file, when it is on the first page). */
  initial: number
  onRange: (a: number, b: number) => void
  onRestore: ((entry: TreeEntry) => void) | undefined
  empty: string
}

function EntryList({ dir, file, source, initial, onRange, onRestore, empty }: EntryListProps) {
  const [, navigate] = useLocation()
  const [active, setActive] = useState(initial)
  const onKey = (key: TreeKey, index: number) => {
    const entry = source.get(index)
    if (key === 'collapse') {
      if (dir !== '/') navigate(filesHref({ dir: parentOf(dir) }))
      return
    }
    if (!entry) return
    if (entry.type === 'dir' && entry.state !== 'deleted') navigate(filesHref({ dir: entry.path }))
    else if (key === 'activate') navigate(filesHref({ dir, file: entry.path }))
  }
  return (
    <VirtualTree
      label={`Contents of ${displayName(dir)}`}
      count={source.count}
      active={active}
      onActive={setActive}
      onKey={onKey}
      onRange={onRange}
      reveal={initial}
      empty={empty}
      renderRow={(index, row) => {
        const entry = source.get(index)
        return (
          <EntryRow entry={entry} row={row} current={entry?.path === file} onRestore={onRestore} />
        )
      }}
    />
  )
}
