import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf, writeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';
import { seededRandom } from '../../../src/core/seeded-random.js';

/**
 * A scripted tiny llama model: real llama.cpp architecture and tokenizer, weights set by hand so that greedy
 * decoding always answers the same pieces of text, then end-of-turn. Piece *i* is embedded on dimension
 * `1 + i`; every other token on dimension 0. Output row of piece 0 reads dimension 0, row of piece `i + 1`
 * reads piece *i*'s dimension, and the end-of-turn row reads the last piece's, so whatever the prompt, the
 * answer is the script. Attention and feed-forward weights are small seeded noise.
 */
export interface TinyModelOptions {
  /** The answer, one vocabulary token per piece (pieces must be unique). Default: `Hello from the tiny llama.` */
  pieces?: readonly string[];
  /** Logit margin per unit of normalized activation; 3 makes even temperature 1 follow the script. */
  confidence?: number;
  /** Embedding width (at least pieces + 1). Default 64. */
  embeddingLength?: number;
  /** Tensor precision. Default `f16` (half the file size). */
  tensorType?: 'f32' | 'f16';
  /** Seed of the noise. */
  seed?: number;
  /** `general.name`. */
  name?: string;
  /** Start the script again after its last piece instead of ending the turn: generation runs until `maxTokens`. */
  loop?: boolean;
  /** Metadata keys to leave out, to write the broken files a loader must reject. */
  omitMetadata?: readonly string[];
}

/** The default script. */
export const TINY_ANSWER_PIECES = ['Hello', ' from', ' the', ' tiny', ' llama', '.'] as const;
/** The default answer as text. */
export const TINY_ANSWER = TINY_ANSWER_PIECES.join('');

/** ChatML, the template node-llama-cpp recognises as `ChatMLChatWrapper`. */
const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** SentencePiece spells spaces as `▁`. */
const spm = (text: string) => text.replace(/ /g, '\u2581');

interface Vocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
  eos: number;
  pieceIds: number[];
}

/**
 * `<unk> <s> </s> <|im_start|> <|im_end|>`, 256 byte tokens (so any UTF-8 round-trips), `▁` and printable
 * ASCII, then every prefix of every piece so SentencePiece's merges reach whole pieces. Texts are unique:
 * llama.cpp aborts the process on duplicate token texts.
 */
function buildVocabulary(pieces: readonly string[]): Vocabulary {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const seen = new Map<string, number>();
  const add = (text: string, type: number, score: number): number => {
    const existing = seen.get(text);
    if (existing !== undefined) return existing;
    seen.set(text, tokens.length);
    tokens.push(text);
    scores.push(score);
    types.push(type);
    return tokens.length - 1;
  };
  add('<unk>', TOKEN_TYPE.unknown, 0);
  add('<s>', TOKEN_TYPE.control, 0);
  add('</s>', TOKEN_TYPE.control, 0);
  add('<|im_start|>', TOKEN_TYPE.control, 0);
  const eos = add('<|im_end|>', TOKEN_TYPE.control, 0);
  for (let byte = 0; byte < 256; byte++) add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, TOKEN_TYPE.byte, 0);
  add('\u2581', TOKEN_TYPE.normal, -1);
  for (let code = 33; code < 127; code++) add(String.fromCharCode(code), TOKEN_TYPE.normal, -1);
  for (const piece of pieces) {
    const text = spm(piece);
    const chars = [...text];
    for (let length = 2; length <= chars.length; length++) add(chars.slice(0, length).join(''), TOKEN_TYPE.normal, length);
  }
  const pieceIds = pieces.map((piece) => seen.get(spm(piece)) ?? add(spm(piece), TOKEN_TYPE.normal, 1));
  return { tokens, scores, types, eos, pieceIds };
}

/**
 * Builds the GGUF bytes of a scripted tiny llama model (about 100–260 KB; 20–50 ms).
 *
 * @example
 * const bytes = buildTinyModel({ pieces: ['{"city": "', 'Paris', '"}'] });
 */
