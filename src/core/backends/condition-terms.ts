import type { Condition, FieldMatch } from '../model.js';

/**
 * What the KQL, SPL and SQL renderers share about the condition tree: how an OR's operands fold
 * into value lists, and how free text is made safe for a one-line comment.
 */

/** An OR operand: one condition, or ≥2 distinct equality values on one field (same value type). */
export type OrOperand = { kind: 'single'; condition: Condition } | { kind: 'list'; first: FieldMatch; values: (string | number)[] };

function equalityKey(c: Condition): string | undefined {
  if (c.kind !== 'match' || c.operator !== 'equals') return undefined;
  return `${typeof c.value}\u0000${c.field}`;
}

/**
 * The operands of an OR in their order, equalities on one field merged at the place of the first
 * (repeated values once). With `mergeLists` false every child stays an operand of its own.
 */
export function orOperands(children: readonly Condition[], mergeLists = true): OrOperand[] {
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
