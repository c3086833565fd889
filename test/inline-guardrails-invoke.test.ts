import { describe, expect, it } from 'vitest';
import type { ScriptedReplySource } from '../src/index.js';
import { FRONT_DOORS, runtimeClient, type FrontDoor } from './support/clients.js';
import { BLOCKED_INPUT, BLOCKED_OUTPUT, GUARDRAIL_ID, GUARDRAILS, LONG_CLEAN, TEXTS } from './support/inline-guardrail-fixtures.js';
import { invoke, invokeStream } from './support/invoke.js';
import { probeBackend } from './support/probe-backend.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const GUARDRAIL_CONFIG = 'amazon-bedrock-guardrailConfig';

function claudeBody(prompt: string, extra: Record<string, unknown> = {}) {
  return { anthropic_version: 'bedrock-2023-05-31', max_tokens: 2000, messages: [{ role: 'user', content: prompt }], ...extra };
}

function guarded(trace?: 'ENABLED' | 'DISABLED' | 'ENABLED_FULL', version = '1') {
  return { guardrailIdentifier: GUARDRAIL_ID, guardrailVersion: version, ...(trace ? { trace } : {}) };
}

function setup(door: FrontDoor, responses: ScriptedReplySource[] = []) {
  return runtimeClient(door, { guardrails: GUARDRAILS, responses });
}

function withProbe(door: FrontDoor, answer = 'Paris is the capital of France.') {
  const backend = probeBackend(answer);
  return { ...runtimeClient(door, { guardrails: GUARDRAILS, backend }), backend };
}

type Chunk = Record<string, unknown> & { type?: string; delta?: { text?: string } };

