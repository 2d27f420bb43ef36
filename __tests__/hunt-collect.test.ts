import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { collectHuntFiles, globToRegExp } from '../src/shell/collect.js';

let root: string;

function write(rel: string, content: string | Uint8Array = 'x: 1\n'): void {
  const full = path.join(root, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'p2s-collect-'));
  write('hunts/b.yaml');
  write('hunts/a.yml');
  write('hunts/nested/c.json');
  write('hunts/nested/deeper/d.YAML');
  write('hunts/notes.md', '# not a hunt');
  write('hunts/.drafts/hidden.yaml');
  write('hunts/node_modules/pkg/x.yaml');
  write('other/e.yaml');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const names = (r: Awaited<ReturnType<typeof collectHuntFiles>>) => r.files.map((f) => f.file);

describe('collectHuntFiles', () => {
  test('a directory is searched recursively for hunt files, sorted, skipping hidden entries and node_modules', async () => {
    const result = await collectHuntFiles(['hunts'], root);
    expect(names(result)).toEqual(['hunts/a.yml', 'hunts/b.yaml', 'hunts/nested/c.json', 'hunts/nested/deeper/d.YAML']);
    expect(result.diagnostics).toEqual([]);
    expect(new TextDecoder().decode(result.files[0]!.bytes)).toBe('x: 1\n');
  });

  test('paths are shown as given, relative to cwd, normalised', async () => {
    expect(names(await collectHuntFiles(['./hunts/', 'other/../other/e.yaml'], root))).toEqual([
      'hunts/a.yml',
      'hunts/b.yaml',
      'hunts/nested/c.json',
      'hunts/nested/deeper/d.YAML',
      'other/e.yaml'
    ]);
    expect(names(await collectHuntFiles(['e.yaml'], path.join(root, 'other')))).toEqual(['e.yaml']);
    expect(names(await collectHuntFiles([path.join(root, 'other')], '/'))).toEqual([`${path.join(root, 'other')}/e.yaml`]);
  });

  test('a file named explicitly is taken whatever its extension, and read once', async () => {
    const result = await collectHuntFiles(['hunts/notes.md', 'hunts', 'hunts/a.yml'], root);
    expect(names(result)).toEqual(['hunts/notes.md', 'hunts/a.yml', 'hunts/b.yaml', 'hunts/nested/c.json', 'hunts/nested/deeper/d.YAML']);
  });

  test('a missing path is an error at <path>:1:1; the others are still collected', async () => {
    const result = await collectHuntFiles(['missing.yaml', 'other'], root);
    expect(result.diagnostics).toEqual([{ file: 'missing.yaml', line: 1, column: 1, severity: 'error', message: 'no such file or directory', path: [] }]);
    expect(names(result)).toEqual(['other/e.yaml']);
  });

  test('a directory without hunt files is a warning', async () => {
    mkdirSync(path.join(root, 'empty'));
    const result = await collectHuntFiles(['empty'], root);
    expect(result.diagnostics).toEqual([
      { file: 'empty', line: 1, column: 1, severity: 'warning', message: 'directory contains no hunt reports (*.yml, *.yaml, *.json)', path: [] }
    ]);
  });

  test('globs: *, **, ?, [..] and {a,b}, relative to cwd, files only', async () => {
    expect(names(await collectHuntFiles(['hunts/*.yaml'], root))).toEqual(['hunts/b.yaml']);
    expect(names(await collectHuntFiles(['hunts/**/*.{yml,json}'], root))).toEqual(['hunts/a.yml', 'hunts/nested/c.json']);
    expect(names(await collectHuntFiles(['**/?.yaml'], root))).toEqual(['hunts/b.yaml', 'other/e.yaml']);
    expect(names(await collectHuntFiles(['hunts/[ab].y*'], root))).toEqual(['hunts/a.yml', 'hunts/b.yaml']);
    expect(names(await collectHuntFiles(['hunts/**'], root))).toEqual(['hunts/a.yml', 'hunts/b.yaml', 'hunts/nested/c.json', 'hunts/nested/deeper/d.YAML', 'hunts/notes.md']);
  });

  test('a glob that matches nothing is a warning', async () => {
    const result = await collectHuntFiles(['hunts/*.toml'], root);
    expect(result.files).toEqual([]);
    expect(result.diagnostics).toEqual([{ file: 'hunts/*.toml', line: 1, column: 1, severity: 'warning', message: 'no files match this pattern', path: [] }]);
  });

  test('a file whose name contains glob characters is taken literally', async () => {
    write('hunts/[draft].yaml');
    expect(names(await collectHuntFiles(['hunts/[draft].yaml'], root))).toEqual(['hunts/[draft].yaml']);
  });

  test('a 10 MB file is refused from its size, without being read', async () => {
    write('big.yaml', new Uint8Array(10 * 1024 * 1024).fill(0x61));
    const result = await collectHuntFiles(['big.yaml'], root);
    expect(result.files).toEqual([]);
    expect(result.diagnostics).toEqual([
      { file: 'big.yaml', line: 1, column: 1, severity: 'error', message: 'hunt reports are limited to 1 MiB; this file is 10.0 MiB', path: [] }
    ]);
  });

  test('symlinked files are followed, symlinked directories are not (no cycles)', async () => {
    symlinkSync(path.join(root, 'other/e.yaml'), path.join(root, 'hunts/link.yaml'));
    symlinkSync(path.join(root, 'hunts'), path.join(root, 'hunts/nested/loop'));
    const result = await collectHuntFiles(['hunts'], root);
    expect(names(result)).toEqual(['hunts/a.yml', 'hunts/b.yaml', 'hunts/link.yaml', 'hunts/nested/c.json', 'hunts/nested/deeper/d.YAML']);
  });

  test('globToRegExp', () => {
    expect(globToRegExp('**/*.yaml').test('a/b/c.yaml')).toBe(true);
    expect(globToRegExp('**/*.yaml').test('c.yaml')).toBe(true);
    expect(globToRegExp('*.yaml').test('a/c.yaml')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('[!a]*').test('abc')).toBe(false);
    expect(globToRegExp('x/**/y').test('x/y')).toBe(true);
    expect(globToRegExp('x/**/y').test('x/1/2/y')).toBe(true);
  });
});
