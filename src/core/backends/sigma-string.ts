/**
 * Sigma string values (Sigma specification, "Escape Character"; pySigma `SigmaString`): `*` matches
 * any run of characters, `?` exactly one, and `\` escapes only `*`, `?` and `\` — a backslash before
 * any other character is an ordinary character, so `C:\Windows` needs no doubling.
 */

export const WILDCARD_MULTI = Symbol('*');
export const WILDCARD_SINGLE = Symbol('?');
export type SigmaStringPart = string | typeof WILDCARD_MULTI | typeof WILDCARD_SINGLE;

const SPECIAL = new Set(['*', '?', '\\']);

/**
 * Write a literal so that Sigma reads back exactly that text with no wildcard. `*` and `?` are
 * always escaped; a backslash only where Sigma would otherwise read it as an escape (before `*`,
 * `?` or another backslash), which keeps Windows paths readable: `C:\Windows\*` → `C:\Windows\\\*`.
 */
export function escapeSigmaLiteral(literal: string): string {
  let out = '';
  const chars = [...literal];
  chars.forEach((ch, i) => {
    if (ch === '*' || ch === '?') out += `\\${ch}`;
    else if (ch === '\\' && i + 1 < chars.length && SPECIAL.has(chars[i + 1]!)) out += '\\\\';
    else out += ch;
  });
  return out;
}

/**
 * Parse a Sigma string value into literal text and wildcards, as the specification (and pySigma)
 * reads it. Adjacent literal characters are merged into one string part.
 */
export function parseSigmaString(value: string): SigmaStringPart[] {
  const parts: SigmaStringPart[] = [];
  let literal = '';
  let escaped = false;
  const flush = () => {
    if (literal !== '') parts.push(literal);
    literal = '';
  };
  for (const ch of value) {
    if (escaped) {
      literal += SPECIAL.has(ch) ? ch : `\\${ch}`;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === '*' || ch === '?') {
      flush();
      parts.push(ch === '*' ? WILDCARD_MULTI : WILDCARD_SINGLE);
    } else {
      literal += ch;
    }
  }
  if (escaped) literal += '\\';
  flush();
  return parts;
}
