import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  DeserializeHandlerOutput,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  MetadataBearer,
  Pluggable,
} from '@smithy/types';
import { toRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../core/runtime.js';
import { answerSmithyRequest, isSmithyHttpRequest } from '../http/smithy.js';
import { toAbortSignal, type AbortSignalLike } from './abort-signal.js';

/**
 * The name under which the answering middleware sits in a client's stack.
 *
 * @example
 * client.middlewareStack.remove(LOCAL_BEDROCK_MIDDLEWARE_NAME); // back to the real service
 */
export const LOCAL_BEDROCK_MIDDLEWARE_NAME = 'localBedrockMiddleware';
const STREAM_RELEASE_MIDDLEWARE_NAME = 'localBedrockStreamReleaseMiddleware';

/** Where the answering middleware leaves the way to release the backend once the reader of a stream is gone. */
const RELEASE_STREAM = Symbol('local-bedrock.releaseStream');
type ReleasableContext = HandlerExecutionContext & { [RELEASE_STREAM]?: () => void };

/** The plugin `localBedrock()` returns: usable with `client.middlewareStack.use()`, with its runtime exposed. */
export interface LocalBedrockPlugin extends Pluggable<object, MetadataBearer> {
  /** The runtime answering this client's requests; share it with other clients or script it. */
  readonly runtime: LocalBedrockRuntime;
}

function smithyAbortSignal(context: HandlerExecutionContext): AbortSignal | undefined {
  const smithyContext = context.__smithy_context as { abortSignal?: AbortSignalLike } | undefined;
  return toAbortSignal(smithyContext?.abortSignal);
}

/**
 * Wraps an output's event stream so that a reader who stops early (`break`) releases the backend call. The
 * SDK's own stream never tells its source, so without this the backend would go on generating.
 */
function releaseOnEarlyReturn(output: unknown, release: () => void): void {
  const holder = output as { stream?: AsyncIterable<unknown> } | undefined;
  const stream = holder?.stream;
  if (!stream || typeof stream[Symbol.asyncIterator] !== 'function') return;
  holder.stream = {
    [Symbol.asyncIterator]() {
      const iterator = stream[Symbol.asyncIterator]();
      return {
        next: () => iterator.next(),
        return: async (value?: unknown) => {
          release();
          return (await iterator.return?.(value)) ?? { done: true, value };
        },
        throw: async (error?: unknown) => {
          release();
          if (iterator.throw) return iterator.throw(error);
          throw error;
        },
      };
    },
  };
}

/**
 * Answers a client's Bedrock requests locally. Adds one middleware right after the SDK's deserializer, so
 * the SDK's serializer, signer, retry strategy, error deserializer and event-stream unmarshaller all run on
 * the bytes local-bedrock produces; the request never reaches the network. A second, initialize-step
 * middleware only releases the backend when a stream's reader stops early.
 *
 * Give the client a region and static credentials: the request is signed before it is answered.
 *
 * @example
 * const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 * client.middlewareStack.use(localBedrock());
 * const { output } = await client.send(new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages }));
 */
export function localBedrock(optionsOrRuntime?: LocalBedrockOptions | LocalBedrockRuntime): LocalBedrockPlugin {
  const runtime = toRuntime(optionsOrRuntime);
  const answer =
    <Output extends object>(_next: DeserializeHandler<object, Output>, context: ReleasableContext): DeserializeHandler<object, Output> =>
    async (args: DeserializeHandlerArguments<object>): Promise<DeserializeHandlerOutput<Output>> => {
      if (!isSmithyHttpRequest(args.request)) throw new TypeError('local-bedrock expected an HTTP request from the SDK.');
      const { response, release } = await answerSmithyRequest(runtime, args.request, smithyAbortSignal(context));
      context[RELEASE_STREAM] = release;
      return { response };
    };
  const releaseStreams =
    <Output extends MetadataBearer>(next: InitializeHandler<object, Output>, context: ReleasableContext): InitializeHandler<object, Output> =>
    async (args: InitializeHandlerArguments<object>): Promise<InitializeHandlerOutput<Output>> => {
      const result = await next(args);
      const release = context[RELEASE_STREAM];
      if (release) releaseOnEarlyReturn(result.output, release);
      return result;
    };
  return {
    runtime,
    applyToStack(stack) {
      stack.addRelativeTo(answer, { name: LOCAL_BEDROCK_MIDDLEWARE_NAME, relation: 'after', toMiddleware: 'deserializerMiddleware', override: true });
      stack.add(releaseStreams, { name: STREAM_RELEASE_MIDDLEWARE_NAME, step: 'initialize', priority: 'high', override: true });
    },
  };
}
