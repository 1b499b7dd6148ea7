import type { ChangeState } from '@layerdeck/api'
import s from './ui.module.css'

const LABEL: Record<ChangeState, string> = {
  added: 'added',
  modified: 'modified',
  metadata: 'metadata',
  deleted: 'deleted',
  opaque: 'opaque',
  unchanged: 'factory',
}

const TITLE: Record<ChangeState, string> = {
  added: 'Not in the factory image: exists only in storage',
  modified: 'Content differs from the factory version',
  metadata: 'Same content; mode, owner, times or attributes differ',
  deleted: 'Deleted: the factory version is hidden (restore brings it back)',
  opaque: 'Folder replaced: hides the factory folder’s contents',
  unchanged: 'As in the factory image',
}

export const stateLabel = (state: ChangeState): string => LABEL[state]

export function StateBadge({ state }: { state: ChangeState }) {
  return (
    <span className={`${s.badge} ${s[state]}`} title={TITLE[state]}>
      {LABEL[state]}
    </span>
  )
}
