/** Reading a password: on a terminal without echo (asked twice), otherwise one line of stdin. */
import { createInterface } from 'node:readline'

export async function readPassword(prompt: string, again: string): Promise<string> {
  if (process.stdin.isTTY !== true) return oneLine()
  const first = await askHidden(prompt)
  const second = await askHidden(again)
  if (first !== second) throw new Error('the two passwords differ: nothing was changed')
  return first
}

function oneLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, terminal: false })
    let done = false
    rl.once('line', (line) => {
      done = true
      rl.close()
      resolve(line.replace(/\r$/, ''))
    })
    rl.once('close', () => {
      if (!done) reject(new Error('no password on standard input: send it as one line (echo "$PW" | layerdeck user ...)'))
    })
  })
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin
    stdin.setRawMode(true) // before the prompt: nothing typed after it may echo
    process.stderr.write(prompt)
    stdin.resume()
    stdin.setEncoding('utf8')
    let text = ''
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(text))
        if (ch === '\u0003') return finish(() => reject(new Error('cancelled: nothing was changed')))
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1)
        else text += ch
      }
    }
    const finish = (fn: () => void): void => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
      fn()
    }
    stdin.on('data', onData)
  })
}
