import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Ollama server for tests: a real `node:http` server on 127.0.0.1 that speaks the parts of Ollama's
 * API the `ollama` npm client uses (`/api/version`, `/api/tags`, `/api/show`, `/api/chat`, `/api/generate`,
 * `/api/pull`, `/api/embed`), with scripted chat replies, deterministic embeddings and a record of every request.
 */

/** A tool call as Ollama streams it. */
export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** One scripted `/api/chat` reply. Thinking pieces are sent first, then content pieces, then tool calls. */
export interface ChatScript {
  thinking?: readonly string[];
  content?: readonly string[];
  toolCalls?: readonly FakeToolCall[];
  /** `done_reason` of the final line. Default `stop`. */
  doneReason?: string;
  promptEvalCount?: number;
  evalCount?: number;
  /**
   * How the reply ends: the `done: true` line (default), an `{"error": …}` line, no final line at all
   * (`no-done`), or never (`hold`: the response stays open until the client closes it).
   */
  end?: 'done' | 'no-done' | 'hold' | { error: string };
}

/** A request the server received. `body` is the parsed JSON body (`undefined` for GET). */
export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

/** One `/api/chat` exchange: what was asked, and whether the client closed the connection before the reply ended. */
export interface ChatExchange {
  body: Record<string, unknown>;
  /** Resolves once the exchange is over: `true` when the client closed it before the reply was complete. */
  closedByClient: Promise<boolean>;
}

export interface FakeOllama {
  /** `http://127.0.0.1:<port>` */
  host: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Every `/api/chat` exchange, in arrival order. */
  chats: ChatExchange[];
  /** Models the server has; `/api/pull` adds to it. */
  models: Set<string>;
  /** Queues replies for the next chat requests; without one, the default reply is used. */
  script(...replies: ChatScript[]): void;
  /** Forgets requests, exchanges and queued replies; keeps the models. */
  reset(): void;
  close(): Promise<void>;
}

const NS_PER_MS = 1_000_000;

