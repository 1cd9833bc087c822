// The safetensors format (https://github.com/huggingface/safetensors): 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}},
// then the raw little-endian bytes. Files are untrusted: every size and offset is bounded by the
// file before anything is allocated, and any inconsistency is a DataError naming the field.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { type AnyTypedArray, type DType, dtypeSize, typedArrayFor } from '../dtype.js';
import { DataError, ValueError } from '../errors.js';

const TO_ST: Record<DType, string> = { float32: 'F32', int32: 'I32', int64: 'I64', uint8: 'U8', bool: 'BOOL' };
const FROM_ST: Record<string, DType> = { F32: 'float32', I32: 'int32', I64: 'int64', U8: 'uint8', BOOL: 'bool' };
const MAX_HEADER = 100 * 1024 * 1024; // what the reference implementation accepts

export interface RawTensor {
  dtype: DType;
  shape: number[];
  data: AnyTypedArray;
  /**
   * Reading: set when the file held another float type (F16, BF16, F64), converted to float32.
   * Writing: F16 or BF16 stores a float32 tensor in half the bytes, rounded to nearest even.
   */
  storedAs?: 'F16' | 'BF16' | 'F64';
}

// float32 → 16-bit floats on writing, rounded to nearest even as PyTorch's .half() / .bfloat16()
// (overflow gives ±inf, NaN stays NaN).
const NARROWED: Record<'F16' | 'BF16', (bits: number) => number> = {
  F16: floatBitsToHalf,
  BF16: (x) => (((x >>> 23) & 0xff) === 0xff && x & 0x7fffff ? (x >>> 16) | 0x40 : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16),
};

function floatBitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  let shift = 13;
  let h: number;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    mant |= 0x800000; // the implicit 1, shifted into a subnormal
    shift = 14 - e;
    h = 0;
  } else {
    h = e << 10;
  }
  const kept = mant >>> shift;
  const rest = mant & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  h += kept;
  if (rest > halfway || (rest === halfway && (kept & 1))) h++; // a carry into the exponent is right (up to ±inf)
  return sign | h;
}

function narrowed(name: string, t: RawTensor): Uint16Array {
  if (t.dtype !== 'float32') throw new ValueError(`safetensors: tensor '${name}' is ${t.dtype}; only float32 tensors can be stored as ${t.storedAs}`);
  const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
  const narrow = NARROWED[t.storedAs as 'F16' | 'BF16'];
  const out = new Uint16Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = narrow(bits[i]);
  return out;
}

