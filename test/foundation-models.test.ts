import { GetFoundationModelCommand, ListFoundationModelsCommand, type ListFoundationModelsCommandInput } from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import { FOUNDATION_MODELS } from '../src/models/foundation-models.js';
import { controlClient, FRONT_DOORS } from './support/clients.js';

describe.each(FRONT_DOORS)('foundation-model catalog through BedrockClient (%s)', (door) => {
  it('lists every curated model with the summary members the SDK reads', async () => {
    const { client } = controlClient(door);
    const { modelSummaries } = await client.send(new ListFoundationModelsCommand({}));
    expect(modelSummaries).toHaveLength(FOUNDATION_MODELS.length);
    const haiku = modelSummaries!.find((model) => model.modelId === 'anthropic.claude-3-haiku-20240307-v1:0');
    expect(haiku).toEqual({
      modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      modelName: 'Claude 3 Haiku',
      providerName: 'Anthropic',
      inputModalities: ['TEXT', 'IMAGE'],
      outputModalities: ['TEXT'],
      responseStreamingSupported: true,
      customizationsSupported: [],
      inferenceTypesSupported: ['ON_DEMAND'],
      modelLifecycle: { status: 'ACTIVE' },
    });
  });

  it('applies every filter, the provider case-insensitively', async () => {
    const { client } = controlClient(door);
    const list = async (input: ListFoundationModelsCommandInput) =>
      (await client.send(new ListFoundationModelsCommand(input))).modelSummaries!.map((model) => model.modelId!);

    const meta = await list({ byProvider: 'meta' });
    expect(meta.length).toBeGreaterThan(3);
    expect(meta.every((id) => id.startsWith('meta.'))).toBe(true);

    const embeddings = await list({ byOutputModality: 'EMBEDDING' });
    expect(embeddings).toContain('amazon.titan-embed-text-v2:0');
    expect(embeddings).toContain('cohere.embed-v4:0');
    expect(embeddings).not.toContain('anthropic.claude-3-haiku-20240307-v1:0');

    const onDemand = await list({ byInferenceType: 'ON_DEMAND' });
    expect(onDemand).toContain('anthropic.claude-3-haiku-20240307-v1:0');
    expect(onDemand).not.toContain('anthropic.claude-sonnet-4-20250514-v1:0'); // profile-only

    const fineTunable = await list({ byCustomizationType: 'FINE_TUNING', byProvider: 'Amazon' });
    expect(fineTunable).toContain('amazon.nova-micro-v1:0');
    expect(fineTunable).not.toContain('amazon.nova-premier-v1:0');
  });

  it('refuses a filter outside its enum with the constraint message', async () => {
    const { client } = controlClient(door);
    const error = await client.send(new ListFoundationModelsCommand({ byOutputModality: 'AUDIO' as never })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'AUDIO' at 'byOutputModality' failed to satisfy constraint: Member must satisfy enum value set: [TEXT, IMAGE, EMBEDDING]",
    });
  });

  it('gets one model by id or by ARN, with the caller region in the ARN', async () => {
    const { client } = controlClient(door, {}, { region: 'eu-west-1' });
    const byId = await client.send(new GetFoundationModelCommand({ modelIdentifier: 'amazon.nova-pro-v1:0' }));
    expect(byId.modelDetails).toMatchObject({
      modelArn: 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0',
      modelName: 'Nova Pro',
      inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    });
    const byArn = await client.send(new GetFoundationModelCommand({ modelIdentifier: byId.modelDetails!.modelArn! }));
    expect(byArn.modelDetails).toEqual(byId.modelDetails);
  });

  it('answers an unknown model with ResourceNotFoundException', async () => {
    const { client } = controlClient(door);
    const error = await client.send(new GetFoundationModelCommand({ modelIdentifier: 'acme.unknown-v1:0' })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: 'Could not resolve the foundation model from the provided model identifier.' });
  });

  it('lists lines users add or override', async () => {
    const { client } = controlClient(door, {
      foundationModels: [
        { ...FOUNDATION_MODELS[0]!, lifecycleStatus: 'LEGACY' },
        { modelId: 'acme.house-model-v1:0', modelName: 'House Model', providerName: 'Acme', inputModalities: ['TEXT'], outputModalities: ['TEXT'], responseStreamingSupported: true, inferenceTypesSupported: ['ON_DEMAND'] },
      ],
    });
    const { modelSummaries } = await client.send(new ListFoundationModelsCommand({ byProvider: 'Acme' }));
    expect(modelSummaries!.map((model) => model.modelId)).toEqual(['acme.house-model-v1:0']);
    const overridden = await client.send(new GetFoundationModelCommand({ modelIdentifier: FOUNDATION_MODELS[0]!.modelId }));
    expect(overridden.modelDetails!.modelLifecycle).toEqual({ status: 'LEGACY' });
  });
});
