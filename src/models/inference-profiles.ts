import { newResourceId } from '../core/resource-id.js';
import type { Clock } from '../core/clock.js';
import { BedrockServiceError, validationError } from '../errors/bedrock-errors.js';
import type { FoundationModelDefinition, InferenceProfileGeography } from './foundation-models.js';

/**
 * Inference profiles: the system-defined geographic ones, derived from the foundation-model table (each line
 * names its geographies), and application profiles that users create by copying a model or a system
 * profile. An application profile's ARN is a `modelId` every runtime operation accepts.
 */

/** An inference profile as ListInferenceProfiles / GetInferenceProfile answer with it. */
export interface InferenceProfileSummary {
  inferenceProfileName: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
  inferenceProfileArn: string;
  models: { modelArn: string }[];
  inferenceProfileId: string;
  status: 'ACTIVE';
  type: 'SYSTEM_DEFINED' | 'APPLICATION';
}

/** The regions a geography's profiles route to (an empty region for `global`, as the service lists it). */
const DESTINATION_REGIONS: Record<InferenceProfileGeography, readonly string[]> = {
  us: ['us-east-1', 'us-east-2', 'us-west-2'],
  eu: ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'],
  apac: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-4'],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  global: [''],
};

const GEOGRAPHY_LABELS: Record<InferenceProfileGeography, string> = {
  us: 'US',
  eu: 'EU',
  apac: 'APAC',
  jp: 'JP',
  au: 'AU',
  'us-gov': 'US-GOV',
  global: 'Global',
};

/** System profiles are as old as the feature; a fixed date keeps listings deterministic. */
const SYSTEM_PROFILE_DATE = '2024-08-27T00:00:00.000Z';

/**
 * The geographies whose profiles a caller in `region` can use: its own geography (several in Asia-Pacific)
 * and `global`.
 */
export function geographiesOfRegion(region: string): InferenceProfileGeography[] {
  const geographies: InferenceProfileGeography[] = [];
  for (const geography of Object.keys(DESTINATION_REGIONS) as InferenceProfileGeography[]) {
    if (geography !== 'global' && DESTINATION_REGIONS[geography].includes(region)) geographies.push(geography);
  }
  if (geographies.length === 0) {
    if (region.startsWith('us-gov-')) geographies.push('us-gov');
    else if (region.startsWith('us-') || region.startsWith('ca-')) geographies.push('us');
    else if (region.startsWith('eu-')) geographies.push('eu');
    else if (region.startsWith('ap-')) geographies.push('apac');
  }
  if (!region.startsWith('us-gov-')) geographies.push('global');
  return geographies;
}

/** A foundation-model ARN; `global` destinations have an empty region. */
export function foundationModelArn(region: string, modelId: string, partition = 'aws'): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
}

function systemProfile(model: FoundationModelDefinition, geography: InferenceProfileGeography, region: string, accountId: string): InferenceProfileSummary {
  const id = `${geography}.${model.modelId}`;
  const regions = DESTINATION_REGIONS[geography];
  const label = `${GEOGRAPHY_LABELS[geography]} ${model.providerName} ${model.modelName}`;
  return {
    inferenceProfileName: label,
    description: geography === 'global' ? `Routes requests to ${model.modelName} in all commercial regions.` : `Routes requests to ${model.modelName} in ${regions.join(', ')}.`,
    createdAt: SYSTEM_PROFILE_DATE,
    updatedAt: SYSTEM_PROFILE_DATE,
    inferenceProfileArn: `arn:aws:bedrock:${region}:${accountId}:inference-profile/${id}`,
    models: regions.map((destination) => ({ modelArn: foundationModelArn(destination, model.modelId) })),
    inferenceProfileId: id,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  };
}

/** The system-defined profiles a caller in `region` sees, in table order. */
export function systemInferenceProfiles(models: readonly FoundationModelDefinition[], region: string, accountId: string): InferenceProfileSummary[] {
  const usable = new Set(geographiesOfRegion(region));
  const profiles: InferenceProfileSummary[] = [];
  for (const model of models) {
    for (const geography of model.inferenceProfiles ?? []) {
      if (usable.has(geography)) profiles.push(systemProfile(model, geography, region, accountId));
    }
  }
  return profiles;
}

