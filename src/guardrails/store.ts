/**
 * The guardrails one runtime owns: each has a mutable DRAFT and immutable numbered versions. The control-plane
 * operations read and write it in the GetGuardrail/ListGuardrails wire shapes; ApplyGuardrail and inline
 * guardrails `resolve()` a version's policies from it. With a `file`, every change is saved at once.
 */
import { decodePageToken, encodePageToken } from '../core/page-token.js';
import { newResourceId } from '../core/resource-id.js';
import { BedrockServiceError, validationError } from '../errors/bedrock-errors.js';
import type { Clock } from '../core/clock.js';
import { toGuardrailConfiguration, type GuardrailConfiguration } from './config-conversion.js';
import type { GuardrailAutomatedReasoningPolicy } from './config-types.js';
import { validateGuardrailConfig } from './config-validation.js';
import { loadGuardrailFile, saveGuardrailFile } from './file-persistence.js';
import type { GuardrailPolicies, GuardrailResolver, ResolvedGuardrail } from './types.js';

/** The ARN form of a guardrail identifier; group 1 is the account, group 2 the id. */
const GUARDRAIL_ARN = /^arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]{1,20}:([0-9]{12}):guardrail\/([a-z0-9]+)$/;
const GUARDRAIL_ID = /^[a-z0-9]+$/;
const MAX_LIST_RESULTS = 1000;

/**
 * The message the runtime (ApplyGuardrail, Converse, InvokeModel) answers with, as a `ValidationException`, for
 * an unknown guardrail or version: the service words both cases the same.
 *
 * @example
 * expect(error.message).toBe(UNKNOWN_GUARDRAIL_MESSAGE);
 */
export const UNKNOWN_GUARDRAIL_MESSAGE = 'The guardrail identifier or version provided in the request does not exist.';

/**
 * GetGuardrail's `crossRegionDetails`.
 *
 * @example
 * const details: GuardrailCrossRegionDetails = { guardrailProfileId: 'us.guardrail.v1:0', guardrailProfileArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail-profile/us.guardrail.v1:0' };
 */
export interface GuardrailCrossRegionDetails {
  guardrailProfileId: string;
  guardrailProfileArn: string;
}

/**
 * One guardrail version as GetGuardrail answers (timestamps as ISO-8601 strings).
 *
 * @example
 * const details: GuardrailDetails = runtime.guardrails.get('abc123def456', 'DRAFT');
 */
export interface GuardrailDetails extends Omit<GuardrailPolicies, 'blockedInputMessaging' | 'blockedOutputsMessaging'> {
  name: string;
  description?: string;
  guardrailId: string;
  guardrailArn: string;
  version: string;
  status: 'READY';
  automatedReasoningPolicy?: GuardrailAutomatedReasoningPolicy;
  crossRegionDetails?: GuardrailCrossRegionDetails;
  createdAt: string;
  updatedAt: string;
  blockedInputMessaging: string;
  blockedOutputsMessaging: string;
  kmsKeyArn?: string;
}

/**
 * One element of ListGuardrails' `guardrails`.
 *
 * @example
 * const names = runtime.guardrails.list().guardrails.map((summary: GuardrailSummary) => summary.name);
 */
export interface GuardrailSummary {
  id: string;
  arn: string;
  status: 'READY';
  name: string;
  description?: string;
  version: string;
  createdAt: string;
  updatedAt: string;
  crossRegionDetails?: GuardrailCrossRegionDetails;
}

/** A stored version (DRAFT or numbered). Plain JSON, as it is persisted. */
interface StoredVersion {
  version: string;
  configuration: GuardrailConfiguration;
  createdAt: string;
  updatedAt: string;
}

/** A stored guardrail. Plain JSON, as it is persisted. */
interface StoredGuardrail {
  guardrailId: string;
  guardrailArn: string;
  /** The region of its ARN (the caller's region at creation), for derived ARNs. */
  region: string;
  draft: StoredVersion;
  /** Numbered versions, ascending. */
  versions: StoredVersion[];
  /** Version numbers are never reused, even after a version is deleted. */
  nextVersion: number;
  /** `clientRequestToken` of each CreateGuardrailVersion → the version it made. */
  versionTokens: Record<string, string>;
  tags?: { key: string; value: string }[];
}

/** Everything a store holds. Plain JSON, as it is persisted. */
interface StoreState {
  /** In creation order. */
  guardrails: StoredGuardrail[];
  /** `clientRequestToken` of each CreateGuardrail → the guardrail it made. */
  createTokens: Record<string, string>;
}

