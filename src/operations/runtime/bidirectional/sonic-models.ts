import type { ResolvedModel } from '../../../models/registry.js';

/**
 * Which models speak Nova Sonic's bidirectional protocol (`amazon.nova-sonic-v1:0`, `amazon.nova-2-sonic-v1:0`
 * and the inference profiles over them), and the error the other model operations answer them with.
 */

const SONIC_MODEL_ID = /^amazon\.nova-(?:2-)?sonic-/;

/**
 * The service's wording when an operation is called with a model it does not serve.
 *
 * @example
 * throw validationError(UNSUPPORTED_MODEL_MESSAGE);
 */
export const UNSUPPORTED_MODEL_MESSAGE = "This action doesn't support the model that you provided.";

/**
 * Whether a resolved model is a Nova Sonic model.
 *
 * @example
 * isSonicModel(runtime.models.resolve('amazon.nova-2-sonic-v1:0')); // true
 */
export function isSonicModel(model: Pick<ResolvedModel, 'baseModelId' | 'kind'>): boolean {
  return model.kind === 'speech' || SONIC_MODEL_ID.test(model.baseModelId);
}

/**
 * Whether a resolved Sonic model is Nova 2 Sonic (cross-modal input, turn detection settings, `SYSTEM_SPEECH`).
 *
 * @example
 * isNova2Sonic(runtime.models.resolve('amazon.nova-2-sonic-v1:0')); // true
 */
export function isNova2Sonic(model: Pick<ResolvedModel, 'baseModelId'>): boolean {
  return model.baseModelId.startsWith('amazon.nova-2-sonic');
}
