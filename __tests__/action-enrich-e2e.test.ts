import { existsSync } from 'node:fs';
import { COMMENT_MARKER } from '../src/action/comment.js';
import { MANIFEST_FILE } from '../src/core/manifest.js';
import { AITM, beaconHunt, generated, OUT, OWNER, REPO, tally, TOKEN, webhooks, workspaceWith } from './support/action-fixtures.js';
import { PLAIN_ANSWER } from './support/enrich-fixtures.js';
import { FakeGitHub } from './support/fake-github.js';
import { FakeLlm } from './support/fake-llm.js';
import { type ActionRun, actionManifest, BUNDLE, runAction } from './support/run-action.js';

/**
 * End-to-end enrichment: the BUILT bundle (dist/index.js) against the fake GitHub and the fake
 * LLM provider, both on 127.0.0.1. Asserts what is committed, what the comment and the summary
 * show, where the API key may appear (only in the runner's mask command), and the exact number of
 * requests to each service.
 */

const LLM_KEY = 'sk-test-action-enrich-0123456789abcdef';
const BEACON_DIR = `${OUT}/h-0107-c2-beacon-over-dns`;

const BEACON = beaconHunt('C2 beacon over DNS');

const BASE_FILES: Record<string, string> = { 'README.md': '# hunts\n', 'hunts/aitm-proxy.yaml': AITM, ...generated({ 'hunts/aitm-proxy.yaml': AITM }) };
const HEAD_FILES: Record<string, string> = { ...BASE_FILES, 'hunts/c2-beacon.yaml': BEACON };

interface Setup {
  github: FakeGitHub;
  llm: FakeLlm;
  headSha: string;
  payload: Record<string, any>;
}

const started: Setup[] = [];

async function pullRequest(): Promise<Setup> {
  const github = await new FakeGitHub({ owner: OWNER, repo: REPO, token: TOKEN }).start();
  const llm = await FakeLlm.start(LLM_KEY);
  llm.answer = PLAIN_ANSWER;
  const baseSha = github.commitFiles(BASE_FILES, [], 'base');
  const headSha = github.commitFiles(HEAD_FILES, [baseSha], 'hunter: add a hunt');
  github.refs.set('heads/main', baseSha);
  github.refs.set('heads/feature', headSha);
  github.pullFiles = [{ filename: 'hunts/c2-beacon.yaml', status: 'added' }];

  const payload = structuredClone(webhooks.find((w) => w.name === 'pull_request')!.examples.find((e) => e.action === 'opened')!);
  payload.number = 7;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.name = REPO;
  payload.repository.owner.login = OWNER;
  payload.repository.private = false;
  Object.assign(payload.pull_request, { number: 7, changed_files: 1 });
  Object.assign(payload.pull_request.base, { sha: baseSha, ref: 'main' });
  payload.pull_request.base.repo.full_name = `${OWNER}/${REPO}`;
  Object.assign(payload.pull_request.head, { sha: headSha, ref: 'feature' });
  payload.pull_request.head.repo.full_name = `${OWNER}/${REPO}`;
  const setup = { github, llm, headSha, payload };
  started.push(setup);
  return setup;
}

function run(setup: Setup, workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    workspace,
    eventName: 'pull_request',
    payload: setup.payload,
    apiUrl: setup.github.url,
    token: TOKEN,
    repository: `${OWNER}/${REPO}`,
    sha: 'f'.repeat(40),
    ref: 'refs/pull/7/merge',
    inputs
  });
}

const enrichInputs = (setup: Setup, key = LLM_KEY) => ({ enrich: 'openai', 'enrich-api-key': key, 'enrich-base-url': `${setup.llm.baseUrl}/v1` });

const FIRST_RUN = {
  'pulls/list-files': 1,
  'git/get-ref': 1,
  'git/get-commit': 1,
  'git/create-tree': 1,
  'git/create-commit': 1,
  'git/update-ref': 1,
  'issues/list-comments': 1,
  'issues/create-comment': 1,
  'repos/create-commit-status': 1
};

function ourComment(github: FakeGitHub): string {
  const comments = github.comments.filter((c) => c.user.type === 'Bot' && c.body.startsWith(COMMENT_MARKER));
  expect(comments).toHaveLength(1);
  return comments[0]!.body;
}

/** The key is printed once, as the runner's mask command, before any other line; nothing else holds it. */
function expectKeyOnlyMasked(result: ActionRun, setup: Setup, key: string) {
  const lines = result.stdout.split('\n');
  expect(lines[0]).toBe(`::add-mask::${key}`);
  expect(lines.filter((l) => l.includes(key))).toEqual([`::add-mask::${key}`]);
  expect(result.stderr).not.toContain(key);
  expect(result.summary).not.toContain(key);
  expect(JSON.stringify(result.outputs)).not.toContain(key);
  for (const request of setup.github.requests) expect(JSON.stringify(request.body ?? '')).not.toContain(key);
  for (const content of Object.values(setup.github.filesAt(setup.github.refs.get('heads/feature')!))) expect(content).not.toContain(key);
}

beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "npm run build" before the end-to-end tests`);
});

afterEach(async () => {
  for (const setup of started.splice(0)) {
    expect(setup.github.violations).toEqual([]);
    await setup.github.stop();
    await setup.llm.close();
  }
});

test('action.yml declares the four enrichment inputs, off by default, with no ${{ }} in a description (it would stop the action from loading)', () => {
  const inputs = actionManifest().inputs;
  for (const name of ['enrich', 'enrich-model', 'enrich-api-key', 'enrich-base-url']) expect(inputs[name]).toMatchObject({ default: '' });
  for (const [name, spec] of Object.entries(inputs)) expect([name, spec.description.includes('${{')]).toEqual([name, false]);
});

test('a new hunt with enrich: openai commits its enrichment.md, the comment and summary get the collapsed section; a re-run asks the provider nothing (9 + 4 GitHub requests, 1 + 0 LLM requests)', async () => {
  const setup = await pullRequest();
  const first = await run(setup, workspaceWith(HEAD_FILES), enrichInputs(setup));
  expect(first.stderr).toBe('');
  expect(first.exitCode).toBe(0);
  expect(first.annotations.filter((a) => a.kind !== 'notice')).toEqual([]);
  expect(tally(setup.github)).toEqual(FIRST_RUN);
  expect(setup.github.requests).toHaveLength(9);
  // Only the hunt the PR changed is sent; the unchanged AiTM hunt is not.
  expect(setup.llm.requests).toHaveLength(1);
  expect(setup.llm.requests[0]!.headers.authorization).toBe(`Bearer ${LLM_KEY}`);
  expect(setup.llm.requests[0]!.body.messages[1].content).toContain('cdn-update.example.net');
  expect(setup.llm.requests[0]!.body.messages[1].content).not.toContain('R. Hunter');

  const tip = setup.github.refs.get('heads/feature')!;
  expect(setup.github.commit(tip).parents).toEqual([setup.headSha]);
  const committed = setup.github.filesAt(tip);
  const enrichment = committed[`${BEACON_DIR}/enrichment.md`];
  expect(enrichment).toBeDefined();
  expect(enrichment!.split('\n')[0]).toMatch(/^<!-- peak-to-sigma:enrichment sha256=[0-9a-f]{64} model=gpt-5\.5 -->$/);
  expect(enrichment).toContain('## Detection gaps');
  expect(JSON.parse(committed[`${OUT}/${MANIFEST_FILE}`]!).files['h-0107-c2-beacon-over-dns/enrichment.md'].source).toBe('hunts/c2-beacon.yaml');
  expect(Object.keys(committed).filter((p) => p.endsWith('/enrichment.md'))).toEqual([`${BEACON_DIR}/enrichment.md`]);

  const section = '<details>\n<summary>LLM enrichment (OpenAI gpt-5.5): 1 of 1 hunt(s)</summary>';
  const comment = ourComment(setup.github);
  expect(comment).toContain(section);
  expect(comment).toContain('#### C2 beacon over DNS\n');
  expect(comment).toContain('**Hash\\-only evasion**');
  expect(comment.trimEnd().endsWith('</details>')).toBe(true);
  expect(first.summary).toContain(section);
  expect(setup.github.statuses).toEqual([expect.objectContaining({ sha: tip, state: 'success' })]);
  expectKeyOnlyMasked(first, setup, LLM_KEY);
  expect(first.stdout.split('\n').filter((l) => l.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);

  // Re-run on a checkout of the new tip: the hunt is unchanged, so its enrichment.md is the cache.
  setup.github.requests.length = 0;
  setup.payload.pull_request.head.sha = tip;
  const rerun = await run(setup, workspaceWith(committed), enrichInputs(setup));
  expect(rerun.exitCode).toBe(0);
  expect(rerun.stderr).toBe('');
  expect(setup.llm.requests).toHaveLength(1);
  expect(tally(setup.github)).toEqual({ 'pulls/list-files': 1, 'issues/list-comments': 1, 'issues/update-comment': 1, 'repos/create-commit-status': 1 });
  expect(setup.github.requests).toHaveLength(4);
  expect(setup.github.refs.get('heads/feature')).toBe(tip);
  const updated = ourComment(setup.github);
  expect(updated).toContain('#### C2 beacon over DNS (unchanged since the last run)');
  expect(updated).toContain('up to date; nothing to commit');
  expectKeyOnlyMasked(rerun, setup, LLM_KEY);
});

test.each([
  {
    name: 'a rejected key (401)',
    key: 'sk-test-revoked-key-fedcba9876543210',
    prepare: (_llm: FakeLlm) => undefined,
    warning: /^enrichment of h-0107-c2-beacon-over-dns skipped: OpenAI refused the request \(HTTP 401\): check the API key and its access to model gpt-5\.5/
  },
  {
    name: 'a malformed answer',
    key: LLM_KEY,
    prepare: (llm: FakeLlm) => {
      llm.answerText = 'Sure! Here are some ideas: gaps, pivots…';
    },
    warning: /^enrichment of h-0107-c2-beacon-over-dns skipped: OpenAI: the answer is not valid JSON$/
  }
])('$name: the step still succeeds with a warning annotation; the rules are committed without enrichment.md (9 GitHub requests, 1 LLM request)', async ({ key, prepare, warning }) => {
  const setup = await pullRequest();
  prepare(setup.llm);
  const result = await run(setup, workspaceWith(HEAD_FILES), enrichInputs(setup, key));
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  expect(result.annotations.filter((a) => a.kind === 'error')).toEqual([]);
  const warnings = result.annotations.filter((a) => a.kind === 'warning');
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.message).toMatch(warning);
  expect(setup.llm.requests).toHaveLength(1);
  expect(tally(setup.github)).toEqual(FIRST_RUN);
  expect(setup.github.requests).toHaveLength(9);

  const committed = setup.github.filesAt(setup.github.refs.get('heads/feature')!);
  expect(Object.keys(committed).some((p) => p.startsWith(`${BEACON_DIR}/sigma/`))).toBe(true);
  expect(committed[`${BEACON_DIR}/enrichment.md`]).toBeUndefined();
  expect(setup.github.statuses).toEqual([expect.objectContaining({ state: 'success' })]);
  const comment = ourComment(setup.github);
  expect(comment).toContain('<summary>LLM enrichment (OpenAI gpt-5.5): 0 of 1 hunt(s), 1 warning(s)</summary>');
  expect(comment).toContain('**Enrichment warnings**');
  expect(result.outputs).toMatchObject({ errors: '0', hunts: '1' });
  expectKeyOnlyMasked(result, setup, key);
  // The fake quotes a rejected key's first and last characters, as OpenAI does; neither reaches the log.
  expect(result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(key.slice(-4)))).toEqual([]);
});

test('enrich without a key (as on fork PRs, which get no secrets): a warning, no LLM request, the run is otherwise unchanged (9 GitHub requests)', async () => {
  const setup = await pullRequest();
  const result = await run(setup, workspaceWith(HEAD_FILES), { enrich: 'openai', 'enrich-base-url': `${setup.llm.baseUrl}/v1` });
  expect(result.exitCode).toBe(0);
  expect(result.annotations.filter((a) => a.kind === 'warning').map((a) => a.message)).toEqual([
    'enrichment with OpenAI skipped: no API key was given (set the "enrich-api-key" input to a secret, e.g. ${{ secrets.OPENAI_API_KEY }})'
  ]);
  expect(setup.llm.requests).toHaveLength(0);
  expect(setup.github.requests).toHaveLength(9);
  expect(ourComment(setup.github)).not.toContain('<details>');
  expect(result.summary).toContain('LLM enrichment with OpenAI skipped');
});

test('enrichment off keeps a committed enrichment.md when its hunt changes (9 GitHub requests, 0 LLM requests)', async () => {
  const setup = await pullRequest();
  const first = await run(setup, workspaceWith(HEAD_FILES), enrichInputs(setup));
  expect(first.exitCode).toBe(0);
  const tip = setup.github.refs.get('heads/feature')!;
  const committed = setup.github.filesAt(tip);
  const enrichment = committed[`${BEACON_DIR}/enrichment.md`]!;

  // The hunter edits the hunt; the workflow runs without `enrich` this time.
  const edited = { ...committed, 'hunts/c2-beacon.yaml': BEACON.replace('from 14 hosts', 'from 15 hosts') };
  const editedSha = setup.github.commitFiles(edited, [tip], 'hunter: edit the hunt');
  setup.github.refs.set('heads/feature', editedSha);
  setup.payload.pull_request.head.sha = editedSha;
  setup.github.requests.length = 0;
  const llmBefore = setup.llm.requests.length;
  const off = await run(setup, workspaceWith(edited), {});
  expect(off.exitCode).toBe(0);
  expect(setup.llm.requests).toHaveLength(llmBefore);
  const { 'issues/create-comment': _created, ...updateInstead } = FIRST_RUN;
  expect(tally(setup.github)).toEqual({ ...updateInstead, 'issues/update-comment': 1 });
  expect(setup.github.requests).toHaveLength(9);
  const after = setup.github.filesAt(setup.github.refs.get('heads/feature')!);
  expect(after[`${BEACON_DIR}/enrichment.md`]).toBe(enrichment);
  expect(JSON.parse(after[`${OUT}/${MANIFEST_FILE}`]!).files).toHaveProperty(['h-0107-c2-beacon-over-dns/enrichment.md']);
  expect(ourComment(setup.github)).not.toContain('<details>');
});
