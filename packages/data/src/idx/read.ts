// Reads IDX files as published (MNIST's and Fashion-MNIST's .gz files, or un-gzipped copies).
// Every size comes from the header and is checked against the file before the data is read, so
// a bad file is a DataError that names it, never an oversized allocation.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataError } from '@nutshell/tensor/errors';
import { fromBigEndian } from './byte-order.js';
import { GZIP_MAGIC, type IdxArray, MAX_HEADER_BYTES } from './format.js';
import { type IdxHeader, parseHeader, sizeMismatch } from './header.js';
import { gunzipIdx } from './gunzip.js';

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];

function readFully(fd: number, into: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new DataError(`readIdx: ${file}: the file shrank while it was being read`);
    done += n;
  }
}

function finish(header: IdxHeader, data: Uint8Array): IdxArray {
  return { data: fromBigEndian(data, header.dtype) as IdxArray['data'], shape: header.shape, dtype: header.dtype };
}

/** Decodes an IDX file already in memory (gzipped or not); `name` is used in error messages. */
export function decodeIdx(bytes: Uint8Array, name = '<buffer>'): IdxArray {
  if (isGzip(bytes)) {
    const { header, bytes: raw } = gunzipIdx(bytes, name);
    return finish(header, raw.subarray(header.headerBytes));
  }
  const header = parseHeader(bytes.subarray(0, MAX_HEADER_BYTES), name, true) as IdxHeader;
  const have = bytes.length - header.headerBytes;
  if (have !== header.dataBytes) throw sizeMismatch(name, header, have, 'the file');
  return finish(header, bytes.subarray(header.headerBytes));
}

/** Reads an IDX file, gzipped (detected by its magic bytes 1f 8b) or not. */
export function readIdx(path: string): IdxArray {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DataError(`readIdx: cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, MAX_HEADER_BYTES));
    readFully(fd, head, 0, path);
    if (isGzip(head)) {
      // The compressed file is the one allocation not bounded by the header: it is the file.
      const gz = new Uint8Array(size);
      readFully(fd, gz, 0, path);
      return decodeIdx(gz, path);
    }
    const header = parseHeader(head, path, true) as IdxHeader;
    const have = size - header.headerBytes;
    if (have !== header.dataBytes) throw sizeMismatch(path, header, have, 'the file');
    const data = new Uint8Array(header.dataBytes);
    readFully(fd, data, header.headerBytes, path);
    return finish(header, data);
  } finally {
    closeSync(fd);
  }
}
