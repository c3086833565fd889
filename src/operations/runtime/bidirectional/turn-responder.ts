import { randomUUID } from 'node:crypto';
import { collectChatStream } from '../../../chat/stream.js';
import type { ChatPart, ChatRequest, ChatToolResultPart } from '../../../chat/types.js';
import type { LocalBedrockRuntime } from '../../../core/runtime.js';
import { validationError } from '../../../errors/bedrock-errors.js';
import type { ResolvedModel } from '../../../models/registry.js';
import {
  audioContentStart,
  contentEnd,
  sonicEventFrame,
  textContentStart,
  toolContentStart,
  usageEvent,
  type CompletionIds,
  type SonicStopReason,
  type SonicUsage,
} from './output-events.js';
import type { InputContent, PromptSettings, SonicSessionState } from './session-state.js';
import { lpcmDurationMs, type SpeechHooks } from './speech-hooks.js';

/**
 * The model side of a Nova Sonic session: answers a user turn (typed text, or audio through the transcription
 * hook) with the runtime's backend, and writes the reply as Sonic does — `completionStart`, the planned text
 * (ASSISTANT, SPECULATIVE), its speech (an AUDIO block from the synthesis hook), the spoken text (ASSISTANT,
 * FINAL), cumulative `usageEvent`s and `completionEnd`. A tool call pauses the completion until the client's
 * TOOL block brings the result.
 */

/**
 * What a responder needs from its session.
 *
 * @example
 * const context: ResponderContext = { runtime, model, state, hooks, sessionId, signal, emit: (frame) => queue.push(frame) };
 */
export interface ResponderContext {
  runtime: LocalBedrockRuntime;
  model: ResolvedModel;
  state: SonicSessionState;
  hooks: SpeechHooks;
  sessionId: string;
  /** Ends the backend call and hooks when the session ends or its client goes away. */
  signal: AbortSignal;
  /** Sends one output frame. */
  emit: (frame: Uint8Array) => void;
}

/** Speech tokens are estimated from audio duration: 25 per second. */
const SPEECH_TOKENS_PER_SECOND = 25;
/** Audio is sent in pieces of a quarter of a second. */
const AUDIO_PIECE_SECONDS = 0.25;

const speechTokens = (durationMs: number) => Math.ceil((durationMs / 1000) * SPEECH_TOKENS_PER_SECOND);
const zeroUsage = (): SonicUsage => ({ input: { speechTokens: 0, textTokens: 0 }, output: { speechTokens: 0, textTokens: 0 } });

/** A completion waiting for the client's tool result. */
interface PendingTool {
  ids: CompletionIds;
  prompt: PromptSettings;
  toolUseId: string;
}

/**
 * Answers the turns of one session.
 *
 * @example
 * const responder = new SonicResponder({ runtime, model, state, hooks, sessionId, signal, emit });
 * await responder.userText(prompt, 'Hello');
 */
export class SonicResponder {
  private pendingTool: PendingTool | undefined;
  private readonly total = zeroUsage();

  constructor(private readonly context: ResponderContext) {}

  /** An interactive USER TEXT block: answer it. */
  async userText(prompt: PromptSettings, text: string): Promise<void> {
    this.interruptPendingTool();
    this.context.state.addMessage('user', [{ type: 'text', text }]);
    const ids = this.startCompletion(prompt);
    await this.reply(ids, prompt, 0);
  }

  /** A USER AUDIO block: transcribe it, echo the transcript (USER, FINAL), answer it. */
  async userAudio(prompt: PromptSettings, content: InputContent): Promise<void> {
    this.interruptPendingTool();
    const audio = Buffer.concat(content.audio);
    const durationMs = lpcmDurationMs(audio.length, content.sampleRateHertz);
    const { model } = this.context;
    const transcript = await this.context.hooks.transcribe(audio, {
      modelId: model.baseModelId,
      promptName: prompt.name,
      contentName: content.name,
      sampleRateHertz: content.sampleRateHertz,
      durationMs,
    });
    this.context.signal.throwIfAborted();
    const ids = this.startCompletion(prompt);
    const contentId = randomUUID();
    const { emit } = this.context;
    emit(textContentStart(ids, contentId, 'USER', 'FINAL'));
    emit(sonicEventFrame('textOutput', { ...ids, contentId, role: 'USER', content: transcript }));
    emit(contentEnd(ids, contentId, 'TEXT', 'END_TURN'));
    this.context.state.addMessage('user', [{ type: 'text', text: transcript }]);
    await this.reply(ids, prompt, speechTokens(durationMs));
  }

  /** A TOOL block: the result the paused completion waits for. */
  async toolResult(prompt: PromptSettings, toolUseId: string, content: string): Promise<void> {
    const pending = this.pendingTool;
    if (!pending || pending.toolUseId !== toolUseId) {
      throw validationError(`toolResult for toolUseId ${JSON.stringify(toolUseId)} matches no tool use waiting for a result.`);
    }
    this.pendingTool = undefined;
    this.context.state.addMessage('user', [{ type: 'toolResult', toolUseId, content: [toolResultPart(content)] }]);
    await this.reply(pending.ids, prompt.name === pending.prompt.name ? prompt : pending.prompt, 0);
  }

  private startCompletion(prompt: PromptSettings): CompletionIds {
    const ids = { sessionId: this.context.sessionId, promptName: prompt.name, completionId: randomUUID() };
    this.context.emit(sonicEventFrame('completionStart', ids));
    return ids;
  }

