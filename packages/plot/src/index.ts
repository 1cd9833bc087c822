/// <reference types="node" preserve="true" />
// The declarations use Node.js types (Buffer, Symbol.dispose): consumers need @types/node, which
// TypeScript 6+ loads only when a file asks for it, as this line does.
export { lineChart, type LineChartOptions, type LineSeries, type BandSeries } from './line-chart.js';
export type { LegendPlacement } from './legend.js';
export { scatterChart, type ScatterChartOptions, type ScatterSeries } from './scatter-chart.js';
export { barChart, type BarChartOptions } from './bar-chart.js';
export { heatmap, type HeatmapOptions } from './heatmap.js';
export { imageGrid, type ImageGridOptions } from './image-grid.js';
export type { NormalizeMode } from './image-normalize.js';
export type { AxisLimitOptions } from './axis-range.js';
export { encodePng, type PixelBuffer } from './png.js';
export { writePng, writeFileAtomic } from './write.js';
export { crc32 } from './crc32.js';
export { Canvas, type Rect, type Point, type TextStyle } from './canvas.js';
export { type Color, type Rgb, type ColormapName, PALETTE, CLASS_PALETTE, colormap, contrastText, toRgb } from './color.js';
export { GLYPH_WIDTH, GLYPH_HEIGHT, GLYPH_ADVANCE, glyph } from './font.js';
export { niceStep, niceTicks, logTicks, linearScale, innerScale, snugScale, logScale, formatTick, formatNumber, type Scale } from './ticks.js';
export { type RasterImage, type TensorLike, checkImage, toPixels, imageOfTensor, imagesOfBatch, isTensorLike } from './raster.js';
export { extent } from './extent.js';
export { PlotError } from './errors.js';
