import type { ChatPart, ChatRequest, ChatToolResultPart } from '../chat/types.js';
import { imageSize } from './image-size.js';
import { loadedTokenizer, tokenizerKey, type Tokenizer } from './tokenizers.js';

/**
 * Counts a chat request the way the model sees it: the text of every block, plus what the family's chat
 * template adds around it.
 *
 * Template overheads (tokens), from each family's published prompt format:
 * - Llama 3/4: `<|begin_of_text|>` + the final `<|start_header_id|>assistant<|end_header_id|>\n\n` = 5 per
 *   request; `<|start_header_id|>{role}<|end_header_id|>\n\n … <|eot_id|>` = 5 per message.
 * - gpt-oss (harmony): `<|start|>{role}<|message|> … <|end|>` = 4 per message; `<|start|>assistant` = 2 per request.
 * - Llama 2 / Mistral v1 (`<s>[INST] … [/INST]`): BOS = 1 per request; `[INST]`/`[/INST]` ≈ 4 per message.
 * - Claude: role turns ≈ 4 per message (`\n\nHuman:` / `\n\nAssistant:`). With tools, Anthropic documents
 *   the tool-use system prompt it adds: 346 tokens (tool choice auto/none), 313 (any/tool) for Claude 3.5+.
 * - Families without a published template: 4 per message, 0 per request.
 * Every system prompt counts as one message; every tool counts the JSON of its spec (name, description,
 * input schema) plus one message's overhead.
 *
 * Media: images for Claude cost ⌈width × height / 750⌉ tokens after Anthropic's resize (long edge ≤ 1568 px,
 * at most 1600 tokens); size is read from the image header (PNG/JPEG/GIF/WebP), and an image of unknown
 * size (S3, unreadable) costs the 1600 maximum. Other families, and video/audio: a fixed 256 per item (no
 * published formula). Documents count their text; binary documents (PDF…) a fixed 256 + the text the
 * request carried. Cache points add nothing (they are not part of the prompt).
 */

interface Template {
  perRequest: number;
  perMessage: number;
  /** Extra tokens when the request defines tools (the vendor's tool-use system prompt). */
  toolPreamble: (request: ChatRequest) => number;
  image: (data: Uint8Array | undefined) => number;
}

/** What one media item costs where the vendor has published no formula. */
export const TOKENS_PER_MEDIA = 256;
/** Anthropic's image cost formula: ⌈w × h / 750⌉ after scaling the long edge to at most 1568 px (≤ 1600 tokens). */
export const CLAUDE_MAX_IMAGE_TOKENS = 1600;
const CLAUDE_MAX_EDGE = 1568;

/** Tokens of one image for Claude, per Anthropic's published formula. */
export function claudeImageTokens(width: number, height: number): number {
  if (width <= 0 || height <= 0) return CLAUDE_MAX_IMAGE_TOKENS;
  const scale = Math.min(1, CLAUDE_MAX_EDGE / Math.max(width, height));
  const tokens = Math.ceil((Math.round(width * scale) * Math.round(height * scale)) / 750);
  return Math.min(tokens, CLAUDE_MAX_IMAGE_TOKENS);
}

const fixedImage = () => TOKENS_PER_MEDIA;
const noPreamble = () => 0;

const GENERIC: Template = { perRequest: 0, perMessage: 4, toolPreamble: noPreamble, image: fixedImage };
const CLAUDE: Template = {
  perRequest: 0,
  perMessage: 4,
  toolPreamble: (request) => (request.tools.length === 0 ? 0 : request.toolChoice?.type === 'any' || request.toolChoice?.type === 'tool' ? 313 : 346),
  image: (data) => {
    const size = data ? imageSize(data) : undefined;
    return size ? claudeImageTokens(size.width, size.height) : CLAUDE_MAX_IMAGE_TOKENS;
  },
};
const LLAMA3: Template = { perRequest: 5, perMessage: 5, toolPreamble: noPreamble, image: fixedImage };
const HARMONY: Template = { perRequest: 2, perMessage: 4, toolPreamble: noPreamble, image: fixedImage };
const INST: Template = { perRequest: 1, perMessage: 4, toolPreamble: noPreamble, image: fixedImage };

function templateFor(modelId: string): Template {
  const key = tokenizerKey(modelId);
  if (key === 'claude-2' || key === 'claude-2-approx') return CLAUDE;
  if (key === 'llama3') return LLAMA3;
  if (key === 'o200k_base') return HARMONY;
  if (key === 'llama2' || key === 'mistral-v1' || key === 'mistral-v1-approx') return INST;
  return GENERIC;
}

function countPart(part: ChatPart | ChatToolResultPart, tokenizer: Tokenizer, template: Template): number {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return tokenizer.count(part.text);
    case 'json':
      return tokenizer.count(JSON.stringify(part.value));
    case 'toolUse':
      return tokenizer.count(part.name) + tokenizer.count(JSON.stringify(part.input ?? {}));
    case 'toolResult':
      return part.content.reduce((total, inner) => total + countPart(inner, tokenizer, template), 0);
    case 'document':
      return part.text !== undefined ? tokenizer.count(part.text) : TOKENS_PER_MEDIA;
    case 'image':
      return template.image(part.data);
    case 'redactedReasoning':
      return 0;
    default:
      return TOKENS_PER_MEDIA;
  }
}

/**
 * Counts the input tokens of a chat request: template overhead, system prompts, messages, and tool
 * definitions, with the tokenizer of the request's model (once loaded; see `loadTokenizer`).
 */
export function countChatRequestTokens(request: ChatRequest, tokenizer: Tokenizer = loadedTokenizer(request.modelId)): number {
  const template = templateFor(request.modelId);
  let total = template.perRequest;
  for (const text of request.system) total += tokenizer.count(text) + template.perMessage;
  for (const message of request.messages) {
    total += template.perMessage;
    for (const part of message.content) total += countPart(part, tokenizer, template);
  }
  for (const tool of request.tools) total += tokenizer.count(JSON.stringify(tool)) + template.perMessage;
  total += template.toolPreamble(request);
  return total;
}
