import { ConstraintErrors } from '../../codecs/constraint-errors.js';
import type { LocalBedrockRuntime } from '../../core/runtime.js';
import { BedrockServiceError } from '../../errors/bedrock-errors.js';
import { jsonResponse } from '../../encoding/json-response.js';
import {
  foundationModelArn,
  parseProfileArn,
  profileNotFound,
  systemInferenceProfiles,
  systemProfileNotDeletable,
  type ApplicationInferenceProfile,
  type InferenceProfileSummary,
} from '../../models/inference-profiles.js';
import { findFoundationModel } from '../../models/foundation-models.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { requestRegion } from '../request-region.js';
import { paginate, queryValue } from './pagination.js';

/** ListInferenceProfiles, GetInferenceProfile, CreateInferenceProfile and DeleteInferenceProfile. */

const NAME_PATTERN = /^([0-9a-zA-Z:.][ _-]?)+$/;
const COPY_FROM_PATTERN = /^arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)\/[a-zA-Z0-9-:.]+$/;
const PROFILE_TYPES = ['SYSTEM_DEFINED', 'APPLICATION'];

/** The wire summary of an application profile (without what only the store keeps). */
function applicationSummary(profile: ApplicationInferenceProfile): InferenceProfileSummary {
  const { baseModelId: _baseModelId, tags: _tags, clientRequestToken: _token, ...summary } = profile;
  return summary;
}

function allProfiles(runtime: LocalBedrockRuntime, region: string): InferenceProfileSummary[] {
  return [...systemInferenceProfiles(runtime.foundationModels, region, runtime.accountId), ...runtime.applicationProfiles.list().map(applicationSummary)];
}

/** A system profile by id or ARN, as a caller in `region` sees it. */
function findSystemProfile(runtime: LocalBedrockRuntime, region: string, identifier: string): InferenceProfileSummary | undefined {
  const arn = parseProfileArn(identifier);
  if (arn && arn.resourceType !== 'inference-profile') return undefined;
  const id = arn?.id ?? identifier;
  return systemInferenceProfiles(runtime.foundationModels, region, runtime.accountId).find((profile) => profile.inferenceProfileId === id);
}

/** `GET /inference-profiles?type=&maxResults=&nextToken=`. */
export const listInferenceProfilesOperation: Operation = async ({ runtime, request, requestId }) => {
  const type = queryValue(request, 'type');
  const errors = new ConstraintErrors();
  errors.checkEnum('typeEquals', type, PROFILE_TYPES);
  errors.throwIfAny();
  const profiles = allProfiles(runtime, requestRegion(request, runtime.region)).filter((profile) => type === undefined || profile.type === type);
  const page = paginate(request, profiles, 'inference-profiles');
  return jsonResponse({ inferenceProfileSummaries: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) }, requestId);
};

/** `GET /inference-profiles/{inferenceProfileIdentifier}`: one profile, flat. */
export const getInferenceProfileOperation: Operation = async ({ runtime, request, labels, requestId }) => {
  const identifier = labels.inferenceProfileIdentifier!;
  const application = runtime.applicationProfiles.find(identifier);
  const profile = application ? applicationSummary(application) : findSystemProfile(runtime, requestRegion(request, runtime.region), identifier);
  if (!profile) throw profileNotFound(identifier);
  return jsonResponse(profile, requestId);
};

/** `POST /inference-profiles`: an application profile copying a foundation model or a system profile (201). */
export const createInferenceProfileOperation: Operation = async ({ runtime, request, requestId }) => {
  const body = readJsonBody(request.body) as Record<string, unknown> | null;
  const input = typeof body === 'object' && body !== null ? body : {};
  const { inferenceProfileName, description, modelSource, tags, clientRequestToken } = input;
  const copyFrom = typeof modelSource === 'object' && modelSource !== null ? (modelSource as Record<string, unknown>).copyFrom : undefined;
  const errors = new ConstraintErrors();
  if (errors.checkRequired('inferenceProfileName', inferenceProfileName)) {
    errors.checkLength('inferenceProfileName', inferenceProfileName, 1, 64);
    errors.checkPattern('inferenceProfileName', inferenceProfileName, NAME_PATTERN, '([0-9a-zA-Z:.][ _-]?)+');
  }
  errors.checkLength('description', description, 1, 200);
  errors.checkPattern('description', description, NAME_PATTERN, '([0-9a-zA-Z:.][ _-]?)+');
  if (errors.checkRequired('modelSource', modelSource) && errors.checkRequired('modelSource.copyFrom', copyFrom)) {
    errors.checkLength('modelSource.copyFrom', copyFrom, 1, 2048);
    errors.checkPattern('modelSource.copyFrom', copyFrom, COPY_FROM_PATTERN, 'arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)/[a-zA-Z0-9-:.]+');
  }
  errors.checkLength('tags', tags, 0, 200);
  errors.throwIfAny();

  const region = requestRegion(request, runtime.region);
  const source = parseProfileArn(copyFrom as string)!;
  let models: { modelArn: string }[];
  let baseModelId: string;
  if (source.resourceType === 'foundation-model') {
    if (!findFoundationModel(runtime.foundationModels, source.id)) {
      throw new BedrockServiceError('ResourceNotFoundException', 'Could not resolve the foundation model from the provided model identifier.');
    }
    models = [{ modelArn: foundationModelArn(source.region || region, source.id) }];
    baseModelId = source.id;
  } else {
    const system = findSystemProfile(runtime, region, copyFrom as string);
    if (!system) throw profileNotFound(copyFrom as string);
    models = system.models;
    baseModelId = system.inferenceProfileId.slice(system.inferenceProfileId.indexOf('.') + 1);
  }
  const profile = runtime.applicationProfiles.create({
    inferenceProfileName: inferenceProfileName as string,
    ...(typeof description === 'string' ? { description } : {}),
    models,
    baseModelId,
    ...(Array.isArray(tags) ? { tags: tags as { key: string; value: string }[] } : {}),
    ...(typeof clientRequestToken === 'string' ? { clientRequestToken } : {}),
    region,
  });
  return { ...jsonResponse({ inferenceProfileArn: profile.inferenceProfileArn, status: profile.status }, requestId), statusCode: 201 };
};

/** `DELETE /inference-profiles/{inferenceProfileIdentifier}`: application profiles only. */
export const deleteInferenceProfileOperation: Operation = async ({ runtime, request, labels, requestId }) => {
  const identifier = labels.inferenceProfileIdentifier!;
  if (!runtime.applicationProfiles.find(identifier) && findSystemProfile(runtime, requestRegion(request, runtime.region), identifier)) {
    throw systemProfileNotDeletable(identifier);
  }
  runtime.applicationProfiles.delete(identifier);
  return jsonResponse({}, requestId);
};
