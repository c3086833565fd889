/**
 * `local-bedrock/tokens`: token counts of Bedrock requests, with each model family's own tokenizer where
 * one is public and a documented approximation elsewhere (docs/tokenizers.md). Importable without any AWS
 * SDK; tokenizer data loads on the first call for a family, never on import.
 */
import { chatCodecFor } from '../codecs/invoke/registry.js';
import { parseConverseRequest } from '../codecs/converse-request.js';
import { validationError } from '../errors/bedrock-errors.js';
import { createModelRegistry, type ResolvedModel } from '../models/registry.js';
import { countChatRequestTokens } from './count-chat-request.js';
import { loadTokenizer as loadFamilyTokenizer, type Tokenizer } from './tokenizers.js';

export type { Tokenizer } from './tokenizers.js';
export { approximateTokenizer } from './tokenizers.js';

/** A Converse request body: the wire JSON (blobs as base64) or the SDK's input shape (blobs as bytes). */
export interface ConverseRequestBody {
  messages?: unknown[];
  system?: unknown[];
  toolConfig?: unknown;
  inferenceConfig?: unknown;
  [member: string]: unknown;
}

/** What `countTokens` counts: a Converse request, an InvokeModel body of the model's family, or plain text. */
export type CountTokensInput = { converse: ConverseRequestBody } | { invokeModel: { body: object | string | Uint8Array } } | { text: string };

/** The result of `countTokens`. */
export interface TokenCount {
  /** Input tokens, as the model would see the prompt (template and media included). */
  inputTokens: number;
  /** The tokenizer used, e.g. `llama3`, `o200k_base`, `cl100k_base`. */
  tokenizer: string;
  /** Whether that is the family's own published tokenizer (else an approximation). */
  exact: boolean;
}

let registry: ReturnType<typeof createModelRegistry> | undefined;

function resolveModel(modelId: string): ResolvedModel {
  registry ??= createModelRegistry();
  return registry.resolve(modelId);
}

/** Replaces byte arrays with base64, the form Converse JSON carries blobs in. */
function toWireJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(toWireJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toWireJson(inner)]));
  return value;
}

function parseInvokeBody(body: object | string | Uint8Array): Record<string, unknown> {
  let value: unknown = body;
  try {
    if (body instanceof Uint8Array) value = JSON.parse(new TextDecoder().decode(body));
    else if (typeof body === 'string') value = JSON.parse(body);
  } catch {
    throw validationError('Malformed input request, please reformat your input and try again.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw validationError('Malformed input request, please reformat your input and try again.');
  return value as Record<string, unknown>;
}

/**
 * Loads (once per process) the tokenizer a model id uses.
 *
 * @example
 * const tokenizer = await loadTokenizer('meta.llama3-8b-instruct-v1:0');
 * tokenizer.name; // 'llama3'
 * tokenizer.count('Hello world!'); // 3
 */
export function loadTokenizer(modelId: string): Promise<Tokenizer> {
  return loadFamilyTokenizer(modelId);
}

/**
 * Counts the input tokens of a request for a Bedrock model id (base id, inference profile or ARN), as the
 * scripted backend reports them in `usage.inputTokens`.
 *
 * @example
 * const { inputTokens, tokenizer, exact } = await countTokens('us.meta.llama3-3-70b-instruct-v1:0', {
 *   converse: { messages: [{ role: 'user', content: [{ text: 'Hello world!' }] }] },
 * });
 *
 * @example
 * await countTokens('openai.gpt-oss-20b-1:0', { text: 'hello world' }); // { inputTokens: 2, tokenizer: 'o200k_base', exact: true }
 */
export async function countTokens(modelId: string, input: CountTokensInput): Promise<TokenCount> {
  const model = resolveModel(modelId);
  const tokenizer = await loadFamilyTokenizer(model.baseModelId);
  const result = (inputTokens: number): TokenCount => ({ inputTokens, tokenizer: tokenizer.name, exact: tokenizer.exact });
  if ('text' in input) return result(tokenizer.count(input.text));
  if ('converse' in input) {
    const { chat } = parseConverseRequest(toWireJson(input.converse), model, 'Converse');
    return result(countChatRequestTokens(chat, tokenizer));
  }
  if ('invokeModel' in input) {
    const body = parseInvokeBody(input.invokeModel.body);
    return result(countChatRequestTokens(chatCodecFor(model, body).decode(body, model), tokenizer));
  }
  throw validationError('CountTokens input must have exactly one of converse, invokeModel or text.');
}

async function publicTokenizer(modelId: string): Promise<Tokenizer & Required<Pick<Tokenizer, 'encode' | 'decode'>>> {
  const tokenizer = await loadFamilyTokenizer(resolveModel(modelId).baseModelId);
  if (!tokenizer.encode || !tokenizer.decode) {
    throw new Error(
      `local-bedrock: the tokenizer of ${modelId} is not public; token counts use the '${tokenizer.name}' approximation, which has no token ids to offer. ` +
        'tokenize/detokenize work for the families with a published tokenizer (see docs/tokenizers.md).',
    );
  }
  return tokenizer as Tokenizer & Required<Pick<Tokenizer, 'encode' | 'decode'>>;
}

/**
 * The token ids of a text, for models whose tokenizer is public (Llama, gpt-oss, Mistral 7B/Mixtral, Claude 2);
 * throws for the others. No BOS/EOS or template tokens are added.
 *
 * @example
 * await tokenize('meta.llama3-8b-instruct-v1:0', 'Hello world!'); // [9906, 1917, 0]
 */
export async function tokenize(modelId: string, text: string): Promise<number[]> {
  return (await publicTokenizer(modelId)).encode(text);
}

/**
 * The text of token ids, for models whose tokenizer is public; throws for the others.
 *
 * @example
 * await detokenize('meta.llama3-8b-instruct-v1:0', [9906, 1917, 0]); // 'Hello world!'
 */
export async function detokenize(modelId: string, ids: readonly number[]): Promise<string> {
  return (await publicTokenizer(modelId)).decode(ids);
}
