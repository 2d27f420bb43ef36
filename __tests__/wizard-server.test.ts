import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Script } from 'node:vm';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { AttackCatalogue, bundledAttackCatalogue } from '../src/core/attack.js';
import { convertHunts } from '../src/core/convert.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { parseHuntReport } from '../src/core/hunt/parse.js';
import type { HuntReport } from '../src/core/hunt/schema.js';
import { DATA_SOURCE_TYPES, DEFAULT_STATUS_MAP, IOC_TYPES, OUTPUT_FORMATS } from '../src/core/model.js';
import { bundledRoutingTable, describeIocRoute } from '../src/core/routing/table.js';
import type { PreviewRequest } from '../src/wizard/draft.js';
import { renderWizardPage } from '../src/wizard/page.js';
import { MAX_BODY_BYTES, startWizardServer, type WizardServer } from '../src/wizard/server.js';

const EXAMPLE_FILE = 'examples/hunts/aitm-proxy.yaml';
const exampleSource = readFileSync(new URL(`../${EXAMPLE_FILE}`, import.meta.url), 'utf8');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: WizardServer;
const logged: string[] = [];

beforeAll(async () => {
  server = await startWizardServer({ port: 0, today: () => '2026-04-08', log: (line) => logged.push(line) });
});
afterAll(() => server.close());

