import { describe, expect, it } from 'vitest';
import { countJsonlLines, jsonlLines } from './jsonl-lines.js';

async function* chunksOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.slice(offset, offset + size);
}

async function collect(text: string, size: number) {
  const lines = [];
  for await (const line of jsonlLines(chunksOf(text, size))) lines.push(line);
  return lines;
}

describe('jsonlLines', () => {
  it.each([1, 2, 3, 7, 1000])('splits lines across chunks of %i bytes, multi-byte characters included', async (size) => {
    const text = '{"a":"héllo"}\r\n\n  \n{"b":"日本語"}\n{"c":3}';
    expect(await collect(text, size)).toEqual([
      { text: '{"a":"héllo"}', index: 0 },
      { text: '{"b":"日本語"}', index: 1 },
      { text: '{"c":3}', index: 2 },
    ]);
  });

  it('counts records, skipping blank lines and a final newline', async () => {
    expect(await countJsonlLines(chunksOf('{}\n\n{}\n{}\n', 4))).toBe(3);
    expect(await countJsonlLines(chunksOf('', 4))).toBe(0);
  });
});
