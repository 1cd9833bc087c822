// Inflating an untrusted .gz without trusting it: the IDX header is read from a bounded prefix
// of the stream first, and the full inflate is then capped (zlib's maxOutputLength) at exactly
// the size that header calls for, so neither a lying header nor a gzip bomb can make us
// allocate more than the header's own (already plausibility-checked) claim.
import { constants, gunzipSync } from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { DataError } from '@nutshell/tensor/errors';
import { type IdxHeader, fmtDims, parseHeader, sizeMismatch } from './header.js';

/** Deflate's best case is about 1032:1; no honest .gz file inflates to more than this. */
const MAX_RATIO = 1032;
/** Cap on what one header probe may inflate to (the header itself is at most 1 KiB). */
const PROBE_CAP = 1 << 20;

type ZlibError = Error & { code?: string };

function zlibFailure(file: string, err: unknown): DataError {
  return new DataError(`readIdx: ${file}: gzip data is corrupt or truncated (zlib: ${(err as Error).message})`);
}

/** Inflates the first `n` compressed bytes, or says the result would pass PROBE_CAP. */
function probe(gz: Uint8Array, n: number, file: string): Buffer | 'too-large' {
  try {
    return gunzipSync(gz.subarray(0, n), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: PROBE_CAP });
  } catch (err) {
    if ((err as ZlibError).code === 'ERR_BUFFER_TOO_LARGE') return 'too-large';
    throw zlibFailure(file, err);
  }
}

/** Reads the IDX header at the start of a gzip stream by inflating ever longer prefixes. */
function gzipHeader(gz: Uint8Array, file: string): IdxHeader {
  // Output grows with the prefix; search for a prefix that yields the whole header but stays
  // under PROBE_CAP (one more input byte adds at most a few KiB, so such a prefix exists).
  let lo = 0;
  let hi = Infinity;
  let n = Math.min(256, gz.length);
  for (;;) {
    const out = probe(gz, n, file);
    if (out === 'too-large') hi = n;
    else {
      const header = parseHeader(out, file, n === gz.length);
      if (typeof header !== 'number') return header;
      lo = n;
    }
    const next = hi === Infinity ? Math.min(n * 4, gz.length) : Math.floor((lo + hi) / 2);
    if (next <= lo || next >= hi) throw new DataError(`readIdx: ${file}: could not find the IDX header in the gzip stream`);
    n = next;
  }
}

/** The IDX header and the whole inflated file (header included) of a .gz IDX file. */
export function gunzipIdx(gz: Uint8Array, file: string): { header: IdxHeader; bytes: Uint8Array } {
  const header = gzipHeader(gz, file);
  const total = header.headerBytes + header.dataBytes;
  const most = gz.length * MAX_RATIO + 1024;
  if (total > most) {
    throw new DataError(
      `readIdx: ${file}: dims ${fmtDims(header.shape)} of ${header.dtype} need ${header.dataBytes} bytes of data but a ` +
        `${gz.length}-byte gzip file inflates to at most ${most} (a header that overstates its size)`,
    );
  }
  // The trailer's ISIZE is the inflated size mod 2^32 (of the last member: these files have one).
  const isize = gz.length >= 18 ? new DataView(gz.buffer, gz.byteOffset + gz.length - 4, 4).getUint32(0, true) : undefined;
  if (isize !== undefined && isize !== total % 2 ** 32) {
    throw new DataError(
      `readIdx: ${file}: dims ${fmtDims(header.shape)} of ${header.dtype} make a ${total}-byte file but the gzip trailer ` +
        `(ISIZE) says it inflates to ${isize} bytes (a truncated or damaged file, or a header that lies about its size)`,
    );
  }
  if (total > bufferConstants.MAX_LENGTH) {
    throw new DataError(`readIdx: ${file}: dims ${fmtDims(header.shape)} of ${header.dtype} need ${header.dataBytes} bytes, more than one buffer can hold`);
  }
  let bytes: Buffer;
  try {
    bytes = gunzipSync(gz, { maxOutputLength: Math.max(1, total) });
  } catch (err) {
    if ((err as ZlibError).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataError(
        `readIdx: ${file}: gzip data inflates to more than the ${total} bytes its header's dims ${fmtDims(header.shape)} ` +
          `call for (a header that understates its size, or a gzip bomb); stopped at the header's size`,
      );
    }
    throw zlibFailure(file, err);
  }
  if (bytes.length !== total) throw sizeMismatch(file, header, bytes.length - header.headerBytes, 'the inflated file');
  return { header, bytes };
}
