/**
 * Child process of the host-memory benchmark: applies the scale state (argv: NS BRIDGES PAIRS) to namespace NS
 * through applyState, from a YAML document it parses itself, then prints one JSON line with its peak resident
 * memory (VmHWM of /proc/self/status, and process.resourceUsage().maxRSS) in MB.
 */
import { readFileSync } from 'node:fs'
import { parseDesiredState } from '../../src/codec/yaml/state.js'
import { openEngine } from './engine.js'
import { scaleYaml } from './host-scale.js'

function vmHwmMb(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
  return m === null ? Number.NaN : Number(m[1]) / 1024
}

async function main(): Promise<void> {
  const [ns, bridges, pairs] = process.argv.slice(2)
  if (ns === undefined) throw new Error('usage: memory-child NS BRIDGES PAIRS')
  const startMb = vmHwmMb()
  const eng = await openEngine()
  try {
    const desired = parseDesiredState(scaleYaml({ bridges: Number(bridges), pairs: Number(pairs) }))
    const r = await eng.apply(ns, desired)
    const out = { status: r.status, ops: r.ops.length, startMb, vmHwmMb: vmHwmMb(), maxRssMb: process.resourceUsage().maxRSS / 1024 }
    process.stdout.write(`${JSON.stringify(out)}\n`)
  } finally {
    eng.close()
  }
}

await main()
