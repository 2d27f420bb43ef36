/**
 * Splunk SPL backend (Splunk Enterprise Security, CIM field names): one planned rule becomes one
 * search over a CIM data model dataset, time-bounded, with ATT&CK context fields.
 *
 * Shape: `| datamodel <Model> <Dataset> flat strict_fields=false` selects the dataset's events by its
 * CIM constraints (tags) whatever the sourcetype, works with or without acceleration; `flat` returns
 * the unprefixed CIM field names (`process_name`, not `Processes.process_name`) and
 * `strict_fields=false` keeps the fields a dataset inherits from its parent (Web.Proxy's `url` is
 * declared on Web) and calculated fields, which the default strict mode drops. The condition follows as
 * `| search` terms (case-insensitive, native IPv4 CIDR), or — when any value cannot be a search term
 * (a literal `*`, control characters), or the rule uses a regex or an IPv6 CIDR — as one `| where`
 * expression for the whole condition, so the boolean structure is kept exactly: `match()` with a
 * `(?i)` PCRE of the escaped literal, and `cidrmatch()`.
 */
import type { Condition, FieldMatch, PlannedRule, RenderOptions } from '../model.js';
import { type BooleanDialect, booleanLines, headerTexts } from './condition-terms.js';
import { isSearchTermSafe, pcreLiteral, splCommentText, splDataModelProblem, splFieldName, splString } from './spl-literal.js';

const HEADER_WIDTH = 100;
const INDENT = '    ';

function isIPv6(value: string): boolean {
  return value.includes(':');
}

/** Search treats a term in CIDR notation as a network: a literal equal to one must not be a term. */
const LOOKS_LIKE_CIDR = /^[0-9A-Fa-f:.]+\/\d+$/;

/** Can this leaf be a `| search` term with exactly the meaning of the planned match? */
function searchable(match: FieldMatch): boolean {
  const text = String(match.value);
  switch (match.operator) {
    case 'regex':
      return false;
    case 'cidr':
      return !isIPv6(text);
    case 'equals':
      return isSearchTermSafe(text) && !LOOKS_LIKE_CIDR.test(text);
    default:
      return isSearchTermSafe(text);
  }
}

