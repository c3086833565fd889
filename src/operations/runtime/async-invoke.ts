import { bedrockS3UriViolations } from '../../batch/storage/s3-uri.js';
import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import { BedrockServiceError, validationError } from '../../errors/bedrock-errors.js';
import { jsonResponse } from '../../encoding/json-response.js';
import type { AsyncInvocation } from '../../async-invoke/async-invoke-store.js';
import { planReel } from '../../async-invoke/nova-reel.js';
import { foundationModelArn } from '../../models/inference-profiles.js';
import { paginate, queryValue, timeQuery } from '../control/pagination.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { requestRegion } from '../request-region.js';

/** StartAsyncInvoke, GetAsyncInvoke and ListAsyncInvokes (Nova Reel video generation). */

const MODEL_ID_PATTERN = /^[a-zA-Z_.\-/0-9:]+$/;
const TOKEN_PATTERN = /^[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}$/;
const STATUSES = ['InProgress', 'Completed', 'Failed'];

type JsonObject = Record<string, unknown>;
const objectAt = (value: unknown): JsonObject | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined);

/** `POST /async-invoke`. */
export const startAsyncInvokeOperation: Operation = async ({ runtime, request, requestId }) => {
  const body = objectAt(readJsonBody(request.body)) ?? {};
  const { modelId, modelInput, clientRequestToken, tags } = body;
  const s3 = objectAt(objectAt(body.outputDataConfig)?.s3OutputDataConfig);
  const errors = new ConstraintErrors();
  if (errors.checkRequired('modelId', modelId)) {
    errors.checkLength('modelId', modelId, 1, 256);
    errors.checkPattern('modelId', modelId, MODEL_ID_PATTERN, '[a-zA-Z_\\.\\-/0-9:]+');
  }
  errors.checkRequired('modelInput', modelInput);
  errors.checkRequired('outputDataConfig', body.outputDataConfig);
  if (body.outputDataConfig !== undefined && errors.checkRequired('outputDataConfig.s3OutputDataConfig.s3Uri', s3?.s3Uri)) {
    if (typeof s3!.s3Uri === 'string') for (const violation of bedrockS3UriViolations(s3!.s3Uri, 'outputDataConfig.s3OutputDataConfig.s3Uri')) errors.add('', '', violation);
  }
  errors.checkPattern('clientRequestToken', clientRequestToken, TOKEN_PATTERN, '[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}');
  errors.checkLength('tags', tags, 0, 200);
  errors.throwIfAny();

  const model = runtime.models.resolve(modelId as string);
  if (model.kind !== 'video') throw validationError("This action doesn't support the model that you provided.");
  const plan = planReel(model.baseModelId, modelInput);
  const region = requestRegion(request, runtime.region);
  const invocation = runtime.asyncInvokes.start({
    region,
    modelId: model.baseModelId,
    modelArn: foundationModelArn(region, model.baseModelId),
    plan,
    outputDataConfig: { s3OutputDataConfig: s3 as AsyncInvocation['outputDataConfig']['s3OutputDataConfig'] },
    ...(typeof clientRequestToken === 'string' ? { clientRequestToken } : {}),
    fingerprint: JSON.stringify([modelId, modelInput, body.outputDataConfig]),
  });
  return jsonResponse({ invocationArn: invocation.invocationArn }, requestId);
};

/** `GET /async-invoke/{invocationArn}`. */
export const getAsyncInvokeOperation: Operation = async ({ runtime, labels, requestId }) => {
  const invocation = runtime.asyncInvokes.get(labels.invocationArn!);
  if (!invocation) throw new BedrockServiceError('ResourceNotFoundException', `The async invocation ${labels.invocationArn!} could not be found.`);
  return jsonResponse(invocation, requestId);
};

/** `GET /async-invoke?submitTimeAfter&submitTimeBefore&statusEquals&sortBy&sortOrder&maxResults&nextToken`. */
export const listAsyncInvokesOperation: Operation = async ({ runtime, request, requestId }) => {
  const errors = new ConstraintErrors();
  const after = timeQuery(errors, 'submitTimeAfter', queryValue(request, 'submitTimeAfter'));
  const before = timeQuery(errors, 'submitTimeBefore', queryValue(request, 'submitTimeBefore'));
  const status = queryValue(request, 'statusEquals');
  const sortOrder = queryValue(request, 'sortOrder') ?? 'Descending';
  errors.checkEnum('statusEquals', status, STATUSES);
  errors.checkEnum('sortBy', queryValue(request, 'sortBy'), ['SubmissionTime']);
  errors.checkEnum('sortOrder', sortOrder, ['Ascending', 'Descending']);
  errors.throwIfAny();
  const matching = runtime.asyncInvokes.list().filter((invocation) => {
    const submitted = Date.parse(invocation.submitTime);
    return (status === undefined || invocation.status === status) && (after === undefined || submitted > after) && (before === undefined || submitted < before);
  });
  if (sortOrder === 'Descending') matching.reverse();
  const page = paginate(request, matching, 'async-invoke');
  return jsonResponse({ asyncInvokeSummaries: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) }, requestId);
};
