import { useVirtualizer } from '@tanstack/react-virtual'
import { Fragment, useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react'
import s from './tree.module.css'

export const ROW_HEIGHT = 44

export type TreeKey = 'activate' | 'expand' | 'collapse'

export interface VirtualTreeProps {
  label: string
  count: number
  active: number
  onActive: (index: number) => void
  onKey: (key: TreeKey, index: number) => void
  /** The rows on screen changed (with overscan): load their data. */
  onRange?: (start: number, end: number) => void
  renderRow: (index: number, rowProps: RowProps) => ReactNode
  empty?: ReactNode
  /** Scroll this row into view when the list first shows. */
  reveal?: number
}

export interface RowProps {
  id: string
  role: 'treeitem'
  'aria-posinset': number
  'aria-setsize': number
  'aria-selected': boolean
  className: string
  style: { height: number; transform: string }
  onClick: () => void
}

/**
 * A virtualized ARIA tree: one tab stop (the tree), the active row by aria-activedescendant,
 * arrows/Home/End/PageUp/PageDown move, Enter or Right opens, Left goes up. Only the rows on
 * screen are in the DOM, so 50,000 entries scroll like 50.
 */
export function VirtualTree({
  label,
  count,
  active,
  onActive,
  onKey,
  onRange,
  renderRow,
  empty,
  reveal = 0,
}: VirtualTreeProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const idBase = `tree${useId().replace(/[^a-zA-Z0-9]/g, '')}`
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer re-renders us itself
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0
  useEffect(() => {
    onRange?.(first, last)
  }, [first, last, onRange])
  const revealed = useRef(false)
  useEffect(() => {
    if (revealed.current || reveal <= 0) return
    revealed.current = true
    virtualizer.scrollToIndex(reveal, { align: 'center' })
  }, [reveal, virtualizer])

  const move = (to: number) => {
    const index = Math.max(0, Math.min(count - 1, to))
    onActive(index)
    virtualizer.scrollToIndex(index, { align: 'auto' })
  }
  const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 440) / ROW_HEIGHT) - 1)
  const onKeyDown = (e: KeyboardEvent) => {
    switch (e.key) {
      case 'ArrowDown':
        move(active + 1)
        break
      case 'ArrowUp':
        move(active - 1)
        break
      case 'Home':
        move(0)
        break
      case 'End':
        move(count - 1)
        break
      case 'PageDown':
        move(active + pageRows)
        break
      case 'PageUp':
        move(active - pageRows)
        break
      case 'Enter':
        onKey('activate', active)
        break
      case 'ArrowRight':
        onKey('expand', active)
        break
      case 'ArrowLeft':
        onKey('collapse', active)
        break
      default:
        return
    }
    e.preventDefault()
  }

  if (count === 0) return <div className={s.empty}>{empty}</div>
  return (
    <div
      ref={scroller}
      className={s.scroller}
      role="tree"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={active >= first && active <= last ? `${idBase}-${active}` : undefined}
      onKeyDown={onKeyDown}
    >
      <div className={s.sizer} style={{ height: virtualizer.getTotalSize() }} role="none">
        {items.map((item) => (
          <Fragment key={item.key}>
            {renderRow(item.index, {
              id: `${idBase}-${item.index}`,
              role: 'treeitem',
              'aria-posinset': item.index + 1,
              'aria-setsize': count,
              'aria-selected': item.index === active,
              className: `${s.row}${item.index === active ? ` ${s.active}` : ''}`,
              style: { height: ROW_HEIGHT, transform: `translateY(${item.start}px)` },
              onClick: () => {
                onActive(item.index)
                onKey('activate', item.index)
              },
            })}
          </Fragment>
        ))}
      </div>
    </div>
  )
}