// Float types nutshell has no tensors of: read into float32 (exactly for F16 and BF16, rounded to
// nearest for F64), as PyTorch and Hugging Face checkpoints are often half or bfloat16.
const WIDENED: Record<string, { size: number; toFloat32: (bytes: DataView, n: number) => Float32Array }> = {
  F16: { size: 2, toFloat32: (b, n) => Float32Array.from({ length: n }, (_, i) => halfToFloat(b.getUint16(2 * i, true))) },
  BF16: {
    size: 2,
    toFloat32: (b, n) => {
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = b.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    },
  },
  F64: { size: 8, toFloat32: (b, n) => Float32Array.from({ length: n }, (_, i) => b.getFloat64(8 * i, true)) },
};

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // zero and subnormals
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export interface SafetensorsFile {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

/** Encodes named tensors (sorted by name, as the reference writer does) into one buffer. */
/**
 * Safetensors metadata is text to text: a number or object there would be written, and then
 * refused by every reader (ours and PyTorch's), so it is refused before anything is written.
 */
export function checkSafetensorsMetadata(owner: string, metadata: unknown): void {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || (metadata as { isTensor?: boolean }).isTensor) {
    throw new ValueError(`${owner}: metadata expected an object of strings, got ${metadata === null ? 'null' : Array.isArray(metadata) ? 'an array' : typeof metadata}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') {
      throw new ValueError(`${owner}: metadata '${k}' expected a string (safetensors metadata is text), got ${v === null ? 'null' : typeof v} ${typeof v === 'object' ? '' : String(v)}; pass String(value) or JSON.stringify(value)`.replace(' ;', ';'));
    }
  }
}

export function encodeSafetensors(tensors: Iterable<[string, RawTensor]>, metadata: Record<string, string> = {}): Buffer {
  checkSafetensorsMetadata('encodeSafetensors', metadata);
  if (tensors === null || typeof (tensors as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
    throw new ValueError(`encodeSafetensors: tensors expected an iterable of [name, RawTensor] pairs (a Map, or Object.entries(record)), got ${tensors === null ? 'null' : typeof tensors}; nn's save() takes a model or a record of tensors`);
  }
  const entries = [...tensors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const bytes: ArrayBufferView[] = [];
  for (const [name, t] of entries) {
    const want = t.shape.reduce((a, b) => a * b, 1) * dtypeSize(t.dtype);
    if (t.data.byteLength !== want) throw new DataError(`safetensors: tensor '${name}' has ${t.data.byteLength} bytes but shape [${t.shape}] ${t.dtype} needs ${want}`);
    const narrow = t.storedAs === 'F16' || t.storedAs === 'BF16';
    const data = narrow ? narrowed(name, t) : t.data;
    bytes.push(data);
    header[name] = { dtype: narrow ? t.storedAs : TO_ST[t.dtype], shape: t.shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keeps the data 8-byte aligned
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let pos = 8 + headerBytes.length;
  for (const data of bytes) {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, pos);
    pos += data.byteLength;
  }
  return out;
}

/** Decodes a safetensors buffer; `source` names the file in errors. */
const FROM_PYTORCH = "in PyTorch: from safetensors.torch import save_file; save_file(model.state_dict(), 'model.safetensors')";

/** What a file that is not safetensors is, when its first bytes say so (the usual mix-ups). */
function foreignFormat(buf: Uint8Array): string | undefined {
  if (buf[8] === 0x7b) return undefined; // '{' after the 8-byte length: a safetensors header
  if (buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) {
    return `this is a zip archive — PyTorch's torch.save format (pickled, not readable safely outside Python), not safetensors; ${FROM_PYTORCH}`;
  }
  if (buf[0] === 0x80 && buf[1] >= 2 && buf[1] <= 5) return `this is a Python pickle (torch.save's legacy format), not safetensors; ${FROM_PYTORCH}`;
  if (buf[0] === 0x89 && buf[1] === 0x48 && buf[2] === 0x44 && buf[3] === 0x46) return 'this is an HDF5 file (Keras .h5), not safetensors';
  return undefined;
}

export function decodeSafetensors(buf: Uint8Array, source = 'safetensors'): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new DataError(`${source}: ${msg}`);
  };
  if (buf.byteLength < 8) fail(`file is ${buf.byteLength} bytes, shorter than the 8-byte header length`);
  const notSafetensors = foreignFormat(buf);
  if (notSafetensors) fail(notSafetensors);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER, buf.byteLength - 8))) fail(`header length ${headerLen} exceeds the file (${buf.byteLength} bytes) or the 100 MiB limit`);
  const hlen = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, hlen).toString('utf8'));
  } catch (err) {
    fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + hlen;
  const dataLen = buf.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const ranges: [number, number, string][] = [];
  const tensors = new Map<string, RawTensor>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') fail(`tensor '${name}' entry is not an object`);
    const widened = typeof e.dtype === 'string' ? WIDENED[e.dtype] : undefined;
    const dtype = typeof e.dtype === 'string' ? (FROM_ST[e.dtype] ?? (widened ? 'float32' : undefined)) : undefined;
    if (!dtype) fail(`tensor '${name}' has unsupported dtype ${JSON.stringify(e.dtype)} (supported: ${[...Object.keys(FROM_ST), ...Object.keys(WIDENED)].join(', ')})`);
    const elementSize = widened?.size ?? dtypeSize(dtype!);
    if (!Array.isArray(e.shape) || e.shape.length > 16 || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor '${name}' shape ${JSON.stringify(e.shape)} is not a list of at most 16 non-negative integers`);
    }
    const shape = e.shape as number[];
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor '${name}' data_offsets ${JSON.stringify(offs)} is not [begin, end]`);
    }
    const [begin, end] = offs as [number, number];
    if (begin > end || end > dataLen) fail(`tensor '${name}' data_offsets [${begin}, ${end}] lie outside the ${dataLen} data bytes`);
    let numel = shape.includes(0) ? 0 : 1;
    for (const d of shape) {
      if (numel * elementSize > dataLen) break; // stop before overflow; the check below refuses it
      numel *= d;
    }
    if (numel * elementSize !== end - begin) {
      fail(`tensor '${name}' shape [${shape}] ${e.dtype} needs ${numel * elementSize} bytes but data_offsets span ${end - begin}`);
    }
    ranges.push([begin, end, name]);
    // Copy out: the source buffer may not be aligned for the element type.
    const copy = new ArrayBuffer(end - begin);
    new Uint8Array(copy).set(buf.subarray(dataStart + begin, dataStart + end));
    if (widened) {
      tensors.set(name, { dtype: 'float32', shape, data: widened.toFloat32(new DataView(copy), numel), storedAs: e.dtype as RawTensor['storedAs'] });
      continue;
    }
    tensors.set(name, { dtype: dtype!, shape, data: typedArrayFor(dtype!, copy) });
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][0] < ranges[i - 1][1]) fail(`tensors '${ranges[i - 1][2]}' and '${ranges[i][2]}' overlap in the data section`);
  }
  return { tensors, metadata };
}

/**
 * Writes a file atomically: a temp file beside it, fsync, rename (a crash leaves the old file).
 * Temp files of the same target left by processes that died mid-write are removed first.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true }); // as writePng does: a run folder need not exist yet
  removeAbandonedTemps(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {} // some filesystems refuse fsync on directories
}

// A process killed between writing its temp file and the rename leaves the temp file behind (a
// user trial: two 2 MB files after eight kills mid-save, never cleaned). Those of `path` whose
// writer is no longer running go; a live writer's (another process saving the same file) stays.
function removeAbandonedTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || isRunning(Number(m[1]))) continue;
    try {
      unlinkSync(join(dirname(path), name));
    } catch {} // another process removed it first
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

export function readSafetensorsFile(path: string): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new DataError(`${path}: cannot read (${(err as Error).message})`);
  }
  return decodeSafetensors(buf, path);
}
