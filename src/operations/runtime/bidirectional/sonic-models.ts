import type { LocalBedrockRuntime } from '../../../core/runtime.js';
import { validationError } from '../../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../../models/registry.js';
import type { OperationName } from '../../../router/routes.js';

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

const MODEL_OPERATIONS: ReadonlySet<OperationName> = new Set(['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream']);

/**
 * Sonic models answer only InvokeModelWithBidirectionalStream: Converse, ConverseStream, InvokeModel and
 * InvokeModelWithResponseStream on them fail with the service's ValidationException. Ids the registry does not
 * know are left to the operation, which reports them its own way.
 *
 * @example
 * rejectSonicModel(runtime, 'Converse', 'amazon.nova-sonic-v1:0'); // throws ValidationException
 */
export function rejectSonicModel(runtime: LocalBedrockRuntime, operation: OperationName, modelId: string | undefined): void {
  if (modelId === undefined || !MODEL_OPERATIONS.has(operation)) return;
  let model: ResolvedModel;
  try {
    model = runtime.models.resolve(modelId);
  } catch {
    return;
  }
  if (isSonicModel(model)) throw validationError(UNSUPPORTED_MODEL_MESSAGE);
}
