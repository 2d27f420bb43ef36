import fc from 'fast-check';
import { sha256Hex } from '../src/core/ids.js';
import {
  emptyManifest,
  type GeneratedFile,
  type Manifest,
  MANIFEST_FILE,
  parseManifest,
  reconcileOutputs,
  serializeManifest
} from '../src/core/manifest.js';

const gen = (path: string, content: string, source = 'hunts/a.yaml'): GeneratedFile => ({ path, content, source, format: 'sigma' });

function manifestOf(files: Record<string, [content: string, source: string]>): Manifest {
  const m = emptyManifest();
  for (const [path, [content, source]] of Object.entries(files)) m.files[path] = { sha256: sha256Hex(content), source };
  return m;
}

/** A fake directory: reconcile only ever reads through `current`. */
const disk = (files: Record<string, string>) => (path: string) => (Object.hasOwn(files, path) ? files[path] : undefined);

describe('manifest (de)serialisation', () => {
  test('round-trips, with paths sorted and a final newline', () => {
    const m = manifestOf({ 'b/x.yml': ['b', 'hunts/b.yaml'], 'a/x.yml': ['a', 'hunts/a.yaml'], 'coverage.json': ['{}', '*'] });
    const text = serializeManifest(m);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text).files)).toEqual(['a/x.yml', 'b/x.yml', 'coverage.json']);
    const back = parseManifest(text, 'out/.peak-to-sigma-manifest.json');
    expect(back.diagnostics).toEqual([]);
    expect(back.manifest).toEqual(m);
    expect(serializeManifest(back.manifest!)).toBe(text);
  });

  const sha = 'a'.repeat(64);
  test.each([
    ['{not json', /not valid JSON/],
    ['[]', /expected a JSON object/],
    ['{"version":1,"generator":"other","files":{}}', /"generator" must be "peak-to-sigma"/],
    ['{"version":2,"generator":"peak-to-sigma","files":{}}', /unsupported "version" 2/],
    ['{"version":1,"generator":"peak-to-sigma","files":[]}', /"files" must be an object/],
    [`{"version":1,"generator":"peak-to-sigma","files":{"../../etc/passwd":{"sha256":"${sha}","source":"x"}}}`, /not a path inside the output directory/],
    [`{"version":1,"generator":"peak-to-sigma","files":{"/etc/passwd":{"sha256":"${sha}","source":"x"}}}`, /not a path inside/],
    [`{"version":1,"generator":"peak-to-sigma","files":{"a\\\\..\\\\..\\\\b":{"sha256":"${sha}","source":"x"}}}`, /not a path inside/],
    [`{"version":1,"generator":"peak-to-sigma","files":{"${MANIFEST_FILE}":{"sha256":"${sha}","source":"x"}}}`, /not a path inside/],
    ['{"version":1,"generator":"peak-to-sigma","files":{"a.yml":{"sha256":"xyz","source":"x"}}}', /must be \{ "sha256"/],
    [`{"version":1,"generator":"peak-to-sigma","files":{"a.yml":{"sha256":"${sha}"}}}`, /must be \{ "sha256"/]
  ])('a corrupt manifest is a located error, not a crash: %s', (text, message) => {
    const result = parseManifest(text, 'out/m.json');
    expect(result.manifest).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ file: 'out/m.json', line: 1, column: 1, severity: 'error' });
    expect(result.diagnostics[0]!.message).toMatch(/^corrupt manifest: /);
    expect(result.diagnostics[0]!.message).toMatch(message);
  });

  test('property: any text either parses to a manifest of contained paths or gives one error', () => {
    const arbText = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .dictionary(fc.string(), fc.record({ sha256: fc.constantFrom(sha, 'zz'), source: fc.string() }))
        .map((files) => JSON.stringify({ version: 1, generator: 'peak-to-sigma', files }))
    );
    fc.assert(
      fc.property(arbText, (text) => {
        const result = parseManifest(text, 'm.json');
        if (result.manifest) {
          for (const path of Object.keys(result.manifest.files)) {
            expect(path.split('/').every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
            expect(path.startsWith('/') || path.includes('\\')).toBe(false);
          }
        } else {
          expect(result.diagnostics).toHaveLength(1);
        }
      }),
      { numRuns: 200 }
    );
  });
});

