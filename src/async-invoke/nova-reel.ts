import { ConstraintErrors } from '../codecs/constraint-errors.js';
import { validationError } from '../errors/bedrock-errors.js';
import { scriptedImages } from '../backends/scripted/scripted-images.js';
import { encodeJpeg } from '../images/jpeg.js';
import { imageSize } from '../tokens/image-size.js';
import { encodeMjpegMp4 } from '../video/mp4.js';

/**
 * Nova Reel: validation of its `modelInput` (StartAsyncInvoke answers a bad one with ValidationException) and
 * the videos it "generates" — small, valid MP4 files of scripted landscapes, one picture per 6-second shot,
 * deterministic per prompt and seed.
 */

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 24;
const SHOT_SECONDS = 6;
const TASK_TYPES = ['TEXT_VIDEO', 'MULTI_SHOT_AUTOMATED', 'MULTI_SHOT_MANUAL'];

/** One shot to render: its prompt and how long it lasts. */
export interface ReelShot {
  text: string;
  seconds: number;
}

/** A validated Nova Reel request: the shots, the seed, and whether it is a multi-shot task. */
export interface ReelPlan {
  shots: ReelShot[];
  seed: number;
  multiShot: boolean;
}

type JsonObject = Record<string, unknown>;
const objectAt = (value: unknown): JsonObject | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined);

function checkImage(errors: ConstraintErrors, path: string, image: unknown): void {
  const source = objectAt(objectAt(image)?.source);
  const bytes = source?.bytes;
  if (typeof bytes !== 'string') return; // an s3Location image is taken as given
  const size = imageSize(Buffer.from(bytes, 'base64'));
  if (!size || size.width !== WIDTH || size.height !== HEIGHT) {
    throw validationError(`The input image at ${path} must be ${WIDTH}x${HEIGHT} pixels.`);
  }
  errors.checkEnum(`${path}.format`, objectAt(image)?.format, ['png', 'jpeg']);
}

/**
 * Validates a Nova Reel `modelInput` for a model version and returns what to render.
 *
 * @example
 * planReel('amazon.nova-reel-v1:1', { taskType: 'TEXT_VIDEO', textToVideoParams: { text: 'A lighthouse at dawn' } });
 */
