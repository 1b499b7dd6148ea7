import type { TreeEntry } from '@layerdeck/api'
import { formatBytes } from '../../shared/format.ts'
import { displayName } from '../../shared/paths.ts'
import { StateBadge } from '../../shared/ui/StateBadge.tsx'
import type { RowProps } from './VirtualTree.tsx'
import s from './tree.module.css'

const ICON: Record<TreeEntry['type'], string> = {
  dir: '▸',
  file: '·',
  symlink: '↪',
  whiteout: '×',
  char: 'c',
  block: 'b',
  fifo: '|',
  socket: '=',
}

export interface EntryRowProps {
  entry: TreeEntry | undefined
  row: RowProps
  level?: number | undefined
  /** Changes view: the folder's children are shown. */
  expanded?: boolean | undefined
  /** The file open in the side panel. */
  current?: boolean | undefined
  onRestore?: ((entry: TreeEntry) => void) | undefined
}

/** One entry: icon, name (struck through for a deleted ghost), state, storage bytes or size. */
export function EntryRow({ entry, row, level = 1, expanded, current, onRestore }: EntryRowProps) {
  if (!entry)
    return (
      <div {...row} aria-level={level} aria-busy="true">
        <span className={s.skeleton} />
      </div>
    )
  const ghost = entry.state === 'deleted'
  const dir = entry.type === 'dir'
  const size = ghost
    ? ''
    : dir
      ? entry.storageBytes > 0
        ? `${formatBytes(entry.storageBytes)} stored`
        : ''
      : formatBytes(entry.size)
  return (
    <div
      {...row}
      aria-level={level}
      aria-expanded={dir ? (expanded ?? false) : undefined}
      aria-current={current ? 'true' : undefined}
      data-state={entry.state}
      style={{ ...row.style, paddingLeft: `${0.5 + (level - 1) * 1.1}rem` }}
    >
      <span className={s.icon} aria-hidden="true">
        {dir ? (expanded ? '▾' : ICON.dir) : ICON[entry.type]}
      </span>
      <span className={ghost ? `${s.name} ${s.ghost}` : s.name}>
        {displayName(entry.name)}
        {entry.type === 'symlink' && entry.target ? (
          <span className={s.target}> → {displayName(entry.target)}</span>
        ) : null}
        {dir ? <span className="visually-hidden"> (folder)</span> : null}
      </span>
      {entry.state !== 'unchanged' ? <StateBadge state={entry.state} /> : null}
      <span className={s.size}>{size}</span>
      {ghost && onRestore ? (
        <button
          type="button"
          className={s.rowAction}
          tabIndex={-1}
          onClick={(e) => {
            e.stopPropagation()
            onRestore(entry)
          }}
        >
          Restore
        </button>
      ) : null}
    </div>
  )
}
