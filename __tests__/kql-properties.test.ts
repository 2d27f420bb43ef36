/**
 * Property tests for the KQL renderer's escaping and structure, checked by Microsoft's Kusto
 * language service: for arbitrary IOC values, names and condition trees the query binds with zero
 * errors, each literal decodes (as the service decodes it) to exactly the value, and the condition
 * the service parses has the same logic as the planned tree.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { renderKql } from '../src/core/backends/kql.js';
import { kqlIdentifier } from '../src/core/backends/kql-literal.js';
import type { Condition, FieldMatch, PlannedRule, RenderOptions } from '../src/core/model.js';
import {
  leafKey,
  describeDiagnostics,
  kqlConditionOf,
  kqlDiagnostics,
  kqlStringLiteralValues,
  kqlSyntaxDiagnostics,
  kustoNeedsNoBrackets,
  plannedRule,
  type KqlLeaf,
  type KqlTables
} from './support/kusto.js';
import { evaluateCondition } from './support/rules.js';

const XDR: RenderOptions = { lookbackDays: 7, kqlFlavor: 'xdr' };
const CONTEXT_VALUES = ['T1557.001', 'credential-access', 'high'];
const NUM_RUNS = 200;

/** Characters that break naive escaping in KQL, Sigma, SPL or SQL, in runs. */
const SPECIALS = [...'"\\\'*?%_|()[]{}\n\t;\r`@$'];
const specialRuns = fc
  .array(fc.oneof(fc.constantFrom(...SPECIALS), fc.constantFrom('a', 'Z', '0', ' ', 'é', '😀', '\u2028', '\u0000', '\u202e')), { maxLength: 30 })
  .map((chars) => chars.join(''));
/** Any string: full Unicode including lone surrogates, graphemes, and runs of special characters. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), specialRuns);

const STRING_OPERATORS = ['equals', 'contains', 'startswith', 'endswith', 'regex'] as const;
const STRING_FIELDS = ['FileName', 'FolderPath', 'ProcessCommandLine', 'SHA256', 'InitiatingProcessFileName', 'AccountName'];

function errorsOf(query: string): string {
  const diagnostics = kqlDiagnostics(query, 'xdr');
  return diagnostics.length === 0 ? '' : `${describeDiagnostics(query, diagnostics)}\n--- query ---\n${query}`;
}

/** The comparisons the service finds in the query's condition, read with every leaf true. */
function parsedLeaves(query: string, tables: KqlTables = 'xdr'): KqlLeaf[] {
  const found: KqlLeaf[] = [];
  kqlConditionOf(query, tables)((leaf) => {
    found.push(leaf);
    return false;
  });
  return found;
}

describe('KQL escaping properties (Kusto language service)', () => {
  test('any string as an equals/contains/startswith/endswith/regex value binds and decodes to exactly that value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STRING_OPERATORS), fc.constantFrom(...STRING_FIELDS), anyText, (operator, field, value) => {
        const query = renderKql(plannedRule({ condition: { kind: 'match', field, operator, value } }), XDR);
        expect(errorsOf(query)).toBe('');
        const literal = operator === 'regex' ? `(?i)${value}` : value;
        expect(kqlStringLiteralValues(query, 'xdr')).toEqual([literal, ...CONTEXT_VALUES]);
        expect(parsedLeaves(query)).toEqual([{ field, operator, value }]);
      }),
      { numRuns: NUM_RUNS }
    );
  });

  test('any list of strings OR-ed on one field binds as in~ and decodes to exactly those values', () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyText, { minLength: 2, maxLength: 6 }), (values) => {
        const condition: Condition = { kind: 'or', children: values.map((value) => ({ kind: 'match', field: 'FileName', operator: 'equals', value })) };
        const query = renderKql(plannedRule({ condition }), XDR);
        expect(query).toContain('| where FileName in~ (');
        expect(errorsOf(query)).toBe('');
        expect(kqlStringLiteralValues(query, 'xdr')).toEqual([...values, ...CONTEXT_VALUES]);
      }),
      { numRuns: NUM_RUNS / 2 }
    );
  });

  test('any port number binds on the int column RemotePort', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
        const rule = plannedRule({ source: 'DeviceNetworkEvents', projection: ['RemoteIP', 'RemotePort'], condition: { kind: 'match', field: 'RemotePort', operator: 'equals', value: port } });
        const query = renderKql(rule, XDR);
        expect(errorsOf(query)).toBe('');
        expect(parsedLeaves(query)).toEqual([{ field: 'RemotePort', operator: 'equals', value: port }]);
      }),
      { numRuns: 50 }
    );
  });

  test('any hunt name, author, title or technique name stays inside comments', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, (name, author, title, techniqueName) => {
        const rule = plannedRule(
          { condition: { kind: 'match', field: 'FileName', operator: 'equals', value: 'a.exe' } },
          { title, author, hunt: { name, slug: 'h', peakPhase: 'Validated', file: 'h.yml' }, technique: { id: 'T1557.001', name: techniqueName } }
        );
        const query = renderKql(rule, XDR);
        expect(errorsOf(query)).toBe('');
        expect(kqlStringLiteralValues(query, 'xdr')).toEqual(['a.exe', ...CONTEXT_VALUES]);
        const lines = query.split('\n');
        expect(lines.indexOf('DeviceProcessEvents')).toBe(6);
        expect(lines.slice(0, 5).every((line) => line.startsWith('// '))).toBe(true);
      }),
      { numRuns: NUM_RUNS }
    );
  });

  test('any column name from a mapping file is an identifier the service binds; plain ones need no brackets', () => {
    const names = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/), fc.constantFrom('where', 'True', 'FALSE', 'and', 'project', '__crossCluster', 'string', 'Type'));
    fc.assert(
      fc.property(names, (column) => {
        fc.pre(column !== 'TimeGenerated');
        const rule = plannedRule({ source: 'Custom', timeField: 'TimeGenerated', projection: [column], condition: { kind: 'match', field: column, operator: 'contains', value: 'x' } });
        const query = renderKql(rule, XDR);
        const tables = { Custom: [{ name: 'TimeGenerated', type: 'datetime' }, { name: column, type: 'string' }] };
        const diagnostics = kqlDiagnostics(query, tables);
        expect(diagnostics.length === 0 ? '' : describeDiagnostics(query, diagnostics)).toBe('');
        if (kqlIdentifier(column) === column) expect(kustoNeedsNoBrackets(column)).toBe(true);
        expect(parsedLeaves(query, tables).map((leaf) => leaf.field)).toEqual([column]);
      }),
      { numRuns: NUM_RUNS }
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Structure: arbitrary condition trees.

const leafArb: fc.Arbitrary<FieldMatch> = fc.oneof(
  fc.record({
    kind: fc.constant('match' as const),
    field: fc.constantFrom('FileName', 'FolderPath', 'ProcessCommandLine'),
    operator: fc.constantFrom(...STRING_OPERATORS),
    value: fc.oneof(fc.constantFrom('a', 'b', 'c'), specialRuns)
  }),
  fc.record({
    kind: fc.constant('match' as const),
    field: fc.constant('ProcessId'),
    operator: fc.constant('equals' as const),
    value: fc.constantFrom(1, 2, 4444)
  }),
  fc.record({
    kind: fc.constant('match' as const),
    field: fc.constant('InitiatingProcessRemoteSessionIP'),
    operator: fc.constant('cidr' as const),
    value: fc.constantFrom('10.0.0.0/8', '2001:db8::/32')
  })
);

const { tree: conditionArb } = fc.letrec<{ tree: Condition }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ kind: fc.constant('and' as const), children: fc.array(tie('tree'), { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('or' as const), children: fc.array(tie('tree'), { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('not' as const), child: tie('tree') })
  )
}));

