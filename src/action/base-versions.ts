import type { RepoRef } from './event.js';
import { errorStatus, type GitHubClient } from './github-client.js';

/**
 * The base versions of the hunts a PR changed, for the base side of the coverage diff.
 *
 * One `repos.getContent` (raw media type) per changed hunt at the base sha: the number of
 * requests grows with the hunts the PR touched, never with the hunts in the repository. (The
 * Git trees API would cost one recursive tree read plus one blob read per changed hunt, so it
 * saves nothing; a checkout of the base would need git history the default checkout lacks.)
 * A path missing at the base (404) has no base version; a base version that does not parse
 * simply adds nothing to the base coverage.
 */
export async function fetchBaseVersions(
  octokit: GitHubClient,
  repo: RepoRef,
  baseSha: string,
  paths: readonly string[]
): Promise<{ versions: { file: string; source: string | Uint8Array }[]; problems: string[] }> {
  const versions: { file: string; source: string | Uint8Array }[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    try {
      const response = await octokit.rest.repos.getContent({ ...repo, path, ref: baseSha, mediaType: { format: 'raw' } });
      const source = rawBody(response.data);
      if (source === undefined) problems.push(`${path} at the base is not a file, so it adds nothing to the base coverage`);
      else versions.push({ file: path, source });
    } catch (err) {
      if (errorStatus(err) !== 404) throw err;
    }
  }
  return { versions, problems };
}

/** Octokit hands a raw body over as text when GitHub names a UTF-8 charset, else as bytes. */
function rawBody(data: unknown): string | Uint8Array | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return undefined;
}
