import { randomUUID } from 'node:crypto';
import { describeError } from './describe-error.js';
import { afterOperation, beforeOperation } from '../faults/apply-fault.js';
import { admitWithinQuota } from '../quotas/quota-accounting.js';
import { errorResponse } from '../encoding/error-response.js';
import { BedrockServiceError, toBedrockError } from '../errors/bedrock-errors.js';
import type { Operation } from '../operations/operation-context.js';
import { getFoundationModelOperation, listFoundationModelsOperation } from '../operations/control/foundation-models.js';
import {
  createInferenceProfileOperation,
  deleteInferenceProfileOperation,
  getInferenceProfileOperation,
  listInferenceProfilesOperation,
} from '../operations/control/inference-profiles.js';
import { GUARDRAIL_CONTROL_OPERATIONS } from '../operations/control/guardrails.js';
import { applyGuardrailOperation } from '../operations/runtime/apply-guardrail.js';
import { MODEL_INVOCATION_JOB_OPERATIONS } from '../operations/control/model-invocation-jobs.js';
import { getAsyncInvokeOperation, listAsyncInvokesOperation, startAsyncInvokeOperation } from '../operations/runtime/async-invoke.js';
import { converseStreamOperation } from '../operations/runtime/converse-stream.js';
import { converseOperation } from '../operations/runtime/converse.js';
import { countTokensOperation } from '../operations/runtime/count-tokens.js';
import { invokeModelStreamOperation } from '../operations/runtime/invoke-model-stream.js';
import { invokeModelOperation } from '../operations/runtime/invoke-model.js';
import { bidirectionalStreamOperation } from '../operations/runtime/bidirectional/bidirectional-stream.js';
import { matchRoute, type OperationName } from '../router/routes.js';
import type { HandleRequestOptions, LocalHttpRequest, LocalHttpResponse } from './http-types.js';
import type { LocalBedrockRuntime } from './runtime.js';

const OPERATIONS: Readonly<Partial<Record<OperationName, Operation>>> = {
  ...MODEL_INVOCATION_JOB_OPERATIONS,
  Converse: converseOperation,
  ConverseStream: converseStreamOperation,
  CountTokens: countTokensOperation,
  InvokeModel: invokeModelOperation,
  InvokeModelWithResponseStream: invokeModelStreamOperation,
  InvokeModelWithBidirectionalStream: bidirectionalStreamOperation,
  StartAsyncInvoke: startAsyncInvokeOperation,
  GetAsyncInvoke: getAsyncInvokeOperation,
  ListAsyncInvokes: listAsyncInvokesOperation,
  ListFoundationModels: listFoundationModelsOperation,
  GetFoundationModel: getFoundationModelOperation,
  ListInferenceProfiles: listInferenceProfilesOperation,
  GetInferenceProfile: getInferenceProfileOperation,
  CreateInferenceProfile: createInferenceProfileOperation,
  DeleteInferenceProfile: deleteInferenceProfileOperation,
  ApplyGuardrail: applyGuardrailOperation,
  ...GUARDRAIL_CONTROL_OPERATIONS,
};

const NEVER_ABORTED = new AbortController().signal;

/**
 * The core: one Bedrock request in, one response out. Every front door calls this. It never throws:
 * failures become Bedrock error responses (unknown ones `InternalServerException`, with a warning naming
 * the cause).
 *
 * @example
 * const response = await handleBedrockRequest(createRuntime(), {
 *   method: 'POST', path: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse', query: {},
 *   headers: { 'content-type': 'application/json' },
 *   body: new TextEncoder().encode(JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] })),
 * });
 */
export async function handleBedrockRequest(
  runtime: LocalBedrockRuntime,
  request: LocalHttpRequest,
  options: HandleRequestOptions = {},
): Promise<LocalHttpResponse> {
  const startedAt = performance.now();
  const requestId = randomUUID();
  const route = matchRoute(request.method, request.path);
  let response: LocalHttpResponse;
  try {
    if (!route) {
      throw new BedrockServiceError('ResourceNotFoundException', `No Bedrock operation matches ${request.method} ${request.path}.`);
    }
    const operation = OPERATIONS[route.operation];
    if (!operation) throw new BedrockServiceError('ValidationException', `${route.operation} is not supported by local-bedrock yet.`);
    const signal = options.signal ?? NEVER_ABORTED;
    const fault = runtime.faults.pick(route.operation, route.labels.modelId);
    const early = fault && (await beforeOperation(fault, signal));
    if (!early) admitWithinQuota(runtime, route.operation, request, route.labels.modelId);
    response = early || (await operation({ runtime, request, labels: route.labels, signal, requestId, startedAt, origin: options.origin ?? 'api' }));
    if (fault && !early) response = afterOperation(fault, response);
  } catch (error) {
    const bedrockError = toBedrockError(error);
    // A caller who aborted has gone: its AbortError is expected, not worth a warning.
    const callerAborted = options.signal?.aborted === true;
    if (bedrockError !== error && !callerAborted) runtime.logger.warn(`[local-bedrock] ${request.method} ${request.path} failed unexpectedly: ${describeError(error)}`);
    response = errorResponse(bedrockError, requestId);
  }
  return runtime.callLog.record(route?.operation, route?.labels.modelId, request, response);
}
