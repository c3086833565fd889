import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BedrockClient,
  CreateGuardrailCommand,
  CreateGuardrailVersionCommand,
  DeleteGuardrailCommand,
  GetGuardrailCommand,
  ListGuardrailsCommand,
  UpdateGuardrailCommand,
  paginateListGuardrails,
  type CreateGuardrailCommandInput,
} from '@aws-sdk/client-bedrock';
import { ApplyGuardrailCommand, BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../src/core/clock.js';
import { startServer } from '../src/front-doors/server.js';
import type { GuardrailDeclaration } from '../src/guardrails/declarations.js';
import { createRuntime } from '../src/index.js';
import { controlClient, FRONT_DOORS, runtimeClient, TEST_CREDENTIALS } from './support/clients.js';

/**
 * The guardrail control plane through the real `BedrockClient`: the DRAFT/version lifecycle, the request →
 * response key mapping of every policy, the service's errors, idempotency, declared and persisted guardrails.
 */

const temporaryFolders: string[] = [];
afterAll(() => {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
});
function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'local-bedrock-guardrails-'));
  temporaryFolders.push(folder);
  return folder;
}

const MESSAGES = { blockedInputMessaging: 'Sorry, I cannot help with that.', blockedOutputsMessaging: 'Sorry, I cannot answer that.' };

function wordsGuardrail(name: string, words: string[], extra: Partial<CreateGuardrailCommandInput> = {}): CreateGuardrailCommandInput {
  return { name, ...MESSAGES, wordPolicyConfig: { wordsConfig: words.map((text) => ({ text })) }, ...extra };
}

/** Every policy type, with every member the request accepts. */
const EVERY_POLICY = {
  name: 'every-policy',
  description: 'All the policies at once',
  ...MESSAGES,
  topicPolicyConfig: {
    topicsConfig: [
      {
        name: 'Investing',
        definition: 'Advice about investing money in stocks or funds.',
        examples: ['Which stocks should I buy?', 'Is this fund a good investment?'],
        type: 'DENY' as const,
        inputAction: 'BLOCK' as const,
        outputAction: 'NONE' as const,
        inputEnabled: true,
        outputEnabled: false,
      },
    ],
    tierConfig: { tierName: 'CLASSIC' as const },
  },
  contentPolicyConfig: {
    filtersConfig: [
      { type: 'HATE' as const, inputStrength: 'HIGH' as const, outputStrength: 'MEDIUM' as const, inputModalities: ['TEXT' as const, 'IMAGE' as const], outputModalities: ['TEXT' as const] },
      { type: 'PROMPT_ATTACK' as const, inputStrength: 'HIGH' as const, outputStrength: 'NONE' as const, inputAction: 'BLOCK' as const },
    ],
    tierConfig: { tierName: 'STANDARD' as const },
  },
  wordPolicyConfig: {
    wordsConfig: [{ text: 'foo bar', inputAction: 'BLOCK' as const, outputAction: 'NONE' as const }],
    managedWordListsConfig: [{ type: 'PROFANITY' as const }],
  },
  sensitiveInformationPolicyConfig: {
    piiEntitiesConfig: [{ type: 'EMAIL' as const, action: 'ANONYMIZE' as const, outputEnabled: false }],
    regexesConfig: [{ name: 'account', description: 'Account numbers', pattern: 'ACC-\\d{6}', action: 'BLOCK' as const }],
  },
  contextualGroundingPolicyConfig: {
    filtersConfig: [
      { type: 'GROUNDING' as const, threshold: 0.7 },
      { type: 'RELEVANCE' as const, threshold: 0.5, action: 'NONE' as const, enabled: true },
    ],
  },
} satisfies CreateGuardrailCommandInput;

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!error) throw new Error('expected the call to fail');
  return error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
}

