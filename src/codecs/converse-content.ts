import type { ChatMediaSource, ChatPart, ChatToolResultPart } from '../chat/types.js';
import { validationError } from '../errors/bedrock-errors.js';
import type { ConstraintErrors } from './constraint-errors.js';
import { asArray, asObject, asString, fromBase64 } from './json-values.js';

/**
 * Converse `ContentBlock` (and `ToolResultContentBlock`) JSON → neutral chat parts. Blocks that carry no
 * meaning for generation (`cachePoint`) are dropped.
 */

const IMAGE_FORMATS = ['png', 'jpeg', 'gif', 'webp'] as const;
const DOCUMENT_FORMATS = ['pdf', 'csv', 'doc', 'docx', 'xls', 'xlsx', 'html', 'txt', 'md'] as const;
const VIDEO_FORMATS = ['mkv', 'mov', 'mp4', 'webm', 'flv', 'mpeg', 'mpg', 'wmv', 'three_gp'] as const;
const AUDIO_FORMATS = ['mp3', 'opus', 'wav', 'aac', 'flac', 'mp4', 'ogg', 'mkv', 'mka', 'x-aac', 'm4a', 'mpeg', 'mpga', 'pcm', 'webm'] as const;
const TOOL_USE_ID_PATTERN = /^[a-zA-Z0-9_.:-]{1,64}$/;

function mediaSource(source: unknown, path: string, errors: ConstraintErrors): ChatMediaSource & { text?: string } {
  const object = asObject(source);
  if (!errors.checkRequired(`${path}.source`, object) || !object) return {};
  if ('bytes' in object) return { data: fromBase64(object.bytes) };
  const s3 = asObject(object.s3Location);
  if (s3) return { uri: asString(s3.uri) };
  if ('text' in object) return { text: asString(object.text) };
  const content = asArray(object.content);
  if (content) return { text: content.map((item) => asString(asObject(item)?.text) ?? '').join('\n') };
  return {};
}

function imagePart(value: unknown, path: string, errors: ConstraintErrors): ChatPart & { type: 'image' } {
  const image = asObject(value) ?? {};
  errors.checkEnum(`${path}.format`, image.format, IMAGE_FORMATS);
  return { type: 'image', format: asString(image.format) ?? 'png', ...mediaSource(image.source, path, errors) };
}

function documentPart(value: unknown, path: string, errors: ConstraintErrors): ChatPart & { type: 'document' } {
  const document = asObject(value) ?? {};
  errors.checkEnum(`${path}.format`, document.format, DOCUMENT_FORMATS);
  errors.checkRequired(`${path}.name`, document.name);
  return { type: 'document', format: asString(document.format) ?? 'txt', name: asString(document.name) ?? '', ...mediaSource(document.source, path, errors) };
}

function toolResultContent(value: unknown, path: string, errors: ConstraintErrors): ChatToolResultPart[] {
  const items = asArray(value) ?? [];
  return items.flatMap((item, index): ChatToolResultPart[] => {
    const block = asObject(item) ?? {};
    const itemPath = `${path}.${index + 1}.member`;
    if ('text' in block) return [{ type: 'text', text: asString(block.text) ?? '' }];
    if ('json' in block) return [{ type: 'json', value: block.json }];
    if ('image' in block) return [imagePart(block.image, `${itemPath}.image`, errors)];
    if ('document' in block) return [documentPart(block.document, `${itemPath}.document`, errors)];
    if ('searchResult' in block) return [{ type: 'text', text: searchResultText(block.searchResult) }];
    return [];
  });
}

function searchResultText(value: unknown): string {
  const result = asObject(value) ?? {};
  return (asArray(result.content) ?? []).map((item) => asString(asObject(item)?.text) ?? '').join('\n');
}

function guardContentText(value: unknown): string {
  return asString(asObject(asObject(value)?.text)?.text) ?? '';
}

