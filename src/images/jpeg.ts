import { encode } from 'jpeg-js';

/**
 * Baseline JPEG encoding through `jpeg-js`, a small pure-JavaScript codec with no dependencies: a JPEG
 * encoder (DCT, quantisation, Huffman tables) is too much code to keep here for the one model option
 * (`output_format: "jpeg"`) that needs it.
 */

/** High enough that smooth gradients show no blocks, at about a third of the PNG's size. */
const DEFAULT_QUALITY = 90;

/**
 * Encodes RGB pixels (`width * height * 3` bytes, rows top to bottom) as a baseline JPEG file.
 *
 * @example
 * writeFileSync('grey.jpg', encodeJpeg(new Uint8Array(8 * 8 * 3).fill(128), 8, 8));
 */
export function encodeJpeg(pixels: Uint8Array, width: number, height: number, quality = DEFAULT_QUALITY): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`Invalid JPEG size ${width}x${height}`);
  if (pixels.length !== width * height * 3) throw new RangeError(`Expected ${width * height * 3} bytes of RGB pixels for ${width}x${height}, got ${pixels.length}`);
  // jpeg-js reads RGBA; the alpha byte is ignored, JPEG has no transparency.
  const rgba = new Uint8Array(width * height * 4);
  for (let source = 0, target = 0; source < pixels.length; source += 3, target += 4) {
    rgba[target] = pixels[source]!;
    rgba[target + 1] = pixels[source + 1]!;
    rgba[target + 2] = pixels[source + 2]!;
    rgba[target + 3] = 255;
  }
  const { data } = encode({ data: rgba, width, height }, quality);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
