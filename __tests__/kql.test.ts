/**
 * The KQL renderer on hand-built planned rules: every query is checked by Microsoft's Kusto
 * language service against the flavour's table schemas, and its condition is read back from the
 * service's syntax tree and evaluated, so precedence and operator choice are proven, not assumed.
 */
import { describe, expect, test } from '@jest/globals';
import { renderKql } from '../src/core/backends/kql.js';
import type { Condition, FieldMatch, KqlFlavor, RenderOptions } from '../src/core/model.js';
import {
  leafKey,
  describeDiagnostics,
  kqlConditionOf,
  kqlDiagnostics,
  kqlErrors,
  kqlStringLiteralValues,
  plannedRule,
  type KqlSchemas,
  type KqlTables
} from './support/kusto.js';
import { conditionLeaves, evaluateCondition } from './support/rules.js';

const XDR: RenderOptions = { lookbackDays: 7, kqlFlavor: 'xdr' };
const SENTINEL: RenderOptions = { lookbackDays: 7, kqlFlavor: 'sentinel' };

const match = (field: string, operator: FieldMatch['operator'], value: string | number): FieldMatch => ({ kind: 'match', field, operator, value });
const or = (...children: Condition[]): Condition => ({ kind: 'or', children });
const and = (...children: Condition[]): Condition => ({ kind: 'and', children });
const not = (child: Condition): Condition => ({ kind: 'not', child });

function expectValid(query: string, tables: KqlTables): void {
  const diagnostics = kqlDiagnostics(query, tables);
  if (diagnostics.length > 0) throw new Error(`${describeDiagnostics(query, diagnostics)}\n--- query ---\n${query}`);
}

/** The leaves of a condition tree, and its truth under an assignment of truth to leaves. */
/** For every assignment of truth values to the distinct leaves, the parsed query agrees with the tree. */
function expectSameLogic(condition: Condition, query: string, flavor: KqlFlavor): void {
  const keys = [...new Set(conditionLeaves(condition).map(leafKey))];
  expect(keys.length).toBeLessThanOrEqual(10);
  const parsed = kqlConditionOf(query, flavor);
  for (let bits = 0; bits < 1 << keys.length; bits++) {
    const truth = (key: string): boolean => {
      const index = keys.indexOf(key);
      if (index < 0) throw new Error(`the query compares something the rule does not: ${key}`);
      return (bits & (1 << index)) !== 0;
    };
    expect(parsed((leaf) => truth(leafKey(leaf)))).toBe(evaluateCondition(condition, (leaf) => truth(leafKey(leaf))));
  }
}

