import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as connectHttp2, constants as http2Constants } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClientConfig,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/eventstream-codec';
// Not direct dependencies: @smithy/node-http-handler and @smithy/signature-v4 come with the AWS SDK.
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type LocalBedrockServer, type RequestLogEntry, type StartServerOptions } from '../src/front-doors/server.js';
import type { Backend, ChatStreamEvent } from '../src/index.js';
import { collectEvents, eventName, TEST_CREDENTIALS, userText } from './support/clients.js';

/**
 * The server door: one loopback port that speaks HTTP/1.1 and h2c. Every test starts its own server on a free
 * port and talks to it over real sockets: the SDK's default HTTP/2 handler, `NodeHttpHandler` (HTTP/1.1), and
 * raw `node:http` requests (as boto3, curl or `@anthropic-ai/bedrock-sdk` send them).
 */

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const servers: LocalBedrockServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: StartServerOptions = {}): Promise<LocalBedrockServer> {
  const server = await startServer({ port: 0, env: {}, ...options });
  servers.push(server);
  return server;
}

const PROTOCOLS = {
  'HTTP/2 (the SDK default handler)': {} as Partial<BedrockRuntimeClientConfig>,
  'HTTP/1.1 (NodeHttpHandler)': { requestHandler: new NodeHttpHandler() } as Partial<BedrockRuntimeClientConfig>,
};

function sdkClient(server: LocalBedrockServer, config: Partial<BedrockRuntimeClientConfig> = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1, ...config });
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP/1.1 request; the path is sent exactly as given (a raw `:` included). */
function raw(server: LocalBedrockServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: server.host, port: server.port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

const json = (response: RawResponse) => JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;

/** Splits an event-stream body into frames and decodes each with the reference codec. */
function decodeFrames(body: Buffer): Array<{ headers: Record<string, string>; payload: Record<string, unknown> }> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const frames = [];
  for (let offset = 0; offset < body.length; ) {
    const length = body.readUInt32BE(offset);
    const message = codec.decode(body.subarray(offset, offset + length));
    const headers = Object.fromEntries(Object.entries(message.headers).map(([name, header]) => [name, String(header.value)]));
    frames.push({ headers, payload: JSON.parse(toUtf8(message.body)) as Record<string, unknown> });
    offset += length;
  }
  return frames;
}

const converseBody = (text = 'Tell me about local models.') => ({ messages: [userText(text)] });

// ---------------------------------------------------------------------------------------------------------

describe.each(Object.entries(PROTOCOLS))('the SDK over %s', (_name, config) => {
  it('answers Converse and streams ConverseStream, and logs each call with its protocol', async () => {
    const entries: RequestLogEntry[] = [];
    const server = await serve({ log: (_line, entry) => entries.push(entry) });
    const client = sdkClient(server, config);

    const answer = await client.send(new ConverseCommand({ modelId: HAIKU, ...converseBody() }));
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(answer.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.output?.message?.content?.[0]?.text).toContain('Tell me about local models.');

    const output = await client.send(new ConverseStreamCommand({ modelId: HAIKU, ...converseBody() }));
    const events = await collectEvents(output.stream);
    expect(events.map(eventName).slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    const streamed = events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
    expect(streamed).toBe(answer.output?.message?.content?.[0]?.text);

    const protocol = 'requestHandler' in config ? 'HTTP/1.1' : 'HTTP/2';
    expect(entries.map(({ operation, statusCode }) => `${operation} ${statusCode}`)).toEqual(['Converse 200', 'ConverseStream 200']);
    expect(entries.every((entry) => entry.protocol === protocol)).toBe(true);
    expect(server.runtime.callLog.calls.map((call) => call.operation)).toEqual(['Converse', 'ConverseStream']);
  });

  it('answers InvokeModel and InvokeModelWithResponseStream with Claude bodies', async () => {
    const server = await serve();
    const client = sdkClient(server, config);
    const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] });
    const output = await client.send(new InvokeModelCommand({ modelId: HAIKU, body, contentType: 'application/json' }));
    expect(JSON.parse(new TextDecoder().decode(output.body))).toMatchObject({ type: 'message', role: 'assistant' });
    const stream = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body, contentType: 'application/json' }));
    const chunks = (await collectEvents(stream.body)).map((event) => JSON.parse(new TextDecoder().decode(event.chunk!.bytes)) as { type: string });
    expect(chunks[0]!.type).toBe('message_start');
    expect(chunks.at(-1)!.type).toBe('message_stop');
  });

  it('gives the SDK typed errors', async () => {
    const server = await serve({ responses: [{ error: { name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } }] });
    const error = await sdkClient(server, config)
      .send(new ConverseCommand({ modelId: HAIKU, ...converseBody() }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 429 } });
  });
});

