/**
 * Every rule planned from every report in `examples/hunts`, rendered as KQL in both flavours,
 * must bind with zero errors in Microsoft's Kusto language service against that flavour's
 * schemas; and every number is compared with a numeric column (the service does not catch
 * `string == 443`, a real cluster rejects it at run time).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { renderKql } from '../src/core/backends/kql.js';
import { KQL_FLAVORS, type KqlFlavor, type PlannedRule } from '../src/core/model.js';
import { describeDiagnostics, kqlColumnType, kqlDiagnostics } from './support/kusto.js';
import { conditionLeaves, planExample } from './support/rules.js';

const HUNTS_DIR = fileURLToPath(new URL('../examples/hunts/', import.meta.url));
const huntFiles = readdirSync(HUNTS_DIR)
  .filter((name) => /\.(ya?ml|json)$/.test(name))
  .sort();

function rulesOf(file: string, kqlFlavor: KqlFlavor): PlannedRule[] {
  // Rules without a KQL target (the flavour has no table for their log source) get no KQL file.
  return planExample(join(HUNTS_DIR, file), kqlFlavor).filter((rule) => rule.kql !== undefined);
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
      conditionLeaves(rule.kql!.condition)
        .filter((leaf) => typeof leaf.value === 'number')
        .map((leaf) => ({ column: `${rule.kql!.source}.${leaf.field}`, type: kqlColumnType(flavor, rule.kql!.source, leaf.field) }))
    );
    expect(numeric.length).toBeGreaterThan(0);
    for (const { column, type } of numeric) expect({ column, type }).toEqual({ column, type: expect.stringMatching(NUMERIC) });
  });
});