function claudeStreamText(chunks: readonly Chunk[]): string {
  return chunks.map((chunk) => (chunk.type === 'content_block_delta' ? (chunk.delta?.text ?? '') : '')).join('');
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.each(FRONT_DOORS)('inline guardrails in InvokeModel through the %s door', (door) => {
  it('answers a blocked input in the Claude Messages shape without calling the model', async () => {
    const { client, backend } = withProbe(door);
    const { body } = await invoke(client, HAIKU, claudeBody(TEXTS.word), guarded('ENABLED'));
    expect(body.content).toEqual([{ type: 'text', text: BLOCKED_INPUT }]);
    expect(body.role).toBe('assistant');
    expect((body.usage as Record<string, number>).output_tokens).toBe(0);
    expect(body['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
    const trace = body['amazon-bedrock-trace'] as { guardrail: { input: Record<string, { wordPolicy?: { customWords: unknown[] } }>; outputs?: unknown } };
    expect(trace.guardrail.input[GUARDRAIL_ID]?.wordPolicy?.customWords[0]).toMatchObject({ match: 'pineapple', action: 'BLOCKED', detected: true });
    expect(trace.guardrail.outputs).toBeUndefined();
    expect(backend.requests).toHaveLength(0);
  });

  it('answers a blocked input in the Titan Text shape', async () => {
    const { client, backend } = withProbe(door);
    const { body } = await invoke(client, TITAN, { inputText: TEXTS.insult }, guarded());
    const results = body.results as { outputText: string; tokenCount: number }[];
    expect(results[0]?.outputText).toBe(BLOCKED_INPUT);
    expect(results[0]?.tokenCount).toBe(0);
    expect(body['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
    expect(body['amazon-bedrock-trace']).toBeUndefined();
    expect(backend.requests).toHaveLength(0);
  });

  it('passes a harmless request through and marks the action NONE', async () => {
    const { client, backend } = withProbe(door, 'Paris.');
    const { body } = await invoke(client, HAIKU, claudeBody(TEXTS.clean), guarded());
    expect(body.content).toEqual([{ type: 'text', text: 'Paris.' }]);
    expect(body.stop_reason).toBe('end_turn');
    expect(body['amazon-bedrock-guardrailAction']).toBe('NONE');
    expect(body['amazon-bedrock-trace']).toBeUndefined();
    expect(backend.requests).toHaveLength(1);
  });

  it.each([
    ['a blocked word', 'I love pineapple on pizza.'],
    ['a content filter', TEXTS.insult],
    ['a denied topic', TEXTS.topic],
    ['a blocked PII entity', TEXTS.ssn],
  ])('replaces an answer caught by %s with the blocked-output message', async (_name, answer) => {
    const { client } = setup(door, [{ text: answer }]);
    const { body } = await invoke(client, HAIKU, claudeBody(TEXTS.clean), guarded('ENABLED'));
    expect(body.content).toEqual([{ type: 'text', text: BLOCKED_OUTPUT }]);
    expect(body['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
    const trace = body['amazon-bedrock-trace'] as { guardrail: { outputs: Record<string, unknown>[] } };
    expect(Object.keys(trace.guardrail.outputs[0] ?? {})).toEqual([GUARDRAIL_ID]);
  });

  it('masks anonymized PII in a Titan answer and keeps every other byte', async () => {
    const { client } = setup(door, [{ text: TEXTS.email }]);
    const { body } = await invoke(client, TITAN, { inputText: TEXTS.clean }, guarded());
    expect((body.results as { outputText: string }[])[0]?.outputText).toBe(TEXTS.email.replace('jane.doe@example.com', '{EMAIL}'));
    expect(body['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
  });

  it('assesses only the tagged input when a tagSuffix is given, and keeps the key away from the model', async () => {
    const { client, backend } = withProbe(door, 'Paris.');
    const tagged = (inside: string, outside: string) =>
      claudeBody(`${outside} <amazon-bedrock-guardrails-guardContent_xyz>${inside}</amazon-bedrock-guardrails-guardContent_xyz>`, { [GUARDRAIL_CONFIG]: { tagSuffix: 'xyz' } });
    const passed = await invoke(client, HAIKU, tagged(TEXTS.clean, TEXTS.word), guarded());
    expect(passed.body['amazon-bedrock-guardrailAction']).toBe('NONE');
    expect(backend.requests).toHaveLength(1);
    const blocked = await invoke(client, HAIKU, tagged(TEXTS.word, TEXTS.clean), guarded());
    expect(blocked.body.content).toEqual([{ type: 'text', text: BLOCKED_INPUT }]);
    expect(backend.requests).toHaveLength(1);
    // Without tags the whole prompt is assessed.
    const untagged = await invoke(client, HAIKU, claudeBody(`${TEXTS.clean} ${TEXTS.word}`, { [GUARDRAIL_CONFIG]: { tagSuffix: 'xyz' } }), guarded());
    expect(untagged.body['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
  });

  it('lists findings that intervened with ENABLED and every filter with ENABLED_FULL', async () => {
    const { client } = setup(door, [{ text: 'Paris.' }, { text: 'Paris.' }]);
    type Traced = { guardrail: { input: Record<string, { contentPolicy?: { filters: unknown[] }; invocationMetrics?: unknown }> } };
    const full = (await invoke(client, HAIKU, claudeBody(TEXTS.clean), guarded('ENABLED_FULL'))).body['amazon-bedrock-trace'] as Traced;
    expect(full.guardrail.input[GUARDRAIL_ID]?.contentPolicy?.filters).toEqual([expect.objectContaining({ type: 'INSULTS', detected: false })]);
    expect(full.guardrail.input[GUARDRAIL_ID]?.invocationMetrics).toBeDefined();
    const brief = (await invoke(client, HAIKU, claudeBody(TEXTS.clean), guarded('ENABLED'))).body['amazon-bedrock-trace'] as Traced;
    expect(brief.guardrail.input[GUARDRAIL_ID]?.contentPolicy).toBeUndefined();
  });

  it('answers guardrail mistakes with the service errors', async () => {
    const { client, backend } = withProbe(door);
    expect(await failure(invoke(client, HAIKU, claudeBody(TEXTS.clean), { guardrailIdentifier: GUARDRAIL_ID }))).toMatchObject({ name: 'ValidationException' });
    expect(await failure(invoke(client, HAIKU, claudeBody(TEXTS.clean, { [GUARDRAIL_CONFIG]: { tagSuffix: 'xyz' } })))).toMatchObject({ name: 'ValidationException' });
    expect(await failure(invoke(client, HAIKU, claudeBody(TEXTS.clean), guarded(undefined, '9')))).toMatchObject({
      name: 'ValidationException',
      message: 'The guardrail identifier or version provided in the request does not exist.',
    });
    expect(await failure(invoke(client, HAIKU, claudeBody(TEXTS.clean), { guardrailIdentifier: 'nosuchguard1', guardrailVersion: '1' }))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await failure(invoke(client, HAIKU, claudeBody(TEXTS.clean), { ...guarded(), trace: 'LOUD' }))).toMatchObject({ name: 'ValidationException' });
    expect(backend.requests).toHaveLength(0);
  });
});

describe.each(FRONT_DOORS)('inline guardrails in InvokeModelWithResponseStream through the %s door', (door) => {
  it('streams the blocked-input message in Claude chunks without calling the model', async () => {
    const { client, backend } = withProbe(door);
    const { chunks } = await invokeStream(client, HAIKU, claudeBody(TEXTS.topic), guarded('ENABLED'));
    expect(claudeStreamText(chunks)).toBe(BLOCKED_INPUT);
    const last = chunks.at(-1) as Chunk;
    expect(last['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
    expect(last['amazon-bedrock-invocationMetrics']).toBeDefined();
    expect(last['amazon-bedrock-trace']).toBeDefined();
    expect(backend.requests).toHaveLength(0);
  });

  it('releases a harmless answer and marks the last chunk NONE', async () => {
    const { client } = setup(door, [{ text: LONG_CLEAN }]);
    const { chunks } = await invokeStream(client, HAIKU, claudeBody(TEXTS.clean), guarded());
    expect(claudeStreamText(chunks)).toBe(LONG_CLEAN);
    expect(chunks.at(-1)?.['amazon-bedrock-guardrailAction']).toBe('NONE');
    expect(chunks.some((chunk) => 'amazon-bedrock-trace' in chunk)).toBe(false);
  });

  it('replaces a blocked chunk with the blocked-output message in synchronous mode', async () => {
    const { client } = setup(door, [{ text: `${LONG_CLEAN}I love pineapple on pizza. ${LONG_CLEAN}` }]);
    const { chunks } = await invokeStream(client, HAIKU, claudeBody(TEXTS.clean, { [GUARDRAIL_CONFIG]: { streamProcessingMode: 'SYNCHRONOUS' } }), guarded());
    const text = claudeStreamText(chunks);
    expect(text.endsWith(BLOCKED_OUTPUT)).toBe(true);
    expect(text).not.toContain('pineapple');
    expect(chunks.at(-1)?.['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
  });

  it('masks anonymized PII in a Titan stream', async () => {
    const { client } = setup(door, [{ text: TEXTS.email }]);
    const { chunks } = await invokeStream(client, TITAN, { inputText: TEXTS.clean }, guarded());
    expect(chunks.map((chunk) => (chunk.outputText as string | undefined) ?? '').join('')).toBe(TEXTS.email.replace('jane.doe@example.com', '{EMAIL}'));
    expect(chunks.at(-1)?.['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
  });

  it('releases text at once in asynchronous mode and reports the intervention at the end', async () => {
    const { client } = setup(door, [{ text: 'I love pineapple on pizza.' }]);
    const { chunks } = await invokeStream(client, HAIKU, claudeBody(TEXTS.clean, { [GUARDRAIL_CONFIG]: { streamProcessingMode: 'ASYNCHRONOUS' } }), guarded('ENABLED'));
    expect(claudeStreamText(chunks)).toBe('I love pineapple on pizza.');
    const last = chunks.at(-1) as Chunk;
    expect(last['amazon-bedrock-guardrailAction']).toBe('INTERVENED');
    const trace = last['amazon-bedrock-trace'] as { guardrail: { outputs: Record<string, unknown>[] } };
    expect(trace.guardrail.outputs[0]?.[GUARDRAIL_ID]).toMatchObject({ wordPolicy: { customWords: [expect.objectContaining({ match: 'pineapple' })] } });
  });

  it('rejects streamProcessingMode on InvokeModel and unknown modes', async () => {
    const { client } = withProbe(door);
    expect(await failure(invoke(client, HAIKU, claudeBody(TEXTS.clean, { [GUARDRAIL_CONFIG]: { streamProcessingMode: 'ASYNCHRONOUS' } }), guarded()))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await failure(invokeStream(client, HAIKU, claudeBody(TEXTS.clean, { [GUARDRAIL_CONFIG]: { streamProcessingMode: 'LATER' } }), guarded()))).toMatchObject({
      name: 'ValidationException',
    });
  });
});
