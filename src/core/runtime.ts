import { createLlamaCppBackend } from '../backends/llamacpp/llamacpp-backend.js';
import type { LlamaCppBackendOptions } from '../backends/llamacpp/llamacpp-options.js';
import { createOllamaBackend, type OllamaBackendOptions } from '../backends/ollama/ollama-backend.js';
import { createOpenAICompatibleBackend, type OpenAICompatibleBackendOptions } from '../backends/openai-compatible/openai-compatible-backend.js';
import { createRecordingBackend } from '../backends/recording/recording-backend.js';
import { createScriptedBackend, type ScriptedBackend } from '../backends/scripted/scripted-backend.js';
import type { ScriptedReplySource, ScriptedRule } from '../backends/scripted/script.js';
import type { Backend } from '../backends/types.js';
import { createModelRegistry, type ModelRegistry, type ModelRegistryOptions } from '../models/registry.js';
import { resolveFeatureChecks, type FeatureCheckSettings, type FeatureChecksOption } from '../models/feature-checks.js';
import { FOUNDATION_MODELS, mergeFoundationModels, type FoundationModelDefinition } from '../models/foundation-models.js';
import { createApplicationProfileStore, type ApplicationProfileStore } from '../models/inference-profiles.js';
import { applyGuardrailDeclarations, type GuardrailDeclaration } from '../guardrails/declarations.js';
import { createGuardrailStore, type GuardrailStore } from '../guardrails/store.js';
import { createBatch, type BatchOptions, type LocalBatch } from '../batch/batch-jobs.js';
import { createFaultInjector, type FaultInjector } from '../faults/fault-injector.js';
import { parseFaultRules, type FaultRule } from '../faults/fault-rules.js';
import { createQuotaLimiter, parseQuotaTable, type QuotaLimiter, type QuotaTable } from '../quotas/quota-limiter.js';
import { createAsyncInvokeStore, type AsyncInvokeStore } from '../async-invoke/async-invoke-store.js';
import type { SonicOptions } from '../operations/runtime/bidirectional/sonic-options.js';
import { createPromptCache, type PromptCache } from '../caching/prompt-cache.js';
import { CallLog } from './call-log.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import { defaultLogger, type LocalBedrockLogger } from './logger.js';