describe('raw HTTP/1.1 requests', () => {
  it('answer Converse with JSON', async () => {
    const server = await serve();
    const response = await raw(server, 'POST', `/model/${encodeURIComponent(HAIKU)}/converse`, converseBody('Hi there'), { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(json(response)).toMatchObject({ output: { message: { role: 'assistant' } }, stopReason: 'end_turn', usage: { totalTokens: expect.any(Number) } });
  });

  it('stream ConverseStream as event-stream frames, chunked, over a keep-alive connection', async () => {
    const server = await serve();
    const response = await raw(server, 'POST', `/model/${encodeURIComponent(HAIKU)}/converse-stream`, converseBody(), { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const frames = decodeFrames(response.body);
    expect(frames[0]).toEqual({ headers: { ':message-type': 'event', ':event-type': 'messageStart', ':content-type': 'application/json' }, payload: expect.objectContaining({ role: 'assistant' }) });
    expect(frames.at(-1)!.headers[':event-type']).toBe('metadata');
  });

  it('answer InvokeModel with a raw ":" in the path, as @anthropic-ai/bedrock-sdk sends it', async () => {
    const server = await serve();
    const body = { anthropic_version: '2026-10-21', max_tokens: 50, messages: [{ role: 'user', content: 'Hello' }] };
    const response = await raw(server, 'POST', `/model/${HAIKU}/invoke`, body, { 'content-type': 'application/json', accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(json(response)).toMatchObject({ type: 'message', model: 'claude-3-haiku-20240307' });
    expect(server.runtime.callLog.calls[0]).toMatchObject({ operation: 'InvokeModel', modelId: HAIKU });
  });

  it('answer errors with x-amzn-errortype and a JSON message', async () => {
    const server = await serve();
    const invalid = await raw(server, 'POST', `/model/${encodeURIComponent(HAIKU)}/converse`, '{"messages": "not a list"}', { 'content-type': 'application/json' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers['x-amzn-errortype']).toMatch(/^ValidationException/);
    expect(json(invalid).message).toEqual(expect.any(String));
    const unknown = await raw(server, 'POST', '/no/such/operation', '{}');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-amzn-errortype']).toMatch(/^ResourceNotFoundException/);
  });

  it('reach the control plane on the same port', async () => {
    const server = await serve();
    const control = new BedrockClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    // The core decides what the control plane answers; the door's job is to carry the request there.
    await control.send(new ListFoundationModelsCommand({})).catch(() => undefined);
    expect(server.runtime.callLog.calls.at(-1)?.http).toMatchObject({ method: 'GET', path: '/foundation-models' });
  });
});

describe('listening', () => {
  it('takes its port from LOCAL_BEDROCK_PORT, and reports a taken port', async () => {
    const first = await serve();
    await first.close();
    const server = await startServer({ env: { LOCAL_BEDROCK_PORT: String(first.port) } });
    servers.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${first.port}`);
    await expect(startServer({ port: server.port, env: {} })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('health and logging', () => {
  it('answers GET /health with the backend and version', async () => {
    const server = await serve();
    const response = await raw(server, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(json(response)).toEqual({ status: 'ok', name: 'local-bedrock', version: expect.stringMatching(/^\d+\.\d+\.\d+/), backend: 'scripted' });
    expect(server.runtime.callLog.calls).toHaveLength(0);
  });

  it('logs one line per call: method, path, operation, status, error, ms, protocol', async () => {
    const lines: string[] = [];
    const server = await serve({ log: (line) => lines.push(line) });
    await raw(server, 'POST', `/model/${HAIKU}/converse`, converseBody());
    await raw(server, 'POST', `/model/${HAIKU}/converse`, '{"messages": 1}');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^POST /model/${HAIKU}/converse Converse 200 \\d+\\.\\dms HTTP/1\\.1$`));
    expect(lines[1]).toMatch(/ Converse 400 ValidationException \d+\.\dms HTTP\/1\.1$/);
  });

  it('prints a banner naming the backend, the models, the URL and AWS_ENDPOINT_URL', async () => {
    const server = await serve({ backend: 'ollama', modelMap: { 'anthropic.*': 'qwen3' }, defaultModel: 'llama3.2:1b' });
    expect(server.banner).toContain(`listening on ${server.url} (HTTP/1.1 and h2c)`);
    expect(server.banner).toMatch(/backend\s+ollama at http:\/\/127\.0\.0\.1:11434/);
    expect(server.banner).toMatch(/models\s+anthropic\.\* → qwen3; otherwise default llama3\.2:1b/);
    expect(server.banner).toContain(`AWS_ENDPOINT_URL=${server.url}`);
  });
});

// ---------------------------------------------------------------------------------------------------------
// SigV4

/** The hash SignatureV4 needs, from node:crypto (the SDK's own lives inside its bundle). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined || typeof secret === 'string' ? secret : secret instanceof ArrayBuffer ? new Uint8Array(secret) : new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

const VERIFIED: StartServerOptions = { verifySignatures: { credentials: [TEST_CREDENTIALS] } };

/** A raw request signed like @anthropic-ai/bedrock-sdk signs it: path with a raw `:`, `host` signed. */
async function signedRaw(server: LocalBedrockServer, credentials: typeof TEST_CREDENTIALS, signingDate = new Date()): Promise<RawResponse> {
  const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
  const signer = new SignatureV4({ service: 'bedrock', region: 'us-west-2', credentials, sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: server.host,
    port: server.port,
    path: `/model/${HAIKU}/invoke`,
    query: { trace: 'a b' },
    headers: { host: `${server.host}:${server.port}`, 'content-type': 'application/json' },
    body,
  });
  const signed = await signer.sign(request, { signingDate });
  return raw(server, 'POST', `${signed.path}?trace=a%20b`, body, signed.headers);
}

describe.each(Object.entries(PROTOCOLS))('signature verification over %s', (_name, config) => {
  it('answers requests signed with configured credentials', async () => {
    const server = await serve(VERIFIED);
    const answer = await sdkClient(server, config).send(new ConverseCommand({ modelId: HAIKU, ...converseBody() }));
    expect(answer.$metadata.httpStatusCode).toBe(200);
    const signedHeaders = server.runtime.callLog.calls[0]!.http.headers.authorization!.match(/SignedHeaders=([^,]+)/)![1];
    // Over HTTP/2 the SDK signs `:authority`; over HTTP/1.1, `host`.
    expect(signedHeaders).toContain('requestHandler' in config ? 'host' : ':authority');
  });

  it('refuses a wrong secret with InvalidSignatureException, and an unknown key with UnrecognizedClientException', async () => {
    const server = await serve(VERIFIED);
    const wrongSecret = await sdkClient(server, { ...config, credentials: { ...TEST_CREDENTIALS, secretAccessKey: 'wrong' } })
      .send(new ConverseCommand({ modelId: HAIKU, ...converseBody() }))
      .catch((caught: unknown) => caught as Error & { $metadata: { httpStatusCode: number } });
    expect(wrongSecret).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    expect((wrongSecret as Error).message).toMatch(/^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key/);
    expect((wrongSecret as Error).message).toContain('/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse'); // the canonical URI, encoded twice

    const unknownKey = await sdkClient(server, { ...config, credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' } })
      .send(new ConverseStreamCommand({ modelId: HAIKU, ...converseBody() }))
      .catch((caught: unknown) => caught);
    expect(unknownKey).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', $metadata: { httpStatusCode: 403 } });
    expect(server.runtime.callLog.calls).toHaveLength(0);
  });
});

describe('signature verification of raw requests', () => {
  it('accepts a request signed over a raw ":" path and a query, and refuses a tampered body', async () => {
    const server = await serve(VERIFIED);
    expect((await signedRaw(server, TEST_CREDENTIALS)).status).toBe(200);
    const wrong = await signedRaw(server, { ...TEST_CREDENTIALS, secretAccessKey: 'nope' });
    expect(wrong.status).toBe(403);
    expect(wrong.headers['x-amzn-errortype']).toMatch(/^InvalidSignatureException:/);
  });

  it('refuses stale signatures and unsigned requests with AWS’s messages', async () => {
    const server = await serve(VERIFIED);
    const stale = await signedRaw(server, TEST_CREDENTIALS, new Date(Date.now() - 10 * 60_000));
    expect(stale.status).toBe(403);
    expect(json(stale).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    const unsigned = await raw(server, 'POST', `/model/${HAIKU}/converse`, converseBody());
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toMatch(/^MissingAuthenticationTokenException:/);
    expect(json(unsigned)).toEqual({ message: 'Missing Authentication Token' });
    // Health needs no signature: load balancers and scripts probe it.
    expect((await raw(server, 'GET', '/health')).status).toBe(200);
  });

  it('accepts configured API keys (Authorization: Bearer) and refuses others', async () => {
    const server = await serve({ verifySignatures: { credentials: [], apiKeys: ['local-key'] } });
    expect((await raw(server, 'POST', `/model/${HAIKU}/converse`, converseBody(), { authorization: 'Bearer local-key' })).status).toBe(200);
    const refused = await raw(server, 'POST', `/model/${HAIKU}/converse`, converseBody(), { authorization: 'Bearer other' });
    expect(refused.status).toBe(403);
    expect(refused.headers['x-amzn-errortype']).toMatch(/^UnrecognizedClientException:/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Shutdown

/** A backend whose streams send one delta, then wait until `release()` (or until they are cancelled). */
function gatedBackend() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const cancelled: boolean[] = [];
  const backend: Backend = {
    name: 'gated',
    async chat() {
      return { content: [{ type: 'text', text: 'done' }], stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
    },
    async chatStream(_request, options) {
      return (async function* (): AsyncGenerator<ChatStreamEvent> {
        yield { type: 'textDelta', text: 'first' };
        const aborted = new Promise<void>((resolve) => options?.signal?.addEventListener('abort', () => resolve(), { once: true }));
        await Promise.race([gate, aborted]);
        if (options?.signal?.aborted) {
          cancelled.push(true);
          return;
        }
        yield { type: 'textDelta', text: ' second' };
        yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 2 } };
      })();
    },
  };
  return { backend, release: () => open(), cancelled };
}

describe.each(Object.entries(PROTOCOLS))('graceful close over %s', (_name, config) => {
  it('stops accepting, lets a stream in flight finish, then closes', async () => {
    const gated = gatedBackend();
    const server = await serve({ backend: gated.backend });
    const output = await sdkClient(server, config).send(new ConverseStreamCommand({ modelId: HAIKU, ...converseBody() }));
    const iterator = output.stream![Symbol.asyncIterator]();
    expect(eventName((await iterator.next()).value!)).toBe('messageStart');

    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await expect(raw(server, 'GET', '/health')).rejects.toThrow(/ECONNREFUSED/);
    expect(closed).toBe(false);

    gated.release();
    const rest: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(eventName(next.value));
    expect(rest.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    await closing;
    expect(gated.cancelled).toEqual([]);
  });

  it('cancels a stream still running when the grace period ends', async () => {
    const gated = gatedBackend();
    const server = await serve({ backend: gated.backend, shutdownGraceMs: 100 });
    const output = await sdkClient(server, config).send(new ConverseStreamCommand({ modelId: HAIKU, ...converseBody() }));
    // Settled into a value at once: the rejection comes while close() is awaited, before anyone awaits this.
    const consumed = collectEvents(output.stream).then(() => 'ended cleanly', (error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedClosing = Date.now();
    await server.close();
    expect(Date.now() - startedClosing).toBeLessThan(2000);
    // The client must see a failure, not a short stream that looks whole.
    expect(await consumed).toBeInstanceOf(Error);
    await expect.poll(() => gated.cancelled).toEqual([true]);
  });
});

describe('a client that goes away mid-stream', () => {
  it('cancels the backend work when a raw HTTP/1.1 client drops the connection', async () => {
    const gated = gatedBackend();
    const server = await serve({ backend: gated.backend });
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest({ host: server.host, port: server.port, method: 'POST', path: `/model/${HAIKU}/converse-stream` }, (response) => {
        response.once('data', () => {
          request.destroy(); // hang up after the first frames
          resolve();
        });
      });
      request.on('error', () => {});
      request.once('error', reject);
      request.end(JSON.stringify(converseBody()));
    });
    await expect.poll(() => gated.cancelled).toEqual([true]);
    await expect.poll(() => server.runtime.callLog.calls[0]?.complete).toBe(true);
  });

  it('cancels the backend work when an HTTP/2 client resets the stream', async () => {
    const gated = gatedBackend();
    const server = await serve({ backend: gated.backend });
    const session = connectHttp2(server.url);
    try {
      const stream = session.request({ ':method': 'POST', ':path': `/model/${encodeURIComponent(HAIKU)}/converse-stream`, 'content-type': 'application/json' });
      stream.end(JSON.stringify(converseBody()));
      await new Promise((resolve) => stream.once('data', resolve));
      stream.close(http2Constants.NGHTTP2_CANCEL);
      await expect.poll(() => gated.cancelled).toEqual([true]);
    } finally {
      session.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// The CLI, run as users run it (from the sources here, through tsx: `node --import tsx src/cli.ts`)

interface CliRun {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Resolves with the output once it matches. */
  waitFor: (pattern: RegExp) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LOCAL_BEDROCK_') && name !== 'OLLAMA_HOST'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: join(import.meta.dirname, '..'), env: { ...cleanEnv, ...env } });
  let output = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) resolve(match);
        };
        waiters.push(check);
        check();
        void exited.then(() => reject(new Error(`the CLI exited before printing ${pattern}:\n${output}`)));
      }),
  };
}

describe('local-bedrock serve (CLI)', () => {
  it('prints the banner, logs requests, and shuts down cleanly on SIGTERM', async () => {
    const cli = runCli(['serve', '--port', '0']);
    try {
      const [, url] = await cli.waitFor(/AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)/);
      expect(cli.output()).toMatch(/backend\s+scripted/);
      const port = Number(new URL(url!).port);
      const fake = { host: '127.0.0.1', port } as LocalBedrockServer;
      expect((await raw(fake, 'POST', `/model/${HAIKU}/converse`, converseBody())).status).toBe(200);
      await cli.waitFor(/POST \/model\/\S+\/converse Converse 200 [\d.]+ms HTTP\/1\.1/);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(cli.output()).toContain('[local-bedrock] stopped.');
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('takes flags over environment variables over the config file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'local-bedrock-cli-'));
    const config = join(directory, 'config.json');
    writeFileSync(config, JSON.stringify({ port: 1, backend: 'ollama', ollamaHost: 'http://127.0.0.1:9', defaultModel: 'from-config', modelMap: 'amazon.*=nova-local' }));
    const cli = runCli(['serve', '--config', config, '--port', '0', '--default-model', 'from-flag', '--quiet'], { OLLAMA_HOST: 'http://127.0.0.1:8', LOCAL_BEDROCK_PORT: '2' });
    try {
      await cli.waitFor(/AWS_ENDPOINT_URL=/);
      const output = cli.output();
      expect(output).toMatch(/backend\s+ollama at http:\/\/127\.0\.0\.1:8\n/); // backend from the file, host from the environment
      expect(output).toMatch(/models\s+amazon\.\* → nova-local; otherwise default from-flag/);
      expect(output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d{4,5} /); // --port 0, not the environment's 2 or the file's 1
      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('explains bad usage and prints --help', async () => {
    const bad = runCli(['serve', '--backend', 'nope']);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('unknown backend "nope"');
    const help = runCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('Usage: local-bedrock serve [options]');
  });
});
