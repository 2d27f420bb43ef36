/**
 * Every SPL search generated from `examples/hunts/` passes the structure check, searches the CIM
 * data model dataset its rule names with the routing table's CIM fields, and carries each IOC of
 * its condition as a literal that decodes back to exactly that IOC.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderSpl } from '../src/core/backends/spl.js';
import { type FieldMatch } from '../src/core/model.js';
import { bundledRoutingTable } from '../src/core/routing/table.js';
import { checkSpl, decodePcreLiteral, decodeSplString, splPipeline } from './support/spl-check.js';
import { conditionLeaves, planExample } from './support/rules.js';

const HUNTS_DIR = 'examples/hunts';
const CIM_FIELDS = bundledRoutingTable().cimDatasets;

/** What a leaf's literal must decode to, in search-term form and in `| where` form. */
function expectedLiterals(leaf: FieldMatch): { search: string; where: string } | undefined {
  if (typeof leaf.value === 'number') return undefined;
  const v = leaf.value;
  switch (leaf.operator) {
    case 'equals':
      return { search: v, where: v };
    case 'contains':
      return { search: `*${v}*`, where: v };
    case 'startswith':
      return { search: `${v}*`, where: v };
    case 'endswith':
      return { search: `*${v}`, where: v };
    case 'regex':
      return { search: `(?i)${v}`, where: `(?i)${v}` };
    case 'cidr':
      return { search: v, where: v };
  }
}

const files = readdirSync(HUNTS_DIR)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort()
  .map((f) => join(HUNTS_DIR, f));
const cases = files.flatMap((file) => planExample(file).map((rule) => [`${file} ${rule.logsourceKey} ${rule.meta.technique.id}`, rule] as const));

test('the examples cover search-term and where forms', () => {
  const commands = cases.map(([, rule]) => splPipeline(renderSpl(rule, { lookbackDays: 7, kqlFlavor: 'xdr' }))[2]!.command);
  expect(new Set(commands)).toEqual(new Set(['search', 'where']));
});

test.each(cases)('%s', (_name, rule) => {
  const spl = renderSpl(rule, { lookbackDays: 7, kqlFlavor: 'xdr' });
  expect(checkSpl(spl)).toEqual([]);
  const pipeline = splPipeline(spl);
  expect(pipeline.map((s) => s.command)).toEqual(['datamodel', 'where', expect.stringMatching(/^(search|where)$/), 'eval', 'table', 'sort']);

  const [model, ...rest] = rule.spl.source.split('.');
  expect(spl).toContain(`| datamodel ${model} ${rest[rest.length - 1]} flat strict_fields=false\n`);
  const known = new Set(['_time', ...(CIM_FIELDS[rule.spl.source] ?? [])]);
  for (const field of [...rule.spl.projection, ...conditionLeaves(rule.spl.condition).map((l) => l.field)]) expect({ field, known: known.has(field) }).toEqual({ field, known: true });

  const segment = pipeline[2]!;
  const literals = segment.tokens.filter((t) => t.kind === 'string').map((t) => decodeSplString(t.text));
  const decoded = segment.command === 'search' ? literals : literals.map(tryDecodePcre);
  for (const leaf of conditionLeaves(rule.spl.condition)) {
    const expected = expectedLiterals(leaf);
    if (expected === undefined) {
      expect(segment.tokens.map((t) => t.text).join('')).toMatch(new RegExp(`\\b${leaf.field}(==?|\\s+IN\\s+\\([^)]*?\\b)${leaf.value}\\b`));
      continue;
    }
    const form = segment.command === 'search' ? expected.search : expected.where;
    expect({ leaf, found: decoded.includes(form) || literals.includes(form) }).toEqual({ leaf, found: true });
  }
});

/** The literal text of a generated `match()` pattern, or the pattern itself when it is not a literal (a regex IOC). */
function tryDecodePcre(pattern: string): string {
  try {
    return decodePcreLiteral(pattern).text;
  } catch {
    return pattern;
  }
}
