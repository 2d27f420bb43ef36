import { createRequire } from 'node:module';
import { classifyHuntChanges, type PullFile } from '../src/action/changed-files.js';
import { COMMENT_MARKER, isInstallationToken, isOurComment } from '../src/action/comment.js';
import { treeEntries } from '../src/action/commit.js';
import { planEvent, type EventInput } from '../src/action/event.js';
import { describeGitHubError } from '../src/action/github-client.js';
import { huntMatcher, literalPrefix } from '../src/action/hunt-files.js';
import { DEFAULT_HUNTS_GLOB, isValidBranchName, parseInputs } from '../src/action/inputs.js';
import { decideVerdict, statusDescription } from '../src/action/status.js';

const require = createRequire(import.meta.url);
const webhooks = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];
const example = (name: string, action?: string) =>
  structuredClone(webhooks.find((w) => w.name === name)!.examples.find((e) => action === undefined || e.action === action)!) as Record<string, any>;

const base: Omit<EventInput, 'eventName' | 'payload'> = { repository: 'Codertocat/Hello-World', ref: 'refs/pull/2/merge', sha: 'merge'.padEnd(40, '0'), actor: 'Codertocat' };

describe('planEvent (real webhook payloads from @octokit/webhooks-examples)', () => {
  test('pull_request opened: the PR head, base and number; same repository, so writes are allowed', () => {
    const payload = example('pull_request', 'opened');
    const plan = planEvent({ ...base, eventName: 'pull_request', payload });
    expect(plan).toMatchObject({
      kind: 'pull_request',
      number: payload.number,
      headSha: payload.pull_request.head.sha,
      baseSha: payload.pull_request.base.sha,
      headRef: payload.pull_request.head.ref,
      repo: { owner: 'Codertocat', repo: 'Hello-World' },
      readOnlyReason: undefined
    });
  });

  test('a PR from a fork, or with a deleted head repository, is read-only', () => {
    const payload = example('pull_request', 'synchronize');
    payload.pull_request.head.repo.full_name = 'mallory/Hello-World';
    const fork = planEvent({ ...base, eventName: 'pull_request', payload });
    expect(fork.kind === 'pull_request' && fork.readOnlyReason).toMatch(/fork mallory\/Hello-World.*read-only/);
    payload.pull_request.head.repo = null;
    const deleted = planEvent({ ...base, eventName: 'pull_request', payload });
    expect(deleted.kind === 'pull_request' && deleted.readOnlyReason).toMatch(/deleted/);
  });

  test('Dependabot PRs are read-only', () => {
    const plan = planEvent({ ...base, actor: 'dependabot[bot]', eventName: 'pull_request', payload: example('pull_request', 'opened') });
    expect(plan.kind === 'pull_request' && plan.readOnlyReason).toMatch(/Dependabot/);
  });

  test('a closed PR has nothing to convert', () => {
    expect(planEvent({ ...base, eventName: 'pull_request', payload: example('pull_request', 'closed') })).toMatchObject({ kind: 'skip' });
  });

  test('workflow_dispatch converts all hunts on the dispatched branch', () => {
    const payload = example('workflow_dispatch');
    const plan = planEvent({ ...base, repository: 'octo-org/octo-repo', ref: 'refs/heads/main', sha: 'a'.repeat(40), eventName: 'workflow_dispatch', payload });
    expect(plan).toMatchObject({ kind: 'all', trigger: 'workflow_dispatch', branch: 'main', sha: 'a'.repeat(40) });
  });

  test('push: the default branch converts all hunts; another branch is skipped', () => {
    const payload = example('push');
    const defaultBranch = payload.repository.default_branch as string;
    const onDefault = planEvent({ ...base, ref: `refs/heads/${defaultBranch}`, eventName: 'push', payload });
    expect(onDefault).toMatchObject({ kind: 'all', trigger: 'push', branch: defaultBranch, sha: payload.after });
    expect(planEvent({ ...base, ref: 'refs/heads/feature', eventName: 'push', payload })).toMatchObject({ kind: 'skip' });
  });

  test('pull_request_target and other events are skipped with a reason', () => {
    const target = planEvent({ ...base, eventName: 'pull_request_target', payload: example('pull_request', 'opened') });
    expect(target).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/pull_request_target is not supported/) });
    expect(planEvent({ ...base, eventName: 'issue_comment', payload: {} })).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/issue_comment/) });
  });
});

