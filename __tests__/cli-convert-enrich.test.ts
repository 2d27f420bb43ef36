import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runCli } from '../src/cli/dispatch.js';
import type { CliIO } from '../src/cli/io.js';
import { PLAIN_ANSWER } from './support/enrich-fixtures.js';
import { FakeLlm } from './support/fake-llm.js';
import { readTree } from './support/files.js';

/**
 * `peak-to-sigma convert --enrich` against a local stand-in for the provider APIs: what is
 * written, what is asked, what is said, and that the API key never leaves the request header.
 */

const KEY = 'sk-test-cli-enrich-0123456789abcdef';
const CLI_BUNDLE = resolve(import.meta.dirname, '..', 'dist', 'cli', 'index.js');

let dir: string;
let fake: FakeLlm;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'p2s-cli-enrich-'));
  fake = await FakeLlm.start(KEY);
  fake.answer = PLAIN_ANSWER;
  put('hunts/one.yaml', hunt('One', 'T1059.001', 'Execution', 'powershell.exe'));
  put('hunts/two.yaml', hunt('Two', 'T1003.001', 'Credential Access', 'procdump.exe'));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function hunt(name: string, technique: string, tactic: string, process: string): string {
  return `hunt:
  name: "${name}"
  hypothesis: "Attackers run ${process} on workstations."
  analyst: "a"
  date: "2026-04-08"
  peak_phase: Scoped
data_sources:
  - { name: EDR, type: endpoint }
findings:
  - tactic: ${tactic}
    technique: ${technique}
    confirmed: true
    description: "${process} seen on 3 hosts."
    data_source_ref: EDR
    iocs:
      - { type: process_name, value: "${process}" }
verdict: "v"
`;
}

function put(path: string, content: string) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}


async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd: dir, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const openAiEnv = (key = KEY) => ({ OPENAI_API_KEY: key, OPENAI_BASE_URL: `${fake.baseUrl}/v1` });
const ENRICHMENT_FILES = ['one/enrichment.md', 'two/enrichment.md'];
const enrichmentFiles = (files: Record<string, string>) => Object.keys(files).filter((p) => p.endsWith('/enrichment.md'));

/** Nothing we print or write may contain the key, nor its start (a provider may quote a masked key). */
function expectNoKey(...texts: string[]) {
  for (const text of texts) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(0, 12));
  }
}

