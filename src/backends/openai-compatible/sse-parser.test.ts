import { describe, expect, it } from 'vitest';
import { parseServerSentEvents, type ServerSentEvent } from './sse-parser.js';

async function parse(chunks: readonly Uint8Array[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseServerSentEvents((async function* () { yield* chunks; })())) events.push(event);
  return events;
}

const encoder = new TextEncoder();
const stream = [
  ': keep-alive',
  'data: {"a":1,',
  'data: "b":"é✓"}',
  '',
  'event: custom',
  'data:{"c":2}',
  '',
  'id: 7',
  '',
  'data: [DONE]',
  '',
  '',
];
const expected = [
  { event: 'message', data: '{"a":1,\n"b":"é✓"}' },
  { event: 'custom', data: '{"c":2}' },
  { event: 'message', data: '[DONE]' },
];

describe('parseServerSentEvents', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    it(`parses comments, multi-line data and named events with ${JSON.stringify(eol)} line endings, split at every byte`, async () => {
      const bytes = encoder.encode(stream.join(eol));
      expect(await parse([bytes])).toEqual(expected);
      // Every split point, including inside "é" and between CR and LF.
      for (let cut = 1; cut < bytes.length; cut++) expect(await parse([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
      expect(await parse([...bytes].map((byte) => new Uint8Array([byte])))).toEqual(expected);
    });
  }

  it('delivers a last event the server did not end with a blank line', async () => {
    expect(await parse([encoder.encode('data: {"x":1}\n\ndata: [DONE]')])).toEqual([
      { event: 'message', data: '{"x":1}' },
      { event: 'message', data: '[DONE]' },
    ]);
  });
});
