/// <reference types="node" preserve="true" />
// The declarations use Node.js types (Buffer, Symbol.dispose): consumers need @types/node, which
// TypeScript 6+ loads only when a file asks for it, as this line does.
export { SummaryWriter, type SummaryWriterOptions, type ScalarTensor } from './summary-writer.js';
export { EventFile, eventFileName } from './event-file.js';
export { crc32c, maskedCrc32c } from './crc32c.js';
export { frameRecord } from './record.js';
export { ProtoWriter } from './protobuf.js';
export { encodeEvent, scalarValue, imageValue, histogramValue, textValue, type HistogramData, type EncodedImage } from './messages.js';
export { histogram, tensorflowBucketLimits, type Bins } from './histogram.js';
export { type EmbeddingOptions, type EmbeddingInfo, type MetadataValue, projectorConfigText, pythonFloat } from './embedding.js';
export { type DataSyncable, type Values } from './values.js';
export { TensorBoardError } from './errors.js';
export type { RasterImage } from '@nutshell/plot';
