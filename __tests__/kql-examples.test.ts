/**
 * Every rule planned from every report in `examples/hunts`, rendered as KQL in both flavours,
 * must bind with zero errors in Microsoft's Kusto language service against that flavour's
 * schemas; and every number is compared with a numeric column (the service does not catch
 * `string == 443`, a real cluster rejects it at run time).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { renderKql } from '../src/core/backends/kql.js';
import { parseHuntReport } from '../src/core/hunt/parse.js';
import { type Condition, DEFAULT_STATUS_MAP, type FieldMatch, KQL_FLAVORS, type KqlFlavor, type PlannedRule } from '../src/core/model.js';
import { bundledRoutingTable } from '../src/core/routing/table.js';
import { planRules } from '../src/core/rules/plan.js';
import { describeDiagnostics, kqlColumnType, kqlDiagnostics } from './support/kusto.js';

const HUNTS_DIR = fileURLToPath(new URL('../examples/hunts/', import.meta.url));
const huntFiles = readdirSync(HUNTS_DIR)
  .filter((name) => /\.(ya?ml|json)$/.test(name))
  .sort();

function rulesOf(file: string, kqlFlavor: KqlFlavor): PlannedRule[] {
  const catalogue = bundledAttackCatalogue();
  const parsed = parseHuntReport(readFileSync(join(HUNTS_DIR, file)), `examples/hunts/${file}`, catalogue);
  if (!parsed.report) throw new Error(`${file} does not parse: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const plan = planRules(parsed.report, {
    file: parsed.file,
    locate: parsed.locate,
    statusMap: DEFAULT_STATUS_MAP,
    kqlFlavor,
    routing: bundledRoutingTable(),
    catalogue
  });
  // Rules without a KQL target (the flavour has no table for their log source) get no KQL file.
  return plan.rules.filter((rule) => rule.kql !== undefined);
}

function leaves(c: Condition): FieldMatch[] {
  if (c.kind === 'match') return [c];
  if (c.kind === 'not') return leaves(c.child);
  return c.children.flatMap(leaves);
}

const NUMERIC = /^(int|long|real|decimal)$/;

describe.each(KQL_FLAVORS)('examples/hunts rendered as KQL (%s)', (flavor) => {
  const cases = huntFiles.flatMap((file) => rulesOf(file, flavor).map((rule) => [`${file} → ${rule.meta.technique.id} ${rule.logsourceKey}`, rule] as const));

  test('the examples produce rules', () => {
    expect(huntFiles.length).toBeGreaterThan(0);
    expect(cases.length).toBeGreaterThanOrEqual(huntFiles.length);
  });

  test.each(cases)('%s binds with zero errors', (_name, rule) => {
    const query = renderKql(rule, { lookbackDays: 7, kqlFlavor: flavor });
    const errors = kqlDiagnostics(query, flavor).filter((d) => d.severity === 'Error');
    if (errors.length > 0) throw new Error(`${describeDiagnostics(query, errors)}\n--- query ---\n${query}`);
  });

  test('every number (a port) is compared with a numeric column, and the examples have some', () => {
    const numeric = cases.flatMap(([, rule]) =>
      leaves(rule.kql!.condition)
        .filter((leaf) => typeof leaf.value === 'number')
        .map((leaf) => ({ column: `${rule.kql!.source}.${leaf.field}`, type: kqlColumnType(flavor, rule.kql!.source, leaf.field) }))
    );
    expect(numeric.length).toBeGreaterThan(0);
    for (const { column, type } of numeric) expect({ column, type }).toEqual({ column, type: expect.stringMatching(NUMERIC) });
  });
});
