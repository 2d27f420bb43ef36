import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import xdrSchemas from './data/kql-schemas-defender-xdr.json' with { type: 'json' };
import sentinelSchemas from './data/kql-schemas-sentinel.json' with { type: 'json' };
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { parseHuntReport } from '../src/core/hunt/parse.js';
import { type Finding, type HuntReport, HuntReportSchema, type Ioc } from '../src/core/hunt/schema.js';
import { uuidV5 } from '../src/core/ids.js';
import {
  type Condition,
  DATA_SOURCE_TYPES,
  type DataSourceType,
  DEFAULT_STATUS_MAP,
  type FieldMatch,
  IOC_TYPES,
  type IocType,
  KQL_FLAVORS,
  type KqlFlavor,
  type PlannedRule
} from '../src/core/model.js';
import { bundledRoutingTable, type RoutingTable } from '../src/core/routing/table.js';
import { planRules } from '../src/core/rules/plan.js';
import { iocValueArb, validHuntReportArb } from './support/hunt-arbitraries.js';
import { conditionLeaves } from './support/rules.js';

const catalogue = bundledAttackCatalogue();
const routing = bundledRoutingTable();
const kqlSchemas: Record<KqlFlavor, Record<string, { name: string }[]>> = { xdr: xdrSchemas, sentinel: sentinelSchemas };

function plan(report: HuntReport, options: { kqlFlavor?: KqlFlavor; routing?: RoutingTable; statusMap?: typeof DEFAULT_STATUS_MAP } = {}) {
  return planRules(report, {
    file: 'hunt.yaml',
    locate: (path) => ({ line: path.length, column: 1 }),
    statusMap: options.statusMap ?? DEFAULT_STATUS_MAP,
    kqlFlavor: options.kqlFlavor ?? 'xdr',
    routing: options.routing ?? routing,
    catalogue
  });
}

function report(findings: Partial<Finding>[], dataSources: { name: string; type: DataSourceType }[] = [{ name: 'EDR', type: 'endpoint' }], hunt: Record<string, unknown> = {}): HuntReport {
  return HuntReportSchema.parse({
    hunt: { id: 'H-0042', name: 'Test hunt', hypothesis: 'h', analyst: 'Ana Lyst', date: '2026-04-08', peak_phase: 'Scoped', ...hunt },
    data_sources: dataSources,
    findings: findings.map((f) => ({
      tactic: 'Credential Access',
      technique: 'T1557.001',
      confirmed: true,
      description: 'Something happened. More detail.',
      data_source_ref: dataSources[0]!.name,
      iocs: [{ type: 'process_name', value: 'evil.exe' }],
      ...f
    })),
    verdict: 'Confirmed.'
  });
}

const m = (field: string, operator: FieldMatch['operator'], value: string | number): FieldMatch => ({ kind: 'match', field, operator, value });
const or = (...children: Condition[]): Condition => ({ kind: 'or', children });
const and = (...children: Condition[]): Condition => ({ kind: 'and', children });

