// Encoders for the few TensorFlow protos an event file needs. Field numbers are from
// tensorflow/core/util/event.proto, framework/summary.proto and framework/tensor.proto.
import { ProtoWriter } from './protobuf.js';

export interface HistogramData {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket. */
  bucketLimit: number[];
  bucket: number[];
}

export interface EncodedImage {
  height: number;
  width: number;
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  colorspace: number;
  png: Uint8Array;
}

/** The data type enum value TensorProto uses for strings (types.proto: DT_STRING = 7). */
const DT_STRING = 7;

/** Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; } */
export function encodeEvent(event: { wallTime: number; step?: number; fileVersion?: string; summary?: ProtoWriter[] }): Uint8Array {
  const w = new ProtoWriter().double(1, event.wallTime);
  if (event.step !== undefined) w.int(2, event.step);
  if (event.fileVersion !== undefined) w.string(3, event.fileVersion);
  if (event.summary !== undefined) {
    // Summary { repeated Value value = 1; }
    const summary = new ProtoWriter();
    for (const v of event.summary) summary.message(1, v);
    w.message(5, summary);
  }
  return w.finish();
}

// Summary.Value { string tag = 1; float simple_value = 2; Image image = 4; HistogramProto histo = 5;
//                 TensorProto tensor = 8; SummaryMetadata metadata = 9; }
// The payload fields form a oneof, so each is written even when it holds its default (a 0.0
// scalar left out would leave the oneof empty and the point would vanish).

export function scalarValue(tag: string, value: number): ProtoWriter {
  return new ProtoWriter().string(1, tag).float(2, value);
}

/** Summary.Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; } */
export function imageValue(tag: string, image: EncodedImage): ProtoWriter {
  const img = new ProtoWriter().int(1, image.height).int(2, image.width).int(3, image.colorspace).bytes(4, image.png);
  return new ProtoWriter().string(1, tag).message(4, img);
}

/** HistogramProto { double min = 1; max = 2; num = 3; sum = 4; sum_squares = 5; repeated double bucket_limit = 6 [packed]; bucket = 7 [packed]; } */
export function histogramValue(tag: string, h: HistogramData): ProtoWriter {
  const histo = new ProtoWriter()
    .double(1, h.min)
    .double(2, h.max)
    .double(3, h.num)
    .double(4, h.sum)
    .double(5, h.sumSquares)
    .packedDoubles(6, h.bucketLimit)
    .packedDoubles(7, h.bucket);
  return new ProtoWriter().string(1, tag).message(5, histo);
}

/**
 * Text as the text plugin reads it: a scalar string tensor, with metadata naming the plugin.
 * SummaryMetadata { PluginData plugin_data = 1; } PluginData { string plugin_name = 1; }
 * TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2; repeated bytes string_val = 8; }
 */
export function textValue(tag: string, text: string): ProtoWriter {
  const metadata = new ProtoWriter().message(1, new ProtoWriter().string(1, 'text'));
  // An empty TensorShapeProto is a scalar; written explicitly so readers see the shape field.
  const tensor = new ProtoWriter().int(1, DT_STRING).message(2, new ProtoWriter()).string(8, text);
  return new ProtoWriter().string(1, tag).message(8, tensor).message(9, metadata);
}
