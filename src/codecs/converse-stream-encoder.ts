import type { ChatStreamEvent } from '../chat/types.js';
import { eventFrame } from '../encoding/event-stream.js';
import { ContentBlockTracker } from './content-block-tracker.js';
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
  private readonly blocks = new ContentBlockTracker<BlockKind>();

  constructor(
    private readonly model: ResolvedModel,
    private readonly options: ConverseResponseOptions,
    private readonly startedAt: number,
    /** The `trace.guardrail` of an inline guardrail, read when the answer is complete. */
    private readonly guardrailTrace?: () => Record<string, unknown> | undefined,
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
        return [...this.stopFrame(this.blocks.close()), ...this.delta('redacted', { reasoningContent: { redactedContent: toBase64(event.data) } })];
      case 'toolUseStart': {
        const { index, closed } = this.blocks.open('toolUse');
        return [...this.stopFrame(closed), eventFrame('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: event.id, name: event.name } } })];
      }
      case 'toolUseDelta':
        return this.delta('toolUse', { toolUse: { input: event.input } });
      case 'finish': {
        const frames = this.stopFrame(this.blocks.close());
        const stop: Record<string, unknown> = { stopReason: event.stopReason };
        const additional = additionalResponseFields(this.options.additionalModelResponseFieldPaths, this.model, event);
        if (additional) stop.additionalModelResponseFields = additional;
        frames.push(eventFrame('messageStop', stop));
        const metadata: Record<string, unknown> = {
          usage: converseUsage(event.usage),
          metrics: { latencyMs: Math.round(performance.now() - this.startedAt) },
        };
        const guardrail = this.guardrailTrace?.();
        if (guardrail) metadata.trace = { guardrail };
        if (this.options.performanceConfig) metadata.performanceConfig = this.options.performanceConfig;
        if (this.options.serviceTier) metadata.serviceTier = this.options.serviceTier;
        frames.push(eventFrame('metadata', metadata));
        return frames;
      }
    }
  }

  private delta(kind: BlockKind, delta: Record<string, unknown>): Uint8Array[] {
    const { index, closed } = this.blocks.continue(kind);
    return [...this.stopFrame(closed), eventFrame('contentBlockDelta', { contentBlockIndex: index, delta })];
  }

  private stopFrame(index: number | undefined): Uint8Array[] {
    return index === undefined ? [] : [eventFrame('contentBlockStop', { contentBlockIndex: index })];
  }
}
