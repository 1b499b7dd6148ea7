import { useEffect, useRef, useState, type RefObject } from 'react'
import type { Hunk } from '@layerdeck/api'
import { splitRows, unifiedRows, type Cell } from './diffModel.ts'
import s from './file.module.css'

/** Side by side when there is room for two columns of config lines, unified otherwise. */
const SPLIT_MIN_WIDTH = 720

function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const el = ref.current
    if (!el || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width ?? 0))
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  return [ref, width]
}

export interface DiffViewProps {
  hunks: Hunk[]
  /** Force a layout (tests); by default chosen by the width available. */
  layout?: 'split' | 'unified'
}

export function DiffView({ hunks, layout }: DiffViewProps) {
  const [ref, width] = useWidth()
  const mode = layout ?? (width >= SPLIT_MIN_WIDTH ? 'split' : 'unified')
  return (
    <div ref={ref} className={s.diff} data-layout={mode}>
      {mode === 'split' ? <Split hunks={hunks} /> : <Unified hunks={hunks} />}
    </div>
  )
}

const MARK = { context: ' ', removed: '−', added: '+' } as const

function Unified({ hunks }: { hunks: Hunk[] }) {
  return (
    <table className={s.diffTable} aria-label="Changes against the factory version, unified">
      <thead className="visually-hidden">
        <tr>
          <th scope="col">Factory line</th>
          <th scope="col">Current line</th>
          <th scope="col">Change</th>
          <th scope="col">Text</th>
        </tr>
      </thead>
      <tbody>
        {unifiedRows(hunks).map((row, i) =>
          row.kind === 'hunk' || row.kind === 'note' ? (
            <tr key={i} className={s.hunk}>
              <td colSpan={4}>{row.kind === 'note' ? `\\ ${row.text}` : row.text}</td>
            </tr>
          ) : (
            <tr key={i} className={s[row.kind]}>
              <td className={s.no}>{row.oldNo ?? ''}</td>
              <td className={s.no}>{row.newNo ?? ''}</td>
              <td className={s.mark}>{MARK[row.kind]}</td>
              <td className={s.text}>{row.text}</td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  )
}

function Half({ cell }: { cell: Cell | null }) {
  if (!cell)
    return (
      <>
        <td className={`${s.no} ${s.blank}`} />
        <td className={`${s.text} ${s.blank}`} />
      </>
    )
  return (
    <>
      <td className={`${s.no} ${s[cell.kind]}`}>{cell.no}</td>
      <td className={`${s.text} ${s[cell.kind]}`}>
        <span className={s.markInline} aria-hidden="true">
          {MARK[cell.kind]}
        </span>
        {cell.text}
      </td>
    </>
  )
}

function Split({ hunks }: { hunks: Hunk[] }) {
  return (
    <table
      className={`${s.diffTable} ${s.split}`}
      aria-label="Changes against the factory version, side by side"
    >
      <colgroup>
        <col className={s.noCol} />
        <col />
        <col className={s.noCol} />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th scope="col" colSpan={2}>
            Factory
          </th>
          <th scope="col" colSpan={2}>
            Current
          </th>
        </tr>
      </thead>
      <tbody>
        {splitRows(hunks).map((row, i) =>
          row.kind === 'line' ? (
            <tr key={i}>
              <Half cell={row.left} />
              <Half cell={row.right} />
            </tr>
          ) : (
            <tr key={i} className={s.hunk}>
              <td colSpan={4}>{row.kind === 'note' ? `\\ ${row.text ?? ''}` : row.text}</td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  )
}
