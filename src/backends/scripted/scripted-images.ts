import { createHash } from 'node:crypto';
import { seededRandom } from '../../core/seeded-random.js';
import type { ImageRequest, ImageResponse } from '../types.js';

/**
 * The scripted backend's pictures: small landscapes (a sky gradient, a sun, soft clouds, two ranges of
 * hills) whose colours and layout come from a hash of the request. The same prompt, seed, task and input
 * image always give the same pixels; change any of them and the picture changes. The scene is laid out in
 * coordinates relative to the image, so one request drawn at two sizes shows the same landscape.
 */

type Rgb = [number, number, number];

interface Cloud {
  x: number;
  y: number;
  radius: number;
  stretch: number;
  strength: number;
}

interface Hills {
  base: number;
  waves: { amplitude: number; frequency: number; phase: number }[];
  /** Colours at the ridge and at the bottom edge of the image. */
  ridge: Rgb;
  foot: Rgb;
}

interface Scene {
  skyTop: Rgb;
  skyHorizon: Rgb;
  sun: { x: number; y: number; radius: number; color: Rgb };
  clouds: Cloud[];
  cloudColor: Rgb;
  hills: Hills[];
}

/** HSL (hue in turns, saturation and lightness 0..1) to RGB 0..1. */
function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const channel = (offset: number) => {
    const k = (offset + hue * 12) % 12;
    const a = saturation * Math.min(lightness, 1 - lightness);
    return lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [channel(0), channel(8), channel(4)];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** The hash every choice of the scene derives from; the index makes each image of a batch different. */
function sceneSeed(request: ImageRequest, index: number): number {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([request.taskType, request.prompt, request.negativePrompt ?? '', request.seed, index]));
  if (request.inputImage) hash.update(request.inputImage);
  return hash.digest().readUInt32LE(0);
}

function createScene(random: () => number): Scene {
  const hue = random();
  const dusk = random() < 0.4; // some skies are warm evenings, the rest daylight
  const skyTop = dusk ? hsl(hue * 0.2 + 0.65, 0.5, 0.25) : hsl(0.5 + hue * 0.15, 0.55, 0.45 + random() * 0.15);
  const skyHorizon = dusk ? hsl(0.02 + random() * 0.1, 0.8, 0.65) : hsl(0.5 + hue * 0.1, 0.45, 0.85);
  const sun = { x: 0.15 + random() * 0.7, y: 0.12 + random() * 0.3, radius: 0.04 + random() * 0.06, color: dusk ? hsl(0.08, 0.95, 0.7) : hsl(0.14, 0.9, 0.88) };
  const clouds = Array.from({ length: 2 + Math.floor(random() * 4) }, () => ({
    x: random(),
    y: 0.08 + random() * 0.35,
    radius: 0.06 + random() * 0.12,
    stretch: 1.5 + random() * 2.5,
    strength: 0.35 + random() * 0.45,
  }));
  const landHue = random();
  const hills = [0.55 + random() * 0.1, 0.7 + random() * 0.12].map((base, layer) => ({
    base,
    waves: Array.from({ length: 3 }, (_, wave) => ({ amplitude: (0.06 - wave * 0.015) * (1 + random()) * 0.5, frequency: (wave + 1) * (1.5 + random() * 2), phase: random() * Math.PI * 2 })),
    // The farther range is paler, as distance hazes colours.
    ridge: hsl(landHue * 0.3 + 0.2, 0.35 + layer * 0.15, 0.5 - layer * 0.15),
    foot: hsl(landHue * 0.3 + 0.22, 0.45 + layer * 0.15, 0.3 - layer * 0.1),
  }));
  return { skyTop, skyHorizon, sun, clouds, cloudColor: dusk ? hsl(0.95, 0.4, 0.8) : [1, 1, 1], hills };
}

function draw(scene: Scene, width: number, height: number): Uint8Array {
  // A clamped array rounds and clamps each store, where a plain one would wrap overshoots around.
  const pixels = new Uint8ClampedArray(width * height * 3);
  // Shapes are measured in units of the shorter side, so suns stay round on wide images.
  const unit = Math.min(width, height);
  const scaleX = width / unit;
  const scaleY = height / unit;
  // Ridge heights depend only on the column: compute them once per image.
  const ridges = scene.hills.map((hill) =>
    Float64Array.from({ length: width }, (_, x) => {
      const u = (x + 0.5) / width;
      return hill.base - hill.waves.reduce((sum, wave) => sum + wave.amplitude * Math.sin(u * wave.frequency * Math.PI * 2 + wave.phase), 0);
    }),
  );
  const { sun, clouds, cloudColor } = scene;
  let offset = 0;
  // The loop runs once per pixel, so it works on plain numbers: allocating a colour per pixel would dominate the time.
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / height;
    const [skyR, skyG, skyB] = mix(scene.skyTop, scene.skyHorizon, Math.min(1, v / 0.7));
    // Hills are shaded by depth below their mean height, not below the ridge, so that columns do not streak.
    const hillColors = scene.hills.map((hill) => mix(hill.ridge, hill.foot, Math.max(0, Math.min(1, (v - hill.base + 0.12) / (1.12 - hill.base)))));
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      let r: number;
      let g: number;
      let b: number;
      // The nearest range first: where a hill is, the sky behind it need not be computed.
      let layer = ridges.length - 1;
      while (layer >= 0 && v < ridges[layer]![x]!) layer--;
      if (layer >= 0) {
        [r, g, b] = hillColors[layer]!;
      } else {
        const sunX = (u - sun.x) * scaleX;
        const sunY = (v - sun.y) * scaleY;
        const sunDistance = Math.sqrt(sunX * sunX + sunY * sunY) / sun.radius;
        // The glow fades to nothing within a few radii; past that, skip the exponential.
        const glow = sunDistance < 1 ? 1 : sunDistance < 6 ? 0.6 * Math.exp(-(sunDistance - 1) * 1.5) : 0;
        r = skyR + (sun.color[0] - skyR) * glow;
        g = skyG + (sun.color[1] - skyG) * glow;
        b = skyB + (sun.color[2] - skyB) * glow;
        for (const cloud of clouds) {
          const dx = ((u - cloud.x) * scaleX) / (cloud.radius * cloud.stretch);
          const dy = ((v - cloud.y) * scaleY) / cloud.radius;
          const d2 = dx * dx + dy * dy;
          if (d2 >= 9) continue;
          const cover = cloud.strength * Math.exp(-d2 * 1.2);
          r += (cloudColor[0] - r) * cover;
          g += (cloudColor[1] - g) * cover;
          b += (cloudColor[2] - b) * cover;
        }
      }
      // A soft vignette darkens the corners, as in photographs.
      const edge = 255 * (1 - 0.25 * ((u - 0.5) ** 2 + (v - 0.5) ** 2));
      pixels[offset++] = r * edge;
      pixels[offset++] = g * edge;
      pixels[offset++] = b * edge;
    }
  }
  return new Uint8Array(pixels.buffer);
}

/**
 * Draws `request.count` deterministic pictures of `request.width` × `request.height` RGB pixels.
 *
 * @example
 * const { images } = scriptedImages({ modelId, backendModel, prompt: 'a lighthouse', width: 64, height: 64, count: 1, seed: 7, taskType: 'TEXT_IMAGE' });
 * images[0].length; // 64 * 64 * 3
 */
export function scriptedImages(request: ImageRequest): ImageResponse {
  const { width, height } = request;
  const images = Array.from({ length: request.count }, (_, index) => draw(createScene(seededRandom(sceneSeed(request, index))), width, height));
  return { images, width, height };
}
