import type { ConverseCommandInput, ConverseCommandOutput, ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { RecordedCall } from '../core/call-log.js';
import type { OperationName } from '../router/routes.js';

/**
 * Typed views of the call log for tests: which operations a test can script and assert on, what each one's
 * recorded request and response look like (typed from the SDK's own input and output types), and the text
 * a call was asked about.
 */

/**
 * The operations a test can script with `bedrock.on()`: the ones the scripted backend answers.
 *
 * @example
 * const operation: ScriptableOperation = 'ConverseStream';
 */
export type ScriptableOperation = 'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';

/**
 * The operations that answer with an event stream (the ones a script can break mid-way).
 *
 * @example
 * const operation: StreamingOperation = 'InvokeModelWithResponseStream';
 */
export type StreamingOperation = 'ConverseStream' | 'InvokeModelWithResponseStream';

/** A JSON object, e.g. a model's native InvokeModel body. */
export type JsonObject = { [key: string]: unknown };

/**
 * The decoded request body each operation records: the SDK's command input as it travels on the wire, so
 * without the `modelId` (which is in the path) and with bytes (images, documents) as base64 strings. For
 * `InvokeModel` it is the model's native JSON body.
 *
 * @example
 * const body: RecordedRequestBodies['Converse'] = { messages: [{ role: 'user', content: [{ text: 'Hi' }] }] };
 */
export interface RecordedRequestBodies {
  Converse: Omit<ConverseCommandInput, 'modelId'>;
  ConverseStream: Omit<ConverseStreamCommandInput, 'modelId'>;
  InvokeModel: JsonObject;
  InvokeModelWithResponseStream: JsonObject;
}

/**
 * One event of a recorded stream: the event (or exception) type and its JSON payload.
 *
 * @example
 * const event: RecordedStreamEvent = { type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'Hi' } } };
 */
export interface RecordedStreamEvent {
  type: string;
  payload: unknown;
}

/**
 * The decoded response each operation records: the SDK's output as it travels on the wire (without
 * `$metadata`), the stream's events once it has ended, or a model's native JSON body.
 *
 * @example
 * const [call] = bedrock.callsTo('Converse');
 * (call?.output as RecordedResponseBodies['Converse']).stopReason; // 'end_turn'
 */
export interface RecordedResponseBodies {
  Converse: Omit<ConverseCommandOutput, '$metadata'>;
  ConverseStream: RecordedStreamEvent[];
  InvokeModel: JsonObject;
  InvokeModelWithResponseStream: RecordedStreamEvent[];
}

/** The body an error answer carries. */
export interface RecordedErrorBody {
  message?: string;
}

type RequestBodyOf<O extends OperationName> = O extends keyof RecordedRequestBodies ? RecordedRequestBodies[O] : unknown;
type ResponseBodyOf<O extends OperationName> = O extends keyof RecordedResponseBodies ? RecordedResponseBodies[O] : unknown;

/**
 * A recorded call of one operation, with its request and response typed for that operation. When the call
 * failed, `error` is set and `output` is the error's body (`{ message }`); a stream's `output` is
 * `undefined` until the stream has ended (`complete`).
 *
 * @example
 * const [call] = bedrock.callsTo('Converse');
 * call?.input?.messages?.[0]?.content; // typed as the SDK's ContentBlock[]
 */
export type BedrockCall<O extends OperationName = OperationName> = Omit<RecordedCall, 'operation' | 'input' | 'output'> & {
  readonly operation: O;
  readonly input: RequestBodyOf<O> | undefined;
  readonly output: ResponseBodyOf<O> | RecordedErrorBody | undefined;
};

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text of a message's content: a string, or the `text` of each block (Converse and Messages styles). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (typeof block === 'string' ? block : isObject(block) && typeof block.text === 'string' ? block.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/**
 * The text a call asked about, read from its decoded request: the last user message (Converse, and the
 * Messages-style bodies of Claude, Nova, Llama 3.2+, Jamba, gpt-oss), else the body's `prompt`, `inputText`
 * or `message` (prompt-string families, Titan, Cohere). Empty when the body carries none.
 *
 * @example
 * promptOf({ messages: [{ role: 'user', content: [{ text: 'Hello' }] }] }); // 'Hello'
 * promptOf({ prompt: '<s>[INST] Hi [/INST]' }); // '<s>[INST] Hi [/INST]'
 */
export function promptOf(input: unknown): string {
  if (!isObject(input)) return '';
  if (Array.isArray(input.messages)) {
    const lastUser = input.messages.findLast((message) => isObject(message) && message.role === 'user');
    return isObject(lastUser) ? contentText(lastUser.content) : '';
  }
  for (const key of ['prompt', 'inputText', 'message']) {
    const value = input[key];
    if (typeof value === 'string') return value;
  }
  return '';
}

/**
 * The system prompt of a call's decoded request: `system` as blocks or a string, or the `system`-role
 * messages of OpenAI-style bodies, joined by new lines.
 *
 * @example
 * systemOf({ system: [{ text: 'Be brief.' }], messages: [] }); // 'Be brief.'
 */
export function systemOf(input: unknown): string {
  if (!isObject(input)) return '';
  if (input.system !== undefined) return contentText(input.system);
  if (!Array.isArray(input.messages)) return '';
  return input.messages
    .filter((message): message is JsonObject => isObject(message) && message.role === 'system')
    .map((message) => contentText(message.content))
    .join('\n');
}

function excerpt(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

/**
 * One line naming a call for failure messages: operation, model, prompt and outcome.
 *
 * @example
 * describeCall(call); // 'Converse anthropic.claude-3-haiku-20240307-v1:0 "Hello" → 200'
 */
export function describeCall(call: RecordedCall): string {
  const outcome = call.error ? call.error.name : call.complete ? String(call.statusCode) : `${call.statusCode}, stream still open`;
  const prompt = promptOf(call.input);
  const parts = [call.operation ?? `${call.http.method} ${call.http.path}`, call.modelId, prompt === '' ? undefined : JSON.stringify(excerpt(prompt, 60))];
  return `${parts.filter((part) => part !== undefined).join(' ')} → ${outcome}`;
}
