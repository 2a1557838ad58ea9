// Envoy evaluates regular expressions with RE2, which has no lookaround, no backreferences, no
// possessive quantifiers and no atomic groups. A pattern using them would be NACKed by Envoy (and
// take every route of the listener with it), so we check the syntax here and report the field.
// This is a syntax scan, not a full RE2 parser: it catches what RE2 refuses and JavaScript accepts,
// plus unbalanced brackets and a trailing backslash.
// This is the one RE2 check on the input side: every route parser uses it, and its messages reach
// status. The strict validator that tests run over the Envoy resources keeps its own RE2 check on
// purpose, so a mistake here cannot also hide the pattern from the check of the output.

/** Letters RE2 accepts after a backslash (\\d, \\pL, \\x41, \\Q...\\E, ...); any other letter is an error. */
const RE2_LETTER_ESCAPES = new Set('afnrtvdDsSwWbBAzpPQExC'.split(''));

/** A problem message, or undefined when RE2 accepts the pattern as far as we can tell. */
export function checkRe2Syntax(pattern: string): string | undefined {
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
