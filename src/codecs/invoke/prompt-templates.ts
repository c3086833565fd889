import type { ChatRequest } from '../../chat/types.js';
import type { ResolvedModel } from '../../models/registry.js';
import type { ChatMessage, ChatPart, ChatStopReason } from '../../chat/types.js';

/**
 * Prompt-string families (Llama, Mistral text, DeepSeek R1, Claude Text Completions) send one string with
 * the model's chat-template markers in it. A local model should receive a real conversation, not a blob
 * with another model's special tokens, so the markers are parsed back into system/user/assistant turns.
 * Also holds the few checks and mappings those codecs share.
 */

/** The chat templates `parsePrompt` recognizes; `plain` is a prompt without markers. */
export type PromptTemplate = 'llama3' | 'inst' | 'deepseek' | 'claude' | 'plain';

/** A prompt read back as a conversation. */
export interface PromptConversation {
  system: string[];
  /** User and assistant turns, consecutive turns of one role joined; may end with an assistant prefill. */
  messages: ChatMessage[];
}

interface Turn {
  role: 'system' | 'user' | 'assistant';
  text: string;
  /** An assistant turn the prompt leaves open: the model continues it, so its text is a prefill. */
  open?: boolean;
  reasoning?: string;
}

// Llama 3.x writes `<|start_header_id|>role<|end_header_id|>` … `<|eot_id|>`; Llama 4 `<|header_start|>` … `<|eot|>`.
const LLAMA_HEADER = /<\|(?:start_header_id|header_start)\|>(.*?)<\|(?:end_header_id|header_end)\|>/g;
const LLAMA_TURN_END = /<\|(?:eot_id|eot|eom_id|eom)\|>/;
const LLAMA_NOISE = /<\|(?:begin_of_text|image)\|>/g;
const INST_MARKER = /(\[INST\]|\[\/INST\])/;
const INST_SYSTEM = /<<SYS>>([\s\S]*?)<<\/SYS>>|\[SYSTEM_PROMPT\]([\s\S]*?)\[\/SYSTEM_PROMPT\]/g;
// DeepSeek's tokens use fullwidth bars and `▁`; people also type them with ASCII `|` and `_`.
const DEEPSEEK_TURN = /<[|｜](User|Assistant)[|｜]>/g;
const DEEPSEEK_END = /<[|｜]end[▁_]of[▁_]sentence[|｜]>/;
const DEEPSEEK_NOISE = /<[|｜](?:begin|end)[▁_]of[▁_]sentence[|｜]>/g;
const CLAUDE_TURN = /(?:^|\n\n)(Human|Assistant):/g;

/** Which chat template a prompt is written in, by its markers. */
export function detectPromptTemplate(prompt: string): PromptTemplate {
  if (new RegExp(LLAMA_HEADER.source).test(prompt)) return 'llama3';
  if (new RegExp(DEEPSEEK_TURN.source).test(prompt)) return 'deepseek';
  if (INST_MARKER.test(prompt)) return 'inst';
  if (/(?:^|\n\n)Human:/.test(prompt)) return 'claude';
  return 'plain';
}

/**
 * Parses a prompt written in a known chat template (by default the one its markers show) into system
 * prompts and turns. A prompt without markers is one user turn. A final open assistant turn with text is
 * kept as an assistant prefill (the backend continues it); an empty one, or one holding only unfinished
 * reasoning, is dropped.
 *
 * @example
 * parsePrompt('<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]');
 * // { system: ['Be brief.'], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }
 */
export function parsePrompt(prompt: string, template: PromptTemplate = detectPromptTemplate(prompt)): PromptConversation {
  switch (template) {
    case 'llama3':
      return toConversation(llama3Turns(prompt));
    case 'deepseek':
      return toConversation(deepseekTurns(prompt));
    case 'inst':
      return toConversation(instTurns(prompt));
    case 'claude':
      return toConversation(claudeTurns(prompt));
    case 'plain':
      return { system: [], messages: [{ role: 'user', content: [{ type: 'text', text: prompt.trim() }] }] };
  }
}

function llama3Turns(prompt: string): Turn[] {
  const headers = [...prompt.matchAll(LLAMA_HEADER)];
  const turns: Turn[] = [];
  const preamble = prompt.slice(0, headers[0]?.index).replace(LLAMA_NOISE, '').trim();
  if (preamble) turns.push({ role: 'user', text: preamble });
  headers.forEach((header, index) => {
    const body = prompt.slice(header.index + header[0].length, headers[index + 1]?.index ?? prompt.length);
    const end = LLAMA_TURN_END.exec(body);
    const text = (end ? body.slice(0, end.index) : body).replace(LLAMA_NOISE, '').trim();
    const name = header[1]!.trim();
    // `ipython`/`tool` turns carry tool output; without a matching tool call they are plain user input.
    const role = name === 'system' || name === 'assistant' ? name : 'user';
    turns.push({ role, text, open: !end });
  });
  return turns;
}

