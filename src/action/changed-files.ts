import type { GitHubClient } from './github-client.js';
import type { RepoRef } from './event.js';

/** One entry of `pulls.listFiles` (only what the action reads). */
export interface PullFile {
  filename: string;
  status: string;
  previous_filename?: string;
}

/** `pulls.listFiles` returns at most this many files; a PR with more is listed incompletely. */
export const LIST_FILES_CAP = 3000;

/** What a PR did to hunt reports, by repository path. */
export interface HuntChanges {
  /** Head paths to convert (added, modified, renamed-to, copied). */
  changed: string[];
  /** Hunt paths gone from the head (removed, renamed-from): their outputs are deleted. */
  removed: string[];
  /** Paths whose base version counts in the base coverage (modified, renamed-from, removed). */
  basePaths: string[];
  /** Head path → base path, for hunts that exist on both sides (modified or renamed). */
  replaces: Record<string, string>;
}

/**
 * Sorts the PR's files into hunt changes with the hunt matcher. `renamed` counts as removing
 * the old path and adding the new one (each only if it matches); `copied` as an addition (the
 * copy's source is unchanged); `unchanged` is ignored.
 */
export function classifyHuntChanges(files: readonly PullFile[], isHunt: (path: string) => boolean): HuntChanges {
  const changed = new Set<string>();
  const removed = new Set<string>();
  const basePaths = new Set<string>();
  const replaces: Record<string, string> = {};
  for (const file of files) {
    const head = file.filename;
    const previous = file.status === 'renamed' ? (file.previous_filename ?? head) : head;
    switch (file.status) {
      case 'added':
      case 'copied':
        if (isHunt(head)) changed.add(head);
        break;
      case 'modified':
      case 'changed':
      case 'renamed':
        if (isHunt(head)) changed.add(head);
        if (isHunt(previous)) {
          basePaths.add(previous);
          if (previous !== head) removed.add(previous);
          if (isHunt(head)) replaces[head] = previous;
        }
        break;
      case 'removed':
        if (isHunt(head)) {
          removed.add(head);
          basePaths.add(head);
        }
        break;
      default:
        break;
    }
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return { changed: sorted(changed), removed: sorted(removed), basePaths: sorted(basePaths), replaces };
}

/**
 * All files of the PR, 100 per page: ⌈files/100⌉ requests. `truncated` when GitHub's cap of
 * 3000 files was reached or the PR itself counts more files than that.
 */
export async function listPullFiles(
  octokit: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  changedFiles: number | undefined
): Promise<{ files: PullFile[]; truncated: boolean }> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number: pullNumber, per_page: 100 }, (response) =>
    response.data.map((f) => ({ filename: f.filename, status: f.status, previous_filename: f.previous_filename }))
  );
  const truncated = files.length >= LIST_FILES_CAP || (changedFiles ?? 0) > LIST_FILES_CAP;
  return { files, truncated };
}
