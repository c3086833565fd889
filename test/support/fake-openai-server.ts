import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OpenAI-compatible server for tests: a real `node:http` server on 127.0.0.1 speaking
 * `POST /v1/chat/completions` (JSON and SSE), `POST /v1/embeddings` and `GET /v1/models` with OpenAI's exact
 * shapes and error bodies, scripted per test, recording every request.
 */

/** A tool call the model makes; streamed, its arguments arrive in `pieces` parts (default 3). */
export interface FakeOpenAIToolCall {
  name: string;
  /** An object (sent as JSON) or the raw arguments text, which may be invalid JSON on purpose. */
  arguments: Record<string, unknown> | string;
  pieces?: number;
}

/** An OpenAI error body's `error` member. */
export interface FakeOpenAIError {
  message: string;
  type: string;
  code: string | null;
}

/** One scripted `/chat/completions` reply. Streamed: reasoning pieces, then content pieces, then tool calls. */
export interface OpenAIChatScript {
  reasoning?: readonly string[];
  /** Which delta field carries reasoning: vLLM's `reasoning_content` (default) or `reasoning`. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Content pieces; each counts as one token, so `max_tokens` cuts them (with `finish_reason: "length"`). */
  content?: readonly string[];
  toolCalls?: readonly FakeOpenAIToolCall[];
  /** Default: `length` when cut by `max_tokens`, else `tool_calls` with tool calls, else `stop`. */
  finishReason?: string;
  /** Overrides the counted usage; `false` leaves usage out entirely, as some servers do. */
  usage?: { prompt_tokens: number; completion_tokens: number } | false;
  /** Answers with this HTTP status and error body instead of a completion. */
  httpError?: { status: number; error: FakeOpenAIError };
  /**
   * How a streamed reply ends: `done` (finish chunk, usage chunk, `[DONE]`; default), `no-done` (the body just
   * ends), `hold` (stays open until the client closes it), or an error chunk.
   */
  end?: 'done' | 'no-done' | 'hold' | { error: FakeOpenAIError };
}

/** How the SSE bytes are written, to prove the client parses them robustly. */
export interface SseStyle {
  /** Write the stream in pieces of this many bytes (splitting lines, line endings and UTF-8 characters). */
  splitEvery?: number;
  /** `\r\n` or `\r` line endings instead of `\n`. */
  lineEnding?: '\n' | '\r\n' | '\r';
  /** Send comment lines (`: keep-alive`) between events. */
  comments?: boolean;
  /** Spread each JSON chunk over several `data:` lines. */
  multiLineData?: boolean;
}

/** A request the server received. */
export interface FakeOpenAIRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | undefined;
}

/** One `/chat/completions` exchange and whether the client closed it before the reply ended. */
export interface FakeOpenAIChat {
  body: Record<string, unknown>;
  closedByClient: Promise<boolean>;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  requests: FakeOpenAIRequest[];
  chats: FakeOpenAIChat[];
  /** Models the server has (`/models` lists them; others get 404 `model_not_found`). */
  models: Set<string>;
  /** Queues replies for the next chat requests; without one, the default reply is used. */
  script(...replies: OpenAIChatScript[]): void;
  /** How SSE is written from now on. */
  sseStyle: SseStyle;
  /** Forgets requests, exchanges, queued replies and the SSE style; keeps the models. */
  reset(): void;
  close(): Promise<void>;
}

/** The default reply: `Echo: <last user text>`, one piece per word. */
export function defaultOpenAIReply(body: Record<string, unknown>): OpenAIChatScript {
  const messages = (body.messages as Array<{ role: string; content: unknown }> | undefined) ?? [];
  const last = [...messages].reverse().find((message) => message.role === 'user')?.content;
  const text = typeof last === 'string' ? last : Array.isArray(last) ? last.map((part: { text?: string }) => part.text ?? '').join('') : '';
  return { content: `Echo: ${text}`.split(/(?<= )/) };
}

/** The fake's embedding dimension, so codecs have to resize. */
export const FAKE_OPENAI_EMBEDDING_DIMENSION = 384;

