/**
 * Kimchi's field filters (`interfaces?type=^nic|bonding|vlan$`, `module=^(?!mlx5_core|mlx5-core).*$`) are
 * Python regular expressions applied with `re.match` (anchored at the start, not at the end). A client's pattern
 * must not be able to hang the server, so it is not handed to a backtracking engine: it is parsed here and run as
 * a Thompson NFA (a set of states advanced one character at a time), which costs O(subject × states) whatever the
 * pattern. Lookaheads run the same way from their position, memoised per position.
 *
 * Supported: literals and escapes (`\.` `\d` `\w` `\s` `\D` `\W` `\S` `\b` `\B` `\A` `\Z` `\n` `\t` `\xhh` `\uhhhh`),
 * `.`, classes (`[a-z_]`, `[^...]`), groups (`(...)`, `(?:...)`, `(?P<name>...)`), `|`, `* + ? {n} {n,} {n,m}`
 * (lazy forms too: for "does it match" laziness changes nothing), `^ $`, `(?=...)` and `(?!...)`.
 * Refused with a RegexError: back-references, lookbehind, inline flags, and patterns over the size limits.
 * @module
 */

export const REGEX_MAX_PATTERN_CHARS = 512
/** NFA states after expanding counted repetitions (`a{1000}` is 1000 states). */
export const REGEX_MAX_STATES = 20_000
const MAX_COUNT = 1000

export class RegexError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RegexError'
  }
}

type CharTest = (cp: number) => boolean

type Node =
  | { t: 'char'; test: CharTest }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number }
  | { t: 'assert'; check: 'start' | 'end' | 'end-py' | 'word' | 'not-word' }
  | { t: 'look'; negative: boolean; node: Node }