const PROFILE_ARN = /^arn:aws(?:-[^:]+)?:bedrock:([a-z0-9-]*):(\d{12})?:(inference-profile|application-inference-profile|foundation-model)\/(.+)$/;

/** The resource type and id of a profile or foundation-model ARN, or `undefined` when it is not one. */
export function parseProfileArn(value: string): { resourceType: string; id: string; region: string } | undefined {
  const match = PROFILE_ARN.exec(value);
  return match ? { region: match[1]!, resourceType: match[3]!, id: match[4]! } : undefined;
}

/** An application profile as stored: its summary and the base model it runs. */
export interface ApplicationInferenceProfile extends InferenceProfileSummary {
  type: 'APPLICATION';
  /** The foundation model behind the profile: what the runtime runs for it. */
  baseModelId: string;
  tags: { key: string; value: string }[];
  clientRequestToken?: string;
}

/** What CreateInferenceProfile needs once its request is validated. */
export interface ApplicationProfileInput {
  inferenceProfileName: string;
  description?: string;
  /** The copied source's models (one ARN for a foundation model, every destination for a system profile). */
  models: { modelArn: string }[];
  baseModelId: string;
  tags?: { key: string; value: string }[];
  clientRequestToken?: string;
  region: string;
}

/** The application inference profiles of one runtime. */
export interface ApplicationProfileStore {
  create(input: ApplicationProfileInput): ApplicationInferenceProfile;
  /** By 12-character id or ARN; `undefined` when there is none. */
  find(identifier: string): ApplicationInferenceProfile | undefined;
  list(): ApplicationInferenceProfile[];
  delete(identifier: string): void;
}

/**
 * Creates an in-memory store of application inference profiles.
 *
 * @example
 * const profiles = createApplicationProfileStore({ clock: SYSTEM_CLOCK, accountId: '123456789012' });
 */
export function createApplicationProfileStore(options: { clock: Clock; accountId: string }): ApplicationProfileStore {
  const profiles = new Map<string, ApplicationInferenceProfile>();
  const idOf = (identifier: string) => parseProfileArn(identifier)?.id ?? identifier;
  return {
    create(input) {
      for (const existing of profiles.values()) {
        if (input.clientRequestToken !== undefined && existing.clientRequestToken === input.clientRequestToken) return existing;
        if (existing.inferenceProfileName === input.inferenceProfileName) {
          throw new BedrockServiceError('ConflictException', `An inference profile with the name ${input.inferenceProfileName} already exists.`);
        }
      }
      const id = newResourceId();
      const now = new Date(options.clock.now()).toISOString();
      const profile: ApplicationInferenceProfile = {
        inferenceProfileName: input.inferenceProfileName,
        ...(input.description === undefined ? {} : { description: input.description }),
        createdAt: now,
        updatedAt: now,
        inferenceProfileArn: `arn:aws:bedrock:${input.region}:${options.accountId}:application-inference-profile/${id}`,
        models: input.models,
        inferenceProfileId: id,
        status: 'ACTIVE',
        type: 'APPLICATION',
        baseModelId: input.baseModelId,
        tags: input.tags ?? [],
        ...(input.clientRequestToken === undefined ? {} : { clientRequestToken: input.clientRequestToken }),
      };
      profiles.set(id, profile);
      return profile;
    },
    find: (identifier) => profiles.get(idOf(identifier)),
    list: () => [...profiles.values()],
    delete(identifier) {
      if (!profiles.delete(idOf(identifier))) throw profileNotFound(identifier);
    },
  };
}

/** The error for a profile that does not exist. */
export function profileNotFound(identifier: string): BedrockServiceError {
  return new BedrockServiceError('ResourceNotFoundException', `The inference profile ${identifier} could not be found.`);
}

/** The error for deleting a profile the service owns. */
export function systemProfileNotDeletable(identifier: string): BedrockServiceError {
  return validationError(`The inference profile ${identifier} is a system-defined inference profile and can't be deleted.`);
}
