import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type GeneratedFile, MANIFEST_FILE } from '../src/core/manifest.js';
import { writeOutputs } from '../src/shell/output-writer.js';

let base: string;
let out: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'p2s-writer-'));
  out = join(base, 'out');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const gen = (path: string, content: string, source = 'hunts/a.yaml'): GeneratedFile => ({ path, content, source, format: 'sigma' });

/** Everything under `dir`, without following links: path → content, `dir/` or `-> target`. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const a = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(a);
      if (st.isSymbolicLink()) result[r] = `-> ${readlinkSync(a)}`;
      else if (st.isDirectory()) {
        result[`${r}/`] = 'dir';
        walk(a, r);
      } else result[r] = readFileSync(a, 'utf8');
    }
  };
  walk(dir, '');
  return result;
}

function mtimes(dir: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const path of Object.keys(snapshot(dir))) if (!path.endsWith('/')) result[path] = statSync(join(dir, path)).mtimeMs;
  return result;
}

function put(path: string, content: string) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), content);
}

const planned = [gen('h1/sigma/a.yml', 'A\n'), gen('h1/kql/a.kql', 'K\n'), gen('h2/sigma/b.yml', 'B\n', 'hunts/b.yaml'), gen('coverage.json', '{}\n', '*')];
const write = (files: GeneratedFile[], force = false, scope: { sources: string[] | 'all'; keep?: string[] } = { sources: 'all' }) =>
  writeOutputs({ outDir: out, planned: files, scope, force });

describe('writeOutputs', () => {
  test('first run writes every file and the manifest, and leaves no temp files', () => {
    const r = write(planned);
    expect(r).toMatchObject({ applied: true, unchanged: [], deleted: [], conflicts: [], diagnostics: [] });
    expect(r.written).toEqual(['coverage.json', 'h1/kql/a.kql', 'h1/sigma/a.yml', 'h2/sigma/b.yml']);
    const tree = snapshot(out);
    expect(tree['h1/sigma/a.yml']).toBe('A\n');
    expect(Object.keys(tree).filter((p) => p.endsWith('.tmp'))).toEqual([]);
    const manifest = JSON.parse(tree[MANIFEST_FILE]!);
    expect(Object.keys(manifest.files)).toEqual(['coverage.json', 'h1/kql/a.kql', 'h1/sigma/a.yml', 'h2/sigma/b.yml']);
    expect(manifest.files['h2/sigma/b.yml'].source).toBe('hunts/b.yaml');
  });

  test('second run is idempotent: nothing written, tree byte-identical, no file touched', async () => {
    write(planned);
    const before = snapshot(out);
    const times = mtimes(out);
    await new Promise((r) => setTimeout(r, 20));
    const r = write(planned);
    expect(r.written).toEqual([]);
    expect(r.deleted).toEqual([]);
    expect(r.unchanged).toHaveLength(planned.length);
    expect(snapshot(out)).toEqual(before);
    expect(mtimes(out)).toEqual(times);
  });

  test('stale outputs are deleted with their empty directories; files the tool never wrote stay', () => {
    write(planned);
    put('h2/sigma/notes.md', 'my notes');
    put('README.md', 'mine');
    const r = write([gen('h1/sigma/a.yml', 'A\n'), gen('coverage.json', '{}\n', '*')]);
    expect(r.deleted).toEqual(['h1/kql/a.kql', 'h2/sigma/b.yml']);
    const tree = snapshot(out);
    expect(tree['h1/kql/']).toBeUndefined();
    expect(tree['h2/sigma/notes.md']).toBe('my notes');
    expect(tree['README.md']).toBe('mine');
    expect(Object.keys(JSON.parse(tree[MANIFEST_FILE]!).files)).toEqual(['coverage.json', 'h1/sigma/a.yml']);
  });

  test('a hand-edited file is a conflict: nothing at all is written or deleted; --force overwrites', () => {
    write(planned);
    put('h1/sigma/a.yml', 'A\n# tuned by an analyst\n');
    const before = snapshot(out);
    const next = [gen('h1/sigma/a.yml', 'A2\n'), gen('h1/kql/a.kql', 'K2\n'), gen('h3/sigma/new.yml', 'N\n', 'hunts/c.yaml'), gen('coverage.json', '{ }\n', '*')];
    const r = write(next);
    expect(r.applied).toBe(false);
    expect(r.conflicts).toEqual([{ path: 'h1/sigma/a.yml', reason: 'edited by hand since peak-to-sigma wrote it' }]);
    expect(r.written).toEqual([]);
    expect(snapshot(out)).toEqual(before);

    const forced = write(next, true);
    expect(forced.applied).toBe(true);
    expect(forced.conflicts).toHaveLength(1);
    expect(forced.written).toEqual(['coverage.json', 'h1/kql/a.kql', 'h1/sigma/a.yml', 'h3/sigma/new.yml']);
    expect(forced.deleted).toEqual(['h2/sigma/b.yml']);
    expect(readFileSync(join(out, 'h1/sigma/a.yml'), 'utf8')).toBe('A2\n');
  });

  test('a file at a planned path that the tool never wrote is a conflict', () => {
    put('h1/sigma/a.yml', 'written by a person');
    const r = write(planned);
    expect(r.applied).toBe(false);
    expect(r.conflicts).toEqual([{ path: 'h1/sigma/a.yml', reason: 'exists but was not written by peak-to-sigma' }]);
    expect(snapshot(out)).toEqual({ 'h1/': 'dir', 'h1/sigma/': 'dir', 'h1/sigma/a.yml': 'written by a person' });
  });

  test('a symlink inside the output directory is never followed, even with --force', () => {
    const elsewhere = join(base, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'a.yml'), 'outside');
    mkdirSync(join(out, 'h1'), { recursive: true });
    symlinkSync(elsewhere, join(out, 'h1', 'sigma'));
    const before = snapshot(base);
    const r = write(planned, true);
    expect(r.applied).toBe(false);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['"h1/sigma" is a symbolic link; refusing to read or write through it']);
    expect(snapshot(base)).toEqual(before);
  });

  test('a symlinked file at a planned path is refused too', () => {
    writeFileSync(join(base, 'target'), 'outside');
    mkdirSync(join(out, 'h1', 'kql'), { recursive: true });
    symlinkSync(join(base, 'target'), join(out, 'h1', 'kql', 'a.kql'));
    const r = write(planned, true);
    expect(r.applied).toBe(false);
    expect(r.diagnostics[0]!.message).toMatch(/"h1\/kql\/a.kql" is a symbolic link/);
    expect(readFileSync(join(base, 'target'), 'utf8')).toBe('outside');
  });

  test('stale files are not deleted through a symlink either', () => {
    write(planned);
    const elsewhere = join(base, 'elsewhere');
    mkdirSync(join(elsewhere, 'sigma'), { recursive: true });
    writeFileSync(join(elsewhere, 'sigma', 'b.yml'), 'B\n');
    rmSync(join(out, 'h2'), { recursive: true });
    symlinkSync(elsewhere, join(out, 'h2'));
    const r = write([gen('h1/sigma/a.yml', 'A\n')]);
    expect(r.applied).toBe(false);
    expect(r.diagnostics[0]!.message).toMatch(/"h2" is a symbolic link/);
    expect(readFileSync(join(elsewhere, 'sigma', 'b.yml'), 'utf8')).toBe('B\n');
  });

  test('a file where a directory must go is an error, not a crash', () => {
    put('h1', 'a file named like a hunt directory');
    const r = write(planned);
    expect(r.applied).toBe(false);
    expect(r.diagnostics[0]!.message).toMatch(/"h1" is in the way/);
  });

  test('an output directory that is a file is an error', () => {
    mkdirSync(base, { recursive: true });
    writeFileSync(out, 'x');
    const r = write(planned);
    expect(r.applied).toBe(false);
    expect(r.diagnostics[0]!.message).toBe('the output directory exists but is not a directory');
  });

  test('a corrupt manifest stops the run with a clear message; --force rebuilds it', () => {
    write(planned);
    writeFileSync(join(out, MANIFEST_FILE), '{"version":1,"generator":"peak-to-sigma","files":{"../../victim":{"sha256":"' + '0'.repeat(64) + '","source":"*"}}}');
    const before = snapshot(out);
    const r = write(planned.slice(0, 1));
    expect(r.applied).toBe(false);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', file: join(out, MANIFEST_FILE), line: 1, column: 1 });
    expect(r.diagnostics[0]!.message).toMatch(/^corrupt manifest: entry "..\/..\/victim" is not a path inside the output directory; .*--force/);
    expect(snapshot(out)).toEqual(before);

    const forced = write(planned.slice(0, 1), true);
    expect(forced.applied).toBe(true);
    expect(forced.diagnostics[0]!.severity).toBe('warning');
    // Without a trustworthy manifest nothing is known to be stale: the other outputs stay.
    expect(forced.deleted).toEqual([]);
    expect(snapshot(out)['h2/sigma/b.yml']).toBe('B\n');
    expect(Object.keys(JSON.parse(readFileSync(join(out, MANIFEST_FILE), 'utf8')).files)).toEqual(['h1/sigma/a.yml']);
  });

  test('only the scope is cleaned: outputs of other hunts and kept hunts survive', () => {
    write(planned);
    const r = write([gen('h1/sigma/a.yml', 'A\n')], false, { sources: ['hunts/a.yaml'] });
    expect(r.deleted).toEqual(['h1/kql/a.kql']);
    expect(snapshot(out)['h2/sigma/b.yml']).toBe('B\n');
    const kept = write([], false, { sources: 'all', keep: ['hunts/b.yaml'] });
    expect(kept.deleted).toEqual(['coverage.json', 'h1/sigma/a.yml']);
    expect(Object.keys(snapshot(out)).filter((p) => !p.endsWith('/'))).toEqual(['.peak-to-sigma-manifest.json', 'h2/sigma/b.yml']);
  });
});
