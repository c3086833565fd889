import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOllamaBackend, type OllamaBackendOptions } from '../src/index.js';
import { countTextTokens } from '../src/tokens/approximate.js';
import { FRONT_DOORS, runtimeClient, type FrontDoor } from './support/clients.js';
import { FAKE_EMBEDDING_DIMENSION, fakeEmbedding, startFakeOllama, type FakeOllama } from './support/fake-ollama-server.js';
import { invoke, invokeStream } from './support/invoke.js';

const TITAN_V1 = 'amazon.titan-embed-text-v1';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const TITAN_IMAGE = 'amazon.titan-embed-image-v1';
const COHERE_EN = 'cohere.embed-english-v3';
const COHERE_MULTI = 'cohere.embed-multilingual-v3';
const COHERE_V4 = 'cohere.embed-v4:0';

const CAT = 'the cat sat on the mat';
const SIMILAR = 'a cat sat on a mat';
const UNRELATED = 'quarterly revenue grew 4%';
const IMAGE_A = Buffer.from('\x89PNG\r\n\x1a\n pretend image A, with a few more bytes to hash into blocks').toString('base64');
const IMAGE_B = Buffer.from('\x89PNG\r\n\x1a\n a different pretend image, B, unlike the first one at all').toString('base64');

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

function cos(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + value * b[index]!, 0) / (norm(a) * norm(b));
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected a rejection, got a result.');
}

/** Bedrock's wording for schema violations. */
function malformed(violation: string): string {
  return `Malformed input request: ${violation}, please reformat your input and try again.`;
}

/** How each family embeds one text, so similarity can be checked the same way for all of them. */
const FAMILIES: Array<{ name: string; embed: (client: BedrockRuntimeClient, text: string) => Promise<number[]> }> = [
  { name: 'Titan v1', embed: async (client, text) => (await invoke(client, TITAN_V1, { inputText: text })).body.embedding as number[] },
  { name: 'Titan v2', embed: async (client, text) => (await invoke(client, TITAN_V2, { inputText: text })).body.embedding as number[] },
  { name: 'Titan v2 at 256', embed: async (client, text) => (await invoke(client, TITAN_V2, { inputText: text, dimensions: 256 })).body.embedding as number[] },
  { name: 'Titan Multimodal', embed: async (client, text) => (await invoke(client, TITAN_IMAGE, { inputText: text })).body.embedding as number[] },
  ...[COHERE_EN, COHERE_MULTI, COHERE_V4].map((modelId) => ({
    name: modelId,
    embed: async (client: BedrockRuntimeClient, text: string) =>
      ((await invoke(client, modelId, { texts: [text], input_type: 'search_document' })).body.embeddings as number[][])[0]!,
  })),
];

