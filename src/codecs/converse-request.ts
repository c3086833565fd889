import { unsupportedModelError } from '../models/unsupported-model.js';
import type { ChatMessage, ChatReasoning, ChatRequest, ChatTool, ChatToolChoice, JsonSchema } from '../chat/types.js';
import { validationError } from '../errors/bedrock-errors.js';
import type { ResolvedModel } from '../models/registry.js';
import { ConstraintErrors } from './constraint-errors.js';
import { contentBlockToPart, systemBlockToText } from './converse-content.js';
import { checkConversation, checkSystemBlocks } from './conversation-rules.js';
import { asArray, asNumber, asObject, asString } from './json-values.js';
import { checkGuardrailIdentity } from '../guardrails/inline/inline-guardrail-config.js';
import { converseCacheCheckpoints } from '../caching/converse-checkpoints.js';

/** Converse options that do not reach the backend but shape the response. */
export interface ConverseResponseOptions {
  additionalModelResponseFieldPaths: string[];
  performanceConfig?: { latency: string };
  serviceTier?: { type: string };
}

/** A parsed and validated Converse request. */
export interface ParsedConverseRequest {
  chat: ChatRequest;
  response: ConverseResponseOptions;
}

const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const METADATA_PATTERN = /^[a-zA-Z0-9\s:_@$#=/+,\-.]*$/;
const LATENCY_VALUES = ['standard', 'optimized'];
const SERVICE_TIERS = ['priority', 'default', 'flex', 'reserved'];

/** Decodes and validates a Converse / ConverseStream body for a resolved model. */
export function parseConverseRequest(body: unknown, model: ResolvedModel, operation: 'Converse' | 'ConverseStream'): ParsedConverseRequest {
  const request = asObject(body);
  if (!request) throw validationError('Malformed input request, please reformat your input and try again.');
  const errors = new ConstraintErrors();

  const rawMessages = request.messages === undefined ? [] : asArray(request.messages);
  if (!rawMessages) throw validationError('Malformed input request, please reformat your input and try again.');
  const messages = rawMessages.map((raw, index) => parseMessage(raw, index, errors));
  const rawSystem = asArray(request.system) ?? [];
  const system = rawSystem.flatMap((block) => {
    const text = systemBlockToText(block);
    return text === undefined ? [] : [text];
  });

  const inference = asObject(request.inferenceConfig) ?? {};
  errors.checkRange('inferenceConfig.maxTokens', inference.maxTokens, 1);
  errors.checkRange('inferenceConfig.temperature', inference.temperature, 0, 1);
  errors.checkRange('inferenceConfig.topP', inference.topP, 0, 1);
  const stopSequences = (asArray(inference.stopSequences) ?? []).map((sequence, index) => {
    errors.checkLength(`inferenceConfig.stopSequences.${index + 1}.member`, sequence, 1);
    return asString(sequence) ?? '';
  });

  const toolConfig = request.toolConfig === undefined ? undefined : (asObject(request.toolConfig) ?? {});
  const { tools, toolChoice } = toolConfig ? parseToolConfig(toolConfig, errors) : { tools: [], toolChoice: undefined };

  const metadata = request.requestMetadata;
  errors.checkLength('requestMetadata', metadata, 1, 16);
  for (const [key, value] of Object.entries(asObject(metadata) ?? {})) {
    errors.checkLength(`requestMetadata.${key}.key`, key, 1, 256);
    errors.checkPattern(`requestMetadata.${key}.key`, key, METADATA_PATTERN, '[a-zA-Z0-9\\s:_@$#=/+,-.]{1,256}');
    errors.checkLength(`requestMetadata.${key}.value`, value, 0, 256);
    errors.checkPattern(`requestMetadata.${key}.value`, value, METADATA_PATTERN, '[a-zA-Z0-9\\s:_@$#=/+,-.]{0,256}');
  }

  const responsePaths = asArray(request.additionalModelResponseFieldPaths) ?? [];
  errors.checkLength('additionalModelResponseFieldPaths', request.additionalModelResponseFieldPaths, 0, 10);
  responsePaths.forEach((path, index) => errors.checkLength(`additionalModelResponseFieldPaths.${index + 1}.member`, path, 1, 256));

  const performanceConfig = asObject(request.performanceConfig);
  errors.checkEnum('performanceConfig.latency', performanceConfig?.latency, LATENCY_VALUES);
  const serviceTier = asObject(request.serviceTier);
  if (serviceTier) errors.checkEnum('serviceTier.type', serviceTier.type, SERVICE_TIERS);
  checkGuardrailConfig(request.guardrailConfig, operation, errors);
  const cacheCheckpoints = converseCacheCheckpoints(request, errors);
  errors.throwIfAny();

  if (model.kind !== 'chat') throw unsupportedModelError(model);
  checkSystemBlocks(rawSystem);
  checkConversation(messages, rawMessages, toolConfig !== undefined);
  for (const path of responsePaths) {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw validationError(`The additionalModelResponseFieldPaths field contains an invalid JSON Pointer: '${String(path)}'. Each path must start with '/'.`);
    }
  }
  const maxTokens = asNumber(inference.maxTokens);
  if (maxTokens !== undefined && maxTokens > model.maxOutputTokens) {
    throw validationError(
      `The maximum tokens you requested exceeds the model limit of ${model.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${model.maxOutputTokens}.`,
    );
  }

  const additional = asObject(request.additionalModelRequestFields) ?? {};
  const reasoning = parseReasoning(additional, model, maxTokens, asNumber(inference.temperature));
  return {
    chat: {
      modelId: model.baseModelId,
      backendModel: model.backendModel,
      system,
      messages,
      tools,
      toolChoice,
      maxTokens,
      temperature: asNumber(inference.temperature),
      topP: asNumber(inference.topP),
      topK: asNumber(additional.top_k) ?? asNumber(additional.topK) ?? asNumber(asObject(additional.inferenceConfig)?.topK),
      seed: asNumber(additional.seed),
      stopSequences,
      reasoning,
      responseSchema: parseResponseSchema(request.outputConfig),
      ...(cacheCheckpoints.length > 0 ? { cacheCheckpoints } : {}),
    },
    response: {
      additionalModelResponseFieldPaths: responsePaths as string[],
      performanceConfig: performanceConfig ? { latency: asString(performanceConfig.latency) ?? 'standard' } : undefined,
      serviceTier: serviceTier ? { type: asString(serviceTier.type) ?? 'default' } : undefined,
    },
  };
}

