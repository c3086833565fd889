import { BedrockClient, type BedrockClientConfig } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { RetryStrategyV2, RetryToken } from '@smithy/types';
import type { ScriptedBackend } from '../backends/scripted/scripted-backend.js';
import type { Backend } from '../backends/types.js';
import { createRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../core/runtime.js';
import { parseQuotaTable } from '../quotas/quota-limiter.js';
import { localBedrock, type LocalBedrockPlugin } from '../front-doors/middleware.js';
import type { OperationName } from '../router/routes.js';
import type { BedrockCall, ScriptableOperation } from './calls.js';
import { createReplyChain, type CallMatch, type ReplyChainFor } from './scripting.js';
import { createFaultScripting, type FaultScripting } from './faults.js';

/**
 * Options of a test's local Bedrock: every runtime option (`backend`, `modelMap`, `responses`, `rules`, …)
 * plus how its clients are built and what it is scripted with from the start.
 *
 * @example
 * const options: LocalBedrockTestOptions = { modelMap: { 'anthropic.*': 'qwen3' }, setup: (bedrock) => bedrock.on('Converse').reply({ text: 'Hi' }) };
 */
export interface LocalBedrockTestOptions extends Omit<LocalBedrockOptions, 'backend'> {
  /**
   * What answers: a name, a backend object, or a function making one. A fixture's options serve every test
   * and each test disposes of its backend, so give a function to have a fresh backend per test.
   *
   * @example
   * createBedrockTest({ backend: () => createOllamaBackend({ host: 'http://127.0.0.1:11434' }) });
   */
  backend?: LocalBedrockOptions['backend'] | (() => Backend);
  /**
   * Scripting every test starts with, run again by `bedrock.reset()`. Scripts a test adds later win over it.
   *
   * @example
   * createLocalBedrock({ setup: (bedrock) => bedrock.onAny({ prompt: /weather/ }).reply({ text: 'Sunny.' }) });
   */
  setup?: (bedrock: LocalBedrockFixture) => void;
  /**
   * Extra configuration for both clients. By default they retry as the SDK's standard strategy does (same
   * attempts, same retryable errors) without waiting between attempts; `maxAttempts` changes the attempts,
   * a `retryStrategy` of your own replaces that.
   */
  clientConfig?: Partial<BedrockRuntimeClientConfig & BedrockClientConfig>;
}

/**
 * A local Bedrock for one test: a fresh runtime, SDK clients wired to it, scripting and the call log.
 *
 * @example
 * test('answers', async ({ bedrock }) => {
 *   bedrock.on('Converse').reply({ text: 'Hello!' });
 *   await bedrock.runtimeClient.send(new ConverseCommand({ modelId, messages }));
 *   expect(bedrock.lastCall?.operation).toBe('Converse');
 * });
 */
export interface LocalBedrockFixture extends FaultScripting {
  /** The runtime answering this test's requests. */
  readonly runtime: LocalBedrockRuntime;
  /** A `BedrockRuntimeClient` (region `us-east-1`, static credentials) answered by `runtime`. */
  readonly runtimeClient: BedrockRuntimeClient;
  /**
   * A control-plane `BedrockClient` (region `us-east-1`, static credentials) answered by the same runtime,
   * which answers control-plane operations it does not implement with Bedrock's `ResourceNotFoundException`.
   */
  readonly controlClient: BedrockClient;
  /**
   * The configuration the clients use (region, static credentials, retries), for building clients of your
   * own; wire them with `attach()`.
   */
  readonly clientConfig: Readonly<BedrockRuntimeClientConfig & BedrockClientConfig>;
  /**
   * Wires a client of your own (e.g. one your code under test creates) to this runtime and returns it. Give
   * it static credentials: requests are signed before they are answered.
   *
   * @example
   * const client = bedrock.attach(new BedrockRuntimeClient(bedrock.clientConfig));
   */
  attach<Client extends { middlewareStack: { use(plugin: LocalBedrockPlugin): void } }>(client: Client): Client;
  /**
   * Scripts the replies to calls of one operation (that match `match`). Needs the scripted backend. Later
   * scripts win over earlier ones; queued `responses` (an option) answer before any script.
   *
   * @example
   * bedrock.on('Converse', { prompt: /weather/ }).replyOnce({ toolUse: { name: 'get_weather', input: { city: 'Oslo' } } }).reply({ text: 'Rainy.' });
   */
  on<O extends ScriptableOperation>(operation: O, match?: CallMatch): ReplyChainFor<O>;
  /**
   * Scripts the replies to calls of every chat operation that match `match`.
   *
   * @example
   * bedrock.onAny({ modelId: /llama/ }).fail('ModelNotReadyException');
   */
  onAny(match?: CallMatch): ReplyChainFor<ScriptableOperation>;
  /**
   * Forgets every script, fault and quota added since creation, `resetHandlers`-style: the backend's queue
   * and rules, the faults and the quotas (with their usage) go back to the `responses`, `rules`, `faults`,
   * `quotas` and `setup` given at creation. The call log is kept (see `clearCalls`).
   *
   * @example
   * bedrock.reset();
   */
  reset(): void;
  /** Every call answered so far, oldest first (a copy). */
  readonly calls: BedrockCall[];
  /**
   * The calls of one operation, oldest first, typed for it.
   *
   * @example
   * const [call] = bedrock.callsTo('Converse');
   * call?.input?.inferenceConfig?.maxTokens;
   */
  callsTo<O extends OperationName>(operation: O): BedrockCall<O>[];
  /** The most recent call, if any. */
  readonly lastCall: BedrockCall | undefined;
  /**
   * Forgets the recorded calls.
   *
   * @example
   * bedrock.clearCalls();
   */
  clearCalls(): void;
  /**
   * Destroys the clients and releases the runtime's backend; the vitest fixture does this after each test.
   *
   * @example
   * await bedrock.dispose();
   */
  dispose(): Promise<void>;
}

/** Static credentials, so the SDK never walks its credential chain (env, files, IMDS). */
const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCALBEDROCK', secretAccessKey: 'local-bedrock-secret' };
const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * The SDK's standard retry decision (retry throttling and transient errors until `maxAttempts`) without
 * the backoff: tests see every attempt the SDK would make, and a throttled call costs no time.
 */
function immediateRetries(maxAttempts: number): RetryStrategyV2 {
  const token = (retries: number): RetryToken => ({ getRetryCount: () => retries, getRetryDelay: () => 0 });
  return {
    acquireInitialRetryToken: async () => token(0),
    async refreshRetryTokenForRetry(previous, { errorType }) {
      const retryable = errorType === 'THROTTLING' || errorType === 'TRANSIENT';
      if (!retryable || previous.getRetryCount() + 1 >= maxAttempts) throw new Error('No retry token available');
      return token(previous.getRetryCount() + 1);
    },
    recordSuccess() {},
  };
}

function clientConfigFor(extra: LocalBedrockTestOptions['clientConfig'] = {}): BedrockRuntimeClientConfig & BedrockClientConfig {
  const maxAttempts = typeof extra.maxAttempts === 'number' ? extra.maxAttempts : DEFAULT_MAX_ATTEMPTS;
  const ownRetries = extra.retryStrategy !== undefined || extra.retryMode !== undefined;
  return {
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    ...(ownRetries ? {} : { retryStrategy: immediateRetries(maxAttempts) }),
    ...extra,
  };
}

/** A model id as a request would resolve it, so scripts match ids in any form; unknown ids stay as given. */
function resolvedModelId(runtime: LocalBedrockRuntime, modelId: CallMatch['modelId']): CallMatch['modelId'] {
  if (typeof modelId !== 'string') return modelId;
  try {
    return runtime.models.resolve(modelId).baseModelId;
  } catch {
    return modelId;
  }
}

const CHAT_OPERATIONS: readonly ScriptableOperation[] = ['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream'];

/**
 * Creates a local Bedrock for one test without vitest fixtures (jest, node:test, a `beforeEach` of your
 * own): the same object the `bedrock` fixture gives. Dispose of it when the test ends.
 *
 * @example
 * let bedrock: LocalBedrockFixture;
 * beforeEach(() => { bedrock = createLocalBedrock(); });
 * afterEach(() => bedrock.dispose());
 */
export function createLocalBedrock(options: LocalBedrockTestOptions = {}): LocalBedrockFixture {
  const { setup, clientConfig: extraConfig, backend, ...runtimeOptions } = options;
  const runtime = createRuntime({ ...runtimeOptions, backend: typeof backend === 'function' ? backend() : backend });
  const plugin = localBedrock(runtime);
  const clientConfig = clientConfigFor(extraConfig);
  const runtimeClient = new BedrockRuntimeClient(clientConfig);
  runtimeClient.middlewareStack.use(plugin);
  const controlClient = new BedrockClient(clientConfig);
  controlClient.middlewareStack.use(plugin);

  const scripted = (): ScriptedBackend => {
    if (runtime.scripted) return runtime.scripted;
    throw new Error(
      `[local-bedrock] bedrock.on() scripts the scripted backend, but this runtime answers with the "${runtime.backend.name}" backend. ` +
        'Create it with { backend: "scripted" } (and unset LOCAL_BEDROCK_BACKEND) to script replies.',
    );
  };
  const script = <O extends ScriptableOperation>(operations: readonly O[], match: CallMatch = {}) =>
    createReplyChain(scripted(), operations, { ...match, modelId: resolvedModelId(runtime, match.modelId) });

  // What `reset()` returns to: the faults and quotas the runtime started with (from the options or the environment).
  const initialFaults = [...runtime.faults.rules].reverse();
  const initialQuotas = runtimeOptions.quotas ?? parseQuotaTable((runtimeOptions.env ?? process.env).LOCAL_BEDROCK_QUOTAS) ?? {};

  const bedrock: LocalBedrockFixture = {
    ...createFaultScripting(runtime),
    runtime,
    runtimeClient,
    controlClient,
    clientConfig,
    attach(client) {
      client.middlewareStack.use(plugin);
      return client;
    },
    on: (operation, match) => script([operation], match),
    onAny: (match) => script(CHAT_OPERATIONS, match),
    reset() {
      runtime.faults.clear();
      for (const rule of initialFaults) runtime.faults.add(rule);
      runtime.quotas.clear();
      for (const [pattern, quota] of Object.entries(initialQuotas)) runtime.quotas.set(pattern, quota);
      const scriptedBackend = runtime.scripted;
      if (scriptedBackend) {
        scriptedBackend.reset();
        // `responses` and `rules` script only the scripted backend the runtime makes, not one passed in.
        if (typeof backend !== 'object' && typeof backend !== 'function') {
          // The backend consults the rule added last first: add them last to first, so the first wins as at creation.
          for (const rule of [...(options.rules ?? [])].reverse()) scriptedBackend.addRule(rule);
          scriptedBackend.enqueue(...(options.responses ?? []));
        }
      }
      setup?.(bedrock);
    },
    get calls() {
      return [...runtime.callLog.calls] as BedrockCall[];
    },
    callsTo<O extends OperationName>(operation: O) {
      return runtime.callLog.calls.filter((call) => call.operation === operation) as BedrockCall<O>[];
    },
    get lastCall() {
      return runtime.callLog.calls.at(-1) as BedrockCall | undefined;
    },
    clearCalls: () => runtime.callLog.clear(),
    async dispose() {
      runtimeClient.destroy();
      controlClient.destroy();
      await runtime.dispose();
    },
  };
  setup?.(bedrock);
  return bedrock;
}