describe.each(FRONT_DOORS)('guardrail control plane (%s)', (door) => {
  it('runs the DRAFT and version lifecycle: create, get, update, version, list, delete', async () => {
    const clock = createManualClock('2025-03-01T10:00:00Z');
    const { client } = controlClient(door, { clock, accountId: '111122223333' });

    const created = await client.send(new CreateGuardrailCommand(wordsGuardrail('lifecycle', ['alpha'])));
    expect(created.$metadata.httpStatusCode).toBe(202);
    expect(created.guardrailId).toMatch(/^[a-z0-9]{12}$/);
    expect(created.guardrailArn).toBe(`arn:aws:bedrock:us-east-1:111122223333:guardrail/${created.guardrailId}`);
    expect(created.version).toBe('DRAFT');
    expect(created.createdAt).toEqual(new Date('2025-03-01T10:00:00Z'));
    const id = created.guardrailId!;

    const draft = await client.send(new GetGuardrailCommand({ guardrailIdentifier: id }));
    expect(draft).toMatchObject({ name: 'lifecycle', version: 'DRAFT', status: 'READY', guardrailArn: created.guardrailArn, wordPolicy: { words: [{ text: 'alpha' }] }, ...MESSAGES });
    expect(draft.updatedAt).toEqual(new Date('2025-03-01T10:00:00Z'));

    clock.advance(60_000);
    const updated = await client.send(new UpdateGuardrailCommand({ guardrailIdentifier: id, ...wordsGuardrail('lifecycle', ['beta']) }));
    expect(updated.$metadata.httpStatusCode).toBe(202);
    expect(updated).toMatchObject({ guardrailId: id, guardrailArn: created.guardrailArn, version: 'DRAFT', updatedAt: new Date('2025-03-01T10:01:00Z') });

    const first = await client.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: id, description: 'first' }));
    expect(first.$metadata.httpStatusCode).toBe(202);
    expect(first).toMatchObject({ guardrailId: id, version: '1' });

    await client.send(new UpdateGuardrailCommand({ guardrailIdentifier: id, ...wordsGuardrail('lifecycle', ['gamma']) }));
    const second = await client.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: id }));
    expect(second.version).toBe('2');
    // Replacing the DRAFT in full: a later update without the words policy drops it.
    await client.send(new UpdateGuardrailCommand({ guardrailIdentifier: id, name: 'lifecycle', ...MESSAGES, contentPolicyConfig: { filtersConfig: [{ type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' }] } }));

    const versionOne = await client.send(new GetGuardrailCommand({ guardrailIdentifier: id, guardrailVersion: '1' }));
    expect(versionOne).toMatchObject({ version: '1', description: 'first', wordPolicy: { words: [{ text: 'beta' }] } });
    const versionTwo = await client.send(new GetGuardrailCommand({ guardrailIdentifier: created.guardrailArn!, guardrailVersion: '2' }));
    expect(versionTwo.wordPolicy).toEqual({ words: [{ text: 'gamma' }] });
    const latestDraft = await client.send(new GetGuardrailCommand({ guardrailIdentifier: id, guardrailVersion: 'DRAFT' }));
    expect(latestDraft.wordPolicy).toBeUndefined();
    expect(latestDraft.contentPolicy?.filters).toEqual([{ type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' }]);

    const other = await client.send(new CreateGuardrailCommand(wordsGuardrail('another', ['delta'])));
    const all = await client.send(new ListGuardrailsCommand({}));
    expect(all.guardrails!.map((summary) => [summary.id, summary.version, summary.name])).toEqual([
      [id, 'DRAFT', 'lifecycle'],
      [other.guardrailId, 'DRAFT', 'another'],
    ]);
    expect(all.guardrails![0]).toMatchObject({ arn: created.guardrailArn, status: 'READY', createdAt: new Date('2025-03-01T10:00:00Z') });
    expect(all.nextToken).toBeUndefined();

    const versions = await client.send(new ListGuardrailsCommand({ guardrailIdentifier: id }));
    expect(versions.guardrails!.map((summary) => summary.version)).toEqual(['DRAFT', '1', '2']);

    const paged: string[] = [];
    let pages = 0;
    for await (const page of paginateListGuardrails({ client, pageSize: 1 }, { guardrailIdentifier: id })) {
      pages += 1;
      paged.push(...page.guardrails!.map((summary) => summary.version!));
    }
    expect(pages).toBe(3);
    expect(paged).toEqual(['DRAFT', '1', '2']);

    const deleted = await client.send(new DeleteGuardrailCommand({ guardrailIdentifier: id, guardrailVersion: '1' }));
    expect(deleted.$metadata.httpStatusCode).toBe(202);
    const gone = await rejection(client.send(new GetGuardrailCommand({ guardrailIdentifier: id, guardrailVersion: '1' })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(gone.$metadata.httpStatusCode).toBe(404);
    expect((await client.send(new ListGuardrailsCommand({ guardrailIdentifier: id }))).guardrails!.map((summary) => summary.version)).toEqual(['DRAFT', '2']);
    // Numbers are never reused.
    expect((await client.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: id }))).version).toBe('3');

    await client.send(new DeleteGuardrailCommand({ guardrailIdentifier: id }));
    for (const version of [undefined, '2']) {
      const missing = await rejection(client.send(new GetGuardrailCommand({ guardrailIdentifier: id, guardrailVersion: version })));
      expect(missing.name).toBe('ResourceNotFoundException');
    }
    expect((await rejection(client.send(new DeleteGuardrailCommand({ guardrailIdentifier: id })))).name).toBe('ResourceNotFoundException');
    expect((await client.send(new ListGuardrailsCommand({}))).guardrails!.map((summary) => summary.id)).toEqual([other.guardrailId]);
  });

  it('answers GetGuardrail with the response keys of every policy (topicPolicy.topics, tier, …)', async () => {
    const { client } = controlClient(door);
    const { guardrailId } = await client.send(new CreateGuardrailCommand({ ...EVERY_POLICY, kmsKeyId: 'key-1234', crossRegionConfig: { guardrailProfileIdentifier: 'us.guardrail.v1:0' } }));
    const guardrail = await client.send(new GetGuardrailCommand({ guardrailIdentifier: guardrailId }));
    const config = EVERY_POLICY;
    expect(guardrail.topicPolicy).toEqual({ topics: config.topicPolicyConfig.topicsConfig, tier: { tierName: 'CLASSIC' } });
    expect(guardrail.contentPolicy).toEqual({ filters: config.contentPolicyConfig.filtersConfig, tier: { tierName: 'STANDARD' } });
    expect(guardrail.wordPolicy).toEqual({ words: config.wordPolicyConfig.wordsConfig, managedWordLists: config.wordPolicyConfig.managedWordListsConfig });
    expect(guardrail.sensitiveInformationPolicy).toEqual({
      piiEntities: config.sensitiveInformationPolicyConfig.piiEntitiesConfig,
      regexes: config.sensitiveInformationPolicyConfig.regexesConfig,
    });
    expect(guardrail.contextualGroundingPolicy).toEqual({ filters: config.contextualGroundingPolicyConfig.filtersConfig });
    expect(guardrail.crossRegionDetails).toEqual({
      guardrailProfileId: 'us.guardrail.v1:0',
      guardrailProfileArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail-profile/us.guardrail.v1:0',
    });
    expect(guardrail.kmsKeyArn).toBe('arn:aws:kms:us-east-1:123456789012:key/key-1234');
    expect(guardrail.description).toBe('All the policies at once');
    const raw = guardrail as unknown as Record<string, unknown>;
    for (const requestKey of ['topicPolicyConfig', 'contentPolicyConfig', 'wordPolicyConfig', 'sensitiveInformationPolicyConfig', 'contextualGroundingPolicyConfig']) {
      expect(raw[requestKey]).toBeUndefined();
    }
  });

  it('refuses a second guardrail with the same name with ConflictException, on create and on update', async () => {
    const { client } = controlClient(door);
    await client.send(new CreateGuardrailCommand(wordsGuardrail('taken', ['x'])));
    const duplicate = await rejection(client.send(new CreateGuardrailCommand(wordsGuardrail('taken', ['y']))));
    expect(duplicate.name).toBe('ConflictException');
    expect(duplicate.message).toContain('taken');
    const { guardrailId } = await client.send(new CreateGuardrailCommand(wordsGuardrail('free', ['y'])));
    const renamed = await rejection(client.send(new UpdateGuardrailCommand({ guardrailIdentifier: guardrailId, ...wordsGuardrail('taken', ['y']) })));
    expect(renamed.name).toBe('ConflictException');
    // Keeping its own name is no conflict.
    await client.send(new UpdateGuardrailCommand({ guardrailIdentifier: guardrailId, ...wordsGuardrail('free', ['z']) }));
  });

  it('is idempotent per clientRequestToken for CreateGuardrail and CreateGuardrailVersion', async () => {
    const { client } = controlClient(door);
    const input = wordsGuardrail('idempotent', ['x'], { clientRequestToken: 'token-1' });
    const first = await client.send(new CreateGuardrailCommand(input));
    const again = await client.send(new CreateGuardrailCommand(input));
    expect(again.guardrailId).toBe(first.guardrailId);
    expect(again.guardrailArn).toBe(first.guardrailArn);
    expect((await client.send(new ListGuardrailsCommand({}))).guardrails).toHaveLength(1);

    const version = await client.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: first.guardrailId, clientRequestToken: 'version-token' }));
    const repeated = await client.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: first.guardrailId, clientRequestToken: 'version-token' }));
    expect(repeated.version).toBe(version.version);
    // The SDK fills in a fresh token when none is given: each call is a new version.
    const fresh = await client.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: first.guardrailId }));
    expect(fresh.version).toBe('2');
    expect((await client.send(new ListGuardrailsCommand({ guardrailIdentifier: first.guardrailId }))).guardrails!.map((summary) => summary.version)).toEqual(['DRAFT', '1', '2']);
  });

  it("puts the caller's region in the ARNs and accepts the ARN as identifier", async () => {
    const { client } = controlClient(door, {}, { region: 'eu-west-3' });
    const { guardrailArn, guardrailId } = await client.send(new CreateGuardrailCommand(wordsGuardrail('regional', ['x'])));
    expect(guardrailArn).toBe(`arn:aws:bedrock:eu-west-3:123456789012:guardrail/${guardrailId}`);
    const byArn = await client.send(new GetGuardrailCommand({ guardrailIdentifier: guardrailArn }));
    expect(byArn.guardrailId).toBe(guardrailId);
    const list = await client.send(new ListGuardrailsCommand({ guardrailIdentifier: guardrailArn }));
    expect(list.guardrails![0]!.arn).toBe(guardrailArn);
  });

  it('refuses to delete the DRAFT alone, an invalid page token and a malformed identifier', async () => {
    const { client } = controlClient(door);
    const { guardrailId } = await client.send(new CreateGuardrailCommand(wordsGuardrail('keep', ['x'])));
    const draft = await rejection(client.send(new DeleteGuardrailCommand({ guardrailIdentifier: guardrailId, guardrailVersion: 'DRAFT' })));
    expect(draft.name).toBe('ValidationException');
    expect(draft.message).toBe(
      "1 validation error detected: Value 'DRAFT' at 'guardrailVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-9][0-9]{0,7}",
    );
    expect((await client.send(new GetGuardrailCommand({ guardrailIdentifier: guardrailId }))).name).toBe('keep');

    const token = await rejection(client.send(new ListGuardrailsCommand({ nextToken: 'not-a-token' })));
    expect(token.name).toBe('ValidationException');
    const maxResults = await rejection(client.send(new ListGuardrailsCommand({ maxResults: 0 })));
    expect(maxResults.message).toContain("at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
    const identifier = await rejection(client.send(new GetGuardrailCommand({ guardrailIdentifier: 'Not_An_Id' })));
    expect(identifier.name).toBe('ValidationException');
    expect(identifier.message).toContain("Value 'Not_An_Id' at 'guardrailIdentifier' failed to satisfy constraint");
    const unknownVersion = await rejection(client.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: 'abcdefabcdef' })));
    expect(unknownVersion.name).toBe('ResourceNotFoundException');
  });

  const INVALID: [string, Partial<CreateGuardrailCommandInput> | Record<string, unknown>, string][] = [
    ['a name with spaces', { name: 'has spaces' }, "Value 'has spaces' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_]+"],
    ['a name over 50 characters', { name: 'n'.repeat(51) }, "at 'name' failed to satisfy constraint: Member must have length less than or equal to 50"],
    ['a description over 200 characters', { description: 'd'.repeat(201) }, "at 'description' failed to satisfy constraint: Member must have length less than or equal to 200"],
    ['no blocked input message', { blockedInputMessaging: undefined }, "Value null at 'blockedInputMessaging' failed to satisfy constraint: Member must not be null"],
    ['a blocked output message over 500 characters', { blockedOutputsMessaging: 'm'.repeat(501) }, "at 'blockedOutputsMessaging' failed to satisfy constraint: Member must have length less than or equal to 500"],
    ['no policy at all', { wordPolicyConfig: undefined }, 'At least one policy must be configured'],
    [
      'a topic name with a forbidden character',
      { wordPolicyConfig: undefined, topicPolicyConfig: { topicsConfig: [{ name: 'Bad/Topic', definition: 'd', type: 'DENY' }] } },
      "Value 'Bad/Topic' at 'topicPolicyConfig.topicsConfig.1.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern",
    ],
    [
      'a topic definition over 200 characters',
      { wordPolicyConfig: undefined, topicPolicyConfig: { topicsConfig: [{ name: 'Topic', definition: 'd'.repeat(201), type: 'DENY' }] } },
      "at 'topicPolicyConfig.topicsConfig.1.member.definition' failed to satisfy constraint: Member must have length less than or equal to 200",
    ],
    [
      'a topic example over 100 characters',
      { wordPolicyConfig: undefined, topicPolicyConfig: { topicsConfig: [{ name: 'Topic', definition: 'd', examples: ['e'.repeat(101)], type: 'DENY' }] } },
      "at 'topicPolicyConfig.topicsConfig.1.member.examples.1.member' failed to satisfy constraint: Member must have length less than or equal to 100",
    ],
    [
      'an unknown topic type',
      { wordPolicyConfig: undefined, topicPolicyConfig: { topicsConfig: [{ name: 'Topic', definition: 'd', type: 'ALLOW' }] } },
      "Value 'ALLOW' at 'topicPolicyConfig.topicsConfig.1.member.type' failed to satisfy constraint: Member must satisfy enum value set: [DENY]",
    ],
    [
      'the same content filter type twice',
      { contentPolicyConfig: { filtersConfig: [{ type: 'HATE', inputStrength: 'LOW', outputStrength: 'LOW' }, { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' }] } },
      'Duplicate content filter type HATE',
    ],
    [
      'PROMPT_ATTACK with an output strength',
      { contentPolicyConfig: { filtersConfig: [{ type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'HIGH' }] } },
      'PROMPT_ATTACK content filter strength for response not supported',
    ],
    [
      'an unknown filter strength',
      { contentPolicyConfig: { filtersConfig: [{ type: 'HATE', inputStrength: 'EXTREME', outputStrength: 'LOW' }] } },
      "Value 'EXTREME' at 'contentPolicyConfig.filtersConfig.1.member.inputStrength' failed to satisfy constraint: Member must satisfy enum value set: [NONE, LOW, MEDIUM, HIGH]",
    ],
    ['a word over 100 characters', { wordPolicyConfig: { wordsConfig: [{ text: 'w'.repeat(101) }] } }, "at 'wordPolicyConfig.wordsConfig.1.member.text' failed to satisfy constraint: Member must have length less than or equal to 100"],
    [
      'an unknown PII entity type',
      { sensitiveInformationPolicyConfig: { piiEntitiesConfig: [{ type: 'SHOE_SIZE', action: 'BLOCK' }] } },
      "Value 'SHOE_SIZE' at 'sensitiveInformationPolicyConfig.piiEntitiesConfig.1.member.type' failed to satisfy constraint: Member must satisfy enum value set: [ADDRESS,",
    ],
    [
      'a regex that does not compile',
      { sensitiveInformationPolicyConfig: { regexesConfig: [{ name: 'broken', pattern: '([a-z', action: 'BLOCK' }] } },
      'The regex pattern ([a-z for broken is not valid.',
    ],
    [
      'a grounding threshold of 1',
      { contextualGroundingPolicyConfig: { filtersConfig: [{ type: 'GROUNDING', threshold: 1 }] } },
      "Value '1' at 'contextualGroundingPolicyConfig.filtersConfig.1.member.threshold' failed to satisfy constraint: Member must have value less than or equal to 0.99",
    ],
    [
      'a negative grounding threshold',
      { contextualGroundingPolicyConfig: { filtersConfig: [{ type: 'RELEVANCE', threshold: -0.1 }] } },
      "at 'contextualGroundingPolicyConfig.filtersConfig.1.member.threshold' failed to satisfy constraint: Member must have value greater than or equal to 0",
    ],
  ];

  it.each(INVALID)('answers ValidationException for %s', async (_case, change, message) => {
    const { client } = controlClient(door);
    const input = { ...wordsGuardrail('invalid', ['x']), ...change } as CreateGuardrailCommandInput;
    const error = await rejection(client.send(new CreateGuardrailCommand(input)));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain(message);
    // The same checks guard UpdateGuardrail.
    const { guardrailId } = await client.send(new CreateGuardrailCommand(wordsGuardrail('valid', ['x'])));
    const update = await rejection(client.send(new UpdateGuardrailCommand({ guardrailIdentifier: guardrailId, ...input })));
    expect(update.message).toContain(message);
    expect((await client.send(new ListGuardrailsCommand({}))).guardrails!.map((summary) => summary.name)).toEqual(['valid']);
  });

  it('lists every violation of the API model in one message', async () => {
    const { client } = controlClient(door);
    const error = await rejection(client.send(new CreateGuardrailCommand({ ...wordsGuardrail('two errors', ['x']), description: 'd'.repeat(201) })));
    expect(error.message).toMatch(/^2 validation errors detected: Value 'two errors' at 'name' .*; Value '.*' at 'description' /);
  });

  it('shares one runtime between BedrockClient and BedrockRuntimeClient: created here, applied there', async () => {
    const runtime = createRuntime({ env: {} });
    const { client: control } = controlClient(door, runtime);
    const { client } = runtimeClient(door, runtime);
    const { guardrailId } = await control.send(new CreateGuardrailCommand(wordsGuardrail('shared', ['forbidden'])));
    const { version } = await control.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: guardrailId }));
    await control.send(new UpdateGuardrailCommand({ guardrailIdentifier: guardrailId, ...wordsGuardrail('shared', ['other']) }));
    const content = [{ text: { text: 'this is forbidden text' } }];
    const onVersion = await client.send(new ApplyGuardrailCommand({ guardrailIdentifier: guardrailId, guardrailVersion: version, source: 'INPUT', content }));
    expect(onVersion.action).toBe('GUARDRAIL_INTERVENED');
    expect(onVersion.outputs).toEqual([{ text: MESSAGES.blockedInputMessaging }]);
    const onDraft = await client.send(new ApplyGuardrailCommand({ guardrailIdentifier: guardrailId, guardrailVersion: 'DRAFT', source: 'INPUT', content }));
    expect(onDraft.action).toBe('NONE');
  });
});

