/**
 * "Did you mean …?" hints for typos in keys, enum values, tactic names and data-source references.
 */

function normalise(s: string): string {
  return s.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/** Optimal string alignment distance: Levenshtein plus transposition of two adjacent characters. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate the input most likely meant, or undefined when nothing is close. Close means a small
 * edit distance (about one typo per three characters), or the input being a distinctive part of exactly
 * one candidate ("sha256" → "hash_sha256", "Defender EDR" → "Microsoft Defender EDR").
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalise(input);
  if (!wanted) return undefined;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalise(candidate));
    if (distance === 0) return candidate;
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  if (best && best.distance <= limit) return best.candidate;
  if (wanted.length >= 3) {
    const containing = candidates.filter((c) => normalise(c).includes(wanted) || (normalise(c).length >= 3 && wanted.includes(normalise(c))));
    if (containing.length === 1) return containing[0];
  }
  return undefined;
}
