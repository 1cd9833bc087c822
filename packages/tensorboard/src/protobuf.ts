// Just enough of the protocol buffers wire format to write TensorBoard's messages: varints,
// 32/64-bit fixed fields, length-delimited fields and nested messages. Writing is all we need,
// so a dependency on a protobuf runtime and generated code would be mostly dead weight.

const enum Wire {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  Fixed32 = 5,
}

const utf8 = new TextEncoder();

export class ProtoWriter {
  private parts: Uint8Array[] = [];
  // Small fields collect here and are cut into a part only when a large byte field arrives, so
  // an image's PNG bytes are referenced, not copied number by number.
  private pending: number[] = [];

  private tag(field: number, wire: Wire): void {
    this.varint((field << 3) | wire);
  }

  private varint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      let v = value;
      while (v > 0x7f) {
        this.pending.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.pending.push(v);
      return;
    }
    // Negative numbers are sign-extended to 64 bits (ten bytes), as protobuf does for int32/int64.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
  }

  private raw(bytes: Uint8Array): void {
    if (bytes.length < 64) {
      for (const b of bytes) this.pending.push(b);
      return;
    }
    this.cut();
    this.parts.push(bytes);
  }

  private cut(): void {
    if (this.pending.length > 0) {
      this.parts.push(Uint8Array.from(this.pending));
      this.pending = [];
    }
  }

  /** int32, int64, uint64 and enum fields; `value` must be an integer. */
  int(field: number, value: number | bigint): this {
    this.tag(field, Wire.Varint);
    this.varint(value);
    return this;
  }

  double(field: number, value: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.tag(field, Wire.Fixed64);
    this.raw(b);
    return this;
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.tag(field, Wire.Fixed32);
    this.raw(b);
    return this;
  }

  fixed32(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, true);
    this.tag(field, Wire.Fixed32);
    this.raw(b);
    return this;
  }

  fixed64(field: number, value: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.tag(field, Wire.Fixed64);
    this.raw(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, Wire.LengthDelimited);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** A packed repeated double field: one length-delimited run of 8-byte little-endian values. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 8);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    this.cut();
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
