/**
 * Server-sent events, as the WHATWG HTML standard defines them: lines end in CRLF, LF or CR; a line
 * starting with `:` is a comment (servers send them as keep-alives); `data:` lines of one event are joined
 * with `\n`; a blank line ends the event. Bytes may be split anywhere, even inside a UTF-8 character or
 * between the CR and LF of one line ending, so nothing is decided until the next chunk has arrived.
 */

/** One dispatched event: its `event:` name (`message` by default) and its joined `data:` lines. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Parses a byte stream of server-sent events. Events without any `data:` line are skipped, as browsers do.
 * An event the server did not end with a blank line before closing is still delivered: some servers omit
 * the final blank line, and dropping the last chunk of an answer would lose its usage.
 *
 * @example
 * for await (const event of parseServerSentEvents(response.body!)) {
 *   if (event.data === '[DONE]') break;
 *   console.log(JSON.parse(event.data));
 * }
 */
export async function* parseServerSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';

  function* takeLine(line: string): Generator<ServerSentEvent> {
    if (line === '') {
      if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
      data = [];
      event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }

  function* drain(final: boolean): Generator<ServerSentEvent> {
    let start = 0;
    for (let index = 0; index < buffer.length; index++) {
      const char = buffer[index];
      if (char !== '\n' && char !== '\r') continue;
      // A CR at the very end may be the first half of a CRLF still in flight.
      if (char === '\r' && index === buffer.length - 1 && !final) break;
      yield* takeLine(buffer.slice(start, index));
      if (char === '\r' && buffer[index + 1] === '\n') index++;
      start = index + 1;
    }
    buffer = buffer.slice(start);
  }

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* drain(false);
  }
  buffer += decoder.decode();
  yield* drain(true);
  if (buffer !== '') yield* takeLine(buffer);
  buffer = '';
  yield* takeLine('');
}
