import type { RepoRef } from './event.js';
import { errorStatus, type GitHubClient } from './github-client.js';

/** First line of every report comment; with the author check it finds the comment again. */
export const COMMENT_MARKER = '<!-- peak-to-sigma:report -->';

/** Whose comments may be ours: any bot for an installation token, else the token's own login. */
export type CommentAuthor = { kind: 'bot' } | { kind: 'login'; login: string };

export interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login: string; type?: string } | null;
}

/**
 * An installation token (`ghs_`: GITHUB_TOKEN or a GitHub App) comments as a bot
 * (`github-actions[bot]`, `<app>[bot]`); `GET /user` does not work for it. Any other token
 * (a PAT) comments as its user, whose login must be asked for.
 */
export function isInstallationToken(token: string): boolean {
  return token.startsWith('ghs_');
}

/** Ours = starts with the marker and was written by our identity; a person quoting the marker never matches. */
export function isOurComment(comment: IssueComment, author: CommentAuthor): boolean {
  if (!comment.body?.startsWith(COMMENT_MARKER) || !comment.user) return false;
  return author.kind === 'bot' ? comment.user.type === 'Bot' : comment.user.login === author.login;
}

export async function commentAuthorFor(octokit: GitHubClient, token: string): Promise<CommentAuthor> {
  if (isInstallationToken(token)) return { kind: 'bot' };
  return { kind: 'login', login: (await octokit.rest.users.getAuthenticated()).data.login };
}

export type CommentOutcome = { action: 'created' | 'updated' | 'unchanged'; id: number; url?: string };

/**
 * One sticky comment per PR: find ours among all comments (paginated, 100 per page), update it
 * in place unless the body is already identical, or create it (when `createIfMissing`; a PR
 * that touches no hunt report gets no new comment). Creating is not idempotent, so
 * it is not retried blindly: after a failed create the comments are listed again first.
 */
export async function upsertComment(
  octokit: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  body: string,
  author: CommentAuthor,
  createIfMissing: boolean
): Promise<CommentOutcome | undefined> {
  const findOurs = async () =>
    (await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 })).find((c) =>
      isOurComment(c, author)
    );
  const update = async (existing: IssueComment): Promise<CommentOutcome> => {
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url };
    const updated = (await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body })).data;
    return { action: 'updated', id: updated.id, url: updated.html_url };
  };
  const create = async (): Promise<CommentOutcome> => {
    const created = (await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body, request: { retries: 0 } })).data;
    return { action: 'created', id: created.id, url: created.html_url };
  };

  const existing = await findOurs();
  if (existing) return update(existing);
  if (!createIfMissing) return undefined;
  try {
    return await create();
  } catch (err) {
    const status = errorStatus(err);
    if (status === undefined || status < 500) throw err;
    const landed = await findOurs();
    return landed ? update(landed) : create();
  }
}
