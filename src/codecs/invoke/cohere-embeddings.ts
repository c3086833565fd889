import { randomUUID } from 'node:crypto';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { countTextTokens, splitIntoTokens } from '../../tokens/approximate.js';
import { normalizeVector, quantizeBinary, quantizeInt8, quantizeUbinary, quantizeUint8, resizeVector, toWireFloats } from './embedding-vectors.js';
import { checkEnum, checkKeys, checkList, checkNumber, checkString, malformedInput } from './native-body-errors.js';
import type { InvokeEmbeddingCodec } from './types.js';

/**
 * Cohere Embed v3 (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`) and v4 (`cohere.embed-v4:0`):
 * `{texts | images, input_type, truncate, embedding_types}` (v4 also `output_dimension`, `max_tokens`) →
 * `{id, texts, embeddings, response_type}`. Floats are unit length. The body carries no token counts: the
 * `X-Amzn-Bedrock-Input-Token-Count` header does.
 */

interface CohereVariant {
  /** Allowed `output_dimension` values (v4), or the one fixed dimension (v3). */
  dimensions: readonly number[];
  defaultDimension: number;
  /** The longest text in tokens; longer texts are cut as `truncate` says. */
  maxTokens: number;
  maxImages: number;
  /** v3 embeds images only with `input_type: "image"`; v4 takes them with any input type. */
  imagesNeedImageInputType: boolean;
  extraKeys: readonly string[];
}

const V3: CohereVariant = { dimensions: [1024], defaultDimension: 1024, maxTokens: 512, maxImages: 1, imagesNeedImageInputType: true, extraKeys: [] };
const V4: CohereVariant = {
  dimensions: [256, 512, 1024, 1536],
  defaultDimension: 1536,
  maxTokens: 128_000,
  maxImages: 96,
  imagesNeedImageInputType: false,
  extraKeys: ['output_dimension', 'max_tokens'],
};

const MAX_TEXTS = 96;
const INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering', 'image'];
const TRUNCATE_MODES = ['NONE', 'START', 'END'];
const EMBEDDING_TYPES = ['float', 'int8', 'uint8', 'binary', 'ubinary'];
const DATA_URI = /^data:image\/(png|jpeg|jpg|webp|gif);base64,/;

/** Each embedding type's encoding of a unit vector. */
const ENCODERS: Record<string, (vector: readonly number[]) => number[]> = {
  float: toWireFloats,
  int8: quantizeInt8,
  uint8: quantizeUint8,
  binary: quantizeBinary,
  ubinary: quantizeUbinary,
};

function variantOf(model: ResolvedModel): CohereVariant {
  return /^cohere\.embed-v4/.test(model.baseModelId) ? V4 : V3;
}

/** Cuts a text to `maxTokens` tokens, keeping its end (`START`) or its start (`END`); `NONE` refuses. */
function truncate(text: string, maxTokens: number, mode: string): string {
  if (countTextTokens(text) <= maxTokens) return text;
  if (mode === 'NONE') {
    throw validationError(`Malformed input request: a text is longer than the model's maximum of ${maxTokens} tokens and truncate is NONE, please reformat your input and try again.`);
  }
  const tokens = splitIntoTokens(text);
  return (mode === 'START' ? tokens.slice(-maxTokens) : tokens.slice(0, maxTokens)).join('');
}

function checkBody(body: Record<string, unknown>, variant: CohereVariant): void {
  const violations = [
    ...checkKeys(body, ['input_type'], ['texts', 'images', 'truncate', 'embedding_types', ...variant.extraKeys]),
    checkEnum(body.input_type, '#/input_type', INPUT_TYPES),
    ...checkList(body.texts, '#/texts', (item, path) => checkString(item, path), 1, MAX_TEXTS),
    ...checkList(body.images, '#/images', (item, path) => checkString(item, path), 1, variant.maxImages),
    checkEnum(body.truncate, '#/truncate', TRUNCATE_MODES),
    ...checkList(body.embedding_types, '#/embedding_types', (item, path) => checkEnum(item, path, EMBEDDING_TYPES)),
    // v3 reports these keys as extraneous above, so they are checked only where they exist.
    ...(variant.extraKeys.length > 0
      ? [checkEnum(body.output_dimension, '#/output_dimension', variant.dimensions), checkNumber(body.max_tokens, '#/max_tokens', 1, variant.maxTokens, true)]
      : []),
  ].filter((violation): violation is string => violation !== undefined);
  if (violations.length > 0) throw malformedInput(violations);
  if (body.texts === undefined && body.images === undefined) throw malformedInput(['#: required key [texts] not found']);
  if (body.texts !== undefined && body.images !== undefined) {
    throw validationError('Malformed input request: texts and images cannot both be given; embed them in separate requests, please reformat your input and try again.');
  }
  if (variant.imagesNeedImageInputType && (body.images !== undefined) !== (body.input_type === 'image')) {
    throw validationError('Malformed input request: input_type must be "image" when, and only when, images are given, please reformat your input and try again.');
  }
  const badImage = ((body.images as string[] | undefined) ?? []).findIndex((image) => !DATA_URI.test(image));
  if (badImage >= 0) {
    throw validationError(`Malformed input request: #/images/${badImage}: expected a data URI such as data:image/png;base64,…, please reformat your input and try again.`);
  }
}

/** Cohere Embed v3 and v4. */
export const cohereEmbeddingsCodec: InvokeEmbeddingCodec = {
  name: 'cohere-embeddings',
  async invoke(body, model, embed) {
    const variant = variantOf(model);
    checkBody(body, variant);
    const texts = (body.texts as string[] | undefined) ?? [];
    const maxTokens = Math.min((body.max_tokens as number | undefined) ?? variant.maxTokens, variant.maxTokens);
    const mode = (body.truncate as string | undefined) ?? 'END';
    const images = ((body.images as string[] | undefined) ?? []).map((uri) => new Uint8Array(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64')));
    const result = await embed({ texts: texts.map((text) => truncate(text, maxTokens, mode)), images, purpose: body.input_type as string });
    const dimension = (body.output_dimension as number | undefined) ?? variant.defaultDimension;
    const vectors = Array.from({ length: texts.length + images.length }, (_, index) => normalizeVector(resizeVector(result.embeddings[index] ?? [], dimension)));
    const types = body.embedding_types as string[] | undefined;
    const embeddings = types
      ? Object.fromEntries(EMBEDDING_TYPES.filter((type) => types.includes(type)).map((type) => [type, vectors.map(ENCODERS[type]!)]))
      : vectors.map(toWireFloats);
    return {
      body: { id: randomUUID(), texts, embeddings, response_type: types ? 'embeddings_by_type' : 'embeddings_floats' },
      inputTokens: result.inputTokens,
    };
  },
};
