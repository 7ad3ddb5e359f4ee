/**
 * Quick nesting measures of desired-state documents, taken before a parser that recurses (the `yaml` library
 * aborts the process on very deep documents; JSON.parse takes seconds on ten megabytes of brackets) sees them.
 * Both are linear scans of the text.
 * @module
 */

/**
 * Deepest nesting of a YAML document as a quick upper bound for documents outside the subset, before the
 * library sees them: flow brackets plus block levels (indentation steps and `- ` entries on a line). Counting
 * brackets inside quoted scalars only over-estimates.
 */
export function yamlNestingBound(text: string): number {
  let max = 0
  let flow = 0
  const indents: number[] = []
  for (const line of text.split('\n')) {
    let k = 0
    while (k < line.length && (line[k] === ' ' || line[k] === '\t')) k++
    if (k === line.length || line[k] === '#') continue
    while (indents.length > 0 && indents[indents.length - 1]! >= k && flow === 0) indents.pop()
    if (flow === 0) indents.push(k)
    let dashes = 0
    for (let i = k; i < line.length; i++) {
      const c = line[i]
      if (c === '[' || c === '{') flow++
      else if (c === ']' || c === '}') flow = Math.max(0, flow - 1)
      else if (c === '-' && (line[i + 1] === ' ' || i + 1 === line.length) && i === k + 2 * dashes) dashes++
      max = Math.max(max, indents.length + dashes + flow)
    }
    max = Math.max(max, indents.length + dashes + flow)
  }
  return max
}

/** Deepest nesting of `[` and `{` in a JSON text (brackets inside strings do not count). */
export function jsonNestingDepth(text: string): number {
  let depth = 0
  let max = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // skip the string, escapes included
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return max
}
