import { createHash } from 'node:crypto';
import { encodeJpeg } from '../../images/jpeg.js';
import { encodePng } from '../../images/png.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asArray, asNumber, asObject, asString, fromBase64, toBase64 } from '../json-values.js';
import { checkEnum, checkKeys, checkNumber, checkString, jsonType, malformedInput, throwIfAny } from './native-body-errors.js';
import type { GenerateImageFunction, InvokeImageCodec } from './types.js';

/**
 * Stability AI image models, in their two body formats:
 *
 * - SDXL (`stability.stable-diffusion-xl-v1`): `text_prompts` with weights (negative weight = negative
 *   prompt), explicit `width`/`height` from a fixed list, one sample → `{result, artifacts[{seed, base64,
 *   finishReason}]}`.
 * - SD3, SD3.5, Stable Image Ultra and Core: `prompt`, `aspect_ratio`, `output_format` →
 *   `{seeds, finish_reasons, images}`; only the SD3 models take `mode: "image-to-image"`.
 *
 * Seed 0 (or none) means "random" on Bedrock. Here the seed is derived from the prompt instead, so reruns
 * stay reproducible, and the reported seed, sent back, draws the same picture.
 */

/** The sizes SDXL on Bedrock accepts (width x height). */
const SDXL_SIZES = ['1024x1024', '1152x896', '1216x832', '1344x768', '1536x640', '640x1536', '768x1344', '832x1216', '896x1152'];
const SDXL_OPTIONAL_KEYS = [
  'cfg_scale',
  'clip_guidance_preset',
  'height',
  'width',
  'sampler',
  'samples',
  'seed',
  'steps',
  'style_preset',
  'extras',
  'init_image',
  'init_image_mode',
  'image_strength',
  'step_schedule_start',
  'step_schedule_end',
];
const CLIP_GUIDANCE_PRESETS = ['FAST_BLUE', 'FAST_GREEN', 'NONE', 'SIMPLE', 'SLOW', 'SLOWER', 'SLOWEST'];
const SAMPLERS = ['DDIM', 'DDPM', 'K_DPMPP_2M', 'K_DPMPP_2S_ANCESTRAL', 'K_DPM_2', 'K_DPM_2_ANCESTRAL', 'K_EULER', 'K_EULER_ANCESTRAL', 'K_HEUN', 'K_LMS'];
const STYLE_PRESETS = [
  '3d-model',
  'analog-film',
  'anime',
  'cinematic',
  'comic-book',
  'digital-art',
  'enhance',
  'fantasy-art',
  'isometric',
  'line-art',
  'low-poly',
  'modeling-compound',
  'neon-punk',
  'origami',
  'photographic',
  'pixel-art',
  'tile-texture',
];

/**
 * Output sizes of the SD3 family per `aspect_ratio`: about one megapixel, sides multiples of 64 — the
 * sizes Stability publishes for SD3 (and the SDXL list above, plus 4:5 and 5:4).
 *
 * | ratio | size      | ratio | size      |
 * |-------|-----------|-------|-----------|
 * | 1:1   | 1024x1024 | 4:5   | 896x1088  |
 * | 16:9  | 1344x768  | 5:4   | 1088x896  |
 * | 21:9  | 1536x640  | 9:16  | 768x1344  |
 * | 2:3   | 832x1216  | 9:21  | 640x1536  |
 * | 3:2   | 1216x832  |       |           |
 */
const ASPECT_RATIO_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  '1:1': [1024, 1024],
  '16:9': [1344, 768],
  '21:9': [1536, 640],
  '2:3': [832, 1216],
  '3:2': [1216, 832],
  '4:5': [896, 1088],
  '5:4': [1088, 896],
  '9:16': [768, 1344],
  '9:21': [640, 1536],
};
const OUTPUT_FORMATS = ['png', 'jpeg'];
/** The models of the SD3 format that also do image-to-image. */
const IMAGE_TO_IMAGE_MODELS = /^stability\.sd3/;
const SDXL_MAX_SEED = 4294967295;
const SD3_MAX_SEED = 4294967294;
/** The task name backends see for image-to-image: Bedrock's own name for "an image and a prompt → a new image". */
const IMAGE_TO_IMAGE_TASK = 'IMAGE_VARIATION';

/** The seed to draw with: the caller's, or for 0/none one derived from the prompt (Bedrock would pick at random). */
function effectiveSeed(requested: number | undefined, prompt: string, maximum: number): number {
  if (requested) return requested;
  return 1 + (createHash('sha256').update(prompt).digest().readUInt32BE(0) % maximum);
}