describe.each(FRONT_DOORS)('embedding models through the %s door (scripted)', (door: FrontDoor) => {
  const { client } = runtimeClient(door);

  describe('Titan Text Embeddings', () => {
    it('v1 answers 1536 floats and the token count, which the header repeats', async () => {
      const { body, headers } = await invoke(client, TITAN_V1, { inputText: CAT });
      expect(Object.keys(body).sort()).toEqual(['embedding', 'inputTextTokenCount']);
      expect(body.embedding).toHaveLength(1536);
      expect(body.inputTextTokenCount).toBe(countTextTokens(CAT));
      expect(headers['x-amzn-bedrock-input-token-count']).toBe(String(body.inputTextTokenCount));
      expect(headers['x-amzn-bedrock-output-token-count']).toBe('0');
    });

    it('v2 answers 1024 unit-length floats by default', async () => {
      const { body, headers } = await invoke(client, TITAN_V2, { inputText: CAT });
      expect(Object.keys(body).sort()).toEqual(['embedding', 'inputTextTokenCount']);
      const embedding = body.embedding as number[];
      expect(embedding).toHaveLength(1024);
      expect(norm(embedding)).toBeCloseTo(1, 5);
      expect(headers['x-amzn-bedrock-input-token-count']).toBe(String(body.inputTextTokenCount));
    });

    it.each([256, 512, 1024])('v2 answers %i dimensions when asked', async (dimensions) => {
      const embedding = (await invoke(client, TITAN_V2, { inputText: CAT, dimensions, normalize: true })).body.embedding as number[];
      expect(embedding).toHaveLength(dimensions);
      expect(norm(embedding)).toBeCloseTo(1, 5);
    });

    it('v2 with normalize: false keeps the direction but not unit length', async () => {
      const raw = (await invoke(client, TITAN_V2, { inputText: CAT, normalize: false })).body.embedding as number[];
      const unit = (await invoke(client, TITAN_V2, { inputText: CAT })).body.embedding as number[];
      expect(Math.abs(norm(raw) - 1)).toBeGreaterThan(0.01);
      expect(cos(raw, unit)).toBeCloseTo(1, 6);
    });

    it('v2 adds embeddingsByType when embeddingTypes is given: floats and one 0/1 per dimension', async () => {
      const { body } = await invoke(client, TITAN_V2, { inputText: CAT, dimensions: 512, embeddingTypes: ['float', 'binary'] });
      expect(Object.keys(body).sort()).toEqual(['embedding', 'embeddingsByType', 'inputTextTokenCount']);
      const byType = body.embeddingsByType as { float: number[]; binary: number[] };
      expect(Object.keys(byType).sort()).toEqual(['binary', 'float']);
      expect(byType.float).toEqual(body.embedding);
      expect(byType.binary).toHaveLength(512);
      expect(byType.binary).toEqual(byType.float.map((value) => (value > 0 ? 1 : 0)));

      const binaryOnly = (await invoke(client, TITAN_V2, { inputText: CAT, embeddingTypes: ['binary'] })).body;
      expect(Object.keys(binaryOnly.embeddingsByType as object)).toEqual(['binary']);
      expect(binaryOnly.embedding).toHaveLength(1024);
    });
  });

  describe('Titan Multimodal Embeddings', () => {
    it('embeds text, an image, or both, at 1024 dimensions by default', async () => {
      const text = await invoke(client, TITAN_IMAGE, { inputText: CAT });
      const image = await invoke(client, TITAN_IMAGE, { inputImage: IMAGE_A });
      const both = await invoke(client, TITAN_IMAGE, { inputText: CAT, inputImage: IMAGE_A });
      for (const { body } of [text, image, both]) {
        expect(Object.keys(body).sort()).toEqual(['embedding', 'inputTextTokenCount']);
        expect(body.embedding).toHaveLength(1024);
        expect(norm(body.embedding as number[])).toBeCloseTo(1, 5);
      }
      expect(text.body.inputTextTokenCount).toBe(countTextTokens(CAT));
      expect(image.body.inputTextTokenCount).toBe(0);
      expect(text.headers['x-amzn-bedrock-input-token-count']).toBe(String(text.body.inputTextTokenCount));
      // The joint vector lies between its parts.
      const joint = both.body.embedding as number[];
      expect(cos(joint, text.body.embedding as number[])).toBeGreaterThan(0.5);
      expect(cos(joint, image.body.embedding as number[])).toBeGreaterThan(0.5);
    });

    it.each([256, 384, 1024])('answers %i dimensions when asked', async (outputEmbeddingLength) => {
      const { body } = await invoke(client, TITAN_IMAGE, { inputText: CAT, embeddingConfig: { outputEmbeddingLength } });
      expect(body.embedding).toHaveLength(outputEmbeddingLength);
    });

    it('gives an image the same vector every time and different images different vectors', async () => {
      const first = (await invoke(client, TITAN_IMAGE, { inputImage: IMAGE_A })).body.embedding as number[];
      const again = (await invoke(client, TITAN_IMAGE, { inputImage: IMAGE_A })).body.embedding as number[];
      const other = (await invoke(client, TITAN_IMAGE, { inputImage: IMAGE_B })).body.embedding as number[];
      expect(again).toEqual(first);
      expect(cos(first, other)).toBeLessThan(0.9);
    });
  });

  describe('Cohere Embed', () => {
    it.each([COHERE_EN, COHERE_MULTI])('%s answers unit-length 1024-float vectors per text, with no token counts in the body', async (modelId) => {
      const texts = [CAT, SIMILAR, UNRELATED];
      const { body, headers } = await invoke(client, modelId, { texts, input_type: 'search_document' });
      expect(Object.keys(body).sort()).toEqual(['embeddings', 'id', 'response_type', 'texts']);
      expect(body.response_type).toBe('embeddings_floats');
      expect(body.texts).toEqual(texts);
      expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
      const embeddings = body.embeddings as number[][];
      expect(embeddings).toHaveLength(3);
      for (const vector of embeddings) {
        expect(vector).toHaveLength(1024);
        expect(norm(vector)).toBeCloseTo(1, 5);
      }
      expect(headers['x-amzn-bedrock-input-token-count']).toBe(String(texts.reduce((sum, text) => sum + countTextTokens(text), 0)));
    });

    it('answers every embedding type asked for, each in its range', async () => {
      const { body } = await invoke(client, COHERE_EN, {
        texts: [CAT, UNRELATED],
        input_type: 'search_query',
        embedding_types: ['float', 'int8', 'uint8', 'binary', 'ubinary'],
      });
      expect(body.response_type).toBe('embeddings_by_type');
      const byType = body.embeddings as Record<string, number[][]>;
      expect(Object.keys(byType).sort()).toEqual(['binary', 'float', 'int8', 'ubinary', 'uint8']);
      const inRange = (type: string, length: number, min: number, max: number) => {
        expect(byType[type]).toHaveLength(2);
        for (const vector of byType[type]!) {
          expect(vector).toHaveLength(length);
          expect(vector.every((value) => Number.isInteger(value) && value >= min && value <= max)).toBe(true);
        }
      };
      inRange('int8', 1024, -128, 127);
      inRange('uint8', 1024, 0, 255);
      inRange('binary', 128, -128, 127);
      inRange('ubinary', 128, 0, 255);
      const [float, int8, ubinary, binary] = [byType.float![0]!, byType.int8![0]!, byType.ubinary![0]!, byType.binary![0]!];
      expect(cos(float, int8)).toBeGreaterThan(0.99);
      expect(byType.uint8![0]).toEqual(int8.map((value) => value + 128));
      expect(binary).toEqual(ubinary.map((value) => value - 128));
      // Bits are packed first dimension first, in the most significant bit.
      expect((ubinary[0]! >> 7) & 1).toBe(float[0]! > 0 ? 1 : 0);
      expect(ubinary[1]! & 1).toBe(float[15]! > 0 ? 1 : 0);
    });

    it('answers only the types asked for', async () => {
      const { body } = await invoke(client, COHERE_EN, { texts: [CAT], input_type: 'clustering', embedding_types: ['int8'] });
      expect(Object.keys(body.embeddings as object)).toEqual(['int8']);
    });

    it('embeds an image given as a data URI', async () => {
      const { body } = await invoke(client, COHERE_EN, { images: [`data:image/png;base64,${IMAGE_A}`], input_type: 'image' });
      expect(body.texts).toEqual([]);
      expect((body.embeddings as number[][])[0]).toHaveLength(1024);
    });

    it('v4 answers 1536 dimensions by default and output_dimension when asked', async () => {
      const byDefault = (await invoke(client, COHERE_V4, { texts: [CAT], input_type: 'search_document' })).body.embeddings as number[][];
      const small = (await invoke(client, COHERE_V4, { texts: [CAT], input_type: 'search_document', output_dimension: 256 })).body.embeddings as number[][];
      expect(byDefault[0]).toHaveLength(1536);
      expect(small[0]).toHaveLength(256);
      expect(norm(small[0]!)).toBeCloseTo(1, 5);
    });

    it('truncates texts over 512 tokens at the end by default', async () => {
      const long = `${CAT} ${'word '.repeat(600)}`;
      const { headers } = await invoke(client, COHERE_EN, { texts: [long], input_type: 'search_document' });
      expect(headers['x-amzn-bedrock-input-token-count']).toBe('512');
    });
  });

  describe.each(FAMILIES)('$name', ({ embed }) => {
    it('places texts sharing words closer than unrelated texts', async () => {
      const [cat, similar, unrelated] = await Promise.all([CAT, SIMILAR, UNRELATED].map((text) => embed(client, text)));
      expect(cos(cat!, similar!)).toBeGreaterThan(cos(cat!, unrelated!));
    });

    it('gives identical inputs identical vectors', async () => {
      expect(await embed(client, CAT)).toEqual(await embed(client, CAT));
    });
  });

  describe('validation', () => {
    it.each([
      [TITAN_V2, {}, malformed('#: required key [inputText] not found')],
      [TITAN_V2, { inputText: CAT, foo: 1 }, malformed('#: extraneous key [foo] is not permitted')],
      [TITAN_V2, { inputText: '' }, malformed('#/inputText: expected minLength: 1, actual: 0')],
      [TITAN_V2, { inputText: 3 }, malformed('#/inputText: expected type: String, found: Number')],
      [TITAN_V2, { inputText: CAT, dimensions: 300 }, malformed('#/dimensions: 300 is not a valid enum value')],
      [TITAN_V2, { inputText: CAT, normalize: 'yes' }, malformed('#/normalize: expected type: Boolean, found: String')],
      [TITAN_V2, { inputText: CAT, embeddingTypes: ['int8'] }, malformed('#/embeddingTypes/0: int8 is not a valid enum value')],
      [TITAN_V2, { inputText: CAT, embeddingTypes: [] }, malformed('#/embeddingTypes: expected minimum item count: 1, found: 0')],
      [TITAN_V1, { inputText: CAT, dimensions: 256 }, malformed('#: extraneous key [dimensions] is not permitted')],
      [TITAN_V1, { inputText: '' }, malformed('#/inputText: expected minLength: 1, actual: 0')],
      [TITAN_IMAGE, {}, 'Malformed input request: At least one of inputText or inputImage is required, please reformat your input and try again.'],
      [TITAN_IMAGE, { inputText: CAT, embeddingConfig: { outputEmbeddingLength: 512 } }, malformed('#/embeddingConfig/outputEmbeddingLength: 512 is not a valid enum value')],
      [TITAN_IMAGE, { inputText: CAT, embeddingConfig: { dimensions: 256 } }, malformed('#/embeddingConfig: extraneous key [dimensions] is not permitted')],
      [COHERE_EN, { texts: [CAT] }, malformed('#: required key [input_type] not found')],
      [COHERE_EN, { texts: [CAT], input_type: 'search' }, malformed('#/input_type: search is not a valid enum value')],
      [COHERE_EN, { texts: [], input_type: 'search_query' }, malformed('#/texts: expected minimum item count: 1, found: 0')],
      [COHERE_EN, { texts: new Array(97).fill(CAT), input_type: 'search_query' }, malformed('#/texts: expected maximum item count: 96, found: 97')],
      [COHERE_EN, { input_type: 'search_query' }, malformed('#: required key [texts] not found')],
      [COHERE_EN, { texts: [CAT], input_type: 'search_query', truncate: 'MIDDLE' }, malformed('#/truncate: MIDDLE is not a valid enum value')],
      [COHERE_EN, { texts: [CAT], input_type: 'search_query', embedding_types: ['int4'] }, malformed('#/embedding_types/0: int4 is not a valid enum value')],
      [COHERE_EN, { texts: [CAT], input_type: 'search_query', output_dimension: 256 }, malformed('#: extraneous key [output_dimension] is not permitted')],
      [COHERE_V4, { texts: [CAT], input_type: 'search_query', output_dimension: 300 }, malformed('#/output_dimension: 300 is not a valid enum value')],
    ])('%s rejects %j', async (modelId, body, message) => {
      const error = await rejection(invoke(client, modelId, body));
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe(message);
    });

    it.each([
      [TITAN_V2, { inputText: 'word '.repeat(9000) }, 'Too many input tokens. Max input tokens: 8192'],
      [COHERE_EN, { texts: ['word '.repeat(600)], input_type: 'search_query', truncate: 'NONE' }, 'maximum of 512 tokens'],
      [COHERE_EN, { images: [`data:image/png;base64,${IMAGE_A}`], input_type: 'search_document' }, 'input_type must be "image"'],
      [COHERE_EN, { images: [IMAGE_A], input_type: 'image' }, '#/images/0: expected a data URI'],
      [COHERE_EN, { texts: [CAT], images: [`data:image/png;base64,${IMAGE_A}`], input_type: 'image' }, 'texts and images cannot both be given'],
    ])('%s rejects an input it cannot embed (%#)', async (modelId, body, message) => {
      const error = await rejection(invoke(client, modelId, body));
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain(message);
    });

    it.each([TITAN_V2, COHERE_EN])('refuses the streaming operation for %s', async (modelId) => {
      const error = await rejection(invokeStream(client, modelId, modelId === TITAN_V2 ? { inputText: CAT } : { texts: [CAT], input_type: 'search_query' }));
      expect(error.name).toBe('ValidationException');
    });
  });
});

