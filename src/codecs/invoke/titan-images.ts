import { encodePng } from '../../images/png.js';
import type { ResolvedModel } from '../../models/registry.js';
import { asArray, asNumber, asObject, asString, fromBase64, toBase64 } from '../json-values.js';
import { checkEnum, checkKeys, checkNumber, checkString, jsonType, malformedInput, throwIfAny } from './native-body-errors.js';
import type { InvokeImageCodec } from './types.js';

/**
 * Amazon Titan Image Generator v1/v2 and Nova Canvas: `{taskType, <task>Params, imageGenerationConfig}` →
 * `{images: [PNG base64…], error: null}`. The three models share the format and differ in the tasks they
 * offer, the prompt length, the seed range and the sizes they draw.
 *
 * Defaults: 1024x1024 for every model (it is in every model's size list and is what the Bedrock console
 * starts with; the Titan pages have disagreed on a default over time), one image, seed 42 for Titan and
 * 12 for Nova Canvas. Editing tasks would answer at the input image's size on Bedrock; input images are
 * not decoded here, so they answer at the configured (or default) size instead.
 */

type Variant = 'titan-v1' | 'titan-v2' | 'nova-canvas';

interface Limits {
  tasks: readonly string[];
  /** Whether TEXT_IMAGE takes a `conditionImage` (Titan v2 and Nova Canvas). */
  conditioning: boolean;
  maxText: number;
  maxSeed: number;
  defaultSeed: number;
  /** A violation for an unsupported size, or `undefined`. */
  checkSize(width: number, height: number): string | undefined;
}

/** What one task's parameters mean for the backend. */
interface TaskInput {
  prompt: string;
  negativePrompt?: string;
  inputImage?: Uint8Array;
  /** Tasks that always draw one image (background removal) ignore `numberOfImages`. */
  singleImage?: boolean;
}

/** Titan's documented sizes (width x height). */
const TITAN_SIZES = [
  '1024x1024', '768x768', '512x512', '768x1152', '384x576', '1152x768', '576x384', '768x1280', '384x640', '1280x768', '640x384', '896x1152', '448x576',
  '1152x896', '576x448', '768x1408', '384x704', '1408x768', '704x384', '640x1408', '320x704', '1408x640', '704x320', '1152x640', '1173x640',
];

function checkTitanSize(width: number, height: number): string | undefined {
  if (TITAN_SIZES.includes(`${width}x${height}`)) return undefined;
  return `#/imageGenerationConfig: ${width}x${height} (width x height) is not a supported size; use one of ${TITAN_SIZES.join(', ')}`;
}

/** Nova Canvas takes any size with sides of 320–4096 in steps of 16, an aspect ratio within 1:4..4:1 and at most 4,194,304 pixels. */
function checkNovaSize(width: number, height: number): string | undefined {
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (value < 320 || value > 4096 || value % 16 !== 0) return `#/imageGenerationConfig/${name}: ${value} must be a multiple of 16 from 320 to 4096`;
  }
  if (width / height > 4 || height / width > 4) return `#/imageGenerationConfig: the aspect ratio of ${width}x${height} is outside 1:4 to 4:1`;
  if (width * height > 4194304) return `#/imageGenerationConfig: ${width}x${height} has more than 4194304 pixels`;
  return undefined;
}

const TITAN_V1_TASKS = ['TEXT_IMAGE', 'INPAINTING', 'OUTPAINTING', 'IMAGE_VARIATION'];
const TITAN_V2_TASKS = [...TITAN_V1_TASKS, 'COLOR_GUIDED_GENERATION', 'BACKGROUND_REMOVAL'];
const LIMITS: Record<Variant, Limits> = {
  'titan-v1': { tasks: TITAN_V1_TASKS, conditioning: false, maxText: 512, maxSeed: 2147483646, defaultSeed: 42, checkSize: checkTitanSize },
  'titan-v2': { tasks: TITAN_V2_TASKS, conditioning: true, maxText: 512, maxSeed: 2147483646, defaultSeed: 42, checkSize: checkTitanSize },
  'nova-canvas': { tasks: [...TITAN_V2_TASKS, 'VIRTUAL_TRY_ON'], conditioning: true, maxText: 1024, maxSeed: 858993459, defaultSeed: 12, checkSize: checkNovaSize },
};

