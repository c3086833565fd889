/**
 * The msw door's per-call time against the middleware door's, for the same Converse call.
 *
 *   npm run build && npx tsx bench/msw.bench.ts      (measures dist/, as users run it; ~20 s)
 *
 * MIDDLEWARE: a BedrockRuntimeClient with `localBedrock()` — the SDK serializes, signs and deserializes.
 * MSW:        a plain `fetch` of the same Converse request to AWS's hostname, answered by `bedrockHandlers()`
 *             under `setupServer()` (msw's interception, request/response cloning and handler lookup included).
 * FETCH:      the same fetch answered by `createFetchHandler()` directly: msw's own share is MSW − FETCH.
 *
 * All three answer from the default scripted backend. Rounds are interleaved (rotating who goes first) so that
 * noise on a busy machine hits every side alike; per-call times are medians over rounds, and each ratio is the
 * median of the per-round ratios.
 */
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { setupServer } from 'msw/node';
import { median, batch, type Call } from './timing.js';

// The library as users run it: the build, not the TypeScript sources. Imported by computed paths so that
// typechecking does not need a build.
const BUILD = '../dist/index.js';
const MSW_BUILD = '../dist/msw.js';
const missingBuild = () => {
  throw new Error('bench: dist/ is missing; run `npm run build` first.');
};
const { localBedrock } = (await import(BUILD).catch(missingBuild)) as typeof import('../src/index.js');
const { bedrockHandlers, createFetchHandler } = (await import(MSW_BUILD).catch(missingBuild)) as typeof import('../src/front-doors/msw.js');

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const REGION = 'us-east-1';
const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';
const MESSAGES = [{ role: 'user' as const, content: [{ text: 'Explain in two sentences what an emulator is for.' }] }];
const INFERENCE = { maxTokens: 256, temperature: 0 };
const URL_ = `https://bedrock-runtime.${REGION}.amazonaws.com/model/${encodeURIComponent(MODEL_ID)}/converse`;
const BODY = JSON.stringify({ messages: MESSAGES, inferenceConfig: INFERENCE });

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const TIME_PER_BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 150);


function middlewareCall(): Call {
  const client = new BedrockRuntimeClient({ region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  client.middlewareStack.use(localBedrock());
  return async () => {
    const output = await client.send(new ConverseCommand({ modelId: MODEL_ID, messages: MESSAGES, inferenceConfig: INFERENCE }));
    return output.output!.message!.content![0]!.text!;
  };
}

/** A fetch-based client's Converse call: POST the JSON, parse the JSON answer. */
function fetchCall(fetchImpl: (url: string, init: RequestInit) => Promise<Response>): Call {
  return async () => {
    const response = await fetchImpl(URL_, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: BODY });
    const body = (await response.json()) as { output: { message: { content: Array<{ text: string }> } } };
    return body.output.message.content[0]!.text;
  };
}



async function main(): Promise<void> {
  const began = Date.now();
  const server = setupServer(...bedrockHandlers());
  server.listen({ onUnhandledRequest: 'error' });
  const sides: Array<{ name: string; call: Call }> = [
    { name: 'middleware door (SDK + localBedrock())', call: middlewareCall() },
    { name: 'msw door (fetch + bedrockHandlers())', call: fetchCall((url, init) => fetch(url, init)) },
    { name: 'fetch handler (createFetchHandler(), no msw)', call: fetchCall(createFetchHandler()) },
  ];

  const answers = await Promise.all(sides.map((side) => side.call()));
  if (new Set(answers).size !== 1) throw new Error(`the doors answered differently: ${JSON.stringify(answers)}`);

  process.stderr.write('warming up…\n');
  const warmup = Date.now() + 2000;
  while (Date.now() < warmup) for (const side of sides) await side.call();
  // Each side gets the iterations that take about TIME_PER_BATCH_MS, so a round is fair to the slower ones.
  const iterations: number[] = [];
  for (const side of sides) {
    const probes: number[] = [];
    for (let i = 0; i < 5; i++) probes.push(await batch(side.call, 30));
    iterations.push(Math.max(20, Math.round((TIME_PER_BATCH_MS * 1000) / median(probes))));
  }

  process.stderr.write('benchmarking…\n');
  const times: number[][] = sides.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let turn = 0; turn < sides.length; turn++) {
      const index = (round + turn) % sides.length; // rotate who goes first
      times[index]!.push(await batch(sides[index]!.call, iterations[index]!));
    }
  }
  server.close();

  const baseline = times[0]!;
  const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
  console.log('');
  console.log(`Converse per call, msw door vs middleware door  (Node ${process.version}, medians of ${ROUNDS} interleaved rounds)`);
  console.log('');
  console.log('side                                             µs/call   ÷ middleware   per-round ratios (min–max)');
  sides.forEach((side, index) => {
    const ratios = times[index]!.map((time, round) => time / baseline[round]!);
    console.log(
      `${side.name.padEnd(46)} ${fmt(median(times[index]!))}   ${fmt(median(ratios), 2)}×      ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`,
    );
  });
  console.log('');
  console.log(`msw's own share: ${(median(times[1]!) - median(times[2]!)).toFixed(1)} µs per call   (total run ${((Date.now() - began) / 1000).toFixed(1)} s)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
