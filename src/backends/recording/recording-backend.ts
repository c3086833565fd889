import { resolve } from 'node:path';
import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../chat/types.js';
import { BedrockServiceError } from '../../errors/bedrock-errors.js';
import type { Backend, BackendCallOptions, EmbeddingRequest, EmbeddingResponse, ImageRequest, ImageResponse } from '../types.js';
import {
  CASSETTE_VERSION,
  closestInteraction,
  fromCassetteJson,
  normalizeRequest,
  readCassette,
  toCassetteJson,
  writeCassette,
  type CassetteInteraction,
  type CassetteInteractionKind,
  type CassetteJson,
} from './cassette.js';

/**
 * What a recording backend does with a call:
 * - `record`: asks the wrapped backend and records every answer, starting a fresh cassette (the file is
 *   replaced at the first recorded call);
 * - `replay`: answers only from the cassette, never touching the wrapped backend; a request it has no
 *   recording for is a `ValidationException` explaining the miss;
 * - `auto`: replays what the cassette has and records (appends) what it lacks.
 *
 * @example
 * const mode: CassetteMode = process.env.CI ? 'replay' : 'auto';
 */
export type CassetteMode = 'record' | 'replay' | 'auto';

/**
 * Options of `createRecordingBackend`.
 *
 * @example
 * const options: RecordingBackendOptions = { backend: createOllamaBackend(), cassette: 'test/cassettes/chat.json', mode: 'auto' };
 */
