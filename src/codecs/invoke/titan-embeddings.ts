import type { EmbeddingResponse } from '../../backends/types.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { countTextTokens } from '../../tokens/approximate.js';
import { asObject, fromBase64 } from '../json-values.js';
import { normalizeVector, resizeVector, titanBinary, toWireFloats } from './embedding-vectors.js';
import { checkEnum, checkKeys, checkList, checkString, jsonType, throwIfAny } from './native-body-errors.js';
import type { EmbedFunction, InvokeEmbeddingCodec } from './types.js';

/**
 * Amazon Titan embeddings, one variant per model (chosen from the base model id):
 * - Text v1 (`amazon.titan-embed-text-v1`): `{inputText}` → `{embedding: 1536 floats, inputTextTokenCount}`.
 * - Text v2 (`amazon.titan-embed-text-v2:0`): `{inputText, dimensions, normalize, embeddingTypes}` →
 *   `{embedding, inputTextTokenCount, embeddingsByType?}`.
 * - Multimodal (`amazon.titan-embed-image-v1`): `{inputText?, inputImage?, embeddingConfig}` →
 *   `{embedding, inputTextTokenCount}`; text and image together give one joint vector.
 */

type TitanVariant = 'text-v1' | 'text-v2' | 'multimodal';

const V1_DIMENSION = 1536;
const V2_DIMENSIONS = [256, 512, 1024];
const MULTIMODAL_DIMENSIONS = [256, 384, 1024];
const DEFAULT_DIMENSION = 1024;
const V2_EMBEDDING_TYPES = ['float', 'binary'];
/** Titan text embeddings take up to 8,192 tokens (v2 also at most 50,000 characters). */
const MAX_INPUT_TOKENS = 8192;
const V2_MAX_CHARACTERS = 50_000;

function variantOf(model: ResolvedModel): TitanVariant {
  if (model.family === 'amazon-nova') {
    // Nova Multimodal Embeddings has its own body format (taskType, singleEmbeddingParams), not emulated yet.
    throw validationError(`InvokeModel with ${model.baseModelId} is not supported by local-bedrock yet.`);
  }
  if (/^amazon\.titan-embed-image/.test(model.baseModelId)) return 'multimodal';
  // `amazon.titan-embed-g1-text-02` is the older name of the v1 model.
  if (/^amazon\.titan-embed-(text-v1|g1-text)/.test(model.baseModelId)) return 'text-v1';
  return 'text-v2';
}

/** Titan counts tokens before embedding and refuses texts over its context. */
function checkTokenLimit(text: string): void {
  const tokens = countTextTokens(text);
  if (tokens > MAX_INPUT_TOKENS) {
    throw validationError(`400 Bad Request: Too many input tokens. Max input tokens: ${MAX_INPUT_TOKENS}, request input token count: ${tokens}`);
  }
}

/** The backend's one vector for the one input, at `dimension`, optionally unit length. */
function shape(vector: readonly number[] | undefined, dimension: number, normalize: boolean): number[] {
  const resized = resizeVector(vector ?? [], dimension);
  return normalize ? normalizeVector(resized) : resized;
}

function responseOf(embedding: readonly number[], result: EmbeddingResponse, extra: Record<string, unknown> = {}) {
  return { body: { embedding: toWireFloats(embedding), inputTextTokenCount: result.inputTokens, ...extra }, inputTokens: result.inputTokens };
}

async function invokeTextV1(body: Record<string, unknown>, embed: EmbedFunction) {
  throwIfAny([...checkKeys(body, ['inputText'], []), checkString(body.inputText, '#/inputText', 1)]);
  const text = body.inputText as string;
  checkTokenLimit(text);
  const result = await embed({ texts: [text], images: [] });
  // v1 has no `normalize` option; its vectors come back unit length like v2's default.
  return responseOf(shape(result.embeddings[0], V1_DIMENSION, true), result);
}

async function invokeTextV2(body: Record<string, unknown>, embed: EmbedFunction) {
  throwIfAny([
    ...checkKeys(body, ['inputText'], ['dimensions', 'normalize', 'embeddingTypes']),
    checkString(body.inputText, '#/inputText', 1, V2_MAX_CHARACTERS),
    checkEnum(body.dimensions, '#/dimensions', V2_DIMENSIONS),
    body.normalize === undefined || typeof body.normalize === 'boolean' ? undefined : `#/normalize: expected type: Boolean, found: ${jsonType(body.normalize)}`,
    ...checkList(body.embeddingTypes, '#/embeddingTypes', (item, path) => checkEnum(item, path, V2_EMBEDDING_TYPES)),
  ]);
  const text = body.inputText as string;
  checkTokenLimit(text);
  const dimension = (body.dimensions as number | undefined) ?? DEFAULT_DIMENSION;
  const result = await embed({ texts: [text], images: [] });
  const vector = shape(result.embeddings[0], dimension, body.normalize !== false);
  const types = body.embeddingTypes as string[] | undefined;
  if (!types) return responseOf(vector, result);
  const byType: Record<string, number[]> = {};
  if (types.includes('float')) byType.float = toWireFloats(vector);
  if (types.includes('binary')) byType.binary = titanBinary(vector);
  return responseOf(vector, result, { embeddingsByType: byType });
}

async function invokeMultimodal(body: Record<string, unknown>, embed: EmbedFunction) {
  const config = asObject(body.embeddingConfig);
  throwIfAny([
    ...checkKeys(body, [], ['inputText', 'inputImage', 'embeddingConfig']),
    checkString(body.inputText, '#/inputText', 1),
    checkString(body.inputImage, '#/inputImage', 1),
    body.embeddingConfig === undefined || config ? undefined : `#/embeddingConfig: expected type: JSONObject, found: ${jsonType(body.embeddingConfig)}`,
    ...(config ? checkKeys(config, [], ['outputEmbeddingLength'], '#/embeddingConfig') : []),
    checkEnum(config?.outputEmbeddingLength, '#/embeddingConfig/outputEmbeddingLength', MULTIMODAL_DIMENSIONS),
  ]);
  const text = body.inputText as string | undefined;
  const image = fromBase64(body.inputImage);
  if (text === undefined && image === undefined) {
    throw validationError('Malformed input request: At least one of inputText or inputImage is required, please reformat your input and try again.');
  }
  if (text !== undefined) checkTokenLimit(text);
  const dimension = (config?.outputEmbeddingLength as number | undefined) ?? DEFAULT_DIMENSION;
  const result = await embed({ texts: text === undefined ? [] : [text], images: image ? [image] : [] });
  // Text and image together are one joint embedding: the mean direction of the two unit vectors.
  const parts = (text === undefined ? 0 : 1) + (image ? 1 : 0);
  const vectors = Array.from({ length: parts }, (_, index) => shape(result.embeddings[index], dimension, true));
  const joint = vectors.reduce((sum, vector) => sum.map((value, index) => value + vector[index]!));
  return responseOf(normalizeVector(joint), result);
}

/** Titan Text Embeddings v1/v2 and Titan Multimodal Embeddings. */
export const titanEmbeddingsCodec: InvokeEmbeddingCodec = {
  name: 'titan-embeddings',
  async invoke(body, model, embed) {
    switch (variantOf(model)) {
      case 'text-v1':
        return invokeTextV1(body, embed);
      case 'text-v2':
        return invokeTextV2(body, embed);
      case 'multimodal':
        return invokeMultimodal(body, embed);
    }
  },
};
