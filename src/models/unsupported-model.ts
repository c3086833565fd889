import { validationError, type BedrockServiceError } from '../errors/bedrock-errors.js';
import type { ResolvedModel } from './registry.js';

/**
 * The error for an operation a model does not serve: Converse or InvokeModel on an embedding, image or video
 * model, or on Nova Sonic, which serves only the bidirectional stream. For Sonic the service's observed text is
 * the first sentence alone.
 *
 * @example
 * if (model.kind !== 'chat') throw unsupportedModelError(model);
 */
export function unsupportedModelError(model?: Pick<ResolvedModel, 'kind'>): BedrockServiceError {
  return validationError(
    model?.kind === 'speech'
      ? "This action doesn't support the model that you provided."
      : "This action doesn't support the model that you provided. Try again with a supported text or chat model.",
  );
}
