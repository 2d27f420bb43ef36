import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { convertHunts, COVERAGE_FILE } from '../core/convert.js';
import { type CoverageDiff, coverageOf, diffCoverage } from '../core/coverage.js';
import { type Diagnostic, hasErrors, sortDiagnostics } from '../core/diagnostics.js';
import { parseHuntReport } from '../core/hunt/parse.js';
import { ALL_HUNTS_SOURCE, MANIFEST_FILE } from '../core/manifest.js';
import { bundledRoutingTable } from '../core/routing/table.js';
import { planEnrichment } from '../enrich/index.js';
import { loadMappings } from '../shell/mappings.js';
import { type WriteOutcome, writeOutputs } from '../shell/output-writer.js';
import { annotate } from './annotations.js';
import { fetchBaseVersions } from './base-versions.js';
import { classifyHuntChanges, type HuntChanges, listPullFiles } from './changed-files.js';
import { commentAuthorFor, upsertComment } from './comment.js';
import { commitChanges, type FileChange } from './commit.js';
import { type EventPlan, planEvent } from './event.js';
import { createGitHubClient, describeGitHubError } from './github-client.js';
import { huntMatcher, listWorkspaceHunts } from './hunt-files.js';
import { parseInputs } from './inputs.js';
import { COMMENT_BUDGET, githubLinks, type ReportModel, renderReport, SUMMARY_BUDGET } from './report-markdown.js';
import { reportHunts } from './report-model.js';
import { decideVerdict, postCommitStatus, STATUS_CONTEXT, statusDescription } from './status.js';
import { writeJobSummary } from './summary.js';
import { countOf, pluralNoun } from '../core/wording.js';

/**
 * One run of the action (DESIGN.md §7): decide what to convert from the event, convert, write the
 * outputs into the workspace, then — when the token may write — commit them, update the sticky
 * comment and post the commit status. The verdict of the hunt reports decides the step.
 */
