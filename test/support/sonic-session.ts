import {
  InvokeModelWithBidirectionalStreamCommand,
  type InvokeModelWithBidirectionalStreamInput,
  type InvokeModelWithBidirectionalStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';

/**
 * Building blocks for Nova Sonic sessions in tests: input events, an input the test feeds while it reads the
 * output (full duplex), and decoding of output chunks.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type SonicEvent = Record<string, Record<string, unknown>>;

/** One input event as the SDK takes it: `{chunk:{bytes}}` of `{"event":{…}}`. */
export function inputChunk(event: SonicEvent): InvokeModelWithBidirectionalStreamInput {
  return { chunk: { bytes: encoder.encode(JSON.stringify({ event })) } };
}

/**
 * An input the test feeds as it goes: `send()` queues events, `end()` finishes the input. The SDK pulls from
 * it while the test reads the output.
 */
export class SonicInput implements AsyncIterable<InvokeModelWithBidirectionalStreamInput> {
  private readonly queued: SonicEvent[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  /** How many events the SDK has taken. */
  taken = 0;

  send(...events: SonicEvent[]): void {
    this.queued.push(...events);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<InvokeModelWithBidirectionalStreamInput> {
    for (;;) {
      const next = this.queued.shift();
      if (next) {
        this.taken++;
        yield inputChunk(next);
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** An input that sends these events and ends. */
export async function* fixedInput(events: SonicEvent[]): AsyncGenerator<InvokeModelWithBidirectionalStreamInput> {
  for (const event of events) yield inputChunk(event);
}

/** One decoded output event: its name and members. */
export interface SonicOutput {
  name: string;
  body: Record<string, unknown>;
}

/** Decodes an output union member (`{chunk:{bytes}}`) into its event. */
export function decodeOutput(output: InvokeModelWithBidirectionalStreamOutput): SonicOutput {
  if (!output.chunk?.bytes) throw new Error(`Unexpected output member: ${Object.keys(output).join(', ')}`);
  const { event } = JSON.parse(decoder.decode(output.chunk.bytes)) as { event: Record<string, Record<string, unknown>> };
  const [name, body] = Object.entries(event)[0]!;
  return { name, body };
}

export const sessionStart = (): SonicEvent => ({ sessionStart: { inferenceConfiguration: { maxTokens: 1024, topP: 0.9, temperature: 0.7 } } });

export function promptStart(promptName: string, options: { voiceId?: string | null; tools?: SonicTool[]; sampleRateHertz?: number } = {}): SonicEvent {
  const audio: Record<string, unknown> = {
    mediaType: 'audio/lpcm',
    sampleRateHertz: options.sampleRateHertz ?? 24000,
    sampleSizeBits: 16,
    channelCount: 1,
    encoding: 'base64',
    audioType: 'SPEECH',
  };
  if (options.voiceId !== null) audio.voiceId = options.voiceId ?? 'matthew';
  return {
    promptStart: {
      promptName,
      textOutputConfiguration: { mediaType: 'text/plain' },
      audioOutputConfiguration: audio,
      ...(options.tools
        ? {
            toolUseOutputConfiguration: { mediaType: 'application/json' },
            toolConfiguration: {
              tools: options.tools.map((tool) => ({ toolSpec: { name: tool.name, description: tool.description, inputSchema: { json: JSON.stringify(tool.schema) } } })),
            },
          }
        : {}),
    },
  };
}

export interface SonicTool {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

/** contentStart → textInput → contentEnd of one TEXT block. */
export function textBlock(promptName: string, contentName: string, role: 'SYSTEM' | 'USER' | 'ASSISTANT', text: string, interactive: boolean): SonicEvent[] {
  return [
    { contentStart: { promptName, contentName, type: 'TEXT', interactive, role, textInputConfiguration: { mediaType: 'text/plain' } } },
    { textInput: { promptName, contentName, content: text } },
    { contentEnd: { promptName, contentName } },
  ];
}

/** contentStart and audioInput frames of one USER AUDIO block (no contentEnd). */
export function audioStart(promptName: string, contentName: string, audio: Uint8Array, frameBytes = 1024): SonicEvent[] {
  const events: SonicEvent[] = [
    {
      contentStart: {
        promptName,
        contentName,
        type: 'AUDIO',
        interactive: true,
        role: 'USER',
        audioInputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 16000, sampleSizeBits: 16, channelCount: 1, audioType: 'SPEECH', encoding: 'base64' },
      },
    },
  ];
  for (let offset = 0; offset < audio.length; offset += frameBytes) {
    events.push({ audioInput: { promptName, contentName, content: Buffer.from(audio.subarray(offset, offset + frameBytes)).toString('base64') } });
  }
  return events;
}

/** A TOOL block carrying a tool result. */
export function toolResultBlock(promptName: string, contentName: string, toolUseId: string, result: unknown): SonicEvent[] {
  return [
    {
      contentStart: {
        promptName,
        contentName,
        interactive: false,
        type: 'TOOL',
        role: 'TOOL',
        toolResultInputConfiguration: { toolUseId, type: 'TEXT', textInputConfiguration: { mediaType: 'text/plain' } },
      },
    },
    { toolResult: { promptName, contentName, content: JSON.stringify(result) } },
    { contentEnd: { promptName, contentName } },
  ];
}

export const contentEnd = (promptName: string, contentName: string): SonicEvent => ({ contentEnd: { promptName, contentName } });
export const promptEnd = (promptName: string): SonicEvent => ({ promptEnd: { promptName } });
export const sessionEnd = (): SonicEvent => ({ sessionEnd: {} });

/** A short text label of an output event, for order assertions: `contentStart:TEXT:ASSISTANT:SPECULATIVE`. */
export function label({ name, body }: SonicOutput): string {
  if (name === 'contentStart') {
    const stage = typeof body.additionalModelFields === 'string' ? (JSON.parse(body.additionalModelFields) as { generationStage?: string }).generationStage : undefined;
    return [name, body.type, body.role, stage].filter(Boolean).join(':');
  }
  if (name === 'contentEnd') return `${name}:${String(body.type)}:${String(body.stopReason)}`;
  if (name === 'completionEnd') return `${name}:${String(body.stopReason)}`;
  if (name === 'textOutput') return `${name}:${String(body.role)}`;
  return name;
}

/** What a session gave back: the decoded events, and the error it ended with and where it was thrown. */
export interface SessionResult {
  events: SonicOutput[];
  error?: Error & { $metadata?: { attempts?: number } };
  /** `send` when `client.send()` rejected, `stream` when the `for await` threw. */
  thrownFrom?: 'send' | 'stream';
}

interface SendsCommands {
  send(command: InvokeModelWithBidirectionalStreamCommand, options?: { abortSignal?: AbortSignal }): Promise<{ body?: AsyncIterable<InvokeModelWithBidirectionalStreamOutput> }>;
}

/**
 * Runs one session: sends the command with `input` as its body and reads the output to its end, letting
 * `react` send more input as events arrive (full duplex).
 */
export async function runSession(
  client: SendsCommands,
  modelId: string,
  input: AsyncIterable<InvokeModelWithBidirectionalStreamInput>,
  react: (event: SonicOutput) => void = () => {},
  abortSignal?: AbortSignal,
): Promise<SessionResult> {
  const events: SonicOutput[] = [];
  let response;
  try {
    response = await client.send(new InvokeModelWithBidirectionalStreamCommand({ modelId, body: input }), abortSignal ? { abortSignal } : {});
  } catch (error) {
    return { events, error: error as SessionResult['error'], thrownFrom: 'send' };
  }
  try {
    for await (const output of response.body ?? []) {
      const event = decodeOutput(output);
      events.push(event);
      react(event);
    }
  } catch (error) {
    return { events, error: error as SessionResult['error'], thrownFrom: 'stream' };
  }
  return { events };
}
