import { createServer } from 'node:net';
import { ANSWER_JSON_SCHEMA, DATA_CLOSE, DATA_OPEN, ENRICHMENT_SYSTEM_PROMPT, type EnrichProvider } from '../src/core/enrichment.js';
import { scrubSecrets } from '../src/enrich/client.js';
import { type EnrichConfig, enrichHunts, enrichmentCommentSection, enrichmentOutputFiles, type EnrichHuntInput, resolveEnrichConfig } from '../src/enrich/index.js';
import { endpointUrl, MAX_OUTPUT_TOKENS } from '../src/enrich/providers.js';
import { aitmReport, aitmRules, HOSTILE_ANSWER, HOSTILE_HYPOTHESIS, PLAIN_ANSWER } from './support/enrich-fixtures.js';
import { FakeLlm, openAiCompletion } from './support/fake-llm.js';

const KEY = 'sk-test-0123456789abcdef';
let fake: FakeLlm;

beforeEach(async () => {
  fake = await FakeLlm.start(KEY);
  fake.answer = PLAIN_ANSWER;
});
afterEach(async () => {
  await fake.close();
});

function config(provider: EnrichProvider, overrides: Partial<EnrichConfig> = {}): EnrichConfig {
  const base = provider === 'openai' ? `${fake.baseUrl}/v1` : fake.baseUrl;
  const setup = resolveEnrichConfig({ provider, apiKey: KEY, baseUrl: base });
  if (!setup.ok || !setup.config) throw new Error('bad test config');
  return { ...setup.config, timeoutMs: 10_000, ...overrides };
}

const hunt = (overrides: Partial<EnrichHuntInput> = {}): EnrichHuntInput => ({
  slug: 'h-0042-aitm-proxy-detection-infostealer-delivery',
  report: aitmReport(),
  rules: aitmRules(),
  ...overrides
});

/** The data block of a recorded request's user message, parsed. */
function dataBlock(user: string): any {
  return JSON.parse(user.slice(user.indexOf(DATA_OPEN) + DATA_OPEN.length, user.indexOf(DATA_CLOSE)));
}