describe('hunt glob', () => {
  const isHunt = huntMatcher([DEFAULT_HUNTS_GLOB]);
  test.each([
    ['hunts/aitm.yml', true],
    ['hunts/aitm.yaml', true],
    ['hunts/2026/q2/beacon.json', true],
    ['hunts/notes.md', false],
    ['docs/hunts/aitm.yml', false],
    ['hunts.yml', false],
    ['hunts/.drafts/x.yml', false]
  ])('%s → %s', (path, expected) => {
    expect(isHunt(path)).toBe(expected);
  });

  test('several patterns; the walk starts below each literal prefix', () => {
    const isHunt2 = huntMatcher(['hunts/*.yml', 'reports/**/*.json']);
    expect(isHunt2('reports/a/b.json')).toBe(true);
    expect(isHunt2('hunts/a/b.yml')).toBe(false);
    expect(literalPrefix('hunts/**/*.{yml,yaml}')).toBe('hunts');
    expect(literalPrefix('a/b/c/*.yml')).toBe('a/b/c');
    expect(literalPrefix('*.yml')).toBe('');
    expect(literalPrefix('{a,b}/x.yml')).toBe('');
  });
});

describe('classifyHuntChanges (pulls.listFiles statuses)', () => {
  const isHunt = huntMatcher([DEFAULT_HUNTS_GLOB]);
  const files: PullFile[] = [
    { filename: 'hunts/new.yml', status: 'added' },
    { filename: 'hunts/edited.yml', status: 'modified' },
    { filename: 'hunts/gone.yml', status: 'removed' },
    { filename: 'hunts/renamed-to.yml', status: 'renamed', previous_filename: 'hunts/renamed-from.yml' },
    { filename: 'archive/old.yml', status: 'renamed', previous_filename: 'hunts/archived.yml' },
    { filename: 'hunts/promoted.yml', status: 'renamed', previous_filename: 'drafts/promoted.yml' },
    { filename: 'hunts/copy.yml', status: 'copied', previous_filename: 'hunts/edited.yml' },
    { filename: 'hunts/same.yml', status: 'unchanged' },
    { filename: 'README.md', status: 'modified' }
  ];
  const changes = classifyHuntChanges(files, isHunt);

  test('added, modified, renamed-to and copied hunts are converted', () => {
    expect(changes.changed).toEqual(['hunts/copy.yml', 'hunts/edited.yml', 'hunts/new.yml', 'hunts/promoted.yml', 'hunts/renamed-to.yml']);
  });
  test('removed hunts and the old names of renamed ones lose their outputs', () => {
    expect(changes.removed).toEqual(['hunts/archived.yml', 'hunts/gone.yml', 'hunts/renamed-from.yml']);
  });
  test('the base side of the coverage diff reads modified, renamed-from and removed hunts at the base', () => {
    expect(changes.basePaths).toEqual(['hunts/archived.yml', 'hunts/edited.yml', 'hunts/gone.yml', 'hunts/renamed-from.yml']);
    expect(changes.replaces).toEqual({ 'hunts/edited.yml': 'hunts/edited.yml', 'hunts/renamed-to.yml': 'hunts/renamed-from.yml' });
  });
});

describe('parseInputs', () => {
  const from = (values: Record<string, string>) => (name: string) => values[name] ?? '';

  test('defaults (as the runner passes them when the workflow sets nothing)', () => {
    const { inputs, errors } = parseInputs(from({ token: 'ghs_x' }));
    expect(errors).toEqual([]);
    expect(inputs).toMatchObject({
      hunts: [DEFAULT_HUNTS_GLOB],
      outputDir: 'detections',
      formats: ['sigma', 'kql', 'spl', 'sql', 'navigator'],
      kqlFlavor: 'xdr',
      statusMap: { Validated: 'stable', Scoped: 'test', Unscoped: 'experimental' },
      lookbackDays: 7,
      commit: true,
      comment: true,
      failOnWarnings: false,
      branch: undefined
    });
  });

  test('every bad input is reported by name, all at once', () => {
    const { inputs, errors } = parseInputs(
      from({ token: 'ghs_x', formats: 'sigma,yara', 'output-dir': '../outside', commit: 'maybe', 'kql-flavor': 'splunk', branch: 'feature..x', hunts: '/etc/*.yml' })
    );
    expect(inputs).toBeUndefined();
    expect(errors.map((e) => /^input "([^"]+)"/.exec(e)?.[1]).sort()).toEqual(['branch', 'commit', 'formats', 'hunts', 'kql-flavor', 'output-dir']);
    expect(errors.find((e) => e.startsWith('input "formats"'))).toMatch(/yara/);
  });

  test('paths are normalised; several hunt globs one per line', () => {
    const { inputs } = parseInputs(from({ token: 't', 'output-dir': './out/rules/', hunts: 'hunts/*.yml\n ./more/**/*.json \n' }));
    expect(inputs?.outputDir).toBe('out/rules');
    expect(inputs?.hunts).toEqual(['hunts/*.yml', 'more/**/*.json']);
  });

  test.each([
    ['feature/x', true],
    ['dependabot/npm/a-1.2', true],
    ['-x', false],
    ['a..b', false],
    ['a b', false],
    ['x.lock', false],
    ['refs/heads/x', false]
  ])('branch name %s → %s', (name, ok) => {
    expect(isValidBranchName(name)).toBe(ok);
  });
});

