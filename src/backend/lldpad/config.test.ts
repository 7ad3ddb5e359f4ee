import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderLldpadConf } from './config.js'

test('the private lldpad configuration: EVB (ratified TLV) per interface in its role, set before lldpad starts', () => {
  const conf = renderLldpadConf([{ ifname: 'eth0', role: 'station' }, { ifname: 'sw0', role: 'bridge' }])
  assert.match(conf, /nearest_customer_bridge :\n\{\n {2}eth0 :\n {2}\{\n {4}adminStatus = 3;\n {4}tlvid0080c20d :/)
  assert.match(conf, /eth0 :[^]*evbmode = "station";\n {6}evbrrcap = false;/)
  assert.match(conf, /sw0 :[^]*evbmode = "bridge";\n {6}evbrrcap = true;/)
  assert.doesNotMatch(renderLldpadConf([]), /nearest_customer_bridge/)
})

test('interface names that would break the file are refused', () => {
  for (const bad of ['', 'a b', 'x"y', '0eth', 'a'.repeat(16), 'eth0;']) {
    assert.throws(() => renderLldpadConf([{ ifname: bad, role: 'station' }]), /invalid EVB interface/, bad)
  }
})
