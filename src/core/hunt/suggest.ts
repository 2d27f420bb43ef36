/**
 * "Did you mean …?" hints for typos in keys, enum values, tactic names and data-source references.
 */

function normalise(s: string): string {
  return s.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/** Typos are short; a long input is not a misspelt name, and comparing it would cost O(length²). */
const MAX_INPUT_LENGTH = 80;

/**
 * Optimal string alignment distance (Levenshtein plus transposition of two adjacent characters).
 * With `limit`, returns limit + 1 as soon as the distance is known to exceed it.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, prevPrev[j - 2]! + 1);
      row.push(best);
      rowMin = Math.min(rowMin, best);
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate the input most likely meant, or undefined when nothing is close. Close means a small
 * edit distance (about one typo per three characters), or the input being a distinctive part of exactly
 * one candidate ("sha256" → "hash_sha256", "Defender EDR" → "Microsoft Defender EDR").
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const wanted = normalise(input);
  if (!wanted || wanted.length > MAX_INPUT_LENGTH) return undefined;
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  const containing: string[] = [];
  for (const candidate of candidates) {
    const norm = normalise(candidate);
    const distance = editDistance(wanted, norm, best ? Math.min(limit, best.distance - 1) : limit);
    if (distance === 0) return candidate;
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
    if (wanted.length >= 3 && (norm.includes(wanted) || (norm.length >= 3 && wanted.includes(norm)))) containing.push(candidate);
  }
  if (best) return best.candidate;
  return containing.length === 1 ? containing[0] : undefined;
}
