import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RecordingRunner } from '../../sys/exec.js'
import { ApplyError } from '../backend.js'
import type { HostOp } from '../../plan/ops.js'
import { applyHostOps } from './apply.js'
import { blamedToken, parseBatchFailure } from './batch-failure.js'
import { capsFromProbeOutput, CAPS_PROBES } from './caps.js'
import { Iproute2Backend } from './index.js'

const target = { kind: 'netns', name: 'ns1' } as const

const ops: HostOp[] = [
  { kind: 'link.create', iface: { name: 'br0', type: 'linux-bridge' } },
  { kind: 'link.set-state', name: 'br0', state: 'up' },
  { kind: 'link.set-mtu', name: 'br0', mtu: 99999 },
  { kind: 'link.set-state', name: 'br0', state: 'down' },
]

test('one ip -batch run with every line on stdin', async () => {
  const runner = new RecordingRunner()
  await new Iproute2Backend({ runner }).apply(target, ops)
  assert.equal(runner.calls.length, 1)
  assert.deepEqual(runner.calls[0]?.argv, ['ip', '-n', 'ns1', '-batch', '-'])
  assert.equal(runner.calls[0]?.opts.input, 'link add name br0 type bridge\nlink set dev br0 up\nlink set dev br0 mtu 99999\nlink set dev br0 down\n')
  await new Iproute2Backend({ runner }).apply(target, [])
  assert.equal(runner.calls.length, 1, 'nothing to do: no process')
})

test('a failing line is blamed on its op: appliedCount, failedIndex and the kernel message naming the interface', async () => {
  const runner = new RecordingRunner(() => ({ exitCode: 1, stderr: 'Error: mtu greater than device maximum.\nCommand failed -:3\n' }))
  await assert.rejects(new Iproute2Backend({ runner }).apply(target, ops), (e: unknown) => {
    assert.ok(e instanceof ApplyError)
    assert.equal(e.appliedCount, 2)
    assert.equal(e.failedIndex, 2)
    assert.equal(e.message, "network namespace 'ns1': cannot set the mtu of 'br0' to 99999: Error: mtu greater than device maximum.")
    return true
  })
})

test('a bulk delete failing half-way moves the grouped links back to the default group', async () => {
  const del: HostOp[] = [
    { kind: 'link.set-state', name: 'x', state: 'up' },
    { kind: 'link.delete', names: ['a', 'b', 'c'] },
  ]
  const runner = new RecordingRunner((argv) => (argv.includes('-force') ? {} : { exitCode: 1, stderr: 'Cannot find device "c"\nCommand failed -:4\n' }))
  await assert.rejects(applyHostOps(runner, target, del, { deleteGroup: 9 }), (e: unknown) => e instanceof ApplyError && e.appliedCount === 1)
  assert.equal(runner.calls.length, 2)
  assert.deepEqual(runner.calls[1]?.argv, ['ip', '-n', 'ns1', '-force', '-batch', '-'])
  assert.equal(runner.calls[1]?.opts.input, 'link set dev a group default\nlink set dev b group default\nlink set dev c group default\n')
})

test('an immediate exit without a line number is blamed on the first line using the named argument', async () => {
  const attach: HostOp[] = [
    { kind: 'link.set-state', name: 'v0', state: 'up' },
    { kind: 'link.set-controller', name: 'v0', controller: 'br9' },
  ]
  const runner = new RecordingRunner(() => ({ exitCode: 255, stderr: 'Error: argument "br9" is wrong: Device does not exist\n\n' }))
  await assert.rejects(applyHostOps(runner, target, attach), (e: unknown) => {
    return e instanceof ApplyError && e.appliedCount === 1 && /attach 'v0' to controller 'br9'.*Device does not exist/.test(e.message)
  })
  const unknown = new RecordingRunner(() => ({ exitCode: 255, stderr: 'Segmentation fault\n' }))
  await assert.rejects(applyHostOps(unknown, target, attach), (e: unknown) => {
    return e instanceof ApplyError && e.appliedCount === 0 && e.failedIndex === undefined && /could not be determined/.test(e.message)
  })
})

test('a missing namespace is not-found, not a failed op', async () => {
  const runner = new RecordingRunner(() => ({ exitCode: 1, stderr: 'Cannot open network namespace "ns1": No such file or directory\n' }))
  await assert.rejects(applyHostOps(runner, target, ops), (e: unknown) => !(e instanceof ApplyError) && (e as { kind?: string }).kind === 'not-found')
})

test('batch failure parsing', () => {
  const f = parseBatchFailure('vxlan: destination port not specified\nWill use Linux kernel default\nRTNETLINK answers: File exists\nCommand failed -:2\n', ['a', 'b', 'c'])
  assert.deepEqual(f, { lineIndex: 1, message: 'RTNETLINK answers: File exists' })
  assert.equal(parseBatchFailure('Command failed -:9\n', ['a']).lineIndex, undefined)
  assert.equal(blamedToken('Cannot find device "eth7"'), 'eth7')
})

test('kernel caps from the probe output', () => {
  const bondLine = CAPS_PROBES.findIndex((p) => p.proves === 'bond') + 1
  const filtering = CAPS_PROBES.findIndex((p) => p.proves === 'vlan-filtering') + 1
  const caps = capsFromProbeOutput(`Error: Unknown device type.\nCommand failed -:${bondLine}\nRTNETLINK answers: Operation not supported\nCommand failed -:${filtering}\n`)
  assert.equal(caps.creatableKinds?.has('bond'), false)
  assert.equal(caps.creatableKinds?.has('veth'), true)
  assert.equal(caps.bridgeVlanFiltering, false)
})
