import type { ChatMessage, ChatPart, ChatTool, ChatToolChoice } from '../../../chat/types.js';
import { validationError } from '../../../errors/bedrock-errors.js';

/**
 * The input side of a Nova Sonic session as a state machine: it validates each input event against the order
 * and references the service expects (`sessionStart` first, then `promptStart`, content blocks that name a known
 * `promptName`/`contentName`, …) and the enums of the input events, keeps the conversation (system prompt,
 * history), and says when a turn is due. Violations throw `ValidationException`; their texts are local-bedrock's
 * own (the service documents none).
 */

/** Content types of `contentStart`. */
type ContentType = 'TEXT' | 'AUDIO' | 'TOOL';
/** Roles of `contentStart` (`SYSTEM_SPEECH` is Nova 2 only). */
type ContentRole = 'SYSTEM' | 'USER' | 'ASSISTANT' | 'TOOL' | 'SYSTEM_SPEECH';

/**
 * An open or finished input content block.
 *
 * @example
 * const block: InputContent = { name: 'mic', type: 'AUDIO', role: 'USER', interactive: true, text: [], audio: [], sampleRateHertz: 16000 };
 */
export interface InputContent {
  name: string;
  type: ContentType;
  role: ContentRole;
  interactive: boolean;
  text: string[];
  audio: Uint8Array[];
  /** Input audio rate (AUDIO blocks). */
  sampleRateHertz: number;
  /** The tool use a TOOL block answers. */
  toolUseId?: string;
}

/**
 * A prompt's output settings and tools.
 *
 * @example
 * const prompt: PromptSettings = { name: 'p1', voiceId: 'matthew', outputSampleRateHertz: 24000, tools: [] };
 */
export interface PromptSettings {
  name: string;
  voiceId: string;
  outputSampleRateHertz: number;
  tools: ChatTool[];
  toolChoice?: ChatToolChoice;
}

/**
 * Inference settings of `sessionStart`.
 *
 * @example
 * const inference: SessionInference = { maxTokens: 1024, temperature: 0.7, topP: 0.9 };
 */
export interface SessionInference {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
}

/**
 * What an accepted input event asks the session to do next.
 *
 * @example
 * const action: SessionAction = state.accept({ event: { contentEnd: { promptName: 'p1', contentName: 'u1' } } });
 * if (action.type === 'userText') await responder.userText(action.prompt, action.text);
 */
export type SessionAction =
  | { type: 'none' }
  /** An interactive USER TEXT block ended: answer it. */
  | { type: 'userText'; prompt: PromptSettings; text: string }
  /** A USER AUDIO block ended (or its prompt did): transcribe it and answer. */
  | { type: 'userAudio'; prompt: PromptSettings; content: InputContent }
  /** A TOOL block ended: continue the turn waiting for this result. */
  | { type: 'toolResult'; prompt: PromptSettings; toolUseId: string; content: string }
  /** `sessionEnd`: no more events are expected. */
  | { type: 'sessionEnd' };

const NONE: SessionAction = { type: 'none' };
const CONTENT_TYPES: readonly string[] = ['TEXT', 'AUDIO', 'TOOL'];
const ROLES: readonly string[] = ['SYSTEM', 'USER', 'ASSISTANT', 'TOOL'];
const INPUT_RATES: readonly number[] = [8000, 16000];
const OUTPUT_RATES: readonly number[] = [8000, 16000, 24000];
const SENSITIVITIES: readonly string[] = ['HIGH', 'MEDIUM', 'LOW'];
const EVENT_NAMES: readonly string[] = ['sessionStart', 'promptStart', 'contentStart', 'textInput', 'audioInput', 'toolResult', 'contentEnd', 'promptEnd', 'sessionEnd'];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function objectAt(parent: Json, key: string, where: string): Json | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw validationError(`${where}.${key} must be an object.`);
  return value;
}

function stringAt(parent: Json, key: string, where: string): string {
  const value = parent[key];
  if (typeof value !== 'string' || value === '') throw validationError(`${where}.${key} is required and must be a non-empty string.`);
  return value;
}

function checkEnum(parent: Json | undefined, key: string, allowed: readonly (string | number)[], where: string): void {
  const value = parent?.[key];
  if (value === undefined) return;
  if (!allowed.includes(value as string | number)) {
    throw validationError(`${where}.${key} must be one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}; got ${JSON.stringify(value)}.`);
  }
}

function checkNumber(parent: Json | undefined, key: string, minimum: number, maximum: number, where: string, integer = false): number | undefined {
  const value = parent?.[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum || (integer && !Number.isInteger(value))) {
    throw validationError(`${where}.${key} must be ${integer ? 'an integer' : 'a number'} from ${minimum} to ${maximum}.`);
  }
  return value;
}

