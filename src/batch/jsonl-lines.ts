/**
 * Splits a byte stream into JSONL lines without ever holding more than one line and one chunk: batch inputs
 * may be far larger than memory.
 */

/** One non-blank line of a JSONL object, with its 0-based position among the non-blank lines. */
export interface JsonlLine {
  /** The line's text, without its line break (a trailing `\r` is removed too). */
  text: string;
  /** The 0-based index among the object's non-blank lines: a record's position, stable across reads. */
  index: number;
}

/**
 * Yields the non-blank lines of a UTF-8 byte stream in order. Blank lines are not records, so they get no
 * index: counting records and skipping already-processed ones both rely on this numbering.
 *
 * @example
 * for await (const line of jsonlLines(storage.read('s3://in/records.jsonl'))) console.log(line.index, line.text);
 */
export async function* jsonlLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<JsonlLine> {
  const decoder = new TextDecoder();
  let pending = '';
  let index = 0;
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline = pending.indexOf('\n', start);
    while (newline !== -1) {
      const text = trimLine(pending.slice(start, newline));
      if (text.trim() !== '') yield { text, index: index++ };
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  const last = trimLine(pending);
  if (last.trim() !== '') yield { text: last, index };
}

/**
 * Counts the non-blank lines of a byte stream (the records of a JSONL object) in constant memory.
 *
 * @example
 * const total = await countJsonlLines(storage.read('s3://in/records.jsonl'));
 */
export async function countJsonlLines(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let count = 0;
  for await (const _line of jsonlLines(chunks)) count++;
  return count;
}

function trimLine(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