const isDigit: CharTest = (c) => (c >= 0x30 && c <= 0x39) || (c > 0x7f && /\p{Nd}/u.test(String.fromCodePoint(c)))
const isWord: CharTest = (c) => c === 0x5f || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c > 0x7f && /[\p{L}\p{N}]/u.test(String.fromCodePoint(c)))
const isSpace: CharTest = (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x1c || c === 0x1d || c === 0x1e || c === 0x1f || c === 0x85 || (c > 0x7f && /\s/u.test(String.fromCodePoint(c)))
const not = (f: CharTest): CharTest => (c) => !f(c)

class Parser {
  private i = 0
  constructor(private readonly cps: readonly number[], private readonly src: string) {}

  fail(what: string): never {
    throw new RegexError(`invalid pattern '${this.src.slice(0, 80)}': ${what} at position ${this.i}`)
  }

  private peek(k = 0): number | undefined {
    return this.cps[this.i + k]
  }

  private eat(cp: number): boolean {
    if (this.cps[this.i] === cp) {
      this.i++
      return true
    }
    return false
  }

  parse(): Node {
    const n = this.alternation()
    if (this.i < this.cps.length) this.fail(this.peek() === 0x29 ? "unbalanced ')'" : 'unexpected character')
    return n
  }

  private alternation(): Node {
    const options = [this.sequence()]
    while (this.eat(0x7c)) options.push(this.sequence())
    return options.length === 1 ? options[0]! : { t: 'alt', options }
  }

  private sequence(): Node {
    const items: Node[] = []
    for (;;) {
      const c = this.peek()
      if (c === undefined || c === 0x7c || c === 0x29) break
      const atom = this.atom()
      items.push(this.quantified(atom))
    }
    return { t: 'seq', items }
  }

  private quantified(atom: Node): Node {
    let node = atom
    for (;;) {
      const c = this.peek()
      let min: number
      let max: number
      if (c === 0x2a) [min, max] = [0, Infinity]
      else if (c === 0x2b) [min, max] = [1, Infinity]
      else if (c === 0x3f) [min, max] = [0, 1]
      else if (c === 0x7b) {
        const counted = this.counted()
        if (counted === undefined) return node // a literal '{', as Python reads it
        ;[min, max] = counted
      } else return node
      if (c !== 0x7b) this.i++
      if (node.t === 'assert' || node.t === 'look') this.fail('nothing to repeat')
      if (node.t === 'repeat') this.fail('multiple repeat')
      this.eat(0x3f) // lazy: the same language
      if (this.peek() === 0x2b) this.fail('possessive quantifiers are not supported')
      node = { t: 'repeat', node, min, max }
    }
  }

  /** `{n}`, `{n,}`, `{,m}`, `{n,m}` at the cursor (consumed), or undefined (a literal brace). */
  private counted(): [number, number] | undefined {
    const start = this.i
    this.i++
    const num = (): number | undefined => {
      let s = ''
      while (this.peek() !== undefined && this.peek()! >= 0x30 && this.peek()! <= 0x39) s += String.fromCodePoint(this.cps[this.i++]!)
      return s === '' ? undefined : Number(s)
    }
    const lo = num()
    let hi = lo
    if (this.eat(0x2c)) hi = num() ?? Infinity
    if (!this.eat(0x7d) || (lo === undefined && hi === undefined)) {
      this.i = start
      return undefined
    }
    const min = lo ?? 0
    if (min > MAX_COUNT || (hi !== Infinity && hi! > MAX_COUNT)) this.fail(`repeat count over ${MAX_COUNT}`)
    if (hi! < min) this.fail('min repeat greater than max repeat')
    return [min, hi!]
  }

  private atom(): Node {
    const c = this.cps[this.i++]!
    switch (c) {
      case 0x2e:
        return { t: 'char', test: (x) => x !== 0x0a }
      case 0x5e:
        return { t: 'assert', check: 'start' }
      case 0x24:
        return { t: 'assert', check: 'end-py' }
      case 0x5b:
        return this.charClass()
      case 0x28:
        return this.group()
      case 0x5c:
        return this.escape(false)
      case 0x2a:
      case 0x2b:
      case 0x3f:
        return this.fail('nothing to repeat')
      default:
        return { t: 'char', test: (x) => x === c }
    }
  }

  private group(): Node {
    let look: boolean | undefined
    if (this.eat(0x3f)) {
      const k = this.cps[this.i++]
      if (k === 0x3a) look = undefined
      else if (k === 0x3d) look = false
      else if (k === 0x21) look = true
      else if (k === 0x50 && this.eat(0x3c)) {
        while (this.peek() !== undefined && this.peek() !== 0x3e) this.i++
        if (!this.eat(0x3e)) this.fail('unterminated group name')
      } else if (k === 0x3c) this.fail('lookbehind is not supported')
      else this.fail('unsupported group or inline flag')
    }
    const inner = this.alternation()
    if (!this.eat(0x29)) this.fail("missing ')'")
    return look === undefined ? inner : { t: 'look', negative: look, node: inner }
  }

  /** After a backslash; `inClass`: a class member (no assertions there). */
  private escape(inClass: boolean): Node {
    const c = this.cps[this.i++]
    if (c === undefined) this.fail('trailing backslash')
    const ch = String.fromCodePoint(c)
    const char = (test: CharTest): Node => ({ t: 'char', test })
    const lit = (cp: number): Node => char((x) => x === cp)
    switch (ch) {
      case 'd':
        return char(isDigit)
      case 'D':
        return char(not(isDigit))
      case 'w':
        return char(isWord)
      case 'W':
        return char(not(isWord))
      case 's':
        return char(isSpace)
      case 'S':
        return char(not(isSpace))
      case 'n':
        return lit(0x0a)
      case 't':
        return lit(0x09)
      case 'r':
        return lit(0x0d)
      case 'f':
        return lit(0x0c)
      case 'v':
        return lit(0x0b)
      case 'a':
        return lit(0x07)
      case 'x':
        return lit(this.hex(2))
      case 'u':
        return lit(this.hex(4))
      case 'U':
        return lit(this.hex(8))
      case 'b':
        return inClass ? lit(0x08) : { t: 'assert', check: 'word' }
      case 'B':
        if (inClass) this.fail('bad escape \\B')
        return { t: 'assert', check: 'not-word' }
      case 'A':
        if (inClass) this.fail('bad escape \\A')
        return { t: 'assert', check: 'start' }
      case 'Z':
        if (inClass) this.fail('bad escape \\Z')
        return { t: 'assert', check: 'end' }
      case '0':
        return lit(0)
      default:
        if (/[1-9]/.test(ch)) this.fail('back-references are not supported')
        if (/[A-Za-z]/.test(ch)) this.fail(`bad escape \\${ch}`)
        return lit(c)
    }
  }

  private hex(n: number): number {
    let s = ''
    for (let k = 0; k < n; k++) {
      const c = this.cps[this.i++]
      if (c === undefined || !/[0-9a-fA-F]/.test(String.fromCodePoint(c))) this.fail('incomplete escape')
      s += String.fromCodePoint(c)
    }
    const v = parseInt(s, 16)
    if (v > 0x10ffff) this.fail('escape out of range')
    return v
  }

  private charClass(): Node {
    const negated = this.eat(0x5e)
    const members: CharTest[] = []
    let first = true
    for (;;) {
      const c = this.peek()
      if (c === undefined) this.fail('unterminated character set')
      if (c === 0x5d && !first) {
        this.i++
        break
      }
      first = false
      const lo = this.classAtom()
      if (this.peek() === 0x2d && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.i++
        const hi = this.classAtom()
        if (typeof lo !== 'number' || typeof hi !== 'number') this.fail('bad character range')
        if (hi < lo) this.fail('bad character range')
        members.push((x) => x >= lo && x <= hi)
      } else members.push(typeof lo === 'number' ? (x) => x === lo : lo)
    }
    const inSet: CharTest = (x) => members.some((m) => m(x))
    return { t: 'char', test: negated ? not(inSet) : inSet }
  }

  /** One class member: a code point, or a test (`\d` and the like). */
  private classAtom(): number | CharTest {
    const c = this.cps[this.i++]!
    if (c !== 0x5c) return c
    const start = this.i
    const n = this.escape(true)
    if (n.t !== 'char') this.fail('bad escape in character set')
    const ch = String.fromCodePoint(this.cps[start]!)
    if ('dDwWsS'.includes(ch)) return n.test
    // a single code point escape: find it by probing is awkward, so re-read it
    this.i = start
    const e = this.cps[this.i++]!
    switch (String.fromCodePoint(e)) {
      case 'n':
        return 0x0a
      case 't':
        return 0x09
      case 'r':
        return 0x0d
      case 'f':
        return 0x0c
      case 'v':
        return 0x0b
      case 'a':
        return 0x07
      case 'b':
        return 0x08
      case '0':
        return 0
      case 'x':
        return this.hex(2)
      case 'u':
        return this.hex(4)
      case 'U':
        return this.hex(8)
      default:
        return e
    }
  }
}

// ---- NFA -----------------------------------------------------------------

type State =
  | { k: 'char'; test: CharTest; out: number }
  | { k: 'split'; out: number; out2: number }
  | { k: 'assert'; check: 'start' | 'end' | 'end-py' | 'word' | 'not-word'; out: number }
  | { k: 'look'; negative: boolean; start: number; out: number }
  | { k: 'match' }

class Compiler {
  readonly states: State[] = []

  private add(s: State): number {
    if (this.states.length >= REGEX_MAX_STATES) throw new RegexError(`pattern too complex (over ${REGEX_MAX_STATES} states)`)
    this.states.push(s)
    return this.states.length - 1
  }

  /** Compile `n` so that it continues at state `next`; returns its entry state. */
  compile(n: Node, next: number): number {
    switch (n.t) {
      case 'char':
        return this.add({ k: 'char', test: n.test, out: next })
      case 'seq': {
        let entry = next
        for (let i = n.items.length - 1; i >= 0; i--) entry = this.compile(n.items[i]!, entry)
        return entry
      }
      case 'alt': {
        const entries = n.options.map((o) => this.compile(o, next))
        let entry = entries[entries.length - 1]!
        for (let i = entries.length - 2; i >= 0; i--) entry = this.add({ k: 'split', out: entries[i]!, out2: entry })
        return entry
      }
      case 'repeat': {
        let entry = next
        if (n.max === Infinity) {
          const loop = this.add({ k: 'split', out: -1, out2: next })
          const body = this.compile(n.node, loop)
          ;(this.states[loop] as { out: number }).out = body
          entry = loop
        } else {
          for (let i = 0; i < n.max - n.min; i++) {
            const body = this.compile(n.node, entry)
            entry = this.add({ k: 'split', out: body, out2: next })
            next = entry
          }
        }
        for (let i = 0; i < n.min; i++) entry = this.compile(n.node, entry)
        return entry
      }
      case 'assert':
        return this.add({ k: 'assert', check: n.check, out: next })
      case 'look': {
        const match = this.add({ k: 'match' })
        const start = this.compile(n.node, match)
        return this.add({ k: 'look', negative: n.negative, start, out: next })
      }
    }
  }
}

/** A compiled pattern; `match(subject)` is Python's `re.match(pattern, subject) is not None`. */
export class SafeRegex {
  private constructor(
    private readonly states: readonly State[],
    private readonly start: number,
    readonly source: string,
  ) {}

  static compile(pattern: string): SafeRegex {
    if (pattern.length > REGEX_MAX_PATTERN_CHARS) throw new RegexError(`pattern longer than ${REGEX_MAX_PATTERN_CHARS} characters`)
    const cps = Array.from(pattern, (ch) => ch.codePointAt(0)!)
    const ast = new Parser(cps, pattern).parse()
    const c = new Compiler()
    const match = c.states.length
    c.states.push({ k: 'match' })
    const start = c.compile(ast, match)
    return new SafeRegex(c.states, start, pattern)
  }

  match(subject: string): boolean {
    const cps = Array.from(subject, (ch) => ch.codePointAt(0)!)
    return this.run(cps, this.start, 0, new Map())
  }

  /** Whether a match starting at `pos` from state `start` reaches a match state (any end). */
  private run(cps: readonly number[], start: number, pos: number, memo: Map<number, boolean>): boolean {
    let current = new Set<number>()
    const ok = this.addState(cps, current, start, pos, memo)
    if (ok) return true
    for (let i = pos; i < cps.length && current.size > 0; i++) {
      const next = new Set<number>()
      for (const s of current) {
        const st = this.states[s]!
        if (st.k === 'char' && st.test(cps[i]!) && this.addState(cps, next, st.out, i + 1, memo)) return true
      }
      current = next
    }
    return false
  }

  /** Add `s` and its ε-closure at position `pos` to `set`; true as soon as a match state is reached. */
  private addState(cps: readonly number[], set: Set<number>, s0: number, pos: number, memo: Map<number, boolean>): boolean {
    const stack = [s0]
    while (stack.length > 0) {
      const s = stack.pop()!
      if (set.has(s)) continue
      set.add(s)
      const st = this.states[s]!
      switch (st.k) {
        case 'match':
          return true
        case 'char':
          break
        case 'split':
          stack.push(st.out2, st.out)
          break
        case 'assert':
          if (assertHolds(st.check, cps, pos)) stack.push(st.out)
          break
        case 'look': {
          const key = st.start * (cps.length + 1) + pos
          let found = memo.get(key)
          if (found === undefined) {
            found = this.run(cps, st.start, pos, memo)
            memo.set(key, found)
          }
          if (found !== st.negative) stack.push(st.out)
          break
        }
      }
    }
    return false
  }
}

function assertHolds(check: 'start' | 'end' | 'end-py' | 'word' | 'not-word', cps: readonly number[], pos: number): boolean {
  switch (check) {
    case 'start':
      return pos === 0
    case 'end':
      return pos === cps.length
    case 'end-py':
      return pos === cps.length || (pos === cps.length - 1 && cps[pos] === 0x0a)
    case 'word':
    case 'not-word': {
      const before = pos > 0 && isWord(cps[pos - 1]!)
      const after = pos < cps.length && isWord(cps[pos]!)
      return (before !== after) === (check === 'word')
    }
  }
}
