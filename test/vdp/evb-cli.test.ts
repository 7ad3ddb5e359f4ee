/**
 * The 802.1Qbg set-up through the CLI, as an admin would do it: a private lldpad per namespace (lldpad-start),
 * EVB enabled at run time on the station's uplink (evb-enable, read back), the bridge role given before its
 * lldpad starts (--evb sw0:bridge); then a port's association shows in net-port-create's JSON, in net-port-list's
 * Association column, in net-port-dumpxml --json (live) and in evb-show; lldpad-stop ends both lldpads.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lldpadPids } from '../../src/backend/lldpad/index.js'
import { canUseNetns, leakedNetns, makeNetns, removeNetns } from '../helpers/netns.js'
import { runCli } from '../engine/cli-helpers.js'
import { ip } from '../network/lab.js'
import { directXml, portXml } from '../port/port-lab.js'
import { waitFor } from './vdp-lab.js'

const skip = !canUseNetns() ? 'needs root and ip netns' : false

after(() => {
  if (skip === false) assert.deepEqual(leakedNetns(), [])
})

test('CLI: lldpad-start, evb-enable, evb-show, and a port whose association the port verbs show', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-evb-'))
  const st = await makeNetns('st')
  const sw = await makeNetns('sw')
  const cli = (ns: string, args: readonly string[]) => runCli([...args, '--netns', ns, '--state-dir', dir])
  try {
    ip(st, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'sw0', 'netns', sw)
    ip(st, 'link', 'set', 'eth0', 'up')
    ip(sw, 'link', 'set', 'sw0', 'up')
    assert.equal((await cli(st, ['lldpad-start'])).code, 0)
    const enabled = await cli(st, ['evb-enable', 'eth0', '--json'])
    assert.equal(enabled.code, 0, enabled.stderr)
    const evb = JSON.parse(enabled.stdout) as { adminStatus: string; evb: Record<string, string>; negotiated: boolean }
    assert.deepEqual([evb.adminStatus, evb.evb['evbmode'], evb.evb['enableTx'], evb.negotiated], ['rxtx', 'station', 'yes', false])
    const bridge = await cli(sw, ['lldpad-start', '--evb', 'sw0:bridge'])
    assert.equal(bridge.code, 0, bridge.stderr)
    await waitFor(async () => (JSON.parse((await cli(st, ['evb-show', 'eth0', '--json'])).stdout) as { negotiated: boolean }).negotiated, 15_000, 'EVB negotiation')

    const net = join(dir, 'net.xml')
    writeFileSync(net, directXml('vq', 'vepa', ['eth0'], "<virtualport type='802.1Qbg'><parameters managerid='3' typeid='4660' typeidversion='1'/></virtualport>"))
    assert.equal((await cli(st, ['net-define', net])).code, 0)
    assert.equal((await cli(st, ['net-start', 'vq'])).code, 0)
    const port = join(dir, 'port.xml')
    const uuid = '0000000c-0000-4000-8000-0000000000cc'
    writeFileSync(port, portXml({ uuid, mac: '52:54:00:00:0c:01' }))
    const created = await cli(st, ['net-port-create', 'vq', port, '--json'])
    assert.equal(created.code, 0, created.stderr)
    const assoc = (JSON.parse(created.stdout) as { association: { state: string; typeId: number; instanceId: string } }).association
    assert.deepEqual([assoc.state, assoc.typeId], ['associated', 4660])

    const list = await cli(st, ['net-port-list', 'vq'])
    assert.match(list.stdout, /Association/)
    assert.match(list.stdout, new RegExp(`${uuid} .* 802\\.1Qbg associated eth0 \\(success \\(0\\)\\)`))
    const dump = JSON.parse((await cli(st, ['net-port-dumpxml', 'vq', uuid, '--json'])).stdout) as { xml: string; association: { live: { state: string } } }
    assert.equal(dump.association.live.state, 'associated')
    assert.match(dump.xml, /<virtualport type='802.1Qbg'>/)
    const shown = await cli(st, ['evb-show', 'eth0'])
    assert.match(shown.stdout, /bridge: answered/)
    assert.match(shown.stdout, new RegExp(`${assoc.instanceId} +associated +success \\(0\\)`))

    assert.equal((await cli(st, ['net-port-delete', 'vq', uuid])).code, 0)
    assert.doesNotMatch((await cli(st, ['evb-show', 'eth0'])).stdout, new RegExp(assoc.instanceId))
    assert.equal((await cli(st, ['net-destroy', 'vq'])).code, 0)
  } finally {
    await cli(st, ['lldpad-stop'])
    await cli(sw, ['lldpad-stop'])
    assert.deepEqual(lldpadPids({ kind: 'netns', name: st }), [], 'lldpad-stop ended the station lldpad')
    assert.deepEqual(lldpadPids({ kind: 'netns', name: sw }), [])
    await removeNetns(st)
    await removeNetns(sw)
    rmSync(dir, { recursive: true, force: true })
  }
})