/** Llama 2 and Mistral: `<s>[INST] <<SYS>>…<</SYS>> user [/INST] answer</s><s>[INST] …`. */
function instTurns(prompt: string): Turn[] {
  const turns: Turn[] = [];
  // Text before the first [INST] is a preamble the model reads as instructions.
  let role: Turn['role'] = 'system';
  for (const piece of prompt.split(INST_MARKER)) {
    if (piece === '[INST]' || piece === '[/INST]') {
      role = piece === '[INST]' ? 'user' : 'assistant';
      continue;
    }
    const systems: Turn[] = [];
    const text = piece.replace(/<\/?s>/g, '').replace(INST_SYSTEM, (_, sys?: string, systemPrompt?: string) => {
      systems.push({ role: 'system', text: (sys ?? systemPrompt ?? '').trim() });
      return '';
    });
    turns.push({ role, text: text.trim(), open: role === 'assistant' && !piece.includes('</s>') }, ...systems);
  }
  return turns;
}

/** DeepSeek: `<｜begin▁of▁sentence｜>system<｜User｜>…<｜Assistant｜>…<｜end▁of▁sentence｜>`. */
function deepseekTurns(prompt: string): Turn[] {
  const markers = [...prompt.matchAll(DEEPSEEK_TURN)];
  if (markers.length === 0) return [{ role: 'user', text: prompt.replace(DEEPSEEK_NOISE, '').trim() }];
  const turns: Turn[] = [{ role: 'system', text: prompt.slice(0, markers[0]!.index).replace(DEEPSEEK_NOISE, '').trim() }];
  markers.forEach((marker, index) => {
    const body = prompt.slice(marker.index + marker[0].length, markers[index + 1]?.index ?? prompt.length);
    const text = body.replace(DEEPSEEK_NOISE, '').trim();
    if (marker[1] === 'User') turns.push({ role: 'user', text });
    else turns.push({ role: 'assistant', ...splitThinking(text), open: !DEEPSEEK_END.test(body) });
  });
  return turns;
}

/** `<think>reasoning</think>answer` → its parts; thinking that never closed is all reasoning. */
function splitThinking(text: string): { text: string; reasoning?: string } {
  const start = text.startsWith('<think>') ? '<think>'.length : 0;
  const end = text.indexOf('</think>');
  if (end < 0) return start > 0 ? { text: '', reasoning: text.slice(start).trim() } : { text };
  return { reasoning: text.slice(start, end).trim(), text: text.slice(end + '</think>'.length).trim() };
}

/** Claude Text Completions: `[system]\n\nHuman: …\n\nAssistant: …`; the last Assistant turn is open. */
function claudeTurns(prompt: string): Turn[] {
  const markers = [...prompt.matchAll(CLAUDE_TURN)];
  if (markers.length === 0) return [{ role: 'user', text: prompt.trim() }];
  const turns: Turn[] = [{ role: 'system', text: prompt.slice(0, markers[0]!.index).trim() }];
  markers.forEach((marker, index) => {
    const text = prompt.slice(marker.index + marker[0].length, markers[index + 1]?.index ?? prompt.length).trim();
    const last = index === markers.length - 1;
    turns.push(marker[1] === 'Human' ? { role: 'user', text } : { role: 'assistant', text, open: last });
  });
  return turns;
}

function toConversation(turns: readonly Turn[]): PromptConversation {
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  for (const turn of turns) {
    if (turn.role === 'system') {
      if (turn.text) system.push(turn.text);
      continue;
    }
    // An open turn is what the model continues: reasoning it has not finished cannot be handed over.
    if (turn.open && !turn.text) continue;
    const content: ChatPart[] = [];
    if (turn.reasoning && !turn.open) content.push({ type: 'reasoning', text: turn.reasoning });
    if (turn.text) content.push({ type: 'text', text: turn.text });
    if (content.length === 0) continue;
    const previous = messages.at(-1);
    if (previous?.role === turn.role) {
      const before = previous.content.at(-1);
      const first = content[0]!;
      if (before?.type === 'text' && first.type === 'text') {
        before.text += `\n\n${first.text}`;
        content.shift();
      }
      previous.content.push(...content);
    } else messages.push({ role: turn.role, content });
  }
  return { system, messages };
}

// ---- Shared by the prompt-family codecs ----

/** The `stop`/`length` vocabulary Llama, Mistral and DeepSeek report. */
export function completionStopReason(stopReason: ChatStopReason): 'stop' | 'length' {
  return stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded' ? 'length' : 'stop';
}

/** The sampling settings of a prompt-string body, already validated. */
export type PromptSettings = Pick<ChatRequest, 'maxTokens' | 'temperature' | 'topP' | 'topK' | 'reasoning'> & { stopSequences?: string[] };

/** The neutral request for a prompt-string body: the prompt's turns, no tools, and its settings. */
export function promptChatRequest(model: ResolvedModel, prompt: string, settings: PromptSettings, template?: PromptTemplate): ChatRequest {
  const { system, messages } = parsePrompt(prompt, template);
  return { modelId: model.baseModelId, backendModel: model.backendModel, system, messages, tools: [], ...settings, stopSequences: settings.stopSequences ?? [] };
}
