export function maxAbsDiff(a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(Number(a[i]) - Number(b[i])));
  return m;
}

/** Throws with the worst element when |a − b| > atol + rtol·|b| anywhere (NaNs must match). */
export function expectClose(actual: ArrayLike<number | bigint>, expected: ArrayLike<number | bigint>, atol = 1e-5, rtol = 1e-4, what = 'values'): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const x = Number(actual[i]);
    const y = Number(expected[i]);
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    if (x === y) continue;
    // An infinite expectation is met only by itself: rtol·|∞| would accept anything.
    if (!Number.isFinite(y) || !(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      throw new Error(`${what}: element ${i} is ${x}, expected ${y} (|diff| ${Math.abs(x - y)} > ${atol} + ${rtol}·|expected|)`);
    }
  }
}
