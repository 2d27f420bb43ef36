import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

/**
 * A local GitHub REST API for end-to-end tests of the built action. It implements only the
 * endpoints the action uses, keeps the repository (refs, trees, commits, blobs), the PR's files,
 * comments and statuses in memory, and checks EVERY request against GitHub's OpenAPI
 * description (`@octokit/openapi`): the method and path must name an operation, query
 * parameters must be declared by it, and a JSON body must validate against its requestBody
 * schema. Anything else is answered 400 and recorded as a violation, so a test fails.
 */

export interface RecordedRequest {
  method: string;
  /** Path as sent, without the query. */
  path: string;
  /** OpenAPI operationId, e.g. `git/create-tree`; undefined for an unknown endpoint. */
  operation?: string;
  query: Record<string, string>;
  body?: unknown;
  status: number;
}

export interface Fault {
  operation: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  /** How many matching requests get this answer (default 1). */
  times?: number;
}

interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
}

export interface Status {
  sha: string;
  state: string;
  context: string;
  description?: string | null;
  target_url?: string | null;
}

interface Operation {
  id: string;
  method: string;
  segments: string[];
  queryParams: Map<string, unknown>;
  validateBody?: ValidateFunction;
}

const require = createRequire(import.meta.url);
const OPENAPI_PATH = require.resolve('@octokit/openapi/generated/api.github.com.json');

let cachedOperations: Operation[] | undefined;

