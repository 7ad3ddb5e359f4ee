/**
 * `hostnet demo`: the walk-through. Creates the sandbox `hostnet-demo` (recreating it if an earlier run left it),
 * applies a bridge over eth0+eth1 with an address, tries a second document with a confirm timer and rolls it
 * back, shows that bad input is refused before anything is touched, then runs virtual networks (demo-networks.ts)
 * and ports (demo-ports.ts). The documents and the steps beyond `apply` are lab/demo/'s; this file narrates.
 * @module
 */
import type { Command } from 'commander'
import { parseDesiredState } from '../codec/yaml/state.js'
import { errorMessage, HostnetError } from '../errors.js'
import type { Target } from '../model/target.js'
import { DEMO_BAD_DOC, DEMO_BRIDGE_DOC, DEMO_SANDBOX, DEMO_SECOND_DOC } from '../lab/demo/documents.js'
import { freshSandbox } from '../lab/demo/steps.js'
import { rollbackPending, targetKey } from '../txn/index.js'
import { runApply } from './apply.js'
import { narratePorts } from './demo-ports.js'
import { addStateDirOption } from './common.js'
import { count, describeOps } from '../plan/describe.js'
import { exitCodeFor } from './exit.js'
import { withRuntime, type Runtime } from './runtime.js'
import { stateTable } from './state-table.js'
import { demoNetworks, forgetEarlierNetworks } from './demo-networks.js'

function say(text: string): void {
  process.stdout.write(text)
}

function step(n: number, title: string): void {
  say(`\n== ${n}. ${title}\n`)
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '    ')
}

async function freshDemoSandbox(sandbox: string): Promise<void> {
  const removed = await freshSandbox(sandbox)
  if (removed.length > 0) say(`removed the sandbox an earlier run left (${removed.join(', ')})\n`)
}

async function showState(rt: Runtime, target: Target): Promise<void> {
  say(indent(stateTable(await rt.backend.query(target))))
}

async function demoConfirm(rt: Runtime, target: Target): Promise<void> {
  const r = await runApply(rt, target, parseDesiredState(DEMO_SECOND_DOC), { confirmWithinSec: 30 })
  say(`applied ${count(r.ops.length, 'operation')} as transaction ${r.transactionId}, waiting for confirmation (30 s):\n`)
  await showState(rt, target)
  const rb = await rollbackPending({ ...rt.deps, target })
  say(`\n'hostnet rollback' restored the state from before transaction ${rb.id} (status ${rb.status}):\n`)
  await showState(rt, target)
}

async function demoBadInput(rt: Runtime, target: Target): Promise<void> {
  say(indent(DEMO_BAD_DOC))
  try {
    await runApply(rt, target, parseDesiredState(DEMO_BAD_DOC))
    throw new HostnetError('bug', 'the invalid document was accepted')
  } catch (e) {
    if (!(e instanceof HostnetError) || e.kind !== 'invalid-argument') throw e
    say(`refused with exit status ${exitCodeFor(e)}: ${errorMessage(e)}\n(nothing was touched)\n`)
  }
}

/** An unconfirmed transaction an interrupted earlier run left on the demo namespace is rolled back first. */
async function settleEarlierRun(rt: Runtime, target: Target): Promise<void> {
  const open = rt.store.journal.findOpen(targetKey(target))
  if (open?.status === 'pending-confirm') await rollbackPending({ ...rt.deps, target })
}

export async function runDemo(flags: { stateDir?: string; sandbox?: string }): Promise<void> {
  const sandbox = flags.sandbox ?? DEMO_SANDBOX
  const target: Target = { kind: 'netns', name: sandbox }
  say(`hostnet demo: host interfaces and virtual networks, in the sandbox namespace '${sandbox}'\n`)
  await withRuntime(flags, async (rt) => {
    step(1, `create the sandbox (eth0..eth3 are veth "NICs" on an uplink switch)`)
    await settleEarlierRun(rt, target)
    await forgetEarlierNetworks(rt, sandbox, say)
    await freshDemoSandbox(sandbox)
    say(`state directory: ${rt.stateDir}\n`)
    step(2, 'host interfaces: apply a bridge over eth0 and eth1 with an address (one verified transaction)')
    say(indent(DEMO_BRIDGE_DOC))
    const r = await runApply(rt, target, parseDesiredState(DEMO_BRIDGE_DOC), {})
    say(`applied and verified ${count(r.ops.length, 'operation')} as transaction ${r.transactionId}:\n${describeOps(r.ops)}`)
    await showState(rt, target)
    step(3, 'apply a second document with --confirm-within 30, then roll it back')
    say(indent(DEMO_SECOND_DOC))
    await demoConfirm(rt, target)
    step(4, 'bad input is refused before the kernel is touched')
    await demoBadInput(rt, target)
    const next = await demoNetworks(rt, sandbox, say, step, 5)
    step(next, 'ports: VM NICs on a vepa network over eth2 and eth3 (allocation, macvtap plugging, the domain <interface>)')
    await narratePorts(rt, target, say)
  })
  say(`\ndone. Everything is still running in the sandbox:\n`)
  say(`  ./bin/hostnet net-list --netns ${sandbox}          ./bin/hostnet sandbox guest list --sandbox ${sandbox}\n`)
  say(`  ./bin/hostnet sandbox guest reach nat1 --sandbox ${sandbox}    ./bin/hostnet net-port-list --netns ${sandbox} demo-vepa\n`)
  say(`remove it with: ./bin/hostnet sandbox destroy --name ${sandbox}   (or run the demo again)\n`)
}

export function registerDemoCommand(program: Command): void {
  const cmd = program.command('demo').description(`walk-through in the sandbox '${DEMO_SANDBOX}': host interfaces (apply, confirm/rollback) and virtual networks (NAT, isolated, guests, DHCP)`)
  cmd.option('--sandbox <name>', 'the sandbox (namespace) to walk through', DEMO_SANDBOX)
  addStateDirOption(cmd).action(async (flags: { stateDir?: string; sandbox?: string }) => {
    await runDemo(flags)
  })
}
