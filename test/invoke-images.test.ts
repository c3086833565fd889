import { decode as decodeJpegBytes } from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { scriptedImages } from '../src/backends/scripted/scripted-images.js';
import { createOllamaBackend } from '../src/index.js';
import { FRONT_DOORS, runtimeClient, type FrontDoor } from './support/clients.js';
import { invoke, invokeStream } from './support/invoke.js';

const SDXL = 'stability.stable-diffusion-xl-v1';
const SD3 = 'stability.sd3-large-v1:0';
const SD35 = 'stability.sd3-5-large-v1:0';
const ULTRA = 'stability.stable-image-ultra-v1:1';
const CORE = 'stability.stable-image-core-v1:1';
const TITAN_V1 = 'amazon.titan-image-generator-v1';
const TITAN_V2 = 'amazon.titan-image-generator-v2:0';
const NOVA_CANVAS = 'amazon.nova-canvas-v1:0';

const PROMPT = 'a lighthouse on a cliff at dusk';
/** Input images are never decoded, so any bytes stand in for a photo. */
const PHOTO_A = Buffer.from('\x89PNG\r\n\x1a\n pretend photo A').toString('base64');
const PHOTO_B = Buffer.from('\x89PNG\r\n\x1a\n pretend photo B, a different one').toString('base64');

interface Decoded {
  width: number;
  height: number;
  /** RGBA, four bytes per pixel. */
  data: Uint8Array;
}

function decodePng(base64: string): Decoded {
  const bytes = Buffer.from(base64, 'base64');
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const { width, height, data } = PNG.sync.read(bytes);
  return { width, height, data };
}

function decodeJpeg(base64: string): Decoded {
  const bytes = Buffer.from(base64, 'base64');
  expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  return decodeJpegBytes(bytes, { useTArray: true });
}

