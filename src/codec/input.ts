/**
 * Turning the bytes of an input document (a file, standard input, an HTTP request body) into text: at most
 * MAX_DOCUMENT_BYTES, and valid UTF-8 or refused. Invalid bytes are never replaced with U+FFFD: a network named
 * `"\uFFFD("` would be a different name than the one the user wrote, stored and shown as if it were theirs.
 * @module
 */
import { ValidationError } from '../errors.js'
import { MAX_DOCUMENT_BYTES, tooLargeError } from './limits.js'

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence (only called on failure). */
export function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]!
    let n: number
    let min: number
    if (c < 0x80) {
      i++
      continue
    } else if (c >= 0xc2 && c <= 0xdf) (n = 1), (min = 0x80)
    else if (c >= 0xe0 && c <= 0xef) (n = 2), (min = 0x800)
    else if (c >= 0xf0 && c <= 0xf4) (n = 3), (min = 0x10000)
    else return i
    let cp = c & (0x3f >> n)
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]
      if (d === undefined || (d & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (d & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += n + 1
  }
  return -1
}

/** The text of `bytes`, or a ValidationError naming `what` when it is too large or not valid UTF-8. */
export function decodeDocument(bytes: Uint8Array, what: string, limit = MAX_DOCUMENT_BYTES): string {
  if (bytes.length > limit) throw tooLargeError(what, bytes.length, limit)
  try {
    return strict.decode(bytes)
  } catch {
    const at = invalidUtf8Offset(bytes)
    throw new ValidationError(`${what} is not valid UTF-8 (byte ${at} is not part of a valid sequence)`, { value: at, path: '' })
  }
}
