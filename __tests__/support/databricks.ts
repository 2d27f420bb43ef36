/**
 * Databricks SQL in tests: validation with polyglot's Databricks grammar, an independent decoder of
 * Databricks string literals, and a Databricks → DuckDB translation that does not trust anyone's
 * literal handling.
 *
 * Why the literals are decoded here: polyglot's transpile (0.12) decodes `\\`, `\'`, `\n`, `\t`,
 * `\r`, `\b`, `\Z`, `\0` and `\"` the way Spark does, but leaves `\uXXXX`, `\UXXXXXXXX` and octal
 * escapes undecoded and turns `\%`/`\_` into `%`/`_` (Spark keeps the backslash). So the translation
 * replaces every string literal by a placeholder, transpiles the rest with polyglot (functions,
 * RLIKE, NOW(), INTERVAL), and puts back each literal decoded by `decodeDatabricksString` (written
 * from Spark's documented rules, cross-checked against polyglot on the cases it gets right) and
 * re-encoded for DuckDB.
 */
import { Dialect, transpile, validate, validateWithSchema } from '@polyglot-sql/sdk';

export type SqlTables = Record<string, Record<string, string>>;

/** Syntax errors of `sql` under polyglot's Databricks grammar (strict syntax), as `line:col message`. */
export function databricksSyntaxErrors(sql: string): string[] {
  const result = validate(sql, 'databricks', { strictSyntax: true });
  return result.errors.filter((e) => e.severity === 'error').map((e) => `${e.line ?? '?'}:${e.column ?? '?'} ${e.message}`);
}

/** Syntax errors plus unknown tables/columns against `tables` (`{ "security.t": { col: TYPE } }`). */
export function databricksSchemaErrors(sql: string, tables: SqlTables): string[] {
  const schema = {
    tables: Object.entries(tables).map(([qualified, columns]) => {
      const [schemaName, name] = qualified.split('.') as [string, string];
      return { name, schema: schemaName, columns: Object.entries(columns).map(([column, type]) => ({ name: column, type })) };
    })
  };
  const result = validateWithSchema(sql, schema, 'databricks', { strict: true, strictSyntax: true });
  return result.errors.filter((e) => e.severity === 'error').map((e) => `${e.line ?? '?'}:${e.column ?? '?'} ${e.message}`);
}

// ---------------------------------------------------------------------------------------------
// Lexing and literal decoding (Spark SQL rules: SqlBaseLexer STRING_LITERAL, unescapeSQLString)

export type SqlToken =
  | { kind: 'string'; text: string }
  | { kind: 'comment'; text: string }
  | { kind: 'code'; text: string };

const IDENTIFIER_CHAR = /[A-Za-z0-9_]/;

/** Split Databricks SQL into code, comments and string literals (quoted, double-quoted, raw `r'…'`). */
export function scanDatabricks(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let code = '';
  const flush = () => {
    if (code !== '') tokens.push({ kind: 'code', text: code });
    code = '';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      flush();
      tokens.push({ kind: 'comment', text: sql.slice(i, end < 0 ? sql.length : end) });
      i = end < 0 ? sql.length : end;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`unterminated block comment at offset ${i}`);
      flush();
      tokens.push({ kind: 'comment', text: sql.slice(i, end + 2) });
      i = end + 2;
    } else if ((c === 'r' || c === 'R') && (next === "'" || next === '"') && !IDENTIFIER_CHAR.test(sql[i - 1] ?? ' ')) {
      const end = sql.indexOf(next, i + 2);
      if (end < 0) throw new Error(`unterminated raw string at offset ${i}`);
      flush();
      tokens.push({ kind: 'string', text: sql.slice(i, end + 1) });
      i = end + 1;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1;
      if (j >= sql.length) throw new Error(`unterminated string at offset ${i}`);
      flush();
      tokens.push({ kind: 'string', text: sql.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '`') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === '`' && sql[j + 1] !== '`')) j += sql[j] === '`' ? 2 : 1;
      code += sql.slice(i, j + 1);
      i = j + 1;
    } else {
      code += c;
      i++;
    }
  }
  flush();
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = { '0': '\u0000', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\u001A' };
const isHex = (s: string) => /^[0-9A-Fa-f]+$/.test(s);

/**
 * The value of one Databricks string literal token (quotes included). Rules (Spark SQL reference,
 * "String literals"): raw `r'…'` is taken verbatim; otherwise `\uXXXX` is one UTF-16 unit,
 * `\UXXXXXXXX` one code point, `\` + three octal digits (first 0 or 1) one char, `\0 \b \n \r \t \Z`
 * the usual controls, `\%` and `\_` keep their backslash, and any other escaped char is itself.
 */
export function decodeDatabricksString(token: string): string {
  if (/^[rR]/.test(token)) return token.slice(2, -1);
  const body = token.slice(1, -1);
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 === body.length) {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1]!;
    const u4 = body.slice(i + 2, i + 6);
    const u8 = body.slice(i + 2, i + 10);
    const octal = body.slice(i + 1, i + 4);
    if (e === 'u' && u4.length === 4 && isHex(u4)) {
      out += String.fromCharCode(parseInt(u4, 16));
      i += 6;
    } else if (e === 'U' && u8.length === 8 && isHex(u8)) {
      out += String.fromCodePoint(parseInt(u8, 16));
      i += 10;
    } else if (/^[01][0-7][0-7]$/.test(octal)) {
      out += String.fromCharCode(parseInt(octal, 8));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[e] ?? (e === '%' || e === '_' ? `\\${e}` : e);
      i += 2;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Translation to DuckDB

/** A DuckDB expression for the text `value`: quotes doubled, control characters as `chr(n)`. */
export function duckDbString(value: string): string {
  if (/\p{Cs}/u.test(value)) throw new Error('a lone surrogate cannot be stored in DuckDB (UTF-8)');
  const parts: string[] = [];
  for (const piece of value.split(/(\p{Cc})/u)) {
    if (piece === '') continue;
    parts.push(/^\p{Cc}$/u.test(piece) ? `chr(${piece.codePointAt(0)!})` : `'${piece.replace(/'/g, "''")}'`);
  }
  if (parts.length === 0) return "''";
  return parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`;
}

const placeholder = (n: number) => `'p2s_literal_${n}'`;

/**
 * The same query for DuckDB: comments dropped, literals decoded by Spark's rules and re-encoded,
 * everything else transpiled by polyglot. Throws when polyglot fails or loses a literal.
 */
export function databricksToDuckDb(sql: string): string {
  const literals: string[] = [];
  let masked = '';
  for (const token of scanDatabricks(sql)) {
    if (token.kind === 'comment') masked += ' ';
    else if (token.kind === 'code') masked += token.text;
    else {
      masked += placeholder(literals.length);
      literals.push(decodeDatabricksString(token.text));
    }
  }
  const result = transpile(masked.trim().replace(/;$/, ''), Dialect.Databricks, Dialect.DuckDB);
  if (!result.success || result.sql === undefined || result.sql.length !== 1) {
    throw new Error(`polyglot could not transpile: ${result.error ?? 'no single statement'}\n${masked}`);
  }
  const duck = result.sql[0]!;
  const seen = literals.map(() => 0);
  const restored = duck.replace(/'p2s_literal_(\d+)'/g, (_, n: string) => {
    seen[Number(n)]! += 1;
    return duckDbString(literals[Number(n)]!);
  });
  const lost = seen.findIndex((count) => count !== 1);
  if (lost >= 0) throw new Error(`literal ${lost} appears ${seen[lost]} times after transpiling:\n${duck}`);
  return restored;
}