export async function run(): Promise<void> {
  const env = process.env;
  const parsed = parseInputs((name) => core.getInput(name));
  if (!parsed.inputs) {
    for (const error of parsed.errors) core.error(error);
    core.setFailed(`${countOf(parsed.errors.length, 'input is', 'inputs are')} invalid: ${parsed.errors.join('; ')}`);
    return;
  }
  const inputs = parsed.inputs;
  core.setSecret(inputs.token);

  const plan = planEvent({
    eventName: github.context.eventName,
    payload: github.context.payload as Record<string, unknown>,
    repository: env.GITHUB_REPOSITORY ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    actor: env.GITHUB_ACTOR ?? ''
  });
  setCountOutputs({ hunts: 0, findings: 0, rules: 0, errors: 0, warnings: 0 });
  if (plan.kind === 'skip') {
    core.notice(plan.reason);
    await writeJobSummary(`## peak-to-sigma\n\nNothing to do: ${plan.reason}.\n`);
    return;
  }

  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const repository = `${plan.repo.owner}/${plan.repo.repo}`;
  const runUrl = env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const octokit = createGitHubClient(inputs.token, { info: core.info, warning: core.warning, debug: core.debug });
  const notes: string[] = [];
  const writeFailures: string[] = [];
  const setupDiagnostics: Diagnostic[] = [];

  // 1. The routing table (with the user's overrides) and the hunts this run speaks for.
  const mappings = inputs.mappings ? await loadMappings(inputs.mappings, workspace, { label: 'the mapping file (input "mappings")', followSymlinks: false }) : undefined;
  if (mappings) setupDiagnostics.push(...mappings.diagnostics);
  const routing = mappings ? mappings.routing : bundledRoutingTable();
  if (!routing) {
    annotate(setupDiagnostics);
    await writeJobSummary(
      renderReport(
        { ok: false, headline: 'the mapping file has errors', notes: ['Nothing was converted; fix the mapping file (input "mappings").'], hunts: [], diagnostics: setupDiagnostics, conflicts: [] },
        githubLinks({ serverUrl, repository, privateRepo: plan.privateRepo, runUrl }),
        SUMMARY_BUDGET
      )
    );
    core.setFailed(`the mapping file ${inputs.mappings} has errors; see the annotations and the job summary`);
    return;
  }
  const listing = await listWorkspaceHunts(workspace, inputs.hunts, inputs.outputDir);
  let changes: HuntChanges | undefined;
  if (plan.kind === 'pull_request') {
    const pullFiles = await listPullFiles(octokit, plan.repo, plan.number, plan.changedFiles);
    if (pullFiles.truncated) {
      notes.push(`This PR changes ${plan.changedFiles ?? 'at least 3000'} files, more than GitHub lists (3000), so every hunt report was converted and checked.`);
    } else {
      changes = classifyHuntChanges(pullFiles.files, huntMatcher(inputs.hunts));
    }
  }
  const scope = changes ? new Set([...changes.changed, ...changes.removed]) : undefined;
  const inScope = (file: string) => !scope || scope.has(file);

  // 2. Convert every hunt in the workspace (head coverage needs them all), report those in scope.
  const conversion = convertHunts(
    listing.hunts.map((h) => ({ file: h.file, source: h.bytes })),
    { formats: inputs.formats, statusMap: inputs.statusMap, kqlFlavor: inputs.kqlFlavor, lookbackDays: inputs.lookbackDays, routing }
  );
  const huntsInRun = conversion.hunts.filter((h) => inScope(h.file));
  const oversized = listing.diagnostics.filter((d) => inScope(d.file));
  const failedHunts = huntsInRun.filter((h) => hasErrors(h.diagnostics)).map((h) => h.file);
  const otherInvalid = conversion.hunts.filter((h) => !inScope(h.file) && hasErrors(h.diagnostics)).length;
  if (otherInvalid) notes.push(`${otherInvalid} other hunt ${pluralNoun(otherInvalid, 'report has', 'reports have')} errors; this PR does not change them, so they are not reported here.`);

  // 3. Coverage diff on pull requests: base = unchanged hunts + base versions of the changed ones.
  let coverageDiff: CoverageDiff | undefined;
  if (plan.kind === 'pull_request' && changes) {
    const base = await fetchBaseVersions(octokit, plan.repo, plan.baseSha, changes.basePaths);
    notes.push(...base.problems);
    const touched = new Set([...changes.changed, ...changes.removed]);
    const baseReports = conversion.hunts
      .filter((h) => !touched.has(h.file) && h.report && !hasErrors(h.diagnostics))
      .map((h) => ({ file: h.file, report: h.report! }));
    for (const version of base.versions) {
      const report = parseHuntReport(version.source, version.file).report;
      if (report) baseReports.push({ file: version.file, report });
    }
    coverageDiff = diffCoverage(coverageOf(baseReports), conversion.coverage);
  }

  // 4. Outputs into the workspace (the same manifest-safe writer as the CLI). A PR that touches no
  // hunt report leaves the outputs alone, even an outdated coverage.json.
  const touchesHunts = !scope || scope.size > 0;
  // Planned on every run, with or without `enrich`: the existing enrichment.md files of the hunts
  // in scope must stay planned, or the writer would delete them as stale. Never throws.
  const enrichment = await planEnrichment({ hunts: huntsInRun, outDir: inputs.outputDir, cwd: workspace, config: inputs.enrich, sectionMaxChars: ENRICHMENT_SECTION_CHARS });
  const planned = touchesHunts ? [...conversion.files.filter((f) => f.source === ALL_HUNTS_SOURCE || inScope(f.source)), ...enrichment.files] : [];
  const manifestPath = join(workspace, inputs.outputDir, MANIFEST_FILE);
  const manifestBefore = await readIfPresent(manifestPath);
  const written: WriteOutcome = touchesHunts
    ? writeOutputs({
        outDir: inputs.outputDir,
        cwd: workspace,
        planned,
        scope: { sources: scope ? [...scope, ALL_HUNTS_SOURCE] : 'all', keep: failedHunts },
        force: false
      })
    : { applied: true, written: [], unchanged: [], deleted: [], conflicts: [], diagnostics: [] };
  setupDiagnostics.push(...written.diagnostics);
  const manifestAfter = await readIfPresent(manifestPath);
  const contents = new Map(planned.map((f) => [f.path, f.content]));
  const fileChanges: FileChange[] = written.applied
    ? [
        ...written.written.map((path) => ({ path: `${inputs.outputDir}/${path}`, content: contents.get(path)! })),
        ...written.deleted.map((path) => ({ path: `${inputs.outputDir}/${path}` })),
        ...(manifestAfter !== undefined && manifestAfter !== manifestBefore ? [{ path: `${inputs.outputDir}/${MANIFEST_FILE}`, content: manifestAfter }] : [])
      ]
    : [];

  const diagnostics = sortDiagnostics([...setupDiagnostics, ...oversized, ...huntsInRun.flatMap((h) => h.diagnostics)]);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const verdict = decideVerdict({
    reports: huntsInRun.length + oversized.length,
    invalidReports: failedHunts.length + oversized.length,
    errors,
    warnings,
    conflicts: written.conflicts.length,
    failOnWarnings: inputs.failOnWarnings,
    setupErrors: setupDiagnostics.filter((d) => d.severity === 'error').length
  });
  const hiddenAnnotations = annotate(diagnostics);
  if (hiddenAnnotations) notes.push(hiddenAnnotations);
  // Enrichment trouble is a warning annotation, never a failed step (the verdict ignores it).
  if (inputs.enrichWarning) {
    core.warning(inputs.enrichWarning);
    notes.push(`LLM ${inputs.enrichWarning}.`);
  }
  for (const warning of enrichment.warnings) core.warning(warning);

  // 5. Writes to GitHub, only when the token may write.
  const headSha = plan.kind === 'pull_request' ? plan.headSha : plan.sha;
  const branch = inputs.branch ?? (plan.kind === 'pull_request' ? plan.headRef : plan.branch);
  let commitSha: string | undefined;
  /** The PR's (or branch's) tip after the commit step: where the status belongs. */
  let tipSha = headSha;
  let outputsRef: string | undefined = fileChanges.length === 0 && written.applied ? headSha : undefined;
  if (plan.readOnlyReason) notes.push(`${capitalise(plan.readOnlyReason)}. This job summary is the report.`);
  if (!touchesHunts) {
    notes.push('No hunt report changed in this PR; the generated files were left alone.');
  } else if (!fileChanges.length) {
    if (written.applied) notes.push('The generated files in the repository are up to date; nothing to commit.');
  } else {
    const what = `${fileChanges.length} generated ${pluralNoun(fileChanges.length, 'file')} changed`;
    const mismatch = plan.kind === 'pull_request' ? await workspaceMismatch(workspace, plan.headSha) : undefined;
    if (plan.readOnlyReason) notes.push(`${what}; not committed.`);
    else if (!inputs.commit) notes.push(`${what}; not committed (commit: false). They are in the workspace for later steps.`);
    else if (!verdict.ok) notes.push(`${what}; not committed because the run failed.`);
    else if (!branch) notes.push(`${what}; not committed because the run is not on a branch.`);
    else if (mismatch) {
      notes.push(`${what}; not committed: ${mismatch}`);
      core.warning(mismatch);
    } else {
      try {
        const outcome = await commitChanges(octokit, plan.repo, branch, fileChanges, inputs.commitMessage, core.info);
        if (outcome.kind === 'committed') {
          commitSha = outcome.sha;
          outputsRef = outcome.sha;
          tipSha = outcome.sha;
          notes.push(`Committed ${fileChanges.length} generated ${pluralNoun(fileChanges.length, 'file')} to ${branch} as ${outcome.sha.slice(0, 7)}.`);
          core.info(`commit ${outcome.sha} on ${branch} (parent ${outcome.parentSha}, attempt ${outcome.attempts}); signature verified: ${outcome.verified ?? 'unknown'} (${outcome.verificationReason ?? 'no reason given'})`);
        } else {
          outputsRef = outcome.headSha;
          tipSha = outcome.headSha;
          notes.push(`The branch ${branch} already holds these generated files; nothing to commit.`);
        }
      } catch (err) {
        writeFailures.push(describeGitHubError(err, `Committing the generated files to ${branch}`, 'contents: write'));
      }
    }
  }

  const counts = {
    hunts: huntsInRun.length + oversized.length,
    findings: huntsInRun.reduce((n, h) => n + (hasErrors(h.diagnostics) ? 0 : (h.report?.findings.length ?? 0)), 0),
    rules: huntsInRun.reduce((n, h) => n + (hasErrors(h.diagnostics) ? 0 : h.rules.length), 0)
  };
  const model: ReportModel = {
    ok: verdict.ok,
    headline: !touchesHunts
      ? 'no hunt report changed'
      : verdict.ok
      ? `${counts.hunts} hunt ${pluralNoun(counts.hunts, 'report')}, ${countOf(counts.findings, 'finding')}, ${countOf(counts.rules, 'rule')}`
      : verdict.failure!,
    notes: [triggerNote(plan, changes, counts.hunts), ...notes],
    coverageDiff,
    hunts: reportHunts(huntsInRun, conversion.coverage, inputs.outputDir),
    diagnostics,
    conflicts: written.conflicts.map((c) => ({ path: `${inputs.outputDir}/${c.path}`, reason: c.reason })),
    extraSections: enrichment.section ? [enrichment.section] : []
  };
  const links = githubLinks({ serverUrl, repository, outputsRef, sourcesRef: headSha, privateRepo: plan.privateRepo, runUrl });

  if (plan.kind === 'pull_request' && inputs.comment && !plan.readOnlyReason) {
    const onlyUpdate = !huntsInRun.length && !changes?.removed.length;
    try {
      const author = await commentAuthorFor(octokit, inputs.token);
      const outcome = await upsertComment(octokit, plan.repo, plan.number, renderReport({ ...model, notes: [...model.notes, ...writeFailures] }, links, COMMENT_BUDGET), author, !onlyUpdate);
      core.info(outcome ? `PR comment ${outcome.action}: ${outcome.url ?? outcome.id}` : 'no hunt report changed and no earlier comment: no PR comment');
    } catch (err) {
      writeFailures.push(describeGitHubError(err, 'Updating the PR comment', 'pull-requests: write'));
    }
  }

  const finalVerdict = writeFailures.length ? { ok: false, failure: [verdict.failure, ...writeFailures].filter(Boolean).join('; ') } : verdict;
  // The status stands in for checks on commits pushed with GITHUB_TOKEN (they start no workflow);
  // it is posted whenever the action may commit, also when nothing changed, so a required
  // "peak-to-sigma" check never waits forever. With commit: false the job's own check suffices.
  if (!plan.readOnlyReason && inputs.commit) {
    try {
      const description = statusDescription(finalVerdict, { ...counts, added: coverageDiff?.added.length ?? 0, removed: coverageDiff?.removed.length ?? 0 });
      await postCommitStatus(octokit, plan.repo, tipSha, finalVerdict, description, runUrl);
    } catch (err) {
      writeFailures.push(describeGitHubError(err, `Posting the ${STATUS_CONTEXT} commit status`, 'statuses: write'));
    }
  }

  for (const failure of writeFailures) core.error(failure);
  await writeJobSummary(renderReport({ ...model, ok: model.ok && !writeFailures.length, notes: [...model.notes, ...writeFailures] }, links, SUMMARY_BUDGET));

  setCountOutputs({ ...counts, errors, warnings });
  core.setOutput('coverage-added', (coverageDiff?.added ?? []).map((c) => c.techniqueId).join(','));
  core.setOutput('coverage-removed', (coverageDiff?.removed ?? []).map((c) => c.techniqueId).join(','));
  core.setOutput('commit-sha', commitSha ?? '');
  core.setOutput('layer-path', inputs.formats.includes('navigator') ? `${inputs.outputDir}/${COVERAGE_FILE}` : '');

  const failure = writeFailures.length ? [verdict.failure, ...writeFailures].filter(Boolean).join('; ') : verdict.failure;
  if (failure) core.setFailed(failure);
}