/** The parameters object each task reads. */
const PARAMS_KEY: Readonly<Record<string, string>> = {
  TEXT_IMAGE: 'textToImageParams',
  INPAINTING: 'inPaintingParams',
  OUTPAINTING: 'outPaintingParams',
  IMAGE_VARIATION: 'imageVariationParams',
  COLOR_GUIDED_GENERATION: 'colorGuidedGenerationParams',
  BACKGROUND_REMOVAL: 'backgroundRemovalParams',
  VIRTUAL_TRY_ON: 'virtualTryOnParams',
};

function variantOf(model: ResolvedModel): Variant {
  if (model.baseModelId.startsWith('amazon.nova-canvas')) return 'nova-canvas';
  return model.baseModelId.startsWith('amazon.titan-image-generator-v1') ? 'titan-v1' : 'titan-v2';
}

/** An optional nested object: its violations when it is not one. */
function checkObject(value: unknown, path: string): string | undefined {
  return value === undefined || asObject(value) ? undefined : `${path}: expected type: JSONObject, found: ${jsonType(value)}`;
}

/** Inpainting and outpainting name the area to change by exactly one of a prompt or a mask image. */
function checkMask(params: Record<string, unknown>, path: string): string | undefined {
  if ((params.maskPrompt === undefined) !== (params.maskImage === undefined)) return undefined;
  return `${path}: exactly one of [maskPrompt, maskImage] is required`;
}

/** Validates one task's parameters and reads what the backend needs from them. */
function readTask(taskType: string, params: Record<string, unknown>, limits: Limits): TaskInput {
  const path = `#/${PARAMS_KEY[taskType]}`;
  const text = (key: string) => checkString(params[key], `${path}/${key}`, 1, limits.maxText);
  // Images are base64 strings; they are hashed, never decoded.
  const images = (...keys: string[]) => keys.map((key) => checkString(params[key], `${path}/${key}`));
  const texts = { prompt: asString(params.text) ?? '', negativePrompt: asString(params.negativeText) };
  switch (taskType) {
    case 'TEXT_IMAGE':
      throwIfAny([
        ...checkKeys(params, ['text'], ['negativeText', ...(limits.conditioning ? ['conditionImage', 'controlMode', 'controlStrength'] : [])], path),
        text('text'),
        text('negativeText'),
        ...images('conditionImage'),
        checkEnum(params.controlMode, `${path}/controlMode`, ['CANNY_EDGE', 'SEGMENTATION']),
        checkNumber(params.controlStrength, `${path}/controlStrength`, 0, 1),
      ]);
      return { ...texts, inputImage: fromBase64(params.conditionImage) };
    case 'INPAINTING':
    case 'OUTPAINTING':
      throwIfAny([
        ...checkKeys(params, ['image'], ['text', 'negativeText', 'maskPrompt', 'maskImage', ...(taskType === 'OUTPAINTING' ? ['outPaintingMode'] : [])], path),
        text('text'),
        text('negativeText'),
        ...images('image', 'maskImage'),
        checkMask(params, path),
        checkEnum(params.outPaintingMode, `${path}/outPaintingMode`, ['DEFAULT', 'PRECISE']),
      ]);
      return { ...texts, inputImage: fromBase64(params.image) };
    case 'IMAGE_VARIATION': {
      const inputs = asArray(params.images);
      throwIfAny([
        ...checkKeys(params, ['images'], ['text', 'negativeText', 'similarityStrength'], path),
        params.images !== undefined && !inputs ? `${path}/images: expected type: JSONArray, found: ${jsonType(params.images)}` : undefined,
        inputs && (inputs.length < 1 || inputs.length > 5) ? `${path}/images: expected 1 to 5 items, found: ${inputs.length}` : undefined,
        ...(inputs ?? []).map((image, index) => checkString(image, `${path}/images/${index}`)),
        text('text'),
        text('negativeText'),
        checkNumber(params.similarityStrength, `${path}/similarityStrength`, 0.2, 1),
      ]);
      // Backends take one input image; the first one stands for the set.
      return { ...texts, inputImage: fromBase64(inputs?.[0]) };
    }
    case 'COLOR_GUIDED_GENERATION': {
      const colors = asArray(params.colors);
      throwIfAny([
        ...checkKeys(params, ['text', 'colors'], ['negativeText', 'referenceImage'], path),
        text('text'),
        text('negativeText'),
        ...images('referenceImage'),
        params.colors !== undefined && !colors ? `${path}/colors: expected type: JSONArray, found: ${jsonType(params.colors)}` : undefined,
        colors && (colors.length < 1 || colors.length > 10) ? `${path}/colors: expected 1 to 10 items, found: ${colors.length}` : undefined,
        ...(colors ?? []).map((color, index) =>
          typeof color === 'string' && /^#[0-9a-fA-F]{6}$/.test(color) ? undefined : `${path}/colors/${index}: ${JSON.stringify(color)} is not a #RRGGBB colour`,
        ),
      ]);
      return { ...texts, inputImage: fromBase64(params.referenceImage) };
    }
    case 'BACKGROUND_REMOVAL':
      throwIfAny([...checkKeys(params, ['image'], [], path), ...images('image')]);
      return { prompt: '', inputImage: fromBase64(params.image), singleImage: true };
    default: // VIRTUAL_TRY_ON
      throwIfAny([
        ...checkKeys(params, ['sourceImage', 'referenceImage', 'maskType'], ['imageBasedMask', 'garmentBasedMask', 'promptBasedMask', 'maskExclusions', 'mergeStyle', 'returnMask'], path),
        ...images('sourceImage', 'referenceImage'),
        checkEnum(params.maskType, `${path}/maskType`, ['IMAGE', 'GARMENT', 'PROMPT']),
      ]);
      return { prompt: asString(asObject(params.promptBasedMask)?.maskPrompt) ?? '', inputImage: fromBase64(params.sourceImage) };
  }
}

