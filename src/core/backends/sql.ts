/**
 * Databricks SQL backend: one planned rule becomes one SELECT over a `security.*` table,
 * time-bounded, with ATT&CK context columns.
 *
 * Matching is case-insensitive and wildcard-free: `lower(f) = lower('v')`, `contains`, `startswith`,
 * `endswith` over `lower(...)`, `lower(f) IN (...)` for lists, `f RLIKE '(?i)…'` for regexes. No LIKE,
 * so `%` and `_` in IOC values need no escaping. CIDR: Spark SQL has no CIDR function, so IPv4 is an
 * exact arithmetic range test on the dotted quad and IPv6 a text-prefix match that the header notes.
 */
import { canonicalIPv6, parseIPv4, parseIPv6 } from '../ip.js';
import { type BooleanDialect, booleanLines, headerTexts, lineCommentText } from './condition-terms.js';
import type { FieldMatch, PlannedRule, RenderOptions } from '../model.js';
import { databricksIdentifier, databricksNumber, databricksQualifiedName, databricksString } from './sql-literal.js';

const HEADER_WIDTH = 100;
const INDENT = '  ';

// ---------------------------------------------------------------------------------------------
// CIDR

/** A dotted quad of 0–255 without leading zeros: the only text the IPv4 range test reads. */
const DOTTED_QUAD_PATTERN = (() => {
  const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
  return `^${octet}(\\.${octet}){3}$`;
})();

interface Cidr {
  family: 4 | 6;
  prefix: number;
  text: string;
}

function parseCidr(value: string): Cidr {
  const [address = '', prefixText, ...rest] = value.trim().split('/');
  const family = address.includes(':') ? 6 : 4;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  const valid = rest.length === 0 && prefix >= 0 && prefix <= max && (family === 4 ? parseIPv4(address) !== undefined : parseIPv6(address) !== undefined);
  if (!valid) throw new RangeError(`not an IPv4/IPv6 address or CIDR: ${JSON.stringify(value)}`);
  return { family, prefix, text: address };
}

function ipv4CidrCondition(field: string, cidr: Cidr): string {
  const size = 2 ** (32 - cidr.prefix);
  const low = Math.floor(parseIPv4(cidr.text)! / size) * size;
  const high = low + size - 1;
  const octets = [1, 2, 3, 4].map((n) => `try_cast(split_part(${field}, '.', ${n}) AS BIGINT)`);
  const value = `${octets[0]} * 16777216 + ${octets[1]} * 65536 + ${octets[2]} * 256 + ${octets[3]}`;
  return `(${field} RLIKE ${databricksString(DOTTED_QUAD_PATTERN)} AND ${value} BETWEEN ${low} AND ${high})`;
}

/**
 * IPv6 networks are matched on the RFC 5952 text of the address: `lower(f)` starts with the network's
 * leading non-zero whole groups. Exact for canonical text when the prefix is whole non-zero groups;
 * wider otherwise (a note in the header says so). A /128 is an equality on the canonical text.
 */
function ipv6CidrCondition(field: string, cidr: Cidr, notes: string[], rawField: string): string {
  const groups = parseIPv6(cidr.text)!;
  if (cidr.prefix === 128) return `lower(${field}) = ${databricksString(canonicalIPv6(groups))}`;
  const whole = groups.slice(0, Math.floor(cidr.prefix / 16));
  const firstZero = whole.indexOf(0);
  const leading = firstZero < 0 ? whole : whole.slice(0, firstZero);
  const exact = leading.length * 16 === cidr.prefix;
  const network = `${cidr.text}/${cidr.prefix}`;
  if (leading.length === 0) {
    notes.push(`${rawField} in ${network} (IPv6) matches any IPv6 address text: Spark SQL has no CIDR function.`);
    return `contains(${field}, ':')`;
  }
  const prefix = `${leading.map((g) => g.toString(16)).join(':')}:`;
  notes.push(
    `${rawField} in ${network} (IPv6) is matched on the address text prefix '${prefix}' (Spark SQL has no CIDR function)` +
      (exact ? '; exact for RFC 5952 text.' : '; wider than the network, narrow it if needed.')
  );
  return `startswith(lower(${field}), ${databricksString(prefix)})`;
}

