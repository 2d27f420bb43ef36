import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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
 * written at all. Files are replaced atomically (temp file + rename) and never outside `outDir`;
 * a directory that does not exist yet is built whole under a temporary name and renamed into place.
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
  const visible = new Set<string>();
  const staging = new Staging(root);
  try {
    if (plan.write.length > 0 && rootKind === 'missing') mkdirSync(root, { recursive: true });
    const created = new Set<string>();
    for (const file of plan.write) {
      const missing = tree.missingDirectory(file.path);
      if (missing !== undefined) {
        staging.write(missing, file.path, file.content);
        continue;
      }
      const dir = dirname(join(root, file.path));
      if (!created.has(dir)) {
        mkdirSync(dir, { recursive: true });
        created.add(dir);
      }
      writeAtomically(root, file.path, file.content);
      visible.add(file.path);
    }
    staging.publish((paths) => paths.forEach((path) => visible.add(path)));
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
    staging.discard();
    outcome.written = plan.write.map((f) => f.path).filter((path) => visible.has(path));
    outcome.diagnostics.push(problem('', `writing the outputs failed part-way: ${err instanceof Error ? err.message : String(err)}`));
    return outcome;
  }
  outcome.written = plan.write.map((f) => f.path);
  outcome.applied = true;
  return outcome;
}

/**
 * New directories (a new hunt's, or every one on a first run) are filled under a temporary
 * directory inside the output directory and each renamed into place at the end: readers see the
 * whole directory or none of it, like temp file + rename per file, with one rename instead of one
 * per file. Nothing in them was there before, so nothing can be half-replaced.
 */
class Staging {
  private root?: string;
  /** Missing directory (relative to the output directory) → where it is being built, and its files. */
  private readonly dirs = new Map<string, { at: string; files: string[] }>();
  private readonly created = new Set<string>();

  constructor(private readonly outDir: string) {}

  write(missing: string, path: string, content: string): void {
    let dir = this.dirs.get(missing);
    if (!dir) {
      this.root ??= makeTempDirectory(this.outDir);
      dir = { at: join(this.root, String(this.dirs.size)), files: [] };
      mkdirSync(dir.at);
      this.created.add(dir.at);
      this.dirs.set(missing, dir);
    }
    const target = join(dir.at, path.slice(missing.length + 1));
    const parent = dirname(target);
    if (!this.created.has(parent)) {
      mkdirSync(parent, { recursive: true });
      this.created.add(parent);
    }
    writeFileSync(target, content, { encoding: 'utf8', flag: 'wx' });
    dir.files.push(path);
  }

  /** Renames every built directory into place; `published` hears which files each one made visible. */
  publish(published: (paths: string[]) => void): void {
    if (!this.root) return;
    for (const [missing, dir] of this.dirs) {
      renameSync(dir.at, join(this.outDir, missing));
      published(dir.files);
    }
    rmdirSync(this.root);
    this.root = undefined;
  }

  /** After a failure: what was built and not yet published goes. */
  discard(): void {
    if (!this.root) return;
    try {
      rmSync(this.root, { recursive: true, force: true });
    } catch {
      // The original error is the one to report; a leftover temp directory is harmless.
    }
  }
}

function makeTempDirectory(outDir: string): string {
  const dir = join(outDir, `.${process.pid}.${++tempCounter}.peak-to-sigma.tmp`);
  mkdirSync(dir);
  return dir;
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
  // No exception for a missing path: on a first run that is every new directory.
  const stat = lstatSync(absolute, { throwIfNoEntry: false });
  if (!stat) return 'missing';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'dir';
  return stat.isFile() ? 'file' : 'other';
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

  /** The outermost directory on the way to `path` (a file path) that does not exist yet, if any. */
  missingDirectory(path: string): string | undefined {
    for (let end = path.indexOf('/'); end >= 0; end = path.indexOf('/', end + 1)) {
      if (this.kindCached(join(this.root, path.slice(0, end))) === 'missing') return path.slice(0, end);
    }
    return undefined;
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
