/** The noun for a count: `one` for exactly 1, else `many` (by default `one` + "s"). */
export function pluralNoun(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/** A count with its noun: `1 rule`, `2 rules`. */
export function countOf(count: number, one: string, many?: string): string {
  return `${count} ${pluralNoun(count, one, many)}`;
}
