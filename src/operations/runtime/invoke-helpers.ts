import { scriptedEmbeddings } from '../../backends/scripted/scripted-embeddings.js';
import { scriptedImages } from '../../backends/scripted/scripted-images.js';
import type { EmbedFunction, GenerateImageFunction } from '../../codecs/invoke/types.js';
import { asObject } from '../../codecs/json-values.js';
import type { LocalHttpRequest } from '../../core/http-types.js';
import type { LocalBedrockRuntime } from '../../core/runtime.js';
import { validationError } from '../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../models/registry.js';
import { readJsonBody } from '../read-json-body.js';
import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import { servedLatency, servedServiceTier } from '../../models/service-tiers.js';

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

const LATENCY_VALUES = ['standard', 'optimized'];
const SERVICE_TIERS = ['priority', 'default', 'flex', 'reserved'];
/** Converse's `RequestMetadata` key/value pattern, which the header's JSON map obeys as well. */
const METADATA_PATTERN = /^[a-zA-Z0-9\s:_@$#=/+,\-.]*$/;

/**
 * Validates the latency, service-tier and request-metadata headers and returns the response headers Bedrock
 * sends back: the tier served (`default` when none was asked for) and, when one was asked for, the latency
 * served (see `service-tiers.ts`). Request metadata only goes to invocation logs and is never echoed.
 */
export function echoedHeaders(headers: Record<string, string>, runtime: LocalBedrockRuntime, model: ResolvedModel): Record<string, string> {
  const latency = headers['x-amzn-bedrock-performanceconfig-latency'];
  const tier = headers['x-amzn-bedrock-service-tier'];
  const errors = new ConstraintErrors();
  errors.checkEnum('performanceConfigLatency', latency, LATENCY_VALUES);
  errors.checkEnum('serviceTier', tier, SERVICE_TIERS);
  checkRequestMetadataHeader(headers['x-amzn-bedrock-request-metadata'], errors);
  errors.throwIfAny();
  const echoed: Record<string, string> = { 'x-amzn-bedrock-service-tier': servedServiceTier(runtime.foundationModels, model, tier) };
  const servedLatencyValue = servedLatency(model, latency);
  if (servedLatencyValue) echoed['x-amzn-bedrock-performanceconfig-latency'] = servedLatencyValue;
  return echoed;
}

/** `X-Amzn-Bedrock-Request-Metadata`: a JSON object of 1–16 string pairs with Converse's key/value constraints. */
function checkRequestMetadataHeader(value: string | undefined, errors: ConstraintErrors): void {
  if (value === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const map = asObject(parsed);
  if (!map || Object.values(map).some((entry) => typeof entry !== 'string')) {
    errors.add('requestMetadata', value, 'Member must be a JSON object whose values are strings');
    return;
  }
  errors.checkLength('requestMetadata', map, 1, 16);
  for (const [key, entry] of Object.entries(map)) {
    errors.checkLength(`requestMetadata.${key}.key`, key, 1, 256);
    errors.checkPattern(`requestMetadata.${key}.key`, key, METADATA_PATTERN, '[a-zA-Z0-9\\s:_@$#=/+,-.]{1,256}');
    errors.checkLength(`requestMetadata.${key}.value`, entry, 0, 256);
    errors.checkPattern(`requestMetadata.${key}.value`, entry, METADATA_PATTERN, '[a-zA-Z0-9\\s:_@$#=/+,-.]{0,256}');
  }
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
