import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import type { Diagnostic } from '../core/diagnostics.js';
import { huntSizeDiagnostic, MAX_HUNT_REPORT_BYTES } from '../core/hunt/parse.js';

/**
 * Which repository paths are hunt reports. One matcher serves both the files of a PR
 * (`pulls.listFiles` names) and the workspace listing, so the two never disagree.
 * minimatch (the matcher `@actions/glob` uses) with brace expansion on: `*.{yml,yaml,json}`.
 */
export function huntMatcher(patterns: readonly string[]): (path: string) => boolean {
  const matchers = patterns.map((pattern) => (path: string) => minimatch(path, pattern, { nobrace: false, nocomment: true, nonegate: true }));
  return (path) => matchers.some((matches) => matches(path));
}

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

export interface WorkspaceHunt {
  /** Repository-relative POSIX path. */
  file: string;
  bytes: Uint8Array;
}

/**
 * Every hunt report in the workspace: walks only below each pattern's literal prefix (`hunts/`
 * for `hunts/**\/*.yml`), never follows symbolic links, skips `.git`, `node_modules` and the
 * output directory. Sorted by path; a file over the parser's size limit is refused unread.
 */
export async function listWorkspaceHunts(
  workspace: string,
  patterns: readonly string[],
  outputDir: string
): Promise<{ hunts: WorkspaceHunt[]; diagnostics: Diagnostic[] }> {
  const matches = huntMatcher(patterns);
  const found = new Set<string>();
  const roots = [...new Set(patterns.map(literalPrefix))];
  for (const root of roots) await walk(workspace, root, outputDir, matches, found);
  const hunts: WorkspaceHunt[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of [...found].sort()) {
    const info = await lstat(join(workspace, file));
    if (info.size > MAX_HUNT_REPORT_BYTES) {
      diagnostics.push(huntSizeDiagnostic(file, info.size));
      continue;
    }
    hunts.push({ file, bytes: new Uint8Array(await readFile(join(workspace, file))) });
  }
  return { hunts, diagnostics };
}

/** The directory part of a pattern before its first glob character (`''` for the repository root). */
export function literalPrefix(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?[\]{}()!+@]/.test(segment)) break;
    literal.push(segment);
  }
  return literal.join('/');
}

async function walk(workspace: string, relative: string, outputDir: string, matches: (path: string) => boolean, found: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(workspace, relative), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (SKIPPED_DIRECTORIES.has(entry.name) || path === outputDir) continue;
      await walk(workspace, path, outputDir, matches, found);
    } else if (entry.isFile() && matches(path)) {
      found.add(path);
    }
  }
}