/** Backends that can be chosen by name (option `backend` or `LOCAL_BEDROCK_BACKEND`). */
export type BackendName = 'scripted' | 'ollama' | 'openai' | 'llamacpp';

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
  /** Options for the in-process llama.cpp backend when it is chosen by name (`llamacpp`); `modelPath` defaults to `LOCAL_BEDROCK_LLAMACPP_MODEL`. */
  llamacpp?: LlamaCppBackendOptions;
  /** Options for the OpenAI-compatible backend when it is chosen by name (`openai`). */
  openai?: OpenAICompatibleBackendOptions;
  /** Receives warnings; defaults to one line on stderr per warning. */
  logger?: LocalBedrockLogger;
  /**
   * Records the backend's answers to this cassette file and replays them (mode from
   * `LOCAL_BEDROCK_CASSETTE_MODE`, default `replay`). Default: `LOCAL_BEDROCK_CASSETTE`.
   */
  cassette?: string;
  /** The time source for timestamps, job lifecycles and quota or cache windows. Default: `SYSTEM_CLOCK`. */
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
  /** Faults to inject from the start (see `runtime.faults`). Default: `LOCAL_BEDROCK_FAULTS` (a JSON array). */
  faults?: FaultRule[];
  /** Seed of the dice that `probability` rules roll. Default: `LOCAL_BEDROCK_FAULT_SEED`, else 1. */
  faultSeed?: number;
  /**
   * On-demand quotas to enforce, by model id or `prefix*` (requests/tokens per minute, tokens per day).
   * Default: `LOCAL_BEDROCK_QUOTAS` (the same table as JSON), else none.
   */
  quotas?: QuotaTable;
  /**
   * Guardrails that exist from the start: declarations (the CreateGuardrail request plus an optional fixed
   * `guardrailId` and `versions`), or the path of a JSON file holding an array of them.
   */
  guardrails?: GuardrailDeclaration[] | string;
  /** A JSON file the guardrails are loaded from and saved to after every change, so they survive restarts. */
  guardrailStore?: string;
  /** Batch inference: storage, job store file, `background`/`immediate` mode, concurrency, progress callback. */
  batch?: BatchOptions;
  /** Nova Sonic sessions (InvokeModelWithBidirectionalStream): speech hooks and session time limits. */
  sonic?: SonicOptions;
  /**
   * Emulates prompt caching: checkpoints (`cachePoint`, `cache_control`) read and write a per-runtime cache
   * and usage reports cache tokens. `false` reports no cache tokens. Default: `true`.
   */
  promptCache?: boolean;
  /**
   * Refusing what Bedrock refuses per model: profile-only models by base id, models past end of life, system
   * prompts, tools, tool use while streaming, forced tool choice, images and documents the model lacks.
   * `false` relaxes every check, `{ profileOnly: false, … }` the named ones. Default: all on, as changed by
   * `LOCAL_BEDROCK_FEATURE_CHECKS` (`off`, or pairs such as `profileOnly=off,tools=off`).
   */
  featureChecks?: FeatureChecksOption;
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
  /** Async invocations (StartAsyncInvoke); they write to `batch.storage`. */
  readonly asyncInvokes: AsyncInvokeStore;
  /** On-demand quotas (opt-in): calls over them get `ThrottlingException` with `retry-after`. */
  readonly quotas: QuotaLimiter;
  /** Injected faults: exceptions, latency, cut streams, dropped connections, by operation, model and call. */
  readonly faults: FaultInjector;
  /** The foundation-model table the control plane lists. */
  readonly foundationModels: readonly FoundationModelDefinition[];
  /** Application inference profiles created through CreateInferenceProfile. */
  readonly applicationProfiles: ApplicationProfileStore;
  /** The guardrails of this runtime (control plane, ApplyGuardrail and inline guardrails). */
  readonly guardrails: GuardrailStore;
  /** Batch inference jobs (model invocation jobs): their store, storage, events and `waitForJob`. */
  readonly batch: LocalBatch;
  /** Nova Sonic session options (speech hooks, time limits), as given. */
  readonly sonic: SonicOptions;
  /** The prompt cache checkpoints read and write, on `clock`; `clear()` it between tests. */
  readonly promptCache: PromptCache;
  /** Which per-model checks are on (option `featureChecks` over `LOCAL_BEDROCK_FEATURE_CHECKS`). */
  readonly featureChecks: FeatureCheckSettings;
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
    case 'openai':
      return createOpenAICompatibleBackend({ env, ...options.openai });
    case 'llamacpp':
      // Synchronous on purpose: node-llama-cpp is imported and the model loaded on the first request.
      return createLlamaCppBackend({ env, ...options.llamacpp });
    default:
      throw new Error(`[local-bedrock] Unknown backend "${choice}". Use "scripted", "ollama", "openai" or "llamacpp", or pass a backend object.`);
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
  const clock = options.clock ?? SYSTEM_CLOCK;
  const accountId = options.accountId ?? '123456789012';
  const applicationProfiles = createApplicationProfileStore({ clock, accountId });
  const region = options.region ?? (env.AWS_REGION?.trim() || 'us-east-1');
  const guardrails = createGuardrailStore({ clock, accountId, region, ...(options.guardrailStore ? { file: options.guardrailStore } : {}) });
  if (options.guardrails) applyGuardrailDeclarations(guardrails, options.guardrails, region);
  const runtime: LocalBedrockRuntime = {
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
    quotas: createQuotaLimiter({ clock, quotas: options.quotas ?? parseQuotaTable(env.LOCAL_BEDROCK_QUOTAS) }),
    faults: createFaultInjector({
      rules: options.faults ?? parseFaultRules(env.LOCAL_BEDROCK_FAULTS),
      seed: options.faultSeed ?? (env.LOCAL_BEDROCK_FAULT_SEED ? Number(env.LOCAL_BEDROCK_FAULT_SEED) : undefined),
    }),
    applicationProfiles,
    region,
    guardrails,
    // Jobs call back into the runtime (its operations), which exists once this literal is built.
    batch: createBatch({ runtime: () => runtime, clock }, options.batch),
    sonic: options.sonic ?? {},
    promptCache: createPromptCache({ clock, enabled: options.promptCache ?? true }),
    featureChecks: resolveFeatureChecks(options.featureChecks, env.LOCAL_BEDROCK_FEATURE_CHECKS),
    asyncInvokes: createAsyncInvokeStore({ clock, accountId, logger, storage: () => runtime.batch.storage }),
    async dispose() {
      await runtime.batch.dispose();
      await backend.dispose?.();
    },
  };
  return runtime;
}

/** A runtime as given, or a new one from options. */
export function toRuntime(optionsOrRuntime: LocalBedrockOptions | LocalBedrockRuntime | undefined): LocalBedrockRuntime {
  return isRuntime(optionsOrRuntime) ? optionsOrRuntime : createRuntime(optionsOrRuntime);
}