describe('convert --enrich', () => {
  test('writes enrichment.md per hunt with the four sections; an unchanged rerun asks nothing and changes no byte', async () => {
    const first = await cli(openAiEnv(), 'convert', 'hunts', '--out', 'out', '--enrich', 'openai');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      'converted 2 of 2 hunt reports (2 findings, 2 rules) into out: 13 written, 0 unchanged, 0 deleted\n' +
        'enrichment (OpenAI gpt-5.5): 2 enriched, 0 unchanged, 0 failed\n'
    );
    expect(fake.requests).toHaveLength(2);
    for (const request of fake.requests) {
      expect(request.url).toBe('/v1/chat/completions');
      expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
      expectNoKey(request.rawBody);
    }

    const files = readTree(join(dir, 'out'));
    expect(enrichmentFiles(files).sort()).toEqual(ENRICHMENT_FILES);
    const md = files['one/enrichment.md']!;
    expect(md.split('\n')[0]).toMatch(/^<!-- peak-to-sigma:enrichment sha256=[0-9a-f]{64} model=gpt-5\.5 -->$/);
    expect(md).toContain('# LLM enrichment: One\n');
    for (const heading of ['## Detection gaps', '## Related techniques', '## Hunting pivots', '## False-positive tuning']) expect(md).toContain(`\n${heading}\n`);
    expect(md).toContain('**Hash\\-only evasion**: A renamed proxy binary evades the process\\-name match\\.');
    expect(md).toContain('[T1550\\.004](https://attack.mitre.org/techniques/T1550/004/)');
    expect(md).toContain('- Allow\\-list the corporate egress proxy\\.');
    const manifest = JSON.parse(files['.peak-to-sigma-manifest.json']!);
    expect(manifest.files['one/enrichment.md'].source).toBe('hunts/one.yaml');
    expectNoKey(first.stdout, first.stderr, ...Object.values(files));

    const second = await cli(openAiEnv(), 'convert', 'hunts', '--out', 'out', '--enrich', 'openai', '--format', 'json');
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expect(fake.requests).toHaveLength(2);
    const summary = JSON.parse(second.stdout);
    expect(summary.files.written).toEqual([]);
    expect(summary.files.unchanged).toEqual(expect.arrayContaining(ENRICHMENT_FILES));
    expect(summary.enrichment).toEqual({ provider: 'openai', model: 'gpt-5.5', enriched: 0, cached: 2, failed: 0, warnings: [] });
    expect(readTree(join(dir, 'out'))).toEqual(files);
  });

  test('only the changed hunt is asked again', async () => {
    await cli(openAiEnv(), 'convert', 'hunts', '--out', 'out', '--enrich', 'openai');
    const before = readTree(join(dir, 'out'));
    put('hunts/two.yaml', hunt('Two', 'T1003.001', 'Credential Access', 'procdump64.exe'));
    const r = await cli(openAiEnv(), 'convert', 'hunts', '--out', 'out', '--enrich', 'openai', '--format', 'json');
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(3);
    expect(JSON.parse(fake.requests[2]!.body.messages[1].content.split('<hunt_data>')[1].split('</hunt_data>')[0]).hunt.name).toBe('Two');
    expect(JSON.parse(r.stdout).enrichment).toMatchObject({ enriched: 1, cached: 1, failed: 0 });
    const after = readTree(join(dir, 'out'));
    expect(after['one/enrichment.md']).toBe(before['one/enrichment.md']);
    expect(after['two/enrichment.md']).not.toBe(before['two/enrichment.md']);
  });

  test('a rejected key (401): warnings on stderr, exit 0, the rule files written, no enrichment.md, the key nowhere', async () => {
    const wrong = 'sk-test-wrong-key-9876543210fedcba';
    const r = await cli({ OPENAI_API_KEY: wrong, OPENAI_BASE_URL: `${fake.baseUrl}/v1` }, 'convert', 'hunts', '--out', 'out', '--enrich', 'openai');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^converted 2 of 2 hunt reports .* 11 written/);
    expect(r.stdout).toContain('enrichment (OpenAI gpt-5.5): 0 enriched, 0 unchanged, 2 failed\n');
    const warnings = r.stderr.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(2);
    for (const line of warnings) expect(line).toMatch(/^warning: enrichment of (one|two) skipped: OpenAI refused the request \(HTTP 401\): check the API key and its access to model gpt-5\.5/);
    // After the first 401 no further request is started (both may already be on their way).
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    expect(fake.requests.length).toBeLessThanOrEqual(2);
    const files = readTree(join(dir, 'out'));
    expect(Object.keys(files)).toContain('one/sigma/t1059-001-process-creation.yml');
    expect(enrichmentFiles(files)).toEqual([]);
    for (const text of [r.stdout, r.stderr, ...Object.values(files)]) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(wrong.slice(0, 12));
      expect(text).not.toContain(wrong.slice(-4));
    }
  });

  test('a malformed answer keeps the previous enrichment.md and only warns', async () => {
    await cli(openAiEnv(), 'convert', 'hunts', '--out', 'out', '--enrich', 'openai');
    const before = readTree(join(dir, 'out'));
    put('hunts/one.yaml', hunt('One', 'T1059.001', 'Execution', 'pwsh.exe'));
    fake.answerText = '{"gaps": "not a list"';
    const r = await cli(openAiEnv(), 'convert', 'hunts', '--out', 'out', '--enrich', 'openai');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: enrichment of one skipped: OpenAI: the answer is not valid JSON (the previous one/enrichment.md is kept)\n');
    const after = readTree(join(dir, 'out'));
    expect(after['one/enrichment.md']).toBe(before['one/enrichment.md']);
    expect(after['one/kql/t1059-001-process-creation.kql']).toContain('pwsh.exe');
  });

  test('enrichment off keeps existing enrichment.md files and asks nothing', async () => {
    await cli(openAiEnv(), 'convert', 'hunts', '--out', 'out', '--enrich', 'openai');
    const before = readTree(join(dir, 'out'));
    const off = await cli({}, 'convert', 'hunts', '--out', 'out', '--format', 'json');
    expect(off.code).toBe(0);
    expect(off.stderr).toBe('');
    const summary = JSON.parse(off.stdout);
    expect(summary.files.deleted).toEqual([]);
    expect(summary.files.unchanged).toEqual(expect.arrayContaining(ENRICHMENT_FILES));
    expect(summary.enrichment).toEqual({ provider: null, model: null, enriched: 0, cached: 0, failed: 0, warnings: [] });
    expect(readTree(join(dir, 'out'))).toEqual(before);
    expect(fake.requests).toHaveLength(2);

    // A hunt removed without --enrich still loses its enrichment.md with its other outputs.
    rmSync(join(dir, 'hunts/two.yaml'));
    const removed = JSON.parse((await cli({}, 'convert', 'hunts', '--out', 'out', '--format', 'json')).stdout);
    expect(removed.files.deleted).toContain('two/enrichment.md');
    expect(removed.files.unchanged).toContain('one/enrichment.md');
  });

  test('no key: one warning naming the variable, exit 0, rules written, no request', async () => {
    const r = await cli({ OPENAI_BASE_URL: `${fake.baseUrl}/v1` }, 'convert', 'hunts', '--out', 'out', '--enrich', 'openai', '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: enrichment with OpenAI skipped: no API key was given (set the OPENAI_API_KEY environment variable)\n');
    expect(JSON.parse(r.stdout).enrichment).toEqual({
      provider: null,
      model: null,
      enriched: 0,
      cached: 0,
      failed: 0,
      warnings: ['enrichment with OpenAI skipped: no API key was given (set the OPENAI_API_KEY environment variable)']
    });
    expect(fake.requests).toHaveLength(0);
    expect(Object.keys(readTree(join(dir, 'out')))).toContain('two/sigma/t1003-001-process-creation.yml');
  });

  test('anthropic with --enrich-model and --enrich-base-url', async () => {
    const r = await cli(
      { ANTHROPIC_API_KEY: KEY },
      'convert',
      'hunts',
      '--out',
      'out',
      '--enrich=anthropic',
      '--enrich-model',
      'claude-haiku-4-5',
      '--enrich-base-url',
      fake.baseUrl
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fake.requests.map((q) => [q.url, q.headers['x-api-key'], q.body.model])).toEqual([
      ['/v1/messages', KEY, 'claude-haiku-4-5'],
      ['/v1/messages', KEY, 'claude-haiku-4-5']
    ]);
    expect(readFileSync(join(dir, 'out/one/enrichment.md'), 'utf8')).toContain('(Anthropic `claude-haiku-4-5`)');
  });

  test('bad enrichment settings are usage errors (exit 2) and nothing is written; --help lists the flags', async () => {
    for (const [args, message] of [
      [['--enrich', 'gemini'], 'unknown enrichment provider "gemini": choose openai or anthropic'],
      [['--enrich', 'openai', '--enrich-base-url', 'http://llm.example/v1'], '--enrich-base-url must use https (http is accepted only for localhost)'],
      [['--enrich-model', 'gpt-5.5'], '--enrich-model needs --enrich (openai or anthropic)']
    ] as const) {
      const r = await cli(openAiEnv(), 'convert', 'hunts', '--out', 'out', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`peak-to-sigma convert: ${message}\n`);
      expectNoKey(r.stderr);
    }
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(fake.requests).toHaveLength(0);
    const help = await cli({}, 'convert', '--help');
    expect(help.stdout).toContain('--enrich openai|anthropic');
    expect(help.stdout).toContain('--enrich-base-url <url>');
  });

  test('the built CLI bundle enriches with the global fetch and prints no key', async () => {
    if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: run "npm run build" first`);
    // Asynchronous on purpose: the fake provider answers from this process's event loop.
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [CLI_BUNDLE, 'convert', 'hunts', '--out', 'out', '--enrich', 'openai'],
        { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...openAiEnv() }, timeout: 60_000 },
        (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
      );
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('enrichment (OpenAI gpt-5.5): 2 enriched, 0 unchanged, 0 failed');
    expect(fake.requests).toHaveLength(2);
    expect(enrichmentFiles(readTree(join(dir, 'out'))).sort()).toEqual(ENRICHMENT_FILES);
    expectNoKey(run.stdout, run.stderr, ...Object.values(readTree(join(dir, 'out'))));
  });
});