/** Every operation of the OpenAPI description, its body validator compiled on first use. */
function operations(): Operation[] {
  if (cachedOperations) return cachedOperations;
  const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
    paths: Record<string, Record<string, { operationId: string; parameters?: unknown[]; requestBody?: { content?: Record<string, unknown> } }>>;
    components: { parameters: Record<string, { name: string; in: string; schema: unknown }> };
  };
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajvFormats.default(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const pointer = (...parts: string[]) => `openapi.json#/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
  const result: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op || typeof op !== 'object' || !('operationId' in op)) continue;
      const queryParams = new Map<string, unknown>();
      for (const raw of op.parameters ?? []) {
        const ref = (raw as { $ref?: string }).$ref;
        const param = ref ? doc.components.parameters[ref.split('/').pop()!]! : (raw as { name: string; in: string; schema: unknown });
        if (param.in === 'query') queryParams.set(param.name, param.schema);
      }
      let validator: ValidateFunction | undefined;
      const hasJsonBody = !!op.requestBody?.content?.['application/json'];
      result.push({
        id: op.operationId,
        method: method.toUpperCase(),
        segments: path.split('/').slice(1),
        queryParams,
        get validateBody() {
          if (!hasJsonBody) return undefined;
          validator ??= ajv.compile({ $ref: pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema') });
          return validator;
        }
      });
    }
  }
  cachedOperations = result;
  return result;
}

function matchOperation(method: string, path: string): { op: Operation; params: Record<string, string> } | undefined {
  const segments = path.split('/').slice(1);
  let best: { op: Operation; params: Record<string, string>; literals: number } | undefined;
  for (const op of operations()) {
    if (op.method !== method || op.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const ok = op.segments.every((template, i) => {
      const actual = segments[i]!;
      if (template.startsWith('{') && template.endsWith('}')) {
        params[template.slice(1, -1)] = decodeURIComponent(actual);
        return actual.length > 0;
      }
      literals++;
      return template === actual;
    });
    if (ok && (!best || literals > best.literals)) best = { op, params, literals };
  }
  return best && { op: best.op, params: best.params };
}

/** Git's blob id: the same content always gets the same sha, as on GitHub. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  /** Token the action must send (`authorization: token <token>`). */
  token: string;
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly refs = new Map<string, string>();
  readonly commits = new Map<string, Commit>();
  /** Tree sha → (path → blob sha); trees are kept flat, which is all the action can observe. */
  readonly trees = new Map<string, Map<string, string>>();
  readonly blobs = new Map<string, string>();
  readonly comments: Comment[] = [];
  readonly statuses: Status[] = [];
  pullFiles: { filename: string; status: string; previous_filename?: string }[] = [];
  /** Called once before the next `updateRef` is handled (simulates a push racing the run). */
  beforeUpdateRef?: () => void;
  private readonly faults: Fault[] = [];
  private readonly token: string;
  private server?: Server;
  private nextId = 1000;
  private commitCounter = 0;

  constructor(options: FakeGitHubOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.token = options.token;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('fake GitHub is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    operations();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.violations.push(`internal error of the fake: ${err instanceof Error ? err.stack : String(err)}`);
        this.send(res, 500, { message: 'fake GitHub crashed' });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests to `operation` get this answer instead. */
  fail(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Requests other than reads. */
  get writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
  }

  count(operation: string): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  // --- repository state -----------------------------------------------------------------------

  /** A commit holding exactly `files` (path → content). */
  commitFiles(files: Record<string, string>, parents: string[], message: string): string {
    const tree = this.storeTree(new Map(Object.entries(files).map(([path, content]) => [path, this.storeBlob(content)])));
    return this.storeCommit(tree, parents, message);
  }

  /** A commit on top of `parent` with some files changed (`undefined` deletes). */
  commitChange(parent: string, changes: Record<string, string | undefined>, message: string): string {
    const files = new Map(this.trees.get(this.commits.get(parent)!.tree)!);
    for (const [path, content] of Object.entries(changes)) {
      if (content === undefined) files.delete(path);
      else files.set(path, this.storeBlob(content));
    }
    return this.storeCommit(this.storeTree(files), [parent], message);
  }

  /** The files of a commit (path → content). */
  filesAt(commitSha: string): Record<string, string> {
    const tree = this.trees.get(this.commits.get(commitSha)!.tree)!;
    return Object.fromEntries([...tree].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, blob]) => [path, this.blobs.get(blob)!]));
  }

  commit(sha: string): Commit {
    return this.commits.get(sha)!;
  }

  storeBlob(content: string): string {
    const sha = gitBlobSha(content);
    this.blobs.set(sha, content);
    return sha;
  }

  storeTree(files: Map<string, string>): string {
    const sha = sha1(`tree\n${[...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, b]) => `${p}\0${b}`).join('\n')}`);
    this.trees.set(sha, files);
    return sha;
  }

  storeCommit(tree: string, parents: string[], message: string): string {
    const sha = sha1(`commit\n${tree}\n${parents.join(',')}\n${message}\n${++this.commitCounter}`);
    this.commits.set(sha, { sha, tree, parents, message });
    return sha;
  }

  isAncestor(ancestor: string, of: string): boolean {
    const seen = new Set<string>();
    const stack = [of];
    while (stack.length) {
      const sha = stack.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      stack.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  // --- HTTP --------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = { method, path: url.pathname, query, status: 0 };
    this.requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      this.send(res, status, body, headers);
    };
    const violation = (message: string) => {
      this.violations.push(`${method} ${url.pathname}: ${message}`);
      reply(400, { message: `fake GitHub: ${message}` });
    };

    const matched = matchOperation(method, url.pathname);
    if (!matched) return violation('no operation of the OpenAPI description has this method and path');
    const { op, params } = matched;
    record.operation = op.id;
    for (const [name, value] of Object.entries(query)) {
      if (!op.queryParams.has(name)) return violation(`query parameter "${name}" is not declared by ${op.id}`);
      const schema = op.queryParams.get(name) as { type?: string } | undefined;
      if (schema?.type === 'integer' && !/^\d+$/.test(value)) return violation(`query parameter "${name}" must be an integer`);
    }
    if (raw.length) {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return violation('the body is not JSON');
      }
      record.body = body;
      const validate = op.validateBody;
      if (!validate) return violation(`${op.id} takes no JSON body`);
      if (!validate(body)) return violation(`body does not match the ${op.id} schema: ${JSON.stringify(validate.errors)}`);
    } else if (op.validateBody && ['POST', 'PATCH', 'PUT'].includes(method)) {
      if (!op.validateBody({})) return violation(`${op.id} needs a body: ${JSON.stringify(op.validateBody.errors)}`);
    }
    if (req.headers.authorization !== `token ${this.token}`) return reply(401, { message: 'Bad credentials' });
    if (params.owner !== this.owner || params.repo !== this.repo) return reply(404, { message: 'Not Found' });

    const faultIndex = this.faults.findIndex((f) => f.operation === op.id);
    if (faultIndex >= 0) {
      const fault = this.faults[faultIndex]!;
      if (--fault.times! <= 0) this.faults.splice(faultIndex, 1);
      return reply(fault.status, fault.body, fault.headers);
    }

    const route = ROUTES[op.id];
    if (!route) return violation(`${op.id} is a real GitHub operation the fake does not implement`);
    const answer = route.call(this, { params, query, body: record.body, base: this.url, headers: req.headers });
    reply(answer.status, answer.body, answer.headers);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const isRaw = typeof body === 'string' && headers['content-type'];
    const payload = isRaw ? (body as string) : body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', ...headers });
    res.end(payload);
  }

  // --- operations --------------------------------------------------------------------------------

  apiUrl(base: string, path: string): string {
    return `${base}/repos/${this.owner}/${this.repo}${path}`;
  }

  refBody(base: string, ref: string) {
    const sha = this.refs.get(ref)!;
    return { ref: `refs/${ref}`, node_id: `REF_${ref}`, url: this.apiUrl(base, `/git/refs/${ref}`), object: { sha, type: 'commit', url: this.apiUrl(base, `/git/commits/${sha}`) } };
  }

  commitBody(base: string, sha: string) {
    const commit = this.commits.get(sha)!;
    const person = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com', date: '2026-04-08T00:00:00Z' };
    return {
      sha,
      node_id: `C_${sha}`,
      url: this.apiUrl(base, `/git/commits/${sha}`),
      html_url: `https://github.com/${this.owner}/${this.repo}/commit/${sha}`,
      author: person,
      committer: person,
      message: commit.message,
      tree: { sha: commit.tree, url: this.apiUrl(base, `/git/trees/${commit.tree}`) },
      parents: commit.parents.map((p) => ({ sha: p, url: this.apiUrl(base, `/git/commits/${p}`), html_url: `https://github.com/${this.owner}/${this.repo}/commit/${p}` })),
      verification: { verified: true, reason: 'valid', signature: null, payload: null, verified_at: null }
    };
  }

  commentBody(base: string, comment: Comment) {
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: this.apiUrl(base, `/issues/comments/${comment.id}`),
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/1#issuecomment-${comment.id}`,
      body: comment.body,
      user: { login: comment.user.login, id: 1, type: comment.user.type },
      created_at: '2026-04-08T00:00:00Z',
      updated_at: '2026-04-08T00:00:00Z',
      author_association: 'NONE'
    };
  }

  /** A comment by someone else (or by us, from an earlier run). */
  addComment(body: string, user: Comment['user']): Comment {
    const comment = { id: this.nextId++, body, user };
    this.comments.push(comment);
    return comment;
  }

  allocateId(): number {
    return this.nextId++;
  }
}