describe('OpenAI Chat Completions', () => {
  test('a normal answer: the request has the key, model and strict JSON schema; the hunt is inside the data block', async () => {
    const run = await enrichHunts([hunt({ report: aitmReport(HOSTILE_HYPOTHESIS) })], config('openai'));
    expect(run.results[0]!.cached).toBe(false);
    expect(run.results[0]!.warning).toBeUndefined();
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.headers['x-api-key']).toBeUndefined();
    expect(request!.body.model).toBe('gpt-5.5');
    expect(request!.body.max_completion_tokens).toBe(MAX_OUTPUT_TOKENS);
    expect(request!.body.temperature).toBeUndefined();
    expect(request!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'hunt_enrichment', strict: true, schema: ANSWER_JSON_SCHEMA }
    });
    const [system, user] = request!.body.messages;
    expect(system).toEqual({ role: 'system', content: ENRICHMENT_SYSTEM_PROMPT });
    expect(user.role).toBe('user');
    expect(user.content.split(DATA_CLOSE)).toHaveLength(2);
    expect(dataBlock(user.content).hunt.hypothesis).toBe(HOSTILE_HYPOTHESIS);
    expect(system.content).not.toContain('Ignore previous instructions');
  });

  test('the answer becomes enrichment.md and a comment section', async () => {
    fake.answer = HOSTILE_ANSWER;
    const run = await enrichHunts([hunt()], config('openai'));
    const [result] = run.results;
    expect(result!.answer?.gaps).toHaveLength(2);
    const md = result!.markdown!;
    expect(md.split('\n')[0]).toMatch(/^<!-- peak-to-sigma:enrichment sha256=[0-9a-f]{64} model=gpt-5\.5 -->$/);
    expect(md).toContain('&lt;script&gt;');
    expect(md).not.toMatch(/<script|<img/);
    expect(md).toContain('T9999\\.999 ⚠️ unverified\\: not in ATT&amp;CK v18\\.1');
    expect([...md.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].every((m) => m[1]!.startsWith('https://attack.mitre.org/techniques/'))).toBe(true);
    expect(md).not.toContain(KEY);

    expect(enrichmentOutputFiles(run)).toEqual([{ path: 'h-0042-aitm-proxy-detection-infostealer-delivery/enrichment.md', content: md }]);
    const section = enrichmentCommentSection(run);
    expect(section.startsWith('<details>\n<summary>LLM enrichment (OpenAI gpt-5.5): 1 of 1 hunt(s)</summary>')).toBe(true);
    expect(section).toContain('##### Related techniques');
    expect(section).not.toMatch(/<script|<img/);
  });

  test.each([
    ['https://api.example/v1', 'https://api.example/v1/chat/completions'],
    ['https://api.example/v1/', 'https://api.example/v1/chat/completions'],
    ['https://proxy.example/openai', 'https://proxy.example/openai/v1/chat/completions'],
    ['https://res.openai.azure.com/openai/v1', 'https://res.openai.azure.com/openai/v1/chat/completions'],
    [
      'https://res.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2025-04-01',
      'https://res.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2025-04-01'
    ]
  ])('base URL %s → %s', (base, url) => {
    expect(endpointUrl(base, '/v1/chat/completions')).toBe(url);
  });

  test('a gateway URL given in full is used as is, query included', async () => {
    const run = await enrichHunts([hunt()], config('openai', { baseUrl: `${fake.baseUrl}/openai/deployments/gpt/chat/completions?api-version=2025-04-01` }));
    expect(run.results[0]!.warning).toBeUndefined();
    expect(fake.requests[0]!.url).toBe('/openai/deployments/gpt/chat/completions?api-version=2025-04-01');
  });

  test('a refusal, a cut-off answer and an empty answer are warnings', async () => {
    fake.enqueue(
      { status: 200, body: openAiCompletion('gpt-5.5', null, { refusal: 'I cannot help with that.' }) },
      { status: 200, body: openAiCompletion('gpt-5.5', '{"gaps": [', { finish_reason: 'length' }) },
      { status: 200, body: openAiCompletion('gpt-5.5', null) }
    );
    const run = await enrichHunts([hunt({ slug: 'a' }), hunt({ slug: 'b' }), hunt({ slug: 'c' })], config('openai', { concurrency: 1 }));
    expect(run.results.map((r) => r.warning)).toEqual([
      'enrichment of a skipped: OpenAI: the model refused to answer',
      'enrichment of b skipped: OpenAI: the answer was cut off at the output token limit',
      'enrichment of c skipped: OpenAI: the answer is empty'
    ]);
    expect(run.results.every((r) => r.markdown === undefined && r.answer === undefined)).toBe(true);
  });
});

describe('Anthropic Messages', () => {
  test('a normal answer: x-api-key, version header, model, output_config JSON schema; no sampling or forced tool', async () => {
    const run = await enrichHunts([hunt({ report: aitmReport(HOSTILE_HYPOTHESIS) })], config('anthropic'));
    expect(run.results[0]!.warning).toBeUndefined();
    expect(run.results[0]!.answer?.related_techniques[0]?.id).toBe('T1550.004');
    const [request] = fake.requests;
    expect(request!.url).toBe('/v1/messages');
    expect(request!.headers['x-api-key']).toBe(KEY);
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.headers['anthropic-version']).toBe('2023-06-01');
    expect(request!.body).toMatchObject({ model: 'claude-sonnet-5-5', max_tokens: MAX_OUTPUT_TOKENS, system: ENRICHMENT_SYSTEM_PROMPT });
    expect(request!.body.output_config).toEqual({ format: { type: 'json_schema', schema: ANSWER_JSON_SCHEMA } });
    expect(request!.body).not.toHaveProperty('temperature');
    expect(request!.body).not.toHaveProperty('tool_choice');
    expect(request!.body.messages).toHaveLength(1);
    expect(request!.body.messages[0].role).toBe('user');
    expect(dataBlock(request!.body.messages[0].content).hunt.hypothesis).toBe(HOSTILE_HYPOTHESIS);
    expect(run.results[0]!.markdown).toContain('(Anthropic `claude-sonnet-5-5`)');
  });

  test('a refusal and a max_tokens stop are warnings', async () => {
    fake.stopReason = 'refusal';
    const refused = await enrichHunts([hunt()], config('anthropic'));
    expect(refused.results[0]!.warning).toBe('enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: Anthropic: the model refused to answer');
    fake.stopReason = 'max_tokens';
    const cut = await enrichHunts([hunt()], config('anthropic'));
    expect(cut.results[0]!.warning).toContain('cut off at the output token limit');
  });

  test('a base URL ending in /v1 or given in full is not doubled', () => {
    expect(endpointUrl('https://api.anthropic.com', '/v1/messages')).toBe('https://api.anthropic.com/v1/messages');
    expect(endpointUrl('https://gw.example/anthropic/v1', '/v1/messages')).toBe('https://gw.example/anthropic/v1/messages');
    expect(endpointUrl('https://gw.example/anthropic/v1/messages', '/v1/messages')).toBe('https://gw.example/anthropic/v1/messages');
  });
});

