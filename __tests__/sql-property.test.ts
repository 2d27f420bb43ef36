/**
 * Property tests: for arbitrary IOC values the Databricks query parses, and — executed in DuckDB
 * after translation — matches a row holding exactly that value (embedded as the operator needs)
 * and not a row that differs from it by one character.
 */
import fc from 'fast-check';
import { renderSql } from '../src/core/backends/sql.js';
import { sqlTables } from '../src/core/routing/table.js';
import type { Condition, PlannedRule } from '../src/core/model.js';
import { databricksSyntaxErrors, databricksToDuckDb, type SqlTables } from './support/databricks.js';
import { SecurityLake, swapAsciiCase } from './support/duckdb.js';
import { testRule } from './support/rules.js';

const TABLES: SqlTables = sqlTables();
const TABLE = 'security.process_events';
const FIELD = 'command_line';

function rule(condition: Condition): PlannedRule {
  return testRule(condition, { sql: { source: TABLE, projection: ['host', FIELD] } });
}

/** IOC values: any unicode text, biased towards the characters that break escaping. */
const iocValue = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom('\\', "'", '"', '\n', '\r', '\t', '\u0000', '%', '_', '*', '?', '|', '[', ']', '-', '/', 'u', '0', 'a', 'Z', 'é', '😀', '\u202e'),
    minLength: 1,
    maxLength: 16
  })
);

/** Markers absent from the value (in either case), so embedding cannot create a new occurrence. */
function markers(value: string): [string, string, string] {
  const lower = value.toLowerCase();
  const free = [...'#~!@^&=:;,'].filter((c) => !value.includes(c) && !lower.includes(c));
  return [free[0]!, free[1]!, free[2]!];
}

const OPERATORS = ['equals', 'contains', 'startswith', 'endswith'] as const;

let lake: SecurityLake;
beforeAll(async () => {
  lake = await SecurityLake.create(TABLES);
});
afterAll(() => lake.close());

test.each(OPERATORS)('%s: parses, matches the value, not a one-character variant', async (operator) => {
  await fc.assert(
    fc.asyncProperty(iocValue, fc.nat(), async (value, at) => {
      const [left, right, other] = markers(value);
      const sql = renderSql(rule({ kind: 'match', field: FIELD, operator, value }), { lookbackDays: 7, kqlFlavor: 'xdr' });
      expect(databricksSyntaxErrors(sql)).toEqual([]);
      const duck = databricksToDuckDb(sql);

      const chars = [...value];
      const i = at % chars.length;
      const variant = [...chars.slice(0, i), other, ...chars.slice(i + 1)].join('');
      const embed = (text: string) =>
        ({ equals: text, contains: `${left}${text}${right}`, startswith: `${text}${right}`, endswith: `${left}${text}` })[operator];

      const hit = await lake.countMatches(TABLE, [{ ageMinutes: 1, values: { [FIELD]: embed(swapAsciiCase(value)) } }], duck);
      const miss = await lake.countMatches(TABLE, [{ ageMinutes: 1, values: { [FIELD]: embed(variant) } }], duck);
      expect([hit, miss]).toEqual([1, 0]);
    }),
    { numRuns: 100 }
  );
});

test('IPv4 CIDR: the range test agrees with bit arithmetic for random networks and addresses', async () => {
  const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
  await fc.assert(
    fc.asyncProperty(ipv4, fc.integer({ min: 0, max: 32 }), fc.array(ipv4, { minLength: 1, maxLength: 4 }), async (network, prefix, probes) => {
      const sql = renderSql(rule({ kind: 'match', field: 'host', operator: 'cidr', value: `${network.join('.')}/${prefix}` }), {
        lookbackDays: 7,
        kqlFlavor: 'xdr'
      });
      const duck = databricksToDuckDb(sql);
      const asNumber = (octets: number[]) => octets.reduce((acc, o) => acc * 256 + o, 0);
      const size = 2 ** (32 - prefix);
      const inside = (octets: number[]) => Math.floor(asNumber(octets) / size) === Math.floor(asNumber(network) / size);
      const near = network.map((o, k) => (k === Math.min(3, Math.floor(prefix / 8)) ? (o + 1) % 256 : o));
      for (const probe of [...probes, network, near]) {
        const count = await lake.countMatches(TABLE, [{ ageMinutes: 1, values: { host: probe.join('.') } }], duck);
        expect(count).toBe(inside(probe) ? 1 : 0);
      }
    }),
    { numRuns: 40 }
  );
});
