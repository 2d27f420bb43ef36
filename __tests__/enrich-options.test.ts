import { ENRICH_USAGE, parseEnrichFlags } from '../src/cli/enrich-options.js';
import { UsageError } from '../src/cli/io.js';
import { DEFAULT_BASE_URLS, DEFAULT_MODELS, resolveEnrichConfig } from '../src/enrich/config.js';

const OPENAI_KEY = 'sk-proj-abcdefghijklmnop';
const ANTHROPIC_KEY = 'sk-ant-api03-abcdefghijklmnop';
const env = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('--enrich flags', () => {
  test('without --enrich nothing changes and the other arguments pass through', () => {
    expect(parseEnrichFlags(['hunts/', '--out', 'rules', '--format', 'json'], env)).toEqual({
      config: undefined,
      warning: undefined,
      rest: ['hunts/', '--out', 'rules', '--format', 'json']
    });
  });

  test('--enrich openai takes the key from OPENAI_API_KEY and the documented defaults', () => {
    const parsed = parseEnrichFlags(['hunts/', '--enrich', 'openai', '--out', 'rules'], env);
    expect(parsed.rest).toEqual(['hunts/', '--out', 'rules']);
    expect(parsed.config).toEqual({
      provider: 'openai',
      model: DEFAULT_MODELS.openai,
      apiKey: OPENAI_KEY,
      baseUrl: DEFAULT_BASE_URLS.openai,
      timeoutMs: 60_000,
      runTimeoutMs: 300_000,
      concurrency: 3
    });
    expect(DEFAULT_MODELS).toEqual({ openai: 'gpt-5.5', anthropic: 'claude-sonnet-5-5' });
  });

  test('--flag=value forms, a model and a base URL; ANTHROPIC_API_KEY for anthropic', () => {
    const parsed = parseEnrichFlags(['--enrich=Anthropic', '--enrich-model=claude-haiku-4-5', '--enrich-base-url', 'https://gw.example/anthropic', 'x.yml'], env);
    expect(parsed.rest).toEqual(['x.yml']);
    expect(parsed.config).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: ANTHROPIC_KEY, baseUrl: 'https://gw.example/anthropic' });
  });

  test('the base URL defaults to OPENAI_BASE_URL / ANTHROPIC_BASE_URL, and the flag wins over it', () => {
    const withEnv = { ...env, OPENAI_BASE_URL: 'https://proxy.example/v1', ANTHROPIC_BASE_URL: 'https://other.example' };
    expect(parseEnrichFlags(['--enrich', 'openai'], withEnv).config?.baseUrl).toBe('https://proxy.example/v1');
    expect(parseEnrichFlags(['--enrich', 'anthropic'], withEnv).config?.baseUrl).toBe('https://other.example/');
    expect(parseEnrichFlags(['--enrich', 'openai', '--enrich-base-url', 'https://flag.example/v1'], withEnv).config?.baseUrl).toBe('https://flag.example/v1');
    // A bad environment value is named as such.
    expect(usageError(() => parseEnrichFlags(['--enrich', 'openai'], { ...env, OPENAI_BASE_URL: 'http://proxy.example/v1' }))).toBe(
      'OPENAI_BASE_URL must use https (http is accepted only for localhost)'
    );
  });

  test('a missing key skips enrichment with a warning instead of failing', () => {
    expect(parseEnrichFlags(['--enrich', 'anthropic', 'h.yml'], { OPENAI_API_KEY: OPENAI_KEY })).toEqual({
      config: undefined,
      warning: 'enrichment with Anthropic skipped: no API key was given (set the ANTHROPIC_API_KEY environment variable)',
      rest: ['h.yml']
    });
  });

  test.each([
    [['--enrich', 'gemini'], 'unknown enrichment provider "gemini": choose openai or anthropic'],
    [['--enrich'], '--enrich needs a value'],
    [['--enrich', '--out', 'x'], '--enrich needs a value'],
    [['--enrich', 'openai', '--enrich', 'anthropic'], '--enrich given twice'],
    [['--enrich-model', 'gpt-5.5'], '--enrich-model needs --enrich (openai or anthropic)'],
    [['--enrich-base-url', 'https://x.example'], '--enrich-base-url needs --enrich (openai or anthropic)'],
    [['--enrich', 'openai', '--enrich-model', 'gpt 5 --> <b>'], '--enrich-model "gpt 5 --> <b>" is not a model id (letters, digits and . _ : / @ + - only, at most 128 characters)'],
    [['--enrich', 'openai', '--enrich-base-url', 'api.openai.com'], '--enrich-base-url "api.openai.com" is not an absolute URL'],
    [['--enrich', 'openai', '--enrich-base-url', 'http://api.example/v1'], '--enrich-base-url must use https (http is accepted only for localhost)'],
    [['--enrich', 'openai', '--enrich-base-url', 'https://user:pw@api.example/v1'], '--enrich-base-url must not contain a user name or password']
  ])('%j is a usage error: %s', (args, message) => {
    expect(usageError(() => parseEnrichFlags(args, env))).toBe(message);
  });

  test('http is accepted for a proxy on this machine', () => {
    expect(parseEnrichFlags(['--enrich', 'openai', '--enrich-base-url', 'http://127.0.0.1:4000/v1'], env).config?.baseUrl).toBe('http://127.0.0.1:4000/v1');
    expect(parseEnrichFlags(['--enrich', 'openai', '--enrich-base-url', 'http://localhost:4000'], env).config?.baseUrl).toBe('http://localhost:4000/');
  });

  test('arguments after -- are never taken as flags', () => {
    expect(parseEnrichFlags(['a.yml', '--', '--enrich', 'openai'], env)).toMatchObject({ config: undefined, rest: ['a.yml', '--', '--enrich', 'openai'] });
  });

  test('the usage text documents every flag and variable', () => {
    for (const word of ['--enrich openai|anthropic', '--enrich-model', '--enrich-base-url', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL']) {
      expect(ENRICH_USAGE).toContain(word);
    }
  });
});

describe('shared settings (also the action inputs)', () => {
  test('empty or "none" means no enrichment', () => {
    expect(resolveEnrichConfig({ provider: '' })).toEqual({ ok: true });
    expect(resolveEnrichConfig({ provider: 'none', apiKey: 'x' })).toEqual({ ok: true });
  });

  test('a key that cannot be sent is refused without echoing it', () => {
    const key = 'sk-secret value\nwith newline';
    const setup = resolveEnrichConfig({ provider: 'openai', apiKey: key });
    expect(setup).toEqual({ ok: false, message: 'the OpenAI API key has spaces or characters that cannot be sent in an HTTP header' });
  });

  test('action-style names appear in messages', () => {
    const setup = resolveEnrichConfig({ provider: 'openai', apiKey: '', apiKeySource: 'the enrich-api-key input' });
    expect(setup).toEqual({ ok: true, warning: 'enrichment with OpenAI skipped: no API key was given (set the enrich-api-key input)' });
    expect(resolveEnrichConfig({ provider: 'openai', apiKey: 'k', baseUrl: 'ftp://x' })).toEqual({
      ok: false,
      message: 'enrich-base-url must use https (http is accepted only for localhost)'
    });
  });

  test('the key is trimmed (secrets pasted with a trailing newline still work)', () => {
    const setup = resolveEnrichConfig({ provider: 'anthropic', apiKey: ` ${ANTHROPIC_KEY}\n` });
    expect(setup.ok && setup.config?.apiKey).toBe(ANTHROPIC_KEY);
  });
});
