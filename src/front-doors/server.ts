/**
 * `local-bedrock/server`: local Bedrock on one loopback port, for every client that does not run in this
 * process (boto3, the AWS CLI, other languages) and for JS clients pointed at `AWS_ENDPOINT_URL`. The port
 * speaks HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c), which the JS runtime client sends by default.
 */
import { createServer as createHttp1Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import packageJson from '../../package.json' with { type: 'json' };
import type { RecordedCall } from '../core/call-log.js';
import { handleBedrockRequest } from '../core/handle-request.js';
import type { LocalHttpRequest } from '../core/http-types.js';
import { createRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../core/runtime.js';
import { parseModelMap } from '../models/model-map.js';
import { sniffProtocol } from '../server/protocol-sniffing.js';
import { ADMIN_PATH_PREFIX, answerAdminRequest } from '../server/admin-endpoints.js';
import { authErrorResponse, verifyRequest, type VerifySignaturesOptions } from '../server/sigv4-verification.js';
import { abortNodeResponse, fromNodeRequest, fromStreamingNodeRequest, readNodeBody, writeNodeResponse, type NodeRequest, type NodeResponse } from '../http/node.js';
import { hasStreamedBody } from '../operations/runtime/bidirectional/streamed-body.js';

export type { ServerCredentials, VerifySignaturesOptions } from '../server/sigv4-verification.js';

/** The port `startServer` and `local-bedrock serve` listen on unless told otherwise. */
const DEFAULT_PORT = 4599;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_SHUTDOWN_GRACE_MS = 5000;

/**
 * What one answered request looks like in the request log (the `log` option receives it with its line).
 *
 * @example
 * await startServer({ log: (_line, entry) => entry.statusCode >= 400 && console.error(entry) });
 */
export interface RequestLogEntry {
  method: string;
  /** The raw path, still percent-encoded. */
  path: string;
  /** The Bedrock operation, or `undefined` when the request never reached one (unknown path, refused signature). */
  operation: string | undefined;
  statusCode: number;
  /** The error answered with, before or during a stream. */
  error: string | undefined;
  /** From the request's arrival to the end of the answer (for streams: the last event). */
  durationMs: number;
  protocol: 'HTTP/1.1' | 'HTTP/2';
}

/**
 * Options of `startServer`: those of a runtime (backend, model map, scripted replies…), plus where to listen
 * and how to behave.
 *
 * @example
 * const options: StartServerOptions = { port: 0, backend: 'ollama', modelMap: { 'anthropic.*': 'qwen3' }, log: console.log };
 */
export interface StartServerOptions extends LocalBedrockOptions {
  /** An existing runtime to serve (e.g. one tests script); by default a new one is made from these options. */
  runtime?: LocalBedrockRuntime;
  /** Interface to listen on. Default: `LOCAL_BEDROCK_HOST`, else `127.0.0.1` (loopback only). */
  host?: string;
  /** Port to listen on; `0` picks a free one. Default: `LOCAL_BEDROCK_PORT`, else `4599`. */
  port?: number;
  /** Verify SigV4 signatures against these credentials. By default signatures are accepted unverified. */
  verifySignatures?: VerifySignaturesOptions;
  /** Receives one line per answered request (method, path, operation, status, ms). Default: no request log. */
  log?: (line: string, entry: RequestLogEntry) => void;
  /** How long `close()` lets requests in flight finish before cancelling them. Default 5000 ms. */
  shutdownGraceMs?: number;
}

/**
 * A running local Bedrock server.
 *
 * @example
 * const server = await startServer({ port: 0 });
 * process.env.AWS_ENDPOINT_URL = server.url;
 * // … run the code under test …
 * await server.close();
 */
export interface LocalBedrockServer {
  /** `http://<host>:<port>`: use it as `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly host: string;
  /** The port listened on (the free one picked when asked for port 0). */
  readonly port: number;
  /** The runtime answering; its `callLog` records every call. */
  readonly runtime: LocalBedrockRuntime;
  /** A few lines saying what is served where; `local-bedrock serve` prints it. */
  readonly banner: string;
  /**
   * Stops accepting connections, lets requests in flight finish (up to `shutdownGraceMs`, then cancels them),
   * closes idle and HTTP/2 connections, and releases the runtime if the server created it.
   */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// SigV4 verification (header auth, as every Bedrock SDK signs)

interface InFlight {
  response: NodeResponse;
  controller: AbortController;
}

function resolvePort(options: StartServerOptions, env: Readonly<Record<string, string | undefined>>): number {
  const value = options.port ?? (env.LOCAL_BEDROCK_PORT?.trim() ? Number(env.LOCAL_BEDROCK_PORT) : DEFAULT_PORT);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`[local-bedrock] Invalid port ${options.port ?? env.LOCAL_BEDROCK_PORT}: use an integer from 0 to 65535.`);
  }
  return value;
}

/** Formats a URL host: IPv6 addresses go in brackets. */
const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

function describeModels(options: StartServerOptions, env: Readonly<Record<string, string | undefined>>): string {
  if (options.runtime) return 'as configured on the runtime passed in';
  let map: Record<string, string> = {};
  try {
    map = { ...parseModelMap(env.LOCAL_BEDROCK_MODEL_MAP, 'LOCAL_BEDROCK_MODEL_MAP'), ...options.modelMap };
  } catch {
    // The runtime has already reported a malformed map; the banner only summarises.
  }
  const entries = Object.entries(map);
  const shown = entries.slice(0, 3).map(([id, model]) => `${id} → ${model}`);
  if (entries.length > 3) shown.push(`… ${entries.length - 3} more`);
  const defaultModel = options.defaultModel ?? env.LOCAL_BEDROCK_DEFAULT_MODEL ?? env.DEFAULT_BEDROCK_MODEL;
  const fallback = defaultModel ? `default ${defaultModel}` : 'per-family defaults (e.g. llama3.2)';
  return entries.length > 0 ? `${shown.join(', ')}; otherwise ${fallback}` : fallback;
}

function buildBanner(url: string, runtime: LocalBedrockRuntime, options: StartServerOptions, env: Readonly<Record<string, string | undefined>>): string {
  const backend = runtime.backend;
  const backendHost = 'host' in backend && typeof backend.host === 'string' ? ` at ${backend.host}` : '';
  const models = backend.name === 'scripted' ? 'any Bedrock model id (scripted answers)' : describeModels(options, env);
  const signatures = options.verifySignatures
    ? `verified (${options.verifySignatures.credentials.length} access key${options.verifySignatures.credentials.length === 1 ? '' : 's'})`
    : 'accepted without verification';
  return [
    `local-bedrock ${packageJson.version} listening on ${url} (HTTP/1.1 and h2c)`,
    `  backend      ${backend.name}${backendHost}`,
    `  models       ${models}`,
    `  signatures   ${signatures}`,
    `  health       ${url}/health`,
    `  faults       ${url}${ADMIN_PATH_PREFIX}faults (GET, POST, DELETE); quotas: ${ADMIN_PATH_PREFIX}quotas (PUT, DELETE)`,
    `  use it       AWS_ENDPOINT_URL=${url}`,
  ].join('\n');
}

function formatLogLine(entry: RequestLogEntry): string {
  const error = entry.error ? ` ${entry.error}` : '';
  return `${entry.method} ${entry.path} ${entry.operation ?? '-'} ${entry.statusCode}${error} ${entry.durationMs.toFixed(1)}ms ${entry.protocol}`;
}

/**
 * Starts local Bedrock on one loopback port that speaks HTTP/1.1 and h2c, serving the runtime and control
 * plane APIs, `GET /health`, the admin endpoints `/_local-bedrock/faults` and `/_local-bedrock/quotas` (inject
 * faults and set quotas at run time, over plain HTTP), and (optionally) SigV4 verification. Point any client
 * at `server.url`.
 *
 * @example
 * const server = await startServer({ port: 0, responses: [{ text: 'Hello!' }] });
 * const client = new BedrockRuntimeClient({
 *   endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
 * });
 * await client.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages }));
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<LocalBedrockServer> {
  const env = options.env ?? process.env;
  const host = options.host ?? (env.LOCAL_BEDROCK_HOST?.trim() || DEFAULT_HOST);
  const port = resolvePort(options, env);
  const ownsRuntime = options.runtime === undefined;
  const runtime = options.runtime ?? createRuntime(options);
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  const { log, verifySignatures } = options;

  const inFlight = new Set<InFlight>();
  /** Every open connection and what it turned out to speak. */
  const connections = new Map<Socket, 'sniffing' | 'HTTP/1.1' | 'HTTP/2'>();
  /** HTTP/1.1 connections → requests in flight on them, so that closing can end the idle ones at once. */
  const http1Busy = new Map<Socket, number>();
  const sessions = new Set<Http2Session>();
  let closing = false;

  // The request log: a call is logged when the call log says it is complete (for streams, after the last
  // event), matched to its HTTP request by identity so that calls of in-process clients sharing the runtime
  // are left out.
  const pendingLog = new Map<LocalHttpRequest, { startedAt: number; protocol: RequestLogEntry['protocol'] }>();
  const writeLog = (entry: RequestLogEntry) => log?.(formatLogLine(entry), entry);
  const unsubscribe = log
    ? runtime.callLog.subscribe((call: RecordedCall) => {
        const pending = pendingLog.get(call.http);
        if (!pending) return;
        pendingLog.delete(call.http);
        const { method, path } = call.http;
        const durationMs = performance.now() - pending.startedAt;
        writeLog({ method, path, operation: call.operation, statusCode: call.statusCode, error: call.error?.name, durationMs, protocol: pending.protocol });
      })
    : () => {};

  const healthBody = () =>
    new TextEncoder().encode(JSON.stringify({ status: closing ? 'closing' : 'ok', name: packageJson.name, version: packageJson.version, backend: runtime.backend.name }));

  async function answer(request: NodeRequest, response: NodeResponse, entry: InFlight): Promise<void> {
    const startedAt = performance.now();
    const protocol = request.httpVersionMajor === 2 ? 'HTTP/2' : 'HTTP/1.1';
    if (request.method === 'GET' && (request.url === '/health' || request.url?.startsWith('/health?'))) {
      await writeNodeResponse(response, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: healthBody() });
      return;
    }
    // InvokeModelWithBidirectionalStream's input keeps arriving while the answer is written: stream it.
    const local = hasStreamedBody(request.method ?? '', request.url ?? '') ? fromStreamingNodeRequest(request) : fromNodeRequest(request, await readNodeBody(request));
    // Like /health, the admin endpoints answer without a signature: tests in any language reach them with plain HTTP.
    const admin = answerAdminRequest(runtime, local);
    if (admin) {
      await writeNodeResponse(response, admin);
      return;
    }
    const rejection = verifySignatures && verifyRequest(local, verifySignatures, new Date());
    if (rejection) {
      writeLog({ method: local.method, path: local.path, operation: undefined, statusCode: 403, error: rejection.name, durationMs: performance.now() - startedAt, protocol });
      await writeNodeResponse(response, authErrorResponse(rejection));
      return;
    }
    if (log) pendingLog.set(local, { startedAt, protocol });
    try {
      const answered = await handleBedrockRequest(runtime, local, { signal: entry.controller.signal });
      // A dropped connection over HTTP/2 loses the whole session, as a reset TCP connection does: clients retry
      // that as a transient failure, whereas a reset of the one stream reads as a protocol error.
      if (answered.dropped && 'stream' in response) return void response.stream.session?.destroy();
      await writeNodeResponse(response, answered);
    } finally {
      pendingLog.delete(local);
    }
  }

  function onRequest(request: NodeRequest, response: NodeResponse): void {
    const entry: InFlight = { response, controller: new AbortController() };
    inFlight.add(entry);
    const socket = request.httpVersionMajor === 1 ? (request.socket as Socket) : undefined;
    if (socket) {
      http1Busy.set(socket, (http1Busy.get(socket) ?? 0) + 1);
      // Tell an HTTP/1.1 client not to reuse the connection once we are shutting down.
      if (closing) response.setHeader('connection', 'close');
    }
    response.once('close', () => {
      inFlight.delete(entry);
      // The client went away before the answer was complete: stop the backend work behind it. (Not
      // `writableFinished`: an HTTP/2 response reset by the client reports itself finished.)
      if (!response.writableEnded) entry.controller.abort();
      if (socket) {
        const busy = (http1Busy.get(socket) ?? 1) - 1;
        http1Busy.set(socket, busy);
        if (closing && busy === 0) socket.end();
      }
    });
    answer(request, response, entry).catch((error: unknown) => {
      // A client that hung up mid-request is not a server problem: nothing to answer, nothing to report.
      if ((error as { code?: unknown }).code === 'ECONNRESET') return;
      runtime.logger.warn(`[local-bedrock] server: ${request.method} ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent && !response.writableEnded) {
        void writeNodeResponse(response, {
          statusCode: 500,
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException' },
          body: new TextEncoder().encode(JSON.stringify({ message: 'The server encountered an internal error while processing the request.' })),
        });
      } else {
        abortNodeResponse(response);
      }
    });
  }

  const http1 = createHttp1Server(onRequest);
  // Longer than clients keep idle connections (Node's 5 s default races with SDK agents reusing a socket).
  http1.keepAliveTimeout = 65_000;
  const http2 = createHttp2Server(onRequest);
  http2.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    if (closing) session.close();
  });

  const net = createNetServer((socket) => {
    if (closing) return void socket.destroy();
    connections.set(socket, 'sniffing');
    socket.once('close', () => {
      connections.delete(socket);
      http1Busy.delete(socket);
    });
    socket.on('error', () => {}); // a reset by the client is no concern of the server's
    // Small writes (headers, then each frame) must not wait on Nagle's algorithm; node:http does the same.
    socket.setNoDelay(true);
    sniffProtocol(
      socket,
      (http1Socket) => {
        connections.set(socket, 'HTTP/1.1');
        http1Busy.set(http1Socket, 0);
        http1.emit('connection', http1Socket);
      },
      (stream) => {
        connections.set(socket, 'HTTP/2');
        http2.emit('connection', stream);
      },
    );
  });

  try {
    await new Promise<void>((resolve, reject) => {
      net.once('error', reject);
      net.listen(port, host, () => {
        net.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // E.g. EADDRINUSE: nothing will be served, so release what was set up for it.
    unsubscribe();
    if (ownsRuntime) await runtime.dispose();
    throw error;
  }
  const actualPort = (net.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${actualPort}`;

  /**
   * Past the grace period: cancel what still runs (its client sees the stream fail) and drop the connections.
   * HTTP/2 sessions are left a moment to send their streams' resets: destroyed at once, a session would take
   * the resets with it, and the client would read its streams as ended rather than failed.
   */
  function forceClose(): void {
    for (const entry of inFlight) {
      entry.controller.abort();
      abortNodeResponse(entry.response);
    }
    for (const [socket, kind] of connections) if (kind !== 'HTTP/2') socket.destroy();
    setTimeout(() => {
      for (const session of sessions) session.destroy();
      for (const socket of connections.keys()) socket.destroy();
    }, 500).unref();
  }

  async function close(): Promise<void> {
    closing = true;
    // Resolves once every connection the listener accepted has closed.
    const allClosed = new Promise<void>((resolve) => net.close(() => resolve()));
    // HTTP/2: GOAWAY, so streams in flight finish and the session then closes its connection by itself.
    for (const session of sessions) session.close();
    for (const [socket, kind] of connections) {
      // HTTP/1.1: idle keep-alive connections go now; busy ones once their last response is out (see onRequest).
      if (kind === 'sniffing' || (kind === 'HTTP/1.1' && http1Busy.get(socket) === 0)) socket.destroy();
    }
    const deadline = setTimeout(forceClose, graceMs);
    await allClosed;
    clearTimeout(deadline);
    unsubscribe();
    if (ownsRuntime) await runtime.dispose();
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    host,
    port: actualPort,
    runtime,
    banner: buildBanner(url, runtime, options, env),
    close: () => (closed ??= close()),
  };
}
