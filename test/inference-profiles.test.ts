import {
  CreateInferenceProfileCommand,
  DeleteInferenceProfileCommand,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
  paginateListInferenceProfiles,
} from '@aws-sdk/client-bedrock';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../src/index.js';
import { controlClient, FRONT_DOORS, runtimeClient, userText } from './support/clients.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

describe.each(FRONT_DOORS)('inference profiles through BedrockClient (%s)', (door) => {
  it('lists the system profiles of the caller geography and global ones, paginated', async () => {
    const { client } = controlClient(door);
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListInferenceProfiles({ client, pageSize: 7 }, {})) {
      pages += 1;
      expect(page.inferenceProfileSummaries!.length).toBeLessThanOrEqual(7);
      ids.push(...page.inferenceProfileSummaries!.map((profile) => profile.inferenceProfileId!));
    }
    expect(pages).toBeGreaterThan(2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(`us.${HAIKU}`);
    expect(ids).toContain('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(ids.some((id) => id.startsWith('eu.'))).toBe(false);
  });

  it('shows a European caller the eu. profiles, with its own region and account in the ARN', async () => {
    const { client } = controlClient(door, { accountId: '111122223333' }, { region: 'eu-west-3' });
    const profile = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: `eu.${HAIKU}` }));
    expect(profile).toMatchObject({
      inferenceProfileId: `eu.${HAIKU}`,
      inferenceProfileArn: `arn:aws:bedrock:eu-west-3:111122223333:inference-profile/eu.${HAIKU}`,
      inferenceProfileName: 'EU Anthropic Claude 3 Haiku',
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
    });
    expect(profile.createdAt).toBeInstanceOf(Date);
    expect(profile.models!.map((model) => model.modelArn)).toContain(`arn:aws:bedrock:eu-west-1::foundation-model/${HAIKU}`);
    const byArn = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: profile.inferenceProfileArn! }));
    expect(byArn.inferenceProfileId).toBe(profile.inferenceProfileId);
  });

  it('lists global destinations with an empty region, as the service does', async () => {
    const { client } = controlClient(door);
    const profile = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'global.amazon.nova-2-lite-v1:0' }));
    expect(profile.models).toEqual([{ modelArn: 'arn:aws:bedrock:::foundation-model/amazon.nova-2-lite-v1:0' }]);
  });

  it('answers an unknown profile with ResourceNotFoundException', async () => {
    const { client } = controlClient(door);
    const error = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: `eu.${HAIKU}` })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('creates an application profile that the runtime accepts as modelId until it is deleted', async () => {
    const runtime = createRuntime({ env: {}, responses: [{ text: 'Answered through the profile.' }] });
    const control = controlClient(door, runtime).client;
    const chat = runtimeClient(door, runtime).client;

    const created = await control.send(
      new CreateInferenceProfileCommand({
        inferenceProfileName: 'team-a-haiku',
        description: 'Cost tracking for team A',
        modelSource: { copyFrom: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}` },
        tags: [{ key: 'team', value: 'a' }],
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.status).toBe('ACTIVE');
    expect(created.inferenceProfileArn).toMatch(/^arn:aws:bedrock:us-east-1:123456789012:application-inference-profile\/[a-z0-9]{12}$/);

    const listed = await control.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' }));
    expect(listed.inferenceProfileSummaries).toEqual([
      expect.objectContaining({
        inferenceProfileName: 'team-a-haiku',
        description: 'Cost tracking for team A',
        type: 'APPLICATION',
        models: [{ modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}` }],
      }),
    ]);

    const answer = await chat.send(new ConverseCommand({ modelId: created.inferenceProfileArn!, messages: [userText('Hi')] }));
    expect(answer.output?.message?.content?.[0]?.text).toBe('Answered through the profile.');

    await control.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: created.inferenceProfileArn! }));
    const afterDelete = await chat.send(new ConverseCommand({ modelId: created.inferenceProfileArn!, messages: [userText('Hi')] })).catch((caught: unknown) => caught);
    expect(afterDelete).toMatchObject({ name: 'ValidationException', message: 'The provided model identifier is invalid.' });
  });

  it('copies every destination of a system profile, and refuses a duplicate name', async () => {
    const { client } = controlClient(door);
    const source = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: `us.${HAIKU}` }));
    const created = await client.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'copy', modelSource: { copyFrom: source.inferenceProfileArn! } }));
    const copy = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: created.inferenceProfileArn! }));
    expect(copy.models).toEqual(source.models);
    const duplicate = await client.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'copy', modelSource: { copyFrom: source.inferenceProfileArn! } })).catch((caught: unknown) => caught);
    expect(duplicate).toMatchObject({ name: 'ConflictException' });
  });

  it('returns the same profile for a repeated clientRequestToken', async () => {
    const { client } = controlClient(door);
    const input = { inferenceProfileName: 'once', clientRequestToken: 'token-1', modelSource: { copyFrom: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}` } };
    const first = await client.send(new CreateInferenceProfileCommand(input));
    const second = await client.send(new CreateInferenceProfileCommand(input));
    expect(second.inferenceProfileArn).toBe(first.inferenceProfileArn);
  });

  it('refuses invalid input and deleting a system profile with ValidationException', async () => {
    const { client } = controlClient(door);
    const badName = await client
      .send(new CreateInferenceProfileCommand({ inferenceProfileName: 'bad/name', modelSource: { copyFrom: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}` } }))
      .catch((caught: unknown) => caught);
    expect(badName).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("at 'inferenceProfileName' failed to satisfy constraint") });
    const badSource = await client.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'x', modelSource: { copyFrom: HAIKU } })).catch((caught: unknown) => caught);
    expect(badSource).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("at 'modelSource.copyFrom'") });
    const unknownModel = await client
      .send(new CreateInferenceProfileCommand({ inferenceProfileName: 'y', modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/acme.nothing-v1:0' } }))
      .catch((caught: unknown) => caught);
    expect(unknownModel).toMatchObject({ name: 'ResourceNotFoundException' });
    const system = await client.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: `us.${HAIKU}` })).catch((caught: unknown) => caught);
    expect(system).toMatchObject({ name: 'ValidationException' });
    const missing = await client.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: 'abcdefghij12' })).catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
