import type { ChatOutputPart, ChatRequest, ChatResponse, ChatStopReason, ChatStreamEvent } from '../../chat/types.js';
import { responseToStreamEvents } from '../../chat/stream.js';
import { BedrockServiceError } from '../../errors/bedrock-errors.js';
import { DEFAULT_ERROR_MESSAGES } from '../../errors/default-messages.js';
import { countChatRequestTokens } from '../../tokens/count-chat-request.js';
import { loadTokenizer, type Tokenizer } from '../../tokens/tokenizers.js';
import type { Backend, BackendCallOptions } from '../types.js';
import type { OperationName } from '../../router/routes.js';
import { requestDigest, stableToolUseId } from '../../chat/request-digest.js';
import { defaultAnswer } from './default-answer.js';
import { scriptedEmbeddings } from './scripted-embeddings.js';
import { scriptedImages } from './scripted-images.js';
import { matchesRequest, type ScriptedError, type ScriptedReply, type ScriptedReplySource, type ScriptedRule } from './script.js';

/** Options of the scripted backend. */
export interface ScriptedBackendOptions {
  /** Replies given in order, one per call, before any rule or the default answer. */
  responses?: ScriptedReplySource[];
  /** Replies given to matching requests; the first matching rule answers. */
  rules?: ScriptedRule[];
}

/** The scripted backend, with methods to script it further after creation. */
export interface ScriptedBackend extends Backend {
  /** Queues replies given in order before any rule. */
  enqueue(...replies: ScriptedReplySource[]): void;
  /** Adds a rule; rules added later are consulted first, so a test can override a suite-wide rule. */
  addRule(rule: ScriptedRule): void;
  /** Forgets queued replies and rules. */
  reset(): void;
}

function toError(error: ScriptedError, fallback: 'name' | 'stream' = 'name'): BedrockServiceError {
  const spec = typeof error === 'string' ? { name: error } : error;
  const members =
    spec.name === 'ModelStreamErrorException' && fallback === 'stream'
      ? { originalStatusCode: 500, originalMessage: 'The model stream was interrupted.', ...spec.members }
      : spec.members;
  return new BedrockServiceError(spec.name, spec.message ?? DEFAULT_ERROR_MESSAGES[spec.name], { members });
}

/**
 * Turns a reply into an answer as a model would produce it: stop sequences cut the text, `maxTokens` cuts
 * everything, and usage counts what was produced.
 */
function shapeAnswer(reply: ScriptedReply, request: ChatRequest, digest: () => Buffer, tokenizer: Tokenizer): ChatResponse {
  const wanted: ChatOutputPart[] = [];
  if (reply.reasoning !== undefined) {
    const reasoning = typeof reply.reasoning === 'string' ? { text: reply.reasoning } : reply.reasoning;
    wanted.push({ type: 'reasoning', text: reasoning.text, signature: reasoning.signature ?? digest().subarray(0, 24).toString('base64') });
  }
  if (reply.text !== undefined) wanted.push({ type: 'text', text: reply.text });
  const toolUses = reply.toolUse === undefined ? [] : Array.isArray(reply.toolUse) ? reply.toolUse : [reply.toolUse];
  toolUses.forEach((toolUse, position) =>
    wanted.push({ type: 'toolUse', id: toolUse.toolUseId ?? stableToolUseId(digest(), position), name: toolUse.name, input: toolUse.input ?? {} }),
  );

  let budget = request.maxTokens ?? Infinity;
  let outputTokens = 0;
  let stopReason: ChatStopReason | undefined;
  let stopSequence: string | undefined;
  const content: ChatOutputPart[] = [];
  for (const part of wanted) {
    if (part.type === 'toolUse') {
      const cost = tokenizer.count(JSON.stringify(part.input));
      if (cost > budget) {
        stopReason = 'max_tokens';
        break;
      }
      budget -= cost;
      outputTokens += cost;
      content.push(part);
      continue;
    }
    if (part.type !== 'text' && part.type !== 'reasoning') continue;
    let text = part.text;
    if (part.type === 'text') {
      const hit = firstStopSequence(text, request.stopSequences);
      if (hit) {
        text = text.slice(0, hit.index);
        stopReason = 'stop_sequence';
        stopSequence = hit.sequence;
      }
    }
    let used = tokenizer.count(text);
    if (used > budget) {
      ({ text, tokens: used } = truncateToTokens(text, budget, tokenizer));
      stopReason = 'max_tokens';
      stopSequence = undefined;
    }
    budget -= used;
    outputTokens += used;
    if (text !== '' || part.type === 'reasoning') content.push({ ...part, text });
    if (stopReason) break;
  }
  if (!stopReason) stopReason = content.some((part) => part.type === 'toolUse') ? 'tool_use' : 'end_turn';
  return {
    content,
    stopReason: reply.stopReason ?? stopReason,
    stopSequence,
    usage: { inputTokens: reply.usage?.inputTokens ?? countChatRequestTokens(request, tokenizer), outputTokens: reply.usage?.outputTokens ?? outputTokens },
  };
}

/**
 * The longest prefix of `text` within `budget` tokens, cut at piece boundaries. Pieces are not always one
 * token each (a character spread over byte tokens is one piece; SentencePiece counts a leading space), so
 * the cut is found by counting prefixes — a binary search, as longer prefixes never have fewer tokens.
 */
