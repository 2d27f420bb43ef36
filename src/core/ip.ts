/** IP address text: parsing to numbers and the canonical (RFC 5952) text of IPv6 addresses. */

/** The 32-bit value of a dotted quad without leading zeros, or undefined. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** The 8 groups of an IPv6 address (with `::` expanded and an IPv4 tail converted), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  let rest = text;
  const tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseIPv4(v4[2]!);
    if (n === undefined) return undefined;
    tail.push(Math.floor(n / 65536), n % 65536);
    rest = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...left, ...right].every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  const missing = 8 - left.length - right.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const hex = (g: string) => parseInt(g, 16);
  return [...left.map(hex), ...Array<number>(missing).fill(0), ...right.map(hex), ...tail];
}

/** RFC 5952 text of an address: lower-case hex, no leading zeros, the longest run (≥2) of zero groups as `::`. */
export function canonicalIPv6(groups: number[]): string {
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/**
 * The text logs record for an IPv6 address written in any valid form (`2001:0DB8:0::17` →
 * `2001:db8::17`); other text (IPv4, an IPv4-mapped tail, not an address) is returned as it is.
 */
export function canonicalIPv6Text(text: string): string {
  if (!text.includes(':') || text.includes('.')) return text;
  const groups = parseIPv6(text);
  return groups ? canonicalIPv6(groups) : text;
}
