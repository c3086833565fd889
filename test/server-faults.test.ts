import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
  type BedrockRuntimeClientConfig,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RetryStrategyV2, RetryToken } from '@smithy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type LocalBedrockServer, type StartServerOptions } from '../src/front-doors/server.js';
import { TEST_CREDENTIALS, userText } from './support/clients.js';

/**
 * Faults and quotas on the server door: given as options, or changed at run time through the admin
 * endpoints (`/_local-bedrock/faults`, `/_local-bedrock/quotas`) with plain `fetch`, as a test in another
 * language would, and observed with a real `BedrockRuntimeClient` over HTTP/1.1 and HTTP/2.
 */

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const converse = (modelId = MODEL) => new ConverseCommand({ modelId, messages: [userText('Hi')] });
const caught = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & Record<string, unknown>);

const servers: LocalBedrockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: StartServerOptions = {}): Promise<LocalBedrockServer> {
  const server = await startServer({ port: 0, env: {}, ...options });
  servers.push(server);
  return server;
}

/** The standard strategy's decision (3 attempts, throttling and transient errors) without its backoff. */
const immediateRetries: RetryStrategyV2 = {
  acquireInitialRetryToken: async () => token(0),
  async refreshRetryTokenForRetry(previous, { errorType }) {
    if ((errorType !== 'THROTTLING' && errorType !== 'TRANSIENT') || previous.getRetryCount() + 1 >= 3) throw new Error('No retry token available');
    return token(previous.getRetryCount() + 1);
  },
  recordSuccess() {},
};
function token(retries: number): RetryToken {
  return { getRetryCount: () => retries, getRetryDelay: () => 0 };
}

const PROTOCOLS = {
  'HTTP/1.1 (NodeHttpHandler)': (): Partial<BedrockRuntimeClientConfig> => ({ requestHandler: new NodeHttpHandler() }),
  'HTTP/2 (the SDK default handler)': (): Partial<BedrockRuntimeClientConfig> => ({}),
};

function sdkClient(server: LocalBedrockServer, config: Partial<BedrockRuntimeClientConfig> = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, retryStrategy: immediateRetries, ...config });
}

interface AdminAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
  headers: Headers;
}