describe("the seed's AiTM hunt (examples/hunts/aitm-proxy.yaml)", () => {
  const file = 'examples/hunts/aitm-proxy.yaml';
  const source = readFileSync(file, 'utf8');
  const parsed = parseHuntReport(source, file, catalogue);
  const planFor = (kqlFlavor: KqlFlavor) =>
    planRules(parsed.report!, { file, locate: parsed.locate, statusMap: DEFAULT_STATUS_MAP, kqlFlavor, routing, catalogue });

  test('becomes four rules: process creation and certificate for finding 1, sign-in and DNS for finding 2', () => {
    const { rules } = planFor('xdr');
    expect(rules.map((r) => [r.meta.findingIndex, r.logsourceKey, r.kql!.source, r.spl.source, r.sql.source])).toEqual([
      [0, 'process_creation', 'DeviceProcessEvents', 'Endpoint.Processes', 'security.process_events'],
      [0, 'certificate', 'DeviceFileCertificateInfo', 'Certificates.All_Certificates', 'security.certificate_events'],
      [1, 'signin', 'AADSignInEventsBeta', 'Authentication.Authentication', 'security.signin_logs'],
      [1, 'dns', 'DnsEvents', 'Network_Resolution.DNS', 'security.dns_events']
    ]);
  });

  test('the child process is AND-ed with its parent in every backend, never OR-ed', () => {
    const rule = planFor('xdr').rules[0]!;
    expect(rule.kql!.condition).toEqual(and(m('InitiatingProcessFileName', 'equals', 'explorer.exe'), m('FileName', 'equals', 'suspicious_proxy.exe')));
    expect(rule.spl.condition).toEqual(and(m('parent_process_name', 'equals', 'explorer.exe'), m('process_name', 'equals', 'suspicious_proxy.exe')));
    expect(rule.sql.condition).toEqual(and(m('parent_process_name', 'equals', 'explorer.exe'), m('process_name', 'equals', 'suspicious_proxy.exe')));
    expect(rule.sigma.condition).toEqual(
      and(
        or(m('ParentImage', 'endswith', '\\explorer.exe'), m('ParentImage', 'endswith', '/explorer.exe')),
        or(m('Image', 'endswith', '\\suspicious_proxy.exe'), m('Image', 'endswith', '/suspicious_proxy.exe'))
      )
    );
    expect(rule.spl.sourceHint).toBe('XmlWinEventLog:Microsoft-Windows-Sysmon/Operational');
  });

  test('the certificate, sign-in and DNS conditions', () => {
    const [, cert, signin, dns] = planFor('xdr').rules;
    expect(cert!.kql!.condition).toEqual(m('Issuer', 'contains', 'Untrusted Root CA'));
    expect(cert!.sigma.condition).toEqual(m('certificate.issuer', 'contains', 'Untrusted Root CA'));
    expect(signin!.kql!.condition).toEqual(m('IPAddress', 'equals', '203.0.113.47'));
    expect(signin!.spl.condition).toEqual(m('src', 'equals', '203.0.113.47'));
    expect(dns!.kql!.condition).toEqual(or(m('Name', 'equals', 'aitm-proxy.example.com'), m('Name', 'endswith', '.aitm-proxy.example.com')));
    expect(dns!.sql.condition).toEqual(or(m('query', 'equals', 'aitm-proxy.example.com'), m('query', 'endswith', '.aitm-proxy.example.com')));
  });

  test('the domain from the identity source is re-routed to DNS with a warning at its line and column', () => {
    const { diagnostics } = planFor('xdr');
    const lines = source.split('\n');
    const line = lines.findIndex((l) => /type:\s*domain/.test(l)) + 1;
    const column = lines[line - 1]!.indexOf('domain') + 1;
    expect(diagnostics).toEqual([
      {
        file,
        line,
        column,
        severity: 'warning',
        message: 'an identity data source ("Entra ID Sign-in Logs") does not record domain IOCs; this IOC is matched in DNS logs (dns) instead',
        path: ['findings', 1, 'iocs', 1, 'type']
      }
    ]);
  });

  test('Sentinel has no certificate table: that rule has no KQL target (its other targets stay), with a warning at the IOC', () => {
    const { rules, diagnostics } = planFor('sentinel');
    expect(rules.map((r) => [r.logsourceKey, r.kql?.source, r.kql?.timeField])).toEqual([
      ['process_creation', 'DeviceProcessEvents', 'TimeGenerated'],
      ['certificate', undefined, undefined],
      ['signin', 'SigninLogs', 'TimeGenerated'],
      ['dns', 'DnsEvents', 'TimeGenerated']
    ]);
    const certificateRule = rules.find((r) => r.logsourceKey === 'certificate')!;
    expect(certificateRule.sql.source).toBe('security.certificate_events');
    expect(certificateRule.sigma.logsource).toEqual(planFor('xdr').rules.find((r) => r.logsourceKey === 'certificate')!.sigma.logsource);
    const certificate = diagnostics.find((d) => d.path.join('.') === 'findings.0.iocs.1.type')!;
    expect(certificate.severity).toBe('warning');
    expect(certificate.message).toMatch(/sentinel .* no table for certificate logs/);
    const lines = source.split('\n');
    expect(lines[certificate.line - 1]).toMatch(/type:\s*cert_issuer/);
  });

  test('metadata: deterministic ids, titles with the log source, status from the PEAK phase, level from confirmed, tags', () => {
    const { rules } = planFor('xdr');
    const slug = rules[0]!.meta.hunt.slug;
    expect(rules.map((r) => r.meta.ruleId)).toEqual([
      uuidV5(`${slug}|T1557.001|process_creation`),
      uuidV5(`${slug}|T1557.001|certificate`),
      uuidV5(`${slug}|T1539|signin`),
      uuidV5(`${slug}|T1539|dns`)
    ]);
    expect(rules[0]!.meta.title).toMatch(/^Adversary-in-the-Middle: LLMNR\/NBT-NS Poisoning and SMB Relay: Proxy process suspicious_proxy\.exe.* \(process creation\)$/);
    expect(rules[1]!.meta.title).toMatch(/\(certificate\)$/);
    expect(rules.every((r) => r.meta.status === 'test' && r.meta.level === 'high' && r.meta.author === 'Andre Seguin' && r.meta.date === '2026-04-08')).toBe(true);
    expect(rules[0]!.meta.tags).toEqual(['attack.credential-access', 'attack.t1557.001', 'detection.threat-hunting']);
    expect(rules[2]!.meta.tags).toEqual(['attack.credential-access', 'attack.t1539', 'detection.threat-hunting']);
    expect(rules[2]!.meta.dataSource).toEqual({ name: 'Entra ID Sign-in Logs', type: 'identity' });
    expect(planFor('xdr').rules.map((r) => r.meta.ruleId)).toEqual(rules.map((r) => r.meta.ruleId));
  });
});