describe('renderKql: the seed AiTM finding (hand-built plan)', () => {
  const condition = or(match('FileName', 'equals', 'suspicious_proxy.exe'), match('InitiatingProcessFileName', 'equals', 'explorer.exe'));
  const rule = plannedRule({ condition });

  test('renders the documented shape, exactly', () => {
    const query = renderKql(rule, XDR);
    expect([...query.split('\n')[0]!].length).toBe(100);
    expect(query).toBe(
      [
        '// ── T1557.001: Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning ───────────────────────────────────',
        '// Hunt: AiTM Proxy Detection — Infostealer Delivery (PEAK phase: Scoped)',
        '// Author: Andre Seguin | Date: 2026-04-08 | Confidence: high (confirmed) | Status: test',
        '// ATT&CK: T1557.001 LLMNR/NBT-NS Poisoning and SMB Relay — Credential Access',
        '// Rule id: 3b0c7a52-5a8e-5f0e-9d3c-2f4d8f0c1a11 | Target: Microsoft Defender XDR advanced hunting',
        '',
        'DeviceProcessEvents',
        '| where Timestamp > ago(7d)',
        '| where FileName =~ "suspicious_proxy.exe"',
        '    or InitiatingProcessFileName =~ "explorer.exe"',
        '| extend Technique = "T1557.001", Tactic = "credential-access", Confidence = "high"',
        '| project Timestamp, DeviceName, AccountName, FileName, FolderPath, ProcessCommandLine, SHA256,',
        '    InitiatingProcessFileName, Technique, Tactic, Confidence',
        '| order by Timestamp desc',
        ''
      ].join('\n')
    );
  });

  test('binds with zero diagnostics against the Defender XDR schemas', () => {
    expectValid(renderKql(rule, XDR), 'xdr');
  });

  test('the Sentinel flavour of the same rule (TimeGenerated) binds against the Sentinel schemas', () => {
    const sentinelRule = plannedRule({ condition, timeField: 'TimeGenerated' });
    const query = renderKql(sentinelRule, SENTINEL);
    expect(query).toContain('| where TimeGenerated > ago(7d)');
    expect(query).toContain('| order by TimeGenerated desc');
    expect(query).toContain('Target: Microsoft Sentinel (Log Analytics)');
    expectValid(query, 'sentinel');
  });

  test('the sign-in finding renders against SigninLogs in both flavours', () => {
    const signin = plannedRule(
      {
        source: 'SigninLogs',
        timeField: 'TimeGenerated',
        projection: ['UserPrincipalName', 'AppDisplayName', 'IPAddress', 'Location', 'ConditionalAccessStatus', 'RiskLevelDuringSignIn'],
        condition: match('IPAddress', 'equals', '203.0.113.47')
      },
      { technique: { id: 'T1539', name: 'Steal Web Session Cookie' } }
    );
    for (const options of [XDR, SENTINEL]) expectValid(renderKql(signin, options), options.kqlFlavor);
  });

  test('a technique the catalogue does not know (name = id) is named once', () => {
    const unknown = plannedRule({ condition }, { technique: { id: 'T1999', name: 'T1999' } });
    expect(renderKql(unknown, XDR)).toContain('\n// ATT&CK: T1999 — Credential Access\n');
  });

  test('the lookback is configurable', () => {
    expect(renderKql(rule, { ...XDR, lookbackDays: 30 })).toContain('| where Timestamp > ago(30d)\n');
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('a lookback of %p days is refused with a clear message', (lookbackDays) => {
    expect(() => renderKql(rule, { ...XDR, lookbackDays })).toThrow(/lookbackDays must be a positive whole number of days/);
  });

  test('deterministic, LF only, exactly one trailing newline', () => {
    const first = renderKql(rule, XDR);
    expect(renderKql(structuredClone(rule), XDR)).toBe(first);
    expect(first).not.toContain('\r');
    expect(first.endsWith('\n')).toBe(true);
    expect(first.endsWith('\n\n')).toBe(false);
  });
});

describe('renderKql: operators', () => {
  const network = (condition: Condition) =>
    plannedRule({ source: 'DeviceNetworkEvents', projection: ['DeviceName', 'RemoteIP', 'RemotePort', 'RemoteUrl'], condition });

  test.each<[string, FieldMatch, string]>([
    ['string equality is case-insensitive =~', match('FileName', 'equals', 'a.exe'), 'FileName =~ "a.exe"'],
    ['contains', match('ProcessCommandLine', 'contains', '-enc'), 'ProcessCommandLine contains "-enc"'],
    ['startswith', match('FolderPath', 'startswith', 'C:\\Users\\'), 'FolderPath startswith "C:\\\\Users\\\\"'],
    ['endswith', match('FolderPath', 'endswith', '\\explorer.exe'), 'FolderPath endswith "\\\\explorer.exe"'],
    ['regex is case-insensitive RE2', match('ProcessCommandLine', 'regex', '\\s-e(nc)?\\s'), 'ProcessCommandLine matches regex "(?i)\\\\s-e(nc)?\\\\s"']
  ])('%s', (_name, leaf, expected) => {
    const query = renderKql(plannedRule({ condition: leaf }), XDR);
    expect(query).toContain(`| where ${expected}\n`);
    expectValid(query, 'xdr');
    expectSameLogic(leaf, query, 'xdr');
  });

  test('IPv4 CIDR uses ipv4_is_in_range, IPv6 CIDR ipv6_is_in_range', () => {
    const condition = or(match('RemoteIP', 'cidr', '198.51.100.0/24'), match('RemoteIP', 'cidr', '2001:db8::/32'), match('RemoteIP', 'cidr', '::ffff:192.0.2.0/120'));
    const query = renderKql(network(condition), XDR);
    expect(query).toContain('| where ipv4_is_in_range(RemoteIP, "198.51.100.0/24")\n');
    expect(query).toContain('    or ipv6_is_in_range(RemoteIP, "2001:db8::/32")\n');
    expect(query).toContain('    or ipv6_is_in_range(RemoteIP, "::ffff:192.0.2.0/120")\n');
    expectValid(query, 'xdr');
    expectSameLogic(condition, query, 'xdr');
  });

  test('a port is a number compared with == on an int column', () => {
    const query = renderKql(network(match('RemotePort', 'equals', 4444)), XDR);
    expect(query).toContain('| where RemotePort == 4444\n');
    expectValid(query, 'xdr');
  });

  test('two or more OR-ed equalities on one field become one in~ list (strings) or in list (numbers)', () => {
    const condition = or(
      match('RemoteUrl', 'equals', 'a.example'),
      match('RemotePort', 'equals', 4444),
      match('RemoteUrl', 'contains', 'evil'),
      match('RemoteUrl', 'equals', 'b.example'),
      match('RemotePort', 'equals', 8443),
      match('RemoteUrl', 'equals', 'a.example'),
      match('RemoteIP', 'equals', '192.0.2.1')
    );
    const query = renderKql(network(condition), XDR);
    expect(query).toContain(
      [
        '| where RemoteUrl in~ ("a.example", "b.example")',
        '    or RemotePort in (4444, 8443)',
        '    or RemoteUrl contains "evil"',
        '    or RemoteIP =~ "192.0.2.1"'
      ].join('\n')
    );
    expectValid(query, 'xdr');
    expectSameLogic(condition, query, 'xdr');
  });

  test('an OR-ed equality repeated with the same value renders once', () => {
    const query = renderKql(plannedRule({ condition: or(match('FileName', 'equals', 'a'), match('FileName', 'equals', 'a')) }), XDR);
    expect(query).toContain('| where FileName =~ "a"\n| extend');
  });

  test('nested and/or/not keep their meaning: compound operands are parenthesised', () => {
    const condition = or(
      and(match('FileName', 'equals', 'a.exe'), or(match('FolderPath', 'contains', 'temp'), match('FolderPath', 'contains', 'appdata'))),
      and(match('InitiatingProcessFileName', 'equals', 'explorer.exe'), not(or(match('FileName', 'equals', 'b'), match('FileName', 'equals', 'c')))),
      not(and(match('SHA256', 'equals', 'ab'), match('AccountName', 'startswith', 'svc_')))
    );
    const query = renderKql(plannedRule({ condition }), XDR);
    expect(query).toContain(
      [
        '| where (FileName =~ "a.exe" and (FolderPath contains "temp" or FolderPath contains "appdata"))',
        '    or (InitiatingProcessFileName =~ "explorer.exe" and not(FileName in~ ("b", "c")))',
        '    or not(SHA256 =~ "ab" and AccountName startswith "svc_")'
      ].join('\n')
    );
    expectValid(query, 'xdr');
    expectSameLogic(condition, query, 'xdr');
  });

  test('a top-level AND puts one term per line', () => {
    const condition = and(match('FileName', 'equals', 'a'), or(match('FolderPath', 'contains', 'x'), match('FolderPath', 'contains', 'y')));
    const query = renderKql(plannedRule({ condition }), XDR);
    expect(query).toContain('| where FileName =~ "a"\n    and (FolderPath contains "x" or FolderPath contains "y")\n');
    expectSameLogic(condition, query, 'xdr');
  });

  test('nested nodes of the same kind and single-child nodes are flattened, so in~ lists form across them', () => {
    const condition = and(or(match('FileName', 'equals', 'a'), or(match('FolderPath', 'contains', 'x'), match('FileName', 'equals', 'b'))));
    const query = renderKql(plannedRule({ condition }), XDR);
    expect(query).toContain('| where FileName in~ ("a", "b")\n    or FolderPath contains "x"\n| extend');
    expectValid(query, 'xdr');
    expectSameLogic(condition, query, 'xdr');
  });

  test('an empty AND matches everything and an empty OR nothing, and both still bind', () => {
    const everything = renderKql(plannedRule({ condition: and() }), XDR);
    const nothing = renderKql(plannedRule({ condition: or() }), XDR);
    expect(everything).toContain('| where true\n');
    expect(nothing).toContain('| where false\n');
    expectValid(everything, 'xdr');
    expectValid(nothing, 'xdr');
  });

  test('has is never used', () => {
    const condition = or(...(['equals', 'contains', 'startswith', 'endswith', 'regex'] as const).map((op) => match('FileName', op, 'x')));
    expect(renderKql(plannedRule({ condition }), XDR)).not.toMatch(/\bhas\b/);
  });
});

describe('renderKql: projection', () => {
  test('no column is projected twice, the time field comes first and the context columns last', () => {
    const rule = plannedRule({
      condition: match('FileName', 'equals', 'a'),
      projection: ['FileName', 'Timestamp', 'FileName', 'Technique', 'DeviceName', 'DeviceName']
    });
    const query = renderKql(rule, XDR);
    expect(query).toContain('| project Timestamp, FileName, DeviceName, Technique, Tactic, Confidence\n');
    expectValid(query, 'xdr');
  });

  test('a duplicate projected column would be caught by the validator (KS171)', () => {
    expect(kqlErrors('DeviceProcessEvents | project Timestamp, FileName, FileName', 'xdr').map((e) => e.code)).toEqual(['KS171']);
  });

  test('long projections wrap without breaking the query', () => {
    const columns = ['DeviceId', 'DeviceName', 'ActionType', 'FileName', 'FolderPath', 'SHA1', 'SHA256', 'MD5', 'ProcessCommandLine', 'AccountName', 'AccountDomain', 'InitiatingProcessFileName', 'InitiatingProcessCommandLine', 'InitiatingProcessFolderPath'];
    const query = renderKql(plannedRule({ condition: match('FileName', 'equals', 'a'), projection: columns }), XDR);
    for (const line of query.split('\n').filter((l) => !l.startsWith('//'))) expect(line.length).toBeLessThanOrEqual(100);
    expectValid(query, 'xdr');
  });
});

describe('renderKql: hostile text stays data', () => {
  const injection = 'x\n| take 0\n// ';

  test.each(['\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085', '\u000b', '\u202e'])(
    'a hunt name, author or title containing %j cannot end its comment line',
    (separator) => {
      const text = `evil${separator}DeviceProcessEvents | take 0${separator}`;
      const rule = plannedRule(
        { condition: match('FileName', 'equals', 'a') },
        { title: text, author: text, hunt: { name: text, slug: 's', peakPhase: 'Scoped', file: 'h.yml' }, technique: { id: 'T1557.001', name: text } }
      );
      const query = renderKql(rule, XDR);
      const lines = query.split('\n');
      const table = lines.indexOf('DeviceProcessEvents');
      expect(lines.slice(0, table - 1).every((line) => line.startsWith('// '))).toBe(true);
      expect(lines[table - 1]).toBe('');
      expect(lines.slice(0, table).join('')).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
      expectValid(query, 'xdr');
      // Only the comparison and the three context values are string literals: nothing was injected.
      expect(kqlStringLiteralValues(query, 'xdr')).toEqual(['a', 'T1557.001', 'credential-access', 'high']);
    }
  );

  test('values with quotes, backslashes and newlines are literals that decode to exactly the value', () => {
    const values = ['C:\\Windows\\System32\\cmd.exe', 'say "hi"', "it's", injection, '\\"; drop', 'tab\there', 'a*b?c%d_e|f(g)[h]{i}', 'é 中 😀', '\u202eexe.txt'];
    const condition = or(...values.map((v) => match('ProcessCommandLine', 'contains', v)));
    const query = renderKql(plannedRule({ condition }), XDR);
    expectValid(query, 'xdr');
    expect(kqlStringLiteralValues(query, 'xdr')).toEqual([...values, 'T1557.001', 'credential-access', 'high']);
    expect(query).toContain('"\\u202Eexe.txt"');
  });

  test('context values (tactic, level) are escaped too', () => {
    const rule = plannedRule({ condition: match('FileName', 'equals', 'a') }, { tactic: { shortname: 'x", Evil = "1', name: 'X' } });
    const query = renderKql(rule, XDR);
    expectValid(query, 'xdr');
    expect(kqlStringLiteralValues(query, 'xdr')).toContain('x", Evil = "1');
  });

  test('table and column names from a mapping file that are not plain identifiers are bracketed', () => {
    const extra: KqlSchemas = {
      'Custom Events': [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'process name', type: 'string' },
        { name: 'where', type: 'string' },
        { name: "it's", type: 'string' },
        { name: 'True', type: 'string' },
        { name: '__crossCluster', type: 'string' }
      ]
    };
    const condition = or(match('process name', 'equals', 'a'), match('where', 'contains', 'b'), match("it's", 'startswith', 'c'), match('True', 'endswith', 'd'));
    const rule = plannedRule({ source: 'Custom Events', timeField: 'TimeGenerated', projection: ['where', '__crossCluster'], condition });
    const query = renderKql(rule, SENTINEL);
    expect(query).toContain("\n['Custom Events']\n");
    expect(query).toContain(`| where ['process name'] =~ "a"\n    or ['where'] contains "b"\n    or ['it\\'s'] startswith "c"\n    or ['True'] endswith "d"\n`);
    expectValid(query, extra);
  });
});
