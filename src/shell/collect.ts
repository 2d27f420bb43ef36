import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { huntSizeDiagnostic, MAX_HUNT_REPORT_BYTES } from '../core/hunt/parse.js';

/**
 * Expand command-line arguments (files, directories, globs) into hunt report files and read them.
 * Never throws: every problem is a Diagnostic at `<path>:1:1`. Names are kept as the user wrote
 * them (relative to cwd, POSIX separators), because they end up in messages and annotations.
 */

export interface CollectedFile {
  file: string;
  bytes: Uint8Array;
}

export const HUNT_FILE_PATTERN = /\.(?:ya?ml|json)$/i;
const GLOB_MAGIC = /[*?[{]/;

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function problem(file: string, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { file, line: 1, column: 1, severity, message, path: [] };
}

function errorMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
}

/** Skipped while walking directories: hidden entries (.git, .github caches) and dependencies. */
function skippedEntry(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/** Every regular file below `dir` (relative POSIX paths, sorted by code point), not following symlinked directories. */
async function listFiles(dir: string, diagnostics: Diagnostic[], shown: string): Promise<string[]> {
  const out: string[] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch (err) {
      diagnostics.push(problem(rel ? `${shown}/${rel}` : shown, `directory ${errorMessage(err)}`));
      continue;
    }
    for (const entry of entries) {
      if (skippedEntry(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) pending.push(child);
      else if (entry.isFile()) out.push(child);
      else if (entry.isSymbolicLink()) {
        const target = await stat(path.join(dir, child)).catch(() => undefined);
        if (target?.isFile()) out.push(child);
      }
    }
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A glob as a regular expression over POSIX relative paths: `*`, `?`, `**`, `[...]`, `{a,b}`. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const atStart = i === 0 || pattern[i - 1] === '/';
        const atEnd = i + 2 === pattern.length || pattern[i + 2] === '/';
        if (atStart && atEnd) {
          re += i + 2 === pattern.length ? '.*' : '(?:[^/]+/)*';
          i += pattern[i + 2] === '/' ? 2 : 1;
          continue;
        }
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|\\{}\]]/g, '\\$&');
  }
  return new RegExp(`^${re}${')'.repeat(braces)}$`);
}

async function expandGlob(pattern: string, cwd: string, diagnostics: Diagnostic[]): Promise<string[]> {
  const segments = toPosix(pattern).split('/');
  const firstMagic = segments.findIndex((s) => GLOB_MAGIC.test(s));
  const prefix = segments.slice(0, firstMagic).join('/');
  const rest = segments.slice(firstMagic).join('/');
  const base = path.resolve(cwd, prefix || '.');
  const info = await stat(base).catch(() => undefined);
  if (!info?.isDirectory()) return [];
  const matcher = globToRegExp(rest);
  const files = await listFiles(base, diagnostics, prefix || '.');
  return files.filter((f) => matcher.test(f)).map((f) => (prefix ? `${prefix}/${f}` : f));
}

async function readHuntFile(absolute: string, shown: string): Promise<CollectedFile | Diagnostic> {
  let handle;
  try {
    handle = await open(absolute, 'r');
    const info = await handle.stat();
    if (!info.isFile()) return problem(shown, 'not a regular file');
    if (info.size > MAX_HUNT_REPORT_BYTES) return huntSizeDiagnostic(shown, info.size);
    return { file: shown, bytes: new Uint8Array(await handle.readFile()) };
  } catch (err) {
    return problem(shown, errorMessage(err));
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

const READ_BATCH = 32;

/**
 * Files are taken as named (whatever their extension). Directories are searched recursively for
 * `*.yml`, `*.yaml` and `*.json`, skipping hidden entries and node_modules. Globs match files only,
 * relative to `cwd`. A file reached twice is read once.
 */
export async function collectHuntFiles(patterns: string[], cwd: string): Promise<{ files: CollectedFile[]; diagnostics: Diagnostic[] }> {
  const files: CollectedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();

  /** Reads files in batches (each read is several thread-pool round trips); order and de-duplication follow the list. */
  const addAll = async (shownList: readonly string[]): Promise<void> => {
    for (let i = 0; i < shownList.length; i += READ_BATCH) {
      const batch = shownList.slice(i, i + READ_BATCH).map((shown) => ({ shown, absolute: path.resolve(cwd, shown) }));
      const identities = await Promise.all(batch.map(({ absolute }) => realpath(absolute).catch(() => absolute)));
      const fresh = batch.filter((_, k) => {
        const identity = identities[k]!;
        if (seen.has(identity)) return false;
        seen.add(identity);
        return true;
      });
      for (const result of await Promise.all(fresh.map(({ shown, absolute }) => readHuntFile(absolute, shown)))) {
        if ('bytes' in result) files.push(result);
        else diagnostics.push(result);
      }
    }
  };

  for (const pattern of patterns) {
    const shown = toPosix(path.normalize(pattern)).replace(/(.)\/$/, '$1');
    if (GLOB_MAGIC.test(pattern)) {
      const info = await stat(path.resolve(cwd, pattern)).catch(() => undefined);
      if (!info) {
        const matches = await expandGlob(shown, cwd, diagnostics);
        if (matches.length === 0) diagnostics.push(problem(shown, 'no files match this pattern', 'warning'));
        await addAll(matches);
        continue;
      }
    }
    let info;
    try {
      info = await stat(path.resolve(cwd, pattern));
    } catch (err) {
      diagnostics.push(problem(shown, errorMessage(err)));
      continue;
    }
    if (info.isDirectory()) {
      const found = (await listFiles(path.resolve(cwd, pattern), diagnostics, shown)).filter((f) => HUNT_FILE_PATTERN.test(f));
      if (found.length === 0) diagnostics.push(problem(shown, 'directory contains no hunt reports (*.yml, *.yaml, *.json)', 'warning'));
      await addAll(found.map((f) => (shown === '.' ? f : `${shown}/${f}`)));
    } else if (info.isFile()) {
      await addAll([shown]);
    } else {
      diagnostics.push(problem(shown, 'not a regular file or directory'));
    }
  }
  return { files, diagnostics };
}