describe('parent_process', () => {
  test('alone, it is a condition of its own and a warning says the rule will be noisy', () => {
    const { rules, diagnostics } = plan(report([{ iocs: [{ type: 'parent_process', value: 'explorer.exe' }] }]));
    expect(rules[0]!.kql!.condition).toEqual(m('InitiatingProcessFileName', 'equals', 'explorer.exe'));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', path: ['findings', 0, 'iocs', 0] });
    expect(diagnostics[0]!.message).toMatch(/noisy/);
  });

  test('with child IOCs it is AND-ed with the OR of them; other IOC groups stay OR-ed', () => {
    const { rules, diagnostics } = plan(
      report([
        {
          iocs: [
            { type: 'hash_sha256', value: 'a'.repeat(64) },
            { type: 'command_line', value: '-enc' },
            { type: 'parent_process', value: 'winword.exe' },
            { type: 'process_name', value: 'powershell.exe' },
            { type: 'process_name', value: 'pwsh.exe' }
          ]
        }
      ])
    );
    expect(diagnostics).toEqual([]);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.kql!.condition).toEqual(
      or(
        m('SHA256', 'equals', 'a'.repeat(64)),
        and(
          m('InitiatingProcessFileName', 'equals', 'winword.exe'),
          or(m('ProcessCommandLine', 'contains', '-enc'), m('FileName', 'equals', 'powershell.exe'), m('FileName', 'equals', 'pwsh.exe'))
        )
      )
    );
    expect(rules[0]!.sigma.condition).toEqual(
      or(
        m('Hashes', 'contains', `SHA256=${'a'.repeat(64)}`),
        and(
          or(m('ParentImage', 'endswith', '\\winword.exe'), m('ParentImage', 'endswith', '/winword.exe')),
          or(
            m('CommandLine', 'contains', '-enc'),
            m('Image', 'endswith', '\\powershell.exe'),
            m('Image', 'endswith', '/powershell.exe'),
            m('Image', 'endswith', '\\pwsh.exe'),
            m('Image', 'endswith', '/pwsh.exe')
          )
        )
      )
    );
  });

  test('several parents are OR-ed among themselves', () => {
    const { rules } = plan(
      report([
        {
          iocs: [
            { type: 'parent_process', value: 'a.exe' },
            { type: 'parent_process', value: 'b.exe' },
            { type: 'process_name', value: 'c.exe' }
          ]
        }
      ])
    );
    expect(rules[0]!.sql.condition).toEqual(and(or(m('parent_process_name', 'equals', 'a.exe'), m('parent_process_name', 'equals', 'b.exe')), m('process_name', 'equals', 'c.exe')));
  });
});

