import { type AttackCatalogue, bundledAttackCatalogue } from '../core/attack.js';
import {
  buildEnrichmentRequest,
  cachedAnswer,
  type EnrichmentAnswer,
  enrichmentPath,
  type EnrichProvider,
  renderEnrichmentMarkdown,
  renderEnrichmentSection
} from '../core/enrichment.js';
import type { HuntReport } from '../core/hunt/schema.js';
import type { OutputFile, PlannedRule } from '../core/model.js';
import { askProvider, type AskClock, type FetchLike, formatSeconds, MIN_ATTEMPT_MS, scrubSecrets, SYSTEM_CLOCK } from './client.js';
import type { EnrichConfig } from './config.js';

/**
 * LLM enrichment for the shells (DESIGN.md §8). Never fails the run: every problem is a warning
 * in the hunt's result, never an exception; a hunt whose enrichment fails keeps its previous
 * `enrichment.md`. An unchanged hunt (same content hash in the file's marker) costs no request.
 */

export interface EnrichHuntInput {
  slug: string;
  report: HuntReport;
  rules: readonly PlannedRule[];
  /** Current text of `<out>/<slug>/enrichment.md`, if the file exists. */
  existingMarkdown?: string;
}

export interface EnrichHuntResult {
  slug: string;
  huntName: string;
  /**
   * What `<out>/<slug>/enrichment.md` should contain after this run: a fresh answer, or the
   * existing file unchanged (cache hit, or failure). Undefined: write nothing for this hunt.
   */
  markdown?: string;
  /** True when the answer came from the existing file without a request. */
  cached: boolean;
  /** Why there is no fresh answer; safe to log and to show (the key is scrubbed). */
  warning?: string;
  /** The validated answer, for the comment section; absent on failure. */
  answer?: EnrichmentAnswer;
  report: HuntReport;
}

export interface EnrichRun {
  results: EnrichHuntResult[];
  provider: EnrichProvider;
  model: string;
}

export interface EnrichOptions {
  catalogue?: AttackCatalogue;
  clock?: AskClock;
}

export async function enrichHunts(
  hunts: readonly EnrichHuntInput[],
  config: EnrichConfig,
  fetchImpl: FetchLike = (url, init) => fetch(url, init),
  options: EnrichOptions = {}
): Promise<EnrichRun> {
  const catalogue = options.catalogue ?? bundledAttackCatalogue();
  const clock = options.clock ?? SYSTEM_CLOCK;
  const runDeadline = clock.now() + config.runTimeoutMs;
  const results: EnrichHuntResult[] = new Array(hunts.length);
  // After a 401/403 every other request would fail the same way: stop asking, say it once per hunt.
  let authFailure: string | undefined;

  const enrichOne = async (hunt: EnrichHuntInput): Promise<EnrichHuntResult> => {
    const base = { slug: hunt.slug, huntName: hunt.report.hunt.name, report: hunt.report };
    const failed = (reason: string): EnrichHuntResult => ({
      ...base,
      cached: false,
      markdown: hunt.existingMarkdown,
      warning: `enrichment of ${hunt.slug} skipped: ${reason}${hunt.existingMarkdown === undefined ? '' : ` (the previous ${enrichmentPath(hunt.slug)} is kept)`}`
    });
    try {
      const request = buildEnrichmentRequest(hunt.report, hunt.rules, config.provider, config.model);
      // A hit keeps the file as it is (notes someone added stay); the comment re-renders the answer.
      const cached = hunt.existingMarkdown === undefined ? undefined : cachedAnswer(hunt.existingMarkdown, request.hash);
      if (cached) return { ...base, cached: true, answer: cached, markdown: hunt.existingMarkdown };

      if (authFailure) return failed(authFailure);
      const left = runDeadline - clock.now();
      if (left < MIN_ATTEMPT_MS) return failed(`the run's enrichment time budget (${formatSeconds(config.runTimeoutMs)} s) is used up`);
      const outcome = await askProvider({ ...config, timeoutMs: Math.min(config.timeoutMs, left) }, request, fetchImpl, clock);
      if (!outcome.ok) {
        if (outcome.authFailed) authFailure = outcome.reason;
        return failed(outcome.reason);
      }
      const markdown = renderEnrichmentMarkdown({ report: hunt.report, answer: outcome.answer, hash: request.hash, provider: config.provider, model: config.model, catalogue });
      return { ...base, cached: false, answer: outcome.answer, markdown };
    } catch (err) {
      // Enrichment never fails the run, not even on our own bug.
      return failed(`internal error: ${scrubSecrets(err instanceof Error ? err.message : String(err), config.apiKey)}`);
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < hunts.length) {
      const index = next++;
      results[index] = await enrichOne(hunts[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(config.concurrency, hunts.length)) }, worker));
  return { results, provider: config.provider, model: config.model };
}

/** `<slug>/enrichment.md` files to plan for writing (output-relative paths, see `reconcileOutputs`). */
export function enrichmentOutputFiles(run: EnrichRun): OutputFile[] {
  return run.results.flatMap((r) => (r.markdown === undefined ? [] : [{ path: enrichmentPath(r.slug), content: r.markdown }]));
}

/** The collapsed `<details>` section for the PR comment and the job summary ('' when nothing ran). */
export function enrichmentCommentSection(run: EnrichRun, options: { catalogue?: AttackCatalogue; maxChars?: number } = {}): string {
  return renderEnrichmentSection(run.results, {
    provider: run.provider,
    model: run.model,
    catalogue: options.catalogue ?? bundledAttackCatalogue(),
    maxChars: options.maxChars
  });
}
