// An estimate of the RE2 "program size" of a pattern: the number of instructions RE2 compiles it
// to. Envoy refuses a regex whose program size exceeds the runtime key
// `re2.max_program_size.error_level`, 100 by default (docs/operations.md "Limits" says so and why
// Tether checks it), and with it the whole RouteConfiguration. The RE2 build Tether loads
// (re2-syntax.ts) checks syntax but does not report program size, so the size is estimated here,
// walking the pattern (already accepted by RE2) the way RE2's compiler emits instructions:
//   - a literal: one instruction per UTF-8 byte; a character class: one per byte range plus one
//     per alternative between them, a fixed cost for classes reaching beyond ASCII (negated
//     classes, `.`, `\D`, `\W`, `\S`) and for Unicode classes (`\pL`, `\p{Greek}`);
//   - `*`, `+`, `?` add one instruction; `|` one per alternative; a capture two;
//   - `x{n,m}` is expanded as RE2 does: n copies of x, then m−n optional copies;
//   - the program itself: a fail instruction, a match instruction and the unanchored `.*?` loop.
// The costs for non-ASCII classes are rounded up, so the estimate errs towards reporting a pattern
// Envoy might still take rather than serving one Envoy rejects.

/** Envoy's default for `re2.max_program_size.error_level`. */
export const ENVOY_MAX_PROGRAM_SIZE = 100;

/** Instructions of the program around any pattern: fail, match and the unanchored `.*?` prefix. */
const PROGRAM_OVERHEAD = 5;
/** A class reaching beyond ASCII compiles to a UTF-8 automaton of about this many instructions. */
const NON_ASCII_CLASS = 12;
/** A Unicode property class (`\pL`, `\p{Greek}`) is a large automaton; this is a floor. */
const UNICODE_CLASS = 40;

export function estimateRe2ProgramSize(pattern: string): number {
  const p = new Walker(pattern);
  return PROGRAM_OVERHEAD + p.alternation();
}

class Walker {
  private i = 0;
  private readonly s: string;

  constructor(s: string) {
    this.s = s;
  }

  alternation(): number {
    let size = this.concatenation();
    while (this.s[this.i] === '|') {
      this.i++;
      size += 1 + this.concatenation();
    }
    return size;
  }

  private concatenation(): number {
    let size = 0;
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const atom = this.atom();
      size += this.repeat(atom);
    }
    return size;
  }

  /** Applies the quantifiers after an atom of `atom` instructions. */
  private repeat(atom: number): number {
    let size = atom;
    for (;;) {
      const c = this.s[this.i];
      if (c === '*' || c === '+' || c === '?') {
        this.i++;
        size += 1;
      } else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
        if (!m) return size;
        this.i += m[0].length;
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
        size = max === undefined ? Math.max(1, min) * size + 1 : min * size + (max - min) * (size + 1);
      } else return size;
      if (this.s[this.i] === '?') this.i++; // lazy: same program size
    }
  }

  private atom(): number {
    const c = this.s[this.i];
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    this.i++;
    if (c === '.') return NON_ASCII_CLASS;
    if (c === '^' || c === '$') return 1;
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff) {
      this.i++; // the low half of a surrogate pair: one 4-byte character
      return 4;
    }
    return code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
  }

  private group(): number {
    this.i++; // (
    let capture = true;
    if (this.s[this.i] === '?') {
      // (?flags) alone changes flags and compiles to nothing; (?:...), (?flags:...), (?P<name>...).
      const flags = /^\?([a-zA-Z-]*)(:|\))/.exec(this.s.slice(this.i));
      if (flags?.[2] === ')') {
        this.i += flags[0].length;
        return 0;
      }
      if (flags) {
        this.i += flags[0].length;
        capture = false;
      } else {
        const named = /^\?P?<[^>]*>/.exec(this.s.slice(this.i));
        this.i += named ? named[0].length : 1;
      }
    }
    const inner = this.alternation();
    if (this.s[this.i] === ')') this.i++;
    return inner + (capture ? 2 : 0);
  }

  private charClass(): number {
    this.i++; // [
    const negated = this.s[this.i] === '^';
    if (negated) this.i++;
    let ranges = 0;
    let nonAscii = negated;
    let unicode = false;
    let first = true;
    while (this.i < this.s.length && (this.s[this.i] !== ']' || first)) {
      first = false;
      const posix = /^\[:\^?[a-z]+:\]/.exec(this.s.slice(this.i));
      if (posix) {
        this.i += posix[0].length;
        ranges += posix[0].includes('^') ? 0 : 3;
        if (posix[0].includes('^')) nonAscii = true;
        continue;
      }
      if (this.s[this.i] === '\\') {
        const e = this.s[this.i + 1];
        if (e === 'p' || e === 'P') {
          unicode = true;
          this.i += 2;
          if (this.s[this.i] === '{') this.i = Math.max(this.i, this.s.indexOf('}', this.i)) + 1;
          else this.i++;
          continue;
        }
        if (e === 'D' || e === 'W' || e === 'S') nonAscii = true;
        ranges += e === 'w' ? 4 : e === 's' ? 3 : 1;
        this.i += 2;
      } else {
        if (this.s.charCodeAt(this.i) > 0x7f) nonAscii = true;
        this.i += this.s.codePointAt(this.i)! > 0xffff ? 2 : 1;
        ranges++;
      }
      // a-z: one range.
      if (this.s[this.i] === '-' && this.s[this.i + 1] !== ']') {
        this.i++;
        if (this.s[this.i] === '\\') this.i += 2;
        else {
          if (this.s.charCodeAt(this.i) > 0x7f) nonAscii = true;
          this.i += this.s.codePointAt(this.i)! > 0xffff ? 2 : 1;
        }
      }
    }
    this.i++; // ]
    const ascii = 2 * Math.max(1, ranges) - 1;
    return ascii + (nonAscii ? NON_ASCII_CLASS : 0) + (unicode ? UNICODE_CLASS : 0);
  }

  private escape(): number {
    const e = this.s[this.i + 1];
    this.i += 2;
    switch (e) {
      case 'd': return 1;
      case 'w': return 7;
      case 's': return 5;
      case 'D': case 'W': case 'S': return NON_ASCII_CLASS + 3;
      case 'p': case 'P':
        if (this.s[this.i] === '{') this.i = Math.max(this.i, this.s.indexOf('}', this.i)) + 1;
        else this.i++;
        return UNICODE_CLASS;
      case 'Q': {
        const end = this.s.indexOf('\\E', this.i);
        const text = this.s.slice(this.i, end < 0 ? undefined : end);
        this.i = end < 0 ? this.s.length : end + 2;
        return new TextEncoder().encode(text).length;
      }
      case 'x':
        if (this.s[this.i] === '{') this.i = this.s.indexOf('}', this.i) + 1;
        else this.i += 2;
        return 1;
      case 'C': return 1;
      default:
        if (e >= '0' && e <= '7') while (/[0-7]/.test(this.s[this.i] ?? '')) this.i++; // octal
        return 1;
    }
  }
}