describe('declared guardrails', () => {
  const declared: GuardrailDeclaration[] = [
    {
      guardrailId: 'declared0001',
      name: 'declared',
      description: 'from code',
      ...MESSAGES,
      wordPolicyConfig: { wordsConfig: [{ text: 'draft-word' }] },
      versions: [{ ...MESSAGES, wordPolicyConfig: { wordsConfig: [{ text: 'first-word' }] } }, { ...MESSAGES, wordPolicyConfig: { wordsConfig: [{ text: 'second-word' }] } }],
    },
    { name: 'counted', ...MESSAGES, sensitiveInformationPolicyConfig: { piiEntitiesConfig: [{ type: 'EMAIL', action: 'ANONYMIZE' }] }, versions: 2 },
  ];

  it.each(FRONT_DOORS)('exist from the start with their fixed id and versions (%s)', async (door) => {
    const { client } = controlClient(door, { guardrails: declared });
    const draft = await client.send(new GetGuardrailCommand({ guardrailIdentifier: 'declared0001' }));
    expect(draft).toMatchObject({ name: 'declared', description: 'from code', wordPolicy: { words: [{ text: 'draft-word' }] } });
    const first = await client.send(new GetGuardrailCommand({ guardrailIdentifier: 'declared0001', guardrailVersion: '1' }));
    expect(first.wordPolicy).toEqual({ words: [{ text: 'first-word' }] });
    const second = await client.send(new GetGuardrailCommand({ guardrailIdentifier: 'declared0001', guardrailVersion: '2' }));
    expect(second.wordPolicy).toEqual({ words: [{ text: 'second-word' }] });
    const all = await client.send(new ListGuardrailsCommand({}));
    const counted = all.guardrails!.find((summary) => summary.name === 'counted')!;
    const versions = await client.send(new ListGuardrailsCommand({ guardrailIdentifier: counted.id }));
    expect(versions.guardrails!.map((summary) => summary.version)).toEqual(['DRAFT', '1', '2']);
  });

  it('load from a JSON file', async () => {
    const file = join(temporaryFolder(), 'declarations.json');
    writeFileSync(file, JSON.stringify(declared));
    const { client } = controlClient('middleware', { guardrails: file });
    const { guardrails } = await client.send(new ListGuardrailsCommand({}));
    expect(guardrails!.map((summary) => summary.name)).toEqual(['declared', 'counted']);
  });

  it('fail at startup with the guardrail name and the service message when invalid', () => {
    expect(() => createRuntime({ env: {}, guardrails: [{ name: 'bad name', ...MESSAGES, wordPolicyConfig: { wordsConfig: [{ text: 'x' }] } }] })).toThrow(
      /The declared guardrail "bad name" is invalid: 1 validation error detected: Value 'bad name' at 'name'/,
    );
    const file = join(temporaryFolder(), 'not-an-array.json');
    writeFileSync(file, '{"name":"x"}');
    expect(() => createRuntime({ env: {}, guardrails: file })).toThrow(/must hold a JSON array/);
  });
});

