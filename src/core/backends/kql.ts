/**
 * KQL backend for Microsoft Defender XDR advanced hunting and Microsoft Sentinel: one planned rule
 * becomes one query over the rule's table, time-bounded, with ATT&CK context columns.
 *
 * Matching is case-insensitive throughout (`=~`, `in~`, `contains`, `startswith`, `endswith`,
 * `(?i)` regexes). `has` is never used: it matches whole terms only, not substrings.
 */
import { lineCommentText, orOperands } from './condition-terms.js';
import type { Condition, FieldMatch, KqlFlavor, PlannedRule, RenderOptions } from '../model.js';
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
  const m = rule.meta;
  const title = `// ── ${lineCommentText(`${m.technique.id}: ${m.title}`)} ──`;
  const ruler = '─'.repeat(Math.max(0, HEADER_WIDTH - [...title].length));
  const named = m.technique.name !== '' && m.technique.name !== m.technique.id;
  const technique = named ? `${m.technique.id} ${m.technique.name}` : m.technique.id;
  const lines = [
    `Hunt: ${m.hunt.name} (PEAK phase: ${m.hunt.peakPhase})`,
    `Author: ${m.author} | Date: ${m.date} | Confidence: ${m.level} (${m.confirmed ? 'confirmed' : 'unconfirmed'}) | Status: ${m.status}`,
    `ATT&CK: ${technique} — ${m.tactic.name}`,
    `Rule id: ${m.ruleId} | Target: ${FLAVOR_LABELS[flavor]}`
  ];
  return [`${title}${ruler}`, ...lines.map((line) => `// ${lineCommentText(line)}`)];
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

/** OR terms, with ≥2 equalities on one field merged into `field in~ ("a", "b")` (strings) or `field in (1, 2)` (numbers). */
function orTerms(children: Condition[]): string[] {
  return orOperands(children).map((operand) => {
    if (operand.kind === 'single') return renderOperand(operand.condition);
    const list = operand.values.map((v) => (typeof v === 'number' ? numberLiteral(v) : kqlString(v))).join(', ');
    return `${kqlIdentifier(operand.first.field)} ${typeof operand.first.value === 'number' ? 'in' : 'in~'} (${list})`;
  });
}

/** The children of an and/or, with nested nodes of the same kind spliced in (same meaning, fewer parentheses). */
function flatChildren(condition: Condition & { kind: 'and' | 'or' }): Condition[] {
  return condition.children.flatMap((child) => (child.kind === condition.kind ? flatChildren(child) : [child]));
}

/** The terms of a boolean node, or one term for a leaf. Empty AND is true, empty OR is false. */
function terms(condition: Condition): { op: 'and' | 'or' | undefined; terms: string[] } {
  if (condition.kind === 'match') return { op: undefined, terms: [renderMatch(condition)] };
  if (condition.kind === 'not') return { op: undefined, terms: [`not(${renderCondition(condition.child)})`] };
  const children = flatChildren(condition);
  if (children.length === 0) return { op: undefined, terms: [condition.kind === 'and' ? 'true' : 'false'] };
  if (children.length === 1) return terms(children[0]!);
  return { op: condition.kind, terms: condition.kind === 'and' ? children.map(renderOperand) : orTerms(children) };
}

function renderCondition(condition: Condition): string {
  const { op, terms: parts } = terms(condition);
  return op === undefined ? parts[0]! : parts.join(` ${op} `);
}

/** A child of `and`/`or`: compound children are always parenthesised, so precedence never bites. */
function renderOperand(condition: Condition): string {
  const { op, terms: parts } = terms(condition);
  if (op === undefined || parts.length === 1) return parts[0]!;
  return `(${parts.join(` ${op} `)})`;
}

/** The `| where` clause: a top-level `and`/`or` puts one term per line. */
function whereClause(condition: Condition): string[] {
  const { op, terms: parts } = terms(condition);
  if (op === undefined || parts.length === 1) return [`| where ${parts[0]!}`];
  return [`| where ${parts[0]!}`, ...parts.slice(1).map((part) => `${INDENT}${op} ${part}`)];
}

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
    ...whereClause(target.condition),
    `| extend ${CONTEXT_COLUMNS.map((name) => `${name} = ${kqlString(context[name])}`).join(', ')}`,
    ...projectClause([timeField, ...shown.map(kqlIdentifier), ...CONTEXT_COLUMNS]),
    `| order by ${timeField} desc`
  ];
  return `${lines.join('\n')}\n`;
}
