/** The product sources under a folder (`.ts` without tests and declarations), for the architecture guards. */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export function productSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) productSources(p, out)
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}
