import type { Diagnostic } from './diagnostics.js';
import { sha256Hex } from './ids.js';
import type { OutputFile, OutputFormat } from './model.js';
import { isContainedRelativePath } from './paths.js';

/**
 * The manifest records every file the tool wrote into an output directory, with its content hash
 * and the hunt it came from. It is how a run knows which files are its own: stale ones it may
 * delete, hand-edited ones it must not overwrite, and files it never wrote it leaves alone.
 */

export const MANIFEST_FILE = '.peak-to-sigma-manifest.json';
export const MANIFEST_GENERATOR = 'peak-to-sigma';
/** The `source` of outputs that belong to no single hunt (`coverage.json`). */
export const ALL_HUNTS_SOURCE = '*';

export interface ManifestEntry {
  sha256: string;
  /** The hunt file the output came from, or `*` for aggregates. */
  source: string;
}

export interface Manifest {
  version: 1;
  generator: typeof MANIFEST_GENERATOR;
  files: Record<string, ManifestEntry>;
}

/** A file the core wants written, with the hunt it belongs to (manifest `source`). */
export interface GeneratedFile extends OutputFile {
  /** Hunt file, or `*` for `coverage.json`. */
  source: string;
  format: OutputFormat | 'coverage' | 'enrichment';
}

export function emptyManifest(): Manifest {
  return { version: 1, generator: MANIFEST_GENERATOR, files: {} };
}

/** 2-space JSON, paths sorted, final newline: a re-run rewrites the same bytes. */
export function serializeManifest(manifest: Manifest): string {
  const files: Record<string, ManifestEntry> = {};
  for (const path of Object.keys(manifest.files).sort(comparePaths)) {
    const entry = manifest.files[path]!;
    files[path] = { sha256: entry.sha256, source: entry.source };
  }
  return `${JSON.stringify({ version: manifest.version, generator: manifest.generator, files }, null, 2)}\n`;
}

/**
 * Reads a manifest back. Anything unexpected is an error, never a crash: a manifest decides what
 * gets deleted, so an entry whose path leaves the output directory is refused outright.
 */
export function parseManifest(text: string, file: string): { manifest?: Manifest; diagnostics: Diagnostic[] } {
  const fail = (message: string, path: (string | number)[] = []) => ({
    diagnostics: [{ file, line: 1, column: 1, severity: 'error' as const, message: `corrupt manifest: ${message}`, path }]
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(data)) return fail('expected a JSON object');
  if (data.generator !== MANIFEST_GENERATOR) return fail(`"generator" must be "${MANIFEST_GENERATOR}"`, ['generator']);
  if (data.version !== 1) return fail(`unsupported "version" ${JSON.stringify(data.version)} (this tool reads version 1)`, ['version']);
  if (!isRecord(data.files)) return fail('"files" must be an object', ['files']);
  const files: Record<string, ManifestEntry> = {};
  for (const [path, entry] of Object.entries(data.files)) {
    if (!isContainedRelativePath(path) || path === MANIFEST_FILE) {
      return fail(`entry ${JSON.stringify(path)} is not a path inside the output directory`, ['files', path]);
    }
    if (!isRecord(entry) || typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256) || typeof entry.source !== 'string') {
      return fail(`entry ${JSON.stringify(path)} must be { "sha256": <64 hex digits>, "source": <string> }`, ['files', path]);
    }
    files[path] = { sha256: entry.sha256, source: entry.source };
  }
  return { manifest: { version: 1, generator: MANIFEST_GENERATOR, files }, diagnostics: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which hunts a run speaks for: only their stale files may be deleted. */
export interface ReconcileScope {
  /** Hunt files (manifest `source`s) covered by this run, or every source in the manifest. */
  sources: string[] | 'all';
  /** Sources whose previous outputs stay even though nothing was planned for them (hunts that failed validation). */
  keep?: string[];
}

export interface Reconciliation {
  /** Files to create or replace. */
  write: GeneratedFile[];
  /** Planned files already on disk with exactly the planned content. */
  unchanged: string[];
  /** Stale files of this run's scope, still as the tool wrote them. */
  delete: string[];
  /** Files a person edited or that the tool never wrote; nothing may be written while any remain (unless forced). */
  conflicts: { path: string; reason: string }[];
  /** The manifest after `write` and `delete` are applied. */
  manifest: Manifest;
}

/**
 * Decides what a run writes and deletes, from the planned files, the previous manifest and the
 * current contents (`current(path)` is undefined when no file is there). Pure: the caller does the I/O.
 * With `force`, conflicts become writes (or deletions) and are still listed so the caller can say so.
 */
export function reconcileOutputs(
  planned: readonly GeneratedFile[],
  manifest: Manifest | undefined,
  current: (path: string) => string | undefined,
  scope: ReconcileScope,
  force: boolean
): Reconciliation {
  const previous = manifest?.files ?? {};
  const result: Reconciliation = { write: [], unchanged: [], delete: [], conflicts: [], manifest: emptyManifest() };
  const next = result.manifest.files;
  const plannedPaths = new Set<string>();

  for (const file of [...planned].sort((a, b) => comparePaths(a.path, b.path))) {
    if (!isContainedRelativePath(file.path) || file.path === MANIFEST_FILE) {
      throw new Error(`refusing to plan output path ${JSON.stringify(file.path)}: not a file inside the output directory`);
    }
    if (plannedPaths.has(file.path)) throw new Error(`two outputs planned for the same path ${JSON.stringify(file.path)}`);
    plannedPaths.add(file.path);

    const hash = sha256Hex(file.content);
    const existing = current(file.path);
    const known = Object.hasOwn(previous, file.path) ? previous[file.path] : undefined;
    if (existing === file.content) {
      result.unchanged.push(file.path);
    } else if (existing === undefined || (known && sha256Hex(existing) === known.sha256)) {
      result.write.push(file);
    } else {
      result.conflicts.push({
        path: file.path,
        reason: known ? 'edited by hand since peak-to-sigma wrote it' : 'exists but was not written by peak-to-sigma'
      });
      if (!force) {
        if (known) next[file.path] = { ...known };
        continue;
      }
      result.write.push(file);
    }
    next[file.path] = { sha256: hash, source: file.source };
  }

  const keep = new Set(scope.keep ?? []);
  const inScope = (source: string) => !keep.has(source) && (scope.sources === 'all' || scope.sources.includes(source));
  for (const path of Object.keys(previous).sort(comparePaths)) {
    if (plannedPaths.has(path)) continue;
    const entry = previous[path]!;
    if (!inScope(entry.source)) {
      next[path] = { ...entry };
      continue;
    }
    const existing = current(path);
    if (existing === undefined) continue;
    if (sha256Hex(existing) === entry.sha256) {
      result.delete.push(path);
    } else {
      result.conflicts.push({ path, reason: 'stale output edited by hand since peak-to-sigma wrote it' });
      if (force) result.delete.push(path);
      else next[path] = { ...entry };
    }
  }
  return result;
}

/** Code-unit order, the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