describe('matching per IOC type and match', () => {
  const one = (ioc: Ioc, ds: DataSourceType = 'endpoint') => {
    const result = plan(report([{ iocs: [ioc] }], [{ name: 'S', type: ds }]));
    expect(result.rules).toHaveLength(1);
    return { rule: result.rules[0]!, diagnostics: result.diagnostics };
  };

  test.each<[Ioc, DataSourceType, Condition, Condition]>([
    [{ type: 'process_name', value: 'a.exe', match: 'contains' }, 'endpoint', m('FileName', 'contains', 'a.exe'), m('Image', 'contains', 'a.exe')],
    [
      { type: 'process_name', value: 'a', match: 'startswith' },
      'endpoint',
      m('FileName', 'startswith', 'a'),
      or(m('Image', 'contains', '\\a'), m('Image', 'contains', '/a'))
    ],
    [{ type: 'process_name', value: '^evil\\d+\\.exe$', match: 'regex' }, 'endpoint', m('FileName', 'regex', '^evil\\d+\\.exe$'), m('Image', 'regex', '(?:^|[\\\\/])evil\\d+\\.exe$')],
    [{ type: 'ip', value: '10.0.0.0/8' }, 'endpoint', m('RemoteIP', 'cidr', '10.0.0.0/8'), m('DestinationIp', 'cidr', '10.0.0.0/8')],
    [{ type: 'ip', value: '2001:db8::1' }, 'firewall', m('DestinationIP', 'equals', '2001:db8::1'), m('dst_ip', 'equals', '2001:db8::1')],
    [{ type: 'network_port', value: 4444 }, 'endpoint', m('RemotePort', 'equals', 4444), m('DestinationPort', 'equals', 4444)],
    [
      { type: 'domain', value: 'evil.example' },
      'dns',
      or(m('Name', 'equals', 'evil.example'), m('Name', 'endswith', '.evil.example')),
      or(m('query', 'equals', 'evil.example'), m('query', 'endswith', '.evil.example'))
    ],
    [{ type: 'domain', value: 'evil.example', match: 'exact' }, 'dns', m('Name', 'equals', 'evil.example'), m('query', 'equals', 'evil.example')],
    [{ type: 'hash_md5', value: 'ab'.repeat(16) }, 'endpoint', m('MD5', 'equals', 'ab'.repeat(16)), m('Hashes', 'contains', `MD5=${'ab'.repeat(16)}`)],
    [
      { type: 'registry_key', value: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run' },
      'endpoint',
      m('RegistryKey', 'contains', '\\Software\\Microsoft\\Windows\\CurrentVersion\\Run'),
      m('TargetObject', 'contains', '\\Software\\Microsoft\\Windows\\CurrentVersion\\Run')
    ],
    [
      { type: 'registry_key', value: 'HKEY_LOCAL_MACHINE\\Software\\X', match: 'exact' },
      'endpoint',
      m('RegistryKey', 'equals', 'HKEY_LOCAL_MACHINE\\Software\\X'),
      m('TargetObject', 'equals', 'HKEY_LOCAL_MACHINE\\Software\\X')
    ],
    [{ type: 'file_path', value: 'C:\\Users\\Public\\evil.dll' }, 'endpoint', m('FolderPath', 'endswith', 'C:\\Users\\Public\\evil.dll'), m('TargetFilename', 'endswith', 'C:\\Users\\Public\\evil.dll')],
    [{ type: 'url', value: 'https://evil.example/a?b=*' }, 'proxy', m('RequestURL', 'contains', 'https://evil.example/a?b=*'), m('c-uri', 'contains', 'https://evil.example/a?b=*')],
    [{ type: 'user_agent', value: 'python-requests/2.31' }, 'identity', m('UserAgent', 'contains', 'python-requests/2.31'), m('UserAgent', 'contains', 'python-requests/2.31')],
    [
      { type: 'email_sender', value: 'a@evil.example' },
      'email',
      or(m('SenderFromAddress', 'equals', 'a@evil.example'), m('SenderMailFromAddress', 'equals', 'a@evil.example')),
      m('SenderFromAddress', 'equals', 'a@evil.example')
    ],
    [{ type: 'cert_issuer', value: 'Untrusted Root CA' }, 'network', m('Issuer', 'contains', 'Untrusted Root CA'), m('certificate.issuer', 'contains', 'Untrusted Root CA')]
  ])('%j from %s', (ioc, ds, kql, sigma) => {
    const { rule } = one(ioc, ds);
    expect(rule.kql!.condition).toEqual(kql);
    expect(rule.sigma.condition).toEqual(sigma);
  });

  test('a process name that is a path matches its file name, with a warning', () => {
    const { rule, diagnostics } = one({ type: 'process_name', value: 'C:\\Windows\\Temp\\evil.exe' });
    expect(rule.kql!.condition).toEqual(m('FileName', 'equals', 'evil.exe'));
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('looks like a path')]);
  });

  test('a port with a non-exact match is compared as a number, with a warning', () => {
    const { rule, diagnostics } = one({ type: 'network_port', value: 443, match: 'contains' });
    expect(rule.sql.condition).toEqual(m('dest_port', 'equals', 443));
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('compared as numbers')]);
  });

  test('literal values reach the trees unchanged: no escaping before the renderers', () => {
    const value = `it's "C:\\Temp\\*?%_|"\t日本`;
    const { rule } = one({ type: 'command_line', value });
    for (const c of [rule.kql!.condition, rule.spl.condition, rule.sql.condition, rule.sigma.condition]) expect(c).toMatchObject({ kind: 'match', value });
  });
});

