/**
 * Databricks (Spark SQL) literals and identifiers.
 *
 * Databricks string literals process backslash escapes (`'C:\\x'` is `C:\x`), unlike DuckDB and
 * ANSI SQL. `''` is not an escaped quote there: adjacent literals concatenate, so `'it''s'` would be
 * `its`. Only escapes whose meaning is the same in every Spark 3.x/4.x release are emitted:
 * `\\`, `\'`, `\n`, `\r`, `\t` and `\uXXXX` (one UTF-16 code unit). `%` and `_` stay raw: the
 * queries never use LIKE, and `\%`/`\_` would keep their backslash.
 */

/** Characters that would be invisible or would end a line in the query text: written as escapes. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

const NAMED_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function unicodeEscape(codeUnit: number): string {
  return `\\u${codeUnit.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A single-quoted Databricks string literal whose value is exactly `value`. */
export function databricksString(value: string): string {
  let out = "'";
  for (const char of value) {
    const named = NAMED_ESCAPES[char];
    if (named !== undefined) out += named;
    else if (INVISIBLE.test(char)) for (let i = 0; i < char.length; i++) out += unicodeEscape(char.charCodeAt(i));
    else out += char;
  }
  return `${out}'`;
}

/**
 * Words that cannot be a bare column or table name in Databricks even without ANSI reserved-word
 * enforcement (Databricks SQL reference, "Reserved words"), plus the literals NULL/TRUE/FALSE.
 */
const RESERVED = new Set([
  'anti', 'cross', 'except', 'full', 'inner', 'intersect', 'join', 'lateral', 'left', 'minus', 'natural',
  'on', 'right', 'semi', 'union', 'using', 'null', 'true', 'false', 'default', 'select', 'from', 'where',
  'and', 'or', 'not', 'order', 'group', 'by', 'having', 'as', 'in', 'is', 'case', 'when', 'then', 'else', 'end'
]);

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One identifier part, back-quoted (with `` ` `` doubled) unless it is a plain, unreserved name. */
export function databricksIdentifier(name: string): string {
  if (PLAIN_IDENTIFIER.test(name) && !RESERVED.has(name.toLowerCase())) return name;
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A dotted name such as `security.process_events`, each part quoted as needed. */
export function databricksQualifiedName(name: string): string {
  return name.split('.').map(databricksIdentifier).join('.');
}

/** A number as a Databricks numeric literal; only finite numbers have one. */
export function databricksNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${String(value)}`);
  return String(value).replace(/e\+?/i, 'E');
}
