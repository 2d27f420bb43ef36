import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { type Diagnostic, hasErrors } from '../core/diagnostics.js';
import {
  type GeneratedFile,
  type Manifest,
  MANIFEST_FILE,
  parseManifest,
  type ReconcileScope,
  reconcileOutputs,
  serializeManifest
} from '../core/manifest.js';
import { isContainedRelativePath } from '../core/paths.js';

/**
 * Applies a planned output tree to a directory on disk (DESIGN.md §6). Every check happens before
 * the first write: a conflict (a hand-edited file, a file the tool never wrote, a corrupt
 * manifest) or an unsafe path (a symlink, a file where a directory belongs) means nothing is
 * written at all. Files are replaced atomically (temp file + rename) and never outside `outDir`.
 */

export interface WriteOutcome {
  /** False when problems stopped the run before anything was touched. */
  applied: boolean;
  written: string[];
  unchanged: string[];
  deleted: string[];
  /** Hand-edited or foreign files; they block the run unless `force` (then they are overwritten and still listed). */
  conflicts: { path: string; reason: string }[];
  /** Errors no `force` overrides (unsafe paths, I/O failures), the corrupt-manifest error, or (forced) its warning. */
  diagnostics: Diagnostic[];
}

export interface WriteRequest {
  /** As the user named it; messages use it, relative paths resolve against `cwd`. */
  outDir: string;
  cwd?: string;
  planned: readonly GeneratedFile[];
  scope: ReconcileScope;
  force: boolean;
}

type Entry = { kind: 'missing' } | { kind: 'file' } | { kind: 'unsafe'; reason: string };

export function writeOutputs(request: WriteRequest): WriteOutcome {
  const root = resolve(request.cwd ?? process.cwd(), request.outDir);
  const outcome: WriteOutcome = { applied: false, written: [], unchanged: [], deleted: [], conflicts: [], diagnostics: [] };
  const problem = (path: string, message: string): Diagnostic => ({
    file: path ? join(request.outDir, path) : request.outDir,
    line: 1,
    column: 1,
    severity: 'error',
    message,
    path: []
  });

  const rootKind = kindOf(root);
  if (rootKind !== 'missing' && rootKind !== 'dir') {
    outcome.diagnostics.push(problem('', 'the output directory exists but is not a directory'));
    return outcome;
  }
  const tree = new TreeInspector(root);

  let manifest: Manifest | undefined;
  const manifestEntry = tree.inspect(MANIFEST_FILE);
  let manifestText: string | undefined;
  if (manifestEntry.kind === 'unsafe') {
    outcome.diagnostics.push(problem(MANIFEST_FILE, manifestEntry.reason));
    return outcome;
  }
  if (manifestEntry.kind === 'file') {
    manifestText = readFileSync(join(root, MANIFEST_FILE), 'utf8');
    const parsed = parseManifest(manifestText, join(request.outDir, MANIFEST_FILE));
    manifest = parsed.manifest;
    if (!manifest) {
      const severity = request.force ? 'warning' : 'error';
      const advice = request.force ? 'rebuilding it (stale files of earlier runs are kept)' : 'fix or delete it, or rerun with --force to rebuild it';
      for (const d of parsed.diagnostics) outcome.diagnostics.push({ ...d, severity, message: `${d.message}; ${advice}` });
      if (!request.force) return outcome;
    }
  }

  const unsafe = new Map<string, string>();
  const current = (path: string): string | undefined => {
    const entry = tree.inspect(path);
    if (entry.kind === 'unsafe') {
      unsafe.set(path, entry.reason);
      return undefined;
    }
    return entry.kind === 'file' ? readFileSync(join(root, path), 'utf8') : undefined;
  };
  const plan = reconcileOutputs(request.planned, manifest, current, request.scope, request.force);
  outcome.conflicts = plan.conflicts;
  outcome.unchanged = plan.unchanged;
  for (const [path, reason] of [...unsafe].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) outcome.diagnostics.push(problem(path, reason));
  if (hasErrors(outcome.diagnostics) || (plan.conflicts.length && !request.force)) return outcome;

  const newManifestText = serializeManifest(plan.manifest);
  try {
    const created = new Set<string>();
    for (const file of plan.write) {
      const dir = dirname(join(root, file.path));
      if (!created.has(dir)) {
        mkdirSync(dir, { recursive: true });
        created.add(dir);
      }
      writeAtomically(root, file.path, file.content);
      outcome.written.push(file.path);
    }
    for (const path of plan.delete) {
      unlinkSync(join(root, path));
      outcome.deleted.push(path);
    }
    removeEmptyDirectories(root, plan.delete);
    if (newManifestText !== manifestText) {
      mkdirSync(root, { recursive: true });
      writeAtomically(root, MANIFEST_FILE, newManifestText);
    }
  } catch (err) {
    outcome.diagnostics.push(problem('', `writing the outputs failed part-way: ${err instanceof Error ? err.message : String(err)}`));
    return outcome;
  }
  outcome.applied = true;
  return outcome;
}

