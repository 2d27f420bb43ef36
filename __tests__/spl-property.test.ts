/**
 * Property tests: for arbitrary IOC values the SPL passes the structure check, the value's literal
 * decodes (independently of the encoder) back to exactly the value, and a model of the matching
 * Splunk performs (search-term wildcards, or the PCRE in `match()`) accepts the value embedded as the
 * operator needs and rejects a one-character variant.
 */
import fc from 'fast-check';
import { renderSpl } from '../src/core/backends/spl.js';
import type { Condition, PlannedRule } from '../src/core/model.js';
import { checkSpl, decodePcreLiteral, decodeSplString, pcreToJs, searchTermToJs, splPipeline } from './support/spl-check.js';
import { swapAsciiCase } from './support/duckdb.js';
import { testRule } from './support/rules.js';

function rule(condition: Condition): PlannedRule {
  return testRule(condition, { spl: { projection: ['dest', 'process'] } });
}

const iocValue = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom('\\', '"', "'", '`', '*', '?', '|', '[', ']', '(', ')', '=', ' ', '\n', '\t', '\u0000', '\u202e', 'a', 'Z', '.', 'é', '😀'),
    minLength: 1,
    maxLength: 16
  })
);

function markers(value: string): [string, string, string] {
  const lower = value.toLowerCase();
  const free = [...'#~!@^&=:;,'].filter((c) => !value.includes(c) && !lower.includes(c));
  return [free[0]!, free[1]!, free[2]!];
}

const OPERATORS = ['equals', 'contains', 'startswith', 'endswith'] as const;
const WILDCARDS = { equals: ['', ''], contains: ['*', '*'], startswith: ['', '*'], endswith: ['*', ''] } as const;
const ANCHORS = { equals: [true, true], contains: [false, false], startswith: [true, false], endswith: [false, true] } as const;

test.each(OPERATORS)('%s: well-formed, decodes to the value, matches it and not a one-character variant', (operator) => {
  fc.assert(
    fc.property(iocValue, fc.nat(), (value, at) => {
      const spl = renderSpl(rule({ kind: 'match', field: 'process', operator, value }), { lookbackDays: 7, kqlFlavor: 'xdr' });
      expect(checkSpl(spl)).toEqual([]);
      const segment = splPipeline(spl)[2]!;
      const literals = segment.tokens.filter((t) => t.kind === 'string').map((t) => decodeSplString(t.text));
      expect(literals).toHaveLength(1);
      const literal = literals[0]!;

      let accepts: (text: string) => boolean;
      if (segment.command === 'search') {
        expect(value).not.toMatch(/[*\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
        const [before, after] = WILDCARDS[operator];
        expect(literal).toBe(`${before}${value}${after}`);
        const pattern = searchTermToJs(literal);
        accepts = (text) => pattern.test(text);
      } else {
        expect(segment.command).toBe('where');
        const decoded = decodePcreLiteral(literal);
        const [start, end] = ANCHORS[operator];
        expect(decoded).toEqual({ text: value, anchoredStart: start, anchoredEnd: end });
        const pattern = pcreToJs(literal);
        accepts = (text) => pattern.test(text);
      }

      const [left, right, other] = markers(value);
      const chars = [...value];
      const i = at % chars.length;
      const variant = [...chars.slice(0, i), other, ...chars.slice(i + 1)].join('');
      const embed = (text: string) =>
        ({ equals: text, contains: `${left}${text}${right}`, startswith: `${text}${right}`, endswith: `${left}${text}` })[operator];
      expect([accepts(embed(swapAsciiCase(value))), accepts(embed(variant))]).toEqual([true, false]);
    }),
    { numRuns: 250 }
  );
});
