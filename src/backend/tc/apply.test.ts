import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CommandError } from '../../errors.js'
import { RecordingRunner } from '../../sys/exec.js'
import { applyOvsQos, applyShapingCommands } from './apply.js'
import { renderInterfaceBandwidth } from './render-interface.js'
import { parseClassLine, parseFilterText, parseTcRate, parseTcSize } from './query.js'

test('apply runs argv in the namespace; clearing steps may fail, others stop the sequence', async () => {
  const runner = new RecordingRunner((argv) => ({ exitCode: argv.includes('del') ? 2 : 0 }))
  const cmds = renderInterfaceBandwidth('vnet0', { outbound: { average: 10 } }, { swapped: true })
  const done = await applyShapingCommands(runner, cmds, { netns: 'ns1' })
  assert.deepEqual(done.map((d) => d.exitCode), [2, 2, 0, 0])
  assert.ok(runner.calls.every((c) => c.opts.netns === 'ns1'))
  const failing = new RecordingRunner((argv) => ({ exitCode: argv[1] === 'filter' ? 1 : 0, stderr: 'RTNETLINK answers: nope' }))
  await assert.rejects(applyShapingCommands(failing, cmds), CommandError)
  assert.equal(failing.calls.length, 4)
})

test('applyOvsQos answers the look-ups before rendering', async () => {
  const runner = new RecordingRunner((argv) => ({ stdout: argv.includes('find') && argv.includes('queue') ? 'abc-queue\n' : '' }))
  await applyOvsQos(runner, 'vnet0', { inbound: { average: 1 } }, 'vm', { swapped: true })
  const sets = runner.calls.map((c) => c.argv.join(' ')).filter((l) => l.includes(' set '))
  assert.match(sets[0]!, /set queue abc-queue other_config:min-rate=8000/)
  assert.match(sets[1]!, /set Interface vnet0 ingress_policing_rate=0 ingress_policing_burst=0/)
})

test('tc text parsers: SI rates, binary sizes, htb class lines', () => {
  assert.equal(parseTcRate('8192Kbit'), 1_024_000)
  assert.equal(parseTcRate('34359Mbit'), 4_294_875_000)
  assert.equal(parseTcSize('4Kb'), 4096)
  assert.equal(parseTcSize('1597b/1'), 1597)
  assert.equal(parseTcSize('1Mb'), 1048576)
  assert.throws(() => parseTcRate('fast'), /cannot parse tc rate/)
  const c = parseClassLine('class htb 1:a parent 1:1 leaf a: prio 0 quantum 8 rate 800Kbit ceil 16384Kbit linklayer ethernet burst 1600b/1 mpu 0b cburst 1597b/1 mpu 0b level 0')
  assert.deepEqual(c, { kind: 'htb', classid: '1:a', parent: '1:1', leaf: 'a:', prio: 0, quantum: 8, rateBytesPerSec: 100000, ceilBytesPerSec: 2048000, burstBytes: 1600, cburstBytes: 1597 })
  assert.equal(parseClassLine('class htb 1:1 root rate 8192Kbit ceil 8192Kbit burst 1598b cburst 1598b')?.parent, 'root')
  assert.equal(parseClassLine('qdisc htb 1: root'), undefined)
})

test('tc filter text: fw and u32 filters, matches and police actions', () => {
  const fw = parseFilterText('filter parent 1: protocol all pref 1 fw chain 0 \nfilter parent 1: protocol all pref 1 fw chain 0 handle 0x1 classid :1 \n')
  assert.deepEqual(fw[1], { kind: 'fw', parent: '1:', protocol: 'all', pref: 1, handle: '0x1', flowid: ':1', matches: [] })
  const u32 = parseFilterText(
    [
      'filter protocol all pref 49152 u32 chain 0 fh 800::800 order 2048 key ht 800 bkt 0 *flowid :1 not_in_hw ',
      '  match 00000000/00000000 at 0',
      ' police 0x1 rate 8192Kbit burst 1Mb mtu 64Kb action drop overhead 0b ',
      '\tref 1 bind 1 ',
    ].join('\n'),
  )
  assert.deepEqual(u32, [
    {
      kind: 'u32', protocol: 'all', pref: 49152, handle: '800::800', flowid: ':1',
      matches: [{ value: '00000000', mask: '00000000', at: 0 }],
      police: { rateBytesPerSec: 1_024_000, burstBytes: 1048576, mtuBytes: 65536, action: 'drop' },
    },
  ])
})
