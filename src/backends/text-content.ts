import type { ChatToolResultPart } from '../chat/types.js';

/**
 * Renders content that a local model's API has no block for as text: documents inline between
 * `<document>` tags, tool results as their text or JSON. Shared by the backends whose servers take plain
 * text (Ollama, OpenAI-compatible, llama.cpp).
 */

const decoder = new TextDecoder();
const TEXT_DOCUMENT_FORMATS = ['txt', 'md', 'csv', 'html'];

/** A document as the model reads it: its text (binary formats only by name) inside `<document>` tags. */
export function documentText(part: { name: string; text?: string; data?: Uint8Array; format: string }): string {
  const body = part.text ?? (part.data && TEXT_DOCUMENT_FORMATS.includes(part.format) ? decoder.decode(part.data) : `[${part.format} document]`);
  return `<document name="${part.name}">\n${body}\n</document>`;
}

/** A tool result's content as one text: texts, JSON, documents; images only by name. */
export function toolResultText(content: readonly ChatToolResultPart[]): string {
  return content
    .map((part) => {
      if (part.type === 'text') return part.text;
      if (part.type === 'json') return JSON.stringify(part.value);
      if (part.type === 'document') return documentText(part);
      return `[${part.format} image]`;
    })
    .join('\n');
}
