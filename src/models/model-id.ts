import { validationError } from '../errors/bedrock-errors.js';

/**
 * Parsing of the model id forms Bedrock accepts: base ids, cross-region inference profile ids, foundation
 * model and inference profile ARNs, and the `ollama.<model>` passthrough.
 */

/** A model id taken apart. */
export type ParsedModelId =
  | { form: 'base'; baseModelId: string }
  | { form: 'inference-profile'; profileId: string; baseModelId: string }
  | { form: 'ollama'; ollamaModel: string }
  | { form: 'other'; id: string };

const ARN_PATTERN = /^arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(\d{12})?:([a-z-]+)\/(.+)$/;
/** Geography prefixes of system inference profiles (`us.`, `eu.`, `apac.`, `jp.`, `au.`, `us-gov.`, `global.` …). */
const PROFILE_PREFIX_PATTERN = /^([a-z]{2,6}(?:-[a-z]{2,5})?)\.(.+)$/;
/** The characters Bedrock's `modelId` patterns allow at all, and its length limit. */
const MODEL_ID_CHARACTERS = /^[a-zA-Z0-9_.:/@+\-]+$/;
const MAX_MODEL_ID_LENGTH = 2048;

/** Rejects ids no Bedrock pattern allows, with the service's constraint message. */
export function assertModelIdShape(modelId: string): void {
  if (modelId.length < 1 || modelId.length > MAX_MODEL_ID_LENGTH || !MODEL_ID_CHARACTERS.test(modelId)) {
    const constraint =
      modelId.length > MAX_MODEL_ID_LENGTH
        ? `Member must have length less than or equal to ${MAX_MODEL_ID_LENGTH}`
        : 'Member must satisfy regular expression pattern: (arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}(([:][a-z0-9-]{1,63}){0,2})?/[a-z0-9]{12})|(:foundation-model/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|(([0-9a-zA-Z][_-]?)+)';
    throw validationError(`1 validation error detected: Value '${modelId}' at 'modelId' failed to satisfy constraint: ${constraint}`);
  }
}

/**
 * Takes a model id apart. `isKnownBaseId` tells whether a string is a base id of a known provider; it
 * decides whether `us.x.y` is a profile (`us.` + base id) or a base id itself.
 */
export function parseModelId(modelId: string, isKnownBaseId: (id: string) => boolean): ParsedModelId {
  if (modelId.startsWith('ollama.') && modelId.length > 'ollama.'.length) {
    return { form: 'ollama', ollamaModel: modelId.slice('ollama.'.length) };
  }
  const arn = ARN_PATTERN.exec(modelId);
  if (arn) {
    const [, , resourceType, resourceId] = arn as unknown as [string, string | undefined, string, string];
    if (resourceType === 'foundation-model') return { form: 'base', baseModelId: resourceId };
    if (resourceType === 'inference-profile') return parseProfileOrBase(resourceId, isKnownBaseId);
    return { form: 'other', id: modelId };
  }
  return parseProfileOrBase(modelId, isKnownBaseId);
}

function parseProfileOrBase(id: string, isKnownBaseId: (id: string) => boolean): ParsedModelId {
  if (isKnownBaseId(id)) return { form: 'base', baseModelId: id };
  const profile = PROFILE_PREFIX_PATTERN.exec(id);
  if (profile && isKnownBaseId(profile[2]!)) return { form: 'inference-profile', profileId: id, baseModelId: profile[2]! };
  return { form: 'other', id };
}
