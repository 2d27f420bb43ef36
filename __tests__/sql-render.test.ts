import { renderSql } from '../src/core/backends/sql.js';
import { sqlTables } from '../src/core/routing/table.js';
import type { Condition, FieldMatch, PlannedRule, RenderOptions } from '../src/core/model.js';
import { databricksSchemaErrors, databricksToDuckDb, scanDatabricks, type SqlTables } from './support/databricks.js';
import { AITM_META, testRule } from './support/rules.js';
import { benignAssignment, SecurityLake, witnesses, type SampleRow } from './support/duckdb.js';

const OPTIONS: RenderOptions = { lookbackDays: 7, kqlFlavor: 'xdr' };
const TABLES: SqlTables = {
  ...sqlTables(),
  'security.odd_names': { event_time: 'TIMESTAMP', order: 'STRING', 'user-name': 'STRING', port: 'INT' }
};
const OLD = 40 * 24 * 60;

const match = (field: string, operator: FieldMatch['operator'], value: string | number): FieldMatch => ({ kind: 'match', field, operator, value });
const or = (...children: Condition[]): Condition => ({ kind: 'or', children });
const and = (...children: Condition[]): Condition => ({ kind: 'and', children });
const not = (child: Condition): Condition => ({ kind: 'not', child });

/** Header values the assertions below name. */
const META = { ruleId: '0b0e7a43-2f7c-5d57-9b35-6f8a1c2d3e4f', hunt: { ...AITM_META.hunt, name: 'AiTM Proxy Detection' } };

function rule(source: string, condition: Condition, projection: string[] = [], title = 'Adversary-in-the-Middle: process creation'): PlannedRule {
  return testRule(condition, { sql: { source, projection } }, { ...META, title });
}

let lake: SecurityLake;
beforeAll(async () => {
  lake = await SecurityLake.create(TABLES);
});
afterAll(() => lake.close());

/** Render, validate against the schema, translate, and count the rows each sample matches. */
async function run(r: PlannedRule, samples: Record<string, string | number>[], ageMinutes = 60): Promise<number[]> {
  const sql = renderSql(r, OPTIONS);
  expect(databricksSchemaErrors(sql, TABLES)).toEqual([]);
  const duck = databricksToDuckDb(sql);
  const counts: number[] = [];
  for (const values of samples) counts.push(await lake.countMatches(r.sql.source, [{ ageMinutes, values }], duck));
  return counts;
}

describe('renderSql: the query shape', () => {
  const r = rule(
    'security.process_events',
    and(match('process_name', 'endswith', 'suspicious_proxy.exe'), match('parent_process_name', 'equals', 'explorer.exe')),
    ['host', 'user_name', 'process_name', 'event_time', 'host']
  );
  const sql = renderSql(r, OPTIONS);

  test('header, SELECT with context columns, FROM, lookback, condition, ORDER BY', () => {
    const lines = sql.split('\n');
    expect(lines[0]).toMatch(/^-- ── T1557\.001: Adversary-in-the-Middle: process creation ───+$/);
    expect(sql).toContain('-- Hunt: AiTM Proxy Detection (PEAK phase: Scoped)\n');
    expect(sql).toContain('-- Rule id: 0b0e7a43-2f7c-5d57-9b35-6f8a1c2d3e4f | Target: Databricks SQL\n');
    expect(sql).toContain(
      "SELECT\n  event_time,\n  host,\n  user_name,\n  process_name,\n  'T1557.001' AS technique,\n  'credential-access' AS tactic,\n  'high' AS confidence\n"
    );
    expect(sql).toContain('FROM security.process_events\nWHERE event_time >= NOW() - INTERVAL 7 DAYS\n  AND (\n');
    expect(sql).toContain("    endswith(lower(process_name), lower('suspicious_proxy.exe'))\n    AND lower(parent_process_name) = lower('explorer.exe')\n  )\n");
    expect(sql.endsWith('ORDER BY event_time DESC;\n')).toBe(true);
  });

  test('LF only, one trailing newline, deterministic, lookback from the options', () => {
    expect(sql).not.toContain('\r');
    expect(sql.endsWith('\n') && !sql.endsWith('\n\n')).toBe(true);
    expect(renderSql(r, OPTIONS)).toBe(sql);
    expect(renderSql(r, { ...OPTIONS, lookbackDays: 30 })).toContain('NOW() - INTERVAL 30 DAYS');
    expect(() => renderSql(r, { ...OPTIONS, lookbackDays: 0 })).toThrow(RangeError);
    expect(() => renderSql(r, { ...OPTIONS, lookbackDays: 1.5 })).toThrow(RangeError);
  });

  test('user text in the header stays inside its comment line', () => {
    const hostile = rule('security.process_events', match('process_name', 'equals', 'x'), [], "evil\nDROP TABLE security.process_events; --\u2028\u202e*/ ok");
    const text = renderSql(hostile, OPTIONS);
    const code = scanDatabricks(text)
      .filter((t) => t.kind === 'code')
      .map((t) => t.text)
      .join('');
    expect(code).not.toContain('DROP');
    expect(text.split('\n')[0]).toContain('evil DROP TABLE security.process_events; -- */ ok');
    expect(databricksSchemaErrors(text, TABLES)).toEqual([]);
  });
});