describe('failures are warnings, never exceptions', () => {
  test('a slow answer times out within the budget', async () => {
    fake.enqueue({ delayMs: 5000, status: 200, body: openAiCompletion('gpt-5.5', JSON.stringify(PLAIN_ANSWER)) });
    const run = await enrichHunts([hunt()], config('openai', { timeoutMs: 300 }));
    expect(run.results[0]!.warning).toBe(
      'enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: no answer from OpenAI within the 0.3 s time budget (timed out)'
    );
    expect(run.results[0]!.markdown).toBeUndefined();
  });

  test('an answer that stalls mid-body times out too', async () => {
    fake.enqueue({ stallBodyMs: 5000, status: 200, body: openAiCompletion('gpt-5.5', JSON.stringify(PLAIN_ANSWER)) });
    const run = await enrichHunts([hunt()], config('anthropic', { timeoutMs: 300 }));
    expect(run.results[0]!.warning).toContain('no answer from Anthropic within the 0.3 s time budget (timed out)');
  });

  test('the run has a time budget too: hunts not started in time are skipped', async () => {
    fake.enqueue({ delayMs: 5000, status: 200, body: openAiCompletion('gpt-5.5', JSON.stringify(PLAIN_ANSWER)) });
    const run = await enrichHunts([hunt({ slug: 'a' }), hunt({ slug: 'b', report: aitmReport('other') })], config('openai', { runTimeoutMs: 1200, concurrency: 1 }));
    expect(fake.requests).toHaveLength(1);
    expect(run.results[0]!.warning).toBe('enrichment of a skipped: no answer from OpenAI within the 1.2 s time budget (timed out)');
    expect(run.results[1]!.warning).toBe("enrichment of b skipped: the run's enrichment time budget (1.2 s) is used up");
  });

  test('429 then success: one retry after retry-after', async () => {
    fake.enqueue({ status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'Rate limit reached', type: 'requests' } } });
    const run = await enrichHunts([hunt()], config('openai'));
    expect(fake.requests).toHaveLength(2);
    expect(run.results[0]!.warning).toBeUndefined();
    expect(run.results[0]!.answer?.gaps[0]?.title).toBe('Hash-only evasion');
  });

  test('a 5xx twice: one retry, then a warning', async () => {
    fake.enqueue(
      { status: 529, headers: { 'retry-after': '0' }, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      { status: 503, headers: { 'retry-after': '0' }, body: 'upstream unavailable' }
    );
    const run = await enrichHunts([hunt()], config('anthropic'));
    expect(fake.requests).toHaveLength(2);
    expect(run.results[0]!.warning).toBe(
      'enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: Anthropic failed (HTTP 503) again after one retry. The provider said: upstream unavailable'
    );
  });

  test('a retry-after longer than the budget is not waited for', async () => {
    fake.enqueue({ status: 429, headers: { 'retry-after': '120' }, body: { error: { message: 'Rate limit reached' } } });
    const run = await enrichHunts([hunt()], config('openai', { timeoutMs: 5000 }));
    expect(fake.requests).toHaveLength(1);
    expect(run.results[0]!.warning).toBe(
      'enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: OpenAI rate-limited the request (HTTP 429); waiting 120 s to retry does not fit the 5 s time budget. The provider said: Rate limit reached'
    );
  });

  test.each<EnrichProvider>(['openai', 'anthropic'])('%s 401: names the provider, says to check the API key, never prints it; other hunts are not tried', async (provider) => {
    const wrongKey = 'sk-wrong-9876543210fedcba';
    const run = await enrichHunts([hunt({ slug: 'one' }), hunt({ slug: 'two' })], config(provider, { apiKey: wrongKey, concurrency: 1 }));
    expect(fake.requests).toHaveLength(1);
    const label = provider === 'openai' ? 'OpenAI' : 'Anthropic';
    for (const result of run.results) {
      expect(result.warning).toContain(`${label} refused the request (HTTP 401): check the API key`);
      expect(result.warning).not.toContain(wrongKey);
      expect(result.warning).not.toContain(wrongKey.slice(0, 8));
      expect(result.warning).not.toContain(wrongKey.slice(-4));
      expect(result.markdown).toBeUndefined();
    }
    expect(run.results[0]!.warning!.startsWith('enrichment of one skipped:')).toBe(true);
    expect(run.results[1]!.warning!.startsWith('enrichment of two skipped:')).toBe(true);
    expect(enrichmentCommentSection(run)).not.toContain(wrongKey);
  });

  test('malformed JSON and a wrong shape are warnings', async () => {
    fake.answerText = '{"gaps": [ oops';
    const malformed = await enrichHunts([hunt()], config('openai'));
    expect(malformed.results[0]!.warning).toBe('enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: OpenAI: the answer is not valid JSON');
    fake.answerText = JSON.stringify({ gaps: 'none', related_techniques: [], pivots: [], tuning: [] });
    const wrongShape = await enrichHunts([hunt()], config('anthropic'));
    expect(wrongShape.results[0]!.warning).toMatch(/Anthropic: the answer does not have the expected shape \(gaps: /);
  });

  test('a JSON answer wrapped in a code fence by a gateway is accepted', async () => {
    fake.answerText = `\`\`\`json\n${JSON.stringify(PLAIN_ANSWER)}\n\`\`\``;
    const run = await enrichHunts([hunt()], config('anthropic'));
    expect(run.results[0]!.warning).toBeUndefined();
  });

  test('a response that is not JSON at all (an HTML error page) is a warning', async () => {
    fake.enqueue({ status: 502, headers: { 'retry-after': '0' }, body: '<html>Bad gateway</html>' }, { status: 200, body: '<html>ok?</html>' });
    const run = await enrichHunts([hunt()], config('openai'));
    expect(run.results[0]!.warning).toContain('OpenAI: the response is not a chat completion');
  });

  test('a 400 carries the provider message (scrubbed)', async () => {
    fake.enqueue({ status: 400, body: { error: { message: `model "nope" does not exist; key ${KEY}`, type: 'invalid_request_error' } } });
    const run = await enrichHunts([hunt()], config('openai'));
    expect(run.results[0]!.warning).toBe(
      'enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: OpenAI rejected the request (HTTP 400). The provider said: model "nope" does not exist; key ***'
    );
  });

  test('an unreachable provider is a warning', async () => {
    const port = await freePort();
    const run = await enrichHunts([hunt()], config('openai', { baseUrl: `http://127.0.0.1:${port}/v1` }));
    expect(run.results[0]!.warning).toBe(`enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: could not reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  test('a fetch that throws anything at all is a warning', async () => {
    const run = await enrichHunts([hunt()], config('openai'), () => {
      throw new Error(`boom with ${KEY}`);
    });
    expect(run.results[0]!.warning).toBe('enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: could not reach http://127.0.0.1:' + new URL(fake.baseUrl).port + ': boom with ***');
  });

  test('even a config that skipped validation cannot make it throw', async () => {
    const run = await enrichHunts([hunt()], config('openai', { model: 'bad model -->' }));
    expect(run.results[0]!.warning).toBe(
      'enrichment of h-0042-aitm-proxy-detection-infostealer-delivery skipped: internal error: model id "bad model -->" has characters that are not allowed'
    );
    expect(run.results[0]!.markdown).toBeUndefined();
  });

  test('on failure the previous enrichment.md is kept unchanged', async () => {
    const first = await enrichHunts([hunt()], config('openai'));
    const previous = first.results[0]!.markdown!;
    fake.enqueue({ status: 400, body: { error: { message: 'bad' } } });
    const changed = aitmReport('A new hypothesis');
    const second = await enrichHunts([hunt({ report: changed, existingMarkdown: previous })], config('openai'));
    expect(second.results[0]!.markdown).toBe(previous);
    expect(second.results[0]!.cached).toBe(false);
    expect(second.results[0]!.answer).toBeUndefined();
    expect(second.results[0]!.warning).toMatch(/\(the previous h-0042-aitm-proxy-detection-infostealer-delivery\/enrichment\.md is kept\)$/);
  });
});

describe('the cache', () => {
  test('an unchanged hunt makes no request and gives the same file', async () => {
    const first = await enrichHunts([hunt()], config('openai'));
    expect(fake.requests).toHaveLength(1);
    const markdown = first.results[0]!.markdown!;
    const second = await enrichHunts([hunt({ existingMarkdown: markdown })], config('openai'));
    expect(fake.requests).toHaveLength(1);
    expect(second.results[0]).toMatchObject({ cached: true, markdown });
    expect(second.results[0]!.warning).toBeUndefined();
    expect(second.results[0]!.answer).toEqual(first.results[0]!.answer);
    expect(enrichmentCommentSection(second)).toContain('(unchanged since the last run)');
  });

  test('a changed hunt, model or provider asks again', async () => {
    const first = await enrichHunts([hunt()], config('openai'));
    const markdown = first.results[0]!.markdown!;
    await enrichHunts([hunt({ existingMarkdown: markdown, report: aitmReport('Changed hypothesis') })], config('openai'));
    expect(fake.requests).toHaveLength(2);
    await enrichHunts([hunt({ existingMarkdown: markdown })], config('openai', { model: 'gpt-5.5-mini' }));
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[2]!.body.model).toBe('gpt-5.5-mini');
    await enrichHunts([hunt({ existingMarkdown: markdown })], config('anthropic'));
    expect(fake.requests).toHaveLength(4);
  });

  test('a hand-edited file without the answer data is a miss, not a crash', async () => {
    const first = await enrichHunts([hunt()], config('openai'));
    const edited = first.results[0]!.markdown!.replace(/<!-- peak-to-sigma:enrichment-data .* -->\n/, '');
    const second = await enrichHunts([hunt({ existingMarkdown: edited })], config('openai'));
    expect(fake.requests).toHaveLength(2);
    expect(second.results[0]!.markdown).toBe(first.results[0]!.markdown);
  });
});

test('several hunts: results in input order, at most `concurrency` requests at once', async () => {
  let inFlight = 0;
  let peak = 0;
  const counting = async (url: string, init: RequestInit) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    try {
      return await fetch(url, init);
    } finally {
      inFlight -= 1;
    }
  };
  fake.enqueue({ delayMs: 150, status: 200, body: openAiCompletion('gpt-5.5', JSON.stringify(PLAIN_ANSWER)) });
  const hunts = Array.from({ length: 7 }, (_, i) => hunt({ slug: `h-${i}`, report: aitmReport(`hypothesis ${i}`) }));
  const run = await enrichHunts(hunts, config('openai', { concurrency: 3 }), counting);
  expect(run.results.map((r) => r.slug)).toEqual(hunts.map((h) => h.slug));
  expect(run.results.every((r) => !r.warning && r.answer)).toBe(true);
  expect(peak).toBeGreaterThan(1);
  expect(peak).toBeLessThanOrEqual(3);
  expect(fake.requests.map((r) => dataBlock(r.body.messages[1].content).hunt.hypothesis).sort()).toEqual(hunts.map((h) => h.report.hunt.hypothesis).sort());
});

test('secrets are scrubbed from any text', () => {
  expect(scrubSecrets(`key ${KEY}, masked sk-te*****cdef, header Bearer abc.def`, KEY)).toBe('key ***, masked ***, header Bearer ***');
  expect(scrubSecrets('sk-proj-AbC_123-xyz seen', 'other-key')).toBe('*** seen');
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