function truncateToTokens(text: string, budget: number, tokenizer: Tokenizer): { text: string; tokens: number } {
  const pieces = tokenizer.split(text);
  const prefix = (length: number) => pieces.slice(0, length).join('');
  let low = 0;
  let high = Math.min(pieces.length, budget);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (tokenizer.count(prefix(middle)) <= budget) low = middle;
    else high = middle - 1;
  }
  const kept = prefix(low);
  return { text: kept, tokens: tokenizer.count(kept) };
}

function firstStopSequence(text: string, stopSequences: readonly string[]): { index: number; sequence: string } | undefined {
  let best: { index: number; sequence: string } | undefined;
  for (const sequence of stopSequences) {
    const index = text.indexOf(sequence);
    if (index >= 0 && (!best || index < best.index)) best = { index, sequence };
  }
  return best;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('The operation was aborted.');
}

/**
 * A backend that needs no process and no network: it answers deterministically from the input (the same
 * request always gets the same bytes) unless a test scripted the answer.
 *
 * @example
 * const backend = createScriptedBackend({ responses: [{ text: 'Hi!' }] });
 * client.middlewareStack.use(localBedrock({ backend }));
 */
export function createScriptedBackend(options: ScriptedBackendOptions = {}): ScriptedBackend {
  const queue: ScriptedReplySource[] = [...(options.responses ?? [])];
  let rules: { rule: ScriptedRule; remaining: number }[] = [];
  const addRule = (rule: ScriptedRule) => rules.unshift({ rule, remaining: rule.times ?? Infinity });
  for (const rule of [...(options.rules ?? [])].reverse()) addRule(rule);

  /** A scripted reply for this request: the next queued one, else the first matching rule's. */
  async function scriptedReply(request: ChatRequest, operation: OperationName | undefined): Promise<ScriptedReply | undefined> {
    let source = queue.shift();
    if (source === undefined) {
      const entry = rules.find((candidate) => candidate.remaining > 0 && matchesRequest(candidate.rule.match, request, operation));
      if (entry) {
        entry.remaining -= 1;
        source = entry.rule.reply;
      }
    }
    if (source === undefined) return undefined;
    return typeof source === 'function' ? await source(request) : source;
  }

  // Default answers are pure functions of the request, so repeated requests (the common case in test
  // suites) reuse them. Bounded, because a long-lived server sees endless distinct requests.
  const defaultAnswers = new Map<string, { reply: ScriptedReply; response: ChatResponse }>();

  function defaultAnswerFor(request: ChatRequest, tokenizer: Tokenizer) {
    const digest = requestDigest(request);
    const key = `${tokenizer.name}|${digest.toString('base64')}|${request.maxTokens}|${request.stopSequences.join('\u0000')}`;
    let answer = defaultAnswers.get(key);
    if (!answer) {
      const reply = defaultAnswer(request, () => digest);
      answer = { reply, response: shapeAnswer(reply, request, () => digest, tokenizer) };
      if (defaultAnswers.size >= 256) defaultAnswers.clear();
      defaultAnswers.set(key, answer);
    }
    return answer;
  }

  async function answer(request: ChatRequest, { signal, operation }: BackendCallOptions) {
    throwIfAborted(signal);
    const tokenizer = await loadTokenizer(request.modelId);
    const reply = await scriptedReply(request, operation);
    if (reply === undefined) return { ...defaultAnswerFor(request, tokenizer), tokenizer };
    if (reply.error !== undefined) throw toError(reply.error);
    // The digest is computed at most once per request, and only when the reply needs it.
    let digest: Buffer | undefined;
    return { reply, response: shapeAnswer(reply, request, () => (digest ??= requestDigest(request)), tokenizer), tokenizer };
  }

  return {
    name: 'scripted',
    enqueue: (...replies) => void queue.push(...replies),
    addRule,
    reset() {
      queue.length = 0;
      rules = [];
    },
    async chat(request, callOptions: BackendCallOptions = {}) {
      return (await answer(request, callOptions)).response;
    },
    async chatStream(request, callOptions: BackendCallOptions = {}) {
      const { reply, response, tokenizer } = await answer(request, callOptions);
      return streamAnswer(reply, response, tokenizer, callOptions.signal);
    },
    async embed(request) {
      return scriptedEmbeddings(request);
    },
    async generateImage(request) {
      return scriptedImages(request);
    },
  };
}

async function* streamAnswer(reply: ScriptedReply, response: ChatResponse, tokenizer: Tokenizer, signal: AbortSignal | undefined): AsyncGenerator<ChatStreamEvent> {
      const failAfter = reply.streamError ? (reply.streamError.afterDeltas ?? 0) : Infinity;
      let deltas = 0;
      for (const event of responseToStreamEvents(response, (text) => tokenizer.split(text))) {
        throwIfAborted(signal);
        const isDelta = event.type === 'textDelta' || event.type === 'reasoningDelta' || event.type === 'toolUseDelta';
        if ((isDelta || event.type === 'finish') && deltas >= failAfter) {
          throw toError(reply.streamError?.error ?? 'ModelStreamErrorException', 'stream');
        }
        if (isDelta) deltas += 1;
        yield event;
      }
}
