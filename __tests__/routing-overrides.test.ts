import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { convertHunts } from '../src/core/convert.js';
import { HuntReportSchema, type HuntReport } from '../src/core/hunt/schema.js';
import { DEFAULT_STATUS_MAP, type KqlFlavor } from '../src/core/model.js';
import { applyRoutingOverrides, parseRoutingOverrides, type RoutingOverrides } from '../src/core/routing/overrides.js';
import { bundledRoutingTable, describeIocRoute, type RoutingTable } from '../src/core/routing/table.js';
import { planRules } from '../src/core/rules/plan.js';

const base = bundledRoutingTable();
const catalogue = bundledAttackCatalogue();

function load(source: string) {
  return parseRoutingOverrides(source, 'mappings.yml');
}

function located(source: string): string[] {
  return load(source).diagnostics.map((d) => `${d.line}:${d.column} ${d.severity}: ${d.message}`);
}

function table(source: string): RoutingTable {
  const { table: overrides, diagnostics } = load(source);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return applyRoutingOverrides(base, overrides!);
}

const aitm: HuntReport = HuntReportSchema.parse(parse(readFileSync('examples/hunts/aitm-proxy.yaml', 'utf8')));
const planWith = (routing: RoutingTable, kqlFlavor: KqlFlavor, report: HuntReport = aitm) =>
  planRules(report, { file: 'aitm.yaml', locate: () => ({ line: 1, column: 1 }), statusMap: DEFAULT_STATUS_MAP, kqlFlavor, routing, catalogue });

describe('the example mapping file (examples/mappings/custom-fields.yml)', () => {
  const source = readFileSync('examples/mappings/custom-fields.yml', 'utf8');

  test('loads without a diagnostic and changes what it says', () => {
    expect(load(source).diagnostics).toEqual([]);
    const t = table(source);
    expect(t.logsources.signin!.kql.xdr).toEqual({
      table: 'SigninLogs',
      timeField: 'TimeGenerated',
      projection: ['UserPrincipalName', 'AppDisplayName', 'IPAddress', 'Location', 'UserAgent', 'ResultType']
    });
    expect(t.logsources.process_creation!.sql.table).toBe('lake.edr_process');
    expect(t.logsources.process_creation!.spl.sourcetype).toEqual({ default: 'crowdstrike:events:sensor' });
    expect(t.routes.command_line.endpoint!.target.sql.fields).toEqual(['command_line', 'parent_command_line']);
    expect(t.routes.user_agent.cloud).toBeNull();
    expect(describeIocRoute(t, 'user_agent', 'proxy', 'sentinel')!.kql).toBe('CommonSecurityLog.DeviceCustomString2 (contains)');
  });

  test('gives Sentinel a certificate table, so the AiTM certificate rule comes back in that flavour', () => {
    const { rules, diagnostics } = planWith(table(source), 'sentinel');
    const cert = rules.find((r) => r.logsourceKey === 'certificate')!;
    expect(cert.kql).toMatchObject({ source: 'DeviceFileCertificateInfo', timeField: 'TimeGenerated', condition: { field: 'Issuer', operator: 'contains' } });
    expect(diagnostics.filter((d) => d.message.includes('no table'))).toEqual([]);
  });

  test('ROUTING.md shows this file as it is', () => {
    const body = source.slice(source.indexOf('version: 1'));
    expect(readFileSync('src/core/data/ROUTING.md', 'utf8')).toContain(body);
  });

  test('the built-in table is left untouched', () => {
    const before = JSON.stringify(base);
    table(source);
    expect(JSON.stringify(bundledRoutingTable())).toBe(before);
    expect(base.logsources.signin!.kql.xdr!.table).toBe('AADSignInEventsBeta');
  });
});

