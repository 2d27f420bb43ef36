import fc from 'fast-check';
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { type Coverage, coverageOf, diffCoverage, isEmptyDiff } from '../src/core/coverage.js';
import type { Finding, HuntReport } from '../src/core/hunt/schema.js';

const catalogue = bundledAttackCatalogue();

function report(findings: Pick<Finding, 'technique' | 'tactic' | 'confirmed'>[], extra: Partial<Finding> = {}): HuntReport {
  return {
    hunt: { name: 'Hunt', hypothesis: 'h', analyst: 'a', date: '2026-01-01', peak_phase: 'Scoped' },
    data_sources: [{ name: 'EDR', type: 'endpoint' }],
    findings: findings.map((f) => ({ description: 'd', data_source_ref: 'EDR', iocs: [{ type: 'ip', value: '192.0.2.1' }], ...extra, ...f })),
    verdict: 'v'
  };
}

describe('coverageOf', () => {
  const coverage = coverageOf(
    [
      { file: 'hunts/b.yaml', report: report([{ technique: 'T1539', tactic: 'Credential Access', confirmed: false }, { technique: 'T1539', tactic: 'credential-access', confirmed: false }]) },
      { file: 'hunts/a.yaml', report: report([{ technique: 'T1539', tactic: 'credential_access', confirmed: true }, { technique: 'T1557', tactic: 'Collection', confirmed: false }]) },
      { file: 'hunts/c.yaml', report: report([{ technique: 'T1557', tactic: 'Credential Access', confirmed: false }]) },
      { file: 'hunts/d.yaml', report: report([{ technique: 'T9999.001', tactic: 'Made Up Tactic', confirmed: true }], { technique_name: 'Future technique' }) }
    ],
    catalogue
  );

  test('a technique confirmed in any hunt is confirmed; hunts are counted once each, sorted', () => {
    expect(coverage['T1539']).toEqual({
      techniqueId: 'T1539',
      name: 'Steal Web Session Cookie',
      tactics: ['credential-access'],
      confirmed: true,
      hunts: ['hunts/a.yaml', 'hunts/b.yaml']
    });
    expect(coverage['T1557']).toEqual({
      techniqueId: 'T1557',
      name: 'Adversary-in-the-Middle',
      tactics: ['collection', 'credential-access'],
      confirmed: false,
      hunts: ['hunts/a.yaml', 'hunts/c.yaml']
    });
  });

  test('techniques missing from the catalogue keep the name the hunt gave them', () => {
    expect(coverage['T9999.001']).toEqual({
      techniqueId: 'T9999.001',
      name: 'Future technique',
      tactics: ['made-up-tactic'],
      confirmed: true,
      hunts: ['hunts/d.yaml']
    });
  });

  test('keys come in technique id order whatever the input order', () => {
    expect(Object.keys(coverage)).toEqual(['T1539', 'T1557', 'T9999.001']);
  });

  test('no hunts, no coverage', () => {
    expect(coverageOf([], catalogue)).toEqual({});
  });
});

describe('diffCoverage', () => {
  const entry = (techniqueId: string, confirmed: boolean, tactics = ['credential-access']) => ({
    techniqueId,
    name: `name of ${techniqueId}`,
    tactics,
    confirmed,
    hunts: ['x.yaml']
  });
  const base: Coverage = {
    T1003: entry('T1003', true),
    T1110: entry('T1110', false),
    T1539: entry('T1539', false),
    T1557: entry('T1557', true, ['collection', 'credential-access'])
  };
  const head: Coverage = {
    'T1003.001': entry('T1003.001', false),
    T1110: entry('T1110', false),
    T1539: entry('T1539', true),
    T1557: entry('T1557', false, ['collection', 'credential-access']),
    T1001: entry('T1001', true, ['command-and-control'])
  };

  test('added, removed, upgraded and downgraded, each sorted by id', () => {
    expect(diffCoverage(base, head)).toEqual({
      added: [
        { techniqueId: 'T1001', name: 'name of T1001', tactics: ['command-and-control'], confirmed: true },
        { techniqueId: 'T1003.001', name: 'name of T1003.001', tactics: ['credential-access'], confirmed: false }
      ],
      removed: [{ techniqueId: 'T1003', name: 'name of T1003', tactics: ['credential-access'], confirmed: true }],
      upgraded: [{ techniqueId: 'T1539', name: 'name of T1539', tactics: ['credential-access'], confirmed: true }],
      downgraded: [{ techniqueId: 'T1557', name: 'name of T1557', tactics: ['collection', 'credential-access'], confirmed: false }]
    });
  });

  test('identical coverage gives an empty diff; swapping base and head swaps the lists', () => {
    expect(isEmptyDiff(diffCoverage(head, head))).toBe(true);
    const forward = diffCoverage(base, head);
    const backward = diffCoverage(head, base);
    expect(backward.added.map((c) => c.techniqueId)).toEqual(forward.removed.map((c) => c.techniqueId));
    expect(backward.upgraded.map((c) => c.techniqueId)).toEqual(forward.downgraded.map((c) => c.techniqueId));
  });

  test('from real hunts: confirming a finding upgrades, dropping a hunt removes', () => {
    const before = coverageOf([{ file: 'a.yaml', report: report([{ technique: 'T1539', tactic: 'Credential Access', confirmed: false }]) }], catalogue);
    const after = coverageOf(
      [
        { file: 'a.yaml', report: report([{ technique: 'T1539', tactic: 'Credential Access', confirmed: false }]) },
        { file: 'b.yaml', report: report([{ technique: 'T1539', tactic: 'Credential Access', confirmed: true }]) }
      ],
      catalogue
    );
    expect(diffCoverage(before, after).upgraded.map((c) => c.techniqueId)).toEqual(['T1539']);
    expect(diffCoverage(after, {}).removed).toEqual([{ techniqueId: 'T1539', name: 'Steal Web Session Cookie', tactics: ['credential-access'], confirmed: true }]);
  });

  test('property: every technique of base ∪ head lands in exactly one list or is unchanged', () => {
    const ids = ['T1001', 'T1003', 'T1003.001', 'T1110', 'T1539', 'T1557'];
    const arbCoverage = fc.dictionary(fc.constantFrom(...ids), fc.boolean()).map((d) => {
      const c: Coverage = {};
      for (const id of Object.keys(d).sort()) c[id] = entry(id, d[id]!);
      return c;
    });
    fc.assert(
      fc.property(arbCoverage, arbCoverage, (b, h) => {
        const d = diffCoverage(b, h);
        const listed = [...d.added, ...d.removed, ...d.upgraded, ...d.downgraded].map((c) => c.techniqueId);
        expect(new Set(listed).size).toBe(listed.length);
        for (const id of new Set([...Object.keys(b), ...Object.keys(h)])) {
          const changed = !(id in b) || !(id in h) || b[id]!.confirmed !== h[id]!.confirmed;
          expect(listed.includes(id)).toBe(changed);
        }
        for (const list of Object.values(d)) {
          const order = list.map((c: { techniqueId: string }) => c.techniqueId);
          expect(order).toEqual([...order].sort());
        }
      }),
      { numRuns: 100 }
    );
  });
});
