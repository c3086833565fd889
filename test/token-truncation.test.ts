import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src/tokens/index.js';
import { FRONT_DOORS, runtimeClient, userText } from './support/clients.js';

const MODELS = ['anthropic.claude-3-haiku-20240307-v1:0', 'meta.llama3-1-8b-instruct-v1:0', 'mistral.mistral-7b-instruct-v0:2', 'openai.gpt-oss-20b-1:0', 'amazon.nova-lite-v1:0'];
/** Text whose characters span several byte-level tokens, where a split piece can hold more than one token. */
const TEXT = 'Grüße aus Köln 🦙🦙 — 東京とソウル, naïve café ✓ '.repeat(3);

describe.each(FRONT_DOORS)('truncation with each family’s tokenizer (%s door)', (door) => {
  it.each(MODELS)('never exceeds maxTokens on %s, and usage counts the kept text', async (modelId) => {
    const tokenizer = await loadTokenizer(modelId);
    for (const maxTokens of [1, 3, 7, 20]) {
      const { client } = runtimeClient(door, { responses: [{ text: TEXT }] });
      const output = await client.send(new ConverseCommand({ modelId, messages: [userText('Say it.')], inferenceConfig: { maxTokens } }));
      const text = output.output!.message!.content?.[0]?.text ?? '';
      expect(output.stopReason).toBe('max_tokens');
      expect(output.usage!.outputTokens).toBeLessThanOrEqual(maxTokens);
      expect(output.usage!.outputTokens).toBe(tokenizer.count(text));
      expect(TEXT.startsWith(text)).toBe(true);
    }
  });
});
