/**
 * Where the tc kernel cases run: in this process when the kernel has what libvirt's tc commands need (htb,
 * sfq, ingress, u32, fw, police), else under the User-Mode Linux lane with those modules loaded (this VM's kernel
 * has no sfq, fw or police). Neither available: the tests skip (under CI they fail, as the lane helper does).
 */
import { fileURLToPath } from 'node:url'
import { canUseNetns } from '../helpers/netns.js'
import { lastJsonLine, runUnderUml, umlSkip } from '../helpers/uml.js'
import { LANE_MODULES, probeTcFeatures, runLane } from './tc-lane.js'
import type { LaneReport } from './tc-lane.js'

export type LaneOutcome = { report: LaneReport & { leaked: string[] }; skip?: undefined } | { skip: string }

export async function runTcLane(cases: string[]): Promise<LaneOutcome> {
  if (canUseNetns() && (await probeTcFeatures())) return { report: await runLane(cases) }
  const skip = umlSkip()
  if (skip !== undefined) return { skip: `this kernel lacks sfq/fw/police and the UML lane is unavailable: ${skip}` }
  const script = fileURLToPath(new URL('./tc-lane.js', import.meta.url))
  const run = await runUnderUml(script, { modules: LANE_MODULES, args: cases, timeoutMs: 300_000 })
  if (run.exitCode !== 0) {
    throw new Error(`tc lane failed (${run.exitCode}): ${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`)
  }
  return { report: lastJsonLine(run.stdout) as LaneReport & { leaked: string[] } }
}