describe('mistakes are errors at their line and column', () => {
  test.each([
    ['routes:\n  proces_name:\n    endpoint: { kql: { xdr: FileName } }\n', ['2:3 error: unknown IOC type "proces_name" (did you mean "process_name"?)']],
    ['routes:\n  ip:\n    identiy:\n      sql: ip\n', ['3:5 error: unknown data-source type "identiy" (did you mean "identity"?) (or "*" for all)']],
    ['logsource:\n  signin: {}\n', ['1:1 error: unknown key "logsource" (did you mean "logsources"?)']],
    ['routes:\n  ip:\n    identity:\n      lgsource: dns\n', ['4:7 error: unknown key "lgsource" (did you mean "logsource"?)']],
    ['routes:\n  ip:\n    identity:\n      sql: "ip address"\n', ['4:12 error: routes.ip.identity.sql: must be a name of letters, digits, "_", "." or "-", starting with a letter or "_"']],
    ['routes:\n  ip:\n    identity:\n      sigma: "Image|contains"\n', ['4:14 error: routes.ip.identity.sigma: must be a name of letters, digits, "_", "." or "-", starting with a letter or "_"']],
    ['routes:\n  ip:\n    identity:\n      logsource: proxyy\n', ['4:18 error: unknown log source "proxyy" (did you mean "proxy"?)']],
    ['routes:\n  ip:\n    identity:\n      match: fuzzy\n', ['4:14 error: routes.ip.identity.match: Invalid option: expected one of "exact"|"contains"|"startswith"|"endswith"|"regex"']],
    ['version: 2\n', ['1:10 error: version: the only mapping file version is 1']],
    ['logsources:\n  signin:\n    kql:\n      xdr: { table: "Sign in" }\n', ['4:21 error: logsources.signin.kql.xdr.table: must be a name of letters, digits, "_", "." or "-", starting with a letter or "_"']],
    ['logsources:\n  sigin:\n    label: x\n', ['2:3 error: "sigin" is not a built-in log source (did you mean "signin"?); a new log source needs sigma, spl.source and spl.timeField, sql.table and sql.timeField']],
    ['routes:\n  ip:\n    identity:\n      logsource: certificate\n', ['3:5 error: ip has no built-in fields in the "certificate" log source; name them: sigma, spl, sql']],
    ['a: [\n', [expect.stringMatching(/^\d+:\d+ error: YAML: /)]],
    ['routes:\n  ip: {}\n  ip: {}\n', [expect.stringMatching(/^3:3 error: YAML: Map keys must be unique/)]]
  ])('%j', (source, expected) => {
    expect(located(source)).toEqual(expected);
    expect(load(source).table).toBeUndefined();
  });

  test('a column missing from a known table is a warning; any column of a custom table is accepted', () => {
    expect(located('routes:\n  ip:\n    identity:\n      kql:\n        xdr: IpAddr\n')).toEqual(['5:14 warning: the xdr table AADSignInEventsBeta has no column IpAddr in the known schema']);
    expect(located('logsources:\n  signin:\n    kql:\n      sentinel: { table: SigninLogs, projection: [Nope] }\n')).toEqual([
      '4:17 warning: the sentinel table SigninLogs has no column Nope in the known schema'
    ]);
    expect(located('logsources:\n  signin:\n    kql:\n      xdr: { table: My_SignIns_CL, projection: [Anything] }\nroutes:\n  ip:\n    identity:\n      kql: { xdr: SrcIp_s }\n')).toEqual([]);
  });

  test('a table whose IOCs have no column in it is an error', () => {
    expect(located('routes:\n  ip:\n    identity:\n      logsource: dns\n      sigma: answer\n      spl: answer\n      sql: answer\n')).toEqual([
      '3:5 error: the xdr table DnsEvents has no column for ip IOCs: add routes.ip.identity.kql.xdr'
    ]);
  });

  test('property: arbitrary text never throws; it loads or gives located diagnostics', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const result = load(text);
        for (const d of result.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.file).toBe('mappings.yml');
        }
        expect(result.table !== undefined || result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 300 }
    );
  });
});

