import { lstat, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { hasErrors } from '../core/diagnostics.js';
import type { HuntResult } from '../core/convert.js';
import { enrichmentPath } from '../core/enrichment.js';
import type { GeneratedFile } from '../core/manifest.js';
import type { FetchLike } from './client.js';
import type { EnrichConfig } from './config.js';
import { enrichHunts, enrichmentCommentSection, type EnrichOptions, type EnrichRun } from './enrich.js';

/**
 * Enrichment as one step of a convert run, for the CLI and the action: reads each converted hunt's
 * current `enrichment.md`, asks the provider where needed, and returns the `enrichment.md` files
 * to add to the planned outputs. When enrichment does not run (not asked for, or no key), the
 * existing files of the converted hunts are planned unchanged, so the manifest-based writer keeps
 * them instead of deleting them as stale. Never throws for provider trouble.
 */

export interface EnrichmentPlan {
  /** `<slug>/enrichment.md` files to add to the planned outputs (`format: 'enrichment'`). */
  files: GeneratedFile[];
  /** One per hunt whose enrichment failed; the API key is never in them. */
  warnings: string[];
  /** The collapsed section for the PR comment / job summary; '' when enrichment did not run. */
  section: string;
  /** The provider run, when there was one. */
  run?: EnrichRun;
}

/** Larger files are not ours: never read them as a cache. */
const MAX_EXISTING_BYTES = 1_000_000;

export async function planEnrichment(request: {
  /** Conversion results; hunts with errors or without a slug are skipped. */
  hunts: readonly HuntResult[];
  /** The output directory as given (relative to `cwd`, or absolute). */
  outDir: string;
  cwd: string;
  /** Undefined: enrichment off (or skipped for want of a key). */
  config?: EnrichConfig;
  fetchImpl?: FetchLike;
  options?: EnrichOptions;
  /** Budget of `section` in characters (default 20,000); hunts that do not fit are counted, not shown. */
  sectionMaxChars?: number;
}): Promise<EnrichmentPlan> {
  const root = resolve(request.cwd, request.outDir);
  const hunts = await Promise.all(
    request.hunts
      .filter((h): h is HuntResult & { slug: string; report: NonNullable<HuntResult['report']> } => !!h.slug && !!h.report && !hasErrors(h.diagnostics))
      .map(async (h) => ({ hunt: h, existingMarkdown: await readExisting(resolve(root, enrichmentPath(h.slug))) }))
  );
  const file = (hunt: HuntResult & { slug: string }, content: string): GeneratedFile => ({ path: enrichmentPath(hunt.slug), content, source: hunt.file, format: 'enrichment' });

  if (!request.config) {
    return { files: hunts.flatMap(({ hunt, existingMarkdown }) => (existingMarkdown === undefined ? [] : [file(hunt, existingMarkdown)])), warnings: [], section: '' };
  }
  const run = await enrichHunts(
    hunts.map(({ hunt, existingMarkdown }) => ({ slug: hunt.slug, report: hunt.report, rules: hunt.rules, existingMarkdown })),
    request.config,
    request.fetchImpl,
    request.options
  );
  const bySlug = new Map(hunts.map(({ hunt }) => [hunt.slug, hunt]));
  return {
    files: run.results.flatMap((r) => (r.markdown === undefined ? [] : [file(bySlug.get(r.slug)!, r.markdown)])),
    warnings: run.results.flatMap((r) => (r.warning ? [r.warning] : [])),
    section: enrichmentCommentSection(run, { catalogue: request.options?.catalogue, maxChars: request.sectionMaxChars }),
    run
  };
}

/** A regular file's text (never through a symlink), or undefined. */
async function readExisting(path: string): Promise<string | undefined> {
  try {
    const info = await lstat(path);
    if (!info.isFile() || info.size > MAX_EXISTING_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
