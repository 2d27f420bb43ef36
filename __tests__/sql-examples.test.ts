/**
 * Every SQL query generated from `examples/hunts/` parses under the Databricks grammar with the
 * `security.*` schemas, and — translated and executed in DuckDB — returns the sample rows built to
 * satisfy each branch of its condition, and neither a benign row nor a malicious row older than
 * the lookback.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderSql } from '../src/core/backends/sql.js';
import { type Condition } from '../src/core/model.js';
import { sqlTables } from '../src/core/routing/table.js';
import { databricksSchemaErrors, databricksToDuckDb } from './support/databricks.js';
import { benignAssignment, SecurityLake, witnesses } from './support/duckdb.js';
import { planExample } from './support/rules.js';

const HUNTS_DIR = 'examples/hunts';
const OPTIONS = { lookbackDays: 7, kqlFlavor: 'xdr' as const };
const TABLES = sqlTables();

function onlyRegex(condition: Condition): boolean {
  if (condition.kind === 'match') return condition.operator === 'regex';
  if (condition.kind === 'not') return true;
  return condition.children.every(onlyRegex);
}

const files = readdirSync(HUNTS_DIR)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort()
  .map((f) => join(HUNTS_DIR, f));
const cases = files.flatMap((file) => planExample(file).map((rule) => [`${file} ${rule.logsourceKey} ${rule.meta.technique.id}`, rule] as const));

let lake: SecurityLake;
beforeAll(async () => {
  lake = await SecurityLake.create(TABLES);
});
afterAll(() => lake.close());

test('the examples yield SQL rules, the seed AiTM hunt its four log sources', () => {
  expect(files.length).toBeGreaterThanOrEqual(1);
  const aitm = planExample(join(HUNTS_DIR, 'aitm-proxy.yaml')).map((r) => r.sql.source);
  expect(aitm).toEqual(['security.process_events', 'security.certificate_events', 'security.signin_logs', 'security.dns_events']);
});

test.each(cases)('%s', async (_name, rule) => {
  const sql = renderSql(rule, OPTIONS);
  expect(databricksSchemaErrors(sql, TABLES)).toEqual([]);
  const duck = databricksToDuckDb(sql);
  const table = rule.sql.source;
  const columns = TABLES[table]!;

  const samples = witnesses(rule.sql.condition);
  if (!onlyRegex(rule.sql.condition)) expect(samples.length).toBeGreaterThan(0);
  for (const values of samples) {
    expect({ values, recent: await lake.countMatches(table, [{ ageMinutes: 10, values }], duck) }).toEqual({ values, recent: 1 });
    expect({ values, old: await lake.countMatches(table, [{ ageMinutes: (OPTIONS.lookbackDays + 1) * 24 * 60, values }], duck) }).toEqual({ values, old: 0 });
  }
  const benign = benignAssignment(rule.sql.condition, columns);
  expect({ benign, count: await lake.countMatches(table, [{ ageMinutes: 10, values: benign }], duck) }).toEqual({ benign, count: 0 });
});
