/**
 * A minimal GGUF (version 3) writer: typed metadata and F32/F16 tensors, little-endian, tensor data aligned
 * as llama.cpp expects (each tensor at the previous offset plus its size padded to the alignment).
 */

/** A typed metadata value: GGUF stores the type next to every value, so callers say which one they mean. */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: 'string'; value: readonly string[] }
  | { type: 'array'; itemType: 'f32'; value: readonly number[] }
  | { type: 'array'; itemType: 'i32'; value: readonly number[] };

/** One tensor: `dims[0]` is the contiguous dimension (ggml's `ne0`); `data` holds `product(dims)` floats. */
export interface GgufTensor {
  name: string;
  dims: readonly number[];
  type: 'f32' | 'f16';
  data: Float32Array;
}

/** Everything one GGUF file holds. */
export interface GgufFile {
  metadata: Readonly<Record<string, GgufValue>>;
  tensors: readonly GgufTensor[];
  /** Tensor data alignment (`general.alignment`). Default 32. */
  alignment?: number;
}

/**
 * Value constructors, so metadata reads like `{ 'llama.block_count': gguf.u32(1) }`.
 *
 * @example
 * const metadata = { 'general.architecture': gguf.string('llama'), 'llama.block_count': gguf.u32(1) };
 */
export const gguf = {
  u32: (value: number): GgufValue => ({ type: 'u32', value }),
  i32: (value: number): GgufValue => ({ type: 'i32', value }),
  f32: (value: number): GgufValue => ({ type: 'f32', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }),
  string: (value: string): GgufValue => ({ type: 'string', value }),
  strings: (value: readonly string[]): GgufValue => ({ type: 'array', itemType: 'string', value }),
  f32s: (value: readonly number[]): GgufValue => ({ type: 'array', itemType: 'f32', value }),
  i32s: (value: readonly number[]): GgufValue => ({ type: 'array', itemType: 'i32', value }),
};

const VALUE_TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const TENSOR_TYPE = { f32: 0, f16: 1 } as const;

/** Grows as it is written; every number little-endian, as GGUF requires. */
class ByteSink {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }
  i32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }
  u64(value: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value), true);
    this.length += 8;
  }
  f32(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }
  u16(value: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }
  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }
  string(value: string): void {
    const bytes = new TextEncoder().encode(value);
    this.u64(bytes.length);
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }
  padTo(alignment: number): void {
    while (this.length % alignment !== 0) this.u8(0);
  }
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/**
 * IEEE 754 single → half precision, round to nearest even (GGUF F16 tensors). Subnormals are kept, so the
 * small N(0, 0.02) weights of a scripted model survive the conversion.
 */
export function toHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1))) half++;
  halfExponent = half >>> 10;
  return sign | half;
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  sink.u32(VALUE_TYPE[value.type]);
  switch (value.type) {
    case 'u32':
      return sink.u32(value.value);
    case 'i32':
      return sink.i32(value.value);
    case 'f32':
      return sink.f32(value.value);
    case 'bool':
      return sink.u8(value.value ? 1 : 0);
    case 'string':
      return sink.string(value.value);
    case 'array':
      sink.u32(VALUE_TYPE[value.itemType]);
      sink.u64(value.value.length);
      for (const item of value.value) {
        if (value.itemType === 'string') sink.string(item as string);
        else if (value.itemType === 'f32') sink.f32(item as number);
        else sink.i32(item as number);
      }
  }
}

function tensorBytes(tensor: GgufTensor): number {
  return tensor.data.length * (tensor.type === 'f32' ? 4 : 2);
}

/**
 * Serializes a GGUF file.
 *
 * @example
 * const bytes = writeGguf({ metadata: { 'general.architecture': gguf.string('llama') }, tensors: [] });
 */
export function writeGguf(file: GgufFile): Uint8Array {
  const alignment = file.alignment ?? 32;
  const sink = new ByteSink();
  sink.u32(0x46554747); // "GGUF" read as a little-endian u32
  sink.u32(3);
  sink.u64(file.tensors.length);
  const metadata = { ...file.metadata, 'general.alignment': gguf.u32(alignment) };
  const entries = Object.entries(metadata);
  sink.u64(entries.length);
  for (const [key, value] of entries) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const tensor of file.tensors) {
    const expected = tensor.dims.reduce((product, dim) => product * dim, 1);
    if (expected !== tensor.data.length) throw new Error(`Tensor ${tensor.name} has ${tensor.data.length} values for dims ${tensor.dims.join('x')}.`);
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(TENSOR_TYPE[tensor.type]);
    sink.u64(offset);
    offset += Math.ceil(tensorBytes(tensor) / alignment) * alignment;
  }
  sink.padTo(alignment);
  for (const tensor of file.tensors) {
    if (tensor.type === 'f32') for (const value of tensor.data) sink.f32(value);
    else for (const value of tensor.data) sink.u16(toHalf(value));
    sink.padTo(alignment);
  }
  return sink.bytes();
}
