import { z } from 'zod';
import type { EnrichmentRequest, EnrichProvider } from '../core/enrichment.js';
import { ANSWER_JSON_SCHEMA } from '../core/enrichment.js';

/**
 * The two providers' HTTP shapes, one table entry each: where to POST, which headers, the body,
 * and how to get the answer text (or a problem) out of a 200 response and an error message out
 * of any other. Plain `fetch`, no SDK.
 *
 * OpenAI Chat Completions (platform.openai.com/docs/api-reference/chat/create and the
 * "Structured Outputs" guide): `POST {base}/chat/completions`, `Authorization: Bearer`,
 * `response_format: {type: "json_schema", json_schema: {name, strict: true, schema}}`,
 * `max_completion_tokens` (counts reasoning tokens; `max_tokens` is deprecated), answer in
 * `choices[0].message.content`, `message.refusal` when the model refuses, `finish_reason: "length"`
 * when cut off; errors as `{error: {message, type, code}}`.
 *
 * Anthropic Messages (platform.claude.com/docs/en/api/messages and
 * .../build-with-claude/structured-outputs): `POST {base}/v1/messages`, `x-api-key`,
 * `anthropic-version: 2023-06-01`, `max_tokens` required, top-level `system`, structured output
 * via `output_config: {format: {type: "json_schema", schema}}` (GA; the beta `output_format`
 * moved there). Forced tool use (`tool_choice: {type: "tool"}`) is not used: Claude Sonnet 5.5
 * rejects it (".../models/sonnet-5-5/whats-new-sonnet-5-5": "Forced tool use returns an error").
 * No `temperature`: Claude Sonnet 5 and later reject non-default sampling parameters. The answer
 * is the `text` blocks of `content` (thinking blocks may come first); `stop_reason` is `refusal`
 * or `max_tokens` when there is no usable answer; errors as `{type: "error", error: {type, message}}`.
 */

/** Room for adaptive thinking / reasoning tokens plus an answer of at most a few thousand tokens. */
export const MAX_OUTPUT_TOKENS = 16_000;
export const SCHEMA_NAME = 'hunt_enrichment';

export type Extracted = { ok: true; text: string } | { ok: false; problem: string };

export interface ProviderSpec {
  endpoint(baseUrl: string): string;
  headers(apiKey: string): Record<string, string>;
  body(model: string, request: EnrichmentRequest): unknown;
  extract(json: unknown): Extracted;
  errorMessage(json: unknown): string | undefined;
}

/**
 * `base` + `path` unless `base` already ends in the full path (a gateway URL given as is, e.g.
 * Azure with `?api-version=`) or in `/v1` (then only the rest is added). The query is kept.
 */
export function endpointUrl(base: string, path: '/v1/chat/completions' | '/v1/messages'): string {
  const url = new URL(base);
  const pathname = url.pathname.replace(/\/+$/, '');
  const tail = path.replace(/^\/v1/, '');
  if (pathname.endsWith(tail)) url.pathname = pathname;
  else if (/\/v1$/.test(pathname)) url.pathname = `${pathname}${tail}`;
  else url.pathname = `${pathname}${path}`;
  return url.href;
}

const OpenAiCompletion = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() })
      })
    )
    .min(1)
});

const AnthropicMessage = z.object({
  stop_reason: z.string().nullish(),
  content: z.array(z.object({ type: z.string(), text: z.string().optional() }))
});

const ErrorBody = z.object({ error: z.union([z.object({ message: z.string() }), z.string()]) });

function errorMessage(json: unknown): string | undefined {
  const parsed = ErrorBody.safeParse(json);
  if (!parsed.success) return undefined;
  return typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'peak-to-sigma' };

export const PROVIDERS: Record<EnrichProvider, ProviderSpec> = {
  openai: {
    endpoint: (base) => endpointUrl(base, '/v1/chat/completions'),
    headers: (apiKey) => ({ ...JSON_HEADERS, authorization: `Bearer ${apiKey}` }),
    body: (model, request) => ({
      model,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user }
      ],
      response_format: { type: 'json_schema', json_schema: { name: SCHEMA_NAME, strict: true, schema: ANSWER_JSON_SCHEMA } },
      max_completion_tokens: MAX_OUTPUT_TOKENS
    }),
    extract(json) {
      const parsed = OpenAiCompletion.safeParse(json);
      if (!parsed.success) return { ok: false, problem: 'the response is not a chat completion (no choices[0].message)' };
      const choice = parsed.data.choices[0]!;
      if (choice.message.refusal) return { ok: false, problem: 'the model refused to answer' };
      if (choice.finish_reason === 'length') return { ok: false, problem: 'the answer was cut off at the output token limit' };
      if (choice.finish_reason === 'content_filter') return { ok: false, problem: 'the answer was withheld by the content filter' };
      if (!choice.message.content) return { ok: false, problem: 'the answer is empty' };
      return { ok: true, text: choice.message.content };
    },
    errorMessage
  },
  anthropic: {
    endpoint: (base) => endpointUrl(base, '/v1/messages'),
    headers: (apiKey) => ({ ...JSON_HEADERS, 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }),
    body: (model, request) => ({
      model,
      max_tokens: MAX_OUTPUT_TOKENS,
      system: request.system,
      messages: [{ role: 'user', content: request.user }],
      output_config: { format: { type: 'json_schema', schema: ANSWER_JSON_SCHEMA } }
    }),
    extract(json) {
      const parsed = AnthropicMessage.safeParse(json);
      if (!parsed.success) return { ok: false, problem: 'the response is not a message (no content blocks)' };
      const { stop_reason, content } = parsed.data;
      if (stop_reason === 'refusal') return { ok: false, problem: 'the model refused to answer' };
      if (stop_reason === 'max_tokens') return { ok: false, problem: 'the answer was cut off at the output token limit' };
      const text = content
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join('');
      return text.trim() ? { ok: true, text } : { ok: false, problem: 'the answer has no text' };
    },
    errorMessage
  }
};
