/**
 * An unlinked file that is still open stays usable, and no .fuse_hidden* name (libfuse 2's way
 * of keeping it) ever reaches the storage: status, backups and the kernel never see one.
 */
import { expect, it } from 'vitest'
import { pyJson, shOk, withOverlay } from '@layerdeck/testkit'

const BASE = `printf 'base\\n' > base.conf`

it('keeps an unlinked open file usable without putting a hidden name in storage', async () => {
  await withOverlay(BASE, async ({ mnt, storage }) => {
    const r = await pyJson(
      `
import os, stat, subprocess
def upper(): return subprocess.run(['find', '${storage}/upper', '-name', '.fuse_hidden*'], capture_output=True, text=True).stdout
out = {}
with open('new.txt', 'w') as f: f.write('new data\\n')
with open('base.conf', 'a') as f: f.write('edited\\n')
a = os.open('new.txt', os.O_RDWR)
b = os.open('base.conf', os.O_RDONLY)
os.unlink('new.txt')
os.unlink('base.conf')
out['listing'] = sorted(os.listdir('.'))
out['hiddenInUpper'] = upper()
os.pwrite(a, b'NEW', 0)
out['readBack'] = os.pread(a, 100, 0).decode()
os.fchmod(a, 0o600)
os.ftruncate(a, 4)
out['fstat'] = [stat.S_IMODE(os.fstat(a).st_mode), os.fstat(a).st_size]
out['copiedUpStillReads'] = os.pread(b, 100, 0).decode()
os.close(a); os.close(b)
print(json.dumps(out))
`,
      { cwd: mnt },
    )
    expect(r).toEqual({
      listing: [],
      hiddenInUpper: '',
      readBack: 'NEW data\n',
      fstat: [0o600, 4],
      copiedUpStillReads: 'base\nedited\n',
    })
    // After the last close the kept copies are gone too; only the whiteout of base.conf is left.
    await shOk(`for i in $(seq 50); do [ -z "$(ls ${storage}/work/layerdeck | grep stage-)" ] && break; sleep 0.1; done`)
    expect(await shOk(`ls ${storage}/work/layerdeck | grep -c stage- || true`)).toBe('0\n')
    expect(await shOk(`cd ${storage}/upper && find . -mindepth 1 -printf '%p %y\\n'`)).toBe('./base.conf c\n')
  })
})
