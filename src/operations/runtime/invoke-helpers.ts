import { scriptedEmbeddings } from '../../backends/scripted/scripted-embeddings.js';
import { scriptedImages } from '../../backends/scripted/scripted-images.js';
import type { EmbedFunction, GenerateImageFunction } from '../../codecs/invoke/types.js';
import { asObject } from '../../codecs/json-values.js';
import type { LocalHttpRequest } from '../../core/http-types.js';
import type { LocalBedrockRuntime } from '../../core/runtime.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { readJsonBody } from '../read-json-body.js';

/** What InvokeModel and its streaming twin share: body and header handling, and the non-chat backends. */

/**
 * The native body as a JSON object. Bedrock reads it as JSON whatever the `Content-Type` says (the JS SDK
 * sends `application/octet-stream` when the caller gives none; boto3 sends no type at all).
 */
export function readNativeBody(request: LocalHttpRequest): Record<string, unknown> {
  const body = asObject(readJsonBody(request.body));
  if (!body) throw validationError('Malformed input request, please reformat your input and try again.');
  return body;
}

/** Rejects an `Accept` that excludes JSON, the only type Bedrock's models answer with. */
export function checkAccept(accept: string | undefined): void {
  if (accept === undefined || accept === '') return;
  if (!/(^|[\s,])(\*\/\*|application\/\*|application\/json)(\s*;|\s*,|\s*$)/i.test(accept)) {
    throw validationError(`The requested accept type ${accept} is not supported. Specify application/json or */*.`);
  }
}

/** The response headers Bedrock echoes from request headers (latency profile and service tier). */
export function echoedHeaders(headers: Record<string, string>): Record<string, string> {
  const echoed: Record<string, string> = {};
  const latency = headers['x-amzn-bedrock-performanceconfig-latency'];
  const tier = headers['x-amzn-bedrock-service-tier'];
  if (latency) echoed['x-amzn-bedrock-performanceconfig-latency'] = latency;
  if (tier) echoed['x-amzn-bedrock-service-tier'] = tier;
  return echoed;
}

/**
 * Runs a non-chat request on the backend, or with the scripted implementation when the backend has none
 * (saying so once per runtime).
 */
function withScriptedFallback<Request extends { modelId: string; backendModel: string }, Response>(
  runtime: LocalBedrockRuntime,
  model: ResolvedModel,
  signal: AbortSignal,
  what: string,
  method: ((request: Request, options: { signal: AbortSignal }) => Promise<Response>) | undefined,
  scripted: (request: Request) => Response,
): (request: Omit<Request, 'modelId' | 'backendModel'>) => Promise<Response> {
  return async (request) => {
    const full = { ...request, modelId: model.baseModelId, backendModel: model.backendModel } as Request;
    if (method) return method(full, { signal });
    runtime.warnOnce(`[local-bedrock] The ${runtime.backend.name} backend has no ${what} model; ${what}s come from the scripted backend.`);
    return scripted(full);
  };
}

/** Embeds on the backend, or with the scripted implementation when the backend has none. */
export function embedFunction(runtime: LocalBedrockRuntime, model: ResolvedModel, signal: AbortSignal): EmbedFunction {
  return withScriptedFallback(runtime, model, signal, 'embedding', runtime.backend.embed?.bind(runtime.backend), scriptedEmbeddings);
}

/** Draws on the backend, or with the scripted implementation when the backend has none. */
export function generateImageFunction(runtime: LocalBedrockRuntime, model: ResolvedModel, signal: AbortSignal): GenerateImageFunction {
  return withScriptedFallback(runtime, model, signal, 'image', runtime.backend.generateImage?.bind(runtime.backend), scriptedImages);
}
