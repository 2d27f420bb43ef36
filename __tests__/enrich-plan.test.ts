import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertHunts, type HuntInput } from '../src/core/convert.js';
import { DATA_CLOSE, DATA_OPEN } from '../src/core/enrichment.js';
import { hasErrors } from '../src/core/diagnostics.js';
import { DEFAULT_STATUS_MAP, OUTPUT_FORMATS } from '../src/core/model.js';
import { type EnrichConfig, planEnrichment, resolveEnrichConfig } from '../src/enrich/index.js';
import { writeOutputs } from '../src/shell/output-writer.js';
import { PLAIN_ANSWER } from './support/enrich-fixtures.js';
import { FakeLlm } from './support/fake-llm.js';

/** The whole convert step with enrichment: the example hunts, the real pipeline, the real writer, a fake provider. */

const EXAMPLES = 'examples/hunts';
const KEY = 'sk-test-plan-0123456789';
let fake: FakeLlm;
let dir: string;

beforeEach(async () => {
  fake = await FakeLlm.start(KEY);
  fake.answer = PLAIN_ANSWER;
  dir = mkdtempSync(join(tmpdir(), 'p2s-enrich-'));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function exampleInputs(): HuntInput[] {
  return readdirSync(EXAMPLES)
    .sort()
    .map((name) => ({ file: `${EXAMPLES}/${name}`, source: readFileSync(join(EXAMPLES, name)) }));
}

function config(overrides: Partial<EnrichConfig> = {}): EnrichConfig {
  const setup = resolveEnrichConfig({ provider: 'openai', apiKey: KEY, baseUrl: `${fake.baseUrl}/v1` });
  if (!setup.ok || !setup.config) throw new Error('bad config');
  return { ...setup.config, ...overrides };
}

/** One convert run as the CLI and the action do it: convert, plan enrichment, write. */
async function convertRun(inputs: HuntInput[], enrich: EnrichConfig | undefined) {
  const conversion = convertHunts(inputs, { formats: [...OUTPUT_FORMATS], statusMap: DEFAULT_STATUS_MAP, kqlFlavor: 'xdr', lookbackDays: 7 });
  const plan = await planEnrichment({ hunts: conversion.hunts, outDir: 'out', cwd: dir, config: enrich });
  const written = writeOutputs({ outDir: 'out', cwd: dir, planned: [...conversion.files, ...plan.files], scope: { sources: 'all' }, force: false });
  return { conversion, plan, written };
}

const enrichmentPaths = (paths: string[]) => paths.filter((p) => p.endsWith('/enrichment.md')).sort();

test('first run writes enrichment.md per hunt; an unchanged rerun asks nothing; turning enrichment off keeps the files', async () => {
  const inputs = exampleInputs();
  const first = await convertRun(inputs, config());
  const converted = first.conversion.hunts.filter((h) => h.slug && !hasErrors(h.diagnostics));
  expect(converted.length).toBeGreaterThanOrEqual(5);
  expect(first.plan.warnings).toEqual([]);
  expect(fake.requests).toHaveLength(converted.length);
  expect(first.written.applied).toBe(true);
  const paths = enrichmentPaths(first.written.written);
  expect(paths).toEqual(converted.map((h) => `${h.slug}/enrichment.md`).sort());

  // Each request carried its own hunt and the rules really planned for it.
  const asked = fake.requests.map((r) => {
    const user: string = r.body.messages[1].content;
    return JSON.parse(user.slice(user.indexOf(DATA_OPEN) + DATA_OPEN.length, user.indexOf(DATA_CLOSE)));
  });
  for (const hunt of converted) {
    const data = asked.find((d) => d.hunt.name === hunt.report!.hunt.name);
    expect(data).toBeDefined();
    expect(data.generated_rules).toHaveLength(hunt.rules.length);
  }

  const manifest = JSON.parse(readFileSync(join(dir, 'out/.peak-to-sigma-manifest.json'), 'utf8'));
  for (const hunt of converted) expect(manifest.files[`${hunt.slug}/enrichment.md`].source).toBe(hunt.file);
  const md = readFileSync(join(dir, 'out', paths[0]!), 'utf8');
  expect(md.split('\n')[0]).toMatch(/^<!-- peak-to-sigma:enrichment sha256=[0-9a-f]{64} model=gpt-5\.5 -->$/);
  expect(first.plan.section).toContain(`: ${converted.length} of ${converted.length} hunt(s)</summary>`);

  const second = await convertRun(inputs, config());
  expect(fake.requests).toHaveLength(converted.length);
  expect(second.plan.run!.results.every((r) => r.cached)).toBe(true);
  expect(second.written.written).toEqual([]);
  expect(enrichmentPaths(second.written.unchanged)).toEqual(paths);

  const off = await convertRun(inputs, undefined);
  expect(off.plan.section).toBe('');
  expect(off.written.deleted).toEqual([]);
  expect(enrichmentPaths(off.written.unchanged)).toEqual(paths);
  expect(fake.requests).toHaveLength(converted.length);
});

test('only a changed hunt is asked again; a failing provider keeps the old file; a removed hunt loses its file', async () => {
  const inputs = exampleInputs();
  await convertRun(inputs, config());
  const asked = fake.requests.length;

  const aitm = inputs.findIndex((i) => i.file.endsWith('aitm-proxy.yaml'));
  const changedSource = readFileSync(inputs[aitm]!.file, 'utf8').replace('poisoned SSL sessions.', 'poisoned SSL sessions, then quarantined.');
  expect(changedSource).toContain('then quarantined');
  const changed = inputs.map((input, i) => (i === aitm ? { ...input, source: changedSource } : input));
  const rerun = await convertRun(changed, config());
  expect(fake.requests).toHaveLength(asked + 1);
  expect(rerun.plan.run!.results.filter((r) => !r.cached).map((r) => r.slug)).toEqual(['aitm-proxy-detection-infostealer-delivery']);
  expect(enrichmentPaths(rerun.written.written)).toEqual(['aitm-proxy-detection-infostealer-delivery/enrichment.md']);
  const kept = readFileSync(join(dir, 'out/aitm-proxy-detection-infostealer-delivery/enrichment.md'), 'utf8');

  const changedAgain = changed.map((input, i) => (i === aitm ? { ...input, source: changedSource.replace('then quarantined', 'then deleted') } : input));
  const failing = await convertRun(changedAgain, config({ apiKey: 'sk-wrong-key-000000' }));
  expect(failing.plan.warnings).toHaveLength(1);
  expect(failing.plan.warnings[0]).toMatch(/^enrichment of aitm-proxy-detection-infostealer-delivery skipped: OpenAI refused the request \(HTTP 401\): check the API key/);
  expect(failing.plan.warnings[0]).not.toContain('sk-wrong');
  expect(failing.written.applied).toBe(true);
  expect(readFileSync(join(dir, 'out/aitm-proxy-detection-infostealer-delivery/enrichment.md'), 'utf8')).toBe(kept);

  const conversion = convertHunts(changed, { formats: [...OUTPUT_FORMATS], statusMap: DEFAULT_STATUS_MAP, kqlFlavor: 'xdr', lookbackDays: 7 });
  const small = await planEnrichment({ hunts: conversion.hunts, outDir: 'out', cwd: dir, config: config(), sectionMaxChars: 3000 });
  expect(small.section.length).toBeLessThanOrEqual(3000);
  expect(small.section).toMatch(/more hunt\(s\) left out/);

  const withoutAitm = await convertRun(
    inputs.filter((_, i) => i !== aitm),
    config()
  );
  expect(withoutAitm.written.deleted).toContain('aitm-proxy-detection-infostealer-delivery/enrichment.md');
});

test('an enrichment.md that is a symlink is never read', async () => {
  const inputs = exampleInputs().filter((i) => i.file.endsWith('aitm-proxy.yaml'));
  await convertRun(inputs, config());
  const path = join(dir, 'out/aitm-proxy-detection-infostealer-delivery/enrichment.md');
  const real = join(dir, 'elsewhere.md');
  writeFileSync(real, readFileSync(path));
  rmSync(path);
  symlinkSync(real, path);
  const conversion = convertHunts(inputs, { formats: [...OUTPUT_FORMATS], statusMap: DEFAULT_STATUS_MAP, kqlFlavor: 'xdr', lookbackDays: 7 });
  const plan = await planEnrichment({ hunts: conversion.hunts, outDir: 'out', cwd: dir, config: config() });
  expect(plan.run!.results[0]!.cached).toBe(false);
  expect(fake.requests).toHaveLength(2);
});
