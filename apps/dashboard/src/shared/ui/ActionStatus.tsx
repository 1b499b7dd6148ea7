import { errorMessage } from '../api/http.ts'
import { Notice } from './Notice.tsx'

export interface ActionState {
  isPending: boolean
  isError: boolean
  isSuccess: boolean
  error: unknown
}

/** Progress, success or failure of one action, with the agent's own message on failure. */
export function ActionStatus({
  state,
  pending,
  success,
}: {
  state: ActionState
  pending: string
  success?: string
}) {
  if (state.isPending)
    return (
      <div role="status" aria-live="polite">
        <span>{pending}</span>
        <progress aria-label={pending} />
      </div>
    )
  if (state.isError)
    return (
      <Notice kind="error" title="That did not work">
        {errorMessage(state.error)}
      </Notice>
    )
  if (state.isSuccess && success) return <Notice kind="ok" title={success} />
  return null
}
