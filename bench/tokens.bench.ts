/**
 * Token counting cost, per tokenizer.
 *
 *   npm run build && npx tsx bench/tokens.bench.ts
 *
 * Every figure is measured in a fresh child process running the build (dist/), so that a tokenizer loaded by
 * one row cannot make another row look fast:
 * - import: ms to import `local-bedrock`, and `local-bedrock` + `local-bedrock/tokens`; and whether any
 *   tokenizer package was loaded by the import (checked through `require.cache` of the CJS build);
 * - first call: ms of the first `countTokens` for a family (loads the vocabulary);
 * - throughput: tokens/s of `countTokens(modelId, { text })` on a 1 MB English document (median of 5).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The build, by a computed path (typechecking must not need a build).
const DIST = process.env.BENCH_DIST ?? fileURLToPath(new URL('../dist/', import.meta.url));
const CORPUS = fileURLToPath(new URL('../src/tokens/fixtures/english.txt', import.meta.url));
if (!existsSync(`${DIST}tokens.js`)) throw new Error('bench: dist/ is missing; run `npm run build` first.');

function child(script: string, type: 'module' | 'commonjs' = 'module'): string {
  return execFileSync(process.execPath, ['--input-type=' + type, '-e', script], { encoding: 'utf8' }).trim();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 7);
const importOnly = (entries: string[]) =>
  `const t = performance.now(); ${entries.map((entry) => `await import(${JSON.stringify(DIST + entry)});`).join(' ')} console.log(performance.now() - t);`;
const core = median(Array.from({ length: RUNS }, () => Number(child(importOnly(['index.js'])))));
const withTokens = median(Array.from({ length: RUNS }, () => Number(child(importOnly(['index.js', 'tokens.js'])))));
const loadedPackages = child(
  `require(${JSON.stringify(DIST + 'index.cjs')}); require(${JSON.stringify(DIST + 'tokens.cjs')});
   console.log(Object.keys(require.cache).filter((p) => /tiktoken|tokenizer-js|@anthropic-ai.tokenizer/.test(p)).length);`,
  'commonjs',
);
console.log(`import local-bedrock:                    ${core.toFixed(1)} ms (median of ${RUNS})`);
console.log(`import local-bedrock + local-bedrock/tokens: ${withTokens.toFixed(1)} ms`);
console.log(`tokenizer modules loaded by those imports: ${loadedPackages}\n`);

const MODELS: Array<[string, string]> = [
  ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude (Claude 2 tokenizer)'],
  ['meta.llama3-8b-instruct-v1:0', 'meta (Llama 3)'],
  ['meta.llama2-13b-chat-v1', 'meta (Llama 2)'],
  ['mistral.mistral-7b-instruct-v0:2', 'mistral (v1)'],
  ['openai.gpt-oss-20b-1:0', 'openai (o200k_base)'],
  ['amazon.nova-pro-v1:0', 'unpublished (cl100k_base)'],
  ['ollama.llama3.2', 'approximate'],
];

console.log('family                        | first call (load) | 1 MB: ms  | tokens     | tokens/s');
for (const [modelId, label] of MODELS) {
  const script = `
    import { readFileSync } from 'node:fs';
    const { countTokens } = await import(${JSON.stringify(DIST + 'tokens.js')});
    const corpus = readFileSync(${JSON.stringify(CORPUS)}, 'utf8');
    let text = ''; while (text.length < 1_000_000) text += corpus + '\\n';
    text = text.slice(0, 1_000_000);
    let t = performance.now();
    await countTokens(${JSON.stringify(modelId)}, { text: 'warm' });
    const first = performance.now() - t;
    const times = []; let tokens = 0;
    for (let i = 0; i < 5; i++) { t = performance.now(); tokens = (await countTokens(${JSON.stringify(modelId)}, { text })).inputTokens; times.push(performance.now() - t); }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ first, ms: times[2], tokens }));`;
  const { first, ms, tokens } = JSON.parse(child(script)) as { first: number; ms: number; tokens: number };
  console.log(
    `${label.padEnd(29)} | ${first.toFixed(0).padStart(14)} ms | ${ms.toFixed(0).padStart(6)} ms | ${String(tokens).padStart(10)} | ${Math.round((tokens / ms) * 1000).toLocaleString('en-US').padStart(10)}`,
  );
}
