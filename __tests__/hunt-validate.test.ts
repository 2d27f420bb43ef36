import { AttackCatalogue, bundledAttackCatalogue } from '../src/core/attack.js';
import { parseHuntReport } from '../src/core/hunt/parse.js';
import { editDistance, suggest } from '../src/core/hunt/suggest.js';
import { checkHuntSemantics, isCalendarDate, verdictSaysNothingFound } from '../src/core/hunt/validate.js';

const catalogue = bundledAttackCatalogue();

function report(finding: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    hunt: { name: 'n', hypothesis: 'h', analyst: 'a', date: '2026-04-08', peak_phase: 'Scoped' },
    data_sources: [
      { name: 'Microsoft Defender EDR', type: 'endpoint' },
      { name: 'Entra ID Sign-in Logs', type: 'identity' }
    ],
    findings: [
      {
        tactic: 'Credential Access',
        technique: 'T1539',
        technique_name: 'Steal Web Session Cookie',
        confirmed: true,
        description: 'd',
        data_source_ref: 'Entra ID Sign-in Logs',
        iocs: [{ type: 'ip', value: '203.0.113.47' }],
        ...finding
      }
    ],
    verdict: 'Confirmed attacker activity.',
    ...extra
  };
}

describe('ATT&CK checks', () => {
  test('a consistent finding has no issues; tactic shortnames and "Parent: Sub" names are accepted', () => {
    expect(checkHuntSemantics(report(), catalogue)).toEqual([]);
    expect(checkHuntSemantics(report({ tactic: 'credential-access' }), catalogue)).toEqual([]);
    expect(checkHuntSemantics(report({ tactic: 'collection', technique: 'T1557.001', technique_name: 'adversary-in-the-middle:  llmnr/nbt-ns poisoning and smb relay' }), catalogue)).toEqual([]);
    expect(checkHuntSemantics(report({ technique: 'T1557.001', technique_name: 'LLMNR/NBT-NS Poisoning and SMB Relay' }), catalogue)).toEqual([]);
  });

  test('an unknown tactic is an error with a hint', () => {
    expect(checkHuntSemantics(report({ tactic: 'Credentials Access' }), catalogue)).toEqual([
      { path: ['findings', 0, 'tactic'], severity: 'error', message: "unknown ATT&CK tactic 'Credentials Access' — did you mean 'Credential Access'?" }
    ]);
    expect(checkHuntSemantics(report({ tactic: 'Hacking' }), catalogue)).toEqual([
      {
        path: ['findings', 0, 'tactic'],
        severity: 'error',
        message: "unknown ATT&CK tactic 'Hacking' (write a tactic name such as 'Credential Access' or its shortname 'credential-access')"
      }
    ]);
  });

  test('a tactic the technique does not belong to is a warning naming the catalogue tactics', () => {
    expect(checkHuntSemantics(report({ tactic: 'Execution', technique: 'T1557.001', technique_name: undefined }), catalogue)).toEqual([
      {
        path: ['findings', 0, 'tactic'],
        severity: 'warning',
        message: "T1557.001 'LLMNR/NBT-NS Poisoning and SMB Relay' belongs to Credential Access or Collection in ATT&CK Enterprise v18.1, not to Execution"
      }
    ]);
  });

  test('an id missing from the catalogue is a warning (users may be on a newer release)', () => {
    expect(checkHuntSemantics(report({ technique: 'T1999', technique_name: undefined }), catalogue)).toEqual([
      { path: ['findings', 0, 'technique'], severity: 'warning', message: 'T1999 is not in ATT&CK Enterprise v18.1; check the id, or it may come from a newer ATT&CK release' }
    ]);
    expect(checkHuntSemantics(report({ technique: 'T1539.009', technique_name: undefined }), catalogue)).toEqual([
      {
        path: ['findings', 0, 'technique'],
        severity: 'warning',
        message: "T1539.009 is not in ATT&CK Enterprise v18.1 (its parent T1539 'Steal Web Session Cookie' is); check the id, or it may come from a newer ATT&CK release"
      }
    ]);
  });

  test('a revoked or deprecated technique is a warning', () => {
    const revoked = catalogue.techniques.find((t) => t.revoked)!;
    const issues = checkHuntSemantics(report({ technique: revoked.id, technique_name: undefined }), catalogue);
    expect(issues).toContainEqual({
      path: ['findings', 0, 'technique'],
      severity: 'warning',
      message: `${revoked.id} '${revoked.name}' is revoked in ATT&CK Enterprise v18.1; use the technique that replaced it`
    });
  });

  test('a technique name that does not match is a warning with the catalogue name', () => {
    expect(checkHuntSemantics(report({ technique_name: 'Cookie Theft' }), catalogue)).toEqual([
      {
        path: ['findings', 0, 'technique_name'],
        severity: 'warning',
        message: "'Cookie Theft' is not the name of T1539 in ATT&CK Enterprise v18.1: it is 'Steal Web Session Cookie'"
      }
    ]);
  });

  test('the catalogue is replaceable: a newer one that knows the technique silences the warning', () => {
    const newer = new AttackCatalogue({
      version: '19.0',
      domain: 'enterprise-attack',
      tactics: [...catalogue.tactics],
      techniques: [...catalogue.techniques, { id: 'T1999', name: 'Future Technique', tactics: ['credential-access'] }]
    });
    expect(checkHuntSemantics(report({ technique: 'T1999', technique_name: 'Future Technique' }), newer)).toEqual([]);
  });
});

