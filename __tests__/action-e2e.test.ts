import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMENT_MARKER } from '../src/action/comment.js';
import { MANIFEST_FILE } from '../src/core/manifest.js';
import { AITM, beaconHunt, generated, OUT, OWNER, REPO, tally, TOKEN, webhooks, workspaceWith } from './support/action-fixtures.js';
import { FakeGitHub } from './support/fake-github.js';
import { type ActionRun, BUNDLE, PROJECT_ROOT, runAction } from './support/run-action.js';

/**
 * End-to-end: the BUILT bundle (`npm run build` → dist/index.js) runs as a child process against
 * a local GitHub that checks every request against GitHub's OpenAPI description. Each scenario
 * asserts what happened in the repository, the comment, the status, the step result, and the
 * exact number of API requests.
 */

const BEACON = beaconHunt('<img src=x onerror=alert(1)> @org/team | x');

const BROKEN = `hunt:
  name: "Broken hunt"
  hypothesis: "x"
  analyst: "y"
  date: "2026-05-02"
  peak_phase: Scoped
data_sources:
  - name: "EDR"
    type: endpoint
finding:
  - tactic: "Execution"
    technique: "T59"
verdict: "n/a"
`;

interface PullRequestSetup {
  fake: FakeGitHub;
  baseSha: string;
  headSha: string;
  workspace: string;
  payload: Record<string, any>;
}

/** A repository with `main` at `baseFiles`, a PR branch `feature` at `headFiles`, and the PR's file list. */
async function pullRequest(baseFiles: Record<string, string>, headFiles: Record<string, string>, options: { extraPullFiles?: number; fork?: boolean } = {}): Promise<PullRequestSetup> {
  const fake = await new FakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN }).start();
  const baseSha = fake.commitFiles(baseFiles, [], 'base');
  const headSha = fake.commitFiles(headFiles, [baseSha], 'hunter: add hunts');
  fake.refs.set('heads/main', baseSha);
  fake.refs.set('heads/feature', headSha);
  const paths = [...new Set([...Object.keys(baseFiles), ...Object.keys(headFiles)])].sort();
  fake.pullFiles = paths.flatMap((filename) =>
    !(filename in baseFiles) ? [{ filename, status: 'added' }] : !(filename in headFiles) ? [{ filename, status: 'removed' }] : baseFiles[filename] !== headFiles[filename] ? [{ filename, status: 'modified' }] : []
  );
  for (let i = 0; i < (options.extraPullFiles ?? 0); i++) fake.pullFiles.push({ filename: `docs/notes-${i}.md`, status: 'added' });

  const payload = structuredClone(webhooks.find((w) => w.name === 'pull_request')!.examples.find((e) => e.action === 'opened')!);
  payload.number = 7;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.name = REPO;
  payload.repository.owner.login = OWNER;
  payload.repository.private = false;
  Object.assign(payload.pull_request, { number: 7, changed_files: fake.pullFiles.length });
  Object.assign(payload.pull_request.base, { sha: baseSha, ref: 'main' });
  payload.pull_request.base.repo.full_name = `${OWNER}/${REPO}`;
  Object.assign(payload.pull_request.head, { sha: headSha, ref: 'feature' });
  payload.pull_request.head.repo.full_name = options.fork ? `mallory/${REPO}` : `${OWNER}/${REPO}`;
  return { fake, baseSha, headSha, workspace: workspaceWith(headFiles), payload };
}

function runPullRequest(setup: PullRequestSetup, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace: setup.workspace,
    eventName: 'pull_request',
    payload: setup.payload,
    apiUrl: setup.fake.url,
    token: TOKEN,
    repository: `${OWNER}/${REPO}`,
    sha: 'f'.repeat(40),
    ref: 'refs/pull/7/merge',
    inputs
  });
}

/** Requests per operation, for readable failures. */
function ourComments(fake: FakeGitHub) {
  return fake.comments.filter((c) => c.user.type === 'Bot' && c.body.startsWith(COMMENT_MARKER));
}