/** The unit vector the fake embeds a text as: each word adds ±1 to a bucket picked by its SHA-256. */
export function fakeOpenAIEmbedding(text: string): number[] {
  const vector = new Array<number>(FAKE_OPENAI_EMBEDDING_DIMENSION).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? [text]) {
    const digest = createHash('sha256').update(word).digest();
    vector[digest.readUInt32BE(0) % FAKE_OPENAI_EMBEDDING_DIMENSION]! += digest[4]! & 1 ? -1 : 1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, error: FakeOpenAIError): void {
  sendJson(res, status, { error: { ...error, param: null } });
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function promptTokens(body: Record<string, unknown>): number {
  const messages = (body.messages as Array<{ content: unknown }> | undefined) ?? [];
  return messages.reduce((sum, message) => sum + words(typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '')), 0);
}

function argumentsText(call: FakeOpenAIToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

function splitInto(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const parts: string[] = [];
  for (let index = 0; index < text.length; index += size) parts.push(text.slice(index, index + size));
  return parts.length > 0 ? parts : [''];
}

/** A script after `max_tokens`: content pieces beyond it are cut, and the finish reason says so. */
function planned(script: OpenAIChatScript, body: Record<string, unknown>) {
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
  const allContent = script.content ?? [];
  const content = allContent.slice(0, maxTokens);
  const cut = content.length < allContent.length;
  const toolCalls = cut ? [] : (script.toolCalls ?? []);
  const finishReason = script.finishReason ?? (cut ? 'length' : toolCalls.length > 0 ? 'tool_calls' : 'stop');
  const usage =
    script.usage === false
      ? undefined
      : (script.usage ?? { prompt_tokens: promptTokens(body), completion_tokens: content.length + (script.reasoning?.length ?? 0) + toolCalls.length });
  return { content, toolCalls, finishReason, usage: usage && { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } };
}

const CREATED = 1_700_000_000;

/** Starts a fake OpenAI-compatible server on a free port of 127.0.0.1. */
export async function startFakeOpenAI(options: { models?: string[]; apiKey?: string } = {}): Promise<FakeOpenAI> {
  const models = new Set(options.models ?? ['gpt-4o-mini', 'text-embedding-3-small']);
  const requests: FakeOpenAIRequest[] = [];
  const chats: FakeOpenAIChat[] = [];
  let queue: OpenAIChatScript[] = [];
  let sequence = 0;
  const fake: FakeOpenAI = {
    baseURL: '',
    requests,
    chats,
    models,
    sseStyle: {},
    script: (...replies) => queue.push(...replies),
    reset() {
      requests.length = 0;
      chats.length = 0;
      queue = [];
      fake.sseStyle = {};
    },
    close: async () => {},
  };

  function refuseUnknownModel(res: ServerResponse, model: string): boolean {
    if (models.has(model)) return false;
    sendError(res, 404, { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', code: 'model_not_found' });
    return true;
  }

  /** Writes SSE events in the configured style. */
  function sseWriter(res: ServerResponse): { event: (data: unknown) => void; flush: () => void } {
    const style = fake.sseStyle;
    const eol = style.lineEnding ?? '\n';
    let pending = '';
    const write = (text: string) => {
      if (!style.splitEvery) return void res.write(text);
      pending += text;
    };
    return {
      event(data) {
        const json = typeof data === 'string' ? data : JSON.stringify(data);
        const lines = style.multiLineData && json.includes(',') ? [json.slice(0, json.indexOf(',') + 1), json.slice(json.indexOf(',') + 1)] : [json];
        if (style.comments) write(`: keep-alive${eol}`);
        write(`${lines.map((line) => `data: ${line}`).join(eol)}${eol}${eol}`);
      },
      flush() {
        if (!style.splitEvery) return;
        const bytes = Buffer.from(pending, 'utf8');
        pending = '';
        for (let index = 0; index < bytes.length; index += style.splitEvery) res.write(bytes.subarray(index, index + style.splitEvery));
      },
    };
  }

  function streamChat(res: ServerResponse, body: Record<string, unknown>, script: OpenAIChatScript): void {
    const id = `chatcmpl-${++sequence}`;
    const model = String(body.model);
    const plan = planned(script, body);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const sse = sseWriter(res);
    sse.event(chunk({ role: 'assistant', content: '' }));
    for (const piece of script.reasoning ?? []) sse.event(chunk({ [script.reasoningField ?? 'reasoning_content']: piece }));
    for (const piece of plan.content) sse.event(chunk({ content: piece }));
    plan.toolCalls.forEach((call, index) => {
      sse.event(chunk({ tool_calls: [{ index, id: `call_${sequence}_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
      for (const piece of splitInto(argumentsText(call), call.pieces ?? 3)) sse.event(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
    const end = script.end ?? 'done';
    if (end === 'hold') {
      sse.flush();
      return;
    }
    if (typeof end === 'object') sse.event({ error: end.error });
    else if (end === 'done') {
      sse.event(chunk({}, plan.finishReason));
      const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
      if (streamOptions?.include_usage && plan.usage) sse.event({ id, object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage: plan.usage });
      sse.event('[DONE]');
    }
    sse.flush();
    res.end();
  }

  function completion(body: Record<string, unknown>, script: OpenAIChatScript) {
    const plan = planned(script, body);
    const toolCalls = plan.toolCalls.map((call, index) => ({ id: `call_${sequence}_${index}`, type: 'function', function: { name: call.name, arguments: argumentsText(call) } }));
    return {
      id: `chatcmpl-${++sequence}`,
      object: 'chat.completion',
      created: CREATED,
      model: String(body.model),
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: plan.content.length > 0 || toolCalls.length === 0 ? plan.content.join('') : null,
            ...(script.reasoning ? { [script.reasoningField ?? 'reasoning_content']: script.reasoning.join('') } : {}),
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: plan.finishReason,
        },
      ],
      ...(plan.usage ? { usage: plan.usage } : {}),
    };
  }

  function handleChat(res: ServerResponse, body: Record<string, unknown>): void {
    const closedByClient = new Promise<boolean>((resolve) => res.once('close', () => resolve(!res.writableFinished)));
    chats.push({ body, closedByClient });
    if (refuseUnknownModel(res, String(body.model))) return;
    const script = queue.shift() ?? defaultOpenAIReply(body);
    if (script.httpError) return sendError(res, script.httpError.status, script.httpError.error);
    if (body.stream === true) streamChat(res, body, script);
    else sendJson(res, 200, completion(body, script));
  }

  function handleEmbeddings(res: ServerResponse, body: Record<string, unknown>): void {
    const model = String(body.model);
    if (refuseUnknownModel(res, model)) return;
    const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
    const tokens = inputs.reduce((sum, input) => sum + words(input), 0);
    // Listed in reverse on purpose: clients must order by `index`, not by position.
    const data = inputs.map((input, index) => ({ object: 'embedding', index, embedding: fakeOpenAIEmbedding(input) })).reverse();
    sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const body = method === 'POST' ? await readBody(req) : undefined;
    requests.push({ method, path, headers: req.headers, body });
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      const shown = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      return sendError(res, 401, { message: `Incorrect API key provided: ${shown || '(none)'}.`, type: 'invalid_request_error', code: 'invalid_api_key' });
    }
    if (method === 'POST' && body === undefined) return sendError(res, 400, { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', code: null });
    const key = `${method} ${path}`;
    if (key === 'GET /v1/models') {
      return sendJson(res, 200, { object: 'list', data: [...models].map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'local' })) });
    }
    if (key === 'POST /v1/chat/completions') return handleChat(res, body!);
    if (key === 'POST /v1/embeddings') return handleEmbeddings(res, body!);
    sendError(res, 404, { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', code: null });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, { message: String(error), type: 'server_error', code: null });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.baseURL = `http://127.0.0.1:${port}/v1`;
  fake.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return fake;
}