/** RGB pixels of a decoded RGBA image, to compare with what a backend drew. */
function rgb(image: Decoded): Uint8Array {
  return image.data.filter((_, index) => index % 4 !== 3);
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
function malformed(...violations: string[]): string {
  return `Malformed input request: ${violations.join(', ')}, please reformat your input and try again.`;
}

function titanBody(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { taskType: 'TEXT_IMAGE', textToImageParams: { text: PROMPT }, imageGenerationConfig: { width: 512, height: 512, ...config }, ...extra };
}

const SDXL_SIZES = 'use one of 1024x1024, 1152x896, 1216x832, 1344x768, 1536x640, 640x1536, 768x1344, 832x1216, 896x1152';
const TITAN_SIZES =
  'use one of 1024x1024, 768x768, 512x512, 768x1152, 384x576, 1152x768, 576x384, 768x1280, 384x640, 1280x768, 640x384, 896x1152, 448x576, ' +
  '1152x896, 576x448, 768x1408, 384x704, 1408x768, 704x384, 640x1408, 320x704, 1408x640, 704x320, 1152x640, 1173x640';

/** Each case: model, body, and the violations Bedrock lists. */
const INVALID: Array<[string, string, Record<string, unknown>, string[]]> = [
  ['an SDXL size off the list', SDXL, { text_prompts: [{ text: PROMPT }], width: 1000, height: 1000 }, [`#: 1000x1000 (width x height) is not a supported size; ${SDXL_SIZES}`]],
  ['an SDXL width without its height', SDXL, { text_prompts: [{ text: PROMPT }], width: 1344 }, [`#: 1344x1024 (width x height) is not a supported size; ${SDXL_SIZES}`]],
  ['more than one SDXL sample', SDXL, { text_prompts: [{ text: PROMPT }], samples: 2 }, ['#/samples: 2 is not less or equal to 1']],
  ['SDXL without text_prompts, and with a key it does not know', SDXL, { prompt: PROMPT }, ['#: required key [text_prompts] not found', '#: extraneous key [prompt] is not permitted']],
  ['SDXL with no prompts', SDXL, { text_prompts: [] }, ['#/text_prompts: expected minimum item count: 1, found: 0']],
  ['an unknown SDXL style and an out-of-range cfg_scale', SDXL, { text_prompts: [{ text: PROMPT }], style_preset: 'watercolor', cfg_scale: 40 }, ['#/cfg_scale: 40 is not less or equal to 35', '#/style_preset: watercolor is not a valid enum value']],
  ['SD3 without a prompt', SD3, { aspect_ratio: '1:1' }, ['#: required key [prompt] not found']],
  ['an SD3 aspect ratio it does not draw', SD35, { prompt: PROMPT, aspect_ratio: '4:3' }, ['#/aspect_ratio: 4:3 is not a valid enum value']],
  ['an output format other than png or jpeg', ULTRA, { prompt: PROMPT, output_format: 'webp' }, ['#/output_format: webp is not a valid enum value']],
  ['image-to-image on a text-to-image model', CORE, { prompt: PROMPT, mode: 'image-to-image', image: PHOTO_A }, ['#: extraneous key [image] is not permitted', '#/mode: image-to-image is not a valid enum value']],
  ['image-to-image without its image and strength', SD3, { prompt: PROMPT, mode: 'image-to-image' }, ['#: required key [image] not found', '#: required key [strength] not found']],
  ['more than five Titan images', TITAN_V2, titanBody({ numberOfImages: 6 }), ['#/imageGenerationConfig/numberOfImages: 6 is not less or equal to 5']],
  ['a Titan size off the list', TITAN_V1, titanBody({ width: 1000, height: 1000 }), [`#/imageGenerationConfig: 1000x1000 (width x height) is not a supported size; ${TITAN_SIZES}`]],
  ['a Nova Canvas side that is not a multiple of 16', NOVA_CANVAS, titanBody({ width: 1000, height: 1024 }), ['#/imageGenerationConfig/width: 1000 must be a multiple of 16 from 320 to 4096']],
  ['a Nova Canvas image of more than 4.2 megapixels', NOVA_CANVAS, titanBody({ width: 4096, height: 2048 }), ['#/imageGenerationConfig: 4096x2048 has more than 4194304 pixels']],
  ['a Nova Canvas aspect ratio beyond 4:1', NOVA_CANVAS, titanBody({ width: 2048, height: 320 }), ['#/imageGenerationConfig: the aspect ratio of 2048x320 is outside 1:4 to 4:1']],
  ['an unknown taskType', TITAN_V2, titanBody({}, { taskType: 'SKETCH' }), ['#/taskType: SKETCH is not a valid enum value']],
  ['a v2 task on Titan v1', TITAN_V1, { taskType: 'BACKGROUND_REMOVAL', backgroundRemovalParams: { image: PHOTO_A } }, ['#/taskType: BACKGROUND_REMOVAL is not a valid enum value']],
  ['virtual try-on on Titan', TITAN_V2, { taskType: 'VIRTUAL_TRY_ON', virtualTryOnParams: {} }, ['#/taskType: VIRTUAL_TRY_ON is not a valid enum value']],
  ['a Titan task without its parameters, and a key Titan does not know', TITAN_V2, { taskType: 'TEXT_IMAGE', prompt: PROMPT }, ['#: required key [textToImageParams] not found', '#: extraneous key [prompt] is not permitted']],
  ['a Titan prompt without text', NOVA_CANVAS, { textToImageParams: { negativeText: 'fog' } }, ['#/textToImageParams: required key [text] not found']],
  ['a Titan prompt over 512 characters', TITAN_V1, titanBody({}, { textToImageParams: { text: 'x'.repeat(513) } }), ['#/textToImageParams/text: expected maxLength: 512, actual: 513']],
  ['a condition image on Titan v1', TITAN_V1, titanBody({}, { textToImageParams: { text: PROMPT, conditionImage: PHOTO_A } }), ['#/textToImageParams: extraneous key [conditionImage] is not permitted']],
  ['an input image that is not base64 text', NOVA_CANVAS, { taskType: 'BACKGROUND_REMOVAL', backgroundRemovalParams: { image: 42 } }, ['#/backgroundRemovalParams/image: expected type: String, found: Number']],
  ['an unknown key in imageGenerationConfig', TITAN_V2, titanBody({ steps: 30 }), ['#/imageGenerationConfig: extraneous key [steps] is not permitted']],
  ['inpainting without a mask', TITAN_V2, { taskType: 'INPAINTING', inPaintingParams: { image: PHOTO_A, text: PROMPT } }, ['#/inPaintingParams: exactly one of [maskPrompt, maskImage] is required']],
  ['a colour that is not #RRGGBB', NOVA_CANVAS, { taskType: 'COLOR_GUIDED_GENERATION', colorGuidedGenerationParams: { text: PROMPT, colors: ['red'] } }, ['#/colorGuidedGenerationParams/colors/0: "red" is not a #RRGGBB colour']],
  ['a Nova Canvas seed out of range', NOVA_CANVAS, titanBody({ seed: 858993460 }), ['#/imageGenerationConfig/seed: 858993460 is not less or equal to 858993459']],
];

describe.each(FRONT_DOORS)('image models through the %s door', (door: FrontDoor) => {
  const { client } = runtimeClient(door);

  describe('Stability SDXL', () => {
    it('answers one PNG artifact at 1024x1024 by default, with the seed it used', async () => {
      const { body, contentType } = await invoke(client, SDXL, { text_prompts: [{ text: PROMPT, weight: 1 }], cfg_scale: 7, steps: 30, seed: 123 });
      expect(contentType).toBe('application/json');
      expect(Object.keys(body)).toEqual(['result', 'artifacts']);
      expect(body.result).toBe('success');
      const artifacts = body.artifacts as Array<Record<string, unknown>>;
      expect(artifacts).toHaveLength(1);
      expect(Object.keys(artifacts[0]!)).toEqual(['seed', 'base64', 'finishReason']);
      expect(artifacts[0]).toMatchObject({ seed: 123, finishReason: 'SUCCESS' });
      expect(decodePng(artifacts[0]!.base64 as string)).toMatchObject({ width: 1024, height: 1024 });
    });

    it('draws the width and height asked for, and one sample when samples is 1', async () => {
      const { body } = await invoke(client, SDXL, { text_prompts: [{ text: PROMPT }], width: 1536, height: 640, samples: 1, style_preset: 'photographic' });
      const artifacts = body.artifacts as Array<{ base64: string }>;
      expect(artifacts).toHaveLength(1);
      expect(decodePng(artifacts[0]!.base64)).toMatchObject({ width: 1536, height: 640 });
    });

    it('reports a seed for seed 0 that draws the same picture when sent back', async () => {
      const random = ((await invoke(client, SDXL, { text_prompts: [{ text: PROMPT }], seed: 0 })).body.artifacts as Array<{ seed: number; base64: string }>)[0]!;
      expect(random.seed).toBeGreaterThan(0);
      const again = ((await invoke(client, SDXL, { text_prompts: [{ text: PROMPT }], seed: random.seed })).body.artifacts as Array<{ base64: string }>)[0]!;
      expect(again.base64).toBe(random.base64);
    });

    it('treats prompts of negative weight as negative prompts, and draws image-to-image from init_image', async () => {
      const plain = (await invoke(client, SDXL, { text_prompts: [{ text: PROMPT }], seed: 5 })).body.artifacts as Array<{ base64: string }>;
      const negative = (await invoke(client, SDXL, { text_prompts: [{ text: PROMPT }, { text: 'fog', weight: -1 }], seed: 5 })).body.artifacts as Array<{ base64: string }>;
      const fromImage = (await invoke(client, SDXL, { text_prompts: [{ text: PROMPT }], seed: 5, init_image: PHOTO_A, init_image_mode: 'IMAGE_STRENGTH', image_strength: 0.4 })).body
        .artifacts as Array<{ base64: string }>;
      expect(new Set([plain[0]!.base64, negative[0]!.base64, fromImage[0]!.base64]).size).toBe(3);
    });
  });

  describe('Stability SD3, SD3.5, Stable Image Ultra and Core', () => {
    it.each([SD3, SD35, ULTRA, CORE])('%s answers seeds, finish reasons and one 1024x1024 PNG by default', async (modelId) => {
      const { body } = await invoke(client, modelId, { prompt: PROMPT, seed: 77 });
      expect(Object.keys(body)).toEqual(['seeds', 'finish_reasons', 'images']);
      expect(body.seeds).toEqual([77]);
      expect(body.finish_reasons).toEqual([null]);
      const images = body.images as string[];
      expect(images).toHaveLength(1);
      expect(decodePng(images[0]!)).toMatchObject({ width: 1024, height: 1024 });
    });

    it('draws each aspect ratio at about one megapixel', async () => {
      const expected: Record<string, [number, number]> = {
        '16:9': [1344, 768],
        '21:9': [1536, 640],
        '2:3': [832, 1216],
        '3:2': [1216, 832],
        '4:5': [896, 1088],
        '5:4': [1088, 896],
        '9:16': [768, 1344],
        '9:21': [640, 1536],
      };
      for (const [ratio, [width, height]] of Object.entries(expected)) {
        const image = decodePng(((await invoke(client, CORE, { prompt: PROMPT, aspect_ratio: ratio, seed: 1 })).body.images as string[])[0]!);
        expect({ ratio, width: image.width, height: image.height }).toEqual({ ratio, width, height });
        expect(image.width * image.height).toBeGreaterThan(0.9e6);
        expect(image.width * image.height).toBeLessThan(1.1e6);
      }
    });

    it('answers a JPEG for output_format jpeg', async () => {
      const { body } = await invoke(client, ULTRA, { prompt: PROMPT, aspect_ratio: '3:2', output_format: 'jpeg', seed: 9 });
      const image = decodeJpeg((body.images as string[])[0]!);
      expect(image).toMatchObject({ width: 1216, height: 832 });
      // JPEG is lossy: the same picture as the PNG, give or take a few levels per channel.
      const png = decodePng(((await invoke(client, ULTRA, { prompt: PROMPT, aspect_ratio: '3:2', seed: 9 })).body.images as string[])[0]!);
      const difference = image.data.reduce((sum, value, index) => sum + Math.abs(value - png.data[index]!), 0) / image.data.length;
      expect(difference).toBeLessThan(4);
    });

    it('is deterministic per prompt and seed, and picks a reproducible seed when given none', async () => {
      const first = (await invoke(client, SD35, { prompt: PROMPT, seed: 42 })).body;
      const second = (await invoke(client, SD35, { prompt: PROMPT, seed: 42 })).body;
      const otherSeed = (await invoke(client, SD35, { prompt: PROMPT, seed: 43 })).body;
      const otherPrompt = (await invoke(client, SD35, { prompt: 'a harbour at noon', seed: 42 })).body;
      expect(second.images).toEqual(first.images);
      expect(otherSeed.images).not.toEqual(first.images);
      expect(otherPrompt.images).not.toEqual(first.images);

      const unseeded = (await invoke(client, SD35, { prompt: PROMPT })).body;
      const [seed] = unseeded.seeds as number[];
      expect(seed).toBeGreaterThan(0);
      expect((await invoke(client, SD35, { prompt: PROMPT, seed: 0 })).body).toEqual(unseeded);
      expect((await invoke(client, SD35, { prompt: PROMPT, seed })).body.images).toEqual(unseeded.images);
    });

    it('draws image-to-image from the input image on SD3 models', async () => {
      const fromA = (await invoke(client, SD3, { prompt: PROMPT, mode: 'image-to-image', image: PHOTO_A, strength: 0.6, seed: 3 })).body;
      const fromB = (await invoke(client, SD3, { prompt: PROMPT, mode: 'image-to-image', image: PHOTO_B, strength: 0.6, seed: 3 })).body;
      const fromText = (await invoke(client, SD3, { prompt: PROMPT, seed: 3 })).body;
      expect(decodePng((fromA.images as string[])[0]!)).toMatchObject({ width: 1024, height: 1024 });
      expect(fromA.images).not.toEqual(fromB.images);
      expect(fromA.images).not.toEqual(fromText.images);
    });
  });

  describe('Titan Image Generator and Nova Canvas', () => {
    it.each([TITAN_V1, TITAN_V2, NOVA_CANVAS])('%s answers {images, error: null} with numberOfImages distinct PNGs', async (modelId) => {
      const { body } = await invoke(client, modelId, titanBody({ numberOfImages: 3, quality: 'standard', cfgScale: 8, seed: 7 }));
      expect(Object.keys(body)).toEqual(['images', 'error']);
      expect(body.error).toBeNull();
      const images = body.images as string[];
      expect(images).toHaveLength(3);
      expect(new Set(images).size).toBe(3);
      for (const image of images) expect(decodePng(image)).toMatchObject({ width: 512, height: 512 });
    });

    it('draws 1024x1024 and one image by default, for a body with no taskType', async () => {
      const { body } = await invoke(client, NOVA_CANVAS, { textToImageParams: { text: PROMPT } });
      const images = body.images as string[];
      expect(images).toHaveLength(1);
      expect(decodePng(images[0]!)).toMatchObject({ width: 1024, height: 1024 });
    });

    it('draws the sizes each model allows', async () => {
      const titan = decodePng(((await invoke(client, TITAN_V2, titanBody({ width: 1173, height: 640 }))).body.images as string[])[0]!);
      expect(titan).toMatchObject({ width: 1173, height: 640 });
      const nova = decodePng(((await invoke(client, NOVA_CANVAS, titanBody({ width: 1280, height: 720 }))).body.images as string[])[0]!);
      expect(nova).toMatchObject({ width: 1280, height: 720 });
    });

    it('encodes exactly the pixels the scripted backend drew', async () => {
      const { body } = await invoke(client, TITAN_V1, titanBody({ width: 384, height: 576 }, { textToImageParams: { text: PROMPT, negativeText: 'fog' } }));
      const decoded = decodePng((body.images as string[])[0]!);
      const drawn = scriptedImages({
        modelId: TITAN_V1,
        backendModel: '',
        prompt: PROMPT,
        negativePrompt: 'fog',
        width: 384,
        height: 576,
        count: 1,
        seed: 42, // Titan's default
        taskType: 'TEXT_IMAGE',
      });
      expect(Buffer.from(rgb(decoded)).equals(Buffer.from(drawn.images[0]!))).toBe(true);
    });

    it('is deterministic per prompt and seed', async () => {
      const first = (await invoke(client, TITAN_V2, titanBody({ seed: 1 }))).body.images;
      expect((await invoke(client, TITAN_V2, titanBody({ seed: 1 }))).body.images).toEqual(first);
      expect((await invoke(client, TITAN_V2, titanBody({ seed: 2 }))).body.images).not.toEqual(first);
      expect((await invoke(client, TITAN_V2, titanBody({ seed: 1 }, { textToImageParams: { text: 'a harbour at noon' } }))).body.images).not.toEqual(first);
    });

    it('runs the editing tasks, each derived from its input image', async () => {
      const config = { imageGenerationConfig: { width: 512, height: 512, seed: 4 } };
      const tasks: Array<[string, (photo: string) => Record<string, unknown>]> = [
        [TITAN_V2, (photo) => ({ taskType: 'TEXT_IMAGE', textToImageParams: { text: PROMPT, conditionImage: photo, controlMode: 'CANNY_EDGE', controlStrength: 0.7 } })],
        [TITAN_V1, (photo) => ({ taskType: 'INPAINTING', inPaintingParams: { image: photo, maskPrompt: 'the sky', text: 'stars' } })],
        [TITAN_V2, (photo) => ({ taskType: 'OUTPAINTING', outPaintingParams: { image: photo, maskImage: PHOTO_B, text: 'a beach', outPaintingMode: 'PRECISE' } })],
        [TITAN_V2, (photo) => ({ taskType: 'IMAGE_VARIATION', imageVariationParams: { images: [photo], text: PROMPT, similarityStrength: 0.7 } })],
        [NOVA_CANVAS, (photo) => ({ taskType: 'COLOR_GUIDED_GENERATION', colorGuidedGenerationParams: { text: PROMPT, colors: ['#FF9800', '#003366'], referenceImage: photo } })],
        [NOVA_CANVAS, (photo) => ({ taskType: 'BACKGROUND_REMOVAL', backgroundRemovalParams: { image: photo } })],
        [
          NOVA_CANVAS,
          (photo) => ({ taskType: 'VIRTUAL_TRY_ON', virtualTryOnParams: { sourceImage: photo, referenceImage: PHOTO_B, maskType: 'GARMENT', garmentBasedMask: { garmentClass: 'UPPER_BODY' } } }),
        ],
      ];
      for (const [modelId, bodyFor] of tasks) {
        const fromA = (await invoke(client, modelId, { ...bodyFor(PHOTO_A), ...config })).body.images as string[];
        const fromB = (await invoke(client, modelId, { ...bodyFor(PHOTO_B), ...config })).body.images as string[];
        expect(fromA).toHaveLength(1);
        expect(decodePng(fromA[0]!)).toMatchObject({ width: 512, height: 512 });
        expect(fromB).not.toEqual(fromA);
      }
    });

    it('removes backgrounds one image at a time whatever numberOfImages says', async () => {
      const { body } = await invoke(client, TITAN_V2, { taskType: 'BACKGROUND_REMOVAL', backgroundRemovalParams: { image: PHOTO_A }, imageGenerationConfig: { numberOfImages: 3, width: 512, height: 512 } });
      expect(body.images).toHaveLength(1);
    });
  });

  it.each(INVALID)('rejects %s', async (_name, modelId, body, violations) => {
    const error = await rejection(invoke(client, modelId, body));
    expect(error).toMatchObject({ name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect(error.message).toBe(malformed(...violations));
  });

  it('rejects the streaming operation on image models', async () => {
    for (const [modelId, body] of [
      [SDXL, { text_prompts: [{ text: PROMPT }] }],
      [SD3, { prompt: PROMPT }],
      [NOVA_CANVAS, titanBody()],
    ] as const) {
      const error = await rejection(invokeStream(client, modelId, body));
      expect(error).toMatchObject({ name: 'ValidationException', message: 'The model is unsupported for streaming.', $metadata: { httpStatusCode: 400 } });
    }
  });

  it('draws with the scripted backend, warning once, when the backend has no image model', async () => {
    const warn = vi.fn();
    // Nothing listens on port 9: image calls must not reach Ollama at all.
    const { client: ollamaClient } = runtimeClient(door, { backend: createOllamaBackend({ host: 'http://127.0.0.1:9' }), logger: { warn } });
    const titan = await invoke(ollamaClient, TITAN_V2, titanBody({ seed: 11 }));
    const stability = await invoke(ollamaClient, SD3, { prompt: PROMPT, seed: 11 });
    expect(titan.body.images).toEqual((await invoke(client, TITAN_V2, titanBody({ seed: 11 }))).body.images);
    expect(stability.body.images).toEqual((await invoke(client, SD3, { prompt: PROMPT, seed: 11 })).body.images);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('backend has no image model; images come from the scripted backend.');
  });
});
