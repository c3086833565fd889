/**
 * Turning a tokenizer's token ids back into text pieces that join to the input. Byte-level tokenizers
 * (BPE over UTF-8 bytes, SentencePiece with byte fallback) can cut one character across several tokens; a
 * piece must be a valid string, so the tokens of such a character are merged into one piece (the piece
 * that completes the character). `split(text).length` therefore equals `count(text)` except where a
 * character spans tokens, where it is smaller by the number of extra tokens of that character, and where a
 * SentencePiece tokenizer emits its dummy-prefix space as a token of its own (merged into the next piece).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Splits `text` at the token boundaries of `ids` that fall between characters. `tokenBytes(id)` gives the
 * UTF-8 bytes a token stands for; their concatenation must be `prefix + text` (SentencePiece adds a space
 * before the text). Returns `undefined` if the tokens do not spell the text (the caller falls back).
 */
export function splitAtTokenBoundaries(text: string, ids: readonly number[], tokenBytes: (id: number) => Uint8Array, prefix = ''): string[] | undefined {
  const bytes = encoder.encode(prefix + text);
  const pieces: string[] = [];
  let start = 0;
  let end = 0;
  for (const id of ids) {
    const token = tokenBytes(id);
    for (let index = 0; index < token.length; index++) if (bytes[end + index] !== token[index]) return undefined;
    end += token.length;
    if (end > bytes.length) return undefined;
    // A boundary between characters: the next byte is not a UTF-8 continuation byte.
    if (end === bytes.length || (bytes[end]! & 0xc0) !== 0x80) {
      pieces.push(decoder.decode(bytes.subarray(start, end)));
      start = end;
    }
  }
  if (end !== bytes.length) return undefined;
  if (prefix !== '' && pieces.length > 0) {
    if (!pieces[0]!.startsWith(prefix)) return undefined;
    pieces[0] = pieces[0]!.slice(prefix.length);
    if (pieces[0] === '') pieces.shift();
  }
  return pieces;
}

/** The inverse of GPT-2's `bytes_to_unicode`: byte-level BPE vocabularies spell byte `b` as one character. */
let byteLevelDecoder: Map<string, number> | undefined;

/** The UTF-8 bytes of a byte-level BPE vocabulary entry (GPT-2 / Llama 3 style). */
export function byteLevelBytes(entry: string): Uint8Array {
  if (!byteLevelDecoder) {
    byteLevelDecoder = new Map();
    const printable: number[] = [];
    for (let b = 33; b <= 126; b++) printable.push(b);
    for (let b = 161; b <= 172; b++) printable.push(b);
    for (let b = 174; b <= 255; b++) printable.push(b);
    const set = new Set(printable);
    let extra = 0;
    for (let b = 0; b < 256; b++) {
      if (set.has(b)) byteLevelDecoder.set(String.fromCodePoint(b), b);
      else byteLevelDecoder.set(String.fromCodePoint(256 + extra++), b);
    }
  }
  const out = new Uint8Array(entry.length);
  let length = 0;
  for (const char of entry) {
    const byte = byteLevelDecoder.get(char);
    if (byte === undefined) return encoder.encode(entry); // a special token, spelled literally
    out[length++] = byte;
  }
  return out.subarray(0, length);
}

const BYTE_FALLBACK = /^<0x([0-9A-Fa-f]{2})>$/;

/** The UTF-8 bytes of a SentencePiece vocabulary entry (`▁` is a space, `<0xNN>` a raw byte). */
export function sentencePieceBytes(entry: string): Uint8Array {
  const byte = BYTE_FALLBACK.exec(entry);
  if (byte) return Uint8Array.of(Number.parseInt(byte[1]!, 16));
  return encoder.encode(entry.replaceAll('\u2581', ' '));
}

/** UTF-8 of a string (for special tokens spelled literally). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
