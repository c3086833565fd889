import type { ChatOutputPart, ChatResponse, ChatStopReason, ChatUsage } from '../chat/types.js';
import type { ResolvedModel } from '../models/registry.js';
import type { ConverseResponseOptions } from './converse-request.js';
import { toBase64 } from './json-values.js';
import { allInputTokens, converseCacheFields } from '../caching/cache-usage-fields.js';

/** Neutral answer → Converse response body (`output`, `stopReason`, `usage`, `metrics`, …). */

/** One output part as a Converse `ContentBlock`. */
export function partToContentBlock(part: ChatOutputPart): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'toolUse':
      return { toolUse: { toolUseId: part.id, name: part.name, input: part.input } };
    case 'reasoning':
      return { reasoningContent: { reasoningText: part.signature === undefined ? { text: part.text } : { text: part.text, signature: part.signature } } };
    case 'redactedReasoning':
      return { reasoningContent: { redactedContent: toBase64(part.data) } };
  }
}

/**
 * Converse `usage`: `totalTokens` is always present, as SDK-based clients require, and counts cache reads
 * and writes too; the cache members appear when the request used the prompt cache.
 */
export function converseUsage(usage: ChatUsage): Record<string, unknown> {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: allInputTokens(usage) + usage.outputTokens, ...converseCacheFields(usage) };
}

/** The native stop reason a family's own API would report, for `additionalModelResponseFields`. */
function nativeStopReason(model: ResolvedModel, stopReason: ChatStopReason): string {
  if (model.family === 'anthropic') return stopReason;
  if (model.family === 'meta-llama' || model.family === 'mistral' || model.family === 'openai' || model.family === 'deepseek') {
    return stopReason === 'max_tokens' ? 'length' : 'stop';
  }
  return stopReason;
}

/**
 * `additionalModelResponseFields`: the values at the requested JSON Pointers in the model's native response.
 * Only the fields a local answer knows (`stop_reason`, `stop_sequence`, `usage`) can be found; missing
 * paths are left out, as Bedrock leaves them out.
 */
export function additionalResponseFields(
  paths: readonly string[],
  model: ResolvedModel,
  answer: Pick<ChatResponse, 'stopReason' | 'stopSequence' | 'usage'>,
): Record<string, unknown> | undefined {
  if (paths.length === 0) return undefined;
  const native: Record<string, unknown> = {
    stop_reason: nativeStopReason(model, answer.stopReason),
    stop_sequence: answer.stopSequence ?? null,
    usage: { input_tokens: answer.usage.inputTokens, output_tokens: answer.usage.outputTokens },
  };
  const result: Record<string, unknown> = {};
  for (const path of paths) {
    const segments = path.split('/').slice(1).map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
    let value: unknown = native;
    for (const segment of segments) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
    if (value === undefined) continue;
    let target = result;
    segments.slice(0, -1).forEach((segment) => {
      target[segment] = (target[segment] as Record<string, unknown> | undefined) ?? {};
      target = target[segment] as Record<string, unknown>;
    });
    target[segments.at(-1)!] = value;
  }
  return result;
}

/** The complete Converse response body. */
export function converseResponseBody(
  answer: ChatResponse,
  model: ResolvedModel,
  options: ConverseResponseOptions,
  latencyMs: number,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    output: { message: { role: 'assistant', content: answer.content.map(partToContentBlock) } },
    stopReason: answer.stopReason,
    usage: converseUsage(answer.usage),
    metrics: { latencyMs: Math.round(latencyMs) },
  };
  const additional = additionalResponseFields(options.additionalModelResponseFieldPaths, model, answer);
  if (additional) body.additionalModelResponseFields = additional;
  if (options.performanceConfig) body.performanceConfig = options.performanceConfig;
  if (options.serviceTier) body.serviceTier = options.serviceTier;
  return body;
}