export interface RecordingBackendOptions {
  /** The backend that answers while recording, e.g. `createOllamaBackend()`. Unused in `replay` mode. */
  backend: Backend;
  /** Path of the cassette file (JSON); one per test file keeps parallel workers from sharing one. */
  cassette: string;
  /** Default: `LOCAL_BEDROCK_CASSETTE_MODE`, else `replay` (so CI never reaches a model by accident). */
  mode?: CassetteMode;
  /** Environment to read `LOCAL_BEDROCK_CASSETTE_MODE` from; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A backend that records another backend's answers to a cassette, or replays them from it.
 *
 * @example
 * const backend = createRecordingBackend({ backend: createOllamaBackend(), cassette: 'test/cassettes/chat.json' });
 * // … calls …
 * await backend.flush(); // every recorded answer is on disk
 */
export interface RecordingBackend extends Backend {
  /** The mode in effect (after reading the environment). */
  readonly mode: CassetteMode;
  /** The cassette's absolute path. */
  readonly cassettePath: string;
  /** Resolves once every recorded interaction is written; rejects if a write failed. */
  flush(): Promise<void>;
  /** Flushes, then disposes the wrapped backend. */
  dispose(): Promise<void>;
}

const MODES: readonly CassetteMode[] = ['record', 'replay', 'auto'];

function chooseMode(option: CassetteMode | undefined, env: Readonly<Record<string, string | undefined>>): CassetteMode {
  const mode = option ?? (env.LOCAL_BEDROCK_CASSETTE_MODE?.trim().toLowerCase() || 'replay');
  if ((MODES as readonly string[]).includes(mode)) return mode as CassetteMode;
  throw new Error(`[local-bedrock] Unknown cassette mode "${mode}" (LOCAL_BEDROCK_CASSETTE_MODE). Use record, replay or auto.`);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('The operation was aborted.');
}

/** Replays recorded events, fresh objects each time; an abort stops the stream before the next event. */
async function* replayEvents(events: readonly CassetteJson[], signal: AbortSignal | undefined): AsyncGenerator<ChatStreamEvent> {
  for (const event of events) {
    throwIfAborted(signal);
    yield fromCassetteJson<ChatStreamEvent>(event);
  }
}

/**
 * Wraps any backend to record its answers to a cassette file, or to replay them deterministically: record
 * once against Ollama (or any backend), commit the cassette, replay in CI with no model at all.
 *
 * Requests match on their kind (`chat`, `chatStream`, `embed`, `generateImage`), the Bedrock model id and
 * the whole neutral request (the backend model name excepted, so CI may map models differently). The n-th
 * identical request replays the n-th recording of it, cycling back to the first once all were used, so a
 * test that repeats a call still gets answers. Failed calls and streams not read to their end are not
 * recorded. Calls while recording return what replay will return (the answer after its trip through
 * JSON), so the recording run and the replay runs see the same values.
 *
 * @example
 * const backend = createRecordingBackend({
 *   backend: createOllamaBackend(),
 *   cassette: 'test/cassettes/converse.json',
 *   mode: 'auto', // or LOCAL_BEDROCK_CASSETTE_MODE=record|replay|auto
 * });
 * client.middlewareStack.use(localBedrock({ backend }));
 */
export function createRecordingBackend(options: RecordingBackendOptions): RecordingBackend {
  const inner = options.backend;
  const mode = chooseMode(options.mode, options.env ?? process.env);
  const path = resolve(options.cassette);
  let loading: Promise<CassetteInteraction[]> | undefined;
  let fileExisted = false;
  /** How many times each recorded request was replayed, to walk through its recordings in order. */
  const replayed = new Map<string, number>();
  let writing: Promise<void> = Promise.resolve();
  let queuedWrite: Promise<void> | undefined;

  /** The cassette's interactions, read once. `record` mode starts empty: it re-records from scratch. */
  function load(): Promise<CassetteInteraction[]> {
    loading ??= (mode === 'record' ? Promise.resolve(undefined) : readCassette(path)).then(
      (cassette) => {
        fileExisted = cassette !== undefined;
        return cassette?.interactions ?? [];
      },
      (error: unknown) => {
        loading = undefined;
        // A plain error would reach the caller as a bare InternalServerException; this message must be seen.
        throw new BedrockServiceError('ValidationException', `[local-bedrock] ${(error as Error).message}`, { cause: error });
      },
    );
    return loading;
  }

  /** Writes the cassette; calls arriving during a write share the next one, which includes them all. */
  function save(interactions: CassetteInteraction[]): Promise<void> {
    queuedWrite ??= writing
      .catch(() => undefined)
      .then(() => {
        queuedWrite = undefined;
        return writeCassette(path, { version: CASSETTE_VERSION, interactions });
      });
    writing = queuedWrite;
    return queuedWrite;
  }

  async function record(interaction: CassetteInteraction): Promise<void> {
    const interactions = await load();
    interactions.push(interaction);
    await save(interactions);
  }

  function lookUp(interactions: readonly CassetteInteraction[], kind: CassetteInteractionKind, key: string): CassetteInteraction | undefined {
    // An interaction without its answer (a hand-edit gone wrong) cannot be replayed, so it does not match.
    const answered = (interaction: CassetteInteraction) => (kind === 'chatStream' ? Array.isArray(interaction.events) : interaction.response !== undefined);
    const recordings = interactions.filter((interaction) => interaction.kind === kind && interaction.key === key && answered(interaction));
    if (recordings.length === 0) return undefined;
    const id = `${kind}:${key}`;
    const count = replayed.get(id) ?? 0;
    replayed.set(id, count + 1);
    return recordings[count % recordings.length];
  }

  function missError(interactions: readonly CassetteInteraction[], kind: CassetteInteractionKind, modelId: string, key: string, request: CassetteJson): BedrockServiceError {
    const lines = [`[local-bedrock] The cassette ${path} has no recorded ${kind} answer for this request to ${modelId} (key ${key}).`];
    const closest = closestInteraction(interactions, kind, request);
    if (!fileExisted) lines.push('The cassette file does not exist yet.');
    else if (!closest) lines.push('The cassette has no interactions.');
    else {
      const { interaction, differences } = closest;
      lines.push(`Closest recording: ${interaction.kind} to ${interaction.modelId} (key ${interaction.key}), which differs in: ${differences.join('; ')}.`);
    }
    const [auto, record] = options.mode === undefined ? ['LOCAL_BEDROCK_CASSETTE_MODE=auto', '=record'] : ["mode: 'auto'", "mode: 'record'"];
    lines.push(`To record it, run once with ${auto} (adds missing answers) or ${record} (re-records the whole cassette); the wrapped ${inner.name} backend must be able to answer during that run.`);
    return new BedrockServiceError('ValidationException', lines.join('\n'));
  }

  /** The recorded interaction for a call, or `undefined` when it must be asked (and recorded). */
  async function replay(kind: CassetteInteractionKind, modelId: string, normalized: { request: CassetteJson; key: string }) {
    if (mode === 'record') return undefined;
    const interactions = await load();
    const hit = lookUp(interactions, kind, normalized.key);
    if (hit === undefined && mode === 'replay') throw missError(interactions, kind, modelId, normalized.key, normalized.request);
    return hit;
  }

  function interactionOf(
    kind: CassetteInteractionKind,
    request: { modelId: string; backendModel: string },
    normalized: { request: CassetteJson; key: string },
    callOptions: BackendCallOptions | undefined,
  ): CassetteInteraction {
    return {
      kind,
      modelId: request.modelId,
      key: normalized.key,
      ...(callOptions?.operation ? { operation: callOptions.operation } : {}),
      recordedWith: { backend: inner.name, backendModel: request.backendModel },
      request: normalized.request,
    };
  }

  /** A call answered in one piece: replayed, or asked of the wrapped backend and recorded. */
  async function complete<Response>(
    kind: Exclude<CassetteInteractionKind, 'chatStream'>,
    request: { modelId: string; backendModel: string },
    callOptions: BackendCallOptions | undefined,
    ask: () => Promise<Response>,
  ): Promise<Response> {
    throwIfAborted(callOptions?.signal);
    const normalized = normalizeRequest(request);
    const hit = await replay(kind, request.modelId, normalized);
    if (hit?.response !== undefined) return fromCassetteJson<Response>(hit.response);
    const response = toCassetteJson(await ask());
    await record({ ...interactionOf(kind, request, normalized, callOptions), response });
    return fromCassetteJson<Response>(response);
  }

  /** Forwards a live stream, recording its events once it has run to its `finish`. */
  async function* recordEvents(upstream: AsyncIterable<ChatStreamEvent>, interaction: CassetteInteraction): AsyncGenerator<ChatStreamEvent> {
    const events: CassetteJson[] = [];
    let finished = false;
    for await (const event of upstream) {
      const json = toCassetteJson(event);
      events.push(json);
      finished ||= event.type === 'finish';
      yield fromCassetteJson<ChatStreamEvent>(json);
    }
    // A stream that failed or was abandoned never gets here (or has no finish): replaying it would be a broken answer.
    if (finished) await record({ ...interaction, events });
  }

  const backend: RecordingBackend = {
    name: `recorded ${inner.name}`,
    mode,
    cassettePath: path,
    chat(request: ChatRequest, callOptions?: BackendCallOptions): Promise<ChatResponse> {
      return complete('chat', request, callOptions, () => inner.chat(request, callOptions));
    },
    async chatStream(request: ChatRequest, callOptions?: BackendCallOptions): Promise<AsyncIterable<ChatStreamEvent>> {
      throwIfAborted(callOptions?.signal);
      const normalized = normalizeRequest(request);
      const hit = await replay('chatStream', request.modelId, normalized);
      if (hit?.events !== undefined) return replayEvents(hit.events, callOptions?.signal);
      const upstream = await inner.chatStream(request, callOptions);
      return recordEvents(upstream, interactionOf('chatStream', request, normalized, callOptions));
    },
    async flush() {
      await writing;
    },
    async dispose() {
      try {
        await writing;
      } finally {
        await inner.dispose?.();
      }
    },
  };
  // Offered only when the wrapped backend has them: otherwise the runtime's scripted fallback answers
  // (deterministically), and there is nothing worth recording.
  if (inner.embed) {
    const embed = inner.embed.bind(inner);
    backend.embed = (request: EmbeddingRequest, callOptions?: BackendCallOptions): Promise<EmbeddingResponse> =>
      complete('embed', request, callOptions, () => embed(request, callOptions));
  }
  if (inner.generateImage) {
    const generateImage = inner.generateImage.bind(inner);
    backend.generateImage = (request: ImageRequest, callOptions?: BackendCallOptions): Promise<ImageResponse> =>
      complete('generateImage', request, callOptions, () => generateImage(request, callOptions));
  }
  return backend;
}
