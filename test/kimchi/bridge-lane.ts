/**
 * Runs INSIDE the User-Mode Linux guest (see bridge.test.ts): the VLAN variant of the bridged network over a NIC
 * with the host's address and default route (./bridge-cases.ts), which needs 802.1q. Prints one JSON line
 * `{"kernel": "uml"|"host", "ok": bool, "error"?: string, "ms": number}`.
 */
import { bridgeCase } from './bridge-cases.js'

const t0 = performance.now()
let result: { ok: boolean; error?: string } = { ok: true }
try {
  await bridgeCase({ vlanId: 10, ...(process.env['UML_LANE'] === '1' ? { tmpBase: '/run' } : {}) })
} catch (e) {
  result = { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }
}
process.stdout.write(`${JSON.stringify({ kernel: process.env['UML_LANE'] === '1' ? 'uml' : 'host', ...result, ms: Math.round(performance.now() - t0) })}\n`)
