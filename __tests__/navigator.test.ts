import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import layerSchema from './data/navigator-layer-v4.5.schema.json' with { type: 'json' };
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { coverageOf } from '../src/core/coverage.js';
import type { Finding, HuntReport } from '../src/core/hunt/schema.js';
import type { PlannedRule } from '../src/core/model.js';
import {
  attackCell,
  CONFIRMED_COLOR,
  coverageLayer,
  huntLayer,
  type NavigatorLayer,
  serializeLayer,
  UNCONFIRMED_COLOR
} from '../src/core/navigator.js';

const catalogue = bundledAttackCatalogue();
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validateLayer = ajv.compile(layerSchema);

function finding(overrides: Partial<Finding>): Finding {
  return {
    tactic: 'Credential Access',
    technique: 'T1557.001',
    confirmed: true,
    description: 'Proxy process spawned from explorer.exe.\n',
    data_source_ref: 'EDR',
    iocs: [{ type: 'process_name', value: 'suspicious_proxy.exe' }],
    ...overrides
  };
}

function report(findings: Finding[], hunt: Partial<HuntReport['hunt']> = {}): HuntReport {
  return {
    hunt: {
      id: 'H-0042',
      name: 'AiTM Proxy Detection',
      hypothesis: 'Adversaries intercept credentials.\n',
      analyst: 'Andre Seguin',
      date: '2026-04-08',
      peak_phase: 'Scoped',
      references: ['https://attack.mitre.org/techniques/T1557/', 'docs/internal-note.md'],
      ...hunt
    },
    data_sources: [{ name: 'EDR', type: 'endpoint' }],
    findings,
    verdict: 'Confirmed.'
  };
}

function expectValidLayer(layer: NavigatorLayer): void {
  // Round-trip through JSON: the file is what the Navigator reads.
  const parsed: unknown = JSON.parse(serializeLayer(layer));
  const ok = validateLayer(parsed);
  expect(validateLayer.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  for (const t of layer.techniques) {
    const technique = catalogue.technique(t.techniqueID);
    expect(technique).toBeDefined();
    expect(catalogue.tactics.map((x) => x.shortname)).toContain(t.tactic);
    expect(technique!.tactics).toContain(t.tactic);
  }
}

/** The minimal planned rule the layer reads: which finding it came from and its id. */
function rule(findingIndex: number, ruleId: string, logsourceKey: string): PlannedRule {
  return { meta: { findingIndex, ruleId }, logsourceKey } as unknown as PlannedRule;
}

describe('huntLayer', () => {
  const findings = [
    finding({}),
    finding({ technique: 'T1539', confirmed: false, description: 'Token replay.' }),
    finding({ technique: 'T1557.001', tactic: 'collection', confirmed: false, description: 'Same technique, other tactic.' }),
    finding({ technique: 'T1557.001', confirmed: false, description: 'Second finding on the same cell.' }),
    finding({ technique: 'T9999', description: 'Not in the catalogue.' }),
    finding({ technique: 'T1539', tactic: 'Lateral Movement', description: 'Wrong tactic for T1539.' }),
    finding({ technique: 'T1078', tactic: 'No Such Tactic', description: 'Unknown tactic.' })
  ];
  const rules = [rule(0, 'rule-a', 'process_creation'), rule(1, 'rule-b', 'signin'), rule(0, 'rule-c', 'network_connection')];
  const layer = huntLayer(report(findings), rules, {
    catalogue,
    file: 'hunts/aitm.yaml',
    ruleFiles: new Map([['rule-a', ['sigma/t1557-001-process-creation.yml', 'kql/t1557-001-process-creation.kql']]])
  });

  test('passes the v4.5 schema and names only catalogue techniques under their own tactics', () => {
    expectValidLayer(layer);
    expect(layer.versions).toEqual({ attack: '18', navigator: '5.1.0', layer: '4.5' });
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.name).toBe('H-0042 AiTM Proxy Detection');
    expect(layer.description).toBe('Adversaries intercept credentials.');
  });

  test('one entry per (technique, tactic); unknown techniques, tactics and mismatches are left out', () => {
    expect(layer.techniques.map((t) => `${t.techniqueID}/${t.tactic}`)).toEqual([
      'T1539/credential-access',
      'T1557.001/collection',
      'T1557.001/credential-access'
    ]);
  });

  test('confirmed anywhere in the cell is red, otherwise amber; score counts the findings', () => {
    const cell = (id: string, tactic: string) => layer.techniques.find((t) => t.techniqueID === id && t.tactic === tactic)!;
    expect(cell('T1557.001', 'credential-access')).toMatchObject({ color: CONFIRMED_COLOR, score: 2 });
    expect(cell('T1557.001', 'collection')).toMatchObject({ color: UNCONFIRMED_COLOR, score: 1 });
    expect(cell('T1539', 'credential-access')).toMatchObject({ color: UNCONFIRMED_COLOR, score: 1 });
    expect(cell('T1557.001', 'credential-access').comment).toBe('Proxy process spawned from explorer.exe.\n\nSecond finding on the same cell.');
    expect(layer.gradient.maxValue).toBe(2);
  });

  test('technique metadata names the rule ids and files; layer links only web references', () => {
    const meta = layer.techniques.find((t) => t.techniqueID === 'T1557.001' && t.tactic === 'credential-access')!.metadata;
    expect(meta).toEqual([
      { name: 'finding', value: '#1 (confirmed)' },
      { name: 'data source', value: 'EDR' },
      { name: 'rule id', value: 'rule-c' },
      { name: 'rule id', value: 'rule-a' },
      { name: 'rule file', value: 'sigma/t1557-001-process-creation.yml' },
      { name: 'rule file', value: 'kql/t1557-001-process-creation.kql' },
      { divider: true },
      { name: 'finding', value: '#4 (unconfirmed)' },
      { name: 'data source', value: 'EDR' }
    ]);
    expect(layer.links).toEqual([{ label: 'https://attack.mitre.org/techniques/T1557/', url: 'https://attack.mitre.org/techniques/T1557/' }]);
    expect(layer.metadata).toContainEqual({ name: 'PEAK phase', value: 'Scoped' });
    expect(layer.metadata).toContainEqual({ name: 'hunt file', value: 'hunts/aitm.yaml' });
  });

  test('a hunt without findings still gives a valid layer', () => {
    const empty = huntLayer(report([]), [], { catalogue });
    expectValidLayer(empty);
    expect(empty.techniques).toEqual([]);
  });

  test('attackCell explains why a finding has no cell', () => {
    expect(attackCell(catalogue, 'T9999', 'Execution')).toEqual({ ok: false, reason: 'technique T9999 is not in ATT&CK v18.1' });
    expect(attackCell(catalogue, 'T1539', 'lateral-movement')).toMatchObject({ ok: false });
    expect(attackCell(catalogue, 't1539', 'credential_access')).toMatchObject({ ok: true });
  });
});

