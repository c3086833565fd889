import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import { BedrockServiceError } from '../../errors/bedrock-errors.js';
import { jsonResponse } from '../../encoding/json-response.js';
import { findFoundationModel, type FoundationModelDefinition } from '../../models/foundation-models.js';
import { foundationModelArn, parseProfileArn } from '../../models/inference-profiles.js';
import type { Operation } from '../operation-context.js';
import { requestRegion } from '../request-region.js';
import { queryValue } from './pagination.js';

/** ListFoundationModels and GetFoundationModel over the runtime's model table. */

const CUSTOMIZATION_TYPES = ['FINE_TUNING', 'CONTINUED_PRE_TRAINING', 'DISTILLATION'];
const OUTPUT_MODALITIES = ['TEXT', 'IMAGE', 'EMBEDDING'];
const INFERENCE_TYPES = ['ON_DEMAND', 'PROVISIONED'];
const PROVIDER_PATTERN = /^[A-Za-z0-9- ]{1,63}$/;

/** A table line in the wire shape of `FoundationModelSummary` (and `FoundationModelDetails`). */
function modelSummary(model: FoundationModelDefinition, region: string) {
  return {
    modelArn: foundationModelArn(region, model.modelId),
    modelId: model.modelId,
    modelName: model.modelName,
    providerName: model.providerName,
    inputModalities: model.inputModalities,
    outputModalities: model.outputModalities,
    responseStreamingSupported: model.responseStreamingSupported,
    customizationsSupported: model.customizationsSupported ?? [],
    inferenceTypesSupported: model.inferenceTypesSupported,
    modelLifecycle: { status: model.lifecycleStatus ?? 'ACTIVE', ...(model.endOfLifeTime === undefined ? {} : { endOfLifeTime: model.endOfLifeTime }) },
  };
}

/** Whether a filter is absent or names one of the line's values. */
const includesFilter = (values: readonly string[] | undefined, filter: string | undefined) => filter === undefined || (values ?? []).includes(filter);

/** `GET /foundation-models`: every table line matching all given filters; not paginated, like the service. */
export const listFoundationModelsOperation: Operation = async ({ runtime, request, requestId }) => {
  const byProvider = queryValue(request, 'byProvider');
  const byCustomizationType = queryValue(request, 'byCustomizationType');
  const byOutputModality = queryValue(request, 'byOutputModality');
  const byInferenceType = queryValue(request, 'byInferenceType');
  const errors = new ConstraintErrors();
  errors.checkPattern('byProvider', byProvider, PROVIDER_PATTERN, '^[A-Za-z0-9- ]{1,63}$');
  errors.checkEnum('byCustomizationType', byCustomizationType, CUSTOMIZATION_TYPES);
  errors.checkEnum('byOutputModality', byOutputModality, OUTPUT_MODALITIES);
  errors.checkEnum('byInferenceType', byInferenceType, INFERENCE_TYPES);
  errors.throwIfAny();
  const region = requestRegion(request, runtime.region);
  const provider = byProvider?.toLowerCase();
  const modelSummaries = runtime.foundationModels
    .filter(
      (model) =>
        (provider === undefined || model.providerName.toLowerCase() === provider) &&
        includesFilter(model.customizationsSupported, byCustomizationType) &&
        includesFilter(model.outputModalities, byOutputModality) &&
        includesFilter(model.inferenceTypesSupported, byInferenceType),
    )
    .map((model) => modelSummary(model, region));
  return jsonResponse({ modelSummaries }, requestId);
};

/** `GET /foundation-models/{modelIdentifier}`: one line by model id or foundation-model ARN. */
export const getFoundationModelOperation: Operation = async ({ runtime, request, labels, requestId }) => {
  const identifier = labels.modelIdentifier!;
  const arn = parseProfileArn(identifier);
  const modelId = arn?.resourceType === 'foundation-model' ? arn.id : identifier;
  const model = arn && arn.resourceType !== 'foundation-model' ? undefined : findFoundationModel(runtime.foundationModels, modelId);
  if (!model) throw new BedrockServiceError('ResourceNotFoundException', 'Could not resolve the foundation model from the provided model identifier.');
  return jsonResponse({ modelDetails: modelSummary(model, requestRegion(request, runtime.region)) }, requestId);
};
