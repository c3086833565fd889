/**
 * A small, valid MP4 (ISO base media file) holding Motion-JPEG frames: an `mp4v` sample entry whose
 * decoder configuration names JPEG (object type 0x6C), one video track, `moov` before `mdat` so players
 * can start at once. Frames that repeat are stored once: several chunks point at the same bytes, which
 * keeps a 24 fps video of a few distinct pictures small.
 */

const encoder = new TextEncoder();

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0);
  return bytes;
}

function u16(value: number): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value & 0xffff);
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(payload);
  return concat([u32(8 + body.length), encoder.encode(type), body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Uint8Array[]): Uint8Array {
  return box(type, u32(((version & 0xff) << 24) | (flags & 0xffffff)), ...payload);
}

const zeros = (count: number) => new Uint8Array(count);
/** The identity transformation matrix of `mvhd`/`tkhd`. */
const IDENTITY_MATRIX = concat([0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map(u32));

/** An MPEG-4 descriptor: tag, a one-byte length (our descriptors are short), payload. */
function descriptor(tag: number, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(payload);
  return concat([new Uint8Array([tag, body.length]), body]);
}

function esds(maxFrameBytes: number): Uint8Array {
  const decoderConfig = descriptor(
    0x04,
    new Uint8Array([0x6c, (0x04 << 2) | 1]), // JPEG, visual stream
    new Uint8Array([(maxFrameBytes >> 16) & 0xff, (maxFrameBytes >> 8) & 0xff, maxFrameBytes & 0xff]),
    u32(0),
    u32(0),
  );
  const slConfig = descriptor(0x06, new Uint8Array([0x02]));
  return fullBox('esds', 0, 0, descriptor(0x03, u16(1), new Uint8Array([0]), decoderConfig, slConfig));
}

function sampleEntry(width: number, height: number, maxFrameBytes: number): Uint8Array {
  const compressorName = zeros(32);
  compressorName.set(encoder.encode('\x0bMotion JPEG'));
  return box(
    'mp4v',
    zeros(6),
    u16(1), // data reference index
    zeros(16),
    u16(width),
    u16(height),
    u32(0x00480000),
    u32(0x00480000),
    u32(0),
    u16(1), // frames per sample
    compressorName,
    u16(0x0018),
    u16(0xffff),
    esds(maxFrameBytes),
  );
}

/** What an MP4 is made of. */
export interface Mp4Options {
  width: number;
  height: number;
  /** Frames per second of the track. */
  fps: number;
  /** The distinct pictures, each a JPEG file. */
  pictures: readonly Uint8Array[];
  /** For each frame of the video, the index of its picture; e.g. each picture held for a second. */
  frames: readonly number[];
}

/**
 * Writes an MP4 file of Motion-JPEG frames.
 *
 * @example
 * const video = encodeMjpegMp4({ width: 1280, height: 720, fps: 24, pictures: [jpeg], frames: Array(144).fill(0) });
 */
export function encodeMjpegMp4(options: Mp4Options): Uint8Array {
  const { width, height, fps, pictures, frames } = options;
  const timescale = fps * 1000;
  const duration = frames.length * 1000; // in `timescale` units: each frame lasts 1000
  const movieTimescale = 1000;
  const movieDuration = Math.round((frames.length * 1000) / fps);
  const maxFrameBytes = Math.max(...pictures.map((picture) => picture.length));

  const build = (pictureOffsets: readonly number[]) => {
    const stbl = box(
      'stbl',
      fullBox('stsd', 0, 0, u32(1), sampleEntry(width, height, maxFrameBytes)),
      fullBox('stts', 0, 0, u32(1), u32(frames.length), u32(1000)),
      fullBox('stsc', 0, 0, u32(1), u32(1), u32(1), u32(1)), // one sample per chunk
      fullBox('stsz', 0, 0, u32(0), u32(frames.length), ...frames.map((index) => u32(pictures[index]!.length))),
      fullBox('stco', 0, 0, u32(frames.length), ...frames.map((index) => u32(pictureOffsets[index]!))),
    );
    const minf = box('minf', fullBox('vmhd', 0, 1, zeros(8)), box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))), stbl);
    const mdia = box(
      'mdia',
      fullBox('mdhd', 0, 0, u32(0), u32(0), u32(timescale), u32(duration), u16(0x55c4), u16(0)),
      fullBox('hdlr', 0, 0, u32(0), encoder.encode('vide'), zeros(12), encoder.encode('VideoHandler\0')),
      minf,
    );
    const tkhd = fullBox('tkhd', 0, 3, u32(0), u32(0), u32(1), u32(0), u32(movieDuration), zeros(8), u16(0), u16(0), u16(0), u16(0), IDENTITY_MATRIX, u32(width << 16), u32(height << 16));
    const mvhd = fullBox('mvhd', 0, 0, u32(0), u32(0), u32(movieTimescale), u32(movieDuration), u32(0x00010000), u16(0x0100), zeros(10), IDENTITY_MATRIX, zeros(24), u32(2));
    return box('moov', mvhd, box('trak', tkhd, mdia));
  };

  const ftyp = box('ftyp', encoder.encode('isom'), u32(0x200), encoder.encode('isomiso2mp41'));
  // The offsets do not change the size of `moov`, so measure it once with placeholders.
  const moovSize = build(pictures.map(() => 0)).length;
  let offset = ftyp.length + moovSize + 8;
  const pictureOffsets = pictures.map((picture) => {
    const start = offset;
    offset += picture.length;
    return start;
  });
  const mdat = box('mdat', ...pictures);
  return concat([ftyp, build(pictureOffsets), mdat]);
}
