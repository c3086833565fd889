import { HttpRequest } from '@smithy/protocol-http';
import type { DeserializeHandler, DeserializeHandlerArguments, DeserializeHandlerOutput, HandlerExecutionContext, MetadataBearer, Pluggable } from '@smithy/types';
import { handleBedrockRequest } from '../core/handle-request.js';
import { toRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../core/runtime.js';
import { fromSmithyRequest, toSmithyResponse } from '../http/smithy.js';
import { toAbortSignal, type AbortSignalLike } from './abort-signal.js';

/** The name under which the middleware sits in a client's stack. */
export const LOCAL_BEDROCK_MIDDLEWARE_NAME = 'localBedrockMiddleware';

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
 * Answers a client's Bedrock requests locally. Adds one middleware right after the SDK's deserializer, so
 * the SDK's serializer, signer, retry strategy, error deserializer and event-stream unmarshaller all run on
 * the bytes local-bedrock produces; the request never reaches the network.
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
  const middleware =
    <Output extends object>(_next: DeserializeHandler<object, Output>, context: HandlerExecutionContext): DeserializeHandler<object, Output> =>
    async (args: DeserializeHandlerArguments<object>): Promise<DeserializeHandlerOutput<Output>> => {
      if (!HttpRequest.isInstance(args.request)) throw new TypeError('local-bedrock expected an HTTP request from the SDK.');
      const response = await handleBedrockRequest(runtime, fromSmithyRequest(args.request), { signal: smithyAbortSignal(context) });
      return { response: toSmithyResponse(response) };
    };
  return {
    runtime,
    applyToStack(stack) {
      stack.addRelativeTo(middleware, {
        name: LOCAL_BEDROCK_MIDDLEWARE_NAME,
        relation: 'after',
        toMiddleware: 'deserializerMiddleware',
        override: true,
      });
    },
  };
}
