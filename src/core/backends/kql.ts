/**
 * KQL backend for Microsoft Defender XDR advanced hunting and Microsoft Sentinel: one planned rule
 * becomes one query over the rule's table, time-bounded, with ATT&CK context columns.
 *
 * Matching is case-insensitive throughout (`=~`, `in~`, `contains`, `startswith`, `endswith`,
 * `(?i)` regexes). `has` is never used: it matches whole terms only, not substrings.
 */
import { type BooleanDialect, booleanLines, headerTexts, lineCommentText } from './condition-terms.js';
import type { FieldMatch, KqlFlavor, PlannedRule, RenderOptions } from '../model.js';
import { kqlIdentifier, kqlString } from './kql-literal.js';

const FLAVOR_LABELS: Record<KqlFlavor, string> = {
  xdr: 'Microsoft Defender XDR advanced hunting',
  sentinel: 'Microsoft Sentinel (Log Analytics)'
};

/** Columns the query adds for the analyst; always projected last. */
const CONTEXT_COLUMNS = ['Technique', 'Tactic', 'Confidence'] as const;

const HEADER_WIDTH = 100;
const PROJECT_WIDTH = 100;
const INDENT = '    ';

function header(rule: PlannedRule, flavor: KqlFlavor): string[] {
  const { title, lines } = headerTexts(rule.meta, FLAVOR_LABELS[flavor], ' | ');
  const first = `// ── ${lineCommentText(title)} ──`;
  return [`${first}${'─'.repeat(Math.max(0, HEADER_WIDTH - [...first].length))}`, ...lines.map((line) => `// ${lineCommentText(line)}`)];
}

function numberLiteral(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? 'real(nan)' : value > 0 ? 'real(+inf)' : 'real(-inf)';
}

function renderMatch(match: FieldMatch): string {
  const field = kqlIdentifier(match.field);
  const { value } = match;
  const text = typeof value === 'string' ? value : String(value);
  switch (match.operator) {
    case 'equals':
      return typeof value === 'number' ? `${field} == ${numberLiteral(value)}` : `${field} =~ ${kqlString(text)}`;
    case 'contains':
    case 'startswith':
    case 'endswith':
      return `${field} ${match.operator} ${kqlString(text)}`;
    case 'regex':
      return `${field} matches regex ${kqlString(`(?i)${text}`)}`;
    case 'cidr':
      return `${text.includes(':') ? 'ipv6_is_in_range' : 'ipv4_is_in_range'}(${field}, ${kqlString(text)})`;
  }
}

/** KQL operators, constants and lists (`field in~ ("a", "b")` for strings, `field in (1, 2)` for numbers). */
const KQL: BooleanDialect = {
  and: 'and',
  or: 'or',
  true: 'true',
  false: 'false',
  not: (inner) => `not(${inner})`,
  match: renderMatch,
  list(first, values) {
    const list = values.map((v) => (typeof v === 'number' ? numberLiteral(v) : kqlString(v))).join(', ');
    return `${kqlIdentifier(first.field)} ${typeof first.value === 'number' ? 'in' : 'in~'} (${list})`;
  },
  simplify: true
};

function projectClause(columns: string[]): string[] {
  const lines: string[] = [];
  let line = '| project';
  let first = true;
  for (const column of columns) {
    const item = `${first ? ' ' : ', '}${column}`;
    if (!first && line.length + item.length > PROJECT_WIDTH) {
      lines.push(`${line},`);
      line = `${INDENT}${column}`;
    } else {
      line += item;
    }
    first = false;
  }
  lines.push(line);
  return lines;
}

/** Render one planned rule as a KQL query (LF line ends, one trailing newline, deterministic). */
export function renderKql(rule: PlannedRule, options: RenderOptions): string {
  if (!Number.isSafeInteger(options.lookbackDays) || options.lookbackDays <= 0) {
    throw new RangeError(`lookbackDays must be a positive whole number of days, got ${String(options.lookbackDays)}`);
  }
  const target = rule.kql;
  if (!target) throw new RangeError(`the ${options.kqlFlavor} KQL flavour has no table for the ${rule.logsourceKey} log source`);
  const timeField = kqlIdentifier(target.timeField);
  const m = rule.meta;
  const context: Record<(typeof CONTEXT_COLUMNS)[number], string> = {
    Technique: m.technique.id,
    Tactic: m.tactic.shortname,
    Confidence: m.level
  };
  const reserved = new Set<string>([target.timeField, ...CONTEXT_COLUMNS]);
  const shown = [...new Set(target.projection)].filter((column) => !reserved.has(column));
  const lines = [
    ...header(rule, options.kqlFlavor),
    '',
    kqlIdentifier(target.source),
    `| where ${timeField} > ago(${options.lookbackDays}d)`,
    ...booleanLines(target.condition, KQL, '| where ', INDENT),
    `| extend ${CONTEXT_COLUMNS.map((name) => `${name} = ${kqlString(context[name])}`).join(', ')}`,
    ...projectClause([timeField, ...shown.map(kqlIdentifier), ...CONTEXT_COLUMNS]),
    `| order by ${timeField} desc`
  ];
  return `${lines.join('\n')}\n`;
}