/** Titan Image Generator v1/v2 and Nova Canvas. */
export const titanImagesCodec: InvokeImageCodec = {
  name: 'titan-images',
  async invoke(body, model, generate) {
    const limits = LIMITS[variantOf(model)];
    const taskType = body.taskType ?? 'TEXT_IMAGE';
    if (typeof taskType !== 'string' || !limits.tasks.includes(taskType)) throw malformedInput([checkEnum(taskType, '#/taskType', limits.tasks)!]);
    const paramsKey = PARAMS_KEY[taskType]!;
    const otherParams = limits.tasks.map((task) => PARAMS_KEY[task]!).filter((key) => key !== paramsKey);
    throwIfAny([
      ...checkKeys(body, [paramsKey], ['taskType', 'imageGenerationConfig', ...otherParams]),
      checkObject(body[paramsKey], `#/${paramsKey}`),
      checkObject(body.imageGenerationConfig, '#/imageGenerationConfig'),
    ]);
    const task = readTask(taskType, asObject(body[paramsKey])!, limits);

    const config = asObject(body.imageGenerationConfig) ?? {};
    throwIfAny([
      ...checkKeys(config, [], ['numberOfImages', 'quality', 'height', 'width', 'cfgScale', 'seed'], '#/imageGenerationConfig'),
      checkNumber(config.numberOfImages, '#/imageGenerationConfig/numberOfImages', 1, 5, true),
      checkEnum(config.quality, '#/imageGenerationConfig/quality', ['standard', 'premium']),
      checkNumber(config.width, '#/imageGenerationConfig/width', 1, undefined, true),
      checkNumber(config.height, '#/imageGenerationConfig/height', 1, undefined, true),
      checkNumber(config.cfgScale, '#/imageGenerationConfig/cfgScale', 1.1, 10),
      checkNumber(config.seed, '#/imageGenerationConfig/seed', 0, limits.maxSeed, true),
    ]);
    const width = asNumber(config.width) ?? 1024;
    const height = asNumber(config.height) ?? 1024;
    throwIfAny([limits.checkSize(width, height)]);

    const result = await generate({
      prompt: task.prompt,
      negativePrompt: task.negativePrompt,
      inputImage: task.inputImage,
      width,
      height,
      count: task.singleImage ? 1 : (asNumber(config.numberOfImages) ?? 1),
      seed: asNumber(config.seed) ?? limits.defaultSeed,
      taskType,
    });
    return { body: { images: result.images.map((pixels) => toBase64(encodePng(pixels, result.width, result.height))), error: null } };
  },
};
