/**
 * Size limits of every input hostnet parses, in one place: the CLI's input reader, the REST API's body reader and
 * the parsers themselves check the same numbers. Past a limit the input is refused with a ValidationError
 * (exit status 2, HTTP 400/413) before it is parsed, so no input can stall a parser or exhaust memory.
 *
 * | input | limit |
 * |---|---|
 * | one document (libvirt XML, YAML, JSON), file, stdin or request body | {@link MAX_DOCUMENT_BYTES} (10 MiB, virsh's own limit) |
 * | nesting of XML elements | {@link MAX_XML_DEPTH} |
 * | nesting of YAML/JSON collections | {@link MAX_STATE_DEPTH} |
 * | a YAML document outside the plain subset (anchors, tags, block scalars, ...) | {@link MAX_YAML_GENERAL_BYTES} |
 * | values quoted in error messages | errors.ts `MESSAGE_VALUE_MAX_CHARS` (cut in the middle) |
 *
 * Parsers are linear in their input below these limits (test/harden/parser-fuzz.test.ts: a document of the
 * limit's size parses, or is refused, within a second of CPU).
 * @module
 */
import { ValidationError } from '../errors.js'

/** Largest document hostnet reads: 10 MiB, as `virsh` (VSH_MAX_XML_FILE) and the API request body limit. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
/** Deepest element nesting of an XML document (libvirt's documents nest fewer than 10 deep). */
export const MAX_XML_DEPTH = 256
/** Deepest nesting of maps and lists in a YAML or JSON desired-state document (the schema needs fewer than 10). */
export const MAX_STATE_DEPTH = 64
/**
 * Largest YAML document read by the general YAML library (documents that use anchors, tags, block scalars or
 * other syntax beyond the plain subset). The library takes about 2 ms per KiB; plain documents of any size up to
 * MAX_DOCUMENT_BYTES take hostnet's linear reader.
 */
export const MAX_YAML_GENERAL_BYTES = 256 * 1024

/** `n` bytes as text for messages (`10 MiB`, `256 KiB`). */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`
  return `${n} bytes`
}

/** The error for an input of `size` (bytes, or characters for text already decoded) over `limit`. */
export function tooLargeError(what: string, size: number, limit = MAX_DOCUMENT_BYTES, unit = 'bytes'): ValidationError {
  return new ValidationError(`${what} is too large: ${size} ${unit}, the limit is ${formatBytes(limit)}`, {
    value: size,
    path: '',
  })
}

/**
 * Refuse a decoded document longer than the limit. A string's length (UTF-16 units) never exceeds its UTF-8 size,
 * so whatever passed a reader's byte limit passes here; this catches text handed over in-process (the API, tests).
 */
export function checkDocumentSize(text: string, what: string, limit = MAX_DOCUMENT_BYTES): void {
  if (text.length > limit) throw tooLargeError(what, text.length, limit, 'characters')
}
