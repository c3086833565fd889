import { createOllamaBackend, type OllamaBackendOptions } from '../backends/ollama/ollama-backend.js';
import { createRecordingBackend } from '../backends/recording/recording-backend.js';
import { createScriptedBackend, type ScriptedBackend } from '../backends/scripted/scripted-backend.js';
import type { ScriptedReplySource, ScriptedRule } from '../backends/scripted/script.js';
import type { Backend } from '../backends/types.js';
import { createModelRegistry, type ModelRegistry, type ModelRegistryOptions } from '../models/registry.js';
import { FOUNDATION_MODELS, mergeFoundationModels, type FoundationModelDefinition } from '../models/foundation-models.js';
import { createApplicationProfileStore, type ApplicationProfileStore } from '../models/inference-profiles.js';
import { CallLog } from './call-log.js';
import { systemClock, type Clock } from './clock.js';
import { defaultLogger, type LocalBedrockLogger } from './logger.js';

/** Backends that can be chosen by name (option `backend` or `LOCAL_BEDROCK_BACKEND`). */
export type BackendName = 'scripted' | 'ollama';

/** Options of one local Bedrock instance. */
export interface LocalBedrockOptions extends ModelRegistryOptions {
  /**
   * What answers: a backend object, or a name. Default: `LOCAL_BEDROCK_BACKEND`, else `scripted`.
   */
  backend?: Backend | BackendName;
  /** Replies the default scripted backend gives in order (ignored by other backends). */
  responses?: ScriptedReplySource[];
  /** Rules of the default scripted backend (ignored by other backends). */
  rules?: ScriptedRule[];
  /** Options for the Ollama backend when it is chosen by name. */
  ollama?: OllamaBackendOptions;
  /** Receives warnings; defaults to one line on stderr per warning. */
  logger?: LocalBedrockLogger;
  /**
   * Records the backend's answers to this cassette file and replays them (mode from
   * `LOCAL_BEDROCK_CASSETTE_MODE`, default `replay`). Default: `LOCAL_BEDROCK_CASSETTE`.
   */
  cassette?: string;
  /** The time source for timestamps, job lifecycles and quota or cache windows. Default: `systemClock`. */
  clock?: Clock;
  /** The AWS account id in the ARNs this runtime makes (guardrails, jobs, profiles). Default: `123456789012`. */
  accountId?: string;
  /** The region in those ARNs. Default: `AWS_REGION`, else `us-east-1`. */
  region?: string;
  /**
   * Lines added to (or replacing, by `modelId`) the curated foundation-model table that ListFoundationModels,
   * GetFoundationModel and the system inference profiles are built from.
   */
  foundationModels?: FoundationModelDefinition[];
}

const RUNTIME_MARKER = Symbol.for('local-bedrock.LocalBedrockRuntime');

/**
 * The state one local Bedrock owns: its backend, model registry and logger. Two runtimes share nothing; one
 * runtime may serve several SDK clients.
 */
export interface LocalBedrockRuntime {
  readonly [RUNTIME_MARKER]: true;
  readonly backend: Backend;
  readonly models: ModelRegistry;
  readonly logger: LocalBedrockLogger;
  /** The scripted backend, when it is the one answering, for scripting replies after creation. */
  readonly scripted: ScriptedBackend | undefined;
  /** Every request this runtime answered (the last 1000), with its response. */
  readonly callLog: CallLog;
  /** The time source (see `createManualClock` for tests). */
  readonly clock: Clock;
  /** The account id in the ARNs this runtime makes. */
  readonly accountId: string;
  /** The region in those ARNs. */
  readonly region: string;
  /** The foundation-model table the control plane lists. */
  readonly foundationModels: readonly FoundationModelDefinition[];
  /** Application inference profiles created through CreateInferenceProfile. */
  readonly applicationProfiles: ApplicationProfileStore;
  /** Logs a warning once per runtime, however often it is asked to. */
  warnOnce(message: string): void;
  /** Releases the backend's resources. */
  dispose(): Promise<void>;
}

/**
 * Whether a value is a runtime made by `createRuntime` (of any copy of this package).
 *
 * @example
 * isRuntime(createRuntime()); // true
 */
export function isRuntime(value: unknown): value is LocalBedrockRuntime {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RUNTIME_MARKER] === true;
}

function chooseBackend(options: LocalBedrockOptions, env: Readonly<Record<string, string | undefined>>): Backend {
  const choice = options.backend ?? env.LOCAL_BEDROCK_BACKEND?.trim() ?? 'scripted';
  if (typeof choice === 'object') return choice;
  switch (choice) {
    case '':
    case 'scripted':
      return createScriptedBackend({ responses: options.responses, rules: options.rules });
    case 'ollama':
      return createOllamaBackend({ host: env.OLLAMA_HOST, env, ...options.ollama });
    default:
      throw new Error(`[local-bedrock] Unknown backend "${choice}". Use "scripted" or "ollama", or pass a backend object.`);
  }
}

/**
 * Creates the state of one local Bedrock. Front doors create one for you; create it yourself to share it
 * between clients (e.g. a runtime and a control-plane client) or to script it after creation.
 *
 * @example
 * const runtime = createRuntime({ responses: [{ text: 'Hello!' }] });
 * client.middlewareStack.use(localBedrock(runtime));
 */
export function createRuntime(options: LocalBedrockOptions = {}): LocalBedrockRuntime {
  const env = options.env ?? process.env;
  const logger = options.logger ?? defaultLogger;
  const chosen = chooseBackend(options, env);
  const cassette = options.cassette ?? env.LOCAL_BEDROCK_CASSETTE;
  const backend = cassette ? createRecordingBackend({ backend: chosen, cassette, env }) : chosen;
  // Scripting reaches the scripted backend even inside a cassette (it answers while recording).
  const isScripted = chosen.name === 'scripted' && 'enqueue' in chosen;
  if (!isScripted && (options.responses || options.rules)) {
    logger.warn(`[local-bedrock] "responses" and "rules" script the scripted backend; the ${chosen.name} backend ignores them.`);
  }
  const warned = new Set<string>();
  const clock = options.clock ?? systemClock;
  const accountId = options.accountId ?? '123456789012';
  const applicationProfiles = createApplicationProfileStore({ clock, accountId });
  return {
    [RUNTIME_MARKER]: true,
    warnOnce(message) {
      if (warned.has(message)) return;
      warned.add(message);
      logger.warn(message);
    },
    backend,
    models: createModelRegistry({ ...options, env }, applicationProfiles),
    logger,
    scripted: isScripted ? (chosen as ScriptedBackend) : undefined,
    callLog: new CallLog(),
    clock,
    accountId,
    foundationModels: mergeFoundationModels(FOUNDATION_MODELS, options.foundationModels),
    applicationProfiles,
    region: options.region ?? (env.AWS_REGION?.trim() || 'us-east-1'),
    async dispose() {
      await backend.dispose?.();
    },
  };
}

/** A runtime as given, or a new one from options. */
export function toRuntime(optionsOrRuntime: LocalBedrockOptions | LocalBedrockRuntime | undefined): LocalBedrockRuntime {
  return isRuntime(optionsOrRuntime) ? optionsOrRuntime : createRuntime(optionsOrRuntime);
}
