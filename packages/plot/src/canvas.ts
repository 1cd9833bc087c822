import { type Rgb, TEXT, WHITE } from './color.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './font.js';
import { encodePng } from './png.js';
import { PlotError } from './errors.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Point = readonly [number, number];

export interface TextStyle {
  color?: Rgb;
  /** Integer magnification of the 5×8 font. */
  scale?: number;
  /** Which part of the text sits at x. */
  align?: 'left' | 'center' | 'right';
  /** Which part of the text sits at y: top of the cell, middle of the capitals, or bottom. */
  baseline?: 'top' | 'middle' | 'bottom';
  /** Turn 90° counter-clockwise, reading bottom to top (for a y-axis label). */
  rotate?: boolean;
}

/**
 * An RGB raster with the few primitives charts need. Pixel (x, y) covers [x, x+1) × [y, y+1);
 * rectangles and text snap to whole pixels so axes and glyphs stay crisp, while lines and circles
 * are anti-aliased by exact pixel coverage so data curves look smooth.
 */
export class Canvas {
  readonly data: Uint8Array;
  /** Drawing outside this rectangle is discarded; null means the whole canvas. */
  clip: Rect | null = null;
  // Coverage of the shape being stroked, composited once per shape so that overlapping segment
  // ends of a polyline do not blend twice and leave dark beads at every joint.
  private coverage: Float32Array | null = null;

