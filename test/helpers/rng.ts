/**
 * RelaxNG validation of generated XML against libvirt's schemas with xmllint (Debian libxml2-utils),
 * one xmllint process for a whole batch of documents.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { conformanceDir } from './paths.js'

export interface RngResult {
  name: string
  ok: boolean
  errors: string[]
}

/** Path of a schema in the conformance corpus, e.g. `network.rng` or `domain/domain.rng`. */
export function schemaPath(schema: string): string {
  return join(conformanceDir(), 'schemas', schema)
}

export function rngValidate(schema: string, docs: ReadonlyArray<{ name: string; xml: string }>): RngResult[] {
  return rngValidateFile(schemaPath(schema), docs)
}

/**
 * Like rngValidate, for schemas whose includes span `schemas/` and `schemas/domain/` (domain/domain.rng includes
 * basictypes.rng, networkcommon.rng, … by bare name, as libvirt installs them side by side): validates against
 * a temporary directory of symlinks to both folders' schemas, e.g. `rngValidateFlat('domain.rng', docs)`.
 */
export function rngValidateFlat(schema: string, docs: ReadonlyArray<{ name: string; xml: string }>): RngResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-rngschema-'))
  try {
    for (const sub of [schemaPath('.'), schemaPath('domain')]) {
      for (const f of readdirSync(sub)) if (f.endsWith('.rng')) symlinkSync(join(sub, f), join(dir, f))
    }
    return rngValidateFile(join(dir, schema), docs)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function rngValidateFile(schemaFile: string, docs: ReadonlyArray<{ name: string; xml: string }>): RngResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'hostnet-rng-'))
  try {
    const files = docs.map((d, i) => {
      const f = join(dir, `${i}.xml`)
      writeFileSync(f, d.xml)
      return f
    })
    const r = spawnSync('xmllint', ['--noout', '--relaxng', schemaFile, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 })
    if (r.error) throw r.error
    const errs = new Map<string, string[]>()
    const bad = new Set<string>()
    for (const line of r.stderr.split('\n')) {
      const m = /^(\S+\.xml)(:\d+:|\s)(.*)$/.exec(line)
      if (!m) continue
      const f = m[1]!
      if (line.endsWith(' validates')) continue
      if (line.endsWith(' fails to validate')) bad.add(f)
      else errs.set(f, [...(errs.get(f) ?? []), m[3]!.trim()])
    }
    return docs.map((d, i) => {
      const f = files[i]!
      return { name: d.name, ok: !bad.has(f) && !errs.has(f), errors: errs.get(f) ?? [] }
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