/** A plain, unsigned request to an admin endpoint. */
async function admin(server: LocalBedrockServer, method: string, resource: string, body?: unknown): Promise<AdminAnswer> {
  const response = await fetch(`${server.url}/_local-bedrock/${resource}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined, headers: response.headers };
}

const statuses = (server: LocalBedrockServer) => server.runtime.callLog.calls.map((call) => call.statusCode);

describe.each(Object.entries(PROTOCOLS))('faults injected through the admin endpoint, seen by the SDK over %s', (_protocol, config) => {
  it('throttles the next two Converse calls; the SDK retries and the third attempt answers', async () => {
    const server = await serve({ responses: [{ text: 'Finally.' }] });
    const rule = { operation: 'Converse', error: 'ThrottlingException', times: 2 };
    expect(await admin(server, 'POST', 'faults', rule)).toMatchObject({ status: 201, body: { rules: [rule] } });
    const output = await sdkClient(server, config()).send(converse());
    expect(output.$metadata.attempts).toBe(3);
    expect(output.output?.message?.content?.[0]?.text).toBe('Finally.');
    expect(statuses(server)).toEqual([429, 429, 200]);
  });

  it('lists the active rules and clears them', async () => {
    const server = await serve();
    const rules = [
      { operation: 'Converse', error: 'ServiceUnavailableException' },
      { operation: 'ConverseStream', streamCut: { afterEvents: 1, exception: 'throttlingException' } },
    ];
    expect(await admin(server, 'POST', 'faults', rules)).toMatchObject({ status: 201, body: { rules } });
    expect(await admin(server, 'GET', 'faults')).toMatchObject({ status: 200, body: { rules: [...rules].reverse() } });
    const client = sdkClient(server, config());
    expect(await caught(client.send(converse()))).toMatchObject({ name: 'ServiceUnavailableException', $metadata: { attempts: 3 } });
    expect(await admin(server, 'DELETE', 'faults')).toMatchObject({ status: 204, body: undefined });
    expect(await admin(server, 'GET', 'faults')).toMatchObject({ body: { rules: [] } });
    await expect(client.send(converse())).resolves.toMatchObject({ $metadata: { attempts: 1 } });
  });

  it('cuts a stream with an exception frame the SDK throws, typed, from the stream', async () => {
    const server = await serve({ responses: [{ text: 'one two three four five six' }] });
    await admin(server, 'POST', 'faults', { operation: 'ConverseStream', streamCut: { afterEvents: 2, exception: 'throttlingException' } });
    const { stream } = await sdkClient(server, config()).send(new ConverseStreamCommand({ modelId: MODEL, messages: [userText('Hi')] }));
    const events: object[] = [];
    const error = await caught(
      (async () => {
        for await (const event of stream!) events.push(event);
      })(),
    );
    expect(events).toHaveLength(2);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ message: 'Too many requests, please wait before trying again.' });
  });

  it('drops the connection of one call; the SDK retries it', async () => {
    const server = await serve({ responses: [{ text: 'After the reset.' }] });
    await admin(server, 'POST', 'faults', { operation: 'Converse', dropConnection: true, times: 1 });
    const output = await sdkClient(server, config()).send(converse());
    expect(output.$metadata.attempts).toBe(2);
    expect(output.output?.message?.content?.[0]?.text).toBe('After the reset.');
  });

  it('sets quotas at run time and removes them', async () => {
    const server = await serve();
    const client = sdkClient(server, { ...config(), maxAttempts: 1, retryStrategy: undefined });
    const table = { 'anthropic.*': { requestsPerMinute: 1 } };
    expect(await admin(server, 'PUT', 'quotas', table)).toMatchObject({ status: 200, body: { quotas: table } });
    await client.send(converse());
    const error = await caught(client.send(converse()));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ message: 'Too many requests, please wait before trying again.' });
    expect(server.runtime.callLog.calls.at(-1)?.headers['retry-after']).toMatch(/^\d+$/);
    expect(await admin(server, 'DELETE', 'quotas')).toMatchObject({ status: 204 });
    await expect(client.send(converse())).resolves.toBeDefined();
  });
});

describe('the admin endpoints', () => {
  it('answers an invalid rule with 400 and the reason, and adds nothing from a list with one bad rule', async () => {
    const server = await serve();
    const typo = await admin(server, 'POST', 'faults', { operation: 'Converse', error: 'ThrottleException' });
    expect(typo.status).toBe(400);
    expect(typo.body?.message).toMatch(/Invalid fault rule .*"ThrottleException" is not a Bedrock exception\./);
    const list = await admin(server, 'POST', 'faults', [{ error: 'ThrottlingException' }, { operation: 'Converse', error: 'ThrottlingException', time: 2 }]);
    expect(list.status).toBe(400);
    expect(list.body?.message).toMatch(/"time" is not a field of a fault rule/);
    expect((await admin(server, 'POST', 'faults', { operation: 'converse', error: 'ThrottlingException' })).body?.message).toMatch(/"converse" is not an operation/);
    expect((await admin(server, 'POST', 'faults', { operation: 'Converse' })).body?.message).toMatch(/give "error", "streamCut", "dropConnection" or "latencyMs"/);
    expect((await admin(server, 'POST', 'faults', '{"error":')).body?.message).toMatch(/not JSON/);
    expect(await admin(server, 'GET', 'faults')).toMatchObject({ body: { rules: [] } });
    await expect(sdkClient(server).send(converse())).resolves.toMatchObject({ $metadata: { attempts: 1 } });
  });

  it('answers an invalid quota table with 400, and unknown paths and methods as such', async () => {
    const server = await serve();
    const quota = await admin(server, 'PUT', 'quotas', { 'anthropic.*': { requestsPerSecond: 2 } });
    expect(quota).toMatchObject({ status: 400, body: { message: expect.stringMatching(/"requestsPerSecond" is not a quota/) } });
    expect(server.runtime.quotas.active).toBe(false);
    expect((await admin(server, 'GET', 'nothing-here')).status).toBe(404);
    const wrongMethod = await admin(server, 'PATCH', 'faults', {});
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST, DELETE');
  });

  it('needs no signature, like /health, while Bedrock requests still do', async () => {
    const server = await serve({ verifySignatures: { credentials: [TEST_CREDENTIALS] } });
    expect((await admin(server, 'POST', 'faults', { operation: 'Converse', error: 'ThrottlingException', times: 1 })).status).toBe(201);
    const output = await sdkClient(server).send(converse());
    expect(output.$metadata.attempts).toBe(2);
    const unsigned = await fetch(`${server.url}/model/${MODEL}/converse`, { method: 'POST', body: JSON.stringify({ messages: [userText('Hi')] }) });
    expect(unsigned.status).toBe(403);
  });

  it('is not a Bedrock operation: it leaves no call in the call log', async () => {
    const server = await serve();
    await admin(server, 'GET', 'faults');
    expect(server.runtime.callLog.calls).toHaveLength(0);
  });
});

describe('faults and quotas as server options', () => {
  it('flow from startServer options into the runtime', async () => {
    const server = await serve({
      faults: [{ operation: 'Converse', modelId: 'amazon.*', error: 'AccessDeniedException' }],
      faultSeed: 3,
      quotas: { [MODEL]: { requestsPerMinute: 1 } },
    });
    const client = sdkClient(server, { maxAttempts: 1, retryStrategy: undefined });
    expect(await caught(client.send(converse('amazon.nova-micro-v1:0')))).toMatchObject({ name: 'AccessDeniedException' });
    await client.send(converse());
    expect(await caught(client.send(converse()))).toMatchObject({ name: 'ThrottlingException' });
    expect((await admin(server, 'GET', 'faults')).body).toEqual({ rules: [{ operation: 'Converse', modelId: 'amazon.*', error: 'AccessDeniedException' }] });
  });
});

// ---------------------------------------------------------------------------------------------------------
// The CLI, run as users run it (from the sources, through tsx)

function runCli(args: string[], env: Record<string, string> = {}) {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LOCAL_BEDROCK_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: join(import.meta.dirname, '..'), env: { ...cleanEnv, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /AWS_ENDPOINT_URL=(http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`the CLI exited before listening:\n${output}`)));
  });
  // A run that is meant to fail never listens: that rejection is expected, not unhandled.
  url.catch(() => undefined);
  return { child, url, exited, output: () => output };
}

describe('local-bedrock serve --faults / --quotas', () => {
  it('reads faults from a file and quotas as JSON (flags), and faults from the config file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'local-bedrock-faults-'));
    const faultsFile = join(directory, 'faults.json');
    writeFileSync(faultsFile, JSON.stringify([{ operation: 'Converse', error: 'ThrottlingException', times: 1 }]));
    const configFile = join(directory, 'config.json');
    writeFileSync(configFile, JSON.stringify({ faults: [{ operation: 'CountTokens', error: 'AccessDeniedException' }], quotas: { 'amazon.*': { requestsPerMinute: 5 } } }));
    const cli = runCli(['serve', '--port', '0', '--quiet', '--config', configFile, '--faults', faultsFile, '--quotas', '{"anthropic.*":{"requestsPerMinute":1}}']);
    try {
      const server = { url: await cli.url } as LocalBedrockServer;
      expect(cli.output()).toMatch(/faults\s+http:\/\/\S+\/_local-bedrock\/faults/);
      // The flag's faults replace the config file's.
      expect((await admin(server, 'GET', 'faults')).body).toEqual({ rules: [{ operation: 'Converse', error: 'ThrottlingException', times: 1 }] });
      const client = sdkClient(server, { requestHandler: new NodeHttpHandler() });
      await expect(client.send(converse())).resolves.toMatchObject({ $metadata: { attempts: 2 } });
      expect(await caught(client.send(converse()))).toMatchObject({ name: 'ThrottlingException' });
    } finally {
      cli.child.kill('SIGKILL');
    }
    const fromConfig = runCli(['serve', '--port', '0', '--quiet', '--config', configFile]);
    try {
      const server = { url: await fromConfig.url } as LocalBedrockServer;
      expect((await admin(server, 'GET', 'faults')).body).toEqual({ rules: [{ operation: 'CountTokens', error: 'AccessDeniedException' }] });
    } finally {
      fromConfig.child.kill('SIGKILL');
    }
  });

  it('refuses an invalid rule at start, naming the flag, and documents the flags in --help', async () => {
    const bad = runCli(['serve', '--port', '0', '--faults', '{"operation":"Converse","error":"ThrottleException"}']);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/--faults: Invalid fault rule .*"ThrottleException" is not a Bedrock exception/);
    const help = runCli(['serve', '--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('--faults <json|file>');
    expect(help.output()).toContain('--quotas <json|file>');
    expect(help.output()).toContain('POST   /_local-bedrock/faults');
  });
});