  constructor(readonly width: number, readonly height: number, background: Rgb = WHITE) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 2 ** 28) {
      throw new PlotError(`Canvas: width and height must be positive integers (at most 2^28 pixels), got ${width}x${height}`);
    }
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** The pixel bounds that drawing may touch, intersected with the canvas. */
  private bounds(): [number, number, number, number] {
    const c = this.clip;
    if (!c) return [0, 0, this.width, this.height];
    return [
      Math.max(0, Math.floor(c.x)),
      Math.max(0, Math.floor(c.y)),
      Math.min(this.width, Math.ceil(c.x + c.width)),
      Math.min(this.height, Math.ceil(c.y + c.height)),
    ];
  }

  getPixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.data[i], this.data[i + 1], this.data[i + 2]];
  }

  /** Blends `color` over pixel (x, y) with opacity `alpha` (0..1). */
  blend(x: number, y: number, color: Rgb, alpha = 1): void {
    const [x0, y0, x1, y1] = this.bounds();
    if (x < x0 || y < y0 || x >= x1 || y >= y1 || alpha <= 0) return;
    this.blendUnchecked((y * this.width + x) * 3, color, alpha);
  }

  private blendUnchecked(i: number, color: Rgb, alpha: number): void {
    const d = this.data;
    if (alpha >= 1) {
      d[i] = color[0];
      d[i + 1] = color[1];
      d[i + 2] = color[2];
    } else {
      d[i] = Math.round(d[i] + (color[0] - d[i]) * alpha);
      d[i + 1] = Math.round(d[i + 1] + (color[1] - d[i + 1]) * alpha);
      d[i + 2] = Math.round(d[i + 2] + (color[2] - d[i + 2]) * alpha);
    }
  }

  /** Fills whole pixels from (x, y) over width × height, rounding the corners to the grid. */
  fillRect(x: number, y: number, width: number, height: number, color: Rgb, alpha = 1): void {
    const [bx0, by0, bx1, by1] = this.bounds();
    const x0 = Math.max(bx0, Math.round(x));
    const y0 = Math.max(by0, Math.round(y));
    const x1 = Math.min(bx1, Math.round(x + width));
    const y1 = Math.min(by1, Math.round(y + height));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) this.blendUnchecked((py * this.width + px) * 3, color, alpha);
    }
  }

  /** A one-or-more-pixel outline just inside the rectangle. */
  strokeRect(x: number, y: number, width: number, height: number, color: Rgb, thickness = 1): void {
    this.fillRect(x, y, width, thickness, color);
    this.fillRect(x, y + height - thickness, width, thickness, color);
    this.fillRect(x, y, thickness, height, color);
    this.fillRect(x + width - thickness, y, thickness, height, color);
  }

  /** An anti-aliased straight line of the given thickness, in pixel coordinates. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1, alpha = 1): void {
    this.polyline([[x0, y0], [x1, y1]], color, thickness, alpha);
  }

  /**
   * An anti-aliased open path with round joins and caps. Each pixel gets the coverage of the
   * nearest point of the path (distance to the nearest segment against half the thickness),
   * which is exact for thick lines and within a few percent of Wu's algorithm for thin ones.
   * `alpha` (0..1) is the opacity of the whole shape: overlapping shapes drawn one after another
   * blend, so a dense cluster of translucent markers shows darker than a lone one.
   */
  polyline(points: readonly Point[], color: Rgb, thickness = 1, alpha = 1): void {
    if (points.length === 0) return;
    const half = Math.max(0.5, thickness / 2);
    const [bx0, by0, bx1, by1] = this.bounds();
    const cov = (this.coverage ??= new Float32Array(this.width * this.height));
    let ux0 = Infinity, uy0 = Infinity, ux1 = -Infinity, uy1 = -Infinity;
    const n = Math.max(1, points.length - 1);
    for (let s = 0; s < n; s++) {
      const [ax, ay] = points[s];
      const [cx, cy] = points[Math.min(s + 1, points.length - 1)];
      if (![ax, ay, cx, cy].every(Number.isFinite)) continue;
      const x0 = Math.max(bx0, Math.floor(Math.min(ax, cx) - half - 1));
      const y0 = Math.max(by0, Math.floor(Math.min(ay, cy) - half - 1));
      const x1 = Math.min(bx1, Math.ceil(Math.max(ax, cx) + half + 1));
      const y1 = Math.min(by1, Math.ceil(Math.max(ay, cy) + half + 1));
      if (x0 >= x1 || y0 >= y1) continue;
      ux0 = Math.min(ux0, x0); uy0 = Math.min(uy0, y0);
      ux1 = Math.max(ux1, x1); uy1 = Math.max(uy1, y1);
      const dx = cx - ax;
      const dy = cy - ay;
      const len2 = dx * dx + dy * dy;
      for (let py = y0; py < y1; py++) {
        const qy = py + 0.5 - ay;
        for (let px = x0; px < x1; px++) {
          const qx = px + 0.5 - ax;
          const t = len2 > 0 ? Math.min(1, Math.max(0, (qx * dx + qy * dy) / len2)) : 0;
          const ex = qx - t * dx;
          const ey = qy - t * dy;
          const c = half + 0.5 - Math.sqrt(ex * ex + ey * ey);
          if (c <= 0) continue;
          const i = py * this.width + px;
          const v = c >= 1 ? 1 : c;
          if (v > cov[i]) cov[i] = v;
        }
      }
    }
    this.composite(cov, ux0, uy0, ux1, uy1, color, alpha);
  }

  /** An anti-aliased filled disc centred at (cx, cy), with opacity `alpha` (0..1). */
  fillCircle(cx: number, cy: number, radius: number, color: Rgb, alpha = 1): void {
    // A zero-length path with thickness 2r is exactly a disc.
    this.polyline([[cx, cy]], color, radius * 2, alpha);
  }

  /**
   * Fills the area between two curves over the same x, like matplotlib's fill_between, with
   * opacity `alpha` (0..1), in pixel coordinates: at each x[i] the band runs from lower[i] to
   * upper[i] (either may be the greater; where they cross, both sides are filled), linear in
   * between. A point where any of the three is NaN or infinite is a gap that breaks the band; a
   * point alone between gaps is drawn one pixel wide. Anti-aliased at a quarter of a pixel across
   * (each quarter column is filled over the extent of the band in it, to the exact fraction of a
   * pixel up and down), so a million points cost little more than a hundred. The band is one
   * shape: where it folds over itself (x going back) it is covered once, not darker.
   */
  fillBetween(x: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, color: Rgb, alpha = 1): void {
    const SUB = 4;
    const [bx0, by0, bx1, by1] = this.bounds();
    const cols = (bx1 - bx0) * SUB;
    if (cols <= 0 || by0 >= by1) return;
    const n = Math.min(x.length, lower.length, upper.length);
    const cov = (this.coverage ??= new Float32Array(this.width * this.height));
    // The band's extent in each quarter column of the current run, in pixel rows.
    const top = new Float64Array(cols).fill(Infinity);
    const bot = new Float64Array(cols).fill(-Infinity);
    let kLo = cols;
    let kHi = -1;
    const put = (k: number, a: number, b: number) => {
      if (a < top[k]) top[k] = a;
      if (b > bot[k]) bot[k] = b;
      if (k < kLo) kLo = k;
      if (k > kHi) kHi = k;
    };
    let ux0 = Infinity, uy0 = Infinity, ux1 = -Infinity, uy1 = -Infinity;
    const ok = (i: number) => Number.isFinite(x[i]) && Number.isFinite(lower[i]) && Number.isFinite(upper[i]);
    let i = 0;
    while (i < n) {
      if (!ok(i)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < n && ok(j + 1)) j++;
      if (i === j) {
        // A lone point: a pixel-wide stroke from lower to upper.
        const at = (x[i] - bx0) * SUB;
        const [a, b] = lower[i] <= upper[i] ? [lower[i], upper[i]] : [upper[i], lower[i]];
        for (let k = Math.max(0, Math.round(at - SUB / 2)); k < Math.min(cols, Math.round(at + SUB / 2)); k++) put(k, a, b);
      }
      for (let s = i; s < j; s++) {
        let xa = (x[s] - bx0) * SUB, la = lower[s], ua = upper[s];
        let xb = (x[s + 1] - bx0) * SUB, lb = lower[s + 1], ub = upper[s + 1];
        if (xa > xb) [xa, la, ua, xb, lb, ub] = [xb, lb, ub, xa, la, ua];
        if (xb < 0 || xa >= cols) continue;
        const wide = xb - xa;
        const k0 = Math.max(0, Math.floor(xa));
        const k1 = Math.min(cols - 1, wide > 0 ? Math.ceil(xb) - 1 : Math.floor(xb));
        for (let k = k0; k <= k1; k++) {
          // The segment's part inside quarter column k, and the band's bounds at its ends.
          const f0 = wide > 0 ? (Math.max(xa, k) - xa) / wide : 0;
          const f1 = wide > 0 ? (Math.min(xb, k + 1) - xa) / wide : 1;
          const l0 = la + (lb - la) * f0, l1 = la + (lb - la) * f1;
          const u0 = ua + (ub - ua) * f0, u1 = ua + (ub - ua) * f1;
          put(k, Math.min(l0, l1, u0, u1), Math.max(l0, l1, u0, u1));
        }
      }
      // The run's coverage: each quarter column adds the fraction of each pixel its extent covers.
      for (let k = kLo; k <= kHi; k++) {
        const t = Math.max(top[k], by0);
        const b = Math.min(bot[k], by1);
        top[k] = Infinity;
        bot[k] = -Infinity;
        if (!(t < b)) continue;
        const px = bx0 + Math.floor(k / SUB);
        for (let py = Math.floor(t); py < Math.ceil(b); py++) {
          cov[py * this.width + px] += (Math.min(b, py + 1) - Math.max(t, py)) / SUB;
        }
        ux0 = Math.min(ux0, px);
        ux1 = Math.max(ux1, px + 1);
        uy0 = Math.min(uy0, Math.floor(t));
        uy1 = Math.max(uy1, Math.ceil(b));
      }
      kLo = cols;
      kHi = -1;
      i = j + 1;
    }
    if (ux0 < ux1) this.composite(cov, ux0, uy0, ux1, uy1, color, alpha);
  }

  private composite(cov: Float32Array, x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha: number): void {
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const i = py * this.width + px;
        if (cov[i] > 0) {
          // Coverage summed over parts of a shape (fillBetween's runs) may pass 1.
          this.blendUnchecked(i * 3, color, Math.min(1, cov[i]) * alpha);
          cov[i] = 0;
        }
      }
    }
  }

  /** Size in pixels of `text` at integer `scale`; height includes the descender row. */
  static measureText(text: string, scale = 1): { width: number; height: number } {
    const n = [...text].length;
    return { width: n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale, height: GLYPH_HEIGHT * scale };
  }

  measureText(text: string, scale = 1): { width: number; height: number } {
    return Canvas.measureText(text, scale);
  }

  /** Draws `text` in the embedded bitmap font; returns its bounding box. */
  text(text: string, x: number, y: number, style: TextStyle = {}): Rect {
    const { color = TEXT, align = 'left', baseline = 'top', rotate = false } = style;
    const scale = Math.max(1, Math.round(style.scale ?? 1));
    const { width, height } = Canvas.measureText(text, scale);
    // Offsets along the reading direction (u) and across it (v), before any rotation.
    const u0 = align === 'left' ? 0 : align === 'center' ? -Math.round(width / 2) : -width;
    // 'middle' centres the capitals (rows 0..6), not the whole cell with its descender row.
    const v0 = baseline === 'top' ? 0 : baseline === 'middle' ? -Math.round((7 * scale) / 2) : -height;
    const chars = [...text];
    for (let k = 0; k < chars.length; k++) {
      const cols = glyph(chars[k]);
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        const bits = cols[gx];
        if (bits === 0) continue;
        for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
          if (((bits >> gy) & 1) === 0) continue;
          const u = u0 + (k * GLYPH_ADVANCE + gx) * scale;
          const v = v0 + gy * scale;
          // Rotating counter-clockwise maps reading direction +u to screen -y and +v to +x.
          if (rotate) this.fillRect(x + v, y - u - scale, scale, scale, color);
          else this.fillRect(x + u, y + v, scale, scale, color);
        }
      }
    }
    return rotate
      ? { x: x + v0, y: y - u0 - width, width: height, height: width }
      : { x: x + u0, y: y + v0, width, height };
  }

  /** The canvas as a PNG file. */
  toPng(): Buffer {
    return encodePng({ width: this.width, height: this.height, channels: 3, data: this.data });
  }
}
