// Axis ranges and tick values that a person reads easily: steps of 1, 2, 2.5 or 5 times a power
// of ten ("nice numbers", Heckbert 1990), and on log axes powers of ten, with 2 and 5 (or every
// integer) added in between when the range spans too few decades to show three ticks.

import { PlotError } from './errors.js';

/** A mapped axis: its range, where to put ticks and what to write at them. */
export interface Scale {
  lo: number;
  hi: number;
  log: boolean;
  ticks: number[];
  labels: string[];
}

/** The smallest step of the form {1, 2, 2.5, 5} × 10^k that is at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) throw new PlotError(`niceStep: raw step must be positive and finite, got ${raw}`);
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const f = raw / base;
  const eps = 1e-9;
  const nice = f <= 1 + eps ? 1 : f <= 2 + eps ? 2 : f <= 2.5 + eps ? 2.5 : f <= 5 + eps ? 5 : 10;
  return clean(nice * base);
}

/**
 * Tick values covering [min, max] with about `target` ticks; the first and last tick bound the
 * data, so the axis runs from `ticks[0]` to the last tick. 0..1 gives 0, 0.2, …, 1.
 */
export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new PlotError(`niceTicks: min and max must be finite, got ${min}, ${max}`);
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    // A flat series still gets an axis: widen by 10% of its value (or by 1 around zero).
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceStep((max - min) / Math.max(1, target - 1));
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(clean(i * step));
  return ticks;
}

/** Ticks for a log axis over positive [min, max]: 10^k, plus 2·10^k and 5·10^k (or all k·10^k) if needed. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new PlotError(`logTicks: min and max must be positive and finite, got ${min}, ${max}`);
  }
  if (min > max) [min, max] = [max, min];
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.ceil(Math.log10(max) - 1e-9);
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const ticks: number[] = [];
    // Many decades: label every n-th power so labels do not collide.
    const every = mantissas.length === 1 ? Math.max(1, Math.ceil((hi - lo) / 8)) : 1;
    for (let k = lo; k <= hi; k++) {
      if (mantissas.length === 1 && (k - lo) % every !== 0) continue;
      for (const m of mantissas) if (inside(clean(m * 10 ** k))) ticks.push(clean(m * 10 ** k));
    }
    if (ticks.length >= 3 || mantissas.length === 9) return ticks;
  }
  return [];
}

/** A linear axis whose ends are nice tick values around the data. */
export function linearScale(min: number, max: number, target = 6): Scale {
  const ticks = niceTicks(min, max, target);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  return { lo: ticks[0], hi: ticks[ticks.length - 1], log: false, ticks, labels: ticks.map((t) => formatTick(t, step)) };
}

/**
 * A linear axis with nice ticks whose ends hug the data: each end is the data's end rounded out
 * to a fifth of a step of 1 or 5 (a half step of 2 or 2.5, i.e. 10^k for steps 2·10^k … 5·10^k)
 * rather than to a whole step, which left up to a step of empty plot at each side (1920..2111 ran
 * 1900..2150, a fifth of it empty; now 1920..2120). The ends carry no tick unless they fall on
 * one. With fewer than two ticks inside, and for flat data, the ends stay on ticks as in
 * `linearScale`.
 */
export function snugScale(min: number, max: number, target = 6): Scale {
  const nice = linearScale(min, max, target);
  if (min === max || nice.ticks.length < 2) return nice;
  if (min > max) [min, max] = [max, min];
  const step = nice.ticks[1] - nice.ticks[0];
  const unit = snapUnit(step);
  const lo = clean(Math.floor(min / unit + 1e-9) * unit);
  const hi = clean(Math.ceil(max / unit - 1e-9) * unit);
  const inside = clipScale(nice, lo, hi);
  return inside.ticks.length >= 2 ? inside : nice;
}

/** `scale` cut to run from lo to hi, keeping the ticks between them (and their labels). */
export function clipScale(scale: Scale, lo: number, hi: number): Scale {
  const step = scale.ticks.length > 1 ? Math.abs(scale.ticks[1] - scale.ticks[0]) : Math.abs(hi - lo);
  const slack = step * 1e-9;
  const keep = scale.ticks.map((t, i) => [t, scale.labels[i]] as const).filter(([t]) => t >= lo - slack && t <= hi + slack);
  return { lo, hi, log: scale.log, ticks: keep.map(([t]) => t), labels: keep.map(([, l]) => l) };
}

