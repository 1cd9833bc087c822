// An event-file reader for the tests, written apart from the writer (bitwise CRC rather than a
// table, a generic protobuf decoder) so that a mistake in one is not mirrored by the other.

/** CRC-32C computed bit by bit, straight from the definition. */
export function slowCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function masked(bytes: Uint8Array): number {
  const c = slowCrc32c(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** Splits a TFRecord file into record payloads, checking both CRCs of each. */
export function readRecords(file: Uint8Array): Uint8Array[] {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 12 > buf.length) throw new Error(`truncated header at ${at}`);
    const header = buf.subarray(at, at + 8);
    if (buf.readUInt32LE(at + 8) !== masked(header)) throw new Error(`length CRC mismatch at ${at}`);
    const len = Number(buf.readBigUInt64LE(at));
    if (at + 12 + len + 4 > buf.length) throw new Error(`truncated record at ${at}`);
    const data = buf.subarray(at + 12, at + 12 + len);
    if (buf.readUInt32LE(at + 12 + len) !== masked(data)) throw new Error(`data CRC mismatch at ${at}`);
    records.push(data);
    at += 12 + len + 4;
  }
  return records;
}

export type FieldValue = bigint | Uint8Array;
export type Message = Map<number, FieldValue[]>;

/** Decodes one protobuf message into field number → values (varints as bigint, the rest as bytes). */
export function decodeMessage(bytes: Uint8Array): Message {
  const fields: Message = new Map();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated varint');
      const b = bytes[at++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let value: FieldValue;
    if (wire === 0) value = varint();
    else if (wire === 1) value = bytes.subarray(at, (at += 8));
    else if (wire === 5) value = bytes.subarray(at, (at += 4));
    else if (wire === 2) {
      const len = Number(varint());
      value = bytes.subarray(at, (at += len));
    } else throw new Error(`unsupported wire type ${wire}`);
    if (at > bytes.length) throw new Error('field runs past the end');
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
export const asDouble = (v: FieldValue | undefined) => view(v as Uint8Array).getFloat64(0, true);
export const asFloat = (v: FieldValue | undefined) => view(v as Uint8Array).getFloat32(0, true);
export const asString = (v: FieldValue | undefined) => Buffer.from(v as Uint8Array).toString('utf8');
export const asInt = (v: FieldValue | undefined) => BigInt.asIntN(64, v as bigint);
export const asDoubles = (v: FieldValue | undefined) => {
  const b = v as Uint8Array;
  return Array.from({ length: b.length / 8 }, (_, i) => view(b).getFloat64(i * 8, true));
};

export interface DecodedValue {
  tag: string;
  simpleValue?: number;
  image?: { height: number; width: number; colorspace: number; png: Uint8Array };
  histo?: { min: number; max: number; num: number; sum: number; sumSquares: number; bucketLimit: number[]; bucket: number[] };
  tensor?: { dtype: number; shape: Message; stringVal: string[] };
  pluginName?: string;
}

export interface DecodedEvent {
  wallTime: number;
  step: bigint;
  fileVersion?: string;
  values: DecodedValue[];
}

export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const e = decodeMessage(bytes);
  const summary = e.get(5)?.[0];
  const values = summary ? (decodeMessage(summary as Uint8Array).get(1) ?? []).map((v) => decodeValue(v as Uint8Array)) : [];
  return {
    wallTime: asDouble(e.get(1)?.[0]),
    step: e.has(2) ? asInt(e.get(2)![0]) : 0n,
    fileVersion: e.has(3) ? asString(e.get(3)![0]) : undefined,
    values,
  };
}

function decodeValue(bytes: Uint8Array): DecodedValue {
  const v = decodeMessage(bytes);
  const out: DecodedValue = { tag: asString(v.get(1)?.[0]) };
  if (v.has(2)) out.simpleValue = asFloat(v.get(2)![0]);
  if (v.has(4)) {
    const img = decodeMessage(v.get(4)![0] as Uint8Array);
    out.image = {
      height: Number(img.get(1)![0]),
      width: Number(img.get(2)![0]),
      colorspace: Number(img.get(3)![0]),
      png: img.get(4)![0] as Uint8Array,
    };
  }
  if (v.has(5)) {
    const h = decodeMessage(v.get(5)![0] as Uint8Array);
    out.histo = {
      min: asDouble(h.get(1)![0]),
      max: asDouble(h.get(2)![0]),
      num: asDouble(h.get(3)![0]),
      sum: asDouble(h.get(4)![0]),
      sumSquares: asDouble(h.get(5)![0]),
      bucketLimit: asDoubles(h.get(6)![0]),
      bucket: asDoubles(h.get(7)![0]),
    };
  }
  if (v.has(8)) {
    const t = decodeMessage(v.get(8)![0] as Uint8Array);
    out.tensor = { dtype: Number(t.get(1)![0]), shape: decodeMessage(t.get(2)![0] as Uint8Array), stringVal: (t.get(8) ?? []).map(asString) };
  }
  if (v.has(9)) {
    const pluginData = decodeMessage(decodeMessage(v.get(9)![0] as Uint8Array).get(1)![0] as Uint8Array);
    out.pluginName = asString(pluginData.get(1)![0]);
  }
  return out;
}