/**
 * Converts one content block. `path` is the block's member path, e.g. `messages.1.member.content.2.member`.
 * Returns `undefined` for blocks that are dropped.
 */
export function contentBlockToPart(value: unknown, path: string, errors: ConstraintErrors): ChatPart | undefined {
  const block = asObject(value);
  if (!block) throw validationError('Malformed input request, please reformat your input and try again.');
  const keys = Object.keys(block).filter((key) => block[key] !== undefined && block[key] !== null);
  if (keys.length !== 1) {
    throw validationError(`The content block at ${path.replaceAll('.member', '')} must contain exactly one content type, but ${keys.length} were provided.`);
  }
  const key = keys[0]!;
  const member = block[key];
  switch (key) {
    case 'text':
      return { type: 'text', text: asString(member) ?? '' };
    case 'image':
      return imagePart(member, `${path}.image`, errors);
    case 'document':
      return documentPart(member, `${path}.document`, errors);
    case 'video':
    case 'audio': {
      const media = asObject(member) ?? {};
      errors.checkEnum(`${path}.${key}.format`, media.format, key === 'video' ? VIDEO_FORMATS : AUDIO_FORMATS);
      return { type: key, format: asString(media.format) ?? '', ...mediaSource(media.source, `${path}.${key}`, errors) };
    }
    case 'toolUse': {
      const toolUse = asObject(member) ?? {};
      errors.checkPattern(`${path}.toolUse.toolUseId`, toolUse.toolUseId, TOOL_USE_ID_PATTERN, '^[a-zA-Z0-9_\\.:-]+$');
      errors.checkRequired(`${path}.toolUse.name`, toolUse.name);
      errors.checkRequired(`${path}.toolUse.input`, toolUse.input);
      return { type: 'toolUse', id: asString(toolUse.toolUseId) ?? '', name: asString(toolUse.name) ?? '', input: toolUse.input ?? {} };
    }
    case 'toolResult': {
      const toolResult = asObject(member) ?? {};
      errors.checkPattern(`${path}.toolResult.toolUseId`, toolResult.toolUseId, TOOL_USE_ID_PATTERN, '^[a-zA-Z0-9_\\.:-]+$');
      errors.checkRequired(`${path}.toolResult.content`, toolResult.content);
      errors.checkEnum(`${path}.toolResult.status`, toolResult.status, ['success', 'error']);
      const status = toolResult.status === 'error' ? 'error' : toolResult.status === 'success' ? 'success' : undefined;
      return { type: 'toolResult', toolUseId: asString(toolResult.toolUseId) ?? '', status, content: toolResultContent(toolResult.content, `${path}.toolResult.content`, errors) };
    }
    case 'reasoningContent': {
      const reasoning = asObject(member) ?? {};
      if ('redactedContent' in reasoning) return { type: 'redactedReasoning', data: fromBase64(reasoning.redactedContent) ?? new Uint8Array() };
      const text = asObject(reasoning.reasoningText) ?? {};
      return { type: 'reasoning', text: asString(text.text) ?? '', signature: asString(text.signature) };
    }
    case 'guardContent':
      return { type: 'text', text: guardContentText(member) };
    case 'citationsContent': {
      const citations = asObject(member) ?? {};
      return { type: 'text', text: (asArray(citations.content) ?? []).map((item) => asString(asObject(item)?.text) ?? '').join('') };
    }
    case 'searchResult':
      return { type: 'text', text: searchResultText(member) };
    case 'cachePoint':
      return undefined;
    default:
      throw validationError(`The content block at ${path.replaceAll('.member', '')} has the unsupported type '${key}'.`);
  }
}

/** Converts a system block; `guardContent` counts as text, `cachePoint` is dropped. */
export function systemBlockToText(value: unknown): string | undefined {
  const block = asObject(value) ?? {};
  if ('text' in block) return asString(block.text) ?? '';
  if ('guardContent' in block) return guardContentText(block.guardContent);
  return undefined;
}