describe('what overrides do to plans', () => {
  test('switching a route off leaves its IOCs out, with a warning', () => {
    const t = table('routes:\n  domain:\n    identity:\n      enabled: false\n');
    const { rules, diagnostics } = planWith(t, 'xdr');
    expect(rules.map((r) => r.logsourceKey)).toEqual(['process_creation', 'certificate', 'signin']);
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('routes no domain IOC from an identity data source')]);
  });

  test('"*" changes a field for every data-source type; a specific entry wins over it', () => {
    const t = table('routes:\n  ip:\n    "*":\n      sql: remote_addr\n    identity:\n      sql: client_ip\n');
    expect(t.routes.ip.endpoint!.target.sql.fields).toEqual(['remote_addr']);
    expect(t.routes.ip.firewall!.target.sql.fields).toEqual(['remote_addr']);
    expect(t.routes.ip.identity!.target.sql.fields).toEqual(['client_ip']);
    expect(t.routes.ip.identity!.target.kql.xdr!.fields).toEqual(['IPAddress']);
  });

  test('moving an IOC to another built-in log source takes that log source fields; the warning goes away', () => {
    const t = table('routes:\n  domain:\n    identity:\n      logsource: proxy\n');
    expect(t.routes.domain.identity).toMatchObject({ logsourceKey: 'proxy', native: true });
    const { rules, diagnostics } = planWith(t, 'xdr');
    expect(rules.map((r) => r.logsourceKey)).toEqual(['process_creation', 'certificate', 'signin', 'proxy']);
    expect(rules[3]!.kql!.condition).toMatchObject({ kind: 'or', children: [{ field: 'DestinationHostName' }, { field: 'DestinationHostName' }] });
    expect(diagnostics).toEqual([]);
  });

  test('a new log source, complete in every backend, can take IOCs', () => {
    const t = table(
      [
        'logsources:',
        '  vpn:',
        '    label: VPN',
        '    sigma: { product: fortios, service: sslvpnd }',
        '    kql:',
        '      xdr: { table: Vpn_CL, timeField: TimeGenerated, projection: [User_s] }',
        '      sentinel: { table: Vpn_CL, timeField: TimeGenerated }',
        '    spl: { source: Authentication.Authentication, timeField: _time, sourcetype: "fortigate_event" }',
        '    sql: { table: security.vpn_sessions, timeField: event_time }',
        'routes:',
        '  ip:',
        '    identity:',
        '      logsource: vpn',
        '      sigma: remip',
        '      kql: { xdr: RemoteIp_s, sentinel: RemoteIp_s }',
        '      spl: src',
        '      sql: remote_ip',
        ''
      ].join('\n')
    );
    const { rules } = planWith(t, 'sentinel');
    const vpn = rules.find((r) => r.logsourceKey === 'vpn')!;
    expect(vpn.sigma.logsource).toEqual({ product: 'fortios', service: 'sslvpnd' });
    expect(vpn.kql).toMatchObject({ source: 'Vpn_CL', timeField: 'TimeGenerated', projection: [], condition: { field: 'RemoteIp_s', operator: 'equals', value: '203.0.113.47' } });
    expect(vpn.spl).toMatchObject({ source: 'Authentication.Authentication', sourceHint: 'fortigate_event' });
    expect(vpn.sql).toMatchObject({ source: 'security.vpn_sessions', condition: { field: 'remote_ip' } });
  });

  test('a known KQL table named without a time column uses its own', () => {
    const t = table('logsources:\n  signin:\n    kql:\n      xdr: { table: SigninLogs }\n');
    expect(t.logsources.signin!.kql.xdr).toEqual({
      table: 'SigninLogs',
      timeField: 'TimeGenerated',
      projection: ['IPAddress', 'UserAgent', 'ConditionalAccessStatus', 'RiskLevelAggregated']
    });
  });

  test('a transform can be given with a field', () => {
    const t = table('routes:\n  process_name:\n    endpoint:\n      sigma: { field: ProcessPath, transform: path-basename }\n');
    const rule = planWith(t, 'xdr', HuntReportSchema.parse({ ...aitm, findings: [aitm.findings[0]] })).rules[0]!;
    expect(JSON.stringify(rule.sigma.condition)).toContain('"field":"ProcessPath","operator":"endswith","value":"\\\\suspicious_proxy.exe"');
  });
});