/** The default reply: `Echo: <last user text>`, one piece per word, with counts derived from the words. */
export function defaultReply(body: Record<string, unknown>): ChatScript {
  const messages = (body.messages as Array<{ role: string; content: string }> | undefined) ?? [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  const words = `Echo: ${lastUser}`.split(/(?<= )/);
  const promptWords = messages.map((message) => message.content).join(' ').split(/\s+/).filter(Boolean).length;
  return { content: words, promptEvalCount: promptWords, evalCount: words.length };
}

function notFound(model: string): { status: number; body: { error: string } } {
  return { status: 404, body: { error: `model "${model}" not found, try pulling it first` } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function startNdjson(res: ServerResponse): (line: unknown) => void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  return (line) => res.write(`${JSON.stringify(line)}\n`);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

function chunkBase(model: string) {
  return { model, created_at: new Date().toISOString() };
}

/** The final line of a chat or generate reply, with Ollama's metrics (durations in nanoseconds). */
function doneMetrics(script: ChatScript) {
  return {
    done: true,
    done_reason: script.doneReason ?? 'stop',
    total_duration: 12 * NS_PER_MS,
    load_duration: 1 * NS_PER_MS,
    prompt_eval_count: script.promptEvalCount ?? 0,
    prompt_eval_duration: 3 * NS_PER_MS,
    eval_count: script.evalCount ?? 0,
    eval_duration: 8 * NS_PER_MS,
  };
}

function toolCallsOf(script: ChatScript) {
  return (script.toolCalls ?? []).map((call, index) => ({
    id: `call_${String(index).padStart(8, '0')}`,
    function: { index, name: call.name, arguments: call.arguments },
  }));
}

/** The NDJSON lines of a streamed chat reply, final line excluded. */
function chatPieces(model: string, script: ChatScript): unknown[] {
  const message = (fields: Record<string, unknown>) => ({ ...chunkBase(model), message: { role: 'assistant', content: '', ...fields }, done: false });
  const pieces = [
    ...(script.thinking ?? []).map((thinking) => message({ thinking })),
    ...(script.content ?? []).map((content) => message({ content })),
  ];
  if (script.toolCalls?.length) pieces.push(message({ tool_calls: toolCallsOf(script) }));
  return pieces;
}

/** Streams a scripted chat reply, leaving the response open for `hold`. */
function streamChat(res: ServerResponse, model: string, script: ChatScript): void {
  const write = startNdjson(res);
  for (const piece of chatPieces(model, script)) write(piece);
  const end = script.end ?? 'done';
  if (end === 'hold') return;
  if (end === 'done') write({ ...chunkBase(model), message: { role: 'assistant', content: '' }, ...doneMetrics(script) });
  else if (typeof end === 'object') write({ error: end.error });
  res.end();
}

/** A scripted chat reply in one JSON object, as Ollama answers `stream: false`. */
function chatObject(model: string, script: ChatScript) {
  const toolCalls = toolCallsOf(script);
  const message = {
    role: 'assistant',
    content: (script.content ?? []).join(''),
    ...(script.thinking ? { thinking: script.thinking.join('') } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  return { ...chunkBase(model), message, ...doneMetrics(script) };
}

/** The fake's embedding dimension: that of `nomic-embed-text`, so codecs have to resize. */
export const FAKE_EMBEDDING_DIMENSION = 768;

/**
 * The unit vector the fake answers `/api/embed` with: each lower-cased word adds ±1 to a bucket picked by
 * its SHA-256, so texts sharing words are closer. Tests compute it too, to check what the codecs did to it.
 */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(FAKE_EMBEDDING_DIMENSION).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? [text]) {
    const digest = createHash('sha256').update(word).digest();
    vector[digest.readUInt32BE(0) % FAKE_EMBEDDING_DIMENSION]! += digest[4]! & 1 ? -1 : 1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

function modelDetails() {
  return { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '1B', quantization_level: 'Q4_K_M' };
}

function fakeDigest(model: string): string {
  return createHash('sha256').update(model).digest('hex');
}

/** Starts a fake Ollama on a free port of 127.0.0.1. */
export async function startFakeOllama(options: { models?: string[]; modelsWithoutThinking?: string[] } = {}): Promise<FakeOllama> {
  const models = new Set(options.models ?? ['llama3.2']);
  const withoutThinking = new Set(options.modelsWithoutThinking ?? []);
  const requests: RecordedRequest[] = [];
  const chats: ChatExchange[] = [];
  let queue: ChatScript[] = [];

  /** Answers Ollama's 404 for a model the server does not have; `true` when it did. */
  function refuseUnknownModel(res: ServerResponse, model: string): boolean {
    if (models.has(model)) return false;
    const { status, body: error } = notFound(model);
    sendJson(res, status, error);
    return true;
  }

  function handleChat(res: ServerResponse, body: Record<string, unknown>): void {
    const model = String(body.model);
    const closedByClient = new Promise<boolean>((resolve) => res.once('close', () => resolve(!res.writableFinished)));
    chats.push({ body, closedByClient });
    if (withoutThinking.has(model) && body.think !== undefined && body.think !== false) {
      sendJson(res, 400, { error: `"${model}" does not support thinking` });
      return;
    }
    if (refuseUnknownModel(res, model)) return;
    const script = queue.shift() ?? defaultReply(body);
    if (body.stream === false) sendJson(res, 200, chatObject(model, script));
    else streamChat(res, model, script);
  }

  function handleGenerate(res: ServerResponse, body: Record<string, unknown>): void {
    const model = String(body.model);
    if (refuseUnknownModel(res, model)) return;
    const loadOnly = (body.prompt ?? '') === '';
    const unload = loadOnly && body.keep_alive === 0;
    const reply = {
      ...chunkBase(model),
      response: loadOnly ? '' : `Echo: ${String(body.prompt)}`,
      ...doneMetrics({ doneReason: unload ? 'unload' : loadOnly ? 'load' : 'stop' }),
    };
    if (body.stream === false) sendJson(res, 200, reply);
    else {
      const write = startNdjson(res);
      write(reply);
      res.end();
    }
  }

  function handlePull(res: ServerResponse, body: Record<string, unknown>): void {
    const model = String(body.model ?? body.name);
    const digest = `sha256:${fakeDigest(model)}`;
    const total = 4096;
    models.add(model);
    if (body.stream === false) {
      sendJson(res, 200, { status: 'success' });
      return;
    }
    const write = startNdjson(res);
    write({ status: 'pulling manifest' });
    for (const completed of [0, total / 2, total]) write({ status: `pulling ${digest.slice(7, 19)}`, digest, total, completed });
    write({ status: 'verifying sha256 digest' });
    write({ status: 'writing manifest' });
    write({ status: 'success' });
    res.end();
  }

  /** `/api/embed`: one `fakeEmbedding` per input; `prompt_eval_count` is the number of words. */
  function handleEmbed(res: ServerResponse, body: Record<string, unknown>): void {
    const model = String(body.model);
    if (refuseUnknownModel(res, model)) return;
    const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
    const words = inputs.reduce((sum, input) => sum + input.split(/\s+/).filter(Boolean).length, 0);
    sendJson(res, 200, {
      model,
      embeddings: inputs.map(fakeEmbedding),
      total_duration: 5 * NS_PER_MS,
      load_duration: 1 * NS_PER_MS,
      prompt_eval_count: words,
    });
  }

  function handleShow(res: ServerResponse, body: Record<string, unknown>): void {
    const model = String(body.model ?? body.name);
    if (refuseUnknownModel(res, model)) return;
    sendJson(res, 200, {
      modelfile: `FROM ${model}`,
      parameters: '',
      template: '{{ .Prompt }}',
      details: modelDetails(),
      model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 },
      capabilities: ['completion', 'tools', 'thinking', 'vision'],
      modified_at: new Date(0).toISOString(),
    });
  }

  function handleTags(res: ServerResponse): void {
    const list = [...models].map((name) => ({
      name,
      model: name,
      modified_at: new Date(0).toISOString(),
      size: 1_000_000,
      digest: fakeDigest(name),
      details: modelDetails(),
    }));
    sendJson(res, 200, { models: list });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const body = method === 'POST' ? await readBody(req) : undefined;
    requests.push({ method, path, body });
    if (method === 'POST' && body === undefined) return sendJson(res, 400, { error: 'missing request body' });
    const key = `${method} ${path}`;
    if (key === 'GET /api/version') return sendJson(res, 200, { version: '0.12.0' });
    if (key === 'GET /api/tags') return handleTags(res);
    if (key === 'POST /api/show') return handleShow(res, body!);
    if (key === 'POST /api/chat') return handleChat(res, body!);
    if (key === 'POST /api/generate') return handleGenerate(res, body!);
    if (key === 'POST /api/pull') return handlePull(res, body!);
    if (key === 'POST /api/embed') return handleEmbed(res, body!);
    sendJson(res, 404, { error: '404 page not found' });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    chats,
    models,
    script: (...replies) => queue.push(...replies),
    reset() {
      requests.length = 0;
      chats.length = 0;
      queue = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
