import { ENRICH_PROVIDERS, type EnrichProvider, MODEL_ID, PROVIDER_LABELS } from '../core/enrichment.js';

/**
 * Enrichment settings, shared by the CLI flags (`--enrich`, `--enrich-model`, `--enrich-base-url`,
 * key from the environment) and the action inputs (`enrich`, `enrich-model`, `enrich-api-key`,
 * `enrich-base-url`). Static mistakes (unknown provider, bad URL) are usage errors; a missing key
 * only skips enrichment with a warning, because fork pull requests run without secrets.
 */

export interface EnrichConfig {
  provider: EnrichProvider;
  model: string;
  apiKey: string;
  baseUrl: string;
  /** Time budget per hunt, retries included. */
  timeoutMs: number;
  /** Time budget of the whole run: hunts not started by then are skipped with a warning. */
  runTimeoutMs: number;
  /** Hunts enriched at the same time. */
  concurrency: number;
}

/**
 * Current documented defaults (2026-12), both configurable:
 * - OpenAI `gpt-5.5`: served by Chat Completions with structured outputs
 *   (platform.openai.com/docs/models; OpenAI's launch notes for GPT-5.5, 2026-04-23).
 * - Anthropic `claude-sonnet-5-5`: "Claude API ID" of Claude Sonnet 5.5 in
 *   platform.claude.com/docs/en/models/sonnet-5-5/whats-new-sonnet-5-5.
 */
export const DEFAULT_MODELS: Record<EnrichProvider, string> = { openai: 'gpt-5.5', anthropic: 'claude-sonnet-5-5' };
export const DEFAULT_BASE_URLS: Record<EnrichProvider, string> = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' };
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_RUN_TIMEOUT_MS = 300_000;
export const DEFAULT_CONCURRENCY = 3;

export interface EnrichSettings {
  /** `openai`, `anthropic`, or empty/`none` for no enrichment. */
  provider?: string;
  model?: string;
  apiKey?: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** How the user supplies the key, for messages: `the OPENAI_API_KEY environment variable`. */
  apiKeySource?: string;
  /** How the user names settings, for messages: `--enrich-model` or `enrich-model`. */
  names?: { provider: string; model: string; baseUrl: string };
}

export type EnrichSetup = { ok: true; config?: EnrichConfig; warning?: string } | { ok: false; message: string };

const DISABLED = new Set(['', 'none', 'off', 'false']);

export function resolveEnrichConfig(settings: EnrichSettings): EnrichSetup {
  const names = settings.names ?? { provider: 'enrich', model: 'enrich-model', baseUrl: 'enrich-base-url' };
  const providerText = (settings.provider ?? '').trim().toLowerCase();
  const model = settings.model?.trim();
  const baseUrl = settings.baseUrl?.trim();
  if (DISABLED.has(providerText)) {
    if (model || baseUrl) return { ok: false, message: `${model ? names.model : names.baseUrl} needs ${names.provider} (openai or anthropic)` };
    return { ok: true };
  }
  const provider = ENRICH_PROVIDERS.find((p) => p === providerText);
  if (!provider) return { ok: false, message: `unknown enrichment provider "${settings.provider}": choose ${ENRICH_PROVIDERS.join(' or ')}` };

  const chosenModel = model || DEFAULT_MODELS[provider];
  if (!MODEL_ID.test(chosenModel)) {
    return { ok: false, message: `${names.model} "${chosenModel}" is not a model id (letters, digits and . _ : / @ + - only, at most 128 characters)` };
  }
  const url = checkBaseUrl(baseUrl || DEFAULT_BASE_URLS[provider], names.baseUrl);
  if (!url.ok) return url;

  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return { ok: false, message: 'the enrichment time budget must be a positive number of milliseconds' };

  const apiKey = settings.apiKey?.trim() ?? '';
  const label = PROVIDER_LABELS[provider];
  if (!apiKey) {
    const source = settings.apiKeySource ? ` (set ${settings.apiKeySource})` : '';
    return { ok: true, warning: `enrichment with ${label} skipped: no API key was given${source}` };
  }
  // Never echo the key: only say what is wrong with it.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) return { ok: false, message: `the ${label} API key has spaces or characters that cannot be sent in an HTTP header` };

  return { ok: true, config: { provider, model: chosenModel, apiKey, baseUrl: url.value, timeoutMs, runTimeoutMs: DEFAULT_RUN_TIMEOUT_MS, concurrency: DEFAULT_CONCURRENCY } };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or http to this machine only (a key sent in clear text to another host is leaked). */
function checkBaseUrl(text: string, name: string): { ok: true; value: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `${name} "${text}" is not an absolute URL` };
  }
  if (url.username || url.password) return { ok: false, message: `${name} must not contain a user name or password` };
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return { ok: false, message: `${name} must use https (http is accepted only for localhost)` };
  }
  if (url.hash) return { ok: false, message: `${name} must not contain a #fragment` };
  return { ok: true, value: url.href };
}
