import type { RevertStep } from '@layerdeck/api'

export const STEP_TEXT: Record<RevertStep['action'], string> = {
  restore: 'factory version comes back (current content is lost)',
  undelete: 'deleted entry comes back',
  remove: 'added entry is removed',
  tree: 'folder, entry by entry',
  unchanged: 'already as in the factory image',
}
