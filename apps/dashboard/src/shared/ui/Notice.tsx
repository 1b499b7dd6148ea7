import type { ReactNode } from 'react'
import s from './ui.module.css'

export type NoticeKind = 'info' | 'ok' | 'warn' | 'error'

/** A message block; errors are announced at once (role=alert), the rest politely. */
export function Notice({
  kind,
  title,
  children,
}: {
  kind: NoticeKind
  title: string
  children?: ReactNode
}) {
  return (
    <div className={`${s.notice} ${s[kind]}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div className={s.noticeTitle}>{title}</div>
      {children ? <p>{children}</p> : null}
    </div>
  )
}