async function invokeSdxl(body: Record<string, unknown>, generate: GenerateImageFunction): Promise<Record<string, unknown>> {
  const violations: (string | undefined)[] = checkKeys(body, ['text_prompts'], SDXL_OPTIONAL_KEYS);
  const prompts = body.text_prompts;
  if (prompts !== undefined && !Array.isArray(prompts)) violations.push(`#/text_prompts: expected type: JSONArray, found: ${jsonType(prompts)}`);
  if (Array.isArray(prompts) && prompts.length === 0) violations.push('#/text_prompts: expected minimum item count: 1, found: 0');
  for (const [index, item] of (asArray(prompts) ?? []).entries()) {
    const path = `#/text_prompts/${index}`;
    const prompt = asObject(item);
    if (prompt) violations.push(...checkKeys(prompt, ['text'], ['weight'], path), checkString(prompt.text, `${path}/text`, 0, 2000), checkNumber(prompt.weight, `${path}/weight`));
    else violations.push(`${path}: expected type: JSONObject, found: ${jsonType(item)}`);
  }
  violations.push(
    checkNumber(body.cfg_scale, '#/cfg_scale', 0, 35),
    checkEnum(body.clip_guidance_preset, '#/clip_guidance_preset', CLIP_GUIDANCE_PRESETS),
    checkNumber(body.height, '#/height', 64, undefined, true),
    checkNumber(body.width, '#/width', 64, undefined, true),
    checkEnum(body.sampler, '#/sampler', SAMPLERS),
    // Bedrock's SDXL draws one image per call; `samples` may only say so.
    checkNumber(body.samples, '#/samples', 1, 1, true),
    checkNumber(body.seed, '#/seed', 0, SDXL_MAX_SEED, true),
    checkNumber(body.steps, '#/steps', 10, 150, true),
    checkEnum(body.style_preset, '#/style_preset', STYLE_PRESETS),
    checkString(body.init_image, '#/init_image', 0, Infinity),
    checkEnum(body.init_image_mode, '#/init_image_mode', ['IMAGE_STRENGTH', 'STEP_SCHEDULE']),
    checkNumber(body.image_strength, '#/image_strength', 0, 1),
    checkNumber(body.step_schedule_start, '#/step_schedule_start', 0, 1),
    checkNumber(body.step_schedule_end, '#/step_schedule_end', 0, 1),
  );
  throwIfAny(violations);

  const width = asNumber(body.width) ?? 1024;
  const height = asNumber(body.height) ?? 1024;
  if (!SDXL_SIZES.includes(`${width}x${height}`)) {
    throw malformedInput([`#: ${width}x${height} (width x height) is not a supported size; use one of ${SDXL_SIZES.join(', ')}`]);
  }
  // Weights below zero mark negative prompts.
  const texts = (asArray(prompts) ?? []).map((item) => ({ text: asString(asObject(item)?.text) ?? '', weight: asNumber(asObject(item)?.weight) ?? 1 }));
  const prompt = texts.filter((item) => item.weight >= 0).map((item) => item.text).join(' ');
  const negative = texts.filter((item) => item.weight < 0).map((item) => item.text).join(' ');
  const inputImage = fromBase64(body.init_image);
  const seed = effectiveSeed(asNumber(body.seed), prompt, SDXL_MAX_SEED);
  const result = await generate({ prompt, negativePrompt: negative || undefined, width, height, count: 1, seed, taskType: inputImage ? IMAGE_TO_IMAGE_TASK : 'TEXT_IMAGE', inputImage });
  return {
    result: 'success',
    artifacts: result.images.map((pixels) => ({ seed, base64: toBase64(encodePng(pixels, result.width, result.height)), finishReason: 'SUCCESS' })),
  };
}

async function invokeSd3(body: Record<string, unknown>, model: ResolvedModel, generate: GenerateImageFunction): Promise<Record<string, unknown>> {
  const imageToImage = IMAGE_TO_IMAGE_MODELS.test(model.baseModelId);
  const modes = imageToImage ? ['text-to-image', 'image-to-image'] : ['text-to-image'];
  const violations: (string | undefined)[] = checkKeys(body, ['prompt'], ['negative_prompt', 'mode', 'aspect_ratio', 'seed', 'output_format', ...(imageToImage ? ['image', 'strength'] : [])]);
  violations.push(
    checkString(body.prompt, '#/prompt', 0, 10000),
    checkString(body.negative_prompt, '#/negative_prompt', 0, 10000),
    checkEnum(body.mode, '#/mode', modes),
    checkEnum(body.aspect_ratio, '#/aspect_ratio', Object.keys(ASPECT_RATIO_SIZES)),
    checkNumber(body.seed, '#/seed', 0, SD3_MAX_SEED, true),
    checkEnum(body.output_format, '#/output_format', OUTPUT_FORMATS),
    checkString(body.image, '#/image', 0, Infinity),
    checkNumber(body.strength, '#/strength', 0, 1),
  );
  if (imageToImage && body.mode === 'image-to-image') {
    if (body.image === undefined) violations.push('#: required key [image] not found');
    if (body.strength === undefined) violations.push('#: required key [strength] not found');
  }
  throwIfAny(violations);

  const prompt = asString(body.prompt) ?? '';
  const inputImage = body.mode === 'image-to-image' ? fromBase64(body.image) : undefined;
  // `aspect_ratio` applies to text-to-image only; image-to-image keeps 1:1, as the input image is not decoded.
  const [width, height] = ASPECT_RATIO_SIZES[(!inputImage && asString(body.aspect_ratio)) || '1:1']!;
  const seed = effectiveSeed(asNumber(body.seed), prompt, SD3_MAX_SEED);
  const negativePrompt = asString(body.negative_prompt) || undefined;
  const result = await generate({ prompt, negativePrompt, width, height, count: 1, seed, taskType: inputImage ? IMAGE_TO_IMAGE_TASK : 'TEXT_IMAGE', inputImage });
  const encode = body.output_format === 'jpeg' ? encodeJpeg : encodePng;
  return {
    seeds: result.images.map(() => seed),
    finish_reasons: result.images.map(() => null),
    images: result.images.map((pixels) => toBase64(encode(pixels, result.width, result.height))),
  };
}

/** Stability AI: SDXL bodies for `stability.stable-diffusion-xl*`, the SD3/Stable Image format for every other model. */
export const stabilityImagesCodec: InvokeImageCodec = {
  name: 'stability-images',
  async invoke(body, model, generate) {
    const native = /^stability\.stable-diffusion-xl/.test(model.baseModelId) ? await invokeSdxl(body, generate) : await invokeSd3(body, model, generate);
    return { body: native };
  },
};