describe('verdict and status', () => {
  const clean = { reports: 3, invalidReports: 0, errors: 0, warnings: 2, conflicts: 0, failOnWarnings: false, setupErrors: 0 };
  test('schema errors fail the step with how many reports failed and where to look', () => {
    expect(decideVerdict({ ...clean, invalidReports: 1, errors: 4 })).toEqual({
      ok: false,
      failure: '1 of 3 reports failed validation; see the annotations and the job summary'
    });
  });
  test('warnings pass unless fail-on-warnings', () => {
    expect(decideVerdict(clean).ok).toBe(true);
    expect(decideVerdict({ ...clean, failOnWarnings: true }).failure).toMatch(/2 warnings and fail-on-warnings is set/);
  });
  test('hand-edited outputs fail', () => {
    expect(decideVerdict({ ...clean, conflicts: 1 }).failure).toMatch(/1 generated file was edited by hand/);
  });
  test('status descriptions fit GitHub\'s 140 characters', () => {
    expect(statusDescription({ ok: true }, { hunts: 2, rules: 5, added: 1, removed: 0 })).toBe('2 hunts, 5 rules; coverage +1 -0');
    expect(statusDescription({ ok: false, failure: 'x'.repeat(500) }, { hunts: 0, rules: 0, added: 0, removed: 0 }).length).toBe(140);
  });
});

describe('sticky comment identity', () => {
  const bot = { login: 'github-actions[bot]', type: 'Bot' };
  test('ours: starts with the marker and was written by a bot (installation token)', () => {
    expect(isOurComment({ id: 1, body: `${COMMENT_MARKER}\n## report`, user: bot }, { kind: 'bot' })).toBe(true);
    expect(isOurComment({ id: 2, body: `quoting ${COMMENT_MARKER}`, user: bot }, { kind: 'bot' })).toBe(false);
    expect(isOurComment({ id: 3, body: `${COMMENT_MARKER}\nfake`, user: { login: 'mallory', type: 'User' } }, { kind: 'bot' })).toBe(false);
    expect(isOurComment({ id: 4, body: null, user: bot }, { kind: 'bot' })).toBe(false);
  });
  test('with a personal token, only that user\'s comments are ours', () => {
    expect(isOurComment({ id: 1, body: COMMENT_MARKER, user: { login: 'ci-user', type: 'User' } }, { kind: 'login', login: 'ci-user' })).toBe(true);
    expect(isOurComment({ id: 1, body: COMMENT_MARKER, user: bot }, { kind: 'login', login: 'ci-user' })).toBe(false);
    expect(isInstallationToken('ghs_abc')).toBe(true);
    expect(isInstallationToken('github_pat_abc')).toBe(false);
  });
});

describe('GitHub errors', () => {
  const requestError = (status: number, message: string) => Object.assign(new Error(message), { status });
  test('a missing permission names the permission to add', () => {
    expect(describeGitHubError(requestError(403, 'Resource not accessible by integration'), 'Updating the PR comment', 'pull-requests: write')).toMatch(
      /Add "pull-requests: write" to the job's permissions/
    );
  });
  test('other errors say what failed and the status', () => {
    expect(describeGitHubError(requestError(422, 'Protected branch update failed'), 'Committing', 'contents: write')).toBe(
      'Committing failed (HTTP 422): Protected branch update failed'
    );
  });
});

describe('treeEntries', () => {
  test('inline contents for writes, sha: null for deletions, in path order', () => {
    expect(treeEntries([{ path: 'd/b.yml', content: 'x\n' }, { path: 'd/a.kql' }])).toEqual([
      { path: 'd/a.kql', mode: '100644', type: 'blob', sha: null },
      { path: 'd/b.yml', mode: '100644', type: 'blob', content: 'x\n' }
    ]);
  });
});
