import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ValidationError } from '../../errors.js'
import { dnsmasqPaths, networkFileNameProblem, networkFileStem } from './names.js'
import { parseDnsmasqVersion } from './caps.js'

test('plain names are their own stem; libvirt-escaped characters and # become entities', () => {
  assert.equal(networkFileStem('default'), 'default')
  assert.equal(networkFileStem('default"with"quotes"'), 'default&quot;with&quot;quotes&quot;')
  assert.equal(networkFileStem(`<a&b'c>#`), '&lt;a&amp;b&apos;c&gt;&#35;')
  assert.equal(networkFileStem('.hidden net'), '.hidden net')
})

test('names that are not file names are rejected naming the network', () => {
  for (const bad of ['', '.', '..', '../x', 'a/b', 'a\nb', 'a\0b', 'a\rb', 'x'.repeat(240)]) {
    assert.throws(
      () => networkFileStem(bad),
      (e: unknown) => e instanceof ValidationError && e.message.startsWith('invalid network name') && e.path === '/network/name',
      JSON.stringify(bad),
    )
  }
  assert.equal(networkFileNameProblem('x'.repeat(239)), undefined)
  assert.equal(networkFileNameProblem('&'.repeat(47)), undefined)
  assert.equal(networkFileNameProblem('&'.repeat(48)), 'is too long for a file name')
})

test('property: every accepted stem is one path component, and different names never share a stem', () => {
  const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })
  fc.assert(
    fc.property(name, name, (a, b) => {
      if (networkFileNameProblem(a) !== undefined || networkFileNameProblem(b) !== undefined) return
      const sa = networkFileStem(a)
      assert.ok(!sa.includes('/') && !sa.includes('"') && !sa.includes('#') && sa !== '.' && sa !== '..')
      if (a !== b) assert.notEqual(sa, networkFileStem(b))
    }),
  )
})

test('paths of a network stay in the directory', () => {
  assert.deepEqual(dnsmasqPaths('/var/lib/hostnet/dnsmasq/', 'default'), {
    dir: '/var/lib/hostnet/dnsmasq/',
    conf: '/var/lib/hostnet/dnsmasq/default.conf',
    hostsfile: '/var/lib/hostnet/dnsmasq/default.hostsfile',
    addnhosts: '/var/lib/hostnet/dnsmasq/default.addnhosts',
    pid: '/var/lib/hostnet/dnsmasq/default.pid',
    leases: '/var/lib/hostnet/dnsmasq/default.leases',
  })
  assert.throws(() => dnsmasqPaths('/d', '../etc/passwd'), ValidationError)
})

test('dnsmasq versions: bare, with micro, with a suffix, and the --version line', () => {
  assert.deepEqual(parseDnsmasqVersion('2.90'), { major: 2, minor: 90, micro: 0 })
  assert.deepEqual(parseDnsmasqVersion('2.89.1'), { major: 2, minor: 89, micro: 1 })
  assert.deepEqual(parseDnsmasqVersion('2.91test3'), { major: 2, minor: 91, micro: 0 })
  assert.deepEqual(parseDnsmasqVersion('Dnsmasq version 2.90  Copyright (c) 2000-2024 Simon Kelley\n'), { major: 2, minor: 90, micro: 0 })
  assert.throws(() => parseDnsmasqVersion('version two'), ValidationError)
})