  /**
   * A new user turn while a tool result is still awaited: that completion ends as interrupted, and the
   * conversation records the missing result so that the tool use stays answered for backends.
   */
  private interruptPendingTool(): void {
    const pending = this.pendingTool;
    if (!pending) return;
    this.pendingTool = undefined;
    const text = 'The user spoke before the tool result arrived.';
    this.context.state.addMessage('user', [{ type: 'toolResult', toolUseId: pending.toolUseId, status: 'error', content: [{ type: 'text', text }] }]);
    this.context.emit(sonicEventFrame('completionEnd', { ...pending.ids, stopReason: 'INTERRUPTED' }));
  }

  /** Asks the backend and sends its answer: text and speech, or a tool call that pauses the completion. */
  private async reply(ids: CompletionIds, prompt: PromptSettings, inputSpeechTokens: number): Promise<void> {
    const { runtime, model, state, signal, emit } = this.context;
    const request: ChatRequest = {
      modelId: model.baseModelId,
      backendModel: model.backendModel,
      system: [...state.system],
      messages: state.messages.map((message) => ({ role: message.role, content: [...message.content] })),
      tools: prompt.tools,
      ...(prompt.toolChoice && prompt.tools.length > 0 ? { toolChoice: prompt.toolChoice } : {}),
      ...(state.inference.maxTokens !== undefined ? { maxTokens: state.inference.maxTokens } : {}),
      ...(state.inference.temperature !== undefined ? { temperature: state.inference.temperature } : {}),
      ...(state.inference.topP !== undefined ? { topP: state.inference.topP } : {}),
      stopSequences: [],
    };
    const answer = await collectChatStream(await runtime.backend.chatStream(request, { signal, operation: 'InvokeModelWithBidirectionalStream' }));
    signal.throwIfAborted();
    const text = answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    // Sonic calls one tool at a time; further calls in the same answer are dropped.
    const toolUse = answer.content.find((part) => part.type === 'toolUse');
    let outputSpeechTokens = 0;
    if (text !== '') outputSpeechTokens = await this.speak(ids, prompt, text, toolUse ? 'PARTIAL_TURN' : 'END_TURN');
    const assistantParts: ChatPart[] = text !== '' ? [{ type: 'text', text }] : [];
    if (toolUse) {
      const contentId = randomUUID();
      emit(toolContentStart(ids, contentId));
      emit(sonicEventFrame('toolUse', { ...ids, contentId, toolName: toolUse.name, toolUseId: toolUse.id, content: JSON.stringify(toolUse.input ?? {}) }));
      emit(contentEnd(ids, contentId, 'TOOL', 'TOOL_USE'));
      assistantParts.push(toolUse);
    }
    if (assistantParts.length > 0) state.addMessage('assistant', assistantParts);
    this.reportUsage(ids, {
      input: { speechTokens: inputSpeechTokens, textTokens: answer.usage.inputTokens },
      output: { speechTokens: outputSpeechTokens, textTokens: answer.usage.outputTokens },
    });
    if (toolUse) {
      this.pendingTool = { ids, prompt, toolUseId: toolUse.id };
      return;
    }
    emit(sonicEventFrame('completionEnd', { ...ids, stopReason: 'END_TURN' }));
  }

  /** The reply as Sonic sends it: planned text, its audio, then the text as spoken. Returns the speech tokens. */
  private async speak(ids: CompletionIds, prompt: PromptSettings, text: string, finalStop: SonicStopReason): Promise<number> {
    const { emit, model, signal } = this.context;
    const textBlock = (stage: 'SPECULATIVE' | 'FINAL', stopReason: SonicStopReason) => {
      const contentId = randomUUID();
      emit(textContentStart(ids, contentId, 'ASSISTANT', stage));
      emit(sonicEventFrame('textOutput', { ...ids, contentId, role: 'ASSISTANT', content: text }));
      emit(contentEnd(ids, contentId, 'TEXT', stopReason));
    };
    textBlock('SPECULATIVE', 'PARTIAL_TURN');
    const rate = prompt.outputSampleRateHertz;
    const audio = await this.context.hooks.synthesize(text, { modelId: model.baseModelId, promptName: prompt.name, voiceId: prompt.voiceId, sampleRateHertz: rate });
    signal.throwIfAborted();
    const contentId = randomUUID();
    emit(audioContentStart(ids, contentId, rate));
    const pieceBytes = Math.max(2, Math.round(rate * AUDIO_PIECE_SECONDS) * 2);
    for (let offset = 0; offset < audio.length; offset += pieceBytes) {
      const piece = audio.subarray(offset, offset + pieceBytes);
      emit(sonicEventFrame('audioOutput', { ...ids, contentId, content: Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('base64') }));
    }
    emit(contentEnd(ids, contentId, 'AUDIO', 'PARTIAL_TURN'));
    textBlock('FINAL', finalStop);
    return speechTokens(lpcmDurationMs(audio.length, rate));
  }

  private reportUsage(ids: CompletionIds, delta: SonicUsage): void {
    const { total } = this;
    for (const direction of ['input', 'output'] as const) {
      total[direction].speechTokens += delta[direction].speechTokens;
      total[direction].textTokens += delta[direction].textTokens;
    }
    this.context.emit(usageEvent(ids, delta, structuredClone(total)));
  }
}

/** A tool result's text: JSON objects and arrays are passed on as JSON, anything else as text. */
function toolResultPart(content: string): ChatToolResultPart {
  try {
    const value: unknown = JSON.parse(content);
    if (typeof value === 'object' && value !== null) return { type: 'json', value };
  } catch {
    // Plain text.
  }
  return { type: 'text', text: content };
}
