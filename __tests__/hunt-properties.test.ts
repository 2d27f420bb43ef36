import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { type ParsedHunt, parseHuntReport } from '../src/core/hunt/parse.js';
import { validHuntReportArb, yamlishTextArb } from './support/hunt-arbitraries.js';

const RUNS = { numRuns: 150 };

/** The contract every parse result keeps: a report, or at least one error; every location inside the file. */
function assertWellFormed(result: ParsedHunt, text: string): void {
  const lines = text.split('\n');
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(result.report !== undefined || errors.length > 0).toBe(true);
  expect(result.report === undefined || errors.length === 0).toBe(true);
  for (const d of result.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines.length);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeLessThanOrEqual(lines[d.line - 1]!.length + 1);
    expect(d.message).not.toMatch(/[\n\r]/);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

const examples = readdirSync('examples/hunts').map((name) => ({ name, text: readFileSync(`examples/hunts/${name}`, 'utf8') }));

describe('hunt parser properties', () => {
  test('(a) arbitrary YAML-like text never throws and yields a report or located errors', () => {
    fc.assert(
      fc.property(yamlishTextArb, fc.constantFrom('x.yaml', 'x.json'), (text, file) => {
        assertWellFormed(parseHuntReport(text, file), text);
      }),
      RUNS
    );
  });

  test('(a) arbitrary JSON values, as JSON or YAML text, never throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, asJson) => {
        const text = asJson ? JSON.stringify(value, null, 2) : stringify(value);
        assertWellFormed(parseHuntReport(text, asJson ? 'v.json' : 'v.yaml'), text);
      }),
      RUNS
    );
  });

  test('(a) arbitrary bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = parseHuntReport(bytes, 'bytes.yaml');
        const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
        assertWellFormed(result, text);
      }),
      RUNS
    );
  });

  test('(b) mutations of the valid examples never crash', () => {
    const mutation = fc.oneof(
      // delete a line (a key, an item, or part of a block)
      fc.nat().map((n) => (lines: string[]) => lines.filter((_, i) => i !== n % lines.length)),
      // duplicate a line
      fc.nat().map((n) => (lines: string[]) => lines.flatMap((l, i) => (i === n % lines.length ? [l, l] : [l]))),
      // rename a key
      fc.tuple(fc.nat(), fc.string({ maxLength: 8 })).map(([n, name]) => (lines: string[]) =>
        lines.map((l, i) => (i === n % lines.length ? l.replace(/^(\s*-?\s*)[\w"]+(\s*:)/, `$1${name}$2`) : l))
      ),
      // change a scalar's type
      fc.tuple(fc.nat(), fc.constantFrom('42', 'true', 'null', '[]', '{}', '- x', '"', '[a, b]', '&x y', '*x', '12:30', '0x1F')).map(
        ([n, value]) => (lines: string[]) => lines.map((l, i) => (i === n % lines.length ? l.replace(/:\s+.*$/, `: ${value}`) : l))
      ),
      // re-indent a line
      fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([n, delta]) => (lines: string[]) =>
        lines.map((l, i) => (i === n % lines.length ? (delta > 0 ? ' '.repeat(delta) + l : l.slice(-delta)) : l))
      )
    );
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.option(fc.nat()), ({ name, text }, edits, cut) => {
        let mutated = edits.reduce((lines, edit) => edit(lines), text.split('\n')).join('\n');
        if (cut !== null) mutated = mutated.slice(0, cut % (mutated.length + 1));
        assertWellFormed(parseHuntReport(mutated, name), mutated);
      }),
      { numRuns: 300 }
    );
  });

  test('(c) generated valid reports, serialised as YAML or JSON, parse back unchanged with no errors', () => {
    fc.assert(
      fc.property(validHuntReportArb(), fc.boolean(), (report, asJson) => {
        const text = asJson ? JSON.stringify(report, null, 2) : stringify(report);
        const result = parseHuntReport(text, asJson ? 'gen.json' : 'gen.yaml');
        const errors: Diagnostic[] = result.diagnostics.filter((d) => d.severity === 'error');
        expect(errors).toEqual([]);
        expect(result.report).toEqual(report);
        assertWellFormed(result, text);
      }),
      RUNS
    );
  });
});