describe('guardrail persistence', () => {
  it('keeps guardrails and versions in a file across runtimes', async () => {
    const file = join(temporaryFolder(), 'store', 'guardrails.json');
    const clock = createManualClock('2025-05-05T05:05:05Z');
    const { client: before } = controlClient('middleware', { guardrailStore: file, clock });
    const { guardrailId, guardrailArn } = await before.send(new CreateGuardrailCommand({ ...EVERY_POLICY, clientRequestToken: 'persisted-token' }));
    await before.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: guardrailId }));
    await before.send(new UpdateGuardrailCommand({ guardrailIdentifier: guardrailId, ...wordsGuardrail('every-policy', ['later']) }));
    expect(existsSync(file)).toBe(true);
    expect(readdirTemporary(file)).toEqual([]);

    const { client: after } = controlClient('requestHandler', { guardrailStore: file });
    const versionOne = await after.send(new GetGuardrailCommand({ guardrailIdentifier: guardrailArn, guardrailVersion: '1' }));
    expect(versionOne.topicPolicy?.topics?.[0]?.name).toBe('Investing');
    expect(versionOne.createdAt).toEqual(new Date('2025-05-05T05:05:05Z'));
    const draft = await after.send(new GetGuardrailCommand({ guardrailIdentifier: guardrailId }));
    expect(draft.wordPolicy).toEqual({ words: [{ text: 'later' }] });
    // Tokens survive too: the same create is recognised after the restart.
    const repeated = await after.send(new CreateGuardrailCommand({ ...EVERY_POLICY, clientRequestToken: 'persisted-token' }));
    expect(repeated.guardrailId).toBe(guardrailId);
    await after.send(new DeleteGuardrailCommand({ guardrailIdentifier: guardrailId }));
    const { client: third } = controlClient('middleware', { guardrailStore: file });
    expect((await third.send(new ListGuardrailsCommand({}))).guardrails).toEqual([]);
  });

  it('refuses to start on a corrupt file and leaves it untouched', () => {
    const file = join(temporaryFolder(), 'corrupt.json');
    writeFileSync(file, '{"format":"local-bedrock.guardrails","formatVersion":1,"state":{"guardr');
    expect(() => createRuntime({ env: {}, guardrailStore: file })).toThrow(/guardrail store .*corrupt\.json is not valid JSON/);
    writeFileSync(file, '{"something":"else"}');
    expect(() => createRuntime({ env: {}, guardrailStore: file })).toThrow(/is not a local-bedrock guardrail store/);
    expect(readFileSync(file, 'utf8')).toBe('{"something":"else"}');
  });
});

