import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundledAttackCatalogue } from '../core/attack.js';
import { DATA_SOURCE_TYPES, DEFAULT_RENDER_OPTIONS, DEFAULT_STATUS_MAP, KQL_FLAVORS, type KqlFlavor, type StatusMap } from '../core/model.js';
import { bundledRoutingTable, type RoutingTable } from '../core/routing/table.js';
import { iocRoutes, previewDraft, searchTechniques, type WizardContext } from './api.js';
import { CLIENT_SCRIPT } from './assets/client-script.js';
import { FAVICON_SVG, STYLESHEET } from './assets/styles.js';
import { describeRequestIssues, PreviewRequestSchema } from './draft.js';
import { renderWizardPage } from './page.js';

/**
 * The wizard's local HTTP server. It listens on 127.0.0.1 only and answers only requests that
 * name it (`Host: 127.0.0.1:<port>` or `localhost:<port>`), so a web page elsewhere cannot reach
 * it through DNS rebinding. Every bad request gets a 4xx with a plain message; nothing a client
 * sends can stop the server.
 */

export const MAX_BODY_BYTES = 256 * 1024;
const MAX_QUERY_CHARS = 200;

export interface WizardServerOptions {
  /** 0 picks a free port. */
  port: number;
  statusMap?: StatusMap;
  kqlFlavor?: KqlFlavor;
  lookbackDays?: number;
  routing?: RoutingTable;
  /** Where unexpected failures are reported (never to the client). */
  log?: (line: string) => void;
  /** The pre-filled hunt date; tests pin it. */
  today?: () => string;
}

export interface WizardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store'
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message);
  }
}

type Handler = (req: IncomingMessage, url: URL) => Promise<Reply> | Reply;
interface Reply {
  status?: number;
  type: string;
  body: string;
}

const json = (value: unknown, status = 200): Reply => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) });

export async function startWizardServer(options: WizardServerOptions): Promise<WizardServer> {
  const ctx: WizardContext = {
    catalogue: bundledAttackCatalogue(),
    routing: options.routing ?? bundledRoutingTable(),
    statusMap: options.statusMap ?? DEFAULT_STATUS_MAP,
    lookbackDays: options.lookbackDays ?? DEFAULT_RENDER_OPTIONS.lookbackDays
  };
  const kqlFlavor = options.kqlFlavor ?? DEFAULT_RENDER_OPTIONS.kqlFlavor;
  const today = options.today ?? localDate;
  const log = options.log ?? (() => undefined);
  let port = options.port;

  const routes: Record<string, Partial<Record<'GET' | 'POST', Handler>>> = {
    '/': { GET: () => ({ type: 'text/html; charset=utf-8', body: renderWizardPage({ catalogue: ctx.catalogue, statusMap: ctx.statusMap, kqlFlavor, lookbackDays: ctx.lookbackDays, today: today() }) }) },
    '/assets/wizard.js': { GET: () => ({ type: 'text/javascript; charset=utf-8', body: CLIENT_SCRIPT }) },
    '/assets/wizard.css': { GET: () => ({ type: 'text/css; charset=utf-8', body: STYLESHEET }) },
    '/assets/favicon.svg': { GET: () => ({ type: 'image/svg+xml', body: FAVICON_SVG }) },
    '/api/techniques': {
      GET: (_req, url) => {
        const q = url.searchParams.get('q') ?? '';
        if (q.length > MAX_QUERY_CHARS) throw new HttpError(400, `query parameter q must be at most ${MAX_QUERY_CHARS} characters`);
        return json({ query: q, results: searchTechniques(q, ctx.catalogue) });
      }
    },
    '/api/routes': {
      GET: (_req, url) => {
        const type = url.searchParams.get('dataSourceType') ?? '';
        const flavor = url.searchParams.get('kqlFlavor') ?? kqlFlavor;
        const dataSourceType = DATA_SOURCE_TYPES.find((t) => t === type);
        if (!dataSourceType) throw new HttpError(400, `query parameter dataSourceType must be one of ${DATA_SOURCE_TYPES.join(', ')}`);
        const chosenFlavor = KQL_FLAVORS.find((f) => f === flavor);
        if (!chosenFlavor) throw new HttpError(400, `query parameter kqlFlavor must be one of ${KQL_FLAVORS.join(', ')}`);
        return json({ dataSourceType, kqlFlavor: chosenFlavor, routes: iocRoutes(dataSourceType, chosenFlavor, ctx.routing) });
      }
    },
    '/api/preview': {
      POST: async (req) => {
        const parsed = PreviewRequestSchema.safeParse(await readJsonBody(req));
        if (!parsed.success) throw new HttpError(400, describeRequestIssues(parsed.error));
        return json(previewDraft(parsed.data, ctx));
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    let url: URL | undefined;
    try {
      const origins = [`127.0.0.1:${port}`, `localhost:${port}`];
      const host = (req.headers.host ?? '').toLowerCase();
      if (!origins.includes(host)) throw new HttpError(403, `the wizard only answers requests addressed to ${origins.join(' or ')}`);
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.some((o) => origin.toLowerCase() === `http://${o}`)) throw new HttpError(403, 'cross-origin requests are not allowed');
      url = new URL(req.url ?? '/', `http://${origins[0]}`);
      const route = routes[url.pathname];
      if (!route) throw new HttpError(404, `no such page: ${url.pathname}`);
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const handler = method === 'GET' || method === 'POST' ? route[method] : undefined;
      if (!handler) {
        const allowed = Object.keys(route).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
        throw new HttpError(405, `method ${req.method} is not allowed here; use ${allowed.join(' or ')}`, { Allow: allowed.join(', ') });
      }
      send(res, await handler(req, url));
    } catch (err) {
      if (!(err instanceof HttpError)) log(`peak-to-sigma wizard: internal error on ${req.method} ${url?.pathname ?? '?'}: ${err instanceof Error ? err.message : String(err)}`);
      const failure = err instanceof HttpError ? err : new HttpError(500, 'internal error: the wizard could not handle this request');
      for (const [name, value] of Object.entries(failure.headers)) res.setHeader(name, value);
      const isApi = url?.pathname.startsWith('/api/') ?? true;
      send(res, isApi ? json({ error: failure.message }, failure.status) : { status: failure.status, type: 'text/plain; charset=utf-8', body: `${failure.message}\n` });
    }
  };

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`peak-to-sigma wizard: failed to answer: ${err instanceof Error ? err.message : String(err)}`);
      res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await listen(server, options.port);
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => closeServer(server)
  };
}

/** Today on the user's calendar (not UTC's): the hunt date the form starts with. */
function localDate(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = reply.status ?? 200;
  res.setHeader('Content-Type', reply.type);
  res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  res.end(reply.body);
}

/** The request body as JSON: application/json, at most MAX_BODY_BYTES, UTF-8, well-formed. */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    drain(req);
    throw new HttpError(415, `send the request body as application/json (got ${type ? JSON.stringify(type) : 'no content type'})`, { Connection: 'close' });
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_BODY_BYTES) {
    drain(req);
    throw tooLarge();
  }
  const body = await readCapped(req);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'the request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `the request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function readCapped(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      drain(req);
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new HttpError(400, 'the request body could not be read')));
  });
}

const tooLarge = () => new HttpError(413, `the request body is larger than ${MAX_BODY_BYTES / 1024} KiB`, { Connection: 'close' });

/** Stop reading a body we refuse; the connection closes after the answer. */
function drain(req: IncomingMessage): void {
  req.on('error', () => undefined);
  req.resume();
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      server.on('error', () => undefined);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
