/**
 * Embeddings through InvokeModel: three sentences embedded with Titan Text Embeddings v2 and Cohere Embed
 * v3, and their cosine similarities. The scripted backend's vectors are deterministic and put sentences
 * sharing words closer together. Run: `npx tsx examples/invoke-embeddings.ts`.
 */
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { LocalBedrockHandler } from 'local-bedrock';

const client = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  requestHandler: new LocalBedrockHandler(),
});

const sentences = ['the cat sat on the mat', 'a cat sat on a mat', 'quarterly revenue grew 4%'];

async function invokeJson(modelId: string, body: unknown): Promise<Record<string, unknown>> {
  const output = await client.send(new InvokeModelCommand({ modelId, contentType: 'application/json', body: JSON.stringify(body) }));
  return JSON.parse(new TextDecoder().decode(output.body)) as Record<string, unknown>;
}

function cosine(a: number[], b: number[]): number {
  const dot = a.reduce((sum, value, index) => sum + value * b[index]!, 0);
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

function printSimilarities(title: string, vectors: number[][]): void {
  console.log(`${title} (${vectors[0]!.length} dimensions)`);
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      console.log(`  ${cosine(vectors[i]!, vectors[j]!).toFixed(3)}  "${sentences[i]}" vs "${sentences[j]}"`);
    }
  }
}

// Titan takes one text per call.
const titan = await Promise.all(
  sentences.map(async (inputText) => (await invokeJson('amazon.titan-embed-text-v2:0', { inputText, dimensions: 512 })).embedding as number[]),
);
printSimilarities('amazon.titan-embed-text-v2:0', titan);

// Cohere takes up to 96 texts per call.
const cohere = await invokeJson('cohere.embed-english-v3', { texts: sentences, input_type: 'search_document' });
printSimilarities('cohere.embed-english-v3', cohere.embeddings as number[][]);
