import type { Condition, FieldMatch, RuleMeta } from '../model.js';

/**
 * What the KQL, SPL and SQL renderers share: one boolean renderer over the condition tree, driven
 * by a dialect table (operators, constants, how a leaf and a value list are written), and how free
 * text is made safe for a one-line comment.
 */

export interface BooleanDialect {
  and: string;
  or: string;
  /** The text of an empty AND and of an empty OR. */
  true: string;
  false: string;
  not(inner: string): string;
  match(m: FieldMatch): string;
  /** An OR of ≥2 equality values on one field; without it each equality stays a term of its own. */
  list?(first: FieldMatch, values: (string | number)[]): string;
  /** Splice nested nodes of the same kind into their parent and unwrap one-child nodes (same meaning, fewer parentheses). */
  simplify?: boolean;
}

/** A node as its operator and its operands' texts (no operator: a single term). */
export interface BooleanTerms {
  op?: string;
  terms: string[];
}

function children(condition: Condition & { kind: 'and' | 'or' }, simplify: boolean): Condition[] {
  if (!simplify) return condition.children;
  return condition.children.flatMap((child) => (child.kind === condition.kind ? children(child, true) : [child]));
}

export function booleanTerms(condition: Condition, dialect: BooleanDialect): BooleanTerms {
  if (condition.kind === 'match') return { terms: [dialect.match(condition)] };
  if (condition.kind === 'not') return { terms: [dialect.not(renderBoolean(condition.child, dialect))] };
  const operands = children(condition, dialect.simplify === true);
  if (operands.length === 0) return { terms: [condition.kind === 'and' ? dialect.true : dialect.false] };
  if (operands.length === 1 && dialect.simplify) return booleanTerms(operands[0]!, dialect);
  if (condition.kind === 'and') return { op: dialect.and, terms: operands.map((c) => booleanOperand(c, dialect)) };
  // Lists come back only when the dialect has a list form.
  return {
    op: dialect.or,
    terms: orOperands(operands, dialect.list !== undefined).map((o) => (o.kind === 'single' ? booleanOperand(o.condition, dialect) : dialect.list!(o.first, o.values)))
  };
}

export function renderBoolean(condition: Condition, dialect: BooleanDialect): string {
  const { op, terms } = booleanTerms(condition, dialect);
  return op === undefined ? terms[0]! : terms.join(` ${op} `);
}

/** A child of AND/OR: compound children are always parenthesised, so precedence never bites (SPL search binds OR tighter than AND). */
function booleanOperand(condition: Condition, dialect: BooleanDialect): string {
  const { op, terms } = booleanTerms(condition, dialect);
  if (op === undefined || terms.length === 1) return terms[0]!;
  return `(${terms.join(` ${op} `)})`;
}

/** A top-level condition as lines: `first` before the first term, then `rest` + operator before each other term. */
export function booleanLines(condition: Condition, dialect: BooleanDialect, first: string, rest: string): string[] {
  const { op, terms } = booleanTerms(condition, dialect);
  if (op === undefined || terms.length === 1) return [`${first}${terms[0]!}`];
  return [`${first}${terms[0]!}`, ...terms.slice(1).map((term) => `${rest}${op} ${term}`)];
}

/** An OR operand: one condition, or ≥2 distinct equality values on one field (same value type). */
type OrOperand = { kind: 'single'; condition: Condition } | { kind: 'list'; first: FieldMatch; values: (string | number)[] };

function equalityKey(c: Condition): string | undefined {
  if (c.kind !== 'match' || c.operator !== 'equals') return undefined;
  return `${typeof c.value}\u0000${c.field}`;
}

/**
 * The operands of an OR in their order, equalities on one field merged at the place of the first
 * (repeated values once). With `mergeLists` false every child stays an operand of its own.
 */
function orOperands(children: readonly Condition[], mergeLists = true): OrOperand[] {
  if (!mergeLists) return children.map((condition) => ({ kind: 'single', condition }));
  const groups = new Map<string, FieldMatch[]>();
  for (const child of children) {
    const key = equalityKey(child);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), child as FieldMatch]);
  }
  const operands: OrOperand[] = [];
  const emitted = new Set<string>();
  for (const child of children) {
    const key = equalityKey(child);
    const group = key === undefined ? undefined : groups.get(key);
    if (key === undefined || group === undefined || group.length < 2) {
      operands.push({ kind: 'single', condition: child });
      continue;
    }
    if (emitted.has(key)) continue;
    emitted.add(key);
    const values = [...new Set(group.map((m) => m.value))];
    operands.push(values.length === 1 ? { kind: 'single', condition: group[0]! } : { kind: 'list', first: group[0]!, values });
  }
  return operands;
}

/**
 * The header every query starts with, as plain text: the title (`T1557.001: <rule title>`) and the
 * lines after it (hunt and PEAK phase; author, confidence and status; ATT&CK; rule id and target).
 */
export function headerTexts(meta: RuleMeta, target: string, separator: string): { title: string; lines: string[] } {
  const { technique } = meta;
  const named = technique.name !== '' && technique.name !== technique.id;
  return {
    title: `${technique.id}: ${meta.title}`,
    lines: [
      `Hunt: ${meta.hunt.name} (PEAK phase: ${meta.hunt.peakPhase})`,
      [`Author: ${meta.author}`, `Date: ${meta.date}`, `Confidence: ${meta.level} (${meta.confirmed ? 'confirmed' : 'unconfirmed'})`, `Status: ${meta.status}`].join(separator),
      `ATT&CK: ${named ? `${technique.id} ${technique.name}` : technique.id} — ${meta.tactic.name}`,
      `Rule id: ${meta.ruleId}${separator}Target: ${target}`
    ]
  };
}

/**
 * Text for a line comment that nothing in it can end or hide: `//` and `--` comments end at CR,
 * LF, U+2028 and U+2029, so every control, separator and invisible format character (and a lone
 * surrogate) collapses to one space.
 */
export function lineCommentText(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}
