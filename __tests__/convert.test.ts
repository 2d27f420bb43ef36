import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import layerSchema from './data/navigator-layer-v4.5.schema.json' with { type: 'json' };
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { type ConvertOptions, convertHunts, type HuntInput } from '../src/core/convert.js';
import { hasErrors } from '../src/core/diagnostics.js';
import { DEFAULT_STATUS_MAP, OUTPUT_FORMATS } from '../src/core/model.js';
import { isContainedRelativePath } from '../src/core/paths.js';

const catalogue = bundledAttackCatalogue();
const validateLayer = new Ajv2020({ strict: false, allErrors: true }).compile(layerSchema);
const options: ConvertOptions = { formats: [...OUTPUT_FORMATS], statusMap: DEFAULT_STATUS_MAP, kqlFlavor: 'xdr', lookbackDays: 7 };

const examples: HuntInput[] = readdirSync('examples/hunts')
  .sort()
  .map((name) => ({ file: `examples/hunts/${name}`, source: readFileSync(`examples/hunts/${name}`) }));

/** A small valid report; `findings` as YAML list items. */
function hunt(head: string, findings = FINDING): string {
  return `hunt:\n${head}\n  hypothesis: "h"\n  analyst: "a"\n  date: "2026-04-08"\n  peak_phase: Scoped\ndata_sources:\n  - { name: EDR, type: endpoint }\nfindings:\n${findings}\nverdict: "v"\n`;
}
const FINDING = `  - tactic: Execution
    technique: T1059.001
    confirmed: true
    description: "PowerShell download cradle."
    data_source_ref: EDR
    iocs:
      - { type: process_name, value: "powershell.exe" }
      - { type: command_line, value: "IEX (New-Object Net.WebClient)" }
`;

describe('convertHunts on the example reports', () => {
  const result = convertHunts(examples, options);

  test('every example converts without errors and every hunt gets every format', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.hunts.filter((h) => h.rules.length > 0).length).toBeGreaterThanOrEqual(5);
    for (const h of result.hunts) {
      expect(h.slug).toBeDefined();
      if (h.report!.findings.length === 0) {
        // a baseline that found nothing still records its (empty) layer
        expect(h.files.map((f) => f.path)).toEqual([`${h.slug}/navigator.json`]);
        continue;
      }
      expect(h.rules.length).toBeGreaterThan(0);
      const dirs = new Set(h.files.map((f) => f.path.split('/')[1]));
      expect([...dirs].sort()).toEqual(['kql', 'navigator.json', 'sigma', 'spl', 'sql']);
      // one file per rule per query format
      for (const format of ['sigma', 'kql', 'spl', 'sql'] as const) expect(h.files.filter((f) => f.format === format)).toHaveLength(h.rules.length);
    }
  });

  test('paths: contained, under the hunt slug, named <technique>-<log source>.<ext>, unique', () => {
    const paths = result.files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const f of result.files) {
      expect(isContainedRelativePath(f.path)).toBe(true);
      if (f.format === 'coverage') {
        expect(f).toMatchObject({ path: 'coverage.json', source: '*' });
        continue;
      }
      const h = result.hunts.find((x) => x.file === f.source)!;
      expect(f.path.startsWith(`${h.slug}/`)).toBe(true);
      if (f.format !== 'navigator') expect(f.path).toMatch(new RegExp(`^${h.slug}/${f.format}/t\\d{4}(-\\d{3})?-[a-z0-9-]+\\.(yml|kql|spl|sql)$`));
    }
    expect(paths).toEqual([...paths].sort());
  });

  test('the AiTM example gives the seed’s two rules in the documented layout', () => {
    const aitm = result.hunts.find((h) => h.file === 'examples/hunts/aitm-proxy.yaml')!;
    expect(aitm.slug).toBe('aitm-proxy-detection-infostealer-delivery');
    const sigma = aitm.files.filter((f) => f.format === 'sigma').map((f) => f.path);
    expect(sigma.some((p) => p.startsWith(`${aitm.slug}/sigma/t1557-001-`))).toBe(true);
    expect(sigma.some((p) => p.startsWith(`${aitm.slug}/sigma/t1539-`))).toBe(true);
  });

  test('every text output uses LF line endings and ends with exactly one newline', () => {
    for (const f of result.files) {
      expect(f.content.includes('\r')).toBe(false);
      expect(f.content.endsWith('\n')).toBe(true);
      expect(f.content.endsWith('\n\n')).toBe(false);
    }
  });

  test('the layers (per hunt and coverage.json) pass the v4.5 schema and name only catalogue cells', () => {
    const layers = result.files.filter((f) => f.format === 'navigator' || f.format === 'coverage');
    expect(layers).toHaveLength(result.hunts.length + 1);
    for (const f of layers) {
      const layer = JSON.parse(f.content);
      expect(validateLayer(layer) ? [] : validateLayer.errors).toEqual([]);
      for (const t of layer.techniques) expect(catalogue.technique(t.techniqueID)?.tactics).toContain(t.tactic);
    }
  });

  test('the layer links each technique to its rule files, which exist', () => {
    const aitm = result.hunts.find((h) => h.file === 'examples/hunts/aitm-proxy.yaml')!;
    const layer = JSON.parse(aitm.files.find((f) => f.format === 'navigator')!.content);
    const ruleFiles = layer.techniques.flatMap((t: { metadata: { name?: string; value?: string }[] }) =>
      t.metadata.filter((m) => m.name === 'rule file').map((m) => `${aitm.slug}/${m.value}`)
    );
    expect(ruleFiles.length).toBe(aitm.rules.length * 4);
    for (const p of ruleFiles) expect(aitm.files.map((f) => f.path)).toContain(p);
  });

  test('coverage aggregates the valid hunts', () => {
    const techniques = new Set(result.hunts.flatMap((h) => h.report!.findings.map((f) => f.technique)));
    expect(Object.keys(result.coverage).sort()).toEqual([...techniques].sort());
  });

  test('deterministic: same inputs in any order give byte-identical files', () => {
    const again = convertHunts([...examples].reverse(), options);
    expect(again.files).toEqual(result.files);
  });

  test('--formats selects outputs; without navigator there is no coverage.json', () => {
    const only = convertHunts(examples, { ...options, formats: ['sigma', 'sql'] });
    expect(new Set(only.files.map((f) => f.format))).toEqual(new Set(['sigma', 'sql']));
    expect(only.files.map((f) => f.path)).toEqual(result.files.filter((f) => f.format === 'sigma' || f.format === 'sql').map((f) => f.path));
  });
});

