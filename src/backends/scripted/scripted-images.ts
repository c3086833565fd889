import type { ImageRequest, ImageResponse } from '../types.js';

/** Placeholder until deterministic scripted images land. */
export function scriptedImages(request: ImageRequest): ImageResponse {
  return { images: Array.from({ length: request.count }, () => new Uint8Array(request.width * request.height * 3)), width: request.width, height: request.height };
}