/**
 * The enrichment section's share of the comment: a third of the budget, so the findings and the
 * coverage diff before it still fit; the job summary shows the same section.
 */
const ENRICHMENT_SECTION_CHARS = Math.floor(COMMENT_BUDGET.budget / 3);

function setCountOutputs(counts: { hunts: number; findings: number; rules: number; errors: number; warnings: number }): void {
  for (const [name, value] of Object.entries(counts)) core.setOutput(name, String(value));
}

function triggerNote(plan: EventPlan, changes: HuntChanges | undefined, hunts: number): string {
  if (plan.kind === 'pull_request') {
    if (!changes) return `Pull request #${plan.number}: all ${hunts} hunt ${pluralNoun(hunts, 'report')}.`;
    const removed = changes.removed.length ? `, ${changes.removed.length} removed` : '';
    return `Pull request #${plan.number}: ${changes.changed.length} changed hunt ${pluralNoun(changes.changed.length, 'report')}${removed}.`;
  }
  const trigger = plan.trigger === 'push' ? 'Push' : 'Manual run';
  return `${trigger}${plan.branch ? ` on ${plan.branch}` : ''}: all ${hunts} hunt ${pluralNoun(hunts, 'report')}.`;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * On `pull_request`, actions/checkout checks out a merge commit unless told otherwise. Outputs
 * computed from it do not belong on the head branch, so a detached HEAD at another commit
 * blocks the commit with advice. (A HEAD on a branch, or no `.git`, is not checked.)
 */
async function workspaceMismatch(workspace: string, headSha: string): Promise<string | undefined> {
  const head = (await readIfPresent(join(workspace, '.git', 'HEAD')))?.trim();
  if (!head || !/^[0-9a-f]{40}$/.test(head) || head === headSha) return undefined;
  return `the workspace holds commit ${head.slice(0, 7)}, not the PR head ${headSha.slice(0, 7)} (actions/checkout checks out a merge commit by default); check out "ref: \${{ github.event.pull_request.head.sha }}" so the generated files can be committed.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
