import type { ChatRequest, ChatStopReason, ChatStreamEvent } from '../../chat/types.js';
import { BedrockServiceError, isBedrockErrorName } from '../../errors/bedrock-errors.js';
import type { Backend, BackendCallOptions } from '../types.js';
import { fromConverseOutput, toConverseInput } from './converse-mapping.js';
import type { JsonDocument } from './types.js';

/** The part of a `BedrockRuntimeClient` this backend uses. */
export interface BedrockRuntimeClientLike {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** Options of the Bedrock backend. */
export interface BedrockBackendOptions {
  /**
   * The client that reaches Bedrock — real Bedrock, or any endpoint that speaks its API. Default: a
   * `BedrockRuntimeClient` with the SDK's default configuration (region and credentials from the environment).
   */
  client?: BedrockRuntimeClientLike;
  /** The model id to call for a request; default: the Bedrock id the caller used, as resolved (its base id). */
  modelId?: (request: ChatRequest) => string;
}

type SdkModule = typeof import('@aws-sdk/client-bedrock-runtime');

/** Loads the SDK only when this backend is used: it is an optional peer of local-bedrock. */
async function loadSdk(): Promise<SdkModule> {
  try {
    return await import('@aws-sdk/client-bedrock-runtime');
  } catch (cause) {
    throw new Error('[local-bedrock] The Bedrock backend needs @aws-sdk/client-bedrock-runtime: npm install @aws-sdk/client-bedrock-runtime', { cause });
  }
}

/** An error from the SDK as the same Bedrock exception, so callers see what Bedrock said. */
function asBedrockError(error: unknown): unknown {
  const named = error as { name?: unknown; message?: unknown; originalStatusCode?: unknown; originalMessage?: unknown; resourceName?: unknown };
  if (typeof named?.name !== 'string' || !isBedrockErrorName(named.name)) return error;
  const members: Record<string, unknown> = {};
  for (const key of ['originalStatusCode', 'originalMessage', 'resourceName'] as const) if (named[key] !== undefined) members[key] = named[key];
  return new BedrockServiceError(named.name, String(named.message ?? ''), { members, cause: error });
}

/** ConverseStream events → neutral events; the stop reason waits for `metadata`, which carries usage. */
async function* fromConverseStream(stream: AsyncIterable<JsonDocument>): AsyncGenerator<ChatStreamEvent> {
  let stopReason: ChatStopReason = 'end_turn';
  try {
    for await (const event of stream) {
      const start = (event.contentBlockStart as JsonDocument | undefined)?.start as JsonDocument | undefined;
      const toolStart = start?.toolUse as JsonDocument | undefined;
      if (toolStart) yield { type: 'toolUseStart', id: String(toolStart.toolUseId), name: String(toolStart.name) };
      const delta = (event.contentBlockDelta as JsonDocument | undefined)?.delta as JsonDocument | undefined;
      if (delta) {
        const reasoning = delta.reasoningContent as JsonDocument | undefined;
        if (typeof delta.text === 'string') yield { type: 'textDelta', text: delta.text };
        else if (typeof (delta.toolUse as JsonDocument | undefined)?.input === 'string') yield { type: 'toolUseDelta', input: (delta.toolUse as JsonDocument).input as string };
        else if (typeof reasoning?.text === 'string') yield { type: 'reasoningDelta', text: reasoning.text };
        else if (typeof reasoning?.signature === 'string') yield { type: 'reasoningSignature', signature: reasoning.signature };
        else if (reasoning?.redactedContent instanceof Uint8Array) yield { type: 'redactedReasoning', data: reasoning.redactedContent };
      }
      const stop = event.messageStop as JsonDocument | undefined;
      if (stop?.stopReason) stopReason = stop.stopReason as ChatStopReason;
      const usage = (event.metadata as JsonDocument | undefined)?.usage as JsonDocument | undefined;
      if (usage) yield { type: 'finish', stopReason, usage: { inputTokens: Number(usage.inputTokens ?? 0), outputTokens: Number(usage.outputTokens ?? 0) } };
    }
  } catch (error) {
    throw asBedrockError(error);
  }
}

/**
 * Forwards every request to Bedrock through the AWS SDK (Converse and ConverseStream), whatever wire format
 * the caller used locally. Wrapped in `createRecordingBackend`, it records real Bedrock's answers once so CI
 * replays them without an account; pointed at another endpoint, it proxies to any Bedrock-compatible server.
 *
 * @example
 * const backend = createRecordingBackend({
 *   backend: createBedrockBackend({ client: new BedrockRuntimeClient({ region: 'us-east-1' }) }),
 *   cassette: 'test/cassettes/agent.json',
 *   mode: 'record',
 * });
 */
export function createBedrockBackend(options: BedrockBackendOptions = {}): Backend {
  let sdk: Promise<SdkModule> | undefined;
  let client = options.client;
  const modelIdFor = options.modelId ?? ((request: ChatRequest) => request.modelId);
  const ready = async () => {
    const module = await (sdk ??= loadSdk());
    client ??= new module.BedrockRuntimeClient({});
    return { module, client };
  };
  return {
    name: 'bedrock',
    async chat(request: ChatRequest, callOptions: BackendCallOptions = {}) {
      const { module, client: target } = await ready();
      const command = new module.ConverseCommand(toConverseInput(request, modelIdFor(request)) as never);
      try {
        return fromConverseOutput((await target.send(command as never, { abortSignal: callOptions.signal })) as JsonDocument);
      } catch (error) {
        throw asBedrockError(error);
      }
    },
    async chatStream(request: ChatRequest, callOptions: BackendCallOptions = {}) {
      const { module, client: target } = await ready();
      const command = new module.ConverseStreamCommand(toConverseInput(request, modelIdFor(request)) as never);
      let output: JsonDocument;
      try {
        output = (await target.send(command as never, { abortSignal: callOptions.signal })) as JsonDocument;
      } catch (error) {
        throw asBedrockError(error);
      }
      return fromConverseStream((output.stream as AsyncIterable<JsonDocument> | undefined) ?? (async function* () {})());
    },
  };
}
