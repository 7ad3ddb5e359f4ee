/**
 * Readable stack traces from the bundled CLI: positions in dist/cli/*.js are mapped back to the TypeScript
 * sources through the source map beside each file, when an unexpected error is printed. Node's own mapping
 * (`--enable-source-maps`, or NODE_OPTIONS) would read every loaded chunk's map at start-up; this reads the maps
 * of the frames only, and only then. Files without a map (the compiled dist/src/ modules) are left as they are.
 * @module
 */
import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Frames `file:///…/x.js:LINE:COL` (ES modules) or `/…/x.js:LINE:COL`. */
const FRAME = /((?:file:\/\/)?\/[^\s():]+\.js):(\d+):(\d+)/g

function loadMap(file: string): SourceMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0])
  } catch {
    return undefined // no map beside it (or unreadable): the frame stays as it is
  }
}

/** `stack` with every position that has a source map replaced by its source position (paths relative to `cwd`). */
export function mapStack(stack: string, cwd: string = process.cwd()): string {
  const maps = new Map<string, SourceMap | undefined>()
  return stack.replace(FRAME, (whole, where: string, line: string, col: string) => {
    const file = where.startsWith('file://') ? fileURLToPath(where) : where
    if (!maps.has(file)) maps.set(file, loadMap(file))
    const entry = maps.get(file)?.findEntry(Number(line) - 1, Number(col) - 1)
    if (entry === undefined || !('originalSource' in entry) || typeof entry.originalSource !== 'string') return whole
    const source = relative(cwd, join(dirname(file), entry.originalSource))
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
  })
}
