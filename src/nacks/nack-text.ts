// What an Envoy writes in a NACK (and in node.id) is free text from outside. Before it can reach a
// status that the leader writes to the API server it is made plain: control and bidirectional
// formatting characters become spaces, runs of whitespace collapse, and the length is capped.

/** Characters a status message should never carry: C0/C1 controls, bidi overrides and isolates, zero-width marks. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Plain single-line text of at most `max` characters (an ellipsis marks a cut). */
export function sanitizeNackText(text: string, max: number): string {
  const plain = text.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim();
  if (plain.length <= max) return plain;
  // Never cut a surrogate pair in half.
  let end = max - 1;
  const code = plain.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${plain.slice(0, end)}…`;
}
