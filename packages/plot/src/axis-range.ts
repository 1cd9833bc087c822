// The range of an xy chart's axis: around the data by default, or fixed at either end by the
// chart's xMin / xMax / yMin / yMax (matplotlib's set_xlim / set_ylim). Data outside a fixed range
// is not dropped but clipped at the plot's edge, so a line leaving the window runs to its border.

import { describeValue } from './options.js';
import { PlotError } from './errors.js';
import { clipScale, formatNumber, logScale, logTicks, type Scale, snugScale } from './ticks.js';
import type { Range } from './xy-frame.js';

/** The options that fix an axis's ends; any subset. */
export interface AxisLimitOptions {
  /** Left end of the x axis; default: around the data. */
  xMin?: number;
  /** Right end of the x axis. */
  xMax?: number;
  /** Bottom end of the y axis. */
  yMin?: number;
  /** Top end of the y axis. */
  yMax?: number;
}

/** The fixed ends of one axis; an end left out follows the data. */
export interface AxisLimits {
  min?: number;
  max?: number;
}

export const LIMIT_OPTIONS = ['xMin', 'xMax', 'yMin', 'yMax'] as const;

/** matplotlib's spellings of the limits, for the hint in an unknown-option error. */
export const LIMITS_RENAMED: Readonly<Record<string, string>> = {
  xlim: 'xMin and xMax', ylim: 'yMin and yMax', xmin: 'xMin', xmax: 'xMax', ymin: 'yMin', ymax: 'yMax',
};

/**
 * Checks xMin … yMax: finite numbers, positive on a log axis, min below max when both are given.
 * Returns the limits of each axis.
 */
export function axisLimits(fn: string, options: AxisLimitOptions & { logX?: boolean; logY?: boolean }): { x: AxisLimits; y: AxisLimits } {
  for (const key of LIMIT_OPTIONS) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PlotError(`${fn}: ${key} must be a finite number, got ${describeValue(v)}`);
    const log = key[0] === 'x' ? 'logX' : 'logY';
    if (options[log] === true && !(v > 0)) throw new PlotError(`${fn}: ${key} must be > 0 on a log axis (${log}: true), got ${v}`);
  }
  for (const axis of ['x', 'y'] as const) {
    const min = options[`${axis}Min`];
    const max = options[`${axis}Max`];
    if (min !== undefined && max !== undefined && !(min < max)) {
      throw new PlotError(`${fn}: ${axis}Min must be less than ${axis}Max, got ${axis}Min ${min} and ${axis}Max ${max}`);
    }
  }
  return { x: { min: options.xMin, max: options.xMax }, y: { min: options.yMin, max: options.yMax } };
}

/**
 * The scale of one axis with about `target` ticks. Without limits: a log axis over the data
 * padded by 5% of its decades, a linear one snug around the data widened by `pad` times its span
 * on each side. A fixed end is kept exactly; a free end is where the data would put it. When
 * the data lie wholly beyond the one fixed end (or there are none), the free end is the data's
 * span away from it (a decade on a log axis).
 */
export function axisScale(data: Range, limits: AxisLimits, log: boolean, pad: number, target: number): Scale {
  const { min, max } = limits;
  if (log) {
    const auto = logScale(...(data ?? [1, 10]));
    if (min === undefined && max === undefined) return auto;
    let lo = min ?? auto.lo;
    let hi = max ?? auto.hi;
    if (!(hi > lo)) [lo, hi] = min !== undefined ? [lo, lo * 10] : [hi / 10, hi];
    const ticks = logTicks(lo, hi);
    return { lo, hi, log: true, ticks, labels: ticks.map(formatNumber) };
  }
  const auto = padded(data ?? [0, 1], pad);
  if (min === undefined && max === undefined) return snugScale(...auto, target);
  let lo = min ?? auto[0];
  let hi = max ?? auto[1];
  if (!(hi > lo)) {
    const span = auto[1] - auto[0] || Math.abs(min ?? max!) * 0.1 || 1;
    [lo, hi] = min !== undefined ? [lo, lo + span] : [hi - span, hi];
  }
  const around = snugScale(lo, hi, target);
  return clipScale(around, min ?? around.lo, max ?? around.hi);
}

// Linear axes only (a log axis pads in decades). A span of zero is left to niceTicks' widening.
function padded([lo, hi]: [number, number], pad: number): [number, number] {
  const span = hi - lo;
  return pad > 0 && span > 0 ? [lo - pad * span, hi + pad * span] : [lo, hi];
}