/**
 * Options of `createGuardrailStore`.
 *
 * @example
 * const options: GuardrailStoreOptions = { clock: SYSTEM_CLOCK, accountId: '123456789012', file: 'guardrails.json' };
 */
export interface GuardrailStoreOptions {
  /** Source of `createdAt`/`updatedAt`. */
  clock: Clock;
  /** The account in the ARNs. */
  accountId: string;
  /** The region in the ARNs when a call names none. Default `us-east-1`. */
  region?: string;
  /** A JSON file the store is loaded from and saved to after every change. */
  file?: string;
}

/**
 * Per-call options of `GuardrailStore.create`.
 *
 * @example
 * store.create(request, { region: 'eu-west-1', guardrailId: 'fixedid00001' });
 */
export interface GuardrailCreateOptions {
  /** The caller's region (it goes into the ARN). Default: the store's region. */
  region?: string;
  /** A fixed id (`[a-z0-9]+`) instead of a random one, for declared guardrails. */
  guardrailId?: string;
}

/**
 * The guardrails of one runtime. Methods take a guardrail id or ARN and throw the service's errors as
 * `BedrockServiceError`s. `resolve()` is what ApplyGuardrail and inline guardrails use.
 *
 * @example
 * const store = createGuardrailStore({ clock: SYSTEM_CLOCK, accountId: '123456789012' });
 * const { guardrailId } = store.create({ name: 'g', blockedInputMessaging: 'No.', blockedOutputsMessaging: 'No.',
 *   wordPolicyConfig: { wordsConfig: [{ text: 'secret' }] } });
 * store.createVersion(guardrailId); // { guardrailId, version: '1' }
 */
export interface GuardrailStore extends GuardrailResolver {
  /** CreateGuardrail: validates the request, makes the DRAFT. The same `clientRequestToken` returns the same result. */
  create(request: unknown, options?: GuardrailCreateOptions): { guardrailId: string; guardrailArn: string; version: 'DRAFT'; createdAt: string };
  /** GetGuardrail: the DRAFT (default) or a numbered version. */
  get(identifier: string, version?: string): GuardrailDetails;
  /** ListGuardrails: without an identifier the DRAFT of every guardrail; with one, all its versions, DRAFT first. */
  list(options?: { guardrailIdentifier?: string; maxResults?: number; nextToken?: string }): { guardrails: GuardrailSummary[]; nextToken?: string };
  /** UpdateGuardrail: replaces the DRAFT in full. */
  update(identifier: string, request: unknown): { guardrailId: string; guardrailArn: string; version: 'DRAFT'; updatedAt: string };
  /** CreateGuardrailVersion: an immutable snapshot of the DRAFT, numbered from 1. */
  createVersion(identifier: string, options?: { description?: string; clientRequestToken?: string }): { guardrailId: string; version: string };
  /** DeleteGuardrail: one numbered version, or the whole guardrail when no version is given. */
  delete(identifier: string, version?: string): void;
  /** The policies of one version (`DRAFT` or a number), for ApplyGuardrail and inline guardrails. */
  resolve(identifier: string, version: string): ResolvedGuardrail;
}

/**
 * Creates a guardrail store, loading `file` when given (a corrupt file throws here rather than being
 * overwritten).
 *
 * @example
 * const store = createGuardrailStore({ clock: runtime.clock, accountId: runtime.accountId, file: './guardrails.json' });
 */
