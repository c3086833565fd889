import type { ChatRequest, ChatStopReason, ChatUsage } from '../../chat/types.js';
import type { BedrockErrorName } from '../../errors/bedrock-errors.js';
import type { OperationName } from '../../router/routes.js';

/** A tool call a scripted reply makes. */
export interface ScriptedToolUse {
  name: string;
  input?: unknown;
  /** Defaults to a stable id derived from the request, of Bedrock's form `tooluse_…`. */
  toolUseId?: string;
}

/** An error a scripted reply raises: a name, or a name with a message and extra members. */
export type ScriptedError =
  | BedrockErrorName
  | { name: BedrockErrorName; message?: string; members?: Record<string, unknown> };

/**
 * One scripted answer. Text is cut by `maxTokens` and `stopSequences` exactly as generated text is, unless
 * `stopReason` is given.
 *
 * @example
 * { text: 'It is sunny.' }
 * { toolUse: { name: 'get_weather', input: { city: 'Paris' } } }
 * { reasoning: 'The user wants…', text: 'Paris.' }
 * { error: 'ThrottlingException' }
 * { text: 'Hello there, friend', streamError: { afterDeltas: 2 } }
 */
export interface ScriptedReply {
  text?: string;
  reasoning?: string | { text: string; signature?: string };
  toolUse?: ScriptedToolUse | ScriptedToolUse[];
  stopReason?: ChatStopReason;
  /** Overrides the counted usage. */
  usage?: Partial<ChatUsage>;
  /** Fails the call before any output: the caller gets this exception as an HTTP error. */
  error?: ScriptedError;
  /**
   * Breaks a stream: after `afterDeltas` content deltas (default 0) the stream carries this exception
   * (default `ModelStreamErrorException`). Ignored by non-streaming calls.
   */
  streamError?: { afterDeltas?: number; error?: ScriptedError };
}

/** A reply, or a function computing one from the request. */
export type ScriptedReplySource = ScriptedReply | ((request: ChatRequest) => ScriptedReply | Promise<ScriptedReply>);

/** What a rule matches. Every given field must match. */
export interface ScriptedMatch {
  /** The operation asking (`Converse`, `ConverseStream`, `InvokeModel`, `InvokeModelWithResponseStream`), or several. */
  operation?: OperationName | readonly OperationName[];
  /** The Bedrock model id (base id, after resolving profiles and ARNs). */
  modelId?: string | RegExp;
  /** The text of the last user message. A string matches as a substring. */
  prompt?: string | RegExp;
  /** The joined system prompt. A string matches as a substring. */
  system?: string | RegExp;
}

/** A reply given whenever a request matches, optionally only `times` times. */
export interface ScriptedRule {
  match?: ScriptedMatch;
  reply: ScriptedReplySource;
  /** How many requests this rule answers before it retires; unlimited by default. */
  times?: number;
}

/** The text of the last user message: the "prompt" that rules match on. */
export function lastUserText(request: ChatRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index]!;
    if (message.role !== 'user') continue;
    return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
  }
  return '';
}

function matchesText(pattern: string | RegExp | undefined, text: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

/** Whether a request satisfies a rule's match. */
export function matchesRequest(match: ScriptedMatch | undefined, request: ChatRequest, operation?: OperationName): boolean {
  if (!match) return true;
  if (match.operation !== undefined) {
    const operations: readonly OperationName[] = typeof match.operation === 'string' ? [match.operation] : match.operation;
    if (operation === undefined || !operations.includes(operation)) return false;
  }
  const modelMatches =
    match.modelId === undefined ||
    (typeof match.modelId === 'string' ? match.modelId === request.modelId : match.modelId.test(request.modelId));
  return modelMatches && matchesText(match.prompt, lastUserText(request)) && matchesText(match.system, request.system.join('\n'));
}
