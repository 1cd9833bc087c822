// Parses and checks an IDX header before anything the size of the data is allocated: the
// element count comes from untrusted dims, so it is computed in doubles and bounded here.
import { DataError } from '@nutshell/tensor/errors';
import { type IdxDType, hex, idxTypeByCode, idxTypes, knownCodes } from './format.js';

/** A header's dims in a message: a corrupt one may claim up to 255 of them. */
export const fmtDims = (shape: readonly number[]): string =>
  shape.length <= 6 ? `[${shape.join(', ')}]` : `[${shape.slice(0, 4).join(', ')}, … ${shape.length} dims]`;

export interface IdxHeader {
  readonly dtype: IdxDType;
  readonly shape: number[];
  /** Bytes taken by the magic number and dims. */
  readonly headerBytes: number;
  /** Bytes of values the dims call for. */
  readonly dataBytes: number;
}

/**
 * Reads the header from the first bytes of a file. Returns the number of bytes still needed
 * when `bytes` is too short to hold it all (and `complete` is false); throws on a bad header.
 */
export function parseHeader(bytes: Uint8Array, file: string, complete: boolean): IdxHeader | number {
  const short = (need: number, what: string) => {
    if (!complete) return need;
    throw new DataError(`readIdx: ${file}: truncated header: ${what} needs ${need} bytes but the file has ${bytes.length}`);
  };
  if (bytes.length < 4) return short(4, 'the magic number');
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`readIdx: ${file}: magic number ${hex(magic, 8)} is not IDX (its first two bytes must be 0x00 0x00)`);
  }
  const dtype = idxTypeByCode.get(bytes[2]);
  if (!dtype) {
    throw new DataError(`readIdx: ${file}: magic number ${hex(magic, 8)} has dtype byte ${hex(bytes[2])}, which is not an IDX type (${knownCodes()})`);
  }
  const ndims = bytes[3];
  if (ndims === 0) throw new DataError(`readIdx: ${file}: magic number ${hex(magic, 8)} says 0 dimensions; expected at least 1`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) return short(headerBytes, `${ndims} dims`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const dataBytes = count * idxTypes[dtype].size;
  if (!Number.isSafeInteger(dataBytes)) {
    throw new DataError(`readIdx: ${file}: dims ${fmtDims(shape)} of ${dtype} come to ${dataBytes} bytes, more than any file can hold`);
  }
  return { dtype, shape, headerBytes, dataBytes };
}

/** The refusal for a file whose size disagrees with its header's dims. */
export function sizeMismatch(file: string, header: IdxHeader, have: number, where: string): DataError {
  const claim = `dims ${fmtDims(header.shape)} of ${header.dtype} need ${header.dataBytes} bytes of data`;
  return have < header.dataBytes
    ? new DataError(`readIdx: ${file}: ${claim} but ${where} has only ${have} (truncated, or a header that overstates its size)`)
    : new DataError(`readIdx: ${file}: ${claim} but ${where} has ${have} (${have - header.dataBytes} bytes the header does not account for)`);
}