export function createGuardrailStore(options: GuardrailStoreOptions): GuardrailStore {
  const { clock, accountId, file } = options;
  const defaultRegion = options.region ?? 'us-east-1';
  const state: StoreState = (file ? loadGuardrailFile<StoreState>(file) : undefined) ?? { guardrails: [], createTokens: {} };

  const now = () => new Date(clock.now()).toISOString();
  const save = () => {
    if (file) saveGuardrailFile(file, state);
  };

  /** The guardrail an id or ARN names, or `undefined`. */
  function find(identifier: string): StoredGuardrail | undefined {
    const arn = GUARDRAIL_ARN.exec(identifier);
    if (arn && arn[1] !== accountId) return undefined;
    const id = arn ? arn[2]! : identifier;
    return state.guardrails.find((guardrail) => guardrail.guardrailId === id);
  }

  function findOrThrow(identifier: string): StoredGuardrail {
    const guardrail = find(identifier);
    if (!guardrail) throw notFound(identifier);
    return guardrail;
  }

  function findVersion(guardrail: StoredGuardrail, version: string): StoredVersion | undefined {
    return version === 'DRAFT' ? guardrail.draft : guardrail.versions.find((candidate) => candidate.version === version);
  }

  function assertUniqueName(name: string, except?: StoredGuardrail): void {
    if (state.guardrails.some((guardrail) => guardrail !== except && guardrail.draft.configuration.name === name)) {
      throw new BedrockServiceError('ConflictException', `A guardrail with the name ${name} already exists.`);
    }
  }

  function details(guardrail: StoredGuardrail, stored: StoredVersion): GuardrailDetails {
    const { configuration } = stored;
    const { blockedInputMessaging, blockedOutputsMessaging, ...policies } = structuredClone(configuration.policies);
    const answer: GuardrailDetails = {
      name: configuration.name,
      ...(configuration.description === undefined ? {} : { description: configuration.description }),
      guardrailId: guardrail.guardrailId,
      guardrailArn: guardrail.guardrailArn,
      version: stored.version,
      status: 'READY',
      ...policies,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      blockedInputMessaging,
      blockedOutputsMessaging,
    };
    if (configuration.automatedReasoningPolicy) answer.automatedReasoningPolicy = structuredClone(configuration.automatedReasoningPolicy);
    const crossRegion = crossRegionDetails(guardrail, configuration);
    if (crossRegion) answer.crossRegionDetails = crossRegion;
    if (configuration.kmsKeyId !== undefined) answer.kmsKeyArn = kmsKeyArn(guardrail.region, configuration.kmsKeyId);
    return answer;
  }

  function summary(guardrail: StoredGuardrail, stored: StoredVersion): GuardrailSummary {
    const answer: GuardrailSummary = {
      id: guardrail.guardrailId,
      arn: guardrail.guardrailArn,
      status: 'READY',
      name: stored.configuration.name,
      ...(stored.configuration.description === undefined ? {} : { description: stored.configuration.description }),
      version: stored.version,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
    };
    const crossRegion = crossRegionDetails(guardrail, stored.configuration);
    if (crossRegion) answer.crossRegionDetails = crossRegion;
    return answer;
  }

  function crossRegionDetails(guardrail: StoredGuardrail, configuration: GuardrailConfiguration): GuardrailCrossRegionDetails | undefined {
    const identifier = configuration.crossRegionProfileIdentifier;
    if (identifier === undefined) return undefined;
    if (identifier.startsWith('arn:')) return { guardrailProfileId: identifier.slice(identifier.lastIndexOf('/') + 1), guardrailProfileArn: identifier };
    return { guardrailProfileId: identifier, guardrailProfileArn: `arn:aws:bedrock:${guardrail.region}:${accountId}:guardrail-profile/${identifier}` };
  }

  function kmsKeyArn(region: string, kmsKeyId: string): string {
    return kmsKeyId.startsWith('arn:') ? kmsKeyId : `arn:aws:kms:${region}:${accountId}:key/${kmsKeyId}`;
  }

  function newId(): string {
    for (;;) {
      const id = newResourceId();
      if (!state.guardrails.some((guardrail) => guardrail.guardrailId === id)) return id;
    }
  }

  return {
    create(request, createOptions = {}) {
      const config = validateGuardrailConfig(request, 'CreateGuardrail');
      const token = config.clientRequestToken;
      const earlier = token === undefined ? undefined : state.createTokens[token];
      const repeated = earlier === undefined ? undefined : find(earlier);
      if (repeated) {
        return { guardrailId: repeated.guardrailId, guardrailArn: repeated.guardrailArn, version: 'DRAFT', createdAt: repeated.draft.createdAt };
      }
      assertUniqueName(config.name);
      const fixedId = createOptions.guardrailId;
      if (fixedId !== undefined) {
        if (!GUARDRAIL_ID.test(fixedId)) throw validationError(`The guardrail id ${fixedId} is invalid: use lower-case letters and digits only.`);
        if (find(fixedId)) throw new BedrockServiceError('ConflictException', `A guardrail with the id ${fixedId} already exists.`);
      }
      const guardrailId = fixedId ?? newId();
      const region = createOptions.region ?? defaultRegion;
      const createdAt = now();
      const guardrail: StoredGuardrail = {
        guardrailId,
        guardrailArn: `arn:aws:bedrock:${region}:${accountId}:guardrail/${guardrailId}`,
        region,
        draft: { version: 'DRAFT', configuration: toGuardrailConfiguration(config), createdAt, updatedAt: createdAt },
        versions: [],
        nextVersion: 1,
        versionTokens: {},
        ...(config.tags ? { tags: structuredClone(config.tags) } : {}),
      };
      state.guardrails.push(guardrail);
      if (token !== undefined) state.createTokens[token] = guardrailId;
      save();
      return { guardrailId, guardrailArn: guardrail.guardrailArn, version: 'DRAFT', createdAt };
    },

    get(identifier, version = 'DRAFT') {
      const guardrail = findOrThrow(identifier);
      const stored = findVersion(guardrail, version);
      if (!stored) throw notFound(identifier, version);
      return details(guardrail, stored);
    },

    list(listOptions = {}) {
      let entries: GuardrailSummary[];
      if (listOptions.guardrailIdentifier !== undefined) {
        const guardrail = findOrThrow(listOptions.guardrailIdentifier);
        entries = [guardrail.draft, ...guardrail.versions].map((stored) => summary(guardrail, stored));
      } else {
        entries = state.guardrails.map((guardrail) => summary(guardrail, guardrail.draft));
      }
      const offset = listOptions.nextToken === undefined ? 0 : decodePageToken('guardrails', listOptions.nextToken);
      const pageSize = Math.min(listOptions.maxResults ?? MAX_LIST_RESULTS, MAX_LIST_RESULTS);
      const page = entries.slice(offset, offset + pageSize);
      const next = offset + pageSize;
      return next < entries.length ? { guardrails: page, nextToken: encodePageToken('guardrails', next) } : { guardrails: page };
    },

    update(identifier, request) {
      // The request is validated before the guardrail is looked up, as the service's model validation runs first.
      const config = validateGuardrailConfig(request, 'UpdateGuardrail');
      const guardrail = findOrThrow(identifier);
      assertUniqueName(config.name, guardrail);
      const updatedAt = now();
      guardrail.draft = { version: 'DRAFT', configuration: toGuardrailConfiguration(config), createdAt: guardrail.draft.createdAt, updatedAt };
      save();
      return { guardrailId: guardrail.guardrailId, guardrailArn: guardrail.guardrailArn, version: 'DRAFT', updatedAt };
    },

    createVersion(identifier, versionOptions = {}) {
      const guardrail = findOrThrow(identifier);
      const token = versionOptions.clientRequestToken;
      const earlier = token === undefined ? undefined : guardrail.versionTokens[token];
      if (earlier !== undefined) return { guardrailId: guardrail.guardrailId, version: earlier };
      const version = String(guardrail.nextVersion);
      const configuration = structuredClone(guardrail.draft.configuration);
      if (versionOptions.description !== undefined) configuration.description = versionOptions.description;
      const createdAt = now();
      guardrail.versions.push({ version, configuration, createdAt, updatedAt: createdAt });
      guardrail.nextVersion += 1;
      if (token !== undefined) guardrail.versionTokens[token] = version;
      save();
      return { guardrailId: guardrail.guardrailId, version };
    },

    delete(identifier, version) {
      const guardrail = findOrThrow(identifier);
      if (version === undefined) {
        state.guardrails.splice(state.guardrails.indexOf(guardrail), 1);
        for (const [token, id] of Object.entries(state.createTokens)) if (id === guardrail.guardrailId) delete state.createTokens[token];
      } else {
        const index = guardrail.versions.findIndex((candidate) => candidate.version === version);
        if (index < 0) throw notFound(identifier, version);
        guardrail.versions.splice(index, 1);
      }
      save();
    },

    resolve(identifier, version) {
      const guardrail = find(identifier);
      const stored = guardrail && findVersion(guardrail, version);
      if (!guardrail || !stored) throw validationError(UNKNOWN_GUARDRAIL_MESSAGE);
      return {
        guardrailId: guardrail.guardrailId,
        guardrailArn: guardrail.guardrailArn,
        version: stored.version,
        policies: structuredClone(stored.configuration.policies),
      };
    },
  };
}

function notFound(identifier: string, version?: string): BedrockServiceError {
  const what = version === undefined ? `The guardrail ${identifier}` : `Version ${version} of the guardrail ${identifier}`;
  return new BedrockServiceError('ResourceNotFoundException', `${what} does not exist.`);
}