export function planReel(modelId: string, input: unknown): ReelPlan {
  const body = objectAt(input);
  if (!body) throw validationError('Malformed input request: modelInput must be a JSON object.');
  const errors = new ConstraintErrors();
  const taskType = body.taskType;
  errors.checkRequired('taskType', taskType);
  errors.checkEnum('taskType', taskType, TASK_TYPES);
  const config = objectAt(body.videoGenerationConfig) ?? {};
  if (config.fps !== undefined && config.fps !== FPS) throw validationError(`videoGenerationConfig.fps must be ${FPS}.`);
  if (config.dimension !== undefined && config.dimension !== `${WIDTH}x${HEIGHT}`) throw validationError(`videoGenerationConfig.dimension must be ${WIDTH}x${HEIGHT}.`);
  errors.checkRange('videoGenerationConfig.seed', config.seed, 0, 2147483646);
  errors.throwIfAny();
  if (taskType !== 'TEXT_VIDEO' && modelId.startsWith('amazon.nova-reel-v1:0')) {
    throw validationError(`The taskType ${String(taskType)} is not supported by amazon.nova-reel-v1:0; use amazon.nova-reel-v1:1.`);
  }
  const seed = typeof config.seed === 'number' ? config.seed : 0;
  const duration = config.durationSeconds;

  if (taskType === 'TEXT_VIDEO') {
    const params = objectAt(body.textToVideoParams);
    errors.checkRequired('textToVideoParams', params);
    errors.checkRequired('textToVideoParams.text', params?.text);
    errors.checkLength('textToVideoParams.text', params?.text, 1, 512);
    errors.checkLength('textToVideoParams.images', params?.images, 0, 1);
    errors.throwIfAny();
    if (duration !== undefined && duration !== SHOT_SECONDS) throw validationError(`videoGenerationConfig.durationSeconds must be ${SHOT_SECONDS} for TEXT_VIDEO.`);
    if (Array.isArray(params!.images) && params!.images.length > 0) checkImage(errors, 'textToVideoParams.images[0]', params!.images[0]);
    errors.throwIfAny();
    return { shots: [{ text: params!.text as string, seconds: SHOT_SECONDS }], seed, multiShot: false };
  }
  if (taskType === 'MULTI_SHOT_AUTOMATED') {
    const params = objectAt(body.multiShotAutomatedParams);
    errors.checkRequired('multiShotAutomatedParams.text', params?.text);
    errors.checkLength('multiShotAutomatedParams.text', params?.text, 1, 4000);
    errors.checkRequired('videoGenerationConfig.durationSeconds', duration);
    errors.checkRange('videoGenerationConfig.durationSeconds', duration, 12, 120);
    errors.throwIfAny();
    if (typeof duration !== 'number' || duration % SHOT_SECONDS !== 0) throw validationError(`videoGenerationConfig.durationSeconds must be a multiple of ${SHOT_SECONDS} between 12 and 120.`);
    const count = duration / SHOT_SECONDS;
    return { shots: Array.from({ length: count }, (_, index) => ({ text: `${params!.text as string} (${index + 1})`, seconds: SHOT_SECONDS })), seed, multiShot: true };
  }
  const shots = objectAt(body.multiShotManualParams)?.shots;
  errors.checkRequired('multiShotManualParams.shots', shots);
  errors.checkLength('multiShotManualParams.shots', shots, 2, 20);
  errors.throwIfAny();
  const list = shots as unknown[];
  list.forEach((shot, index) => {
    errors.checkRequired(`multiShotManualParams.shots.${index + 1}.member.text`, objectAt(shot)?.text);
    errors.checkLength(`multiShotManualParams.shots.${index + 1}.member.text`, objectAt(shot)?.text, 1, 512);
  });
  errors.throwIfAny();
  list.forEach((shot, index) => {
    if (objectAt(shot)?.image !== undefined) checkImage(errors, `multiShotManualParams.shots[${index}].image`, objectAt(shot)!.image);
  });
  return { shots: list.map((shot) => ({ text: objectAt(shot)!.text as string, seconds: SHOT_SECONDS })), seed, multiShot: true };
}

/** The JPEG picture of one shot. */
function shotPicture(modelId: string, shot: ReelShot, seed: number, index: number): Uint8Array {
  const [pixels] = scriptedImages({ modelId, backendModel: modelId, prompt: shot.text, width: WIDTH, height: HEIGHT, count: 1, seed: seed + index, taskType: 'TEXT_VIDEO' }).images;
  return encodeJpeg(pixels!, WIDTH, HEIGHT);
}

/** A video of pictures, each held for its shot's seconds at 24 fps. */
function video(pictures: readonly Uint8Array[], shots: readonly ReelShot[]): Uint8Array {
  const frames = shots.flatMap((shot, index) => Array.from({ length: shot.seconds * FPS }, () => index));
  return encodeMjpegMp4({ width: WIDTH, height: HEIGHT, fps: FPS, pictures, frames });
}

/** The files of a finished Reel job: `output.mp4`, and `shot_0001.mp4`… for multi-shot tasks. */
export function renderReel(modelId: string, plan: ReelPlan): { name: string; bytes: Uint8Array }[] {
  const pictures = plan.shots.map((shot, index) => shotPicture(modelId, shot, plan.seed, index));
  const files = [{ name: 'output.mp4', bytes: video(pictures, plan.shots) }];
  if (plan.multiShot) {
    plan.shots.forEach((shot, index) => files.push({ name: `shot_${String(index + 1).padStart(4, '0')}.mp4`, bytes: video([pictures[index]!], [shot]) }));
  }
  return files;
}
