import { FakeGitHub } from './support/fake-github.js';

/** The fake GitHub must be able to fail a test: these requests are wrong the way a bug would make them. */

const TOKEN = 'ghs_fake';
let fake: FakeGitHub;

beforeAll(async () => {
  fake = await new FakeGitHub({ owner: 'o', repo: 'r', token: TOKEN }).start();
  const sha = fake.commitFiles({ 'a.txt': 'a\n' }, [], 'init');
  fake.refs.set('heads/main', sha);
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.violations.length = 0;
});

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });

test('a body that breaks the OpenAPI schema is refused and recorded', async () => {
  const sha = fake.refs.get('heads/main')!;
  const response = await call('POST', `/repos/o/r/statuses/${sha}`, { state: 'ok', context: 'peak-to-sigma' });
  expect(response.status).toBe(400);
  expect(fake.violations).toEqual([expect.stringMatching(/repos\/create-commit-status schema.*allowedValues/)]);
});

test('an endpoint GitHub does not have is refused', async () => {
  expect((await call('POST', '/repos/o/r/git/commit', { message: 'm', tree: 't' })).status).toBe(400);
  expect(fake.violations).toEqual([expect.stringMatching(/no operation of the OpenAPI description/)]);
});

test('an undeclared query parameter is refused', async () => {
  expect((await call('GET', '/repos/o/r/pulls/1/files?per_page=100&limit=5')).status).toBe(400);
  expect(fake.violations).toEqual([expect.stringMatching(/query parameter "limit" is not declared by pulls\/list-files/)]);
});

test('a tree entry with both sha and content, or a bad mode, is refused', async () => {
  const tree = fake.commit(fake.refs.get('heads/main')!).tree;
  expect((await call('POST', '/repos/o/r/git/trees', { base_tree: tree, tree: [{ path: 'x', mode: '100645', type: 'blob', content: 'x' }] })).status).toBe(400);
  expect(fake.violations).toHaveLength(1);
  expect((await call('POST', '/repos/o/r/git/trees', { base_tree: tree, tree: [{ path: 'x', mode: '100644', type: 'blob', content: 'x', sha: null }] })).status).toBe(422);
});

test('a valid request is served, and a non-fast-forward ref update is refused like GitHub does', async () => {
  const main = fake.refs.get('heads/main')!;
  const tree = fake.commit(main).tree;
  const newTree = (await (await call('POST', '/repos/o/r/git/trees', { base_tree: tree, tree: [{ path: 'b.txt', mode: '100644', type: 'blob', content: 'b\n' }] })).json()) as { sha: string };
  const orphan = (await (await call('POST', '/repos/o/r/git/commits', { message: 'no parent', tree: newTree.sha, parents: [] })).json()) as { sha: string };
  const update = await call('PATCH', '/repos/o/r/git/refs/heads%2Fmain', { sha: orphan.sha, force: false });
  expect(update.status).toBe(422);
  expect(((await update.json()) as { message: string }).message).toBe('Update is not a fast forward');
  const child = (await (await call('POST', '/repos/o/r/git/commits', { message: 'child', tree: newTree.sha, parents: [main] })).json()) as { sha: string };
  expect((await call('PATCH', '/repos/o/r/git/refs/heads%2Fmain', { sha: child.sha, force: false })).status).toBe(200);
  expect(fake.filesAt(fake.refs.get('heads/main')!)).toEqual({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
  expect(fake.violations).toEqual([]);
});

test('requests without the token are refused', async () => {
  const response = await fetch(`${fake.url}/repos/o/r/git/ref/heads%2Fmain`);
  expect(response.status).toBe(401);
});
