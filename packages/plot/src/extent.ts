/**
 * [min, max] of the values that pass `keep` (finite ones by default), or null when none do.
 * A loop rather than Math.min(...values), which overflows the call stack past ~100k values —
 * a training curve of a million steps is ordinary.
 */
export function extent(values: ArrayLike<number>, keep: (v: number) => boolean = Number.isFinite): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!keep(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}