const BASE_FILES: Record<string, string> = { 'README.md': '# hunts\n', 'hunts/aitm-proxy.yaml': AITM, ...generated({ 'hunts/aitm-proxy.yaml': AITM }) };
const fakes: FakeGitHub[] = [];

beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "npm run build" before the end-to-end tests`);
});

afterEach(async () => {
  for (const fake of fakes.splice(0)) {
    expect(fake.violations).toEqual([]);
    await fake.stop();
  }
});

async function track<T extends { fake: FakeGitHub }>(setup: Promise<T>): Promise<T> {
  const ready = await setup;
  fakes.push(ready.fake);
  return ready;
}

describe('pull_request', () => {
  test('a new hunt: one commit with its rules on the PR branch, one sticky comment, a success status (11 requests)', async () => {
    const headFiles = { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON };
    const setup = await track(pullRequest(BASE_FILES, headFiles, { extraPullFiles: 120 }));
    for (let i = 0; i < 150; i++) setup.fake.addComment(i === 3 ? `${COMMENT_MARKER}\nI am a person quoting the marker` : `comment ${i}`, { login: `reviewer${i % 4}`, type: 'User' });

    const run = await runPullRequest(setup);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);

    const { fake } = setup;
    expect(tally(fake)).toEqual({
      'pulls/list-files': 2,
      'git/get-ref': 1,
      'git/get-commit': 1,
      'git/create-tree': 1,
      'git/create-commit': 1,
      'git/update-ref': 1,
      'issues/list-comments': 2,
      'issues/create-comment': 1,
      'repos/create-commit-status': 1
    });
    expect(fake.requests).toHaveLength(11);

    const tip = fake.refs.get('heads/feature')!;
    expect(fake.commit(tip).parents).toEqual([setup.headSha]);
    expect(run.outputs['commit-sha']).toBe(tip);
    const committed = fake.filesAt(tip);
    const beaconFiles = Object.keys(committed).filter((p) => p.startsWith(`${OUT}/h-0107`));
    expect(beaconFiles.some((p) => p.endsWith('.yml'))).toBe(true);
    expect(beaconFiles.some((p) => p.endsWith('.kql'))).toBe(true);
    expect(beaconFiles.some((p) => p.endsWith('navigator.json'))).toBe(true);
    // The other hunt's outputs were not touched; only new files, coverage.json and the manifest were sent.
    const tree = fake.requests.find((r) => r.operation === 'git/create-tree')!.body as { tree: { path: string }[] };
    expect(tree.tree.map((e) => e.path).filter((p) => !p.startsWith(`${OUT}/h-0107`)).sort()).toEqual([`${OUT}/${MANIFEST_FILE}`, `${OUT}/coverage.json`]);
    expect(JSON.parse(committed[`${OUT}/coverage.json`]!).techniques.map((t: { techniqueID: string }) => t.techniqueID)).toContain('T1071.004');

    const comments = ourComments(fake);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/@(?!\u200D)/);
    expect(body).toMatch(/\| ➕ added \| `T1071\.004` \| DNS \|/);
    expect(body).toContain(`https://github.com/${OWNER}/${REPO}/blob/${tip}/${OUT}/h-0107`);
    expect(body).toContain('Open in ATT&CK Navigator');
    expect(fake.comments.find((c) => c.user.type === 'User' && c.body.startsWith(COMMENT_MARKER))!.body).toContain('I am a person');

    expect(fake.statuses).toEqual([expect.objectContaining({ sha: tip, state: 'success', context: 'peak-to-sigma' })]);
    expect(run.outputs).toMatchObject({ hunts: '1', findings: '1', errors: '0', 'coverage-added': 'T1071.004', 'coverage-removed': '', 'layer-path': `${OUT}/coverage.json` });
    expect(run.summary).toContain('T1071.004');
    expect(run.summary).not.toContain('<img');
    // The token reaches the log only inside the runner's own mask command, which hides it.
    expect(run.stdout.split('\n').filter((l) => l.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);

    // Re-run of the same event on a fresh checkout of the same head: nothing new to commit, the comment is updated in place.
    fake.requests.length = 0;
    const rerun = await runPullRequest({ ...setup, workspace: workspaceWith(headFiles) });
    expect(rerun.exitCode).toBe(0);
    expect(tally(fake)).toEqual({
      'pulls/list-files': 2,
      'git/get-ref': 1,
      'git/get-commit': 1,
      'git/create-tree': 1,
      'issues/list-comments': 2,
      'issues/update-comment': 1,
      'repos/create-commit-status': 1
    });
    expect(fake.requests).toHaveLength(9);
    expect(fake.refs.get('heads/feature')).toBe(tip);
    expect(ourComments(fake)).toHaveLength(1);
    expect(ourComments(fake)[0]!.body).toContain('already holds these generated files');
    expect(rerun.outputs['commit-sha']).toBe('');
    expect(fake.statuses.at(-1)).toMatchObject({ sha: tip, state: 'success' });
  });

  test('a removed hunt: its outputs are deleted and its techniques leave the coverage (10 requests)', async () => {
    const both = { 'hunts/aitm-proxy.yaml': AITM, 'hunts/c2-beacon.yaml': BEACON };
    const baseFiles: Record<string, string> = { 'README.md': '# hunts\n', ...both, ...generated(both) };
    const headFiles = { ...baseFiles };
    delete headFiles['hunts/c2-beacon.yaml'];
    const setup = await track(pullRequest(baseFiles, headFiles));

    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(0);
    expect(tally(setup.fake)).toEqual({
      'pulls/list-files': 1,
      'repos/get-content': 1,
      'git/get-ref': 1,
      'git/get-commit': 1,
      'git/create-tree': 1,
      'git/create-commit': 1,
      'git/update-ref': 1,
      'issues/list-comments': 1,
      'issues/create-comment': 1,
      'repos/create-commit-status': 1
    });
    expect(setup.fake.requests).toHaveLength(10);
    const committed = setup.fake.filesAt(setup.fake.refs.get('heads/feature')!);
    expect(Object.keys(committed).filter((p) => p.startsWith(`${OUT}/h-0107`))).toEqual([]);
    expect(Object.keys(committed).some((p) => p.startsWith(`${OUT}/aitm`))).toBe(true);
    expect(JSON.parse(committed[`${OUT}/${MANIFEST_FILE}`]!).files).not.toHaveProperty([expect.stringMatching(/^h-0107/)]);
    expect(Object.values(JSON.parse(committed[`${OUT}/${MANIFEST_FILE}`]!).files).map((e: any) => e.source)).not.toContain('hunts/c2-beacon.yaml');
    expect(run.outputs['coverage-removed']).toBe('T1071.004');
    expect(ourComments(setup.fake)[0]!.body).toMatch(/\| ➖ removed \| `T1071\.004` \|/);
  });

  test('an invalid hunt: the step fails with located annotations; nothing is committed (4 requests)', async () => {
    const setup = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'hunts/broken.yaml': BROKEN }));
    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::1 of 1 report failed validation; see the annotations and the job summary');
    const located = run.annotations.filter((a) => a.kind === 'error' && a.properties.file === 'hunts/broken.yaml');
    expect(located.length).toBeGreaterThan(0);
    for (const a of located) {
      expect(Number(a.properties.line)).toBeGreaterThan(0);
      expect(Number(a.properties.col)).toBeGreaterThan(0);
    }
    expect(located.some((a) => a.properties.line === '10' && /finding/.test(a.message))).toBe(true);
    expect(tally(setup.fake)).toEqual({ 'pulls/list-files': 1, 'issues/list-comments': 1, 'issues/create-comment': 1, 'repos/create-commit-status': 1 });
    expect(setup.fake.refs.get('heads/feature')).toBe(setup.headSha);
    expect(setup.fake.statuses).toEqual([expect.objectContaining({ sha: setup.headSha, state: 'failure' })]);
    expect(ourComments(setup.fake)[0]!.body).toMatch(/\[`hunts\/broken\.yaml:10:1`\]/);
    expect(run.summary).toContain('hunts/broken.yaml:10:1');
    expect(run.outputs.errors).not.toBe('0');
  });

  test('a fork PR: not one write request; the job summary says why and the verdict decides the step (1 request per run)', async () => {
    const valid = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON }, { fork: true }));
    const ok = await runPullRequest(valid);
    expect(ok.exitCode).toBe(0);
    expect(valid.fake.writes).toEqual([]);
    expect(tally(valid.fake)).toEqual({ 'pulls/list-files': 1 });
    // The summary is Markdown: punctuation in prose is backslash-escaped.
    expect(ok.summary.replace(/\\(.)/g, '$1')).toContain('fork mallory/hunts: its GITHUB_TOKEN is read-only');
    expect(ok.summary).toContain('T1071.004');

    const invalid = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'hunts/broken.yaml': BROKEN }, { fork: true }));
    const failed = await runPullRequest(invalid);
    expect(failed.exitCode).toBe(1);
    expect(invalid.fake.writes).toEqual([]);
    expect(invalid.fake.requests).toHaveLength(1);
  });

  test('the branch moves during the run: re-read, retry, and the other commit stays the parent (14 requests)', async () => {
    const setup = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON }));
    let pushed = '';
    setup.fake.beforeUpdateRef = () => {
      pushed = setup.fake.commitChange(setup.headSha, { 'docs/pushed-meanwhile.md': 'a human pushed this\n' }, 'push during the run');
      setup.fake.refs.set('heads/feature', pushed);
    };
    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(0);
    expect(tally(setup.fake)).toEqual({
      'pulls/list-files': 1,
      'git/get-ref': 2,
      'git/get-commit': 2,
      'git/create-tree': 2,
      'git/create-commit': 2,
      'git/update-ref': 2,
      'issues/list-comments': 1,
      'issues/create-comment': 1,
      'repos/create-commit-status': 1
    });
    expect(setup.fake.requests).toHaveLength(14);
    expect(setup.fake.requests.filter((r) => r.operation === 'git/update-ref').map((r) => r.status)).toEqual([422, 200]);
    const tip = setup.fake.refs.get('heads/feature')!;
    expect(setup.fake.commit(tip).parents).toEqual([pushed]);
    const files = setup.fake.filesAt(tip);
    expect(files['docs/pushed-meanwhile.md']).toBe('a human pushed this\n');
    expect(Object.keys(files).some((p) => p.startsWith(`${OUT}/h-0107`))).toBe(true);
    expect(setup.fake.statuses).toEqual([expect.objectContaining({ sha: tip, state: 'success' })]);
  });

  test('5xx answers and a secondary rate limit are retried; a failed comment creation is re-checked before retrying (14 requests)', async () => {
    const setup = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON }));
    setup.fake.fail({ operation: 'pulls/list-files', status: 502, body: { message: 'Server Error' } });
    setup.fake.fail({
      operation: 'git/create-tree',
      status: 403,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest' }
    });
    setup.fake.fail({ operation: 'issues/list-comments', status: 500, body: { message: 'Server Error' } });
    setup.fake.fail({ operation: 'issues/create-comment', status: 502, body: { message: 'Server Error' } });
    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(0);
    expect(tally(setup.fake)).toEqual({
      'pulls/list-files': 2,
      'git/get-ref': 1,
      'git/get-commit': 1,
      'git/create-tree': 2,
      'git/create-commit': 1,
      'git/update-ref': 1,
      'issues/list-comments': 3,
      'issues/create-comment': 2,
      'repos/create-commit-status': 1
    });
    expect(setup.fake.requests).toHaveLength(14);
    expect(ourComments(setup.fake)).toHaveLength(1);
    expect(run.stdout).toMatch(/secondary rate limit/);
  });

  test('a token without pull-requests: write gets a message naming the permission (9 requests)', async () => {
    const setup = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON }));
    setup.fake.fail({ operation: 'issues/create-comment', status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } });
    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*Add "pull-requests: write" to the job's permissions/);
    expect(setup.fake.requests).toHaveLength(9);
    expect(setup.fake.statuses).toEqual([expect.objectContaining({ state: 'failure' })]);
  });
});

