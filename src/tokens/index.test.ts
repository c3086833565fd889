import { describe, expect, it } from 'vitest';
import { countTokens, detokenize, tokenize } from './index.js';

describe('local-bedrock/tokens', () => {
  it('counts plain text with the family tokenizer', async () => {
    await expect(countTokens('openai.gpt-oss-20b-1:0', { text: 'hello world' })).resolves.toEqual({ inputTokens: 2, tokenizer: 'o200k_base', exact: true });
    await expect(countTokens('us.amazon.nova-pro-v1:0', { text: 'hello world' })).resolves.toEqual({ inputTokens: 2, tokenizer: 'cl100k_base', exact: false });
  });

  it('counts a Converse request and the same request as an InvokeModel body alike', async () => {
    const modelId = 'meta.llama3-8b-instruct-v1:0';
    const converse = await countTokens(modelId, { converse: { messages: [{ role: 'user', content: [{ text: 'Hello world!' }] }] } });
    expect(converse).toEqual({ inputTokens: 5 + 5 + 3, tokenizer: 'llama3', exact: true });
    const claude = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'user', content: 'Hello world!' }] };
    const viaConverse = await countTokens('anthropic.claude-3-haiku-20240307-v1:0', { converse: { messages: [{ role: 'user', content: [{ text: 'Hello world!' }] }] } });
    for (const body of [claude, JSON.stringify(claude), new TextEncoder().encode(JSON.stringify(claude))]) {
      await expect(countTokens('anthropic.claude-3-haiku-20240307-v1:0', { invokeModel: { body } })).resolves.toEqual(viaConverse);
    }
  });

  it('accepts SDK-shaped image bytes', async () => {
    const result = await countTokens('anthropic.claude-3-haiku-20240307-v1:0', {
      converse: { messages: [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: new Uint8Array([1, 2, 3]) } } }] }] },
    });
    expect(result.inputTokens).toBe(4 + 1600);
  });

  it('rejects malformed bodies and unknown models', async () => {
    await expect(countTokens('anthropic.claude-3-haiku-20240307-v1:0', { invokeModel: { body: '{nope' } })).rejects.toThrow(/Malformed input request/);
    await expect(countTokens('not a model!', { text: 'x' })).rejects.toThrow();
  });

  it('tokenizes and detokenizes where the tokenizer is public, and says so where not', async () => {
    await expect(tokenize('meta.llama3-8b-instruct-v1:0', 'Hello world!')).resolves.toEqual([9906, 1917, 0]);
    await expect(detokenize('meta.llama3-8b-instruct-v1:0', [9906, 1917, 0])).resolves.toBe('Hello world!');
    await expect(tokenize('amazon.nova-pro-v1:0', 'x')).rejects.toThrow(/not public/);
    await expect(tokenize('anthropic.claude-3-haiku-20240307-v1:0', 'x')).rejects.toThrow(/not public/);
  });
});