function parseMessage(raw: unknown, index: number, errors: ConstraintErrors): ChatMessage {
  const message = asObject(raw) ?? {};
  const path = `messages.${index + 1}.member`;
  errors.checkRequired(`${path}.role`, message.role);
  errors.checkEnum(`${path}.role`, message.role, ['user', 'assistant']);
  errors.checkRequired(`${path}.content`, message.content);
  if (message.content !== undefined && message.content !== null && !Array.isArray(message.content)) {
    throw validationError('Malformed input request, please reformat your input and try again.');
  }
  const content = (asArray(message.content) ?? []).flatMap((block, blockIndex) => {
    const part = contentBlockToPart(block, `${path}.content.${blockIndex + 1}.member`, errors);
    return part ? [part] : [];
  });
  return { role: message.role === 'assistant' ? 'assistant' : 'user', content };
}

function parseToolConfig(toolConfig: Record<string, unknown>, errors: ConstraintErrors): { tools: ChatTool[]; toolChoice?: ChatToolChoice } {
  const rawTools = toolConfig.tools;
  if (errors.checkRequired('toolConfig.tools', rawTools)) errors.checkLength('toolConfig.tools', rawTools, 1);
  const tools: ChatTool[] = [];
  (asArray(rawTools) ?? []).forEach((raw, index) => {
    const tool = asObject(raw) ?? {};
    if ('cachePoint' in tool || 'systemTool' in tool) return;
    const path = `toolConfig.tools.${index + 1}.member.toolSpec`;
    const spec = asObject(tool.toolSpec) ?? {};
    errors.checkPattern(`${path}.name`, spec.name, TOOL_NAME_PATTERN, '^[a-zA-Z0-9_-]{1,64}$');
    errors.checkRequired(`${path}.name`, spec.name);
    errors.checkLength(`${path}.description`, spec.description, 1);
    const schema = asObject(asObject(spec.inputSchema)?.json);
    errors.checkRequired(`${path}.inputSchema`, spec.inputSchema);
    tools.push({ name: asString(spec.name) ?? '', description: asString(spec.description), inputSchema: (schema ?? { type: 'object' }) as JsonSchema });
  });
  const names = tools.map((tool) => tool.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) {
    errors.throwIfAny();
    throw validationError(`The toolConfig field contains more than one tool named ${duplicate}. Tool names must be unique.`);
  }
  const choice = asObject(toolConfig.toolChoice);
  let toolChoice: ChatToolChoice | undefined;
  if (choice?.auto !== undefined) toolChoice = { type: 'auto' };
  else if (choice?.any !== undefined) toolChoice = { type: 'any' };
  else if (choice?.tool !== undefined) {
    const name = asString(asObject(choice.tool)?.name);
    errors.checkPattern('toolConfig.toolChoice.tool.name', name, TOOL_NAME_PATTERN, '^[a-zA-Z0-9_-]{1,64}$');
    if (name !== undefined && tools.length > 0 && !names.includes(name)) {
      errors.throwIfAny();
      throw validationError(`The tool ${name} in toolConfig.toolChoice.tool doesn't match any tool in toolConfig.tools. Try again with the name of a tool that you provided.`);
    }
    toolChoice = { type: 'tool', name: name ?? '' };
  }
  return { tools, toolChoice };
}

