/**
 * Files of this installation beside the code (`bin/hostnet`, `native/build/hostnet-nl`), found from a module's
 * own location: in the first folder above it that has the file. The same module runs compiled (dist/src/…) and
 * bundled (dist/cli/, one folder deep), so a fixed `../../..` would be right for only one of them.
 * @module
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `rel` under the nearest folder above `moduleUrl` (an `import.meta.url`) that has it; undefined if none has. */
export function installPath(rel: string, moduleUrl: string): string | undefined {
  for (let dir = dirname(fileURLToPath(moduleUrl)); ; dir = dirname(dir)) {
    const path = join(dir, rel)
    if (existsSync(path)) return path
    if (dirname(dir) === dir) return undefined
  }
}