describe('reconcileOutputs', () => {
  const planned = [gen('h/sigma/a.yml', 'A\n'), gen('h/kql/a.kql', 'K\n'), gen('coverage.json', '{}\n', '*')];

  test('first run: everything is written and recorded', () => {
    const r = reconcileOutputs(planned, undefined, disk({}), { sources: 'all' }, false);
    expect(r.write.map((f) => f.path)).toEqual(['coverage.json', 'h/kql/a.kql', 'h/sigma/a.yml']);
    expect(r.unchanged).toEqual([]);
    expect(r.delete).toEqual([]);
    expect(r.conflicts).toEqual([]);
    expect(r.manifest).toEqual(manifestOf({ 'h/sigma/a.yml': ['A\n', 'hunts/a.yaml'], 'h/kql/a.kql': ['K\n', 'hunts/a.yaml'], 'coverage.json': ['{}\n', '*'] }));
  });

  test('second run on the written tree: nothing to write, same manifest', () => {
    const first = reconcileOutputs(planned, undefined, disk({}), { sources: 'all' }, false);
    const second = reconcileOutputs(planned, first.manifest, disk({ 'h/sigma/a.yml': 'A\n', 'h/kql/a.kql': 'K\n', 'coverage.json': '{}\n' }), { sources: 'all' }, false);
    expect(second.write).toEqual([]);
    expect(second.unchanged).toEqual(['coverage.json', 'h/kql/a.kql', 'h/sigma/a.yml']);
    expect(serializeManifest(second.manifest)).toBe(serializeManifest(first.manifest));
  });

  test('a changed output over an untouched file is rewritten', () => {
    const m = manifestOf({ 'h/sigma/a.yml': ['old\n', 'hunts/a.yaml'] });
    const r = reconcileOutputs([gen('h/sigma/a.yml', 'new\n')], m, disk({ 'h/sigma/a.yml': 'old\n' }), { sources: 'all' }, false);
    expect(r.write.map((f) => f.path)).toEqual(['h/sigma/a.yml']);
    expect(r.conflicts).toEqual([]);
    expect(r.manifest.files['h/sigma/a.yml']!.sha256).toBe(sha256Hex('new\n'));
  });

  test('a hand-edited file is a conflict and keeps its old manifest entry; force overwrites and still reports it', () => {
    const m = manifestOf({ 'h/sigma/a.yml': ['old\n', 'hunts/a.yaml'] });
    const current = disk({ 'h/sigma/a.yml': 'old\n# tuned by hand\n' });
    const r = reconcileOutputs([gen('h/sigma/a.yml', 'new\n')], m, current, { sources: 'all' }, false);
    expect(r.write).toEqual([]);
    expect(r.conflicts).toEqual([{ path: 'h/sigma/a.yml', reason: 'edited by hand since peak-to-sigma wrote it' }]);
    expect(r.manifest.files['h/sigma/a.yml']).toEqual(m.files['h/sigma/a.yml']);
    const forced = reconcileOutputs([gen('h/sigma/a.yml', 'new\n')], m, current, { sources: 'all' }, true);
    expect(forced.write.map((f) => f.path)).toEqual(['h/sigma/a.yml']);
    expect(forced.conflicts).toHaveLength(1);
    expect(forced.manifest.files['h/sigma/a.yml']!.sha256).toBe(sha256Hex('new\n'));
  });

  test('a file the tool never wrote is a conflict unless it already holds exactly the output', () => {
    const r = reconcileOutputs([gen('h/sigma/a.yml', 'A\n'), gen('h/kql/a.kql', 'K\n')], undefined, disk({ 'h/sigma/a.yml': 'mine\n', 'h/kql/a.kql': 'K\n' }), { sources: 'all' }, false);
    expect(r.conflicts).toEqual([{ path: 'h/sigma/a.yml', reason: 'exists but was not written by peak-to-sigma' }]);
    expect(r.unchanged).toEqual(['h/kql/a.kql']);
    expect(Object.keys(r.manifest.files)).toEqual(['h/kql/a.kql']);
  });

  test('stale outputs: untouched ones are deleted, edited ones are conflicts, vanished ones are forgotten', () => {
    const m = manifestOf({
      'h/sigma/a.yml': ['A\n', 'hunts/a.yaml'],
      'h/sigma/gone.yml': ['G\n', 'hunts/a.yaml'],
      'h/sigma/edited.yml': ['E\n', 'hunts/a.yaml'],
      'h/sigma/vanished.yml': ['V\n', 'hunts/a.yaml']
    });
    const current = disk({ 'h/sigma/a.yml': 'A\n', 'h/sigma/gone.yml': 'G\n', 'h/sigma/edited.yml': 'E2\n', 'notes.md': 'mine' });
    const r = reconcileOutputs([gen('h/sigma/a.yml', 'A\n')], m, current, { sources: 'all' }, false);
    expect(r.delete).toEqual(['h/sigma/gone.yml']);
    expect(r.conflicts).toEqual([{ path: 'h/sigma/edited.yml', reason: 'stale output edited by hand since peak-to-sigma wrote it' }]);
    expect(Object.keys(r.manifest.files).sort()).toEqual(['h/sigma/a.yml', 'h/sigma/edited.yml']);
    const forced = reconcileOutputs([gen('h/sigma/a.yml', 'A\n')], m, current, { sources: 'all' }, true);
    expect(forced.delete).toEqual(['h/sigma/edited.yml', 'h/sigma/gone.yml']);
    expect(Object.keys(forced.manifest.files)).toEqual(['h/sigma/a.yml']);
  });

  test('outputs of hunts outside the scope, or kept, are neither deleted nor forgotten', () => {
    const m = manifestOf({ 'a/x.yml': ['A\n', 'hunts/a.yaml'], 'b/x.yml': ['B\n', 'hunts/b.yaml'], 'c/x.yml': ['C\n', 'hunts/c.yaml'] });
    const current = disk({ 'a/x.yml': 'A\n', 'b/x.yml': 'B\n', 'c/x.yml': 'C\n' });
    const scoped = reconcileOutputs([], m, current, { sources: ['hunts/a.yaml'] }, false);
    expect(scoped.delete).toEqual(['a/x.yml']);
    expect(Object.keys(scoped.manifest.files)).toEqual(['b/x.yml', 'c/x.yml']);
    const kept = reconcileOutputs([], m, current, { sources: 'all', keep: ['hunts/b.yaml'] }, false);
    expect(kept.delete).toEqual(['a/x.yml', 'c/x.yml']);
    expect(Object.keys(kept.manifest.files)).toEqual(['b/x.yml']);
  });

  test('planning a path outside the output directory, the manifest itself, or one path twice is a bug and throws', () => {
    for (const path of ['../../etc/passwd', '/etc/passwd', 'a/../../b', 'a\\b', '', MANIFEST_FILE]) {
      expect(() => reconcileOutputs([gen(path, 'x')], undefined, disk({}), { sources: 'all' }, false)).toThrow(/not a file inside the output directory/);
    }
    expect(() => reconcileOutputs([gen('a.yml', 'x'), gen('a.yml', 'y')], undefined, disk({}), { sources: 'all' }, false)).toThrow(/same path/);
  });
});

test('sha256Hex is SHA-256 of the UTF-8 text (FIPS 180 vector; non-ASCII as createHash gives it)', async () => {
  const { createHash } = await import('node:crypto');
  expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  for (const text of ['', 'é', '😀\n', 'a'.repeat(100_000)]) expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
});