describe('KQL condition structure properties (Kusto language service)', () => {
  test('any and/or/not tree binds, and the parsed where clause has the tree\'s logic under random truth assignments', () => {
    fc.assert(
      fc.property(conditionArb, fc.array(fc.func(fc.boolean()), { minLength: 8, maxLength: 8 }), (condition, assignments) => {
        const query = renderKql(plannedRule({ condition }), XDR);
        expect(errorsOf(query)).toBe('');
        const parsed = kqlConditionOf(query, 'xdr');
        for (const assign of assignments) {
          const truth = (key: string): boolean => assign(key);
          expect(parsed((leaf) => truth(leafKey(leaf)))).toBe(evaluateCondition(condition, (leaf) => truth(leafKey(leaf))));
        }
      }),
      { numRuns: NUM_RUNS / 2 }
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Robustness: whatever a caller passes, the renderer returns a query and never throws.

/** A leaf as a careless caller might build it: any field, any operator, any string or number. */
const wildLeaf: fc.Arbitrary<FieldMatch> = fc.record({
  kind: fc.constant('match' as const),
  field: anyText,
  operator: fc.constantFrom(...STRING_OPERATORS, 'cidr' as const),
  value: fc.oneof(anyText, fc.double(), fc.integer())
});

const anyRule: fc.Arbitrary<PlannedRule> = fc
  .record({
    condition: conditionArb,
    extra: fc.array(wildLeaf, { maxLength: 3 }),
    source: anyText,
    timeField: anyText,
    projection: fc.array(anyText, { maxLength: 5 }),
    meta: fc.record({ title: anyText, author: anyText, date: anyText, ruleId: anyText, level: anyText, tactic: anyText, technique: anyText, phase: anyText })
  })
  .map(({ condition, extra, source, timeField, projection, meta }) =>
    plannedRule(
      { condition: { kind: 'or', children: [condition, ...extra] }, source, timeField, projection },
      {
        title: meta.title,
        author: meta.author,
        date: meta.date,
        ruleId: meta.ruleId,
        level: meta.level as PlannedRule['meta']['level'],
        tactic: { shortname: meta.tactic, name: meta.tactic },
        technique: { id: meta.technique, name: meta.technique },
        hunt: { name: meta.title, slug: 's', peakPhase: meta.phase as PlannedRule['meta']['hunt']['peakPhase'], file: 'h.yml' }
      }
    )
  );

describe('KQL renderer robustness', () => {
  test('any rule renders deterministically, LF only, ending in exactly one newline, and parses', () => {
    fc.assert(
      fc.property(anyRule, fc.constantFrom<RenderOptions['kqlFlavor']>('xdr', 'sentinel'), (rule, kqlFlavor) => {
        const query = renderKql(rule, { lookbackDays: 7, kqlFlavor });
        expect(renderKql(structuredClone(rule), { lookbackDays: 7, kqlFlavor })).toBe(query);
        expect(query).not.toContain('\r');
        expect(query).toMatch(/[^\n]\n$/);
        // Made-up tables and columns do not bind, but the text must still parse as KQL.
        const syntax = kqlSyntaxDiagnostics(query, kqlFlavor);
        expect(syntax.length === 0 ? '' : describeDiagnostics(query, syntax)).toBe('');
      }),
      { numRuns: NUM_RUNS / 2 }
    );
  });
});