function needsWhere(condition: Condition): boolean {
  switch (condition.kind) {
    case 'match':
      return !searchable(condition);
    case 'not':
      return needsWhere(condition.child);
    case 'and':
    case 'or':
      return condition.children.length === 0 || condition.children.some(needsWhere);
  }
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${String(value)}`);
  return String(value);
}

/** `| search`: field values compare case-insensitively, `*` is the wildcard, CIDR values match natively. */
const SEARCH: BooleanDialect = {
  match(m) {
    const field = splFieldName(m.field);
    if (typeof m.value === 'number' && m.operator === 'equals') return `${field}=${numberText(m.value)}`;
    const text = typeof m.value === 'number' ? numberText(m.value) : m.value;
    switch (m.operator) {
      case 'equals':
      case 'cidr':
        return `${field}=${splString(text)}`;
      case 'contains':
        return `${field}=${splString(`*${text}*`)}`;
      case 'startswith':
        return `${field}=${splString(`${text}*`)}`;
      case 'endswith':
        return `${field}=${splString(`*${text}`)}`;
      case 'regex':
        throw new RangeError('a regex cannot be a search term');
    }
  },
  list(first, values) {
    return `${splFieldName(first.field)} IN (${values.map((v) => (typeof v === 'number' ? numberText(v) : splString(v))).join(', ')})`;
  },
  not: (inner) => `NOT (${inner})`,
  and: 'AND',
  or: 'OR',
  // Only `| where` can say these: needsWhere sends every empty AND/OR there.
  true: 'true()',
  false: 'false()'
};

/** `| where`: every string comparison is a case-insensitive, anchored PCRE of the escaped literal. */
const WHERE: BooleanDialect = {
  match(m) {
    const field = splFieldName(m.field);
    if (typeof m.value === 'number' && m.operator === 'equals') return `${field}==${numberText(m.value)}`;
    const text = typeof m.value === 'number' ? numberText(m.value) : m.value;
    const literal = pcreLiteral(text);
    switch (m.operator) {
      case 'equals':
        return `match(${field}, ${splString(`(?i)\\A${literal}\\z`)})`;
      case 'contains':
        return `match(${field}, ${splString(`(?i)${literal}`)})`;
      case 'startswith':
        return `match(${field}, ${splString(`(?i)\\A${literal}`)})`;
      case 'endswith':
        return `match(${field}, ${splString(`(?i)${literal}\\z`)})`;
      case 'regex':
        return `match(${field}, ${splString(`(?i)${text}`)})`;
      case 'cidr':
        return `cidrmatch(${splString(text)}, ${field})`;
    }
  },
  not: (inner) => `NOT (${inner})`,
  and: 'AND',
  or: 'OR',
  // Only `| where` can say these: needsWhere sends every empty AND/OR there.
  true: 'true()',
  false: 'false()'
};

function conditionClause(condition: Condition): string[] {
  const where = needsWhere(condition);
  return booleanLines(condition, where ? WHERE : SEARCH, where ? '| where ' : '| search ', INDENT);
}

/** `Model.Dataset` (or `Model.Parent.Dataset`) → the `datamodel` command's model and dataset names. */
function dataModel(source: string): { model: string; dataset: string } {
  const problem = splDataModelProblem(source);
  if (problem !== undefined) throw new RangeError(problem);
  const parts = source.split('.');
  return { model: parts[0]!, dataset: parts[parts.length - 1]! };
}

function comment(text: string): string {
  return `\`\`\`${splCommentText(text)}\`\`\``;
}

function header(rule: PlannedRule): string[] {
  const { title, lines } = headerTexts(rule.meta, `Splunk Enterprise Security, CIM data model ${rule.spl.source}`, '; ');
  const first = `── ${title} ──`;
  const ruler = '─'.repeat(Math.max(0, HEADER_WIDTH - 6 - [...splCommentText(first)].length));
  if (rule.spl.sourceHint !== undefined && rule.spl.sourceHint.trim() !== '') {
    lines.push(`Typical sourcetype: ${rule.spl.sourceHint} (add a sourcetype term to the search to narrow it)`);
  }
  return [comment(`${first}${ruler}`), ...lines.map(comment)];
}

/** Render one planned rule as an SPL search (LF line ends, one trailing newline, deterministic). */
export function renderSpl(rule: PlannedRule, options: RenderOptions): string {
  if (!Number.isSafeInteger(options.lookbackDays) || options.lookbackDays <= 0) {
    throw new RangeError(`lookbackDays must be a positive whole number of days, got ${String(options.lookbackDays)}`);
  }
  const target = rule.spl;
  const m = rule.meta;
  const { model, dataset } = dataModel(target.source);
  const timeField = splFieldName(target.timeField);
  const context = { technique: m.technique.id, tactic: m.tactic.shortname, confidence: m.level };
  const reserved = new Set<string>([target.timeField, ...Object.keys(context)]);
  const shown = [...new Set(target.projection)].filter((field) => !reserved.has(field)).map(splFieldName);
  const lines = [
    ...header(rule),
    `| datamodel ${model} ${dataset} flat strict_fields=false`,
    `| where ${timeField} >= relative_time(now(), ${splString(`-${options.lookbackDays}d`)})`,
    ...conditionClause(target.condition),
    `| eval ${Object.entries(context).map(([name, value]) => `${name}=${splString(value)}`).join(', ')}`,
    `| table ${[timeField, ...shown, ...Object.keys(context)].join(' ')}`,
    `| sort 0 -${timeField}`
  ];
  return `${lines.join('\n')}\n`;
}