/** One HTTP request with full control over the headers (Host included). */
function send(options: { method?: string; path?: string; headers?: Record<string, string | number>; body?: string | Buffer; host?: string | null }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.host !== null) headers.host = options.host ?? `127.0.0.1:${server.port}`;
    const req = httpRequest(
      { hostname: '127.0.0.1', port: server.port, method: options.method ?? 'GET', path: options.path ?? '/', headers, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      }
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const postJson = (body: unknown, headers: Record<string, string> = {}) =>
  send({ method: 'POST', path: '/api/preview', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const errorOf = (answer: Answer): string => (JSON.parse(answer.body) as { error: string }).error;

/** The form the page would post for a parsed hunt report (every field present, blanks as ''). */
function draftOf(report: HuntReport, fileName = EXAMPLE_FILE): PreviewRequest {
  const h = report.hunt;
  return {
    fileName,
    kqlFlavor: 'xdr',
    report: {
      hunt: {
        id: h.id ?? '',
        name: h.name,
        hypothesis: h.hypothesis,
        analyst: h.analyst,
        date: h.date,
        peak_phase: h.peak_phase,
        hunt_type: h.hunt_type ?? '',
        references: h.references ?? []
      },
      data_sources: report.data_sources.map((d) => ({ name: d.name, type: d.type, coverage: d.coverage ?? '' })),
      findings: report.findings.map((f) => ({
        tactic: f.tactic,
        technique: f.technique,
        technique_name: f.technique_name ?? '',
        confirmed: f.confirmed,
        description: f.description,
        data_source_ref: f.data_source_ref,
        iocs: f.iocs.map((i) => ({ type: i.type, value: String(i.value), match: i.match ?? '' })),
        falsepositives: f.falsepositives ?? [],
        level: f.level ?? ''
      })),
      verdict: report.verdict
    }
  };
}

/** The example as the page would post it: raw YAML values (not trimmed), so the YAML round-trips. */
function exampleDraft(): PreviewRequest {
  return draftOf(parseYaml(exampleSource) as HuntReport);
}

const emptyDraft = (): PreviewRequest => ({
  fileName: '',
  kqlFlavor: 'xdr',
  report: {
    hunt: { id: '', name: '', hypothesis: '', analyst: '', date: '', peak_phase: '', hunt_type: '', references: [''] },
    data_sources: [{ name: '', type: '', coverage: '' }],
    findings: [
      {
        tactic: '',
        technique: '',
        technique_name: '',
        confirmed: false,
        description: '',
        data_source_ref: '',
        iocs: [{ type: '', value: '', match: '' }],
        falsepositives: [''],
        level: ''
      }
    ],
    verdict: ''
  }
});

describe('wizard server: pages and assets', () => {
  test('the page is served with a strict CSP and no inline script or style', async () => {
    const answer = await send({});
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    // Every script has a same-origin src; no <style>, no style= or on*= attributes, no remote URLs.
    const scripts = [...answer.body.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) expect(attrs).toMatch(/\ssrc="\/assets\/[a-z.]+"/);
    expect(answer.body).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    expect(answer.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    // The status map comes from the core: each phase names the status it yields.
    for (const [phase, status] of Object.entries(DEFAULT_STATUS_MAP)) {
      expect(answer.body).toMatch(new RegExp(`id="f-phase-${phase}-hint">[^<]*Rules get Sigma status <code>${status}</code>`));
    }
  });

  test('everything the page interpolates is HTML-escaped (eta autoEscape)', () => {
    const hostile = new AttackCatalogue({
      version: '18.1"><script>alert(1)</script>',
      domain: 'enterprise-attack',
      tactics: [{ id: 'TA0006', shortname: 'x" onfocus="alert(1)', name: '<img src=x onerror=alert(1)>' }],
      techniques: []
    });
    const html = renderWizardPage({ catalogue: hostile, statusMap: DEFAULT_STATUS_MAP, kqlFlavor: 'xdr', lookbackDays: 7, today: '2026-04-08' });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; (TA0006)');
    expect(html).toContain('data-shortname="x&quot; onfocus=&quot;alert(1)"');
    expect(html).toContain('Enterprise 18.1&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<img src=x|<script>alert|" onfocus="/);
  });

  test('a custom status map reaches the page', async () => {
    const custom = await startWizardServer({ port: 0, statusMap: { Validated: 'stable', Scoped: 'experimental', Unscoped: 'experimental' } });
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        httpRequest({ hostname: '127.0.0.1', port: custom.port, path: '/' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      expect(answer).toMatch(/id="f-phase-Scoped-hint">[^<]*Rules get Sigma status <code>experimental<\/code>/);
    } finally {
      await custom.close();
    }
  });

  test('HEAD answers like GET without a body', async () => {
    const answer = await send({ method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    expect(Number(answer.headers['content-length'])).toBeGreaterThan(1000);
  });

  test('the browser script is valid JavaScript, the stylesheet and icon are served', async () => {
    const js = await send({ path: '/assets/wizard.js' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(() => new Script(js.body)).not.toThrow();
    const css = await send({ path: '/assets/wizard.css' });
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain(':focus-visible');
    const icon = await send({ path: '/assets/favicon.svg' });
    expect(icon.status).toBe(200);
  });
});

describe('wizard server: requests it refuses', () => {
  test.each([
    ['a foreign host', 'evil.example'],
    ['a rebinding host with our port', `evil.example:${0}`],
    ['another port', '127.0.0.1:1'],
    ['no port', '127.0.0.1'],
    ['an empty host', '']
  ])('Host check: %s gets 403', async (_label, host) => {
    const answer = await send({ host: host.replace(':0', `:${server.port}`) });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('only answers requests addressed to');
  });

  test('Host check accepts localhost and 127.0.0.1 with our port, in any case', async () => {
    expect((await send({ host: `localhost:${server.port}` })).status).toBe(200);
    expect((await send({ host: `LocalHost:${server.port}` })).status).toBe(200);
    expect((await send({ host: `127.0.0.1:${server.port}` })).status).toBe(200);
  });

  test('it listens on 127.0.0.1 only, not on every address', async () => {
    // The whole of 127.0.0.0/8 is loopback on Linux: a server bound to 0.0.0.0 would answer on 127.0.0.2.
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.2');
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(outcome).not.toBe('connected');
  });

  test('a request without any Host header is refused', async () => {
    const answer = await send({ host: null });
    expect([400, 403]).toContain(answer.status);
  });

  test('cross-origin posts are refused, same-origin ones accepted', async () => {
    const draft = exampleDraft();
    expect((await postJson(draft, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await postJson(draft, { origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await postJson(draft, { origin: 'null' })).status).toBe(403);
    expect((await postJson(draft, { origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  test('unknown routes get 404 as plain text that does not echo HTML', async () => {
    const answer = await send({ path: '/%3Cscript%3Ealert(1)%3C/script%3E' });
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    const api = await send({ path: '/api/nothing' });
    expect(api.status).toBe(404);
    expect(errorOf(api)).toContain('/api/nothing');
  });

  test('wrong methods get 405 with Allow', async () => {
    const put = await send({ method: 'PUT', path: '/' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
    const get = await send({ path: '/api/preview' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  test.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['JSON look-alike', 'application/jsonp']
  ])('content type %s gets 415', async (_label, type) => {
    const answer = await send({ method: 'POST', path: '/api/preview', headers: { 'content-type': type }, body: JSON.stringify(exampleDraft()) });
    expect(answer.status).toBe(415);
    expect(errorOf(answer)).toContain('application/json');
  });

  test('a missing content type gets 415; a charset parameter is fine', async () => {
    expect((await send({ method: 'POST', path: '/api/preview', body: '{}' })).status).toBe(415);
    expect((await postJson(exampleDraft(), { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  test('a declared body over the cap gets 413 without being read', async () => {
    const answer = await send({ method: 'POST', path: '/api/preview', headers: { 'content-type': 'application/json', 'content-length': MAX_BODY_BYTES + 1 }, body: undefined });
    expect(answer.status).toBe(413);
    expect(errorOf(answer)).toContain('256 KiB');
  });

  test('a chunked body that grows past the cap gets 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { hostname: '127.0.0.1', port: server.port, method: 'POST', path: '/api/preview', headers: { 'content-type': 'application/json', host: `127.0.0.1:${server.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }
      );
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_BODY_BYTES * 2 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  test('a body just under the cap is read (and judged on its content)', async () => {
    const padded = JSON.stringify({ ...exampleDraft(), fileName: ' '.repeat(MAX_BODY_BYTES - 20_000) });
    expect(Buffer.byteLength(padded)).toBeLessThan(MAX_BODY_BYTES);
    const answer = await postJson(padded);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toContain('request.fileName: must be at most 20000 characters');
  });

  test.each([
    ['truncated JSON', '{"report": {'],
    ['not JSON at all', 'hunt: yaml'],
    ['an empty body', '']
  ])('%s gets 400 naming the JSON problem', async (_label, body) => {
    const answer = await postJson(body);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatch(/^the request body is not valid JSON: /);
  });

  test('invalid UTF-8 gets 400', async () => {
    const answer = await send({ method: 'POST', path: '/api/preview', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toContain('UTF-8');
  });

  test('unknown fields get 400 naming where they are', async () => {
    const top = await postJson({ ...exampleDraft(), extra: 1 });
    expect(top.status).toBe(400);
    expect(errorOf(top)).toBe('request: unknown field "extra"');

    const draft = exampleDraft();
    (draft.report.findings[1] as Record<string, unknown>).finding = 'typo';
    const nested = await postJson(draft);
    expect(nested.status).toBe(400);
    expect(errorOf(nested)).toBe('request.report.findings.1: unknown field "finding"');

    const proto = await postJson('{"__proto__": {"polluted": true}, ' + JSON.stringify(exampleDraft()).slice(1));
    expect(proto.status).toBe(400);
    expect(errorOf(proto)).toContain('unknown field "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('wrong shapes get 400 naming the field', async () => {
    const draft = exampleDraft() as unknown as { report: { findings: Record<string, unknown>[] }; kqlFlavor: string };
    draft.report.findings[0]!.confirmed = 'yes';
    const answer = await postJson(draft);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatch(/^request\.report\.findings\.0\.confirmed: /);

    expect(errorOf(await postJson({ ...exampleDraft(), kqlFlavor: 'splunk' }))).toMatch(/^request\.kqlFlavor: /);
    expect(errorOf(await postJson([]))).toMatch(/^request: /);
    expect(errorOf(await postJson(null))).toMatch(/^request: /);
    const { report: _report, ...noReport } = exampleDraft();
    expect(errorOf(await postJson(noReport))).toBe('request.report: missing (expected object)');
  });

  test('a malformed HTTP request gets 400 and the server keeps serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('GARBAGE\r\n\r\n'));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect((await send({})).status).toBe(200);
  });
});

describe('wizard server: the JSON endpoints', () => {
  const catalogue = bundledAttackCatalogue();
  const search = async (q: string) => {
    const answer = await send({ path: `/api/techniques?q=${encodeURIComponent(q)}` });
    expect(answer.status).toBe(200);
    return (JSON.parse(answer.body) as { results: { id: string; name: string; tactics: { shortname: string; name: string }[] }[] }).results;
  };

  test('technique look-up by id prefix and by a word of the name', async () => {
    const byId = await search('T1557');
    expect(byId[0]!.id).toBe('T1557');
    expect(byId.map((r) => r.id)).toContain('T1557.001');
    const byWord = await search('poison');
    const llmnr = byWord.find((r) => r.id === 'T1557.001');
    expect(llmnr?.name).toBe(catalogue.technique('T1557.001')!.name);
    expect(llmnr?.tactics.map((t) => t.name)).toContain('Credential Access');
    expect(await search('')).toEqual([]);
    expect(await search('zzzz-no-such-technique')).toEqual([]);
  });

  test('technique look-up refuses an overlong query', async () => {
    const answer = await send({ path: `/api/techniques?q=${'a'.repeat(201)}` });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toContain('at most 200 characters');
  });

  test('IOC routes are the routing table’s, per data-source type and KQL flavour', async () => {
    const routing = bundledRoutingTable();
    for (const type of DATA_SOURCE_TYPES) {
      for (const flavor of ['xdr', 'sentinel'] as const) {
        const answer = await send({ path: `/api/routes?dataSourceType=${type}&kqlFlavor=${flavor}` });
        expect(answer.status).toBe(200);
        const body = JSON.parse(answer.body) as { routes: { iocType: string; route: unknown }[] };
        expect(body.routes.map((r) => r.iocType)).toEqual([...IOC_TYPES]);
        for (const r of body.routes) expect(r.route).toEqual(describeIocRoute(routing, r.iocType as (typeof IOC_TYPES)[number], type, flavor) ?? null);
      }
    }
    // Sign-in IOCs from an identity source land in sign-in logs, not in endpoint tables (DESIGN.md §4).
    const identity = JSON.parse((await send({ path: '/api/routes?dataSourceType=identity' })).body) as { routes: { iocType: string; route: { kql: string } | null }[] };
    expect(identity.routes.find((r) => r.iocType === 'ip')?.route?.kql).toMatch(/^(SigninLogs|AADSignInEventsBeta)\./);
  });

  test('IOC routes refuse unknown data-source types and flavours', async () => {
    expect(errorOf(await send({ path: '/api/routes?dataSourceType=mainframe' }))).toContain('dataSourceType must be one of endpoint');
    expect((await send({ path: '/api/routes' })).status).toBe(400);
    expect(errorOf(await send({ path: '/api/routes?dataSourceType=dns&kqlFlavor=spl' }))).toContain('kqlFlavor must be one of xdr, sentinel');
  });

  test('the preview of the example is the example: same YAML meaning, same files as convertHunts', async () => {
    const answer = await postJson(exampleDraft());
    expect(answer.status).toBe(200);
    const preview = JSON.parse(answer.body) as { yaml: string; fileName: string; diagnostics: { severity: string }[]; files: { path: string; format: string; content: string }[] };
    expect(parseYaml(preview.yaml)).toEqual(parseYaml(exampleSource));
    expect(parseYaml(preview.yaml, { version: '1.1' })).toEqual(parseYaml(exampleSource));
    const reparsed = parseHuntReport(preview.yaml, EXAMPLE_FILE);
    expect(reparsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(reparsed.report).toEqual(parseHuntReport(exampleSource, EXAMPLE_FILE).report);

    const cli = convertHunts([{ file: EXAMPLE_FILE, source: exampleSource }], {
      formats: [...OUTPUT_FORMATS],
      statusMap: DEFAULT_STATUS_MAP,
      kqlFlavor: 'xdr',
      lookbackDays: 7
    });
    const expected = cli.files.filter((f) => f.format !== 'coverage').map((f) => ({ path: f.path, format: f.format, content: f.content }));
    expect(expected.length).toBeGreaterThanOrEqual(9);
    expect(new Set(expected.map((f) => f.format))).toEqual(new Set(OUTPUT_FORMATS));
    expect(preview.fileName).toBe(EXAMPLE_FILE);
    expect(preview.files).toEqual(expected);
    const gist = (d: { severity: string; message: string; path: unknown }) => ({ severity: d.severity, message: d.message, path: d.path });
    expect((preview.diagnostics as Diagnostic[]).map(gist)).toEqual(cli.diagnostics.map(gist));
  });

  test('the Sentinel flavour changes the KQL the preview shows, like the CLI option', async () => {
    const answer = JSON.parse((await postJson({ ...exampleDraft(), kqlFlavor: 'sentinel' })).body) as { files: { path: string; content: string }[] };
    const cli = convertHunts([{ file: EXAMPLE_FILE, source: exampleSource }], { formats: ['kql'], statusMap: DEFAULT_STATUS_MAP, kqlFlavor: 'sentinel', lookbackDays: 7 });
    expect(cli.files.length).toBeGreaterThan(0);
    for (const file of cli.files) expect(answer.files.find((f) => f.path === file.path)?.content).toBe(file.content);
    const xdr = JSON.parse((await postJson(exampleDraft())).body) as { files: { path: string; content: string }[] };
    expect(cli.files.some((file) => xdr.files.find((f) => f.path === file.path)?.content !== file.content)).toBe(true);
  });

  test('an invalid technique id is an error on that field; no files are generated', async () => {
    const draft = exampleDraft();
    draft.report.findings[1]!.technique = 'T15';
    const preview = JSON.parse((await postJson(draft)).body) as { diagnostics: { severity: string; path: (string | number)[]; message: string; fieldMessage: string; line: number }[]; files: unknown[] };
    const onField = preview.diagnostics.filter((d) => d.severity === 'error' && JSON.stringify(d.path) === JSON.stringify(['findings', 1, 'technique']));
    expect(onField).toHaveLength(1);
    expect(onField[0]!.message).toMatch(/technique id/i);
    // Next to its field the message drops the path prefix the field already shows.
    expect(onField[0]!.message.endsWith(onField[0]!.fieldMessage)).toBe(true);
    expect(onField[0]!.fieldMessage).not.toContain('findings[1]');
    expect(onField[0]!.line).toBeGreaterThan(1);
    expect(preview.files).toEqual([]);
  });

  test('an empty form gets located errors for the required fields, not a 4xx', async () => {
    const answer = await postJson(emptyDraft());
    expect(answer.status).toBe(200);
    const preview = JSON.parse(answer.body) as { yaml: string; suggestedFileName: string; diagnostics: { severity: string; path: (string | number)[] }[]; files: unknown[] };
    const errorPaths = preview.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path.join('.'));
    for (const path of ['hunt.name', 'hunt.hypothesis', 'hunt.analyst', 'hunt.date', 'hunt.peak_phase', 'data_sources.0.name', 'findings.0.technique', 'verdict']) {
      expect(errorPaths).toContain(path);
    }
    expect(preview.files).toEqual([]);
    expect(preview.suggestedFileName).toBe('hunts/hunt.yaml');
    // Optional fields left blank are left out of the YAML; rows are kept so paths index the form.
    const yaml = parseYaml(preview.yaml) as { hunt: Record<string, unknown>; findings: Record<string, unknown>[] };
    expect(Object.keys(yaml.hunt)).toEqual(['name', 'hypothesis', 'analyst', 'date', 'peak_phase']);
    expect(Object.keys(yaml.findings[0]!)).toEqual(['tactic', 'technique', 'confirmed', 'description', 'data_source_ref', 'iocs']);
  });

  test('the file name must stay inside the repository; the suggestion follows the hunt id and name', async () => {
    const draft = exampleDraft();
    draft.fileName = '../outside.yaml';
    draft.report.hunt.id = 'H-0042';
    const preview = JSON.parse((await postJson(draft)).body) as { fileName: string; suggestedFileName: string; diagnostics: { path: string[]; severity: string }[]; files: unknown[] };
    expect(preview.diagnostics[0]).toMatchObject({ path: ['fileName'], severity: 'error' });
    expect(preview.suggestedFileName).toBe('hunts/h-0042-aitm-proxy-detection-infostealer-delivery.yaml');
    expect(preview.fileName).toBe(preview.suggestedFileName);
    expect(preview.files).not.toEqual([]);
  });
});

describe('wizard server: it never crashes', () => {
  const text = fc.string({ maxLength: 40, unit: 'binary' });
  const drafts = fc.record({
    fileName: fc.oneof(fc.constant(''), text),
    kqlFlavor: fc.constantFrom('xdr', 'sentinel'),
    report: fc.record({
      hunt: fc.record({
        id: text,
        name: text,
        hypothesis: text,
        analyst: text,
        date: fc.oneof(text, fc.constant('2026-04-08')),
        peak_phase: fc.oneof(text, fc.constantFrom('Unscoped', 'Scoped', 'Validated')),
        hunt_type: text,
        references: fc.array(text, { maxLength: 3 })
      }),
      data_sources: fc.array(fc.record({ name: text, type: fc.oneof(text, fc.constantFrom(...DATA_SOURCE_TYPES)), coverage: text }), { maxLength: 3 }),
      findings: fc.array(
        fc.record({
          tactic: fc.oneof(text, fc.constant('Credential Access')),
          technique: fc.oneof(text, fc.constantFrom('T1557.001', 'T1539', 'T9999')),
          technique_name: text,
          confirmed: fc.boolean(),
          description: text,
          data_source_ref: text,
          iocs: fc.array(fc.record({ type: fc.oneof(text, fc.constantFrom(...IOC_TYPES)), value: text, match: text }), { maxLength: 3 }),
          falsepositives: fc.array(text, { maxLength: 2 }),
          level: text
        }),
        { maxLength: 2 }
      ),
      verdict: text
    })
  });

  test('random well-shaped drafts always get 200 with diagnostics, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(drafts, async (draft) => {
        const answer = await postJson(draft);
        expect(answer.status).toBe(200);
        const body = JSON.parse(answer.body) as { diagnostics: unknown[]; yaml: string };
        expect(Array.isArray(body.diagnostics)).toBe(true);
      }),
      { numRuns: 60 }
    );
    expect(logged).toEqual([]);
  });

  test('random bodies and content types get 2xx or 4xx, never a 5xx', async () => {
    const bodies = fc.oneof(fc.json(), fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)));
    const types = fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', '', 'multipart/form-data');
    await fc.assert(
      fc.asyncProperty(bodies, types, async (body, type) => {
        const answer = await send({ method: 'POST', path: '/api/preview', headers: type ? { 'content-type': type } : {}, body });
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 80 }
    );
    expect((await send({})).status).toBe(200);
    expect(logged).toEqual([]);
  });

  test('random paths and query strings get 2xx or 4xx', async () => {
    const segment = fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => encodeURIComponent(s));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/', '/api/techniques', '/api/routes', '/api/', '/assets/'), segment, segment, async (base, a, b) => {
        const answer = await send({ path: `${base}${a}?q=${b}&dataSourceType=${a}` });
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 60 }
    );
  });
});
