/**
 * An engine context over a storage that no daemon serves (an unmounted storage): the same
 * Layers and Staging the mounted Overlay uses, so revert and reset run the same code either way.
 */
import type { OverlayContext } from '../engine/context.ts'
import { Layers } from '../engine/layers.ts'
import { Staging } from '../engine/staging.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'

export function openStorageContext(sys: Sys, storage: string, base: string): OverlayContext {
  const paths = storagePaths(storage)
  const staging = new Staging(sys, paths)
  staging.prepare()
  return { sys, layers: new Layers(sys, base, paths), staging, paths, onCopiedUp: () => undefined }
}