describe.each(FRONT_DOORS)('embedding models through the %s door (Ollama)', (door: FrontDoor) => {
  let ollama: FakeOllama;
  const modelMap = {
    [TITAN_V2]: 'nomic-embed-text',
    [TITAN_IMAGE]: 'nomic-embed-text',
    [COHERE_EN]: 'nomic-embed-text',
    [TITAN_V1]: 'all-minilm',
  };

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['nomic-embed-text'] });
  });
  afterAll(async () => {
    await ollama.close();
  });
  beforeEach(() => {
    ollama.reset();
    ollama.models.delete('all-minilm');
  });

  function setup(backendOptions: OllamaBackendOptions = {}) {
    const backend = createOllamaBackend({ host: ollama.host, env: {}, ...backendOptions });
    return runtimeClient(door, { backend, modelMap }).client;
  }

  function embedRequests() {
    return ollama.requests.filter((request) => request.path === '/api/embed').map((request) => request.body);
  }

  it('sends the text to /api/embed and folds and normalizes the answer to the asked dimension', async () => {
    const { body, headers } = await invoke(setup(), TITAN_V2, { inputText: CAT, dimensions: 256 });
    expect(embedRequests()).toEqual([expect.objectContaining({ model: 'nomic-embed-text', input: [CAT] })]);
    const embedding = body.embedding as number[];
    expect(embedding).toHaveLength(256);
    expect(norm(embedding)).toBeCloseTo(1, 5);
    // Usage is Ollama's prompt_eval_count (the fake counts words).
    expect(body.inputTextTokenCount).toBe(6);
    expect(headers['x-amzn-bedrock-input-token-count']).toBe('6');
  });

  it('extends the answer cyclically and leaves it unnormalized when asked', async () => {
    const text = 'the quick brown fox jumps over the lazy dog';
    const { body } = await invoke(setup(), TITAN_V2, { inputText: text, dimensions: 1024, normalize: false });
    const embedding = body.embedding as number[];
    const upstream = fakeEmbedding(text);
    expect(embedding).toHaveLength(1024);
    embedding.slice(0, FAKE_EMBEDDING_DIMENSION).forEach((value, index) => expect(value).toBeCloseTo(upstream[index]!, 6));
    embedding.slice(FAKE_EMBEDDING_DIMENSION).forEach((value, index) => expect(value).toBeCloseTo(upstream[index]!, 6));
    // Ollama's vector is unit length; its repeated start makes the extended one longer.
    expect(norm(embedding)).toBeGreaterThan(1.01);
  });

  it('embeds all of a Cohere request in one call, keeping similarity ordering', async () => {
    const { body } = await invoke(setup(), COHERE_EN, { texts: [CAT, SIMILAR, UNRELATED], input_type: 'search_document' });
    expect(embedRequests()).toEqual([expect.objectContaining({ model: 'nomic-embed-text', input: [CAT, SIMILAR, UNRELATED] })]);
    const [cat, similar, unrelated] = body.embeddings as number[][];
    expect(cat).toHaveLength(1024);
    expect(norm(cat!)).toBeCloseTo(1, 5);
    expect(cos(cat!, similar!)).toBeGreaterThan(cos(cat!, unrelated!));
  });

  it('pulls a missing embedding model, then embeds', async () => {
    const { body } = await invoke(setup(), TITAN_V1, { inputText: CAT });
    expect(ollama.requests.map((request) => request.path).filter((path) => path !== '/api/version')).toEqual(['/api/embed', '/api/pull', '/api/embed']);
    expect(body.embedding).toHaveLength(1536);
  });

  it('reports a missing model as ResourceNotFoundException when pulling is off', async () => {
    const error = await rejection(invoke(setup({ pull: false }), TITAN_V1, { inputText: CAT }));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toContain('all-minilm');
  });

  it('refuses images, which /api/embed cannot take', async () => {
    const error = await rejection(invoke(setup(), TITAN_IMAGE, { inputImage: IMAGE_A }));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('cannot embed images');
    expect(embedRequests()).toEqual([]);
  });
});