interface RouteInput {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  base: string;
  headers: IncomingMessage['headers'];
}
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

function paginate<T>(fake: FakeGitHub, input: RouteInput, path: string, items: T[]): Answer {
  const perPage = Number(input.query.per_page ?? 30);
  const page = Number(input.query.page ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = {};
  const link = (p: number) => `<${fake.apiUrl(input.base, path)}?per_page=${perPage}&page=${p}>`;
  const links: string[] = [];
  if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
  if (links.length) headers.link = links.join(', ');
  return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers };
}

const ROUTES: Record<string, (this: FakeGitHub, input: RouteInput) => Answer> = {
  'pulls/list-files'(input) {
    const files = this.pullFiles.map((f, i) => ({
      sha: gitBlobSha(f.filename),
      filename: f.filename,
      status: f.status,
      additions: 1,
      deletions: 0,
      changes: 1,
      blob_url: `https://github.com/${this.owner}/${this.repo}/blob/x/${f.filename}`,
      raw_url: `https://github.com/${this.owner}/${this.repo}/raw/x/${f.filename}`,
      contents_url: this.apiUrl(input.base, `/contents/${f.filename}`),
      ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
      patch: `@@ -0,0 +1 @@ ${i}`
    }));
    return paginate(this, input, `/pulls/${input.params.pull_number}/files`, files);
  },
  'repos/get-content'(input) {
    const ref = input.query.ref ?? 'heads/main';
    const commitSha = this.commits.has(ref) ? ref : this.refs.get(`heads/${ref}`);
    const blob = commitSha ? this.trees.get(this.commits.get(commitSha)!.tree)!.get(input.params.path!) : undefined;
    if (!blob) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content' } };
    if (!String(input.headers.accept ?? '').includes('raw')) return { status: 415, body: { message: 'the fake serves raw contents only' } };
    return { status: 200, body: this.blobs.get(blob)!, headers: { 'content-type': 'text/plain; charset=utf-8' } };
  },
  'git/get-ref'(input) {
    const ref = input.params.ref!;
    if (!this.refs.has(ref)) return { status: 404, body: { message: 'Not Found' } };
    return { status: 200, body: this.refBody(input.base, ref) };
  },
  'git/get-commit'(input) {
    const sha = input.params.commit_sha!;
    if (!this.commits.has(sha)) return { status: 404, body: { message: 'Not Found' } };
    return { status: 200, body: this.commitBody(input.base, sha) };
  },
  'git/create-tree'(input) {
    const body = input.body as { base_tree?: string; tree: { path: string; mode: string; type: string; sha?: string | null; content?: string }[] };
    const base = body.base_tree ? this.trees.get(body.base_tree) : new Map<string, string>();
    if (!base) return { status: 422, body: { message: 'base_tree is not a valid tree' } };
    const files = new Map(base);
    for (const entry of body.tree) {
      if (entry.content !== undefined && entry.sha !== undefined) return { status: 422, body: { message: 'Use either sha or content, not both' } };
      if (entry.sha === null) {
        if (!files.delete(entry.path)) return { status: 422, body: { message: `GitRPC::BadObjectState: ${entry.path} is not in the base tree` } };
      } else if (entry.content !== undefined) {
        files.set(entry.path, this.storeBlob(entry.content));
      } else {
        return { status: 422, body: { message: 'the fake takes inline content or sha: null only' } };
      }
    }
    const sha = this.storeTree(files);
    return {
      status: 201,
      body: {
        sha,
        url: this.apiUrl(input.base, `/git/trees/${sha}`),
        truncated: false,
        tree: [...files].map(([path, blob]) => ({ path, mode: '100644', type: 'blob', sha: blob, size: this.blobs.get(blob)!.length, url: this.apiUrl(input.base, `/git/blobs/${blob}`) }))
      }
    };
  },
  'git/create-commit'(input) {
    const body = input.body as { message: string; tree: string; parents?: string[]; author?: unknown; committer?: unknown };
    if (!this.trees.has(body.tree)) return { status: 422, body: { message: 'Tree SHA does not exist' } };
    if ((body.parents ?? []).some((p) => !this.commits.has(p))) return { status: 422, body: { message: 'Parent SHA does not exist or is not a commit object' } };
    const sha = this.storeCommit(body.tree, body.parents ?? [], body.message);
    return { status: 201, body: this.commitBody(input.base, sha) };
  },
  'git/update-ref'(input) {
    const ref = input.params.ref!;
    const body = input.body as { sha: string; force?: boolean };
    const hook = this.beforeUpdateRef;
    this.beforeUpdateRef = undefined;
    hook?.();
    const current = this.refs.get(ref);
    if (!current) return { status: 422, body: { message: 'Reference does not exist' } };
    if (!this.commits.has(body.sha)) return { status: 422, body: { message: 'Object does not exist' } };
    if (!body.force && !this.isAncestor(current, body.sha)) {
      return { status: 422, body: { message: 'Update is not a fast forward', documentation_url: 'https://docs.github.com/rest/git/refs#update-a-reference', status: '422' } };
    }
    this.refs.set(ref, body.sha);
    return { status: 200, body: this.refBody(input.base, ref) };
  },
  'repos/create-commit-status'(input) {
    const body = input.body as Omit<Status, 'sha'>;
    if (!this.commits.has(input.params.sha!)) return { status: 422, body: { message: 'No commit found for SHA' } };
    const status = { sha: input.params.sha!, ...body };
    this.statuses.push(status);
    const id = this.allocateId();
    return {
      status: 201,
      body: {
        id,
        node_id: `SC_${id}`,
        url: this.apiUrl(input.base, `/statuses/${status.sha}`),
        avatar_url: null,
        state: status.state,
        description: status.description ?? null,
        target_url: status.target_url ?? null,
        context: status.context,
        created_at: '2026-04-08T00:00:00Z',
        updated_at: '2026-04-08T00:00:00Z',
        creator: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
      }
    };
  },
  'issues/list-comments'(input) {
    return paginate(this, input, `/issues/${input.params.issue_number}/comments`, this.comments.map((c) => this.commentBody(input.base, c)));
  },
  'issues/create-comment'(input) {
    const comment = this.addComment((input.body as { body: string }).body, { login: 'github-actions[bot]', type: 'Bot' });
    return { status: 201, body: this.commentBody(input.base, comment) };
  },
  'issues/update-comment'(input) {
    const comment = this.comments.find((c) => c.id === Number(input.params.comment_id));
    if (!comment) return { status: 404, body: { message: 'Not Found' } };
    comment.body = (input.body as { body: string }).body;
    return { status: 200, body: this.commentBody(input.base, comment) };
  }
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