describe('pull_request: scale and set-up', () => {
  test('a PR that changes no hunt report: success, no new comment, outputs left alone (3 requests)', async () => {
    const setup = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'README.md': '# hunts, edited\n' }));
    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(0);
    expect(tally(setup.fake)).toEqual({ 'pulls/list-files': 1, 'issues/list-comments': 1, 'repos/create-commit-status': 1 });
    expect(setup.fake.statuses).toEqual([expect.objectContaining({ sha: setup.headSha, state: 'success' })]);
    expect(run.summary).toContain('no hunt report changed');
  });

  test('API calls do not grow with the hunts in the repository: 60 unchanged hunts cost nothing (9 requests)', async () => {
    const many: Record<string, string> = { 'hunts/aitm-proxy.yaml': AITM };
    for (let i = 0; i < 60; i++) {
      many[`hunts/archive/h-${i}.yaml`] = BEACON.replace('H-0107', `H-2${String(i).padStart(3, '0')}`).replace('cdn-update.example.net', `c2-${i}.example.net`);
    }
    const baseFiles = { 'README.md': '# hunts\n', ...many, ...generated(many) };
    const setup = await track(pullRequest(baseFiles, { ...baseFiles, 'hunts/c2-beacon.yaml': BEACON }));
    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(0);
    expect(setup.fake.requests).toHaveLength(9);
    expect(run.outputs.hunts).toBe('1');
    const tree = setup.fake.requests.find((r) => r.operation === 'git/create-tree')!.body as { tree: { path: string }[] };
    expect(tree.tree.filter((e) => !e.path.startsWith(`${OUT}/h-0107`)).map((e) => e.path).sort()).toEqual([`${OUT}/${MANIFEST_FILE}`, `${OUT}/coverage.json`]);
  });

  test('a PR listing 3000 files (GitHub\'s cap) converts every hunt; 30 pages of files (38 requests)', async () => {
    const setup = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON }, { extraPullFiles: 2999 }));
    setup.payload.pull_request.changed_files = 4100;
    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(0);
    expect(setup.fake.count('pulls/list-files')).toBe(30);
    expect(setup.fake.requests).toHaveLength(38);
    expect(run.outputs.hunts).toBe('2');
    // The summary is Markdown: punctuation in prose is backslash-escaped.
    expect(run.summary.replace(/\\(.)/g, '$1')).toContain('This PR changes 4100 files, more than GitHub lists (3000), so every hunt report was converted and checked.');
  });

  test('a workspace on the merge commit (checkout\'s default) is not committed; the warning says how to check out the head (4 requests)', async () => {
    const setup = await track(pullRequest(BASE_FILES, { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON }));
    mkdirSync(join(setup.workspace, '.git'));
    writeFileSync(join(setup.workspace, '.git', 'HEAD'), `${'f'.repeat(40)}\n`);
    const run = await runPullRequest(setup);
    expect(run.exitCode).toBe(0);
    expect(tally(setup.fake)).toEqual({ 'pulls/list-files': 1, 'issues/list-comments': 1, 'issues/create-comment': 1, 'repos/create-commit-status': 1 });
    expect(run.annotations).toContainEqual(expect.objectContaining({ kind: 'warning', message: expect.stringContaining('ref: ${{ github.event.pull_request.head.sha }}') }));
    expect(setup.fake.refs.get('heads/feature')).toBe(setup.headSha);
  });
});

