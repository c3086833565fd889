import type { ChatRequest, ChatTool } from '../../chat/types.js';
import { toGrammarSchema, type GrammarSchema } from './json-schema-grammar.js';

/** How a forced tool choice is generated: a grammar-constrained JSON answer read back as the tool call. */
export interface ForcedToolPlan {
  schema: GrammarSchema;
  instruction: string;
  toolFor(answer: unknown): { name: string; input: unknown };
}

/**
 * A forced tool choice (`any`, or a named `tool`) becomes a JSON answer constrained by a grammar built from
 * the tool's input schema, so the input always validates; with several candidates the answer is
 * `{"name", "arguments"}` with one alternative per tool. `auto` returns `undefined` (function calling).
 *
 * @example
 * forcedToolPlan({ ...request, toolChoice: { type: 'tool', name: 'get_weather' } })?.schema;
 */
export function forcedToolPlan(request: ChatRequest): ForcedToolPlan | undefined {
  const choice = request.toolChoice;
  if (!choice || choice.type === 'auto' || request.tools.length === 0) return undefined;
  const candidates = choice.type === 'tool' ? request.tools.filter((tool) => tool.name === choice.name) : request.tools;
  const only: ChatTool | undefined = candidates.length === 1 ? candidates[0] : undefined;
  if (only) {
    return {
      schema: toGrammarSchema(only.inputSchema),
      instruction: `Call the tool "${only.name}"${only.description ? ` (${only.description})` : ''}. Answer only with its JSON arguments.`,
      toolFor: (answer) => ({ name: only.name, input: answer }),
    };
  }
  const list = candidates.map((tool) => `- ${tool.name}: ${tool.description ?? ''}`).join('\n');
  return {
    schema: {
      oneOf: candidates.map((tool) => ({
        type: 'object',
        properties: { name: { const: tool.name }, arguments: toGrammarSchema(tool.inputSchema) },
        required: ['name', 'arguments'],
      })),
    },
    instruction: `Call exactly one of these tools. Answer only with JSON {"name": tool name, "arguments": its arguments}.\n${list}`,
    toolFor: (answer) => {
      const call = (answer ?? {}) as { name?: unknown; arguments?: unknown };
      const name = typeof call.name === 'string' ? call.name : (candidates[0]?.name ?? '');
      return { name, input: call.arguments ?? {} };
    },
  };
}

/**
 * Tools for `auto` choice as node-llama-cpp functions: the model's chat template documents them and
 * node-llama-cpp constrains each call's parameters with a grammar from the same schema.
 *
 * @example
 * toLlamaFunctions([{ name: 'get_weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }]);
 */
export function toLlamaFunctions(tools: readonly ChatTool[]): Record<string, { description?: string; params: GrammarSchema }> {
  return Object.fromEntries(tools.map((tool) => [tool.name, { ...(tool.description ? { description: tool.description } : {}), params: toGrammarSchema(tool.inputSchema) }]));
}
