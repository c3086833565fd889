import type { ChatRequest } from '../../chat/types.js';
import { asArray, asObject, asString, fromBase64 } from '../../codecs/json-values.js';
import type { GuardrailContentBlock, GuardrailTextContent } from '../types.js';

/**
 * Which part of a request an inline guardrail assesses as its input. Converse: the `guardContent` blocks
 * (of messages and `system`) when there are any, else the last user turn's text. InvokeModel: the text inside
 * the `<amazon-bedrock-guardrails-guardContent_{tagSuffix}>` input tags when there are any, else the whole
 * prompt.
 */

const QUALIFIERS = new Set(['grounding_source', 'query', 'guard_content']);

function guardContentBlock(value: unknown): GuardrailContentBlock | undefined {
  const guard = asObject(value);
  const text = asObject(guard?.text);
  if (text) {
    const qualifiers = (asArray(text.qualifiers) ?? []).filter((qualifier): qualifier is NonNullable<GuardrailTextContent['qualifiers']>[number] =>
      typeof qualifier === 'string' && QUALIFIERS.has(qualifier),
    );
    return { text: { text: asString(text.text) ?? '', ...(qualifiers.length > 0 ? { qualifiers } : {}) } };
  }
  const image = asObject(guard?.image);
  if (image) {
    const bytes = fromBase64(asObject(image.source)?.bytes) ?? new Uint8Array();
    return { image: { format: image.format === 'jpeg' ? 'jpeg' : 'png', bytes } };
  }
  return undefined;
}

/**
 * The content a Converse guardrail assesses as input, from the raw (validated) request body.
 *
 * @example
 * converseGuardedInput({ messages: [{ role: 'user', content: [{ text: 'Hi' }, { guardContent: { text: { text: 'Is it safe?' } } }] }] });
 * // [{ text: { text: 'Is it safe?' } }]
 */
export function converseGuardedInput(body: unknown): GuardrailContentBlock[] {
  const request = asObject(body) ?? {};
  const messages = (asArray(request.messages) ?? []).map((message) => asObject(message) ?? {});
  const guarded: GuardrailContentBlock[] = [];
  for (const block of asArray(request.system) ?? []) {
    const guard = guardContentBlock(asObject(block)?.guardContent);
    if (guard) guarded.push(guard);
  }
  for (const message of messages) {
    for (const block of asArray(message.content) ?? []) {
      const guard = guardContentBlock(asObject(block)?.guardContent);
      if (guard) guarded.push(guard);
    }
  }
  if (guarded.length > 0) return guarded;
  const lastUser = messages.findLast((message) => message.role === 'user');
  return (asArray(lastUser?.content) ?? []).flatMap((block) => {
    const text = asObject(block)?.text;
    return typeof text === 'string' ? [{ text: { text } }] : [];
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every text of a neutral request that reaches the model as prompt text, system first. */
function promptTexts(request: ChatRequest): string[] {
  const texts = [...request.system];
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === 'text') texts.push(part.text);
      else if (part.type === 'document' && part.text !== undefined) texts.push(part.text);
    }
  }
  return texts;
}

/**
 * The content an InvokeModel guardrail assesses as input: the tagged spans when `tagSuffix` is set and the
 * prompt has any, else every prompt text.
 *
 * @example
 * invokeGuardedInput(chat, 'xyz'); // the text between <amazon-bedrock-guardrails-guardContent_xyz> tags
 */
export function invokeGuardedInput(request: ChatRequest, tagSuffix: string | undefined): GuardrailContentBlock[] {
  const texts = promptTexts(request).filter((text) => text !== '');
  if (tagSuffix !== undefined) {
    const tag = `amazon-bedrock-guardrails-guardContent_${escapeRegExp(tagSuffix)}`;
    const pattern = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
    const tagged = texts.flatMap((text) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''));
    if (tagged.length > 0) return tagged.map((text) => ({ text: { text } }));
  }
  return texts.map((text) => ({ text: { text } }));
}