function parseTools(configuration: Json | undefined): Pick<PromptSettings, 'tools' | 'toolChoice'> {
  if (!configuration) return { tools: [] };
  const where = 'promptStart.toolConfiguration';
  const list = configuration.tools;
  if (list !== undefined && !Array.isArray(list)) throw validationError(`${where}.tools must be a list.`);
  const tools = (list ?? []).map((entry: unknown, index: number): ChatTool => {
    const spec = isObject(entry) ? objectAt(entry, 'toolSpec', `${where}.tools[${index}]`) : undefined;
    if (!spec) throw validationError(`${where}.tools[${index}] must have a toolSpec.`);
    const name = stringAt(spec, 'name', `${where}.tools[${index}].toolSpec`);
    const schemaText = objectAt(spec, 'inputSchema', `${where}.tools[${index}].toolSpec`)?.json;
    // Sonic takes the schema as JSON text, unlike Converse's document.
    if (typeof schemaText !== 'string') throw validationError(`${where}.tools[${index}].toolSpec.inputSchema.json must be a JSON Schema as a string.`);
    let schema: unknown;
    try {
      schema = JSON.parse(schemaText);
    } catch {
      schema = undefined;
    }
    if (!isObject(schema)) throw validationError(`${where}.tools[${index}].toolSpec.inputSchema.json is not a JSON object.`);
    const description = typeof spec.description === 'string' ? spec.description : undefined;
    return { name, ...(description ? { description } : {}), inputSchema: schema };
  });
  const choice = objectAt(configuration, 'toolChoice', where);
  let toolChoice: ChatToolChoice | undefined;
  if (choice?.auto !== undefined) toolChoice = { type: 'auto' };
  else if (choice?.any !== undefined) toolChoice = { type: 'any' };
  else if (isObject(choice?.tool)) toolChoice = { type: 'tool', name: stringAt(choice.tool, 'name', `${where}.toolChoice.tool`) };
  else if (choice) throw validationError(`${where}.toolChoice must name one of auto, any or tool.`);
  return { tools, ...(toolChoice ? { toolChoice } : {}) };
}

interface PromptState extends PromptSettings {
  contents: Map<string, InputContent>;
  /** Every content name used in this prompt: a name is never reused. */
  usedNames: Set<string>;
}

/**
 * Validates a session's input events in order and keeps its conversation.
 *
 * @example
 * const state = new SonicSessionState({ nova2: false });
 * state.accept({ event: { sessionStart: {} } }); // { type: 'none' }
 */
export class SonicSessionState {
  /** System prompt texts, in order. */
  readonly system: string[] = [];
  /** The conversation so far: history blocks, user turns and the assistant's replies. */
  readonly messages: ChatMessage[] = [];
  inference: SessionInference = {};
  private phase: 'new' | 'open' | 'ended' = 'new';
  private prompt: PromptState | undefined;
  private readonly usedPromptNames = new Set<string>();

  constructor(private readonly model: { nova2: boolean }) {}

  /** Adds parts to the conversation, joining consecutive turns of one role (backends expect them to alternate). */
  addMessage(role: ChatMessage['role'], parts: ChatPart[]): void {
    const last = this.messages.at(-1);
    if (last?.role === role) last.content.push(...parts);
    else this.messages.push({ role, content: [...parts] });
  }

  /** Validates one input event (`{"event":{…}}`) and says what the session must do. */
  accept(value: unknown): SessionAction {
    const event = isObject(value) ? value.event : undefined;
    if (!isObject(event)) throw validationError('Invalid input event: expected {"event":{"<name>":{…}}}.');
    const names = Object.keys(event);
    if (names.length !== 1) throw validationError(`Invalid input event: expected exactly one event name, got ${names.length}.`);
    const name = names[0]!;
    if (!EVENT_NAMES.includes(name)) throw validationError(`Unknown input event ${JSON.stringify(name)}.`);
    const body = event[name];
    if (!isObject(body)) throw validationError(`${name} must be an object.`);
    if (this.phase === 'ended') throw validationError(`${name} received after sessionEnd.`);
    if (this.phase === 'new' && name !== 'sessionStart') throw validationError(`${name} received before sessionStart: a session must start with sessionStart.`);
    switch (name) {
      case 'sessionStart':
        return this.sessionStart(body);
      case 'promptStart':
        return this.promptStart(body);
      case 'contentStart':
        return this.contentStart(body);
      case 'textInput':
      case 'audioInput':
      case 'toolResult':
        return this.contentInput(name, body);
      case 'contentEnd':
        return this.contentEnd(body);
      case 'promptEnd':
        return this.promptEnd(body);
      default:
        this.phase = 'ended';
        return { type: 'sessionEnd' };
    }
  }

