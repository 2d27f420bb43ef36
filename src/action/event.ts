/**
 * What a run converts, decided from the event alone (no I/O): DESIGN.md §7 triggers.
 * `pull_request` → the hunts the PR changed; `workflow_dispatch` and `push` to the default
 * branch → all hunts; anything else → a notice and success.
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestPlan {
  kind: 'pull_request';
  number: number;
  baseSha: string;
  headSha: string;
  /** Branch of the PR head (in the head repository). */
  headRef: string;
  /** `owner/name` of the head repository; undefined when the fork was deleted. */
  headRepo?: string;
  /** The PR's own count of changed files: `pulls.listFiles` stops at 3000. */
  changedFiles?: number;
}

export interface AllHuntsPlan {
  kind: 'all';
  trigger: 'workflow_dispatch' | 'push';
  /** The commit the workspace holds. */
  sha: string;
  /** The branch the run is on; undefined for a tag. */
  branch?: string;
}

export interface SkipPlan {
  kind: 'skip';
  reason: string;
}

export type EventPlan = (PullRequestPlan | AllHuntsPlan) & {
  repo: RepoRef;
  /** Why this run must not write (no commit, no comment, no status), or undefined if it may. */
  readOnlyReason?: string;
  privateRepo: boolean;
};

export interface EventInput {
  eventName: string;
  payload: Record<string, unknown>;
  /** `GITHUB_REPOSITORY`: `owner/name`. */
  repository: string;
  /** `GITHUB_REF`. */
  ref: string;
  /** `GITHUB_SHA`. */
  sha: string;
  /** `GITHUB_ACTOR`. */
  actor: string;
}

/** PR actions after which there is nothing new to convert. */
const IGNORED_PR_ACTIONS = new Set(['closed', 'assigned', 'unassigned', 'review_requested', 'review_request_removed', 'locked', 'unlocked']);

export function planEvent(input: EventInput): EventPlan | SkipPlan {
  const [owner, repo] = input.repository.split('/');
  if (!owner || !repo) return { kind: 'skip', reason: `GITHUB_REPOSITORY is "${input.repository}", expected owner/name` };
  const repoRef = { owner, repo };
  const repository = record(input.payload.repository);
  const privateRepo = repository?.private === true;

  switch (input.eventName) {
    case 'pull_request': {
      const action = typeof input.payload.action === 'string' ? input.payload.action : '';
      if (IGNORED_PR_ACTIONS.has(action)) return { kind: 'skip', reason: `pull_request "${action}": nothing to convert` };
      const pr = record(input.payload.pull_request);
      const head = record(pr?.head);
      const base = record(pr?.base);
      const number = pr?.number ?? input.payload.number;
      if (!pr || !head || !base || typeof number !== 'number' || typeof head.sha !== 'string' || typeof base.sha !== 'string' || typeof head.ref !== 'string') {
        return { kind: 'skip', reason: 'the pull_request event payload lacks the PR number, head or base' };
      }
      const headRepo = str(record(head.repo)?.full_name);
      const baseRepo = str(record(base.repo)?.full_name) ?? input.repository;
      const readOnlyReason = !headRepo
        ? 'the PR head repository was deleted, so nothing can be committed to it'
        : headRepo.toLowerCase() !== baseRepo.toLowerCase()
          ? `this PR comes from the fork ${headRepo}: its GITHUB_TOKEN is read-only, so the action does not commit, comment or post a status`
          : isDependabot(input.actor)
            ? 'Dependabot runs get a read-only GITHUB_TOKEN, so the action does not commit, comment or post a status'
            : undefined;
      return {
        kind: 'pull_request',
        repo: repoRef,
        privateRepo,
        readOnlyReason,
        number,
        baseSha: base.sha,
        headSha: head.sha,
        headRef: head.ref,
        headRepo,
        changedFiles: typeof pr.changed_files === 'number' ? pr.changed_files : undefined
      };
    }
    case 'workflow_dispatch':
      return {
        kind: 'all',
        trigger: 'workflow_dispatch',
        repo: repoRef,
        privateRepo,
        sha: input.sha,
        branch: branchOf(input.ref),
        readOnlyReason: isDependabot(input.actor) ? 'Dependabot runs get a read-only GITHUB_TOKEN' : undefined
      };
    case 'push': {
      const branch = branchOf(input.ref);
      const defaultBranch = str(repository?.default_branch);
      if (!branch || !defaultBranch || branch !== defaultBranch) {
        return { kind: 'skip', reason: `push to ${input.ref}: only pushes to the default branch${defaultBranch ? ` (${defaultBranch})` : ''} are converted` };
      }
      const after = str(input.payload.after);
      return { kind: 'all', trigger: 'push', repo: repoRef, privateRepo, sha: after && !/^0+$/.test(after) ? after : input.sha, branch };
    }
    case 'pull_request_target':
      return {
        kind: 'skip',
        reason: 'pull_request_target is not supported: it runs with a write token next to untrusted PR content; use pull_request (see the docs)'
      };
    default:
      return { kind: 'skip', reason: `the ${input.eventName} event is not handled; use pull_request, workflow_dispatch or push` };
  }
}

function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

function isDependabot(actor: string): boolean {
  return actor === 'dependabot[bot]';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
