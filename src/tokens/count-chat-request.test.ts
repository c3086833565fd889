import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat/types.js';
import { claudeImageTokens, countChatRequestTokens, TOKENS_PER_MEDIA } from './count-chat-request.js';
import { imageSize } from './image-size.js';
import { loadTokenizer } from './tokenizers.js';

function png(width: number, height: number): Uint8Array {
  return new Uint8Array(PNG.sync.write(new PNG({ width, height })));
}

describe('imageSize', () => {
  it('reads PNG, GIF, JPEG and WebP headers', () => {
    expect(imageSize(png(800, 600))).toEqual({ width: 800, height: 600 });
    const gif = Uint8Array.from([...Buffer.from('GIF89a'), 0x40, 0x01, 0xf0, 0x00, 0, 0, 0]);
    expect(imageSize(gif)).toEqual({ width: 320, height: 240 });
    // SOI, an APP0 segment of length 4, then SOF0: length, precision, height 0x01E0 (480), width 0x0280 (640).
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03]);
    expect(imageSize(jpeg)).toEqual({ width: 640, height: 480 });
    const webp = new Uint8Array(30);
    webp.set(Buffer.from('RIFF'), 0);
    webp.set(Buffer.from('WEBPVP8X'), 8);
    webp.set([0x1f, 0x03, 0x00, 0x57, 0x02, 0x00], 24); // 800 - 1, 600 - 1 (24-bit little-endian)
    expect(imageSize(webp)).toEqual({ width: 800, height: 600 });
    expect(imageSize(Uint8Array.from([1, 2, 3]))).toBeUndefined();
  });
});

describe('claudeImageTokens (Anthropic: ⌈w×h/750⌉, long edge ≤ 1568 px, ≤ 1600 tokens)', () => {
  it('matches the published examples', () => {
    // Anthropic's vision docs: 200×200 ≈ 54 tokens, 1000×1000 ≈ 1334, 1092×1092 ≈ 1590.
    expect(claudeImageTokens(200, 200)).toBe(54);
    expect(claudeImageTokens(1000, 1000)).toBe(1334);
    expect(claudeImageTokens(1092, 1092)).toBe(1590);
    expect(claudeImageTokens(4000, 3000)).toBe(1600);
  });
});

function request(modelId: string, patch: Partial<ChatRequest> = {}): ChatRequest {
  return { modelId, backendModel: 'x', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello world!' }] }], tools: [], stopSequences: [], ...patch };
}

describe('countChatRequestTokens', () => {
  it('adds the Llama 3 template: 5 per request + 5 per message', async () => {
    const tokenizer = await loadTokenizer('meta.llama3-8b-instruct-v1:0');
    expect(countChatRequestTokens(request('meta.llama3-8b-instruct-v1:0'), tokenizer)).toBe(5 + 5 + 3);
    expect(countChatRequestTokens(request('meta.llama3-8b-instruct-v1:0', { system: ['Be brief.'] }), tokenizer)).toBe(5 + 5 + 3 + 5 + tokenizer.count('Be brief.'));
  });

  it('adds the harmony template for gpt-oss: 2 per request + 4 per message', async () => {
    const tokenizer = await loadTokenizer('openai.gpt-oss-20b-1:0');
    expect(countChatRequestTokens(request('openai.gpt-oss-20b-1:0'), tokenizer)).toBe(2 + 4 + tokenizer.count('Hello world!'));
  });

  it('counts tool specs as JSON, plus the Claude tool-use preamble', async () => {
    const modelId = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
    const tokenizer = await loadTokenizer(modelId);
    const tool = { name: 'weather', description: 'Weather of a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } };
    const base = countChatRequestTokens(request(modelId), tokenizer);
    expect(countChatRequestTokens(request(modelId, { tools: [tool] }), tokenizer)).toBe(base + tokenizer.count(JSON.stringify(tool)) + 4 + 346);
    expect(countChatRequestTokens(request(modelId, { tools: [tool], toolChoice: { type: 'any' } }), tokenizer)).toBe(base + tokenizer.count(JSON.stringify(tool)) + 4 + 313);
  });

  it('prices Claude images by size and other families by a fixed cost; counts tool results and documents', async () => {
    const claude = 'anthropic.claude-3-haiku-20240307-v1:0';
    const image = { type: 'image' as const, format: 'png', data: png(1000, 1000) };
    const withImage = (modelId: string) => request(modelId, { messages: [{ role: 'user', content: [image] }] });
    expect(countChatRequestTokens(withImage(claude), await loadTokenizer(claude))).toBe(4 + 1334);
    expect(countChatRequestTokens(request(claude, { messages: [{ role: 'user', content: [{ type: 'image', format: 'png', uri: 's3://b/k' }] }] }), await loadTokenizer(claude))).toBe(4 + 1600);
    const nova = 'amazon.nova-pro-v1:0';
    const novaTokenizer = await loadTokenizer(nova);
    expect(countChatRequestTokens(withImage(nova), novaTokenizer)).toBe(4 + TOKENS_PER_MEDIA);
    const toolResult = request(nova, {
      messages: [{ role: 'user', content: [{ type: 'toolResult', toolUseId: 't1', content: [{ type: 'json', value: { temperature: 21 } }, { type: 'text', text: 'sunny' }] }, { type: 'document', format: 'txt', name: 'd', text: 'Some notes.' }] }],
    });
    expect(countChatRequestTokens(toolResult, novaTokenizer)).toBe(4 + novaTokenizer.count('{"temperature":21}') + novaTokenizer.count('sunny') + novaTokenizer.count('Some notes.'));
  });
});