export function buildTinyModel(options: TinyModelOptions = {}): Uint8Array {
  const pieces = options.pieces ?? TINY_ANSWER_PIECES;
  if (new Set(pieces).size !== pieces.length) throw new Error('Tiny model pieces must be unique.');
  const embedding = options.embeddingLength ?? 64;
  if (pieces.length + 1 > embedding) throw new Error(`A tiny model with ${pieces.length} pieces needs embeddingLength > ${pieces.length}.`);
  const confidence = options.confidence ?? 3;
  const tensorType = options.tensorType ?? 'f16';
  const random = seededRandom(options.seed ?? 42);
  const noise = (count: number, scale = 0.02) => Float32Array.from({ length: count }, () => gaussian(random) * scale);
  const ones = (count: number) => new Float32Array(count).fill(1);

  const vocabulary = buildVocabulary(pieces);
  const vocabSize = vocabulary.tokens.length;
  const heads = 4;
  const kvHeads = 2;
  const headDim = embedding / heads;
  const feedForward = embedding * 2;

  const tokenEmbedding = noise(vocabSize * embedding, 0.01);
  const pieceDimension = new Map(vocabulary.pieceIds.map((id, index) => [id, 1 + index]));
  for (let token = 0; token < vocabSize; token++) tokenEmbedding[token * embedding + (pieceDimension.get(token) ?? 0)] = 1;

  const output = noise(vocabSize * embedding);
  const reads = (token: number, dimension: number) => {
    output[token * embedding + dimension] = confidence;
  };
  vocabulary.pieceIds.forEach((id, index) => reads(id, index === 0 ? 0 : index));
  if (options.loop) reads(vocabulary.pieceIds[0]!, pieces.length);
  else reads(vocabulary.eos, pieces.length);

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [embedding, vocabSize], type: tensorType, data: tokenEmbedding },
    { name: 'output_norm.weight', dims: [embedding], type: 'f32', data: ones(embedding) },
    { name: 'output.weight', dims: [embedding, vocabSize], type: tensorType, data: output },
    { name: 'blk.0.attn_norm.weight', dims: [embedding], type: 'f32', data: ones(embedding) },
    { name: 'blk.0.attn_q.weight', dims: [embedding, embedding], type: tensorType, data: noise(embedding * embedding) },
    { name: 'blk.0.attn_k.weight', dims: [embedding, kvHeads * headDim], type: tensorType, data: noise(embedding * kvHeads * headDim) },
    { name: 'blk.0.attn_v.weight', dims: [embedding, kvHeads * headDim], type: tensorType, data: noise(embedding * kvHeads * headDim) },
    { name: 'blk.0.attn_output.weight', dims: [embedding, embedding], type: tensorType, data: noise(embedding * embedding) },
    { name: 'blk.0.ffn_norm.weight', dims: [embedding], type: 'f32', data: ones(embedding) },
    { name: 'blk.0.ffn_gate.weight', dims: [embedding, feedForward], type: tensorType, data: noise(embedding * feedForward) },
    { name: 'blk.0.ffn_up.weight', dims: [embedding, feedForward], type: tensorType, data: noise(embedding * feedForward) },
    { name: 'blk.0.ffn_down.weight', dims: [feedForward, embedding], type: tensorType, data: noise(feedForward * embedding) },
  ];
  const metadata: Record<string, GgufValue> = {
    'general.architecture': gguf.string('llama'),
    'general.name': gguf.string(options.name ?? 'tiny-llama'),
    'general.file_type': gguf.u32(tensorType === 'f32' ? 0 : 1),
    'llama.context_length': gguf.u32(4096),
    'llama.embedding_length': gguf.u32(embedding),
    'llama.block_count': gguf.u32(1),
    'llama.feed_forward_length': gguf.u32(feedForward),
    'llama.attention.head_count': gguf.u32(heads),
    'llama.attention.head_count_kv': gguf.u32(kvHeads),
    'llama.attention.layer_norm_rms_epsilon': gguf.f32(1e-5),
    'llama.rope.dimension_count': gguf.u32(headDim),
    'llama.rope.freq_base': gguf.f32(10000),
    'llama.vocab_size': gguf.u32(vocabSize),
    'tokenizer.ggml.model': gguf.string('llama'),
    'tokenizer.ggml.tokens': gguf.strings(vocabulary.tokens),
    'tokenizer.ggml.scores': gguf.f32s(vocabulary.scores),
    'tokenizer.ggml.token_type': gguf.i32s(vocabulary.types),
    'tokenizer.ggml.bos_token_id': gguf.u32(1),
    'tokenizer.ggml.eos_token_id': gguf.u32(vocabulary.eos),
    'tokenizer.ggml.unknown_token_id': gguf.u32(0),
    'tokenizer.ggml.add_bos_token': gguf.bool(true),
    'tokenizer.ggml.add_eos_token': gguf.bool(false),
    'tokenizer.chat_template': gguf.string(CHATML_TEMPLATE),
  };
  for (const key of options.omitMetadata ?? []) delete metadata[key];
  return writeGguf({ metadata, tensors });
}

/** The scripted variants tests use. */
export const TINY_MODEL_VARIANTS = {
  /** Always answers `Hello from the tiny llama.` */
  sentence: { pieces: TINY_ANSWER_PIECES },
  /** Always answers `{"city": "Paris"}`: the arguments of a `get_weather` tool, or a JSON object. */
  json: { pieces: ['{"', 'city', '": "', 'Paris', '"}'], name: 'tiny-llama-json' },
  /** Always answers `{"city": "Paris", "days": 3, "units": "celsius"}`: a richer tool input, as a JSON-schema grammar lays it out. */
  weather: { pieces: ['{"', 'city', '": "', 'Paris', '", "', 'days', '": ', '3', ', "', 'units": "', 'celsius', '"}'], name: 'tiny-llama-weather' },
  /** Answers a `get_weather` call in the function-call syntax of node-llama-cpp's ChatML template. */
  toolCall: { pieces: ['||call: ', 'get_weather', '(', '{"', 'city', '": "', 'Paris', '"}', ')'], name: 'tiny-llama-tool-call' },
  /** Repeats `Hello from the tiny llama.` until the token limit: for cancellation. */
  endless: { pieces: TINY_ANSWER_PIECES, loop: true, name: 'tiny-llama-endless' },
  /** Samples depend on the seed (low confidence): for temperature and seed tests. */
  loose: { pieces: TINY_ANSWER_PIECES, confidence: 0.3, name: 'tiny-llama-loose' },
} as const satisfies Record<string, TinyModelOptions>;

let runDirectory: string | undefined;

/**
 * Writes a tiny model into this process's temp directory once and returns its path (later calls reuse it).
 *
 * @example
 * const modelPath = tinyModelPath('sentence');
 */
export function tinyModelPath(variant: keyof typeof TINY_MODEL_VARIANTS = 'sentence'): string {
  runDirectory ??= join(tmpdir(), `local-bedrock-gguf-${process.pid}`);
  mkdirSync(runDirectory, { recursive: true });
  const path = join(runDirectory, `tiny-${variant}.gguf`);
  if (!existsSync(path)) {
    // Test workers of one run may share the directory: write aside, then rename, so nobody reads half a file.
    const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
    writeFileSync(partial, buildTinyModel(TINY_MODEL_VARIANTS[variant]));
    renameSync(partial, path);
  }
  return path;
}
