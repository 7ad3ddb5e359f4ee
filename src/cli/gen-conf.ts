/**
 * `hostnet gen-conf --format nm-keyfile|networkd|ifupdown|ifcfg [DOC] [--saved --netns NAME|--host] [--write DIR]`:
 * a desired-state document (or a target's saved state) as the files those tools read (codec/native), printed
 * (each under a `# FILE` line) or written into DIR. Touches no interface.
 * @module
 */
import type { Command } from 'commander'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HostnetError, ValidationError } from '../errors.js'
import { parseDesiredState } from '../codec/yaml/state.js'
import { nativeText, NATIVE_DIRS, NATIVE_FORMATS, parseNativeFormat, renderNative } from '../codec/native/index.js'
import type { DesiredState } from '../model/host/state.js'
import { addTargetOptions, documentFormat, readInput, resolveTarget, type TargetFlags } from './common.js'
import { printJson } from './output.js'

interface GenConfFlags extends TargetFlags {
  format?: string
  saved?: boolean
  write?: string
}

async function documentOf(file: string | undefined, flags: GenConfFlags): Promise<DesiredState> {
  if (flags.saved === true) {
    if (file !== undefined) throw new ValidationError('gen-conf takes a document or --saved, not both', { path: 'file', value: file })
    const target = resolveTarget(flags)
    const { withRuntime } = await import('./runtime.js')
    const { savedDocument } = await import('../service/saved.js')
    const doc = await withRuntime(flags, async (rt) => savedDocument(rt, target), { networks: false })
    if (doc === undefined) throw new HostnetError('not-found', 'nothing is saved for that target: no transaction was committed there')
    return doc
  }
  if (file === undefined) throw new ValidationError('gen-conf needs a document (or --saved with a target)', { path: 'file' })
  const text = await readInput(file)
  return parseDesiredState(text, { format: documentFormat(file, text) })
}

export function registerGenConfCommand(program: Command): void {
  const cmd = program
    .command('gen-conf')
    .description('render a desired state (or the saved one) as native configuration files: nm-keyfile, networkd, ifupdown or ifcfg')
    .argument('[file]', 'YAML or JSON document, or - for standard input')
    .requiredOption('--format <format>', NATIVE_FORMATS.join('|'))
    .option('--saved', "the target's saved state instead of a document")
    .option('--write <dir>', 'write the files into DIR instead of printing them')
  addTargetOptions(cmd).action(async (file: string | undefined, flags: GenConfFlags) => {
    const format = parseNativeFormat(flags.format ?? '')
    const files = renderNative(await documentOf(file, flags), format)
    if (flags.write !== undefined) {
      mkdirSync(flags.write, { recursive: true })
      for (const f of files) writeFileSync(join(flags.write, f.path), f.text, { mode: format === 'nm-keyfile' ? 0o600 : 0o644 })
    }
    if (flags.json === true) printJson({ format, directory: NATIVE_DIRS[format], files })
    else if (flags.write !== undefined) process.stdout.write(`wrote ${files.length} file(s) to ${flags.write} (on a host using ${format}: ${NATIVE_DIRS[format]})\n`)
    else process.stdout.write(nativeText(files))
  })
}
