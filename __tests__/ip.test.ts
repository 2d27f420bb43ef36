import fc from 'fast-check';
import { canonicalIPv6, canonicalIPv6Text, parseIPv6 } from '../src/core/ip.js';

describe('canonical IPv6 text (RFC 5952)', () => {
  test.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0017', '2001:db8::17'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['2001:DB8::1', '2001:db8::1'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    // Not rewritten: IPv4, IPv4-mapped tails (logs print them dotted), text that is no address.
    ['203.0.113.47', '203.0.113.47'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['2001:db8::g', '2001:db8::g']
  ])('%s → %s', (input, expected) => {
    expect(canonicalIPv6Text(input)).toBe(expected);
  });

  test('any spelling of an address gives one text, which names the same address and is its own canonical form (property)', () => {
    const groups = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, fc.boolean(), fc.boolean(), (g, padded, upper) => {
        let spelled = g.map((n) => n.toString(16).padStart(padded ? 4 : 1, '0')).join(':');
        if (upper) spelled = spelled.toUpperCase();
        const canonical = canonicalIPv6Text(spelled);
        expect(parseIPv6(canonical)).toEqual(g);
        expect(canonicalIPv6Text(canonical)).toBe(canonical);
        expect(canonical).toBe(canonicalIPv6(g));
        expect(canonical).not.toMatch(/[A-F]|(^|:)0[0-9a-f]|:::/);
      }),
      { numRuns: 500 }
    );
  });
});