describe('every cell of the table: one IOC, one rule in its log source, a warning when re-routed', () => {
  const sampleValue = (type: IocType) => fc.sample(iocValueArb(type), { numRuns: 1, seed: 7 })[0]!;

  test.each(IOC_TYPES.flatMap((iocType) => DATA_SOURCE_TYPES.map((ds) => [iocType, ds] as const)))('%s from %s', (iocType, ds) => {
    const ioc = { type: iocType, value: iocType === 'process_name' || iocType === 'parent_process' ? 'x.exe' : sampleValue(iocType) } as Ioc;
    const { rules, diagnostics } = plan(report([{ iocs: [ioc] }], [{ name: 'S', type: ds }]));
    const route = routing.routes[iocType][ds]!;
    expect(rules.map((r) => r.logsourceKey)).toEqual([route.logsourceKey]);
    const rerouted = diagnostics.filter((d) => d.message.includes('does not record'));
    expect(rerouted).toHaveLength(route.native ? 0 : 1);
    if (!route.native) expect(rerouted[0]!.message).toContain(`(${route.logsourceKey})`);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('rule ids, statuses, levels, titles and text fields', () => {
  test('two findings with the same technique and log source get distinct ids, each naming its finding', () => {
    const { rules } = plan(report([{ iocs: [{ type: 'process_name', value: 'a.exe' }] }, { iocs: [{ type: 'process_name', value: 'b.exe' }] }]));
    expect(rules.map((r) => r.meta.ruleId)).toEqual([uuidV5('H-0042|T1557.001|process_creation|finding-1'), uuidV5('H-0042|T1557.001|process_creation|finding-2')]);
    const single = plan(report([{ iocs: [{ type: 'process_name', value: 'a.exe' }] }])).rules[0]!;
    expect(single.meta.ruleId).toBe(uuidV5('H-0042|T1557.001|process_creation'));
  });

  test('a hunt without an id keys its rule ids on its slug', () => {
    const r = report([{}], undefined, { id: undefined, name: 'My Hunt' });
    expect(plan(r).rules[0]!.meta.ruleId).toBe(uuidV5('my-hunt|T1557.001|process_creation'));
  });

  test('status follows the PEAK phase through the (configurable) map; level follows the finding', () => {
    for (const [phase, status] of Object.entries(DEFAULT_STATUS_MAP)) expect(plan(report([{}], undefined, { peak_phase: phase })).rules[0]!.meta.status).toBe(status);
    const custom = { Validated: 'test', Scoped: 'experimental', Unscoped: 'experimental' } as const;
    expect(plan(report([{}], undefined, { peak_phase: 'Validated' }), { statusMap: custom }).rules[0]!.meta.status).toBe('test');
    expect(plan(report([{ confirmed: false }])).rules[0]!.meta.level).toBe('medium');
    expect(plan(report([{ confirmed: true }])).rules[0]!.meta.level).toBe('high');
    expect(plan(report([{ confirmed: false, level: 'critical' }])).rules[0]!.meta.level).toBe('critical');
  });

  test('tags use the tactic shortname however the tactic is written', () => {
    for (const tactic of ['Credential Access', 'credential-access', 'credential_access', 'TA0006']) {
      expect(plan(report([{ tactic }])).rules[0]!.meta.tags).toEqual(['attack.credential-access', 'attack.t1557.001', 'detection.threat-hunting']);
    }
  });

  test('titles stay within the Sigma limit even for a long unknown technique name, and false positives are schema-clean', () => {
    const r = report([
      {
        technique: 'T9999',
        technique_name: 'x'.repeat(400),
        description: `${'word '.repeat(200)}.`,
        falsepositives: ['Admins', 'Admins', 'x'],
        iocs: [
          { type: 'process_name', value: 'a.exe' },
          { type: 'ip', value: '192.0.2.1' }
        ]
      }
    ]);
    const { rules } = plan(r);
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect([...rule.meta.title].length).toBeLessThanOrEqual(130);
      expect(rule.meta.falsepositives).toEqual(['Admins']);
    }
    expect(new Set(rules.map((rule) => rule.meta.title)).size).toBe(2);
    expect(plan(report([{ falsepositives: undefined }])).rules[0]!.meta.falsepositives).toEqual(['Unknown']);
  });

  test('the description keeps the finding text and says where it comes from', () => {
    const rule = plan(report([{ description: 'Line one.\nLine two.' }])).rules[0]!;
    expect(rule.meta.description).toBe('Line one.\nLine two.\n\nHunt: Test hunt (H-0042), PEAK phase Scoped; finding 1, confirmed, from the endpoint data source "EDR".');
  });
});

describe('property: plans of arbitrary valid hunts', () => {
  test('never mix log sources, name only fields of their targets, and give every rule a unique id', () => {
    fc.assert(
      fc.property(validHuntReportArb(), fc.constantFrom(...KQL_FLAVORS), (r, flavor) => {
        const { rules, diagnostics } = plan(r, { kqlFlavor: flavor });
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(new Set(rules.map((x) => x.meta.ruleId)).size).toBe(rules.length);
        for (const rule of rules) expectFieldsOfTargets(rule, flavor);
        const expected = new Set(
          r.findings.flatMap((f, i) => {
            const ds = r.data_sources.find((d) => d.name === f.data_source_ref)!;
            return f.iocs.map((ioc) => `${i}|${routing.routes[ioc.type][ds.type]!.logsourceKey}`);
          })
        );
        const planned = new Set(rules.map((x) => `${x.meta.findingIndex}|${x.logsourceKey}`));
        expect([...planned].sort()).toEqual([...expected].sort());
        for (const rule of rules) expect(rule.kql === undefined).toBe(!routing.logsources[rule.logsourceKey]!.kql[flavor]);
      }),
      { numRuns: 150 }
    );
  });
});

function expectFieldsOfTargets(rule: PlannedRule, flavor: KqlFlavor): void {
  const ls = routing.logsources[rule.logsourceKey]!;
  if (rule.kql) {
    const kqlColumns = kqlSchemas[flavor][rule.kql.source]!.map((c) => c.name);
    for (const leaf of conditionLeaves(rule.kql.condition)) expect(kqlColumns).toContain(leaf.field);
    for (const column of [rule.kql.timeField, ...rule.kql.projection]) expect(kqlColumns).toContain(column);
  }
  const sqlColumns = Object.keys(routing.sqlTables[rule.sql.source]!);
  for (const leaf of conditionLeaves(rule.sql.condition)) expect(sqlColumns).toContain(leaf.field);
  const cim = routing.cimDatasets[rule.spl.source]!;
  for (const leaf of conditionLeaves(rule.spl.condition)) expect(cim).toContain(leaf.field);
  const sigmaFields = new Set(Object.values(routing.routes).flatMap((cells) => Object.values(cells).filter((c) => c?.logsourceKey === ls.key).flatMap((c) => c!.target.sigma.fields)));
  for (const leaf of conditionLeaves(rule.sigma.condition)) expect(sigmaFields.has(leaf.field)).toBe(true);
  expect(rule.sigma.logsource).toEqual(ls.sigma);
}

describe('IP values', () => {
  test('an exact IPv6 IOC is written in the form logs use, in every backend; CIDRs and IPv4 stay as written', () => {
    const { rules } = plan(
      report([
        {
          iocs: [
            { type: 'ip', value: '2001:0DB8:0000:0000:0000:0000:0000:0017' },
            { type: 'ip', value: '2001:DB8:4F2A::/48' },
            { type: 'ip', value: '198.51.100.7' }
          ]
        }
      ])
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    for (const condition of [rule.sigma.condition, rule.kql!.condition, rule.spl.condition, rule.sql.condition]) {
      expect(conditionLeaves(condition).map((l) => l.value)).toEqual(['2001:db8::17', '2001:DB8:4F2A::/48', '198.51.100.7']);
    }
  });
});
