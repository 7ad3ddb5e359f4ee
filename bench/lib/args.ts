/** Benchmark command-line options. */

/** The positive integer after `name` in `argv`, or `dflt` when the option is absent. */
export function intArg(argv: readonly string[], name: string, dflt: number): number {
  const i = argv.indexOf(name)
  if (i < 0) return dflt
  const v = Number(argv[i + 1])
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer`)
  return v
}
