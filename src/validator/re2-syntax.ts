// Approximates "does this compile as RE2?" with JavaScript's RegExp. Envoy compiles every
// safe_regex (and PGV `pattern`) with RE2, which lacks backtracking features (lookarounds,
// backreferences, atomic groups, possessive quantifiers) and caps repetition counts at 1000.
// RE2-only syntax that JavaScript lacks is translated first, so valid RE2 is not rejected.
// Translation checks user patterns with its own, simpler scan (src/k8s/re2-syntax.ts); this one is
// kept apart on purpose, an independent check of what the builders emit.

/** `unverifiable`: valid RE2 perhaps, but syntax this approximation cannot check. */
export type Re2Result = { ok: true; regexp: RegExp } | { ok: false; reason: string; unverifiable?: true };

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, Re2Result>();

/** Compiles an RE2 pattern as a JavaScript RegExp, or says why RE2 would reject it. */
export function compileRe2(pattern: string): Re2Result {
  let r = cache.get(pattern);
  if (!r) {
    r = compile(pattern);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, r);
  }
  return r;
}

function compile(pattern: string): Re2Result {
  let flags = '';
  let src = pattern;
  // RE2 allows leading flag groups such as (?i) or (?s); JavaScript only has them as RegExp flags.
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'U') return { ok: false, reason: 'the (?U) flag is not supported by this check', unverifiable: true };
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  let unicode = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { ok: false, reason: 'trailing backslash' };
      if (n >= '1' && n <= '9') return { ok: false, reason: `backreference \\${n} is not supported by RE2` };
      if (n === 'k' && src[i + 2] === '<') return { ok: false, reason: 'named backreference is not supported by RE2' };
      if (n === 'A' && !inClass) { out += '^'; i++; continue; }
      if (n === 'z' && !inClass) { out += '$(?![\\s\\S])'; i++; continue; }
      if (n === 'Z') return { ok: false, reason: '\\Z is not supported by RE2' };
      if (n === 'C') { out += '[\\s\\S]'; i++; continue; }
      if (n === 'Q') {
        // \Q...\E quotes literally.
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (n === 'p' || n === 'P') {
        // RE2 \pL / \p{Greek} / \p{^Greek}: JavaScript needs braces, and Script= for scripts.
        unicode = true;
        let name: string;
        let end: number;
        if (src[i + 2] === '{') {
          end = src.indexOf('}', i + 3);
          if (end < 0) return { ok: false, reason: 'missing closing } in \\p{...}' };
          name = src.slice(i + 3, end);
        } else {
          end = i + 2;
          name = src[end] ?? '';
        }
        let neg = n === 'P';
        if (name.startsWith('^')) { neg = !neg; name = name.slice(1); }
        const prop = name === 'Any' ? undefined : /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
        out += prop === undefined ? (neg ? '[^\\s\\S]' : '[\\s\\S]') : `\\${neg ? 'P' : 'p'}{${prop}}`;
        i = end;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        if (end > 0) {
          const name = src.slice(i + 2, end);
          const negated = name.startsWith('^');
          const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
          if (!cls) return { ok: false, reason: `invalid character class range [:${name}:]` };
          if (negated) return { ok: false, reason: 'negated POSIX classes are not supported by this check', unverifiable: true };
          out += cls;
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') { out += '^'; i++; }
      if (src[i + 1] === ']') { out += '\\]'; i++; } // a leading ] is literal in RE2
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('=') || rest.startsWith('!')) return { ok: false, reason: 'lookahead is not supported by RE2' };
      if (rest.startsWith('<=') || rest.startsWith('<!')) return { ok: false, reason: 'lookbehind is not supported by RE2' };
      if (rest.startsWith('>')) return { ok: false, reason: 'atomic groups are not supported by RE2' };
      if (rest.startsWith('P<')) { out += '(?<'; i += 3; continue; }
      if (rest.startsWith('P=') || rest.startsWith('P>')) return { ok: false, reason: 'named backreference is not supported by RE2' };
      if (rest.startsWith('<') || rest.startsWith(':')) { out += c; continue; }
      // Scoped flags (?i:...) or (?i) mid-pattern.
      const m = /^([imsU-]*)(:|\))/.exec(rest);
      if (!m) return { ok: false, reason: `invalid or unsupported Perl syntax: (?${rest.slice(0, 2)}` };
      if (m[2] === ')') return { ok: false, reason: 'mid-pattern flag groups are not supported by this check', unverifiable: true };
      out += `(?${m[1]}:`;
      i += 1 + m[0].length;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (m) {
        const lo = Number(m[1]);
        const hi = m[3] ? Number(m[3]) : lo;
        if (lo > 1000 || hi > 1000) return { ok: false, reason: `bad repetition operator: ${m[0]} (RE2 allows at most 1000)` };
        if (src[i + m[0].length] === '+') return { ok: false, reason: 'possessive quantifiers are not supported by RE2' };
      }
    }
    if ((c === '+' || c === '*' || c === '?') && src[i + 1] === '+') {
      return { ok: false, reason: 'possessive quantifiers are not supported by RE2' };
    }
    out += c;
  }
  try {
    return { ok: true, regexp: new RegExp(out, flags + (unicode ? 'u' : '')) };
  } catch (e) {
    // "Invalid regular expression: /<source>/<flags>: <reason>" → "<reason>".
    return { ok: false, reason: (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') };
  }
}
