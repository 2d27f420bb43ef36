import { constants } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Diagnostic, hasErrors } from '../core/diagnostics.js';
import { applyRoutingOverrides, parseRoutingOverrides } from '../core/routing/overrides.js';
import { bundledRoutingTable, type RoutingTable } from '../core/routing/table.js';

/**
 * The user's mapping file (`--mappings` of convert and wizard, the action's `mappings` input),
 * read, validated and applied onto the bundled routing table. One loader for all shells, so they
 * agree on what a readable file is and on every message. Never throws: every problem is a
 * diagnostic located at the file.
 */

/** The same limit the parser applies to the text; checked on the size before reading. */
export const MAX_MAPPING_FILE_BYTES = 256 * 1024;

export interface LoadMappingsOptions {
  /** How messages name the file's origin, e.g. `the mapping file (input "mappings")`. */
  label?: string;
  /**
   * Refuse a symbolic link (the action: a pull request could point the path at a file of the
   * runner). The CLI follows links, as users keep configuration in linked dotfiles.
   */
  followSymlinks?: boolean;
}

export interface LoadedMappings {
  /** The bundled table with the overrides applied; undefined when the file has errors. */
  routing?: RoutingTable;
  /** Errors and warnings of the file, located. */
  diagnostics: Diagnostic[];
}

/** `file` as the user named it (messages use it), resolved against `cwd`. */
export async function loadMappings(file: string, cwd: string, options: LoadMappingsOptions = {}): Promise<LoadedMappings> {
  const label = options.label ?? 'the mapping file';
  const fail = (reason: string): LoadedMappings => ({
    diagnostics: [{ file, line: 1, column: 1, severity: 'error', message: `cannot read ${label}: ${reason}`, path: [] }]
  });
  const absolute = resolve(cwd, file);
  const follow = options.followSymlinks ?? true;

  let source: string;
  let handle;
  try {
    // Checked before opening: opening a FIFO for reading would block the run.
    const info = follow ? await stat(absolute) : await lstat(absolute);
    if (info.isSymbolicLink()) return fail('it is a symbolic link; name the file itself');
    if (info.isDirectory()) return fail('it is a directory, not a file');
    if (!info.isFile()) return fail('not a regular file');
    if (info.size > MAX_MAPPING_FILE_BYTES) return fail(`mapping files are limited to ${MAX_MAPPING_FILE_BYTES / 1024} KiB (this one has ${info.size} bytes)`);
    handle = await open(absolute, follow ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NOFOLLOW);
    const opened = await handle.stat();
    // The file may have been swapped between the check and the open.
    if (!opened.isFile() || opened.size > MAX_MAPPING_FILE_BYTES) return fail('the file changed while it was read');
    source = await handle.readFile('utf8');
  } catch (err) {
    return fail(readFailure(err));
  } finally {
    await handle?.close().catch(() => undefined);
  }

  const parsed = parseRoutingOverrides(source, file);
  if (!parsed.table || hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
  return { routing: applyRoutingOverrides(bundledRoutingTable(), parsed.table), diagnostics: parsed.diagnostics };
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'it is a symbolic link; name the file itself';
  return err instanceof Error ? err.message : String(err);
}
