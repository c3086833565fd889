import { chunkFrame } from '../../../encoding/event-stream.js';

/**
 * Nova Sonic's output events as frames: each is `{"event":{"<name>":{…}}}`, base64-encoded into a `chunk`
 * frame's `bytes`, as the service sends them. Every event carries `sessionId`, `promptName` and `completionId`;
 * content events also carry `contentId`.
 */

/**
 * The ids every output event of one completion carries.
 *
 * @example
 * const ids: CompletionIds = { sessionId: 's-1', promptName: 'p1', completionId: 'c-1' };
 */
export interface CompletionIds {
  sessionId: string;
  promptName: string;
  completionId: string;
}

/**
 * Token counts of one direction, split by modality.
 *
 * @example
 * const input: SonicTokens = { speechTokens: 25, textTokens: 12 };
 */
export interface SonicTokens {
  speechTokens: number;
  textTokens: number;
}

/**
 * Input and output token counts.
 *
 * @example
 * const usage: SonicUsage = { input: { speechTokens: 25, textTokens: 12 }, output: { speechTokens: 40, textTokens: 8 } };
 */
export interface SonicUsage {
  input: SonicTokens;
  output: SonicTokens;
}

/**
 * Why a block or a completion ended.
 *
 * @example
 * const reason: SonicStopReason = 'TOOL_USE';
 */
export type SonicStopReason = 'PARTIAL_TURN' | 'END_TURN' | 'INTERRUPTED' | 'TOOL_USE';

/**
 * One output event as a frame.
 *
 * @example
 * queue.push(sonicEventFrame('completionStart', ids));
 */
export function sonicEventFrame(name: string, body: Record<string, unknown>): Uint8Array {
  return chunkFrame(JSON.stringify({ event: { [name]: body } }));
}

/**
 * `contentStart` of a TEXT block; `stage` goes into `additionalModelFields`, which is JSON text.
 *
 * @example
 * emit(textContentStart(ids, randomUUID(), 'ASSISTANT', 'SPECULATIVE'));
 */
export function textContentStart(ids: CompletionIds, contentId: string, role: 'USER' | 'ASSISTANT', stage: 'FINAL' | 'SPECULATIVE'): Uint8Array {
  return sonicEventFrame('contentStart', {
    ...ids,
    contentId,
    type: 'TEXT',
    role,
    additionalModelFields: JSON.stringify({ generationStage: stage }),
    textOutputConfiguration: { mediaType: 'text/plain' },
  });
}

/**
 * `contentStart` of an AUDIO block at the prompt's output rate.
 *
 * @example
 * emit(audioContentStart(ids, contentId, 24000));
 */
export function audioContentStart(ids: CompletionIds, contentId: string, sampleRateHertz: number): Uint8Array {
  return sonicEventFrame('contentStart', {
    ...ids,
    contentId,
    type: 'AUDIO',
    role: 'ASSISTANT',
    audioOutputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz, sampleSizeBits: 16, encoding: 'base64', channelCount: 1 },
  });
}

/**
 * `contentStart` of a TOOL block.
 *
 * @example
 * emit(toolContentStart(ids, contentId));
 */
export function toolContentStart(ids: CompletionIds, contentId: string): Uint8Array {
  return sonicEventFrame('contentStart', { ...ids, contentId, type: 'TOOL', role: 'TOOL', toolUseOutputConfiguration: { mediaType: 'application/json' } });
}

/**
 * `contentEnd` of a block.
 *
 * @example
 * emit(contentEnd(ids, contentId, 'TOOL', 'TOOL_USE'));
 */
export function contentEnd(ids: CompletionIds, contentId: string, type: 'TEXT' | 'AUDIO' | 'TOOL', stopReason: SonicStopReason): Uint8Array {
  return sonicEventFrame('contentEnd', { ...ids, contentId, type, stopReason });
}

/**
 * A cumulative `usageEvent`: the delta since the previous one and the session's totals.
 *
 * @example
 * emit(usageEvent(ids, delta, totals));
 */
export function usageEvent(ids: CompletionIds, delta: SonicUsage, total: SonicUsage): Uint8Array {
  const totalInputTokens = total.input.speechTokens + total.input.textTokens;
  const totalOutputTokens = total.output.speechTokens + total.output.textTokens;
  return sonicEventFrame('usageEvent', {
    ...ids,
    details: { delta, total },
    totalInputTokens,
    totalOutputTokens,
    totalTokens: totalInputTokens + totalOutputTokens,
  });
}