describe('workflow_dispatch', () => {
  test('converts every hunt and commits to the dispatched branch (6 requests)', async () => {
    const fake = await new FakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN }).start();
    fakes.push(fake);
    const files = { 'README.md': '# hunts\n', 'hunts/aitm-proxy.yaml': AITM, 'hunts/c2-beacon.yaml': BEACON };
    const sha = fake.commitFiles(files, [], 'hunts without rules');
    fake.refs.set('heads/main', sha);
    const payload = structuredClone(webhooks.find((w) => w.name === 'workflow_dispatch')!.examples[0]!);
    payload.repository.full_name = `${OWNER}/${REPO}`;
    payload.repository.name = REPO;
    payload.repository.private = true;
    const run = await runAction({ workspace: workspaceWith(files), eventName: 'workflow_dispatch', payload, apiUrl: fake.url, token: TOKEN, repository: `${OWNER}/${REPO}`, sha, ref: 'refs/heads/main' });
    expect(run.exitCode).toBe(0);
    expect(tally(fake)).toEqual({ 'git/get-ref': 1, 'git/get-commit': 1, 'git/create-tree': 1, 'git/create-commit': 1, 'git/update-ref': 1, 'repos/create-commit-status': 1 });
    const tip = fake.refs.get('heads/main')!;
    expect(fake.commit(tip).parents).toEqual([sha]);
    const committed = fake.filesAt(tip);
    expect(Object.keys(committed).filter((p) => p.startsWith(`${OUT}/`) && p.endsWith('navigator.json'))).toHaveLength(2);
    expect(committed).toMatchObject(generated({ 'hunts/aitm-proxy.yaml': AITM, 'hunts/c2-beacon.yaml': BEACON }));
    expect(run.outputs).toMatchObject({ hunts: '2', 'commit-sha': tip, 'coverage-added': '' });
    // Private repository: the Navigator cannot fetch the layer, so the summary links the file only.
    expect(run.summary).not.toContain('Open in ATT&CK Navigator');
    expect(run.summary).toContain('[layer file]');
    expect(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')).toContain('using: node24');
  });
});