// ---------------------------------------------------------------------------------------------
// Conditions

interface RenderState {
  notes: string[];
}

function renderMatch(match: FieldMatch, state: RenderState): string {
  const column = databricksQualifiedName(match.field);
  const { value } = match;
  if (typeof value === 'number' && match.operator === 'equals') return `${column} = ${databricksNumber(value)}`;
  // A number under a text operator compares the column's text, so numeric columns work too.
  const field = typeof value === 'number' ? `CAST(${column} AS STRING)` : column;
  const text = typeof value === 'number' ? databricksNumber(value) : value;
  const literal = databricksString(text);
  switch (match.operator) {
    case 'equals':
      return `lower(${field}) = lower(${literal})`;
    case 'contains':
    case 'startswith':
    case 'endswith':
      return `${match.operator}(lower(${field}), lower(${literal}))`;
    case 'regex':
      return `${field} RLIKE ${databricksString(`(?i)${text}`)}`;
    case 'cidr': {
      const cidr = parseCidr(text);
      return cidr.family === 4 ? ipv4CidrCondition(field, cidr) : ipv6CidrCondition(field, cidr, state.notes, match.field);
    }
  }
}

/** Databricks operators and constants; IN lists compare lower-cased text (numbers as they are). */
function sqlDialect(state: RenderState): BooleanDialect {
  return {
    and: 'AND',
    or: 'OR',
    true: 'TRUE',
    false: 'FALSE',
    not: (inner) => `NOT (${inner})`,
    match: (m) => renderMatch(m, state),
    list(first, values) {
      const field = databricksQualifiedName(first.field);
      return typeof first.value === 'number'
        ? `${field} IN (${values.map((v) => databricksNumber(v as number)).join(', ')})`
        : `lower(${field}) IN (${values.map((v) => `lower(${databricksString(v as string)})`).join(', ')})`;
    }
  };
}

// ---------------------------------------------------------------------------------------------

function header(rule: PlannedRule, notes: string[]): string[] {
  const { title, lines } = headerTexts(rule.meta, 'Databricks SQL', ' | ');
  const first = `-- ── ${lineCommentText(title)} ──`;
  return [
    `${first}${'─'.repeat(Math.max(0, HEADER_WIDTH - [...first].length))}`,
    ...[...lines, ...notes.map((note) => `Note: ${note}`)].map((line) => `-- ${lineCommentText(line)}`)
  ];
}

/** Render one planned rule as a Databricks SQL query (LF line ends, one trailing newline, deterministic). */
export function renderSql(rule: PlannedRule, options: RenderOptions): string {
  if (!Number.isSafeInteger(options.lookbackDays) || options.lookbackDays <= 0) {
    throw new RangeError(`lookbackDays must be a positive whole number of days, got ${String(options.lookbackDays)}`);
  }
  const target = rule.sql;
  const m = rule.meta;
  const state: RenderState = { notes: [] };
  // The body of `AND ( … )`: a top-level AND/OR puts one term per line.
  const condition = booleanLines(target.condition, sqlDialect(state), INDENT.repeat(2), INDENT.repeat(2));
  const timeField = databricksIdentifier(target.timeField);
  const context = [
    `${databricksString(m.technique.id)} AS technique`,
    `${databricksString(m.tactic.shortname)} AS tactic`,
    `${databricksString(m.level)} AS confidence`
  ];
  const reserved = new Set([target.timeField, 'technique', 'tactic', 'confidence']);
  const shown = [...new Set(target.projection)].filter((column) => !reserved.has(column)).map(databricksIdentifier);
  const columns = [timeField, ...shown, ...context];
  const lines = [
    ...header(rule, state.notes),
    'SELECT',
    ...columns.map((column, i) => `${INDENT}${column}${i < columns.length - 1 ? ',' : ''}`),
    `FROM ${databricksQualifiedName(target.source)}`,
    `WHERE ${timeField} >= NOW() - INTERVAL ${options.lookbackDays} DAYS`,
    `${INDENT}AND (`,
    ...condition,
    `${INDENT})`,
    `ORDER BY ${timeField} DESC;`
  ];
  return `${lines.join('\n')}\n`;
}
