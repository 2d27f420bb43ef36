import { checkAnswer, type EnrichmentAnswer, type EnrichmentRequest, PROVIDER_LABELS } from '../core/enrichment.js';
import { clip, oneLine } from '../core/markdown.js';
import type { EnrichConfig } from './config.js';
import { type Extracted, PROVIDERS } from './providers.js';

/**
 * One enrichment request to one provider: bounded by the per-hunt time budget, retried once on
 * 429/5xx when the provider's `retry-after` fits the budget. Never throws: every failure is a
 * reason string for a warning, with the API key scrubbed out.
 */

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type AskOutcome = { ok: true; answer: EnrichmentAnswer } | { ok: false; reason: string; authFailed?: boolean };

export interface AskClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: AskClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** Wait before the retry when the provider gives no `retry-after`. */
export const DEFAULT_RETRY_DELAY_MS = 1000;
/** A retry is only worth starting with at least this much of the budget left after the wait. */
export const MIN_ATTEMPT_MS = 1000;
const MAX_RESPONSE_CHARS = 4_000_000;

type Attempt =
  | { kind: 'response'; status: number; headers: Headers; body: string }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string };

export async function askProvider(config: EnrichConfig, request: EnrichmentRequest, fetchImpl: FetchLike, clock: AskClock = SYSTEM_CLOCK): Promise<AskOutcome> {
  const outcome = await ask(config, request, fetchImpl, clock);
  return outcome.ok ? outcome : { ...outcome, reason: scrubSecrets(outcome.reason, config.apiKey) };
}

async function ask(config: EnrichConfig, request: EnrichmentRequest, fetchImpl: FetchLike, clock: AskClock): Promise<AskOutcome> {
  const spec = PROVIDERS[config.provider];
  const label = PROVIDER_LABELS[config.provider];
  const url = spec.endpoint(config.baseUrl);
  const init: RequestInit = { method: 'POST', headers: spec.headers(config.apiKey), body: JSON.stringify(spec.body(config.model, request)) };
  const deadline = clock.now() + config.timeoutMs;
  const budget = `${formatSeconds(config.timeoutMs)} s`;

  for (let attempt = 1; ; attempt += 1) {
    const result = await attemptOnce(fetchImpl, url, init, deadline - clock.now());
    if (result.kind === 'timeout') return { ok: false, reason: `no answer from ${label} within the ${budget} time budget (timed out)` };
    if (result.kind === 'network') return { ok: false, reason: `could not reach ${new URL(url).origin}: ${result.message}` };

    const { status, headers, body } = result;
    if (status >= 200 && status < 300) return readAnswer(spec.extract(parseJson(body)), label);

    const said = providerSaid(spec.errorMessage(parseJson(body)) ?? body);
    if (status === 401 || status === 403) {
      return { ok: false, authFailed: true, reason: `${label} refused the request (HTTP ${status}): check the API key and its access to model ${config.model}${said}` };
    }
    if (status === 429 || status >= 500) {
      const problem = status === 429 ? `${label} rate-limited the request (HTTP 429)` : `${label} failed (HTTP ${status})`;
      if (attempt > 1) return { ok: false, reason: `${problem} again after one retry${said}` };
      const wait = retryAfterMs(headers, clock.now()) ?? DEFAULT_RETRY_DELAY_MS;
      if (clock.now() + wait + MIN_ATTEMPT_MS > deadline) {
        return { ok: false, reason: `${problem}; waiting ${formatSeconds(wait)} s to retry does not fit the ${budget} time budget${said}` };
      }
      await clock.sleep(wait);
      continue;
    }
    return { ok: false, reason: `${label} rejected the request (HTTP ${status})${said}` };
  }
}

async function attemptOnce(fetchImpl: FetchLike, url: string, init: RequestInit, remainingMs: number): Promise<Attempt> {
  if (remainingMs <= 0) return { kind: 'timeout' };
  try {
    // The same signal bounds the body read: a provider that stalls mid-answer still times out.
    const response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(remainingMs) });
    const body = await response.text();
    return { kind: 'response', status: response.status, headers: response.headers, body };
  } catch (err) {
    const { name } = errorParts(err);
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout' };
    return { kind: 'network', message: networkMessage(err) };
  }
}

function readAnswer(extracted: Extracted, label: string): AskOutcome {
  if (!extracted.ok) return { ok: false, reason: `${label}: ${extracted.problem}` };
  let data: unknown;
  try {
    data = JSON.parse(stripCodeFence(extracted.text));
  } catch {
    return { ok: false, reason: `${label}: the answer is not valid JSON` };
  }
  const check = checkAnswer(data);
  return check.ok ? check : { ok: false, reason: `${label}: ${check.problem}` };
}

/** Gateways that ignore the schema sometimes wrap the JSON in a ```json fence. */
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}

function parseJson(body: string): unknown {
  if (body.length > MAX_RESPONSE_CHARS) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function providerSaid(message: unknown): string {
  if (typeof message !== 'string') return '';
  const line = clip(oneLine(message), 200);
  return line ? `. ${line.startsWith('<') ? 'The response is not JSON' : `The provider said: ${line}`}` : '';
}

/** `retry-after-ms` (OpenAI), `retry-after` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Duck-typed, not `instanceof`: fetch errors may come from another realm (undici, test sandboxes). */
function errorParts(err: unknown): { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } {
  return err !== null && typeof err === 'object' ? (err as Record<string, unknown>) : {};
}

/** undici reports `TypeError: fetch failed` with the useful part (`ECONNREFUSED`, `ENOTFOUND`) in `cause`. */
function networkMessage(err: unknown): string {
  const { message, cause } = errorParts(err);
  const inner = errorParts(cause);
  if (typeof inner.code === 'string') return inner.code;
  if (typeof inner.message === 'string' && inner.message) return clip(oneLine(inner.message), 200);
  return clip(oneLine(typeof message === 'string' ? message : String(err)), 200);
}

export function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/**
 * Removes the key, and anything shaped like a provider key or bearer token, from text that may be
 * logged or posted: provider error bodies sometimes quote the key they rejected.
 */
export function scrubSecrets(text: string, apiKey: string): string {
  let out = text;
  if (apiKey.length >= 4) out = out.split(apiKey).join('***');
  return out.replace(/\b(sk-[A-Za-z0-9_*.-]{6,})/g, '***').replace(/\b(Bearer)\s+\S+/gi, '$1 ***');
}
