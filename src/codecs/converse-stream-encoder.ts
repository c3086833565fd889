import type { ChatStreamEvent } from '../chat/types.js';
import { eventFrame } from '../encoding/event-stream.js';
import type { ResolvedModel } from '../models/registry.js';
import type { ConverseResponseOptions } from './converse-request.js';
import { additionalResponseFields, converseUsage } from './converse-response.js';
import { toBase64 } from './json-values.js';

type BlockKind = 'text' | 'reasoning' | 'redacted' | 'toolUse';

/**
 * Turns neutral stream events into ConverseStream frames in Bedrock's order: `messageStart`; per block its
 * deltas (text and reasoning blocks open with their first delta, tool-use blocks with `contentBlockStart`)
 * and a `contentBlockStop`; then `messageStop` and `metadata` last.
 */
export class ConverseStreamEncoder {
  private openBlock: { kind: BlockKind; index: number } | undefined;
  private nextIndex = 0;

  constructor(
    private readonly model: ResolvedModel,
    private readonly options: ConverseResponseOptions,
    private readonly startedAt: number,
  ) {}

  /** The first frame of every stream. */
  start(): Uint8Array {
    return eventFrame('messageStart', { role: 'assistant' });
  }

  /** The frames for one neutral event. */
  encode(event: ChatStreamEvent): Uint8Array[] {
    switch (event.type) {
      case 'textDelta':
        return this.delta('text', { text: event.text });
      case 'reasoningDelta':
        return this.delta('reasoning', { reasoningContent: { text: event.text } });
      case 'reasoningSignature':
        return this.delta('reasoning', { reasoningContent: { signature: event.signature } });
      case 'redactedReasoning':
        return [...this.close(), ...this.delta('redacted', { reasoningContent: { redactedContent: toBase64(event.data) } })];
      case 'toolUseStart': {
        const frames = this.close();
        const index = this.open('toolUse');
        frames.push(eventFrame('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: event.id, name: event.name } } }));
        return frames;
      }
      case 'toolUseDelta':
        return this.delta('toolUse', { toolUse: { input: event.input } });
      case 'finish': {
        const frames = this.close();
        const stop: Record<string, unknown> = { stopReason: event.stopReason };
        const additional = additionalResponseFields(this.options.additionalModelResponseFieldPaths, this.model, event);
        if (additional) stop.additionalModelResponseFields = additional;
        frames.push(eventFrame('messageStop', stop));
        const metadata: Record<string, unknown> = {
          usage: converseUsage(event.usage),
          metrics: { latencyMs: Math.round(performance.now() - this.startedAt) },
        };
        if (this.options.performanceConfig) metadata.performanceConfig = this.options.performanceConfig;
        if (this.options.serviceTier) metadata.serviceTier = this.options.serviceTier;
        frames.push(eventFrame('metadata', metadata));
        return frames;
      }
    }
  }

  private delta(kind: BlockKind, delta: Record<string, unknown>): Uint8Array[] {
    const frames = this.openBlock?.kind === kind ? [] : this.close();
    const index = this.openBlock?.index ?? this.open(kind);
    frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta }));
    return frames;
  }

  private open(kind: BlockKind): number {
    this.openBlock = { kind, index: this.nextIndex++ };
    return this.openBlock.index;
  }

  private close(): Uint8Array[] {
    if (!this.openBlock) return [];
    const frame = eventFrame('contentBlockStop', { contentBlockIndex: this.openBlock.index });
    this.openBlock = undefined;
    return [frame];
  }
}
