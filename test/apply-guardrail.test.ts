import { CreateGuardrailCommand, CreateGuardrailVersionCommand, type CreateGuardrailCommandInput } from '@aws-sdk/client-bedrock';
import { ApplyGuardrailCommand, type ApplyGuardrailCommandInput, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../src/images/png.js';
import { createRuntime } from '../src/index.js';
import { controlClient, FRONT_DOORS, runtimeClient, type FrontDoor } from './support/clients.js';

/**
 * ApplyGuardrail through the real `BedrockRuntimeClient`, against guardrails created through the real
 * `BedrockClient` on the same runtime.
 */

const MESSAGES = { blockedInputMessaging: 'Input blocked by policy.', blockedOutputsMessaging: 'Output blocked by policy.' };

const GUARDRAIL: CreateGuardrailCommandInput = {
  name: 'apply-test',
  ...MESSAGES,
  wordPolicyConfig: { wordsConfig: [{ text: 'foo' }] },
  sensitiveInformationPolicyConfig: { piiEntitiesConfig: [{ type: 'EMAIL', action: 'ANONYMIZE' }] },
  contentPolicyConfig: { filtersConfig: [{ type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH', inputModalities: ['TEXT', 'IMAGE'], outputModalities: ['TEXT', 'IMAGE'] }] },
};

async function setup(door: FrontDoor, config: CreateGuardrailCommandInput = GUARDRAIL) {
  const runtime = createRuntime({ env: {} });
  const { client: control } = controlClient(door, runtime);
  const { client } = runtimeClient(door, runtime);
  const created = await control.send(new CreateGuardrailCommand(config));
  return { client, control, guardrailId: created.guardrailId!, guardrailArn: created.guardrailArn! };
}

function apply(client: BedrockRuntimeClient, input: Partial<ApplyGuardrailCommandInput> & { guardrailIdentifier: string }) {
  return client.send(new ApplyGuardrailCommand({ guardrailVersion: 'DRAFT', source: 'INPUT', content: [], ...input } as ApplyGuardrailCommandInput));
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!error) throw new Error('expected the call to fail');
  return error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
}

const text = (value: string) => ({ text: { text: value } });

describe.each(FRONT_DOORS)('ApplyGuardrail (%s)', (door) => {
  it('blocks an input with the blocked input message and names the match', async () => {
    const { client, guardrailId, guardrailArn } = await setup(door);
    const result = await apply(client, { guardrailIdentifier: guardrailId, content: [text('please say foo now')] });
    expect(result.action).toBe('GUARDRAIL_INTERVENED');
    expect(result.actionReason).toEqual(expect.any(String));
    expect(result.outputs).toEqual([{ text: MESSAGES.blockedInputMessaging }]);
    expect(result.assessments).toHaveLength(1);
    const [assessment] = result.assessments!;
    expect(assessment!.wordPolicy?.customWords).toEqual([{ match: 'foo', action: 'BLOCKED', detected: true }]);
    expect(assessment!.appliedGuardrailDetails).toEqual({
      guardrailId,
      guardrailVersion: 'DRAFT',
      guardrailArn,
      guardrailOrigin: ['REQUEST'],
      guardrailOwnership: 'SELF',
    });
    expect(assessment!.invocationMetrics?.guardrailProcessingLatency).toEqual(expect.any(Number));
  });

  it('blocks an output with the blocked outputs message', async () => {
    const { client, guardrailId } = await setup(door);
    const result = await apply(client, { guardrailIdentifier: guardrailId, source: 'OUTPUT', content: [text('the answer is foo')] });
    expect(result.action).toBe('GUARDRAIL_INTERVENED');
    expect(result.outputs).toEqual([{ text: MESSAGES.blockedOutputsMessaging }]);
  });

  it('anonymizes PII: the masked text is the output', async () => {
    const { client, guardrailId } = await setup(door);
    const result = await apply(client, { guardrailIdentifier: guardrailId, source: 'OUTPUT', content: [text('Write to jane.doe@example.com today')] });
    expect(result.action).toBe('GUARDRAIL_INTERVENED');
    expect(result.outputs).toEqual([{ text: 'Write to {EMAIL} today' }]);
    expect(result.assessments![0]!.sensitiveInformationPolicy?.piiEntities).toEqual([{ match: 'jane.doe@example.com', type: 'EMAIL', action: 'ANONYMIZED', detected: true }]);
  });

  it('answers NONE with no outputs when nothing matches', async () => {
    const { client, guardrailId } = await setup(door);
    const result = await apply(client, { guardrailIdentifier: guardrailId, content: [text('What is the capital of France?')] });
    expect(result.action).toBe('NONE');
    expect(result.outputs).toEqual([]);
    expect(result.assessments).toHaveLength(1);
    expect(result.assessments![0]!.wordPolicy).toBeUndefined();
  });

  it('lists filters that detected nothing only with outputScope FULL', async () => {
    const { client, guardrailId } = await setup(door);
    const content = [text('What is the capital of France?')];
    const interventions = await apply(client, { guardrailIdentifier: guardrailId, content, outputScope: 'INTERVENTIONS' });
    expect(interventions.assessments![0]!.contentPolicy?.filters ?? []).toEqual([]);
    const full = await apply(client, { guardrailIdentifier: guardrailId, content, outputScope: 'FULL' });
    expect(full.action).toBe('NONE');
    expect(full.assessments![0]!.contentPolicy?.filters).toEqual([expect.objectContaining({ type: 'HATE', detected: false, action: 'NONE' })]);
  });

  it('reports usage per policy and text coverage, the same at the top and in the assessment', async () => {
    const { client, guardrailId } = await setup(door);
    const long = 'x'.repeat(1500);
    const result = await apply(client, { guardrailIdentifier: guardrailId, content: [text(long)] });
    expect(result.usage).toMatchObject({ wordPolicyUnits: 2, contentPolicyUnits: 2, sensitiveInformationPolicyUnits: 2, topicPolicyUnits: 0, contextualGroundingPolicyUnits: 0 });
    expect(result.guardrailCoverage?.textCharacters).toEqual({ guarded: 1500, total: 1500 });
    expect(result.assessments![0]!.invocationMetrics?.usage).toEqual(result.usage);
    expect(result.assessments![0]!.invocationMetrics?.guardrailCoverage).toEqual(result.guardrailCoverage);
  });

  it('counts image content in the coverage', async () => {
    const { client, guardrailId } = await setup(door);
    const png = encodePng(new Uint8Array(4 * 4 * 3).fill(200), 4, 4);
    const result = await apply(client, { guardrailIdentifier: guardrailId, content: [text('look at this'), { image: { format: 'png', source: { bytes: png } } }] });
    expect(result.guardrailCoverage?.images?.total).toBe(1);
    expect(result.guardrailCoverage?.textCharacters).toEqual({ guarded: 12, total: 12 });
  });

  it('applies a numbered version by ARN, which later DRAFT changes do not affect', async () => {
    const { client, control, guardrailId, guardrailArn } = await setup(door);
    const { version } = await control.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: guardrailId }));
    const result = await apply(client, { guardrailIdentifier: guardrailArn, guardrailVersion: version, content: [text('foo')] });
    expect(result.action).toBe('GUARDRAIL_INTERVENED');
    expect(result.assessments![0]!.appliedGuardrailDetails?.guardrailVersion).toBe('1');
  });

  it('answers an unknown guardrail or version with the service error', async () => {
    const { client, guardrailId } = await setup(door);
    for (const [identifier, version] of [
      ['abcdefabcdef', 'DRAFT'],
      [guardrailId, '7'],
      [`arn:aws:bedrock:us-east-1:999999999999:guardrail/${guardrailId}`, 'DRAFT'],
    ] as const) {
      const error = await rejection(apply(client, { guardrailIdentifier: identifier, guardrailVersion: version, content: [text('hi')] }));
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe('The guardrail identifier or version provided in the request does not exist.');
    }
    const badVersion = await rejection(apply(client, { guardrailIdentifier: guardrailId, guardrailVersion: 'latest', content: [text('hi')] }));
    expect(badVersion.message).toBe(
      "1 validation error detected: Value 'latest' at 'guardrailVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (([1-9][0-9]{0,7})|(DRAFT))",
    );
  });

  it.each([
    ['no source', { source: undefined, content: [text('hi')] }, "Value null at 'source' failed to satisfy constraint: Member must not be null"],
    ['an unknown source', { source: 'BOTH', content: [text('hi')] }, "Value 'BOTH' at 'source' failed to satisfy constraint: Member must satisfy enum value set: [INPUT, OUTPUT]"],
    ['an empty content list', { content: [] }, "at 'content' failed to satisfy constraint: Member must have length greater than or equal to 1"],
    ['an unknown output scope', { outputScope: 'ALL', content: [text('hi')] }, "Value 'ALL' at 'outputScope' failed to satisfy constraint"],
    ['an unknown image format', { content: [{ image: { format: 'gif', source: { bytes: new Uint8Array([1, 2, 3]) } } }] }, "Value 'gif' at 'content.1.member.image.format'"],
    ['an unknown qualifier', { content: [{ text: { text: 'hi', qualifiers: ['context'] } }] }, "Value 'context' at 'content.1.member.text.qualifiers.1.member'"],
  ])('answers ValidationException for %s', async (_case, change, message) => {
    const { client, guardrailId } = await setup(door);
    const error = await rejection(apply(client, { guardrailIdentifier: guardrailId, ...(change as Partial<ApplyGuardrailCommandInput>) }));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain(message);
  });

  it.each([
    ['a block with two members', { source: 'INPUT', content: [{ text: { text: 'hi' }, image: { format: 'png', source: { bytes: 'AAAA' } } }] }],
    ['a block with no member', { source: 'INPUT', content: [{}] }],
    ['image bytes that are not base64', { source: 'INPUT', content: [{ image: { format: 'png', source: { bytes: '***' } } }] }],
    ['a body that is not JSON', '{"source":'],
  ])('answers malformed input for %s', async (_case, body) => {
    const { client, guardrailId } = await setup(door);
    withRawBody(client, typeof body === 'string' ? body : JSON.stringify(body));
    const error = await rejection(apply(client, { guardrailIdentifier: guardrailId, content: [text('replaced')] }));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Malformed input request, please reformat your input and try again.');
  });
});

/** Makes the client send `body` instead of what it serialized: shapes the SDK itself would never produce. */
function withRawBody(client: BedrockRuntimeClient, body: string): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { body: unknown }).body = body;
      return next(args);
    },
    { step: 'build' },
  );
}
