import type { RecordedCall } from '../core/call-log.js';
import type { LocalHttpRequest } from '../core/http-types.js';
import type { LocalBedrockRuntime } from '../core/runtime.js';
import type { OperationName } from '../router/routes.js';
import { countTextTokens } from '../tokens/approximate.js';
import type { QuotaReservation, SettledUsage } from './quota-limiter.js';

/**
 * Connects the quota limiter to requests: estimates what a call reserves when it starts, and settles it with
 * the usage its answer reported once the answer has ended (read back from the call log, so no operation needs
 * to know about quotas).
 */

/** The operations that invoke a model and so count against its quotas. */
const MODEL_OPERATIONS: ReadonlySet<OperationName> = new Set(['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream']);
const decoder = new TextDecoder();

type JsonObject = Record<string, unknown>;
const objectAt = (value: unknown): JsonObject | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined);
const numberAt = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The output ceiling a request asks for, in whichever field its body family uses. */
function requestedMaxTokens(body: JsonObject): number | undefined {
  return (
    numberAt(objectAt(body.inferenceConfig)?.maxTokens) ??
    numberAt(body.max_tokens) ??
    numberAt(body.max_tokens_to_sample) ??
    numberAt(body.max_gen_len) ??
    numberAt(body.max_completion_tokens) ??
    numberAt(objectAt(body.textGenerationConfig)?.maxTokenCount) ??
    numberAt(objectAt(body.inferenceConfig)?.max_new_tokens)
  );
}

function parseObject(bytes: Uint8Array): JsonObject | undefined {
  try {
    return objectAt(JSON.parse(decoder.decode(bytes)));
  } catch {
    return undefined;
  }
}

const pendingByRuntime = new WeakMap<LocalBedrockRuntime, WeakMap<LocalHttpRequest, QuotaReservation>>();

/** Settles reservations as the runtime's calls complete; created once per runtime, on its first reservation. */
function pendingReservations(runtime: LocalBedrockRuntime): WeakMap<LocalHttpRequest, QuotaReservation> {
  let pending = pendingByRuntime.get(runtime);
  if (!pending) {
    const reservations = new WeakMap<LocalHttpRequest, QuotaReservation>();
    runtime.callLog.subscribe((call) => {
      const reservation = reservations.get(call.http);
      if (!reservation) return;
      reservations.delete(call.http);
      reservation.settle(usageOfCall(call));
    });
    pendingByRuntime.set(runtime, reservations);
    pending = reservations;
  }
  return pending;
}

/**
 * Admits a model call under the runtime's quotas (throwing `ThrottlingException` when over them) and arranges
 * its settlement. Does nothing when no quota is set or the model id is invalid (the operation reports that).
 */
export function admitWithinQuota(runtime: LocalBedrockRuntime, operation: OperationName, request: LocalHttpRequest, modelId: string | undefined): void {
  if (!runtime.quotas.active || modelId === undefined || !MODEL_OPERATIONS.has(operation)) return;
  let model;
  try {
    model = runtime.models.resolve(modelId);
  } catch {
    return;
  }
  const body = parseObject(request.body) ?? {};
  const reservation = runtime.quotas.admit({
    requestedId: modelId,
    baseModelId: model.baseModelId,
    crossRegion: model.family !== 'ollama' && model.family !== 'custom' && modelId !== model.baseModelId && !modelId.endsWith(`foundation-model/${model.baseModelId}`),
    inputTokens: countTextTokens(decoder.decode(request.body)),
    maxTokens: requestedMaxTokens(body) ?? model.maxOutputTokens,
  });
  if (reservation) pendingReservations(runtime).set(request, reservation);
}

/** The usage a completed call reported (body, headers, stream metadata or invocation metrics), if any. */
export function usageOfCall(call: RecordedCall): SettledUsage | undefined {
  if (call.statusCode >= 400) return undefined;
  const header = (name: string) => numberAt(Number(call.headers[name]));
  const input = header('x-amzn-bedrock-input-token-count');
  if (input !== undefined) {
    return { inputTokens: input, outputTokens: header('x-amzn-bedrock-output-token-count') ?? 0, cacheWriteInputTokens: header('x-amzn-bedrock-cache-write-input-token-count') ?? 0 };
  }
  const output = call.output;
  if (Array.isArray(output)) return usageOfStream(output as { type: string; payload: unknown }[]);
  const usage = objectAt(objectAt(output)?.usage);
  return usage ? fromConverseUsage(usage) : undefined;
}

function fromConverseUsage(usage: JsonObject): SettledUsage {
  return { inputTokens: numberAt(usage.inputTokens) ?? 0, outputTokens: numberAt(usage.outputTokens) ?? 0, cacheWriteInputTokens: numberAt(usage.cacheWriteInputTokens) ?? 0 };
}

function usageOfStream(events: readonly { type: string; payload: unknown }[]): SettledUsage | undefined {
  for (let index = events.length - 1; index >= 0; index--) {
    const { type, payload } = events[index]!;
    if (type === 'metadata') {
      const usage = objectAt(objectAt(payload)?.usage);
      if (usage) return fromConverseUsage(usage);
    }
    if (type === 'chunk') {
      const bytes = objectAt(payload)?.bytes;
      const chunk = typeof bytes === 'string' ? parseObject(Buffer.from(bytes, 'base64')) : undefined;
      const metrics = objectAt(chunk?.['amazon-bedrock-invocationMetrics']);
      if (metrics) {
        return {
          inputTokens: numberAt(metrics.inputTokenCount) ?? 0,
          outputTokens: numberAt(metrics.outputTokenCount) ?? 0,
          cacheWriteInputTokens: numberAt(metrics.cacheWriteInputTokenCount) ?? 0,
        };
      }
    }
  }
  return undefined;
}
