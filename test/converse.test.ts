import { ConverseCommand, type ConverseCommandInput, type Message } from '@aws-sdk/client-bedrock-runtime';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { FRONT_DOORS, runtimeClient, userText } from './support/clients.js';
import { probeBackend } from './support/probe-backend.js';

const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const WEATHER_TOOL = {
  toolSpec: {
    name: 'get_weather',
    description: 'Current weather for a city',
    inputSchema: {
      json: {
        type: 'object',
        properties: {
          city: { type: 'string', minLength: 2 },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          days: { type: 'integer', minimum: 1, maximum: 7 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        },
        required: ['city', 'unit', 'days'],
        additionalProperties: false,
      },
    },
  },
};
const TIME_TOOL = { toolSpec: { name: 'get_time', description: 'Current time', inputSchema: { json: { type: 'object', properties: { zone: { type: 'string', format: 'date-time' } } } } } };

function converse(input: Partial<ConverseCommandInput>): ConverseCommand {
  return new ConverseCommand({ modelId: CLAUDE, messages: [userText('Tell me about local models.')], ...input } as ConverseCommandInput);
}

describe.each(FRONT_DOORS)('Converse through the %s door', (door) => {
  it('answers with a complete Converse response', async () => {
    const { client } = runtimeClient(door);
    const output = await client.send(converse({}));
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(output.output?.message?.role).toBe('assistant');
    const text = output.output?.message?.content?.[0]?.text;
    expect(text).toContain('Tell me about local models.');
    expect(output.stopReason).toBe('end_turn');
    const usage = output.usage!;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.totalTokens).toBe(usage.inputTokens! + usage.outputTokens!);
    expect(Number.isInteger(output.metrics?.latencyMs)).toBe(true);
  });

  it('gives the same answer to the same request and a different one to a different request', async () => {
    const { client } = runtimeClient(door);
    const first = await client.send(converse({}));
    const second = await client.send(converse({}));
    const other = await client.send(converse({ messages: [userText('Something else entirely')] }));
    expect(second.output).toEqual(first.output);
    expect(second.usage).toEqual(first.usage);
    expect(other.output).not.toEqual(first.output);
  });

  it('stops at maxTokens, counting tokens the way usage counts them', async () => {
    const { client } = runtimeClient(door);
    const full = await client.send(converse({}));
    const cut = await client.send(converse({ inferenceConfig: { maxTokens: 5 } }));
    expect(cut.stopReason).toBe('max_tokens');
    expect(cut.usage?.outputTokens).toBe(5);
    const fullText = full.output!.message!.content![0]!.text!;
    const cutText = cut.output!.message!.content![0]!.text!;
    expect(fullText.startsWith(cutText)).toBe(true);
    expect(cutText.length).toBeLessThan(fullText.length);
  });

  it('stops before a stop sequence and reports which one', async () => {
    const { client } = runtimeClient(door);
    const full = (await client.send(converse({}))).output!.message!.content![0]!.text!;
    const output = await client.send(
      converse({ inferenceConfig: { stopSequences: ['never-present', 'local models'] }, additionalModelResponseFieldPaths: ['/stop_sequence', '/missing'] }),
    );
    expect(output.stopReason).toBe('stop_sequence');
    expect(output.output!.message!.content![0]!.text).toBe(full.slice(0, full.indexOf('local models')));
    expect(output.additionalModelResponseFields).toEqual({ stop_sequence: 'local models' });
  });

  it('calls a forced tool with input valid against its schema', async () => {
    const { client } = runtimeClient(door);
    const output = await client.send(converse({ toolConfig: { tools: [TIME_TOOL, WEATHER_TOOL], toolChoice: { tool: { name: 'get_weather' } } } }));
    expect(output.stopReason).toBe('tool_use');
    const toolUse = output.output!.message!.content!.find((block) => block.toolUse)!.toolUse!;
    expect(toolUse.name).toBe('get_weather');
    expect(toolUse.toolUseId).toMatch(/^tooluse_[A-Za-z0-9_-]{22}$/);
    const validate = new Ajv({ strict: false }).compile(WEATHER_TOOL.toolSpec.inputSchema.json);
    expect(validate(toolUse.input), JSON.stringify(validate.errors)).toBe(true);
    const again = await client.send(converse({ toolConfig: { tools: [TIME_TOOL, WEATHER_TOOL], toolChoice: { tool: { name: 'get_weather' } } } }));
    expect(again.output!.message!.content!.find((block) => block.toolUse)!.toolUse!.toolUseId).toBe(toolUse.toolUseId);
  });

  it('calls some tool when any tool is required, preferring the one the prompt names', async () => {
    const { client } = runtimeClient(door);
    const output = await client.send(converse({ messages: [userText('What is the weather in Oslo?')], toolConfig: { tools: [TIME_TOOL, WEATHER_TOOL], toolChoice: { any: {} } } }));
    expect(output.output!.message!.content!.map((block) => block.toolUse?.name)).toEqual(['get_weather']);
  });

  it('decides on its own in auto mode and completes a tool loop', async () => {
    const { client } = runtimeClient(door);
    const tools = { tools: [WEATHER_TOOL], toolChoice: { auto: {} } };
    const plain = await client.send(converse({ toolConfig: tools }));
    expect(plain.stopReason).toBe('end_turn');

    const question: Message = userText('How is the weather in Paris today?');
    const first = await client.send(converse({ messages: [question], toolConfig: tools }));
    expect(first.stopReason).toBe('tool_use');
    const content = first.output!.message!.content!;
    expect(content[0]!.text).toBeDefined();
    const toolUse = content[1]!.toolUse!;
    const second = await client.send(
      converse({
        messages: [
          question,
          first.output!.message!,
          { role: 'user', content: [{ toolResult: { toolUseId: toolUse.toolUseId, content: [{ json: { temperature: 21, sky: 'clear' } }], status: 'success' } }] },
        ],
        toolConfig: tools,
      }),
    );
    expect(second.stopReason).toBe('end_turn');
    expect(second.output!.message!.content![0]!.text).toContain('"sky":"clear"');
  });

  it('answers with a reasoning block first when thinking is enabled', async () => {
    const { client } = runtimeClient(door);
    const output = await client.send(
      converse({ inferenceConfig: { maxTokens: 4000 }, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } } }),
    );
    const [reasoning, text] = output.output!.message!.content!;
    expect(reasoning!.reasoningContent?.reasoningText?.text).toContain('Tell me about local models.');
    expect(reasoning!.reasoningContent?.reasoningText?.signature).toBeTruthy();
    expect(text!.text).toBeTruthy();
  });

  it('answers structured output requests with JSON valid against the schema', async () => {
    const { client } = runtimeClient(door);
    const schema = { type: 'object', properties: { title: { type: 'string' }, year: { type: 'integer', minimum: 1900 } }, required: ['title', 'year'] };
    const output = await client.send(
      converse({ outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'movie' } } } } }),
    );
    const answer = JSON.parse(output.output!.message!.content![0]!.text!);
    expect(new Ajv().validate(schema, answer)).toBe(true);
  });

  it('passes every content kind to the backend in neutral form', async () => {
    const backend = probeBackend();
    const { client } = runtimeClient(door, { backend });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await client.send(
      converse({
        system: [{ text: 'Be brief.' }, { cachePoint: { type: 'default' } }, { guardContent: { text: { text: 'Guarded system text' } } }],
        messages: [
          {
            role: 'user',
            content: [
              { text: 'Describe these.' },
              { image: { format: 'png', source: { bytes: png } } },
              { document: { format: 'txt', name: 'notes', source: { text: 'Some notes' } } },
              { document: { format: 'md', name: 'bytes', source: { bytes: new TextEncoder().encode('# Title') } } },
              { guardContent: { text: { text: 'guarded' } } },
              { cachePoint: { type: 'default' } },
            ],
          },
          { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'Thinking…', signature: 'sig' } } }, { text: 'Done.' }] },
          userText('Thanks'),
        ],
        inferenceConfig: { maxTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
        additionalModelRequestFields: { top_k: 40 },
        requestMetadata: { team: 'search', 'cost-center': 'a1' },
      }),
    );
    const request = backend.requests[0]!;
    expect(request.modelId).toBe(CLAUDE);
    expect(request.system).toEqual(['Be brief.', 'Guarded system text']);
    expect(request.messages[0]!.content.map((part) => part.type)).toEqual(['text', 'image', 'document', 'document', 'text']);
    const image = request.messages[0]!.content[1] as { data: Uint8Array; format: string };
    expect(image.format).toBe('png');
    expect(Array.from(image.data)).toEqual(Array.from(png));
    expect(request.messages[0]!.content[2]).toMatchObject({ type: 'document', name: 'notes', text: 'Some notes' });
    expect(request.messages[1]!.content[0]).toEqual({ type: 'reasoning', text: 'Thinking…', signature: 'sig' });
    expect(request).toMatchObject({ maxTokens: 100, temperature: 0.2, topP: 0.9, topK: 40, stopSequences: ['END'] });
  });

  it('echoes performanceConfig and serviceTier', async () => {
    const { client } = runtimeClient(door);
    // Latency-optimized inference exists only for a few models, through their inference profiles.
    const output = await client.send(converse({ modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', performanceConfig: { latency: 'optimized' }, serviceTier: { type: 'flex' } }));
    expect(output.performanceConfig).toEqual({ latency: 'optimized' });
    expect(output.serviceTier).toEqual({ type: 'flex' });
  });
});

describe.each(FRONT_DOORS)('Scripted replies through the %s door', (door) => {
  it('gives queued responses in order, then the default answer', async () => {
    const { client } = runtimeClient(door, { responses: [{ text: 'First.' }, { text: 'Second.' }] });
    const texts = [];
    for (let call = 0; call < 3; call++) texts.push((await client.send(converse({}))).output!.message!.content![0]!.text);
    expect(texts.slice(0, 2)).toEqual(['First.', 'Second.']);
    expect(texts[2]).toContain('You asked');
  });

  it('answers matching requests by rule, for a limited number of times', async () => {
    const { client, runtime } = runtimeClient(door, {
      rules: [
        { match: { prompt: /weather/i }, reply: { text: 'Sunny.' }, times: 1 },
        { match: { modelId: /^meta\./ }, reply: (request) => ({ text: `Llama saw ${request.messages.length} message(s).` }) },
      ],
    });
    const ask = async (prompt: string, modelId = CLAUDE) => (await client.send(converse({ modelId, messages: [userText(prompt)] }))).output!.message!.content![0]!.text;
    expect(await ask('weather?')).toBe('Sunny.');
    expect(await ask('weather?')).not.toBe('Sunny.');
    expect(await ask('hi', 'us.meta.llama3-2-3b-instruct-v1:0')).toBe('Llama saw 1 message(s).');
    runtime.scripted!.addRule({ reply: { text: 'Override.' } });
    expect(await ask('anything')).toBe('Override.');
  });

  it('scripts tool calls and usage', async () => {
    const { client } = runtimeClient(door, {
      responses: [{ text: 'Checking.', toolUse: { name: 'get_weather', input: { city: 'Paris' }, toolUseId: 'tooluse_fixed' }, usage: { inputTokens: 7 } }],
    });
    const output = await client.send(converse({ toolConfig: { tools: [WEATHER_TOOL] } }));
    expect(output.output!.message!.content).toEqual([{ text: 'Checking.' }, { toolUse: { toolUseId: 'tooluse_fixed', name: 'get_weather', input: { city: 'Paris' } } }]);
    expect(output.stopReason).toBe('tool_use');
    expect(output.usage?.inputTokens).toBe(7);
  });

  it('raises scripted errors as the SDK’s typed exceptions, retried as real ones are', async () => {
    let calls = 0;
    const { client } = runtimeClient(door, {
      rules: [
        { match: { prompt: 'throttle' }, reply: () => (calls++, { error: 'ThrottlingException' }) },
        { match: { prompt: 'model error' }, reply: { error: { name: 'ModelErrorException', message: 'Boom.', members: { originalStatusCode: 503, resourceName: 'm' } } } },
      ],
    });
    const throttled = await client.send(converse({ messages: [userText('throttle')] })).catch((error: unknown) => error);
    expect(throttled).toMatchObject({ name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', $fault: 'client' });
    expect((throttled as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(429);
    expect(calls).toBe(3);
    await expect(client.send(converse({ messages: [userText('model error')] }))).rejects.toMatchObject({
      name: 'ModelErrorException',
      message: 'Boom.',
      originalStatusCode: 503,
      resourceName: 'm',
      $metadata: { httpStatusCode: 424 },
    });
  });
});

describe('model ids', () => {
  const ids = [
    'anthropic.claude-3-haiku-20240307-v1:0',
    'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'apac.amazon.nova-lite-v1:0',
    'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0',
  ];
  it.each(ids)('accepts %s and resolves it to its base model', async (modelId) => {
    const backend = probeBackend();
    const { client } = runtimeClient('middleware', { backend });
    await client.send(converse({ modelId }));
    expect(backend.requests[0]!.modelId).toBe(modelId.replace(/^.*\//, '').replace(/^(us|global|apac)\./, ''));
  });

  it('maps models to backend models: code over env, env maps over defaults, prefixes with *', async () => {
    const backend = probeBackend();
    const env = {
      LOCAL_BEDROCK_MODEL_MAP: 'anthropic.claude-3-haiku-20240307-v1:0=env-haiku,meta.*=env-llama',
      SIMFRA_BEDROCK_MODEL_MAP: '{"mistral.mistral-large-2407-v1:0":"simfra-mistral","meta.llama3-8b-instruct-v1:0":"simfra-llama"}',
      DEFAULT_BEDROCK_MODEL: 'env-default',
    };
    const { client } = runtimeClient('requestHandler', { backend, env, modelMap: { 'us.anthropic.claude-3-haiku-20240307-v1:0': 'code-haiku' } });
    const backendModelFor = async (modelId: string) => {
      await client.send(converse({ modelId }));
      return backend.requests.at(-1)!.backendModel;
    };
    expect(await backendModelFor('us.anthropic.claude-3-haiku-20240307-v1:0')).toBe('code-haiku');
    expect(await backendModelFor('anthropic.claude-3-haiku-20240307-v1:0')).toBe('env-haiku');
    expect(await backendModelFor('meta.llama3-8b-instruct-v1:0')).toBe('env-llama');
    expect(await backendModelFor('mistral.mistral-large-2407-v1:0')).toBe('simfra-mistral');
    expect(await backendModelFor('amazon.nova-pro-v1:0')).toBe('env-default');
    expect(await backendModelFor('ollama.qwen2.5:0.5b')).toBe('qwen2.5:0.5b');
  });

  it('uses per-family defaults when nothing is configured, and LOCAL_BEDROCK_DEFAULT_MODEL over DEFAULT_BEDROCK_MODEL', async () => {
    const backend = probeBackend();
    const { client } = runtimeClient('middleware', { backend });
    await client.send(converse({ modelId: 'mistral.mistral-large-2407-v1:0' }));
    expect(backend.requests[0]!.backendModel).toBe('mistral');
    const other = probeBackend();
    const { client: configured } = runtimeClient('middleware', { backend: other, env: { LOCAL_BEDROCK_DEFAULT_MODEL: 'mine', DEFAULT_BEDROCK_MODEL: 'theirs' } });
    await configured.send(converse({ modelId: 'mistral.mistral-large-2407-v1:0' }));
    expect(other.requests[0]!.backendModel).toBe('mine');
  });

  it('accepts unknown ids, such as application inference profiles, only when mapped', async () => {
    const profile = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
    const { client } = runtimeClient('middleware', { modelMap: { [profile]: 'llama3.2' } });
    await expect(client.send(converse({ modelId: profile }))).resolves.toBeDefined();
    const { client: unmapped } = runtimeClient('middleware');
    await expect(unmapped.send(converse({ modelId: profile }))).rejects.toMatchObject({ name: 'ValidationException', message: 'The provided model identifier is invalid.' });
  });
});