function checkGuardrailConfig(value: unknown, operation: 'Converse' | 'ConverseStream', errors: ConstraintErrors): void {
  if (value === undefined) return;
  const config = asObject(value) ?? {};
  errors.checkRequired('guardrailConfig.guardrailIdentifier', config.guardrailIdentifier);
  errors.checkRequired('guardrailConfig.guardrailVersion', config.guardrailVersion);
  checkGuardrailIdentity(errors, 'guardrailConfig.guardrailIdentifier', config.guardrailIdentifier, 'guardrailConfig.guardrailVersion', config.guardrailVersion);
  errors.checkEnum('guardrailConfig.trace', config.trace, ['enabled', 'disabled', 'enabled_full']);
  if (operation === 'ConverseStream') errors.checkEnum('guardrailConfig.streamProcessingMode', config.streamProcessingMode, ['sync', 'async']);
}

/**
 * Extended thinking, however the family asks for it: Claude `thinking`, Nova `reasoningConfig`, gpt-oss and
 * DeepSeek `reasoning_effort`. Claude's own constraints are checked with its messages.
 */
function parseReasoning(additional: Record<string, unknown>, model: ResolvedModel, maxTokens: number | undefined, temperature: number | undefined): ChatReasoning | undefined {
  const thinking = asObject(additional.thinking) ?? asObject(additional.reasoning_config);
  if (thinking && (thinking.type === 'enabled' || thinking.type === 'adaptive')) {
    const budget = asNumber(thinking.budget_tokens);
    if (model.family === 'anthropic' && thinking.type === 'enabled') {
      if (budget === undefined || budget < 1024) {
        throw validationError('The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
      }
      if (maxTokens !== undefined && maxTokens <= budget) {
        throw validationError('The model returned the following errors: `max_tokens` must be greater than `thinking.budget_tokens`.');
      }
      if (temperature !== undefined && temperature !== 1) {
        throw validationError('The model returned the following errors: `temperature` may only be set to 1 when thinking is enabled.');
      }
    }
    return { budgetTokens: budget };
  }
  const novaReasoning = asObject(additional.reasoningConfig);
  if (novaReasoning?.type === 'enabled') return { effort: effortOf(novaReasoning.maxReasoningEffort) };
  const effort = effortOf(additional.reasoning_effort);
  return effort ? { effort } : undefined;
}

function effortOf(value: unknown): ChatReasoning['effort'] | undefined {
  return value === 'low' || value === 'medium' || value === 'high' ? value : undefined;
}

/** `outputConfig.textFormat` with a JSON schema (sent as a JSON string) → the schema. */
function parseResponseSchema(value: unknown): JsonSchema | undefined {
  const format = asObject(asObject(value)?.textFormat);
  if (format?.type !== 'json_schema') return undefined;
  const schemaText = asObject(asObject(asObject(format.structure)?.jsonSchema))?.schema;
  if (typeof schemaText !== 'string') return undefined;
  try {
    return asObject(JSON.parse(schemaText)) as JsonSchema | undefined;
  } catch {
    throw validationError('The outputConfig.textFormat.structure.jsonSchema.schema field is not valid JSON. Provide a valid JSON schema and try again.');
  }
}