describe('push', () => {
  async function pushTo(branch: string) {
    const fake = await new FakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN }).start();
    fakes.push(fake);
    const before = fake.commitFiles(BASE_FILES, [], 'hunts with rules');
    const files = { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON };
    const after = fake.commitFiles(files, [before], 'hunter: add a hunt');
    fake.refs.set(`heads/${branch}`, after);
    const payload = structuredClone(webhooks.find((w) => w.name === 'push')!.examples[0]!);
    Object.assign(payload, { ref: `refs/heads/${branch}`, before, after });
    Object.assign(payload.repository, { full_name: `${OWNER}/${REPO}`, name: REPO, default_branch: 'main', private: false });
    const run = await runAction({ workspace: workspaceWith(files), eventName: 'push', payload, apiUrl: fake.url, token: TOKEN, repository: `${OWNER}/${REPO}`, sha: after, ref: `refs/heads/${branch}` });
    return { fake, after, run };
  }

  test('to the default branch: every hunt is converted, the new outputs are committed on it (6 requests)', async () => {
    const { fake, after, run } = await pushTo('main');
    expect(run.exitCode).toBe(0);
    expect(tally(fake)).toEqual({ 'git/get-ref': 1, 'git/get-commit': 1, 'git/create-tree': 1, 'git/create-commit': 1, 'git/update-ref': 1, 'repos/create-commit-status': 1 });
    const tip = fake.refs.get('heads/main')!;
    expect(fake.commit(tip).parents).toEqual([after]);
    expect(fake.filesAt(tip)).toMatchObject(generated({ 'hunts/aitm-proxy.yaml': AITM, 'hunts/c2-beacon.yaml': BEACON }));
    expect(fake.statuses).toEqual([expect.objectContaining({ sha: tip, state: 'success', context: 'peak-to-sigma' })]);
    expect(run.outputs).toMatchObject({ hunts: '2', 'commit-sha': tip });
  });

  test('to another branch: a notice, success, and no request at all', async () => {
    const { fake, run } = await pushTo('feature');
    expect(run.exitCode).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(run.stdout).toMatch(/::notice::.*only pushes to the default branch \(main\) are converted/);
  });
});