describe('cross-references and other semantic rules', () => {
  test('data_source_ref must name a declared data source', () => {
    expect(checkHuntSemantics(report({ data_source_ref: 'Entra Sign-in Logs' }), catalogue)).toEqual([
      { path: ['findings', 0, 'data_source_ref'], severity: 'error', message: "'Entra Sign-in Logs' is not a declared data source — did you mean 'Entra ID Sign-in Logs'?" }
    ]);
    expect(checkHuntSemantics(report({ data_source_ref: 'Splunk' }), catalogue)).toEqual([
      {
        path: ['findings', 0, 'data_source_ref'],
        severity: 'error',
        message: "'Splunk' is not a declared data source (declared: 'Microsoft Defender EDR', 'Entra ID Sign-in Logs')"
      }
    ]);
  });

  test('data-source names are unique', () => {
    const r = report({}, { data_sources: [{ name: 'EDR', type: 'endpoint' }, { name: 'Entra ID Sign-in Logs', type: 'identity' }, { name: 'EDR', type: 'network' }] });
    expect(checkHuntSemantics(r, catalogue)).toEqual([
      { path: ['data_sources', 2, 'name'], severity: 'error', message: "data source 'EDR' is already declared as data_sources[0]; names must be unique" }
    ]);
  });

  test('a duplicate IOC in a finding is a warning (hash case does not matter)', () => {
    const iocs = [
      { type: 'hash_md5', value: '24c9412f5bce94974d7d7c1f4b0ed29f' },
      { type: 'ip', value: '203.0.113.47' },
      { type: 'hash_md5', value: '24C9412F5BCE94974D7D7C1F4B0ED29F' },
      { type: 'ip', value: '203.0.113.47', match: 'startswith' }
    ];
    expect(checkHuntSemantics(report({ iocs }), catalogue)).toEqual([
      { path: ['findings', 0, 'iocs', 2], severity: 'warning', message: 'duplicate of iocs[0] (same type, value and match); the rule would test it twice' }
    ]);
  });

  test('findings may be empty only when the verdict says nothing was found', () => {
    const empty = (verdict: string) => checkHuntSemantics(report({}, { findings: [], verdict }), catalogue);
    expect(empty('No malicious activity found.')).toEqual([]);
    expect(empty('Nothing observed beyond the baseline.')).toEqual([]);
    expect(empty('All activity was benign.')).toEqual([]);
    expect(empty('Confirmed attacker activity.')).toEqual([
      {
        path: ['findings'],
        severity: 'error',
        message: 'no findings, but the verdict does not say that nothing was found; add the findings, or say so in the verdict (e.g. "No malicious activity found")'
      }
    ]);
    expect(verdictSaysNothingFound('No evidence of compromise')).toBe(true);
    expect(verdictSaysNothingFound('Malware found; no malware-free hosts')).toBe(false);
  });

  test('dates must exist in the calendar', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-00-10')).toBe(false);
  });

  test('checks skip values of the wrong shape, leaving them to the schema', () => {
    const messy = { hunt: 'x', data_sources: 'y', findings: [null, 'z', { tactic: 5, technique: 'bad', iocs: 'no', data_source_ref: 'EDR' }], verdict: 3 };
    expect(() => checkHuntSemantics(messy, catalogue)).not.toThrow();
    expect(checkHuntSemantics(messy, catalogue)).toEqual([]);
    expect(checkHuntSemantics(null, catalogue)).toEqual([]);
  });

  test('semantic errors and schema errors of one report are reported together, each at its line', () => {
    const text = [
      'hunt:',
      '  name: n',
      '  hypothesis: h',
      '  analyst: a',
      '  date: "2026-04-08"',
      '  peak_phase: Scoped',
      '  owner: me',
      'data_sources:',
      '  - { name: EDR, type: endpoint }',
      'findings:',
      '  - tactic: Credential Access',
      '    technique: T1539',
      '    confirmed: true',
      '    description: d',
      '    data_source_ref: EDR',
      '    iocs:',
      '      - { type: hash_md5, value: "abc" }',
      'verdict: v'
    ].join('\n');
    const result = parseHuntReport(text, 'mixed.yaml');
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity}`)).toEqual(['7:3 error', '17:34 error']);
    expect(result.report).toBeUndefined();
  });
});

describe('IOC values with a lone UTF-16 surrogate', () => {
  const MESSAGE = (codePoint: string) =>
    `the value contains an unpaired UTF-16 surrogate (${codePoint}), which no log record can hold, so the rule could never match; write the character itself, or both halves of its escape (such as \\uD83D\\uDE00)`;
  const yaml = (value: string) =>
    [
      'hunt: { name: n, hypothesis: h, analyst: a, date: "2026-04-08", peak_phase: Scoped }',
      'data_sources:',
      '  - { name: EDR, type: endpoint }',
      'findings:',
      '  - tactic: Execution',
      '    technique: T1059',
      '    confirmed: true',
      '    description: d',
      '    data_source_ref: EDR',
      '    iocs:',
      '      - type: process_name',
      `        value: ${value}`,
      '      - { type: command_line, value: "whoami /all" }',
      'verdict: v'
    ].join('\n');

  test('YAML "\\uD800" in a value: an error at the value, and no report', () => {
    const result = parseHuntReport(yaml('"susp\\uD800.exe"'), 'lone.yaml');
    expect(result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity}: ${d.message}`)).toEqual([
      `lone.yaml:12:16 error: findings[0].iocs[0].value: ${MESSAGE('U+D800')}`
    ]);
    expect(result.report).toBeUndefined();
  });

  test('JSON "\\udc00" in a value: an error at the value', () => {
    const json = JSON.stringify(
      { ...report({ iocs: [{ type: 'ip', value: '203.0.113.47' }, { type: 'domain', value: 'x\udc00.example.com' }] }) },
      null,
      2
    );
    const result = parseHuntReport(json, 'lone.json');
    const line = json.split('\n').findIndex((l) => l.includes('\\udc00')) + 1;
    const column = json.split('\n')[line - 1]!.indexOf('"x') + 1;
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity}: ${d.message}`)).toEqual([
      `${line}:${column} error: findings[0].iocs[1].value: ${MESSAGE('U+DC00')}`
    ]);
  });

  test('a surrogate pair (an emoji, escaped or not) is a character like any other', () => {
    expect(parseHuntReport(yaml('"evil\\uD83D\\uDE00.exe"'), 'pair.yaml').diagnostics).toEqual([]);
    expect(parseHuntReport(yaml('"evil\u{1F600}.exe"'), 'pair.yaml').diagnostics).toEqual([]);
  });

  test('names and prose may hold one: every backend escapes them, none matches on them', () => {
    const text = yaml('evil.exe').replace('description: d', 'description: "d\\uD800"');
    expect(parseHuntReport(text, 'prose.yaml').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('did-you-mean hints', () => {
  test('edit distance counts a transposition as one edit', () => {
    expect(editDistance('analsyt', 'analyst')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  test('suggests close keys and distinctive parts, nothing for unrelated words', () => {
    const keys = ['hunt', 'data_sources', 'findings', 'verdict'];
    expect(suggest('finding', keys)).toBe('findings');
    expect(suggest('data-sources', keys)).toBe('data_sources');
    expect(suggest('Verdict', keys)).toBe('verdict');
    expect(suggest('conclusion', keys)).toBeUndefined();
    expect(suggest('sha256', ['hash_md5', 'hash_sha1', 'hash_sha256'])).toBe('hash_sha256');
    expect(suggest('port', ['ip', 'network_port', 'url'])).toBe('network_port');
    expect(suggest('process', ['process_name', 'parent_process'])).toBeUndefined();
    expect(suggest('', keys)).toBeUndefined();
  });
});
