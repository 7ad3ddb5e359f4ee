/**
 * The module specifiers a TypeScript source imports (static and dynamic imports, re-exports, side-effect
 * imports; type-only ones included), by a linear scan: shared by the architecture guards (layers, import cycles).
 */
const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g

export function importsOf(src: string): string[] {
  const out: string[] = []
  for (const m of src.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2] ?? m[3])!)
  return out
}
