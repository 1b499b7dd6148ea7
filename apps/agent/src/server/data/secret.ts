/** The agent's secret (32 random bytes in DATA/secret, 0600): keys the HMACs of sessions and tokens. */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { writeAtomic, type DataFiles } from './dataDir.ts'

export function loadSecret(files: DataFiles): Buffer {
  try {
    const secret = readFileSync(files.secret)
    if (secret.length >= 32) return secret
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const secret = randomBytes(32)
  writeAtomic(files.secret, secret)
  return secret
}