  private sessionStart(body: Json): SessionAction {
    if (this.phase !== 'new') throw validationError('sessionStart received twice.');
    this.phase = 'open';
    const inference = objectAt(body, 'inferenceConfiguration', 'sessionStart');
    const maxTokens = checkNumber(inference, 'maxTokens', 1, 1_000_000, 'sessionStart.inferenceConfiguration', true);
    const temperature = checkNumber(inference, 'temperature', 0, 1, 'sessionStart.inferenceConfiguration');
    const topP = checkNumber(inference, 'topP', 0, 1, 'sessionStart.inferenceConfiguration');
    this.inference = { maxTokens, temperature, topP };
    const turnDetection = objectAt(body, 'turnDetectionConfiguration', 'sessionStart');
    if (turnDetection && !this.model.nova2) throw validationError('sessionStart.turnDetectionConfiguration is supported by Nova 2 Sonic only.');
    checkEnum(turnDetection, 'endpointingSensitivity', SENSITIVITIES, 'sessionStart.turnDetectionConfiguration');
    return NONE;
  }

  private promptStart(body: Json): SessionAction {
    const name = stringAt(body, 'promptName', 'promptStart');
    if (this.prompt) throw validationError(`promptStart ${JSON.stringify(name)} received while prompt ${JSON.stringify(this.prompt.name)} is still open.`);
    if (this.usedPromptNames.has(name)) throw validationError(`promptName ${JSON.stringify(name)} was already used in this session.`);
    const audio = objectAt(body, 'audioOutputConfiguration', 'promptStart');
    const voiceId = audio?.voiceId;
    // The service's own wording, sent as the first output event.
    if (typeof voiceId !== 'string' || voiceId.trim() === '') throw validationError('Received invalid voiceId: value must not be empty');
    const where = 'promptStart.audioOutputConfiguration';
    checkEnum(audio, 'mediaType', ['audio/lpcm'], where);
    checkEnum(audio, 'sampleRateHertz', OUTPUT_RATES, where);
    checkEnum(audio, 'sampleSizeBits', [16], where);
    checkEnum(audio, 'channelCount', [1], where);
    checkEnum(audio, 'encoding', ['base64'], where);
    checkEnum(audio, 'audioType', ['SPEECH'], where);
    checkEnum(objectAt(body, 'textOutputConfiguration', 'promptStart'), 'mediaType', ['text/plain'], 'promptStart.textOutputConfiguration');
    checkEnum(objectAt(body, 'toolUseOutputConfiguration', 'promptStart'), 'mediaType', ['application/json'], 'promptStart.toolUseOutputConfiguration');
    const tools = parseTools(objectAt(body, 'toolConfiguration', 'promptStart'));
    this.usedPromptNames.add(name);
    this.prompt = {
      name,
      voiceId,
      outputSampleRateHertz: typeof audio?.sampleRateHertz === 'number' ? audio.sampleRateHertz : 24000,
      ...tools,
      contents: new Map(),
      usedNames: new Set(),
    };
    return NONE;
  }

  /** The open prompt an event names. */
  private promptOf(body: Json, eventName: string): PromptState {
    const name = stringAt(body, 'promptName', eventName);
    if (!this.prompt) throw validationError(`${eventName} received for prompt ${JSON.stringify(name)} with no prompt open: send promptStart first.`);
    if (this.prompt.name !== name) throw validationError(`${eventName} names unknown promptName ${JSON.stringify(name)}; the open prompt is ${JSON.stringify(this.prompt.name)}.`);
    return this.prompt;
  }

  /** The open content block an event names. */
  private contentOf(prompt: PromptState, body: Json, eventName: string): InputContent {
    const name = stringAt(body, 'contentName', eventName);
    const content = prompt.contents.get(name);
    if (content) return content;
    if (prompt.usedNames.has(name)) throw validationError(`${eventName} received for content ${JSON.stringify(name)} after its contentEnd.`);
    throw validationError(`${eventName} names unknown contentName ${JSON.stringify(name)}: send contentStart first.`);
  }

