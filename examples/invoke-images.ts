/**
 * Image models through InvokeModel: one picture from each family (Stability SDXL, Stable Image Core as
 * JPEG, Titan Image Generator, Nova Canvas), drawn by the scripted backend and written to a temporary
 * directory. Same prompt and seed, same picture. Run: `npx tsx examples/invoke-images.ts`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { localBedrock } from 'local-bedrock';

const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock());

async function invoke(modelId: string, body: object): Promise<Record<string, unknown>> {
  const output = await client.send(new InvokeModelCommand({ modelId, contentType: 'application/json', body: JSON.stringify(body) }));
  return JSON.parse(new TextDecoder().decode(output.body));
}

const prompt = 'a lighthouse on a cliff at dusk';
const directory = mkdtempSync(join(tmpdir(), 'local-bedrock-images-'));
const save = (name: string, base64: string) => {
  const path = join(directory, name);
  const bytes = Buffer.from(base64, 'base64');
  writeFileSync(path, bytes);
  console.log(`${path}  (${bytes.length} bytes)`);
};

// Stability SDXL: text_prompts in, artifacts out.
const sdxl = await invoke('stability.stable-diffusion-xl-v1', { text_prompts: [{ text: prompt }], width: 1344, height: 768, seed: 7 });
save('sdxl-1344x768.png', (sdxl.artifacts as Array<{ base64: string }>)[0]!.base64);

// Stable Image Core (same format as SD3, SD3.5 and Ultra): an aspect ratio instead of a size, and JPEG on request.
const core = await invoke('stability.stable-image-core-v1:1', { prompt, aspect_ratio: '2:3', output_format: 'jpeg', seed: 7 });
save('stable-image-core-832x1216.jpg', (core.images as string[])[0]!);

// Titan Image Generator v2: several images per call.
const titan = await invoke('amazon.titan-image-generator-v2:0', {
  taskType: 'TEXT_IMAGE',
  textToImageParams: { text: prompt, negativeText: 'fog' },
  imageGenerationConfig: { numberOfImages: 2, width: 768, height: 768, seed: 7 },
});
(titan.images as string[]).forEach((image, index) => save(`titan-v2-768x768-${index + 1}.png`, image));

// Nova Canvas: any size in steps of 16, here a 16:9 frame.
const nova = await invoke('amazon.nova-canvas-v1:0', { taskType: 'TEXT_IMAGE', textToImageParams: { text: prompt }, imageGenerationConfig: { width: 1280, height: 720, seed: 7 } });
save('nova-canvas-1280x720.png', (nova.images as string[])[0]!);
