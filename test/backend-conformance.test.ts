import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createLlamaCppBackend } from '../src/backends/llamacpp/llamacpp-backend.js';
import { createOpenAICompatibleBackend } from '../src/backends/openai-compatible/openai-compatible-backend.js';
import type { ScriptedReply } from '../src/backends/scripted/script.js';
import { createOllamaBackend, createScriptedBackend } from '../src/index.js';
import { testBackend, type ConformanceReply } from '../src/testing/backend-conformance.js';
import { startFakeOllama, type ChatScript, type FakeOllama } from './support/fake-ollama-server.js';
import { startFakeOpenAI, type FakeOpenAI, type OpenAIChatScript } from './support/fake-openai-server.js';
import { tinyModelPath, TINY_ANSWER } from './support/gguf/tiny-model.js';
import { join } from 'node:path';

let ollama: FakeOllama;
let openai: FakeOpenAI;

beforeAll(async () => {
  [ollama, openai] = await Promise.all([startFakeOllama({ models: ['llama3.2'] }), startFakeOpenAI({ models: ['gpt-4o-mini', 'text-embedding-3-small'] })]);
});

afterAll(async () => {
  await Promise.all([ollama?.close(), openai?.close()]);
});

/** Bounds a wait on the server; a bound, not a timing assertion. */
async function closedWithin(closed: Promise<boolean> | undefined): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the server never saw the connection close')), 5000)));
  return Promise.race([closed ?? Promise.resolve(false), bound]).finally(() => clearTimeout(timer));
}

testBackend('scripted', ({ replies }) =>
  createScriptedBackend({
    responses: replies.map((reply): ScriptedReply => {
      switch (reply.type) {
        case 'text':
          return { text: reply.text };
        case 'toolUse':
          return { toolUse: { name: reply.name, input: reply.input } };
        case 'endless':
          // Long enough that no reader drains it before the caller aborts.
          return { text: reply.pieces.join('').repeat(2000) };
        case 'missingModel':
          return { error: { name: 'ResourceNotFoundException', message: `The model ${reply.backendModel} is not available.` } };
      }
    }),
  }),
);

function ollamaScript(reply: ConformanceReply): ChatScript[] {
  switch (reply.type) {
    case 'text':
      return reply.maxTokens === undefined
        ? [{ content: reply.pieces, promptEvalCount: 12, evalCount: reply.pieces.length }]
        : [{ content: reply.pieces.slice(0, reply.maxTokens), doneReason: 'length', promptEvalCount: 12, evalCount: reply.maxTokens }];
    case 'toolUse':
      // A forced tool is a schema-constrained answer for Ollama: the JSON arguments come as content.
      return [{ content: [JSON.stringify(reply.input)], promptEvalCount: 12, evalCount: 8 }];
    case 'endless':
      return [{ content: reply.pieces, end: 'hold' }];
    case 'missingModel':
      return [];
  }
}

testBackend(
  'Ollama (fake server)',
  ({ replies }) => {
    ollama.reset();
    ollama.script(...replies.flatMap(ollamaScript));
    return createOllamaBackend({ host: ollama.host, pull: false, env: {} });
  },
  { afterAbort: async () => expect(await closedWithin(ollama.chats.at(-1)?.closedByClient)).toBe(true) },
);

function openaiScript(reply: ConformanceReply): OpenAIChatScript[] {
  switch (reply.type) {
    case 'text':
      // The fake honours max_tokens itself, one piece a token, as a server does.
      return [{ content: reply.pieces }];
    case 'toolUse':
      return [{ toolCalls: [{ name: reply.name, arguments: reply.input }], finishReason: 'stop' }];
    case 'endless':
      return [{ content: reply.pieces, end: 'hold' }];
    case 'missingModel':
      return [];
  }
}

testBackend(
  'OpenAI-compatible (fake server)',
  ({ replies }) => {
    openai.reset();
    openai.script(...replies.flatMap(openaiScript));
    return createOpenAICompatibleBackend({ baseURL: openai.baseURL, model: 'gpt-4o-mini', embeddingModel: 'text-embedding-3-small', env: {} });
  },
  { afterAbort: async () => expect(await closedWithin(openai.chats.at(-1)?.closedByClient)).toBe(true) },
);

/** Whether llama.cpp can run here, decided once: the only reason the llama.cpp cases may skip. */
const llamaCppUnavailable = await import('node-llama-cpp')
  .then(async ({ getLlama }) => (await getLlama({ gpu: false, build: 'never', maxThreads: 1 })).dispose())
  .then(
    () => undefined,
    (error: unknown) => `node-llama-cpp cannot load here: ${error instanceof Error ? error.message : String(error)}`,
  );

describe.skipIf(llamaCppUnavailable !== undefined)(`llama.cpp with scripted tiny models${llamaCppUnavailable ? ` (skipped: ${llamaCppUnavailable})` : ''}`, () => {
  // Holds llama.cpp's binding between cases so each case's fresh backend only loads its small model.
  const keeper = createLlamaCppBackend({ modelPath: tinyModelPath('sentence'), gpu: false, threads: 1, env: {} });
  beforeAll(() => keeper.prepare());
  afterAll(() => keeper.dispose());

  // A tiny model says one thing: the case's replies pick which model answers it.
  testBackend(
    'llama.cpp (tiny GGUF)',
    ({ replies }) => {
      const kinds = new Set(replies.map((reply) => reply.type));
      const modelPath = kinds.has('missingModel')
        ? join(tinyModelPath('sentence'), '..', 'conformance-missing.gguf')
        : tinyModelPath(kinds.has('endless') ? 'endless' : kinds.has('toolUse') ? 'weather' : 'sentence');
      // The default context (4096 here): the tool cases' ChatML function documentation alone is ~1000 tokens.
      return createLlamaCppBackend({ modelPath, gpu: false, threads: 1, env: {} });
    },
    { fixedAnswer: TINY_ANSWER },
  );
});
