/** dnsmasq's lease script (cli/dhcp-event.ts): add and del are recorded by actor dnsmasq; old is not a change. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { main } from '../../src/cli/dhcp-event.js'
import { DHCP_EVENT_ENV } from '../../src/driver/network/index.js'
import { openStore } from '../../src/store/index.js'
import { tempDir } from './cli-helpers.js'

test('lease script: add and del are recorded, old and tftp are not; client values are cleaned; no environment: exit 1', () => {
  const dir = tempDir('hostnet-dhcp-event-')
  try {
    const stateDir = join(dir.path, 'state')
    const env = { [DHCP_EVENT_ENV.stateDir]: stateDir, [DHCP_EVENT_ENV.target]: 'netns:lab', [DHCP_EVENT_ENV.network]: 'default' }
    assert.equal(main(['add', '52:54:00:AA:00:01', '192.0.2.10', 'vm1'], env), 0)
    assert.equal(main(['old', '52:54:00:aa:00:01', '192.0.2.10', 'vm1'], env), 0)
    assert.equal(main(['tftp', '1234', '192.0.2.10', '/boot'], env), 0)
    assert.equal(main(['add', '00:01:00:01:2c:1f:aa:bb:52:54:00:aa:00:03', '2001:db8::10', `evil\n${'x'.repeat(500)}`], env), 0)
    assert.equal(main(['del', '52:54:00:aa:00:01', '192.0.2.10'], env), 0)
    assert.equal(main(['add', '52:54:00:aa:00:02', '192.0.2.11'], {}), 1)
    assert.equal(main(['add', '52:54:00:aa:00:02', '192.0.2.11'], { ...env, [DHCP_EVENT_ENV.target]: 'netns:../x' }), 1)
    const store = openStore(stateDir)
    try {
      const recs = store.changes.list({ afterId: 0 })
      assert.deepEqual(
        recs.map((r) => [r.kind, r.target, r.object, r.actor, r.outcome]),
        [
          ['dhcp.lease-granted', 'netns:lab', 'default', 'dnsmasq', 'ok'],
          ['dhcp.lease-granted', 'netns:lab', 'default', 'dnsmasq', 'ok'],
          ['dhcp.lease-released', 'netns:lab', 'default', 'dnsmasq', 'ok'],
        ],
      )
      assert.deepEqual(recs[0]?.detail, { ip: '192.0.2.10', mac: '52:54:00:aa:00:01', hostname: 'vm1' })
      const v6 = recs[1]?.detail as { client: string; hostname: string }
      assert.equal(v6.client, '00:01:00:01:2c:1f:aa:bb:52:54:00:aa:00:03')
      assert.ok(v6.hostname.startsWith('evil?x') && v6.hostname.length <= 64)
      assert.deepEqual(recs[2]?.detail, { ip: '192.0.2.10', mac: '52:54:00:aa:00:01' })
    } finally {
      store.close()
    }
  } finally {
    dir.remove()
  }
})
