/**
 * What local-bedrock adds on top of llama.cpp itself, for a real in-process model.
 *
 *   npx tsx bench/llamacpp.bench.ts                       (the scripted tiny model, generated on the fly)
 *   LOCAL_BEDROCK_LLAMACPP_MODEL=/path/model.gguf npx tsx bench/llamacpp.bench.ts
 *
 * DIRECT: node-llama-cpp's `LlamaChat` on a context sequence of its own, with the same chat history, the
 * same token limit and the same one-thread setting, streaming text chunks.
 * BACKEND: the llamacpp backend's own `chatStream` on the same model file, read to the end (no SDK).
 * LOCAL: a `BedrockRuntimeClient` with `localBedrock()` (the middleware door) and that backend, sending
 * ConverseStream and reading every event.
 *
 * backend/direct is the backend's own cost (target: under 5 %). local/direct adds the SDK's per-event cost
 * (serializing, framing and unmarshalling each delta, ~0.1 ms per event on a busy 2-core machine): against
 * the tiny model's ~0.7 ms per token that is a visible fraction; against a real model's 10–100 ms per token
 * it is noise.
 *
 * Both sides clear their sequence before each request (the backend does so to count input tokens), so both
 * evaluate the whole prompt and generate the same number of tokens. Rounds alternate (ABBA) so other load on
 * the machine hits both alike; figures are medians. Reported: output tokens/s, time to the first text
 * event, and both ratios. It only prints; it never fails.
 */
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { getLlama, LlamaChat, LlamaLogLevel } from 'node-llama-cpp';
import { createLlamaCppBackend } from '../src/backends/llamacpp/llamacpp-backend.js';
import { localBedrock } from '../src/index.js';
import { tinyModelPath } from '../test/support/gguf/tiny-model.js';
import { median } from './timing.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const MODEL = process.env.LOCAL_BEDROCK_LLAMACPP_MODEL ?? tinyModelPath('endless');
const MAX_TOKENS = Number(process.env.BENCH_MAX_TOKENS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const THREADS = Number(process.env.LOCAL_BEDROCK_LLAMACPP_THREADS ?? 1);
const CONTEXT_SIZE = 2048;
const PROMPT = 'Tell me a long story.';

interface Sample {
  ms: number;
  firstMs: number;
  tokens: number;
}

const backend = createLlamaCppBackend({ modelPath: MODEL, gpu: false, threads: THREADS, contextSize: CONTEXT_SIZE, sequences: 1, env: {} });
await backend.prepare();
const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
client.middlewareStack.use(localBedrock({ backend }));

const llama = await getLlama({ gpu: false, build: 'never', maxThreads: THREADS, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath: MODEL });
const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads: THREADS });
const sequence = context.getSequence();
const chat = new LlamaChat({ contextSequence: sequence });

async function direct(): Promise<Sample> {
  await sequence.clearHistory();
  const before = sequence.tokenMeter.getState().usedOutputTokens;
  const start = performance.now();
  let firstMs = 0;
  await chat.generateResponse([{ type: 'user', text: PROMPT }, { type: 'model', response: [] }], {
    maxTokens: MAX_TOKENS,
    onTextChunk: (text) => {
      if (!firstMs && text) firstMs = performance.now() - start;
    },
  });
  return { ms: performance.now() - start, firstMs, tokens: sequence.tokenMeter.getState().usedOutputTokens - before };
}

async function backendOnly(): Promise<Sample> {
  const start = performance.now();
  let firstMs = 0;
  let tokens = 0;
  const request = { modelId: 'bench', backendModel: 'bench', system: [], messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: PROMPT }] }], tools: [], stopSequences: [], maxTokens: MAX_TOKENS };
  for await (const event of await backend.chatStream(request)) {
    if (!firstMs && event.type === 'textDelta') firstMs = performance.now() - start;
    if (event.type === 'finish') tokens = event.usage.outputTokens;
  }
  return { ms: performance.now() - start, firstMs, tokens };
}

async function local(): Promise<Sample> {
  const start = performance.now();
  let firstMs = 0;
  let tokens = 0;
  const response = await client.send(new ConverseStreamCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: PROMPT }] }], inferenceConfig: { maxTokens: MAX_TOKENS } }));
  for await (const event of response.stream ?? []) {
    if (!firstMs && event.contentBlockDelta?.delta?.text) firstMs = performance.now() - start;
    if (event.metadata?.usage) tokens = event.metadata.usage.outputTokens ?? 0;
  }
  return { ms: performance.now() - start, firstMs, tokens };
}

const description = await backend.describe();
console.log(`llama.cpp: gpu=${String(description.gpu)} build=${description.buildType} threads=${description.threads} context=${description.contextSize} template=${description.chatTemplate ?? '?'}`);
console.log(`model: ${MODEL}  (max ${MAX_TOKENS} output tokens, ${ROUNDS} rounds, ABBA)`);

await direct();
await backendOnly();
await local();
const directSamples: Sample[] = [];
const backendSamples: Sample[] = [];
const localSamples: Sample[] = [];
const backendRatios: number[] = [];
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // ABBA: the order flips every round so drifting load hits every side alike.
  const order = round % 2 === 0 ? [direct, backendOnly, local] : [local, backendOnly, direct];
  const results = new Map<() => Promise<Sample>, Sample>();
  for (const run of order) results.set(run, await run());
  const d = results.get(direct)!;
  directSamples.push(d);
  backendSamples.push(results.get(backendOnly)!);
  localSamples.push(results.get(local)!);
  backendRatios.push(results.get(backendOnly)!.ms / d.ms);
  ratios.push(results.get(local)!.ms / d.ms);
}

function row(name: string, samples: Sample[]): string {
  const ms = median(samples.map((sample) => sample.ms));
  const tokens = median(samples.map((sample) => sample.tokens));
  const first = median(samples.map((sample) => sample.firstMs));
  return `${name.padEnd(28)} ${ms.toFixed(1).padStart(9)} ms  ${String(tokens).padStart(5)} tok  ${((tokens / ms) * 1000).toFixed(0).padStart(6)} tok/s  first text ${first.toFixed(1).padStart(7)} ms`;
}

console.log(row('direct (node-llama-cpp)', directSamples));
console.log(row('backend.chatStream', backendSamples));
console.log(row('ConverseStream (middleware)', localSamples));
const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
const backendRatio = median(backendRatios);
const ratio = median(ratios);
console.log(`backend/direct: ${backendRatio.toFixed(3)}× time (${((backendRatio - 1) * 100).toFixed(1)} % overhead; target < 5 %), per-round spread ${spread(backendRatios)}`);
console.log(`local/direct:   ${ratio.toFixed(3)}× time (${((ratio - 1) * 100).toFixed(1)} % overhead, including the SDK's per-event cost), per-round spread ${spread(ratios)}`);

chat.dispose();
await context.dispose();
await model.dispose();
await llama.dispose();
await backend.dispose();
