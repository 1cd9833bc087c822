import { PlotError } from './errors.js';

export type Rgb = readonly [number, number, number];
/** A colour as '#rrggbb' / '#rgb' or as [r, g, b] with 0..255 components. */
export type Color = string | Rgb;

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const TEXT: Rgb = [34, 34, 34];
export const AXIS: Rgb = [80, 80, 80];
export const GRID: Rgb = [228, 228, 228];
export const MISSING: Rgb = [200, 200, 200];

/**
 * Default series colours: matplotlib's "tab10", chosen to stay distinct from each other and
 * readable on white. Series beyond ten reuse them; pass `color` to tell those apart.
 */
export const PALETTE: readonly Rgb[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
].map((c) => parseHex(c));

/**
 * Colours of class indices in masks (imageGrid's normalize: 'classes'): matplotlib's "tab20"
 * without its two greys — grey is for ignored pixels — so 18 classes get colours of their own;
 * more reuse them in turn.
 */
export const CLASS_PALETTE: readonly Rgb[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#dbdb8d', '#9edae5',
].map((c) => parseHex(c));

export function seriesColor(index: number): Rgb {
  return PALETTE[index % PALETTE.length];
}

export function toRgb(color: Color, where = 'color'): Rgb {
  if (typeof color === 'string') return parseHex(color, where);
  if (Array.isArray(color) && color.length === 3 && color.every((c) => Number.isFinite(c))) {
    return [clampByte(color[0]), clampByte(color[1]), clampByte(color[2])];
  }
  throw new PlotError(`${where}: expected '#rrggbb' or [r, g, b], got ${JSON.stringify(color)}`);
}

function parseHex(hex: string, where = 'color'): Rgb {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new PlotError(`${where}: expected '#rrggbb' or [r, g, b], got ${JSON.stringify(hex)}`);
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

export const clampByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Relative luminance (WCAG), 0 for black to 1 for white. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Black or white, whichever has the higher WCAG contrast ratio against `background`. */
export function contrastText(background: Rgb): Rgb {
  const l = luminance(background);
  // contrast(white) = 1.05 / (l + 0.05), contrast(black) = (l + 0.05) / 0.05; equal at l ≈ 0.179.
  return l > 0.179 ? BLACK : WHITE;
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t].map(clampByte) as unknown as Rgb;
}

export type ColormapName = 'viridis' | 'blues' | 'gray';

// Evenly spaced samples of matplotlib's maps; linear interpolation between them is within a
// couple of levels of the full 256-entry tables, which is far below what the eye can tell.
const COLORMAPS: Record<ColormapName, readonly Rgb[]> = {
  viridis: ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725'].map((c) => parseHex(c)),
  blues: ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'].map((c) => parseHex(c)),
  gray: [BLACK, WHITE],
};

export function isColormap(name: unknown): name is ColormapName {
  return typeof name === 'string' && name in COLORMAPS;
}

/** Colour of `t` in 0..1 on the named map; values outside are clamped, NaN is grey. */
export function colormap(name: ColormapName, t: number): Rgb {
  if (Number.isNaN(t)) return MISSING;
  const stops = COLORMAPS[name];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  return mix(stops[i], stops[i + 1], x - i);
}
