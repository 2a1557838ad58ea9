// Envoy evaluates regular expressions with RE2 and refuses, with the whole RouteConfiguration, a
// pattern RE2 does not compile or whose program is larger than Envoy allows. So every pattern is
// checked here with RE2 itself (the `re2-wasm` package: Google's RE2 compiled to WebAssembly),
// which catches everything RE2's parser refuses (repetition counts over 1000, nested repetitions
// whose product is over 1000, unknown POSIX and Unicode classes, lookaround, backreferences,
// possessive quantifiers, bad escapes), and then the program size is estimated
// (re2-program-size.ts) against Envoy's default limit of 100 (the runtime key
// `re2.max_program_size.error_level`; docs/operations.md "Limits").
// The pattern is handed to RE2 as written, not through the package's JavaScript-syntax wrapper,
// which rewrites some escapes and `(?<name>` groups first.
// This is the one RE2 check on the input side: every route parser uses it, and its messages reach
// status. The strict validator that tests run over the Envoy resources keeps its own RE2 check on
// purpose, so a mistake here cannot also hide the pattern from the check of the output.
import re2 from 're2-wasm/build/wasm/re2.js';
import { ENVOY_MAX_PROGRAM_SIZE, estimateRe2ProgramSize } from './re2-program-size.ts';

/** A problem message, or undefined when RE2 compiles the pattern within Envoy's default program size. */
export function checkRe2Syntax(pattern: string): string | undefined {
  const scanned = scanRe2Syntax(pattern);
  if (scanned) return scanned;
  const compiled = new re2.WrappedRE2(pattern, false, false, false);
  try {
    if (!compiled.ok()) return `RE2 refuses it: ${compiled.error()}`;
  } finally {
    compiled.delete();
  }
  const size = estimateRe2ProgramSize(pattern);
  if (size > ENVOY_MAX_PROGRAM_SIZE) {
    return `too complex for Envoy: its RE2 program size is about ${size}, over Envoy's default limit of ${ENVOY_MAX_PROGRAM_SIZE} (re2.max_program_size.error_level); simplify it`;
  }
  return undefined;
}

/** Letters RE2 accepts after a backslash (\\d, \\pL, \\x41, \\Q...\\E, ...); any other letter is an error. */
const RE2_LETTER_ESCAPES = new Set('afnrtvdDsSwWbBAzpPQExC'.split(''));

/** A quick scan for what RE2 refuses and JavaScript accepts, with friendlier messages than RE2's. */
function scanRe2Syntax(pattern: string): string | undefined {
  let depth = 0;
  let inClass = false;
  // 0: last token was not a quantifier; 1: it was; 2: it was a lazy quantifier (`*?`).
  let quantifier = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) return 'ends with a lone backslash';
      if (!inClass && n >= '1' && n <= '9') return `backreference \\${n} is not supported by RE2`;
      if (!inClass && n === 'k') return 'named backreference \\k is not supported by RE2';
      if (/[A-Za-z]/.test(n) && !RE2_LETTER_ESCAPES.has(n)) return `invalid escape sequence \\${n}`;
      if (n === 'Q') {
        // \Q...\E quotes everything up to \E (or the end) literally.
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? pattern.length : end + 1;
        quantifier = 0;
        continue;
      }
      i++;
      quantifier = 0;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A leading `]` (or `^]`) is a literal inside the class.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      quantifier = 0;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        const rest = pattern.slice(i + 2, i + 4);
        if (rest.startsWith('=') || rest.startsWith('!')) return 'lookahead (?= or (?! is not supported by RE2';
        if (rest === '<=' || rest === '<!') return 'lookbehind (?<= or (?<! is not supported by RE2';
        if (rest.startsWith('>')) return 'atomic group (?> is not supported by RE2';
        i++; // the `?` of a group prefix is not a quantifier
      }
      depth++;
      quantifier = 0;
      continue;
    }
    if (c === ')') {
      if (depth === 0) return 'unbalanced ")"';
      depth--;
      quantifier = 0;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      let end = i;
      if (c === '{') {
        const m = /^\{[0-9]+(,[0-9]*)?\}/.exec(pattern.slice(i));
        if (!m) {
          quantifier = 0; // a literal brace
          continue;
        }
        end = i + m[0].length - 1;
      }
      if (quantifier !== 0) {
        // `*?`, `+?`, `??`, `{n}?` are lazy quantifiers (fine); anything else repeats a repetition.
        if (c === '?' && quantifier === 1) {
          quantifier = 2;
          continue;
        }
        return `bad repetition operator near position ${i} (possessive or repeated quantifier)`;
      }
      if (i === 0 || pattern[i - 1] === '(' || pattern[i - 1] === '|') return `missing argument to repetition operator at position ${i}`;
      quantifier = 1;
      i = end;
      continue;
    }
    quantifier = 0;
  }
  if (inClass) return 'missing closing ]';
  if (depth > 0) return 'missing closing )';
  return undefined;
}
