/**
 * The rendered firewall against the real kernel: traffic between a guest, its bridge's host and an outside
 * namespace (see ./lab.ts) for nat (masquerade, snat with address and port ranges, NAT66), route, isolated and
 * open networks.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyNetworkFirewall, listHostnetFirewalls } from '../../src/backend/nftables/apply.js'
import { renderNetworkFirewall } from '../../src/backend/nftables/render.js'
import { renderNftScript } from '../../src/backend/nftables/ruleset.js'
import { parseNetworkXml } from '../../src/codec/libvirt-xml/network/index.js'
import { canUseNetns, leakedNetns } from '../helpers/netns.js'
import { addRoute, LAB, LAB_BRIDGE, withLab } from './lab.js'
import { nftAvailable, rulesetOf } from './nft-ns.js'
import type { Lab } from './lab.js'
import { probe } from './traffic.js'
import type { ProbeResult } from './traffic.js'

const skip = canUseNetns() && nftAvailable() ? false : 'needs root, ip netns and nft'

function networkXml(forward: string, extraIps = ''): string {
  return `<network><name>lab</name>${forward}<bridge name='${LAB_BRIDGE}'/><ip address='${LAB.bridgeV4}' prefix='24'/>${extraIps}</network>`
}
const NAT = networkXml("<forward mode='nat'/>")
const ROUTE = networkXml("<forward mode='route'/>")
const ISOLATED = networkXml('')
const OPEN = networkXml("<forward mode='open'/>")
const V6_IP = `<ip family='ipv6' address='${LAB.bridgeV6}' prefix='64'/>`

async function startNetwork(lab: Lab, xml: string): Promise<void> {
  const ruleset = renderNetworkFirewall(parseNetworkXml(xml), { bridgeName: LAB_BRIDGE })
  await applyNetworkFirewall({ kind: 'netns', name: lab.host }, renderNftScript(ruleset, 'replace'))
}

function peerOf(r: ProbeResult): { address: string; port: number } {
  assert.ok(r.ok, `connection failed: ${r.ok ? '' : r.code}`)
  return r.peer
}

test('nat: the guest reaches the outside as the host (ports >= 1024), new inbound connections are rejected', { skip }, async () => {
  await withLab(async (lab) => {
    const before = await probe(lab.guest1, lab.outside, LAB.outsideV4, { timeoutMs: 1500 })
    assert.equal(before.ok, false, 'without NAT the outside cannot answer the guest')
    await startNetwork(lab, NAT)
    const out = peerOf(await probe(lab.guest1, lab.outside, LAB.outsideV4, { localPort: 555 }))
    assert.equal(out.address, LAB.hostUplinkV4)
    assert.ok(out.port >= 1024 && out.port <= 65535, `source port ${out.port}`)
    assert.equal(peerOf(await probe(lab.guest1, lab.guest2, LAB.guest2V4)).address, LAB.guest1V4)
    addRoute(lab.outside, '192.168.100.0/24', LAB.hostUplinkV4)
    assert.deepEqual(await probe(lab.outside, lab.guest1, LAB.guest1V4), { ok: false, code: 'ECONNREFUSED' })
  })
})

test('nat with <address> and <port>: the outside sees the snat address and a port in the range', { skip }, async () => {
  await withLab(async (lab) => {
    const nat = "<forward mode='nat'><nat><address start='198.51.100.7' end='198.51.100.7'/><port start='2000' end='2100'/></nat></forward>"
    await startNetwork(lab, networkXml(nat))
    addRoute(lab.outside, '198.51.100.0/24', LAB.hostUplinkV4)
    for (const localPort of [555, 40000]) {
      const peer = peerOf(await probe(lab.guest1, lab.outside, LAB.outsideV4, { localPort }))
      assert.equal(peer.address, '198.51.100.7')
      assert.ok(peer.port >= 2000 && peer.port <= 2100, `source port ${peer.port}`)
    }
  })
})

test('route: the outside sees the guest address, and may connect to the guest', { skip }, async () => {
  await withLab(async (lab) => {
    await startNetwork(lab, ROUTE)
    addRoute(lab.outside, '192.168.100.0/24', LAB.hostUplinkV4)
    assert.equal(peerOf(await probe(lab.guest1, lab.outside, LAB.outsideV4)).address, LAB.guest1V4)
    assert.equal(peerOf(await probe(lab.outside, lab.guest1, LAB.guest1V4)).address, LAB.outsideV4)
  })
})

test('isolated: the guest reaches its neighbour and the host, nothing outside; nothing outside reaches it', { skip }, async () => {
  await withLab(async (lab) => {
    await startNetwork(lab, ISOLATED)
    addRoute(lab.outside, '192.168.100.0/24', LAB.hostUplinkV4)
    assert.deepEqual(await probe(lab.guest1, lab.outside, LAB.outsideV4), { ok: false, code: 'ECONNREFUSED' })
    assert.deepEqual(await probe(lab.outside, lab.guest1, LAB.guest1V4), { ok: false, code: 'ECONNREFUSED' })
    assert.equal(peerOf(await probe(lab.guest1, lab.guest2, LAB.guest2V4)).address, LAB.guest1V4)
    // the host's own services on the bridge (dnsmasq's DNS here) need no input rule
    assert.equal(peerOf(await probe(lab.guest1, lab.host, LAB.bridgeV4, { port: 53 })).address, LAB.guest1V4)
  })
})

test('open: no chains of its own (stale ones are removed), traffic flows unfiltered and unNATed', { skip }, async () => {
  await withLab(async (lab) => {
    await startNetwork(lab, NAT)
    assert.equal((await listHostnetFirewalls({ kind: 'netns', name: lab.host })).length, 1)
    await startNetwork(lab, OPEN)
    assert.deepEqual(await listHostnetFirewalls({ kind: 'netns', name: lab.host }), [])
    assert.equal(rulesetOf(lab.host), 'table inet hostnet {\n}\n')
    addRoute(lab.outside, '192.168.100.0/24', LAB.hostUplinkV4)
    assert.equal(peerOf(await probe(lab.guest1, lab.outside, LAB.outsideV4)).address, LAB.guest1V4)
  })
})

test('IPv6: routed on a nat network without <nat ipv6>, masqueraded with it (IPv4 NAT unchanged)', { skip }, async () => {
  await withLab(async (lab) => {
    addRoute(lab.outside, 'fd00:100::/64', LAB.hostUplinkV6)
    await startNetwork(lab, networkXml("<forward mode='nat'/>", V6_IP))
    assert.equal(peerOf(await probe(lab.guest1, lab.outside, LAB.outsideV6)).address, LAB.guest1V6)
    await startNetwork(lab, networkXml("<forward mode='nat'><nat ipv6='yes'/></forward>", V6_IP))
    assert.equal(peerOf(await probe(lab.guest1, lab.outside, LAB.outsideV6)).address, LAB.hostUplinkV6)
    assert.equal(peerOf(await probe(lab.guest1, lab.outside, LAB.outsideV4)).address, LAB.hostUplinkV4)
    assert.deepEqual(await probe(lab.outside, lab.guest1, LAB.guest1V6), { ok: false, code: 'ECONNREFUSED' })
  })
})

test('no namespace is left behind', () => {
  assert.deepEqual(leakedNetns(), [])
})
