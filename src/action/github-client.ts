import * as github from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/**
 * Octokit with the retry and throttling plugins (REFERENCE.md §5): 5xx answers are retried by
 * `retry` (3 times, backoff 1 s, 4 s, 9 s); 429 and rate limits belong to `throttling`, which
 * serialises writes 1 s apart and retries a secondary rate limit once after its Retry-After.
 */
export type GitHubClient = ReturnType<typeof github.getOctokit>;

export interface ClientLog {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** Waiting longer than this for a primary rate limit to reset is worse than failing the run. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 60;

export function createGitHubClient(token: string, log: ClientLog): GitHubClient {
  return github.getOctokit(
    token,
    {
      log: { debug: log.debug, info: log.debug, warn: log.info, error: log.warning },
      throttle: {
        onRateLimit: (retryAfter, options, _octokit, retryCount) => {
          const retrying = retryCount < 2 && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
          log.warning(`GitHub rate limit hit on ${options.method} ${options.url}; ${retrying ? `retrying in ${retryAfter} s` : 'giving up'}`);
          return retrying;
        },
        onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
          const retrying = retryCount < 1;
          log.warning(`GitHub secondary rate limit hit on ${options.method} ${options.url}; ${retrying ? `retrying once in ${retryAfter} s` : 'giving up'}`);
          return retrying;
        }
      },
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] }
    },
    retry,
    throttling
  );
}

/** The HTTP status of an Octokit request error, if it is one. */
export function errorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** What a write needs from the token, named as the workflow's `permissions:` key. */
export type WritePermission = 'contents: write' | 'pull-requests: write' | 'statuses: write';

/**
 * A GitHub error as a sentence for the job summary. A 403 "Resource not accessible by
 * integration" (or a 404 on a write, which GitHub returns for some missing scopes) names the
 * permission to add.
 */
export function describeGitHubError(err: unknown, what: string, permission?: WritePermission): string {
  const status = errorStatus(err);
  const message = err instanceof Error ? err.message : String(err);
  if (permission && (status === 403 || status === 404) && /not accessible by integration|Not Found|permission/i.test(message)) {
    return `${what} failed: the token may not do this (${status}: ${message}). Add "${permission}" to the job's permissions (and check Settings → Actions → General → Workflow permissions).`;
  }
  return `${what} failed${status ? ` (HTTP ${status})` : ''}: ${message}`;
}
