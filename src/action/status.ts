import type { RepoRef } from './event.js';
import type { GitHubClient } from './github-client.js';
import { countOf, pluralNoun } from '../core/wording.js';

/** The commit-status context; make exactly this name the required check (README, "Required check"). */
export const STATUS_CONTEXT = 'peak-to-sigma';

export interface VerdictInput {
  /** Reports looked at in this run. */
  reports: number;
  /** Reports with at least one error. */
  invalidReports: number;
  errors: number;
  warnings: number;
  /** Generated files a person edited (never overwritten). */
  conflicts: number;
  failOnWarnings: boolean;
  /** Problems that make the run itself fail (bad inputs, a mapping file with errors). */
  setupErrors: number;
}

export interface Verdict {
  ok: boolean;
  /** Why the step fails; undefined when it succeeds. */
  failure?: string;
}

/** Schema errors, hand-edited outputs and (with `fail-on-warnings`) warnings fail the step. */
export function decideVerdict(input: VerdictInput): Verdict {
  const reasons: string[] = [];
  if (input.setupErrors) reasons.push(`${input.setupErrors} configuration ${pluralNoun(input.setupErrors, 'problem')} (see the annotations)`);
  if (input.invalidReports) {
    reasons.push(`${input.invalidReports} of ${countOf(input.reports, 'report')} failed validation; see the annotations and the job summary`);
  }
  if (input.conflicts) {
    reasons.push(`${input.conflicts} generated ${pluralNoun(input.conflicts, 'file was', 'files were')} edited by hand and not overwritten; see the job summary`);
  }
  if (input.failOnWarnings && input.warnings) {
    reasons.push(`${countOf(input.warnings, 'warning')} and fail-on-warnings is set; see the annotations and the job summary`);
  }
  return reasons.length ? { ok: false, failure: reasons.join('; ') } : { ok: true };
}

/** GitHub cuts status descriptions at 140 characters. */
const MAX_STATUS_DESCRIPTION = 140;

export function statusDescription(verdict: Verdict, counts: { hunts: number; rules: number; added: number; removed: number }): string {
  const text = verdict.ok
    ? `${countOf(counts.hunts, 'hunt')}, ${countOf(counts.rules, 'rule')}; coverage +${counts.added} -${counts.removed}`
    : verdict.failure!;
  return text.length <= MAX_STATUS_DESCRIPTION ? text : `${text.slice(0, MAX_STATUS_DESCRIPTION - 1)}…`;
}

export async function postCommitStatus(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  verdict: Verdict,
  description: string,
  targetUrl: string | undefined
): Promise<void> {
  await octokit.rest.repos.createCommitStatus({
    ...repo,
    sha,
    state: verdict.ok ? 'success' : 'failure',
    context: STATUS_CONTEXT,
    description,
    ...(targetUrl ? { target_url: targetUrl } : {})
  });
}
