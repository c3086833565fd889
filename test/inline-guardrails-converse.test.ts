import {
  ConverseCommand,
  ConverseStreamCommand,
  type ContentBlock,
  type ConverseCommandInput,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
  type GuardrailAssessment,
  type SystemContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { CreateGuardrailCommand } from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import type { ScriptedReplySource } from '../src/index.js';
import { FRONT_DOORS, collectEvents, controlClient, runtimeClient, userText, type FrontDoor } from './support/clients.js';
import { BLOCKED_INPUT, BLOCKED_OUTPUT, GUARDRAIL_ID, GUARDRAILS, LONG_CLEAN, TEXTS } from './support/inline-guardrail-fixtures.js';
import { probeBackend } from './support/probe-backend.js';

const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
type Trace = 'enabled' | 'disabled' | 'enabled_full';

function setup(door: FrontDoor, responses: ScriptedReplySource[] = []) {
  return runtimeClient(door, { guardrails: GUARDRAILS, responses });
}

function withProbe(door: FrontDoor, answer = 'Paris is the capital of France.') {
  const backend = probeBackend(answer);
  return { ...runtimeClient(door, { guardrails: GUARDRAILS, backend }), backend };
}

function converse(content: ContentBlock[] | string, trace?: Trace, extra: Partial<ConverseCommandInput> = {}): ConverseCommand {
  const blocks = typeof content === 'string' ? [{ text: content }] : content;
  return new ConverseCommand({
    modelId: CLAUDE,
    messages: [{ role: 'user', content: blocks }],
    guardrailConfig: { guardrailIdentifier: GUARDRAIL_ID, guardrailVersion: '1', ...(trace ? { trace } : {}) },
    ...extra,
  });
}

function converseStream(content: string, streamProcessingMode: 'sync' | 'async' | undefined, trace?: Trace): ConverseStreamCommand {
  return new ConverseStreamCommand({
    modelId: CLAUDE,
    messages: [userText(content)],
    guardrailConfig: { guardrailIdentifier: GUARDRAIL_ID, guardrailVersion: '1', ...(trace ? { trace } : {}), ...(streamProcessingMode ? { streamProcessingMode } : {}) },
  } as ConverseStreamCommandInput);
}

function streamText(events: ConverseStreamOutput[]): string {
  return events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
}

function stopReasonOf(events: ConverseStreamOutput[]): string | undefined {
  return events.find((event) => event.messageStop)?.messageStop?.stopReason;
}

function metadataOf(events: ConverseStreamOutput[]) {
  return events.find((event) => event.metadata)?.metadata;
}

describe.each(FRONT_DOORS)('inline guardrails in Converse through the %s door', (door) => {
  describe('input', () => {
    it('answers a blocked input with the blocked-input message and never calls the model', async () => {
      const { client, backend } = withProbe(door);
      const output = await client.send(converse(TEXTS.word));
      expect(output.$metadata.httpStatusCode).toBe(200);
      expect(output.output?.message?.content).toEqual([{ text: BLOCKED_INPUT }]);
      expect(output.stopReason).toBe('guardrail_intervened');
      expect(output.usage?.outputTokens).toBe(0);
      expect(backend.requests).toHaveLength(0);
      expect(output.trace).toBeUndefined();
    });

    it('passes a harmless input to the model and returns its answer unchanged', async () => {
      const { client, backend } = withProbe(door, 'Paris.');
      const output = await client.send(converse(TEXTS.clean, 'enabled'));
      expect(output.output?.message?.content).toEqual([{ text: 'Paris.' }]);
      expect(output.stopReason).toBe('end_turn');
      expect(backend.requests).toHaveLength(1);
      expect(output.trace?.guardrail?.inputAssessment?.[GUARDRAIL_ID]).toBeDefined();
    });

    it.each([
      ['a blocked word', TEXTS.word, (assessment: GuardrailAssessment) => assessment.wordPolicy?.customWords?.[0]],
      ['a content filter', TEXTS.insult, (assessment: GuardrailAssessment) => assessment.contentPolicy?.filters?.find((filter) => filter.type === 'INSULTS')],
      ['a denied topic', TEXTS.topic, (assessment: GuardrailAssessment) => assessment.topicPolicy?.topics?.find((topic) => topic.name === 'Investing')],
      ['a blocked PII entity', TEXTS.ssn, (assessment: GuardrailAssessment) => assessment.sensitiveInformationPolicy?.piiEntities?.find((entity) => entity.type === 'US_SOCIAL_SECURITY_NUMBER')],
    ])('blocks %s in the input and says why in the trace', async (_name, text, finding) => {
      const { client, backend } = withProbe(door);
      const output = await client.send(converse(text, 'enabled'));
      expect(output.output?.message?.content).toEqual([{ text: BLOCKED_INPUT }]);
      expect(output.stopReason).toBe('guardrail_intervened');
      expect(backend.requests).toHaveLength(0);
      const assessment = output.trace?.guardrail?.inputAssessment?.[GUARDRAIL_ID];
      expect(finding(assessment ?? {})).toMatchObject({ action: 'BLOCKED', detected: true });
      expect(output.trace?.guardrail?.outputAssessments).toBeUndefined();
      expect(output.trace?.guardrail?.actionReason).toBeTruthy();
    });

    it('does not mask an anonymized input on its way to the model, but reports it', async () => {
      const { client, backend } = withProbe(door, 'Noted.');
      const output = await client.send(converse(TEXTS.email, 'enabled'));
      expect(backend.requests[0]?.messages[0]?.content).toEqual([{ type: 'text', text: TEXTS.email }]);
      expect(output.output?.message?.content).toEqual([{ text: 'Noted.' }]);
      expect(output.stopReason).toBe('end_turn');
      const entity = output.trace?.guardrail?.inputAssessment?.[GUARDRAIL_ID]?.sensitiveInformationPolicy?.piiEntities?.[0];
      expect(entity).toMatchObject({ type: 'EMAIL', match: 'jane.doe@example.com', action: 'ANONYMIZED' });
    });

    it('assesses only the guardContent blocks when there are any, and passes them to the model as text', async () => {
      const { client, backend } = withProbe(door, 'Paris.');
      const output = await client.send(converse([{ text: TEXTS.word }, { guardContent: { text: { text: TEXTS.clean } } }]));
      expect(output.stopReason).toBe('end_turn');
      expect(backend.requests[0]?.messages[0]?.content).toEqual([
        { type: 'text', text: TEXTS.word },
        { type: 'text', text: TEXTS.clean },
      ]);
      const blocked = await client.send(converse([{ text: TEXTS.clean }, { guardContent: { text: { text: TEXTS.word } } }]));
      expect(blocked.output?.message?.content).toEqual([{ text: BLOCKED_INPUT }]);
    });

    it('assesses guardContent in the system prompt', async () => {
      const { client, backend } = withProbe(door);
      const system: SystemContentBlock[] = [{ guardContent: { text: { text: TEXTS.word } } }];
      const output = await client.send(converse(TEXTS.clean, undefined, { system }));
      expect(output.stopReason).toBe('guardrail_intervened');
      expect(backend.requests).toHaveLength(0);
    });

    it('assesses only the last user turn when there is no guardContent', async () => {
      const { client, backend } = withProbe(door, 'Paris.');
      const output = await client.send(
        new ConverseCommand({
          modelId: CLAUDE,
          messages: [userText(TEXTS.word), { role: 'assistant', content: [{ text: 'Here is one.' }] }, userText(TEXTS.clean)],
          guardrailConfig: { guardrailIdentifier: GUARDRAIL_ID, guardrailVersion: 'DRAFT' },
        }),
      );
      expect(output.stopReason).toBe('end_turn');
      expect(backend.requests).toHaveLength(1);
    });
  });

  describe('output', () => {
    it('replaces a blocked answer with the blocked-output message and keeps the original in the trace', async () => {
      const { client } = setup(door, [{ text: 'I love pineapple on pizza.' }]);
      const output = await client.send(converse(TEXTS.clean, 'enabled'));
      expect(output.output?.message?.content).toEqual([{ text: BLOCKED_OUTPUT }]);
      expect(output.stopReason).toBe('guardrail_intervened');
      const guardrail = output.trace?.guardrail;
      expect(guardrail?.modelOutput).toEqual(['I love pineapple on pizza.']);
      expect(guardrail?.outputAssessments?.[GUARDRAIL_ID]?.[0]?.wordPolicy?.customWords?.[0]).toMatchObject({ match: 'pineapple', action: 'BLOCKED', detected: true });
    });

    it.each([
      ['a content filter', TEXTS.insult],
      ['a denied topic', TEXTS.topic],
      ['a blocked PII entity', TEXTS.ssn],
    ])('blocks an answer caught by %s', async (_name, text) => {
      const { client } = setup(door, [{ text }]);
      const output = await client.send(converse(TEXTS.clean));
      expect(output.output?.message?.content).toEqual([{ text: BLOCKED_OUTPUT }]);
      expect(output.stopReason).toBe('guardrail_intervened');
    });

    it('masks anonymized PII in the answer and keeps every other byte', async () => {
      const { client } = setup(door, [{ text: TEXTS.email }]);
      const output = await client.send(converse(TEXTS.clean, 'enabled'));
      expect(output.output?.message?.content).toEqual([{ text: TEXTS.email.replace('jane.doe@example.com', '{EMAIL}') }]);
      expect(output.stopReason).toBe('guardrail_intervened');
      const entity = output.trace?.guardrail?.outputAssessments?.[GUARDRAIL_ID]?.[0]?.sensitiveInformationPolicy?.piiEntities?.[0];
      expect(entity).toMatchObject({ type: 'EMAIL', action: 'ANONYMIZED', detected: true });
    });

    it('returns a harmless answer unchanged', async () => {
      const { client } = setup(door, [{ text: 'Paris is the capital of France.' }]);
      const output = await client.send(converse(TEXTS.clean));
      expect(output.output?.message?.content).toEqual([{ text: 'Paris is the capital of France.' }]);
      expect(output.stopReason).toBe('end_turn');
    });

    it('checks contextual grounding of the answer against the grounding source in guardContent', async () => {
      const grounded = (answer: string) => {
        const { client } = setup(door, [{ text: answer }]);
        return client.send(
          converse(
            [
              { guardContent: { text: { text: TEXTS.groundingSource, qualifiers: ['grounding_source'] } } },
              { guardContent: { text: { text: TEXTS.groundingQuery, qualifiers: ['query'] } } },
            ],
            'enabled',
          ),
        );
      };
      const ungrounded = await grounded(TEXTS.ungrounded);
      expect(ungrounded.output?.message?.content).toEqual([{ text: BLOCKED_OUTPUT }]);
      const filter = ungrounded.trace?.guardrail?.outputAssessments?.[GUARDRAIL_ID]?.[0]?.contextualGroundingPolicy?.filters?.[0];
      expect(filter).toMatchObject({ type: 'GROUNDING', threshold: 0.7, action: 'BLOCKED', detected: true });
      const ok = await grounded(TEXTS.grounded);
      expect(ok.output?.message?.content).toEqual([{ text: TEXTS.grounded }]);
      expect(ok.stopReason).toBe('end_turn');
    });
  });

  describe('trace', () => {
    it('is present exactly when asked for', async () => {
      const { client } = setup(door, [{ text: 'Paris.' }, { text: 'Paris.' }, { text: 'Paris.' }]);
      expect((await client.send(converse(TEXTS.clean))).trace).toBeUndefined();
      expect((await client.send(converse(TEXTS.clean, 'disabled'))).trace).toBeUndefined();
      const traced = await client.send(converse(TEXTS.clean, 'enabled'));
      const guardrail = traced.trace?.guardrail;
      expect(Object.keys(guardrail?.inputAssessment ?? {})).toEqual([GUARDRAIL_ID]);
      expect(guardrail?.outputAssessments?.[GUARDRAIL_ID]).toHaveLength(1);
      expect(guardrail?.modelOutput).toBeUndefined();
      const metrics = guardrail?.inputAssessment?.[GUARDRAIL_ID]?.invocationMetrics;
      expect(metrics?.guardrailCoverage?.textCharacters).toEqual({ guarded: TEXTS.clean.length, total: TEXTS.clean.length });
      expect(metrics?.usage?.wordPolicyUnits).toBe(1);
      expect(typeof metrics?.guardrailProcessingLatency).toBe('number');
    });

    it('lists the filters that found nothing with enabled_full, and only findings with enabled', async () => {
      const { client } = setup(door, [{ text: 'Paris.' }, { text: 'Paris.' }]);
      const full = await client.send(converse(TEXTS.clean, 'enabled_full'));
      const fullInput = full.trace?.guardrail?.inputAssessment?.[GUARDRAIL_ID];
      expect(fullInput?.contentPolicy?.filters).toEqual([expect.objectContaining({ type: 'INSULTS', action: 'NONE', detected: false })]);
      const brief = await client.send(converse(TEXTS.clean, 'enabled'));
      expect(brief.trace?.guardrail?.inputAssessment?.[GUARDRAIL_ID]?.contentPolicy).toBeUndefined();
    });
  });

  it('applies a guardrail created through the control plane of the same runtime', async () => {
    const { client, runtime } = setup(door, [{ text: 'Paris.' }]);
    const control = controlClient(door, runtime).client;
    const created = await control.send(
      new CreateGuardrailCommand({
        name: 'created-inline',
        blockedInputMessaging: 'No mangoes here.',
        blockedOutputsMessaging: 'No mangoes there.',
        wordPolicyConfig: { wordsConfig: [{ text: 'mango' }] },
      }),
    );
    const command = (text: string) =>
      new ConverseCommand({ modelId: CLAUDE, messages: [userText(text)], guardrailConfig: { guardrailIdentifier: created.guardrailId, guardrailVersion: 'DRAFT' } });
    const blocked = await client.send(command('I would like a mango smoothie.'));
    expect(blocked.output?.message?.content).toEqual([{ text: 'No mangoes here.' }]);
    const passed = await client.send(command(TEXTS.word));
    expect(passed.output?.message?.content).toEqual([{ text: 'Paris.' }]);
  });

  describe('errors', () => {
    it('rejects an unknown guardrail or version with the service error', async () => {
      const { client, backend } = withProbe(door);
      for (const [identifier, version] of [['nosuchguard1', '1'], [GUARDRAIL_ID, '7']] as const) {
        const error = await client
          .send(new ConverseCommand({ modelId: CLAUDE, messages: [userText(TEXTS.clean)], guardrailConfig: { guardrailIdentifier: identifier, guardrailVersion: version } }))
          .catch((caught: unknown) => caught);
        expect(error).toMatchObject({ name: 'ValidationException', message: 'The guardrail identifier or version provided in the request does not exist.' });
      }
      expect(backend.requests).toHaveLength(0);
    });

    it('rejects a guardrailConfig without a version or with an invalid trace', async () => {
      const { client } = withProbe(door);
      const missing = await client
        .send(new ConverseCommand({ modelId: CLAUDE, messages: [userText(TEXTS.clean)], guardrailConfig: { guardrailIdentifier: GUARDRAIL_ID } as never }))
        .catch((caught: unknown) => caught);
      expect(missing).toMatchObject({
        name: 'ValidationException',
        message: "1 validation error detected: Value null at 'guardrailConfig.guardrailVersion' failed to satisfy constraint: Member must not be null",
      });
      const badTrace = await client.send(converse(TEXTS.clean, 'loud' as Trace)).catch((caught: unknown) => caught);
      expect(badTrace).toMatchObject({ name: 'ValidationException' });
      expect((badTrace as Error).message).toContain("at 'guardrailConfig.trace' failed to satisfy constraint: Member must satisfy enum value set: [enabled, disabled, enabled_full]");
    });
  });
});

describe.each(FRONT_DOORS)('inline guardrails in ConverseStream through the %s door', (door) => {
  it('streams the blocked-input message without calling the model', async () => {
    const { client, backend } = withProbe(door);
    const output = await client.send(converseStream(TEXTS.word, 'sync', 'enabled'));
    const events = await collectEvents(output.stream);
    expect(streamText(events)).toBe(BLOCKED_INPUT);
    expect(stopReasonOf(events)).toBe('guardrail_intervened');
    expect(metadataOf(events)?.usage?.outputTokens).toBe(0);
    expect(metadataOf(events)?.trace?.guardrail?.inputAssessment?.[GUARDRAIL_ID]?.wordPolicy?.customWords?.[0]).toMatchObject({ match: 'pineapple' });
    expect(backend.requests).toHaveLength(0);
  });

  describe.each(['sync', undefined] as const)('sync mode (streamProcessingMode %s)', (mode) => {
    it('releases a harmless answer as generated', async () => {
      const { client } = setup(door, [{ text: LONG_CLEAN }]);
      const events = await collectEvents((await client.send(converseStream(TEXTS.clean, mode, 'enabled'))).stream);
      expect(streamText(events)).toBe(LONG_CLEAN);
      expect(events.filter((event) => event.contentBlockDelta).length).toBeGreaterThan(2);
      expect(stopReasonOf(events)).toBe('end_turn');
      // One assessment per started 1 000 characters.
      expect(metadataOf(events)?.trace?.guardrail?.outputAssessments?.[GUARDRAIL_ID]).toHaveLength(Math.ceil(LONG_CLEAN.length / 1000));
    });

    it('releases the chunks assessed clean, then the blocked message instead of the chunk that was blocked', async () => {
      const { client } = setup(door, [{ text: `${LONG_CLEAN}I love pineapple on pizza. ${LONG_CLEAN}` }]);
      const events = await collectEvents((await client.send(converseStream(TEXTS.clean, mode, 'enabled'))).stream);
      const text = streamText(events);
      expect(text.startsWith(LONG_CLEAN.slice(0, 1000))).toBe(true);
      expect(text.endsWith(BLOCKED_OUTPUT)).toBe(true);
      expect(text).not.toContain('pineapple');
      expect(stopReasonOf(events)).toBe('guardrail_intervened');
      const guardrail = metadataOf(events)?.trace?.guardrail;
      expect(guardrail?.modelOutput?.join('')).toContain('pineapple');
      expect(guardrail?.outputAssessments?.[GUARDRAIL_ID]?.at(-1)?.wordPolicy?.customWords?.[0]).toMatchObject({ match: 'pineapple', action: 'BLOCKED' });
    });

    it('masks anonymized PII and keeps the rest of the text', async () => {
      const { client } = setup(door, [{ text: TEXTS.email }]);
      const events = await collectEvents((await client.send(converseStream(TEXTS.clean, mode))).stream);
      expect(streamText(events)).toBe(TEXTS.email.replace('jane.doe@example.com', '{EMAIL}'));
      expect(stopReasonOf(events)).toBe('guardrail_intervened');
      expect(metadataOf(events)?.trace).toBeUndefined();
    });
  });

  describe('async mode', () => {
    it('releases text at once, then ends with guardrail_intervened when a chunk is blocked', async () => {
      const { client } = setup(door, [{ text: 'I love pineapple on pizza.' }]);
      const events = await collectEvents((await client.send(converseStream(TEXTS.clean, 'async', 'enabled'))).stream);
      expect(streamText(events)).toBe('I love pineapple on pizza.');
      expect(stopReasonOf(events)).toBe('guardrail_intervened');
      const guardrail = metadataOf(events)?.trace?.guardrail;
      expect(guardrail?.outputAssessments?.[GUARDRAIL_ID]?.[0]?.wordPolicy?.customWords?.[0]).toMatchObject({ match: 'pineapple', action: 'BLOCKED' });
    });

    it('stops releasing text after a blocked chunk', async () => {
      const { client } = setup(door, [{ text: `I love pineapple on pizza. ${LONG_CLEAN}${LONG_CLEAN}` }]);
      const events = await collectEvents((await client.send(converseStream(TEXTS.clean, 'async'))).stream);
      const text = streamText(events);
      expect(text.startsWith('I love pineapple on pizza.')).toBe(true);
      expect(text.length).toBeLessThan(`I love pineapple on pizza. ${LONG_CLEAN}${LONG_CLEAN}`.length);
      expect(stopReasonOf(events)).toBe('guardrail_intervened');
    });

    it('does not mask in async mode (as the service) and ends normally', async () => {
      const { client } = setup(door, [{ text: TEXTS.email }]);
      const events = await collectEvents((await client.send(converseStream(TEXTS.clean, 'async', 'enabled'))).stream);
      expect(streamText(events)).toBe(TEXTS.email);
      expect(stopReasonOf(events)).toBe('end_turn');
      expect(metadataOf(events)?.trace?.guardrail?.outputAssessments?.[GUARDRAIL_ID]?.[0]?.sensitiveInformationPolicy?.piiEntities?.[0]).toMatchObject({ type: 'EMAIL' });
    });

    it('streams a harmless answer unchanged without a trace when none is asked for', async () => {
      const { client } = setup(door, [{ text: LONG_CLEAN }]);
      const events = await collectEvents((await client.send(converseStream(TEXTS.clean, 'async'))).stream);
      expect(streamText(events)).toBe(LONG_CLEAN);
      expect(stopReasonOf(events)).toBe('end_turn');
      expect(metadataOf(events)?.trace).toBeUndefined();
    });
  });
});