let tempCounter = 0;

/** Replaces (or creates) a file in an existing directory so that readers see the old or the new content, never a part. */
function writeAtomically(root: string, path: string, content: string): void {
  const target = join(root, path);
  const temp = join(dirname(target), `.${process.pid}.${++tempCounter}.peak-to-sigma.tmp`);
  try {
    writeFileSync(temp, content, { encoding: 'utf8', flag: 'wx' });
    renameSync(temp, target);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may never have been created; the original error is the one to report.
    }
    throw err;
  }
}

/** After deletions, directories left empty go too, up to (not including) the output directory. */
function removeEmptyDirectories(root: string, deleted: readonly string[]): void {
  const candidates = new Set<string>();
  for (const path of deleted) {
    let dir = dirname(join(root, path));
    while (dir !== root && dir.startsWith(root + sep)) {
      candidates.add(dir);
      dir = dirname(dir);
    }
  }
  for (const dir of [...candidates].sort((a, b) => b.length - a.length)) {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  }
}

function kindOf(absolute: string): 'missing' | 'dir' | 'file' | 'symlink' | 'other' {
  try {
    const stat = lstatSync(absolute);
    if (stat.isSymbolicLink()) return 'symlink';
    if (stat.isDirectory()) return 'dir';
    return stat.isFile() ? 'file' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

/**
 * Answers "what is at this relative path" without ever following a symlink below the output
 * directory: a link there could point anywhere, so any path through one is refused.
 */
class TreeInspector {
  private readonly kinds = new Map<string, ReturnType<typeof kindOf>>();

  constructor(private readonly root: string) {}

  inspect(path: string): Entry {
    const absolute = resolve(this.root, path);
    if (!isContainedRelativePath(path) || relative(this.root, absolute) !== path.split('/').join(sep)) {
      return { kind: 'unsafe', reason: 'path is not inside the output directory' };
    }
    const segments = path.split('/');
    let prefix = this.root;
    for (let i = 0; i < segments.length; i++) {
      prefix = join(prefix, segments[i]!);
      const kind = this.kindCached(prefix);
      const shown = segments.slice(0, i + 1).join('/');
      if (kind === 'missing') return { kind: 'missing' };
      if (kind === 'symlink') return { kind: 'unsafe', reason: `"${shown}" is a symbolic link; refusing to read or write through it` };
      const last = i === segments.length - 1;
      if (!last && kind !== 'dir') return { kind: 'unsafe', reason: `"${shown}" is in the way: a directory is needed there` };
      if (last && kind !== 'file') return { kind: 'unsafe', reason: `"${shown}" is not a regular file` };
    }
    return { kind: 'file' };
  }

  private kindCached(absolute: string): ReturnType<typeof kindOf> {
    let kind = this.kinds.get(absolute);
    if (kind === undefined) {
      kind = kindOf(absolute);
      this.kinds.set(absolute, kind);
    }
    return kind;
  }
}
