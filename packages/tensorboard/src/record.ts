import { maskedCrc32c } from './crc32c.js';

/**
 * Frames one serialized Event as a TFRecord:
 *   uint64 LE length | uint32 LE masked CRC-32C of those 8 bytes | data | uint32 LE masked CRC-32C of data.
 * The length has its own CRC so that a reader can trust the length before reading that many bytes.
 */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}