  private contentStart(body: Json): SessionAction {
    const prompt = this.promptOf(body, 'contentStart');
    const name = stringAt(body, 'contentName', 'contentStart');
    if (prompt.usedNames.has(name)) throw validationError(`contentName ${JSON.stringify(name)} was already used in prompt ${JSON.stringify(prompt.name)}.`);
    checkEnum(body, 'type', CONTENT_TYPES, 'contentStart');
    const roles = this.model.nova2 ? [...ROLES, 'SYSTEM_SPEECH'] : ROLES;
    checkEnum(body, 'role', roles, 'contentStart');
    const type = stringAt(body, 'type', 'contentStart') as ContentType;
    const role = stringAt(body, 'role', 'contentStart') as ContentRole;
    if (body.interactive !== undefined && typeof body.interactive !== 'boolean') throw validationError('contentStart.interactive must be a boolean.');
    const content: InputContent = { name, type, role, interactive: body.interactive === true, text: [], audio: [], sampleRateHertz: 16000 };
    if (type === 'AUDIO') {
      if (role !== 'USER') throw validationError(`contentStart: AUDIO content must have role USER, not ${role}.`);
      const audio = objectAt(body, 'audioInputConfiguration', 'contentStart');
      if (!audio) throw validationError('contentStart: AUDIO content needs an audioInputConfiguration.');
      const where = 'contentStart.audioInputConfiguration';
      checkEnum(audio, 'mediaType', ['audio/lpcm'], where);
      checkEnum(audio, 'sampleRateHertz', INPUT_RATES, where);
      checkEnum(audio, 'sampleSizeBits', [16], where);
      checkEnum(audio, 'channelCount', [1], where);
      checkEnum(audio, 'audioType', ['SPEECH'], where);
      checkEnum(audio, 'encoding', ['base64'], where);
      if (typeof audio.sampleRateHertz === 'number') content.sampleRateHertz = audio.sampleRateHertz;
    } else if (type === 'TOOL') {
      if (role !== 'TOOL') throw validationError(`contentStart: TOOL content must have role TOOL, not ${role}.`);
      const result = objectAt(body, 'toolResultInputConfiguration', 'contentStart');
      if (!result) throw validationError('contentStart: TOOL content needs a toolResultInputConfiguration.');
      content.toolUseId = stringAt(result, 'toolUseId', 'contentStart.toolResultInputConfiguration');
      checkEnum(result, 'type', ['TEXT'], 'contentStart.toolResultInputConfiguration');
    } else {
      if (role === 'TOOL') throw validationError('contentStart: role TOOL needs content type TOOL.');
      checkEnum(objectAt(body, 'textInputConfiguration', 'contentStart'), 'mediaType', ['text/plain'], 'contentStart.textInputConfiguration');
    }
    prompt.usedNames.add(name);
    prompt.contents.set(name, content);
    return NONE;
  }

  private contentInput(eventName: 'textInput' | 'audioInput' | 'toolResult', body: Json): SessionAction {
    const prompt = this.promptOf(body, eventName);
    const content = this.contentOf(prompt, body, eventName);
    const expected = eventName === 'textInput' ? 'TEXT' : eventName === 'audioInput' ? 'AUDIO' : 'TOOL';
    if (content.type !== expected) throw validationError(`${eventName} received for ${content.type} content ${JSON.stringify(content.name)}; it needs ${expected} content.`);
    const text = body.content;
    if (typeof text !== 'string') throw validationError(`${eventName}.content must be a string.`);
    if (eventName === 'audioInput') content.audio.push(Buffer.from(text, 'base64'));
    else content.text.push(text);
    return NONE;
  }

  private contentEnd(body: Json): SessionAction {
    const prompt = this.promptOf(body, 'contentEnd');
    const content = this.contentOf(prompt, body, 'contentEnd');
    prompt.contents.delete(content.name);
    return this.finish(prompt, content);
  }

  /** What a finished block means: conversation state, or a turn. */
  private finish(prompt: PromptState, content: InputContent): SessionAction {
    const text = content.text.join('');
    switch (content.type) {
      case 'AUDIO':
        return { type: 'userAudio', prompt, content };
      case 'TOOL':
        return { type: 'toolResult', prompt, toolUseId: content.toolUseId!, content: text };
      default:
        if (content.role === 'SYSTEM' || content.role === 'SYSTEM_SPEECH') {
          this.system.push(text);
          return NONE;
        }
        // Cross-modal input (Nova 2; accepted on v1 too): typed user text is a turn of its own.
        if (content.role === 'USER' && content.interactive) return { type: 'userText', prompt, text };
        this.addMessage(content.role === 'ASSISTANT' ? 'assistant' : 'user', [{ type: 'text', text }]);
        return NONE;
    }
  }

  private promptEnd(body: Json): SessionAction {
    const prompt = this.promptOf(body, 'promptEnd');
    const open = [...prompt.contents.values()];
    const unfinished = open.find((content) => content.type !== 'AUDIO');
    if (unfinished) throw validationError(`promptEnd received while content ${JSON.stringify(unfinished.name)} is still open: send its contentEnd first.`);
    this.prompt = undefined;
    // An audio block still streaming when the prompt ends is the user's last utterance.
    const audio = open[0];
    return audio ? { type: 'userAudio', prompt, content: audio } : NONE;
  }
}