describe('coverageLayer', () => {
  test('passes the schema; score = number of hunts; confirmed anywhere is red', () => {
    const coverage = coverageOf(
      [
        { file: 'a.yaml', report: report([finding({ confirmed: false }), finding({ technique: 'T9999' })]) },
        { file: 'b.yaml', report: report([finding({ confirmed: true }), finding({ technique: 'T1539', confirmed: false })]) },
        { file: 'c.yaml', report: report([finding({ confirmed: false })]) }
      ],
      catalogue
    );
    const layer = coverageLayer(coverage, catalogue);
    expectValidLayer(layer);
    expect(layer.techniques.map((t) => [t.techniqueID, t.tactic, t.score, t.color])).toEqual([
      ['T1539', 'credential-access', 1, UNCONFIRMED_COLOR],
      ['T1557.001', 'credential-access', 3, CONFIRMED_COLOR]
    ]);
    expect(layer.gradient.maxValue).toBe(3);
  });
});

describe('layers for arbitrary findings', () => {
  const liveIds = catalogue.techniques.map((t) => t.id);
  const tacticNames = [...catalogue.tactics.flatMap((t) => [t.name, t.shortname]), 'Not A Tactic', 'credential access'];
  const arbFinding = fc.record({
    technique: fc.oneof(fc.constantFrom(...liveIds), fc.constantFrom('T0000', 'T9999.999')),
    tactic: fc.constantFrom(...tacticNames),
    confirmed: fc.boolean(),
    description: fc.string({ minLength: 1 })
  });

  test('always validate, and name only catalogue cells', () => {
    fc.assert(
      fc.property(fc.array(arbFinding, { maxLength: 12 }), fc.array(arbFinding, { maxLength: 6 }), (a, b) => {
        const reports = [
          { file: 'a.yaml', report: report(a.map((f) => finding(f))) },
          { file: 'b.yaml', report: report(b.map((f) => finding(f))) }
        ];
        const layerA = huntLayer(reports[0]!.report, [], { catalogue });
        expectValidLayer(layerA);
        const kept = a.filter((f) => attackCell(catalogue, f.technique, f.tactic).ok);
        expect(layerA.techniques.reduce((n, t) => n + t.score, 0)).toBe(kept.length);
        expectValidLayer(coverageLayer(coverageOf(reports, catalogue), catalogue));
      }),
      { numRuns: 60 }
    );
  });
});
