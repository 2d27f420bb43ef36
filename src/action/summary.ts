import * as core from '@actions/core';

/**
 * The job summary: the full report (a step's summary over 1 MiB is dropped whole, so the
 * report is rendered within that budget). It needs no token permission, so it is the report of
 * fork PRs too. Without `GITHUB_STEP_SUMMARY` (a local run) the report goes to the log.
 */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown).write();
}