// What a snug axis end rounds to for a nice step: a fifth of 1·10^k or 5·10^k, else 10^k.
function snapUnit(step: number): number {
  const base = 10 ** Math.floor(Math.log10(step) + 1e-9);
  const mantissa = Math.round((step / base) * 10) / 10;
  return clean(mantissa === 1 || mantissa === 5 ? step / 5 : base);
}

/**
 * A linear axis that runs exactly from min to max, with nice ticks inside it. For charts that
 * pad the data by a known amount (bar charts leave room for value labels) and would waste space
 * if the ends were rounded out to the next tick.
 */
export function innerScale(min: number, max: number, target = 6): Scale {
  const all = linearScale(min, max, target);
  const inner = clipScale(all, min, max);
  return min < max ? inner : { ...inner, lo: all.lo, hi: all.hi };
}

/** A log axis over the data padded by 5% of its decades on each side, so the ends are not glued to the frame. */
export function logScale(min: number, max: number): Scale {
  let a = Math.log10(min);
  let b = Math.log10(max);
  const pad = b > a ? (b - a) * 0.05 : 0.5;
  a -= pad;
  b += pad;
  const lo = 10 ** a;
  const hi = 10 ** b;
  const ticks = logTicks(lo, hi);
  return { lo, hi, log: true, ticks, labels: ticks.map(formatNumber) };
}

/** Where `v` falls between pixel `p0` (at scale.lo) and `p1` (at scale.hi). */
export function project(scale: Scale, v: number, p0: number, p1: number): number {
  const f = scale.log
    ? (Math.log10(v) - Math.log10(scale.lo)) / (Math.log10(scale.hi) - Math.log10(scale.lo))
    : (v - scale.lo) / (scale.hi - scale.lo);
  return p0 + f * (p1 - p0);
}

/**
 * A tick label with exactly as many decimals as the step needs, so every label on an axis has
 * the same form (0.0, 0.5, 1.0 rather than 0, 0.5, 1). Very small or large steps use e-notation.
 */
export function formatTick(value: number, step: number): string {
  const magnitude = Math.max(Math.abs(value), Math.abs(step));
  // Fixed notation while it stays short: 0.9996 rather than 9.996e-1, and 1.0000000002 over a
  // narrow range, where a mantissa of 6 digits would print the same label on every tick.
  const decimals = decimalsOf(step);
  if (magnitude < 1e-4 || magnitude >= 1e7 || decimals > 12) return formatExponent(value, step);
  return value.toFixed(decimals).replace(/^-(0\.?0*)$/, '$1');
}

/** A short general-purpose rendering of a number: integers as is, others to 3 significant digits. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e7) return String(v);
  if (a >= 1e-3 && a < 1e7) return String(Number(v.toPrecision(3)));
  return compactExponent(v.toExponential(2));
}

function formatExponent(value: number, step: number): string {
  if (value === 0) return '0';
  // Enough mantissa digits that neighbouring ticks differ.
  const digits = Math.max(0, Math.floor(Math.log10(Math.abs(value))) - Math.floor(Math.log10(Math.abs(step))) + 1);
  return compactExponent(value.toExponential(Math.min(digits, 6)));
}

// '2.50e-5' → '2.5e-5', '1.00e+6' → '1e6'
function compactExponent(s: string): string {
  const [m, e] = s.split('e');
  const mantissa = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
  return `${mantissa}e${Number(e)}`;
}

// The decimals that show a step: the first d where step·10^d is a whole number, not 0 (a tiny
// step such as 1e-9 used to pass at d = 0, its distance from 0 being under the tolerance).
function decimalsOf(step: number): number {
  for (let d = 0; d < 15; d++) {
    const scaled = Math.abs(step) * 10 ** d;
    const whole = Math.round(scaled);
    if (whole !== 0 && Math.abs(scaled - whole) < 1e-6 * scaled) return d;
  }
  return 15;
}

/** Removes binary floating-point noise: 0.1 * 3 → 0.3, and -0 → 0. */
function clean(v: number): number {
  return Number(v.toPrecision(12)) + 0;
}
