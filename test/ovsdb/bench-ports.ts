/**
 * Measurement (not a test): N tagged internal ports on a netdev bridge of a private OVS (ovs-vswitchd in a
 * private netns), added (a) in one native transaction + waitApplied, (b) with one `ovs-vsctl add-port` process
 * per port (which waits for vswitchd too). Run after building:
 *   node dist/test/ovsdb/bench-ports.js [N]
 * Prints one JSON line with the timings.
 */
import { systemRunner } from '../../src/sys/exec.js'
import { createNetns, deleteNetns } from '../../src/sys/netns.js'
import { OvsPrivate } from '../../src/lab/ovs-private.js'
import { OvsdbClient } from '../../src/backend/ovsdb/client.js'
import { addBridgeOps, addPortsOps } from '../../src/backend/ovsdb/vswitch-ops.js'
import { transactAndWait } from '../../src/backend/ovsdb/wait-applied.js'

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 500)
  const ns = `hnt-bench-${process.pid}`
  await createNetns(ns)
  const ovs = await OvsPrivate.start({ vswitchdNetns: ns })
  const client = await OvsdbClient.connect({ address: ovs.address })
  try {
    await transactAndWait(client, [...addBridgeOps({ name: 'brnative' }), ...addBridgeOps({ name: 'brvsctl' })])
    const ports = Array.from({ length: n }, (_, i) => ({ name: `na${i}`, type: 'internal', tag: 1 + (i % 4094) }))
    let t0 = performance.now()
    await transactAndWait(client, addPortsOps('brnative', ports), { timeoutMs: 300_000 })
    const nativeMs = performance.now() - t0

    t0 = performance.now()
    for (let i = 0; i < n; i++) {
      const name = `vs${i}`
      const argv = ['ovs-vsctl', `--db=${ovs.address}`, 'add-port', 'brvsctl', name, `tag=${1 + (i % 4094)}`, '--', 'set', 'Interface', name, 'type=internal']
      await systemRunner.run(argv, { env: { ...ovs.env } })
    }
    const vsctlMs = performance.now() - t0
    const line = { ports: n, nativeOneTxnPlusWaitMs: Math.round(nativeMs), nativePerPortMs: +(nativeMs / n).toFixed(2), vsctlTotalMs: Math.round(vsctlMs), vsctlPerPortMs: +(vsctlMs / n).toFixed(2) }
    console.log(JSON.stringify(line))
  } finally {
    client.close()
    await ovs.stop()
    await deleteNetns(ns)
  }
}

await main()