describe('convertHunts with bad or clashing reports', () => {
  test('a report with errors produces no files; the others still convert', () => {
    const good = { file: 'hunts/good.yaml', source: hunt('  id: H-0001\n  name: "Good"') };
    const bad = { file: 'hunts/bad.yaml', source: hunt('  id: H-0002\n  name: "Bad"', FINDING.replace('T1059.001', 'T1059.1')) };
    const r = convertHunts([good, bad], options);
    const badResult = r.hunts.find((h) => h.file === 'hunts/bad.yaml')!;
    expect(badResult.files).toEqual([]);
    expect(hasErrors(badResult.diagnostics)).toBe(true);
    expect(r.diagnostics.find((d) => d.file === 'hunts/bad.yaml' && d.severity === 'error')).toMatchObject({ line: 12, path: ['findings', 0, 'technique'] });
    expect(r.files.filter((f) => f.source === 'hunts/good.yaml').length).toBe(5);
    expect(r.files.some((f) => f.source === 'hunts/bad.yaml')).toBe(false);
    expect(Object.values(r.coverage).flatMap((c) => c.hunts)).toEqual(['hunts/good.yaml']);
  });

  test('two hunts that would share a directory both fail, each naming the other', () => {
    const a = { file: 'hunts/a.yaml', source: hunt('  name: "Same Name"') };
    const b = { file: 'hunts/b.yaml', source: hunt('  name: "same  name!"') };
    const c = { file: 'hunts/c.yaml', source: hunt('  name: "Other"') };
    const r = convertHunts([a, b, c], options);
    const [ra, rb, rc] = r.hunts;
    expect(ra!.files).toEqual([]);
    expect(rb!.files).toEqual([]);
    expect(rc!.files.length).toBeGreaterThan(0);
    expect(ra!.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.message])).toEqual([
      [2, 'this hunt\'s outputs would go to the directory "same-name", like those of hunts/b.yaml: give the hunts different ids or names']
    ]);
    expect(rb!.diagnostics.some((d) => d.severity === 'error' && d.message.includes('hunts/a.yaml'))).toBe(true);
    expect(r.files.every((f) => f.source === 'hunts/c.yaml' || f.source === '*')).toBe(true);
  });

  test('two hunts with one id both fail: their rule ids would collide', () => {
    const r = convertHunts(
      [
        { file: 'a.yaml', source: hunt('  id: H-0007\n  name: "First"') },
        { file: 'b.yaml', source: hunt('  id: H-0007\n  name: "Second"') }
      ],
      options
    );
    for (const h of r.hunts) {
      expect(h.files).toEqual([]);
      expect(h.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ line: 2, path: ['hunt', 'id'] });
    }
  });

  test('hunt names that try to leave the output directory stay contained', () => {
    const names = ['../../etc', '/etc/passwd', '..', 'C:\\\\Windows\\\\System32', 'a/../../b', '💥', '.'];
    const r = convertHunts(
      names.map((name, i) => ({ file: `h${i}.yaml`, source: hunt(`  name: ${JSON.stringify(name)}`) })),
      options
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.files.length).toBeGreaterThan(names.length);
    for (const f of r.files) {
      expect(isContainedRelativePath(f.path)).toBe(true);
      expect(f.path).toMatch(/^[a-z0-9-]+(\/[a-z0-9.-]+)*$|^coverage\.json$/);
    }
  });

  test('two findings with the same technique and log source get two files', () => {
    const r = convertHunts([{ file: 'h.yaml', source: hunt('  name: "Twice"', FINDING + FINDING.replace('powershell.exe', 'pwsh.exe')) }], options);
    const sigma = r.files.filter((f) => f.format === 'sigma').map((f) => f.path);
    expect(sigma).toHaveLength(2);
    expect(sigma[0]).not.toBe(sigma[1]);
    expect(new Set(r.hunts[0]!.rules.map((x) => x.meta.ruleId)).size).toBe(2);
  });

  test('a technique missing from the catalogue converts but is left out of the layer, with a located warning', () => {
    const r = convertHunts([{ file: 'h.yaml', source: hunt('  name: "Future"', FINDING.replace('T1059.001', 'T1999')) }], options);
    expect(hasErrors(r.diagnostics)).toBe(false);
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'warning', line: 11, message: 'left out of the Navigator layer: technique T1999 is not in ATT&CK v18.1' })
    );
    const layer = JSON.parse(r.files.find((f) => f.format === 'navigator')!.content);
    expect(layer.techniques).toEqual([]);
    expect(r.files.filter((f) => f.format === 'sigma')).toHaveLength(1);
  });
});

