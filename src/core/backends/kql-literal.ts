/**
 * KQL lexical escaping: string literals that decode to exactly the given text, and identifiers
 * (tables, columns) that stay identifiers whatever a mapping file names them.
 *
 * KQL string literal rules (Kusto docs "The string data type", and Kusto.Language's
 * TokenParser.ScanStringEscape / KustoFacts.DecodeEscapes): in a quoted literal `\` escapes the
 * quote, `\` itself, `\n`, `\r`, `\t` (plus `\a \b \f \v`, `\xHH`, `\uHHHH`, octal); a raw CR or LF
 * ends the literal, and any other backslash sequence is a syntax error.
 */

/**
 * Characters written as `\uXXXX` instead of raw: control characters (C0, DEL, C1), line and
 * paragraph separators, invisible format characters (bidi overrides, zero-width, BOM, tag
 * characters: a reviewer must see them) and lone surrogates (not representable in UTF-8).
 */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]$/u;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeUtf16Units(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`;
  return out;
}

function quoted(value: string, quote: '"' | "'"): string {
  let body = '';
  for (const ch of value) {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) body += named;
    else if (ch === quote) body += `\\${quote}`;
    else if (INVISIBLE.test(ch)) body += escapeUtf16Units(ch);
    else body += ch;
  }
  return `${quote}${body}${quote}`;
}

/** A double-quoted KQL string literal whose value is exactly `value`. */
export function kqlString(value: string): string {
  return quoted(value, '"');
}

/**
 * A table or column name as a KQL identifier. Plain names are kept as they are when they cannot
 * be a keyword (every KQL keyword that can't be a name is lower case, a `__` name, or starts with a
 * digit; `True`/`False` are literals in any case); anything else is bracketed: `['my col']`.
 */
export function kqlIdentifier(name: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && /[A-Z]/.test(name) && !name.startsWith('__') && !/^(true|false)$/i.test(name);
  return plain ? name : `[${quoted(name, "'")}]`;
}