test('the schema check can fail: an unknown column or table is an error', () => {
  expect(databricksSchemaErrors(renderSql(rule('security.process_events', match('no_such_column', 'equals', 'x')), OPTIONS), TABLES).join('\n')).toMatch(
    /Unknown column 'no_such_column'/
  );
  expect(databricksSchemaErrors(renderSql(rule('security.no_such_table', match('host', 'equals', 'x')), OPTIONS), TABLES).join('\n')).toMatch(/Unknown table/);
});

describe('renderSql: execution in DuckDB returns exactly the malicious rows', () => {
  test('AiTM-like rule: parent AND process; case-insensitive; old rows are outside the lookback', async () => {
    const r = rule(
      'security.process_events',
      and(match('process_name', 'equals', 'suspicious_proxy.exe'), match('parent_process_name', 'equals', 'explorer.exe'))
    );
    const hit = { process_name: 'Suspicious_Proxy.EXE', parent_process_name: 'EXPLORER.exe' };
    expect(await run(r, [hit, { ...hit, parent_process_name: 'cmd.exe' }, { ...hit, process_name: 'not_suspicious_proxy.exe' }])).toEqual([1, 0, 0]);
    expect(await run(r, [hit], OLD)).toEqual([0]);
  });

  test('Windows paths keep single backslashes; %, _ and * are literal', async () => {
    const r = rule(
      'security.process_events',
      or(
        match('process_path', 'equals', 'C:\\Windows\\System32\\cmd.exe'),
        match('command_line', 'contains', '100%_*'),
        match('process_name', 'startswith', "o'brien\\")
      )
    );
    expect(
      await run(r, [
        { process_path: 'c:\\windows\\system32\\CMD.EXE' },
        { process_path: 'C:\\\\Windows\\\\System32\\\\cmd.exe' },
        { process_path: 'C:WindowsSystem32cmd.exe' },
        { command_line: 'run 100%_* now' },
        { command_line: 'run 100xx* now' },
        { command_line: 'run 1000_x now' },
        { process_name: "O'Brien\\tool.exe" },
        { process_name: "O'Brien/tool.exe" }
      ])
    ).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
  });

  test('OR of equalities on one field becomes one IN list with the same meaning', async () => {
    const r = rule('security.process_events', or(match('sha256', 'equals', 'AA'), match('sha256', 'equals', 'bb'), match('md5', 'equals', 'cc')));
    const sql = renderSql(r, OPTIONS);
    expect(sql).toContain("lower(sha256) IN (lower('AA'), lower('bb'))");
    expect(await run(r, [{ sha256: 'aa' }, { sha256: 'BB' }, { md5: 'CC' }, { sha256: 'cc' }, { sha256: 'aab' }])).toEqual([1, 1, 1, 0, 0]);
  });

  test('numbers compare numerically; lists of numbers use IN', async () => {
    const r = rule('security.network_events', or(match('dest_port', 'equals', 443), match('dest_port', 'equals', 8443)));
    expect(renderSql(r, OPTIONS)).toContain('dest_port IN (443, 8443)');
    expect(await run(r, [{ dest_port: 443 }, { dest_port: 8443 }, { dest_port: 4430 }, { dest_port: 44 }])).toEqual([1, 1, 0, 0]);
  });

  test('a number under a text operator compares the column text', async () => {
    const r = rule('security.network_events', match('dest_port', 'startswith', 44));
    expect(renderSql(r, OPTIONS)).toContain("startswith(lower(CAST(dest_port AS STRING)), lower('44'))");
    expect(await run(r, [{ dest_port: 443 }, { dest_port: 8443 }])).toEqual([1, 0]);
  });

  test('regex is case-insensitive and unanchored unless the pattern anchors itself', async () => {
    const r = rule('security.process_events', match('process_name', 'regex', '^sus[a-z_]+\\.exe$'));
    expect(renderSql(r, OPTIONS)).toContain(String.raw`process_name RLIKE '(?i)^sus[a-z_]+\\.exe$'`);
    expect(await run(r, [{ process_name: 'SUSPICIOUS_proxy.EXE' }, { process_name: 'x-suspicious.exe' }, { process_name: 'susXexe' }])).toEqual([1, 0, 0]);
  });

  test('IPv4 CIDR is an exact range test on the dotted quad', async () => {
    const r = rule('security.network_events', match('dest_ip', 'cidr', '10.1.0.0/16'));
    const ips = ['10.1.0.0', '10.1.255.255', '10.1.2.3', '10.0.255.255', '10.2.0.0', '10.1.2.3.4', '10.1.2.999', 'x10.1.2.3', '010.1.2.3', '2001:db8::1', '::ffff:10.1.2.3', ''];
    expect(await run(r, ips.map((dest_ip) => ({ dest_ip })))).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('IPv4 /32 and /0, and a host value without prefix', async () => {
    const exact = rule('security.network_events', or(match('dest_ip', 'cidr', '203.0.113.47/32'), match('src_ip', 'cidr', '198.51.100.7')));
    expect(await run(exact, [{ dest_ip: '203.0.113.47' }, { dest_ip: '203.0.113.48' }, { src_ip: '198.51.100.7' }, { src_ip: '198.51.100.70' }])).toEqual([1, 0, 1, 0]);
    const all = rule('security.network_events', match('dest_ip', 'cidr', '0.0.0.0/0'));
    expect(await run(all, [{ dest_ip: '255.255.255.255' }, { dest_ip: '0.0.0.0' }, { dest_ip: 'fe80::1' }])).toEqual([1, 1, 0]);
  });

  test('IPv6 CIDR: a text-prefix match, noted in the header', async () => {
    const r = rule('security.network_events', match('dest_ip', 'cidr', '2001:DB8::/32'));
    const sql = renderSql(r, OPTIONS);
    expect(sql).toContain("-- Note: dest_ip in 2001:DB8::/32 (IPv6) is matched on the address text prefix '2001:db8:'");
    expect(sql).toContain('exact for RFC 5952 text');
    expect(await run(r, ['2001:db8::1', '2001:DB8:ffff::', '2001:db9::1', '2001:db80::1', '10.0.0.1'].map((dest_ip) => ({ dest_ip })))).toEqual([1, 1, 0, 0, 0]);
    const narrow = renderSql(rule('security.network_events', match('dest_ip', 'cidr', '2001:db8:0:1::/64')), OPTIONS);
    expect(narrow).toContain("prefix '2001:db8:'");
    expect(narrow).toContain('wider than the network');
    const host = rule('security.network_events', match('dest_ip', 'cidr', '2001:0db8:0000:0000:0000:0000:0000:0001/128'));
    expect(await run(host, [{ dest_ip: '2001:db8::1' }, { dest_ip: '2001:db8::2' }])).toEqual([1, 0]);
  });

  test('NOT and nested groups keep their meaning', async () => {
    const r = rule(
      'security.process_events',
      and(or(match('process_name', 'equals', 'a.exe'), match('process_name', 'equals', 'b.exe')), not(match('command_line', 'contains', '--safe')))
    );
    expect(
      await run(r, [
        { process_name: 'a.exe', command_line: 'run' },
        { process_name: 'B.exe', command_line: 'x' },
        { process_name: 'a.exe', command_line: 'x --SAFE' },
        { process_name: 'c.exe', command_line: 'run' }
      ])
    ).toEqual([1, 1, 0, 0]);
  });

  test('empty AND matches everything, empty OR nothing', async () => {
    expect(await run(rule('security.process_events', and()), [{ process_name: 'x' }])).toEqual([1]);
    expect(await run(rule('security.process_events', or()), [{ process_name: 'x' }])).toEqual([0]);
  });

  test('reserved and unusual column names are quoted', async () => {
    const r = rule('security.odd_names', or(match('order', 'equals', 'x'), match('user-name', 'contains', 'adm')), ['order', 'user-name']);
    const sql = renderSql(r, OPTIONS);
    expect(sql).toContain('lower(`order`)');
    expect(sql).toContain('`user-name`,');
    expect(await run(r, [{ order: 'X' }, { 'user-name': 'ADMIN' }, { order: 'y' }])).toEqual([1, 1, 0]);
  });

  test('sample rows built from the condition tree: every branch matches, the benign row does not', async () => {
    const condition = or(
      and(match('process_name', 'endswith', '\\evil.exe'), match('parent_process_name', 'equals', 'winword.exe')),
      match('command_line', 'contains', "powershell -enc 'JAB'"),
      match('sha256', 'equals', 'ABCDEF0123')
    );
    const r = rule('security.process_events', condition);
    const rows: SampleRow[] = witnesses(condition).map((values) => ({ ageMinutes: 5, values }));
    expect(rows).toHaveLength(3);
    expect(await run(r, rows.map((row) => row.values))).toEqual([1, 1, 1]);
    expect(await run(r, [benignAssignment(condition, TABLES['security.process_events']!)])).toEqual([0]);
  });
});