describe('a KQL flavour without a table for a log source', () => {
  test('Sentinel has no certificate table: the certificate rule keeps its Sigma, SPL and SQL files, loses only its KQL file, with a located warning', () => {
    const aitm = examples.filter((e) => e.file.endsWith('aitm-proxy.yaml'));
    const xdr = convertHunts(aitm, options);
    const sentinel = convertHunts(aitm, { ...options, kqlFlavor: 'sentinel' });
    const certificate = (files: { path: string }[]) => files.map((f) => f.path).filter((p) => p.includes('certificate')).sort();
    expect(certificate(xdr.files).map((p) => p.split('/')[1])).toEqual(['kql', 'sigma', 'spl', 'sql']);
    expect(certificate(sentinel.files)).toEqual(certificate(xdr.files).filter((p) => !p.endsWith('.kql')));
    expect(sentinel.hunts[0]!.rules.map((r) => r.logsourceKey).sort()).toEqual(xdr.hunts[0]!.rules.map((r) => r.logsourceKey).sort());
    const warning = sentinel.diagnostics.find((d) => /no table for certificate logs/.test(d.message));
    expect(warning).toMatchObject({ severity: 'warning', line: 34, column: 15, path: ['findings', 0, 'iocs', 1, 'type'] });
    expect(warning!.message).toContain('get Sigma, SPL and SQL rules but no KQL query');
    // The coverage does not depend on the KQL flavour.
    expect(sentinel.coverage).toEqual(xdr.coverage);
  });
});
