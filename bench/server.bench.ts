/**
 * How close the server door comes to a bare `node:http` server.
 *
 *   npm run build && npx tsx bench/server.bench.ts      (the benchmark measures dist/, as users run it)
 *
 * BARE: a `node:http` server that reads the request body and answers with canned bytes — the exact status,
 * headers and body local-bedrock answers for the same Converse request (captured once at start-up).
 * LOCAL: `startServer()` from dist/server.js with the default scripted backend.
 *
 * Both servers run in one child process (a server is its own process in real use, and the client then does
 * not share its event loop); this process is the client: raw HTTP/1.1 requests on keep-alive connections,
 * one at a time (sequential) and 16 in flight. Rounds of bare and local alternate (ABBA) so that noise hits
 * both alike; the ratio is the median of per-round local/bare requests-per-second ratios. Target ≥ 0.8×.
 * Loopback only; every loop is bounded by a request count.
 */
import { spawn } from 'node:child_process';
import { Agent, createServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { median } from './timing.js';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1%3A0';
const PATH = `/model/${MODEL}/converse`;
const BODY = JSON.stringify({
  messages: [{ role: 'user', content: [{ text: 'Explain in two sentences what an emulator is for.' }] }],
  inferenceConfig: { maxTokens: 256, temperature: 0 },
});
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const TIME_PER_BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 250);
const IN_FLIGHT = 16;

interface Endpoint {
  port: number;
}

/** One request on a keep-alive agent; resolves with the status once the body has been read. */
function send(endpoint: Endpoint, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: endpoint.port, method: 'POST', path: PATH, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } },
      (response) => {
        response.on('data', () => {});
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(BODY);
  });
}

// ---------------------------------------------------------------------------------------------------------
// The servers (child process)

async function runServers(): Promise<void> {
  // The library as users run it: the build. Imported by a computed path so that typechecking needs no build.
  const BUILD = '../dist/server.js';
  const { startServer } = (await import(BUILD).catch(() => {
    throw new Error('bench: dist/ is missing; run `npm run build` first.');
  })) as typeof import('../src/front-doors/server.js');
  const local = await startServer({ port: 0, env: {} });

  // Capture what local-bedrock answers, to replay it byte for byte from the bare server.
  const canned = await new Promise<{ status: number; headers: OutgoingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: local.port, method: 'POST', path: PATH, headers: { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const headers: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(response.headers)) if (!['date', 'connection', 'keep-alive'].includes(name)) headers[name] = value;
        resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    });
    request.on('error', reject);
    request.end(BODY);
  });
  if (canned.status !== 200) throw new Error(`bench: local-bedrock answered ${canned.status}: ${canned.body.toString()}`);

  const bare = createServer((request, response) => {
    request.on('data', () => {});
    request.on('end', () => {
      response.writeHead(canned.status, canned.headers);
      response.end(canned.body);
    });
  });
  bare.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ local: local.port, bare: (bare.address() as AddressInfo).port, bytes: canned.body.length })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => process.exit(0)); // the parent is done (or gone)
}

// ---------------------------------------------------------------------------------------------------------
// The client (this process)


/** Sends `count` requests with at most `concurrency` in flight; returns requests per second. */
async function batch(endpoint: Endpoint, agent: Agent, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  const lane = async () => {
    while (next < count) {
      next++;
      const status = await send(endpoint, agent);
      if (status !== 200) throw new Error(`bench: status ${status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

interface Row {
  name: string;
  bare: number;
  local: number;
  ratios: number[];
}

async function compare(name: string, bare: Endpoint, local: Endpoint, concurrency: number): Promise<Row> {
  const agents = { bare: new Agent({ keepAlive: true, maxSockets: concurrency }), local: new Agent({ keepAlive: true, maxSockets: concurrency }) };
  // Warm-up, then size batches from the slower side so each takes about TIME_PER_BATCH_MS.
  await batch(bare, agents.bare, 500, concurrency);
  await batch(local, agents.local, 500, concurrency);
  const probe = Math.min(await batch(bare, agents.bare, 300, concurrency), await batch(local, agents.local, 300, concurrency));
  const count = Math.max(100, Math.round((probe * TIME_PER_BATCH_MS) / 1000));
  const bareRates: number[] = [];
  const localRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let b: number, l: number;
    if (round % 2 === 0) {
      b = await batch(bare, agents.bare, count, concurrency);
      l = await batch(local, agents.local, count, concurrency);
    } else {
      l = await batch(local, agents.local, count, concurrency);
      b = await batch(bare, agents.bare, count, concurrency);
    }
    bareRates.push(b);
    localRates.push(l);
    ratios.push(l / b);
  }
  agents.bare.destroy();
  agents.local.destroy();
  process.stderr.write(`  ${name}: ${ROUNDS} rounds × ${count} requests each side\n`);
  return { name, bare: median(bareRates), local: median(localRates), ratios };
}

async function main(): Promise<void> {
  const began = Date.now();
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = await new Promise<{ local: number; bare: number; bytes: number }>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]!));
    });
    child.once('exit', (code) => reject(new Error(`bench: the server process exited (${code})`)));
  });
  try {
    process.stderr.write('benchmarking…\n');
    const bare = { port: ports.bare };
    const local = { port: ports.local };
    const rows = [await compare('sequential', bare, local, 1), await compare(`${IN_FLIGHT} in flight`, bare, local, IN_FLIGHT)];
    const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(9);
    console.log('');
    console.log(`server door vs bare node:http, Converse over HTTP/1.1 keep-alive  (Node ${process.version}, ${ports.bytes}-byte answer, medians of ${ROUNDS} interleaved rounds)`);
    console.log('');
    console.log('mode              bare req/s  local req/s   local/bare   per-round ratios (min–max)');
    for (const row of rows) {
      console.log(`${row.name.padEnd(15)} ${fmt(row.bare)}   ${fmt(row.local)}   ${fmt(median(row.ratios), 2)}×     ${Math.min(...row.ratios).toFixed(2)}–${Math.max(...row.ratios).toFixed(2)}×`);
    }
    console.log('');
    console.log(`target: local/bare ≥ 0.80×   (total run ${((Date.now() - began) / 1000).toFixed(1)} s)`);
  } finally {
    child.stdin.end();
  }
}

if (process.argv.includes('--serve')) {
  runServers().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