describe('guardrails through the server door', () => {
  it('creates with BedrockClient and applies with BedrockRuntimeClient over loopback', async () => {
    const server = await startServer({ port: 0, env: {} });
    try {
      const config = { endpoint: server.url, region: 'us-west-2', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
      const control = new BedrockClient(config);
      const created = await control.send(new CreateGuardrailCommand(wordsGuardrail('served', ['blocked-term'])));
      expect(created.$metadata.httpStatusCode).toBe(202);
      expect(created.guardrailArn).toBe(`arn:aws:bedrock:us-west-2:123456789012:guardrail/${created.guardrailId}`);
      const fetched = await control.send(new GetGuardrailCommand({ guardrailIdentifier: created.guardrailId }));
      expect(fetched.wordPolicy).toEqual({ words: [{ text: 'blocked-term' }] });
      const applied = await new BedrockRuntimeClient(config).send(
        new ApplyGuardrailCommand({ guardrailIdentifier: created.guardrailArn, guardrailVersion: 'DRAFT', source: 'OUTPUT', content: [{ text: { text: 'a blocked-term here' } }] }),
      );
      expect(applied.action).toBe('GUARDRAIL_INTERVENED');
      expect(applied.outputs).toEqual([{ text: MESSAGES.blockedOutputsMessaging }]);
    } finally {
      await server.close();
    }
  });
});

/** Temporary files the atomic writes left next to the store (there should be none). */
function readdirTemporary(file: string): string[] {
  return readdirSync(join(file, '..')).filter((name) => name.endsWith('.tmp'));
}
