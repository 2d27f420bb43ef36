import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the OpenAI Chat Completions and Anthropic Messages APIs on 127.0.0.1.
 * Like the real services it refuses requests of the wrong shape (400 with the provider's error
 * body) and wrong keys (401), so a test passes only if our client speaks the documented protocol.
 * Tests queue faults (status codes, delays, stalls, raw bodies) ahead of the normal answer.
 */

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions` or `/openai/deployments/x/chat/completions?api-version=1`. */
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
}

export type Provider = 'openai' | 'anthropic';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON, a string as is. */
  body?: unknown;
  /** Wait before sending anything. */
  delayMs?: number;
  /** Send the headers and the first bytes, then wait this long before finishing the body. */
  stallBodyMs?: number;
}

/** What a queued step may be: a fixed reply, or `'answer'` for the normal answer. */
export type Step = Reply | 'answer';

export class FakeLlm {
  readonly requests: RecordedRequest[] = [];
  /** The object the model "answers" (serialised as JSON text) unless `answerText` is set. */
  answer: unknown = {};
  /** Raw answer text, e.g. malformed JSON. */
  answerText: string | undefined;
  /** Anthropic only: end the message with this stop reason instead of `end_turn`. */
  stopReason: string | undefined;
  private queue: Step[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly apiKey: string
  ) {}

  static async start(apiKey = 'sk-test-0123456789abcdef'): Promise<FakeLlm> {
    let fake: FakeLlm | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void fake!.handle(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeLlm(server, `http://127.0.0.1:${port}`, apiKey);
    return fake;
  }

  /** Steps answered in order before the normal answer resumes. */
  enqueue(...steps: Step[]): void {
    this.queue.push(...steps);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async handle(method: string, url: string, headers: IncomingHttpHeaders, rawBody: string, res: ServerResponse): Promise<void> {
    let body: any;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    this.requests.push({ method, url, headers, rawBody, body });
    const path = url.split('?')[0]!;
    const provider: Provider | undefined = path.endsWith('/chat/completions') ? 'openai' : path.endsWith('/messages') ? 'anthropic' : undefined;
    let reply: Reply;
    if (method !== 'POST' || !provider) reply = { status: 404, body: { error: { message: `no route ${method} ${path}` } } };
    else {
      const refusal = provider === 'openai' ? checkOpenAiRequest(headers, body, this.apiKey) : checkAnthropicRequest(headers, body, this.apiKey);
      const step = refusal ?? this.queue.shift() ?? 'answer';
      reply = step === 'answer' ? this.normalAnswer(provider, body.model) : step;
    }
    await this.send(res, reply);
  }

  private normalAnswer(provider: Provider, model: string): Reply {
    const text = this.answerText ?? JSON.stringify(this.answer);
    return { status: 200, body: provider === 'openai' ? openAiCompletion(model, text) : anthropicMessage(model, text, this.stopReason ?? 'end_turn') };
  }

  private async send(res: ServerResponse, reply: Reply): Promise<void> {
    if (reply.delayMs) await this.wait(reply.delayMs);
    if (res.destroyed) return;
    const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    if (reply.stallBodyMs) {
      res.write(payload.slice(0, 5));
      await this.wait(reply.stallBodyMs);
      if (!res.destroyed) res.end(payload.slice(5));
      return;
    }
    res.end(payload);
  }
}

export function openAiCompletion(model: string, content: string | null, extra: { finish_reason?: string; refusal?: string } = {}) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_767_225_600,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: extra.refusal ?? null }, finish_reason: extra.finish_reason ?? 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }
  };
}

/** Current Claude models think adaptively: a (signed, summarised) thinking block precedes the text. */
export function anthropicMessage(model: string, text: string, stopReason: string) {
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: [
      { type: 'thinking', thinking: 'Looking at the hunt.', signature: 'sig' },
      { type: 'text', text }
    ],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 50 }
  };
}

function openAiError(status: number, message: string, code: string | null = null): Reply {
  return { status, body: { error: { message, type: 'invalid_request_error', param: null, code } } };
}

function anthropicError(status: number, type: string, message: string): Reply {
  return { status, body: { type: 'error', error: { type, message } } };
}

/** OpenAI masks all but the ends of a rejected key in its message, as here. */
function maskedKey(key: string): string {
  return `${key.slice(0, 5)}*****${key.slice(-4)}`;
}

