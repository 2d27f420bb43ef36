import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseInputs } from '../src/action/inputs.js';
import { applyRoutingOverrides, parseRoutingOverrides } from '../src/core/routing/overrides.js';
import { bundledRoutingTable } from '../src/core/routing/table.js';
import { loadMappings, MAX_MAPPING_FILE_BYTES } from '../src/shell/mappings.js';

/** The shared mapping-file loader (CLI convert and wizard, the action) and the action's enrichment inputs. */

const EXAMPLE = 'examples/mappings/custom-fields.yml';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2s-mappings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (message: string, file: string) => [{ file, line: 1, column: 1, severity: 'error', message, path: [] }];

describe('loadMappings', () => {
  test('the example file gives the same table as parsing and applying it by hand', async () => {
    const loaded = await loadMappings(EXAMPLE, resolve('.'));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const parsed = parseRoutingOverrides(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
    expect(loaded.routing).toEqual(applyRoutingOverrides(bundledRoutingTable(), parsed.table!));
  });

  test('missing file, missing directory, a directory, and a file too large are located errors, not exceptions', async () => {
    mkdirSync(join(dir, 'maps'));
    writeFileSync(join(dir, 'big.yml'), `# ${'x'.repeat(MAX_MAPPING_FILE_BYTES)}\n`);
    expect(await loadMappings('nope.yml', dir)).toEqual({ diagnostics: at('cannot read the mapping file: no such file', 'nope.yml') });
    expect(await loadMappings('no/such/dir.yml', dir)).toEqual({ diagnostics: at('cannot read the mapping file: no such file', 'no/such/dir.yml') });
    expect(await loadMappings('maps', dir)).toEqual({ diagnostics: at('cannot read the mapping file: it is a directory, not a file', 'maps') });
    expect(await loadMappings('big.yml', dir)).toEqual({
      diagnostics: at(`cannot read the mapping file: mapping files are limited to 256 KiB (this one has ${MAX_MAPPING_FILE_BYTES + 3} bytes)`, 'big.yml')
    });
    expect((await loadMappings('nope.yml', dir, { label: 'the mapping file (input "mappings")' })).diagnostics[0]!.message).toBe(
      'cannot read the mapping file (input "mappings"): no such file'
    );
  });

  test('a FIFO is refused without blocking', async () => {
    try {
      execFileSync('mkfifo', [join(dir, 'pipe.yml')]);
    } catch {
      return; // No mkfifo on this system: nothing to check.
    }
    expect(await loadMappings('pipe.yml', dir)).toEqual({ diagnostics: at('cannot read the mapping file: not a regular file', 'pipe.yml') });
  });

  test('a symbolic link is followed by default (CLI) and refused when asked (action)', async () => {
    writeFileSync(join(dir, 'real.yml'), readFileSync(EXAMPLE));
    symlinkSync(join(dir, 'real.yml'), join(dir, 'link.yml'));
    expect((await loadMappings('link.yml', dir)).routing).toBeDefined();
    expect(await loadMappings('link.yml', dir, { followSymlinks: false })).toEqual({
      diagnostics: at('cannot read the mapping file: it is a symbolic link; name the file itself', 'link.yml')
    });
  });

  test('errors in the file are located diagnostics and give no table', async () => {
    writeFileSync(join(dir, 'bad.yml'), 'version: 1\nroutes:\n  no_such_ioc: {}\n');
    const loaded = await loadMappings('bad.yml', dir);
    expect(loaded.routing).toBeUndefined();
    expect(loaded.diagnostics[0]).toMatchObject({ file: 'bad.yml', line: 3, severity: 'error' });
  });
});

describe('action enrichment inputs', () => {
  const from = (values: Record<string, string>) => (name: string) => values[name] ?? '';
  const KEY = 'sk-proj-action-input-0123456789';

  test('off by default; the key is masked before any parsing, even when other inputs are bad', () => {
    const masked: string[] = [];
    const off = parseInputs(from({ token: 't' }), (s) => masked.push(s));
    expect(off.inputs?.enrich).toBeUndefined();
    expect(off.inputs?.enrichWarning).toBeUndefined();
    expect(masked).toEqual([]);

    const bad = parseInputs(from({ token: 't', formats: 'yara', 'enrich-api-key': `  ${KEY}\n` }), (s) => masked.push(s));
    expect(masked).toEqual([KEY]);
    expect(bad.errors.join('\n')).not.toContain(KEY);
  });

  test('enrich: anthropic with model, key and base URL', () => {
    const { inputs, errors } = parseInputs(
      from({ token: 't', enrich: 'anthropic', 'enrich-model': 'claude-haiku-4-5', 'enrich-api-key': KEY, 'enrich-base-url': 'https://gw.example/anthropic' }),
      () => undefined
    );
    expect(errors).toEqual([]);
    expect(inputs?.enrich).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: KEY, baseUrl: 'https://gw.example/anthropic' });
  });

  test('no key: enrichment skipped with a warning that says which input to set', () => {
    const { inputs, errors } = parseInputs(from({ token: 't', enrich: 'openai' }), () => undefined);
    expect(errors).toEqual([]);
    expect(inputs?.enrich).toBeUndefined();
    expect(inputs?.enrichWarning).toBe('enrichment with OpenAI skipped: no API key was given (set the "enrich-api-key" input to a secret, e.g. ${{ secrets.OPENAI_API_KEY }})');
  });

  test.each([
    [{ enrich: 'gemini' }, 'input "enrich": unknown enrichment provider "gemini": choose openai or anthropic'],
    [{ 'enrich-model': 'gpt-5.5' }, 'input "enrich-model" needs input "enrich" (openai or anthropic)'],
    [{ enrich: 'openai', 'enrich-base-url': 'http://llm.example/v1', 'enrich-api-key': KEY }, 'input "enrich-base-url" must use https (http is accepted only for localhost)'],
    [{ enrich: 'openai', 'enrich-api-key': 'sk-with space-0123' }, 'input "enrich-api-key": the OpenAI API key has spaces or characters that cannot be sent in an HTTP header']
  ])('bad enrichment inputs are named errors: %j', (values, message) => {
    const { inputs, errors } = parseInputs(from({ token: 't', ...values }), () => undefined);
    expect(inputs).toBeUndefined();
    expect(errors).toEqual([message]);
  });
});
