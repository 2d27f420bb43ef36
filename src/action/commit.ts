import type { RepoRef } from './event.js';
import { errorStatus, type GitHubClient } from './github-client.js';

/** One file of the commit: `content` to write, or undefined to delete. Paths are repository-relative. */
export interface FileChange {
  path: string;
  content?: string;
}

export interface TreeEntry {
  path: string;
  mode: '100644';
  type: 'blob';
  content?: string;
  sha?: null;
}

/**
 * The `git.createTree` entries for a set of changes, in path order: inline `content` for
 * writes (GitHub creates the blobs), `sha: null` for deletions. The tree is laid over the head
 * commit's tree (`base_tree`), so only changed paths are sent.
 */
export function treeEntries(changes: readonly FileChange[]): TreeEntry[] {
  return [...changes]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((change) =>
      change.content === undefined
        ? { path: change.path, mode: '100644', type: 'blob', sha: null }
        : { path: change.path, mode: '100644', type: 'blob', content: change.content }
    );
}

/** A branch that moves under the run (a push, another run) is re-read this many times in all. */
export const MAX_COMMIT_ATTEMPTS = 3;

export type CommitOutcome =
  | { kind: 'committed'; sha: string; parentSha: string; attempts: number; verified?: boolean; verificationReason?: string }
  | { kind: 'unchanged'; headSha: string };

/**
 * One commit of `changes` on top of `branch` with the Git Data API: read the ref, read the tip
 * commit's tree, create one tree (`base_tree` = tip tree), create one commit (parent = tip),
 * then move the ref with `force: false`. If the branch moved meanwhile GitHub answers 422
 * "Update is not a fast forward": re-read and retry, keeping the other commit as the parent.
 * No author or committer is sent, so GitHub signs the commit for a bot token.
 */
export async function commitChanges(
  octokit: GitHubClient,
  repo: RepoRef,
  branch: string,
  changes: readonly FileChange[],
  message: string,
  log: (message: string) => void
): Promise<CommitOutcome> {
  const ref = `heads/${branch}`;
  const tree = treeEntries(changes);
  for (let attempt = 1; ; attempt++) {
    const tip = (await octokit.rest.git.getRef({ ...repo, ref })).data.object.sha;
    const tipCommit = (await octokit.rest.git.getCommit({ ...repo, commit_sha: tip })).data;
    const newTree = (await octokit.rest.git.createTree({ ...repo, base_tree: tipCommit.tree.sha, tree })).data;
    if (newTree.sha === tipCommit.tree.sha) return { kind: 'unchanged', headSha: tip };
    const commit = (await octokit.rest.git.createCommit({ ...repo, message, tree: newTree.sha, parents: [tip] })).data;
    try {
      await octokit.rest.git.updateRef({ ...repo, ref, sha: commit.sha, force: false });
      return {
        kind: 'committed',
        sha: commit.sha,
        parentSha: tip,
        attempts: attempt,
        verified: commit.verification?.verified,
        verificationReason: commit.verification?.reason
      };
    } catch (err) {
      if (!isNotFastForward(err) || attempt >= MAX_COMMIT_ATTEMPTS) {
        if (isNotFastForward(err)) throw new Error(`the branch ${branch} kept moving during the run; gave up after ${attempt} attempts`);
        throw err;
      }
      log(`the branch ${branch} moved during the run (attempt ${attempt} of ${MAX_COMMIT_ATTEMPTS}); re-reading it`);
    }
  }
}

function isNotFastForward(err: unknown): boolean {
  return errorStatus(err) === 422 && /fast[ -]forward/i.test(err instanceof Error ? err.message : String(err));
}
