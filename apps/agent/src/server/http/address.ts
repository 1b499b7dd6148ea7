import type { Request } from 'express'

/** The peer's address (no proxy headers are trusted: the agent faces the LAN itself). */
export function clientAddress(req: Request): string {
  const a = req.socket.remoteAddress ?? 'unknown'
  return a.startsWith('::ffff:') ? a.slice(7) : a
}
