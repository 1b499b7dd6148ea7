/** A mount that cannot start (or stop): the message says what is wrong and what to do. */
export class MountError extends Error {
  override name = 'MountError'
}
