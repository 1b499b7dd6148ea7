/**
 * Why a backup or restore was refused, in the API's closed vocabulary of problems, with a
 * message that says what is wrong and what to do. Nothing has been changed when one is thrown.
 */
export type BackupProblem = 'invalid-input' | 'not-found' | 'conflict' | 'busy'

export class BackupError extends Error {
  override name = 'BackupError'
  readonly problem: BackupProblem

  constructor(problem: BackupProblem, message: string) {
    super(message)
    this.problem = problem
  }
}