function checkOpenAiRequest(headers: IncomingHttpHeaders, body: any, apiKey: string): Reply | undefined {
  const auth = headers.authorization ?? '';
  if (!auth.startsWith('Bearer ')) return openAiError(401, "You didn't provide an API key.");
  const key = auth.slice('Bearer '.length);
  if (key !== apiKey) return openAiError(401, `Incorrect API key provided: ${maskedKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_api_key');
  if (!String(headers['content-type']).startsWith('application/json')) return openAiError(400, 'Content-Type must be application/json');
  if (!body || typeof body.model !== 'string') return openAiError(400, "you must provide a model parameter");
  if (!Array.isArray(body.messages) || !body.messages.every((m: any) => ['system', 'developer', 'user', 'assistant'].includes(m.role) && typeof m.content === 'string')) {
    return openAiError(400, "Invalid 'messages'");
  }
  if ('max_tokens' in body) return openAiError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
  const format = body.response_format;
  if (format?.type !== 'json_schema') return openAiError(400, "Invalid 'response_format'");
  const spec = format.json_schema;
  if (!spec || typeof spec.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(spec.name)) return openAiError(400, "Invalid 'response_format.json_schema.name'");
  if (spec.strict === true) {
    const problems = strictSchemaProblems(spec.schema);
    if (problems.length) return openAiError(400, `Invalid schema for response_format '${spec.name}': ${problems[0]}`);
  }
  return undefined;
}

function checkAnthropicRequest(headers: IncomingHttpHeaders, body: any, apiKey: string): Reply | undefined {
  if (headers['x-api-key'] !== apiKey) return anthropicError(401, 'authentication_error', 'invalid x-api-key');
  if (headers['anthropic-version'] !== '2023-06-01') return anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required');
  if (!body || typeof body.model !== 'string') return anthropicError(400, 'invalid_request_error', 'model: Field required');
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return anthropicError(400, 'invalid_request_error', 'max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.some((m: any) => !['user', 'assistant'].includes(m.role))) {
    return anthropicError(400, 'invalid_request_error', 'messages: roles must be user or assistant (use the top-level system parameter)');
  }
  // Current Claude models: sampling parameters and forced tool use are refused.
  for (const param of ['temperature', 'top_p', 'top_k']) {
    if (param in body) return anthropicError(400, 'invalid_request_error', `${param}: not supported on this model`);
  }
  if (body.tool_choice && ['tool', 'any'].includes(body.tool_choice.type)) return anthropicError(400, 'invalid_request_error', 'tool_choice: forced tool use is not supported on this model');
  const format = body.output_config?.format;
  if (format !== undefined) {
    if (format.type !== 'json_schema' || typeof format.schema !== 'object') return anthropicError(400, 'invalid_request_error', 'output_config.format: expected {type: "json_schema", schema}');
    const problems = closedObjectProblems(format.schema);
    if (problems.length) return anthropicError(400, 'invalid_request_error', `output_config.format.schema: ${problems[0]}`);
  }
  return undefined;
}

const STRICT_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'description', 'enum', 'anyOf', '$defs', '$ref', 'const']);

/**
 * OpenAI strict mode (Structured Outputs guide, "Supported schemas"): every object lists all its
 * properties in `required` and sets `additionalProperties: false`; only a subset of keywords.
 */
export function strictSchemaProblems(schema: any, path = '$'): string[] {
  if (!schema || typeof schema !== 'object') return [`${path}: not a schema object`];
  const problems: string[] = [];
  for (const key of Object.keys(schema)) if (!STRICT_KEYWORDS.has(key)) problems.push(`${path}: keyword '${key}' is not supported in strict mode`);
  if (schema.type === 'object') {
    if (schema.additionalProperties !== false) problems.push(`${path}: 'additionalProperties' is required to be supplied and to be false`);
    const keys = Object.keys(schema.properties ?? {});
    const required: string[] = schema.required ?? [];
    for (const key of keys) if (!required.includes(key)) problems.push(`${path}: 'required' is required to include every property, missing '${key}'`);
    for (const key of keys) problems.push(...strictSchemaProblems(schema.properties[key], `${path}.${key}`));
  }
  if (schema.type === 'array') problems.push(...strictSchemaProblems(schema.items, `${path}[]`));
  return problems;
}

/** Anthropic structured outputs: objects must set `additionalProperties: false`. */
function closedObjectProblems(schema: any, path = '$'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const problems: string[] = [];
  if (schema.type === 'object' && schema.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
  for (const child of Object.values(schema.properties ?? {})) problems.push(...closedObjectProblems(child, path));
  if (schema.items) problems.push(...closedObjectProblems(schema.items, `${path}[]`));
  return problems;
}
