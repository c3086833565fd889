import type { ChatRequest, ChatTool } from '../../chat/types.js';
import { exampleForSchema } from './schema-example.js';
import { lastUserText, type ScriptedReply } from './script.js';

/**
 * The scripted backend's answer when a test scripted none: derived only from the request, so the same
 * request always gets the same answer, and shaped like a real model's (tool calls when tools are forced or
 * named, schema-valid JSON when structured output is asked for, a reasoning block when thinking is on).
 */

const SENTENCES = [
  'Local models answer in place of Amazon Bedrock here.',
  'The reply is deterministic, so tests can rely on it.',
  'Every request with the same input gets the same words back.',
  'Nothing leaves this machine while answering.',
  'Token usage is counted the same way for every call.',
  'Streaming delivers this answer one token at a time.',
  'A scripted answer can replace this text in any test.',
  'The answer honours the maximum token count and the stop sequences.',
  'Tools are called when the request forces one or names one.',
  'This text stands in for what a real model would write.',
];

/** Property names whose value a prompt usually names: "the weather in Paris" → `city: "Paris"`. */
const PLACE_LIKE_PROPERTIES = /^(city|location|place|country|region|town|destination|name|query|topic|symbol|ticker)$/i;

/** Capitalized words that do not start a sentence: the proper nouns a model would pick up from the prompt. */
function properNouns(prompt: string): string[] {
  return [...prompt.matchAll(/(?<![.!?]\s*|^\s*)\b\p{Lu}[\p{L}\p{M}-]+(?:\s+\p{Lu}[\p{L}\p{M}-]+)*/gu)].map((match) => match[0]);
}

/** A tool call's input: valid against the tool's schema, with names from the prompt where they fit. */
function toolInput(tool: ChatTool, prompt: string): unknown {
  const [noun] = properNouns(prompt);
  return exampleForSchema(tool.inputSchema, { stringFor: (property) => (noun !== undefined && PLACE_LIKE_PROPERTIES.test(property) ? noun : undefined) });
}

function excerpt(text: string, length = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

/** The tool a prompt names: a tool whose name, or every word of it, appears in the prompt. */
function toolNamedIn(prompt: string, tools: readonly ChatTool[]): ChatTool | undefined {
  const lower = prompt.toLowerCase();
  return tools.find((tool) => {
    if (lower.includes(tool.name.toLowerCase())) return true;
    const words = tool.name
      .split(/[_\-\s]+|(?<=[a-z])(?=[A-Z])/)
      .map((word) => word.toLowerCase())
      .filter((word) => word.length > 2 && !['get', 'set', 'the', 'run'].includes(word));
    return words.length > 0 && words.every((word) => lower.includes(word));
  });
}

function toolResultSummary(request: ChatRequest): string | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== 'user') return undefined;
  const results = last.content.flatMap((part) => (part.type === 'toolResult' ? [part] : []));
  if (results.length === 0) return undefined;
  const texts = results.map((result) =>
    result.content
      .map((inner) => (inner.type === 'text' ? inner.text : inner.type === 'json' ? JSON.stringify(inner.value) : `[${inner.type}]`))
      .join(' '),
  );
  return `Based on the tool result: ${excerpt(texts.join('; '), 200)}`;
}

function prose(prompt: string, digest: Buffer): string {
  let text = prompt.trim() === '' ? 'Here is a scripted answer.' : `You asked: "${excerpt(prompt)}".`;
  const count = 2 + (digest[0]! % 3);
  const used = new Set<number>();
  for (let index = 1; index <= count; index++) {
    const choice = digest[index]! % SENTENCES.length;
    if (!used.has(choice)) text += ` ${SENTENCES[choice]}`;
    used.add(choice);
  }
  return text;
}

/** The default scripted reply for a request. */
export function defaultAnswer(request: ChatRequest, requestDigest: () => Buffer): ScriptedReply {
  const digest = requestDigest();
  const prompt = lastUserText(request);
  const reply: ScriptedReply = {};
  if (request.reasoning) {
    reply.reasoning = {
      text: `The user wrote: "${excerpt(prompt, 60)}". I will answer briefly and directly.`,
      signature: digest.subarray(0, 24).toString('base64'),
    };
  }
  const summary = toolResultSummary(request);
  const choice = request.toolChoice;
  if (!summary && request.tools.length > 0 && choice && choice.type !== 'auto') {
    const tool = choice.type === 'tool' ? request.tools.find((candidate) => candidate.name === choice.name) : (toolNamedIn(prompt, request.tools) ?? request.tools[0]);
    if (tool) return { ...reply, toolUse: { name: tool.name, input: toolInput(tool, prompt) } };
  }
  if (!summary && request.tools.length > 0) {
    const tool = toolNamedIn(prompt, request.tools);
    if (tool) return { ...reply, text: `I will use the ${tool.name} tool.`, toolUse: { name: tool.name, input: toolInput(tool, prompt) } };
  }
  if (request.responseSchema) return { ...reply, text: JSON.stringify(exampleForSchema(request.responseSchema)) };
  return { ...reply, text: summary ?? prose(prompt, digest) };
}