describe('each backend\'s names are checked where the mapping file declares them', () => {
  const SPL_FIELD = (name: string) => `SPL field name "${name}" must start with a letter or _ and contain only letters, digits, _ and .`;
  const SPL_SOURCE = (name: string) =>
    `SPL source must be a CIM data model dataset such as Endpoint.Processes (Model.Dataset: parts of letters, digits and _, separated by "."), got "${name}"`;

  test.each([
    ['version: 1\nroutes:\n  process_name:\n    endpoint:\n      spl: "proc-name"\n', `5:12 error: routes.process_name.endpoint.spl: ${SPL_FIELD('proc-name')}`],
    ['routes:\n  process_name:\n    endpoint:\n      spl: [process_name, proc-name]\n', `4:27 error: routes.process_name.endpoint.spl.1: ${SPL_FIELD('proc-name')}`],
    ['routes:\n  process_name:\n    endpoint:\n      spl: { field: proc-name }\n', `4:21 error: routes.process_name.endpoint.spl.field: ${SPL_FIELD('proc-name')}`],
    ['logsources:\n  process_creation:\n    spl: { timeField: event-time }\n', `3:23 error: logsources.process_creation.spl.timeField: ${SPL_FIELD('event-time')}`],
    ['logsources:\n  process_creation:\n    spl:\n      projection: [dest, user-name]\n', `4:26 error: logsources.process_creation.spl.projection.1: ${SPL_FIELD('user-name')}`],
    ['logsources:\n  process_creation:\n    spl: { source: Endpoint }\n', `3:20 error: logsources.process_creation.spl.source: ${SPL_SOURCE('Endpoint')}`],
    ['logsources:\n  process_creation:\n    spl: { source: Endpoint.Process-es }\n', `3:20 error: logsources.process_creation.spl.source: ${SPL_SOURCE('Endpoint.Process-es')}`],
    ['logsources:\n  process_creation:\n    spl: { source: Endpoint. }\n', `3:20 error: logsources.process_creation.spl.source: ${SPL_SOURCE('Endpoint.')}`],
    ['logsources:\n  process_creation:\n    sql: { table: lake..edr }\n', '3:19 error: logsources.process_creation.sql.table: SQL name "lake..edr" has an empty part (two dots in a row, or a dot at the end)'],
    ['routes:\n  process_name:\n    "*":\n      sql: proc.\n', '4:12 error: routes.process_name.*.sql: SQL name "proc." has an empty part (two dots in a row, or a dot at the end)'],
    ['routes:\n  process_name:\n    endpoint:\n      spl: "proc name"\n', '4:12 error: routes.process_name.endpoint.spl: must be a name of letters, digits, "_", "." or "-", starting with a letter or "_"']
  ])('%j', (source, expected) => {
    expect(located(source)).toEqual([expected]);
    expect(load(source).table).toBeUndefined();
  });

  test('the mistake from a mapping file is reported there, not at the hunt file', () => {
    const { diagnostics } = parseRoutingOverrides('version: 1\nroutes:\n  process_name:\n    endpoint:\n      spl: "proc-name"\n', 'that.yml');
    expect(diagnostics).toEqual([expect.objectContaining({ file: 'that.yml', line: 5, column: 12, severity: 'error' })]);
  });

  test('names a backend quotes safely are accepted: KQL brackets them, Databricks back-quotes them, CIM allows a nested dataset', () => {
    const t = table(
      [
        'logsources:',
        '  process_creation:',
        '    kql: { xdr: { table: My-Proc.Events, timeField: Time-Stamp, projection: [host.name] } }',
        '    spl: { source: Endpoint.Processes.Extra }',
        '    sql: { table: lake.edr-process, projection: [host-name] }',
        'routes:',
        '  process_name:',
        '    endpoint:',
        '      kql: { xdr: File-Name }',
        '      sql: proc-name',
        ''
      ].join('\n')
    );
    const result = convertHunts([{ file: 'aitm.yaml', source: readFileSync('examples/hunts/aitm-proxy.yaml', 'utf8') }], {
      formats: ['kql', 'spl', 'sql'],
      statusMap: DEFAULT_STATUS_MAP,
      kqlFlavor: 'xdr',
      lookbackDays: 7,
      routing: t
    });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const text = (path: string) => result.files.find((f) => f.path.endsWith(path))!.content;
    expect(text('kql/t1557-001-process-creation.kql')).toContain("['My-Proc.Events']");
    expect(text('kql/t1557-001-process-creation.kql')).toContain("['File-Name'] =~");
    expect(text('spl/t1557-001-process-creation.spl')).toContain('| datamodel Endpoint Extra flat');
    expect(text('sql/t1557-001-process-creation.sql')).toContain('FROM lake.`edr-process`');
  });

  // Where a name is declared → a mapping file that declares it (for the AiTM hunt's process rule).
  const positions: Record<string, (n: string) => object> = {
    'routes sigma': (n) => ({ routes: { process_name: { endpoint: { sigma: n } } } }),
    'routes kql xdr': (n) => ({ routes: { process_name: { endpoint: { kql: { xdr: n } } } } }),
    'routes kql sentinel': (n) => ({ routes: { process_name: { endpoint: { kql: { sentinel: [n] } } } } }),
    'routes spl': (n) => ({ routes: { process_name: { endpoint: { spl: n } } } }),
    'routes spl list': (n) => ({ routes: { process_name: { '*': { spl: ['process_name', n] } } } }),
    'routes sql': (n) => ({ routes: { process_name: { endpoint: { sql: { field: n } } } } }),
    'kql xdr table': (n) => ({ logsources: { process_creation: { kql: { xdr: { table: n, timeField: n, projection: [n] } } } } }),
    'kql sentinel table': (n) => ({ logsources: { process_creation: { kql: { sentinel: { table: n, timeField: n, projection: [n] } } } } }),
    'spl source': (n) => ({ logsources: { process_creation: { spl: { source: n } } } }),
    'spl time and projection': (n) => ({ logsources: { process_creation: { spl: { timeField: n, projection: [n, 'dest'] } } } }),
    'sql table': (n) => ({ logsources: { process_creation: { sql: { table: n } } } }),
    'sql time and projection': (n) => ({ logsources: { process_creation: { sql: { timeField: n, projection: [n] } } } })
  };
  const SPL_POSITIONS = new Set(['routes spl', 'routes spl list', 'spl source', 'spl time and projection']);
  const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
  const nameArb = fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_.-][A-Za-z0-9_.-]{0,12}$/) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', 'Z', '_', '.', '-', '0', ' ', '|', '`', '"', "'", '[', ']', '\\', '$', '\u00e9'), minLength: 1, maxLength: 8 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('Endpoint', 'Endpoint.Processes', 'Endpoint.Processes.Extra', 'Web.Proxy-x', 'a..b', 'a.', '.a', 'true', 'where', 'select', '__x', 'Type', 'Timestamp', '_time')
    }
  );
  const hunt = readFileSync('examples/hunts/aitm-proxy.yaml', 'utf8');
  const renderErrors = (routing: RoutingTable, kqlFlavor: KqlFlavor) =>
    convertHunts([{ file: 'aitm.yaml', source: hunt }], { formats: ['sigma', 'kql', 'spl', 'sql'], statusMap: DEFAULT_STATUS_MAP, kqlFlavor, lookbackDays: 7, routing })
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message);

  test('property: every name the mapping file accepts renders in every backend and flavour', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(positions)), nameArb, (position, n) => {
        const { table: overrides } = load(stringify(positions[position]!(n)));
        if (overrides === undefined) return;
        const routing = applyRoutingOverrides(base, overrides);
        expect(renderErrors(routing, 'xdr')).toEqual([]);
        expect(renderErrors(routing, 'sentinel')).toEqual([]);
      }),
      { numRuns: 250 }
    );
  });

  test('property: an SPL name the mapping file refuses is one the SPL renderer refuses too (the rule is the same)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPL_POSITIONS), nameArb.filter((n) => NAME.test(n)), (position, n) => {
        const mapping = positions[position]!(n);
        const refused = load(stringify(mapping)).table === undefined;
        const routing = applyRoutingOverrides(base, mapping as RoutingOverrides);
        expect(renderErrors(routing, 'xdr').some((m) => m.startsWith('cannot render the spl rule'))).toBe(refused);
      }),
      { numRuns: 250 }
    );
  });
});
