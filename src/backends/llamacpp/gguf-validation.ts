import { stat } from 'node:fs/promises';
import { BedrockServiceError } from '../../errors/bedrock-errors.js';
import type { NodeLlamaCppModule } from './load-node-llama-cpp.js';

/** What the checks learned about a model file. */
export interface GgufSummary {
  architecture: string;
  name?: string;
  trainContextSize?: number;
}

function modelError(path: string, problem: string, cause?: unknown): BedrockServiceError {
  return new BedrockServiceError('ModelErrorException', `[local-bedrock] ${path} is not a usable GGUF model: ${problem}`, { cause });
}

/**
 * Reads a GGUF file's header with node-llama-cpp's parser and rejects what would make llama.cpp abort the
 * whole process instead of failing the load: a missing feed-forward length or head count
 * (`GGML_ASSERT(t_meta.ne[dim] >= 1)`) and duplicate token texts (`GGML_ASSERT(id_to_token.size() ==
 * token_to_id.size())`). A missing file is `ResourceNotFoundException`; anything else unreadable is
 * `ModelErrorException`, both saying which file.
 *
 * @example
 * const summary = await validateGgufFile(module, '/models/tiny.gguf'); // { architecture: 'llama', … }
 */
export async function validateGgufFile(module: Pick<NodeLlamaCppModule, 'readGgufFileInfo'>, path: string): Promise<GgufSummary> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw modelError(path, 'it is not a file.');
  } catch (error) {
    if (BedrockServiceError.isInstance(error)) throw error;
    throw new BedrockServiceError('ResourceNotFoundException', `[local-bedrock] The llama.cpp model file ${path} does not exist.`, { cause: error });
  }
  let metadata: Record<string, unknown>;
  try {
    const info = await module.readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false, ignoreKeys: [] });
    metadata = info.metadata as unknown as Record<string, unknown>;
  } catch (error) {
    throw modelError(path, error instanceof Error ? error.message : String(error), error);
  }
  const general = (metadata.general ?? {}) as Record<string, unknown>;
  const architecture = general.architecture;
  if (typeof architecture !== 'string' || architecture === '') throw modelError(path, 'general.architecture is missing.');
  const hyper = (metadata[architecture] ?? {}) as Record<string, unknown>;
  const attention = (hyper.attention ?? {}) as Record<string, unknown>;
  const tokenizer = ((metadata.tokenizer as Record<string, unknown> | undefined)?.ggml ?? {}) as Record<string, unknown>;
  const isLanguageModel = hyper.block_count !== undefined && hyper.embedding_length !== undefined;
  if (isLanguageModel) {
    if (hyper.feed_forward_length === undefined) throw modelError(path, `${architecture}.feed_forward_length is missing.`);
    if (attention.head_count === undefined) throw modelError(path, `${architecture}.attention.head_count is missing.`);
  }
  const tokens = tokenizer.tokens;
  if (!Array.isArray(tokens) || tokens.length === 0) throw modelError(path, 'tokenizer.ggml.tokens is missing.');
  if (new Set(tokens).size !== tokens.length) throw modelError(path, 'tokenizer.ggml.tokens has duplicate token texts.');
  return {
    architecture,
    ...(typeof general.name === 'string' ? { name: general.name } : {}),
    ...(typeof hyper.context_length === 'number' ? { trainContextSize: hyper.context_length } : {}),
  };
}
