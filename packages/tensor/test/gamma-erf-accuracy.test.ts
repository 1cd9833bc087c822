// lgamma, digamma, erf and erfc on the cpu run vectorised polynomials (native/src/cpu/vmath.h,
// Note [vectorised special functions]); negative lgamma/digamma arguments go per lane through
// the double-precision definitions. This sweeps ~300k floats of every magnitude and both signs —
// random bit patterns (every binade, subnormals included), dense runs next to lgamma's roots 1
// and 2, digamma's root 1.4616…, the poles and the negative roots, the ends of each polynomial's
// region — and measures float32 ulps against references written here in double: series about 1
// and 2 (so that the references keep their relative accuracy next to the roots), Stirling and
// the asymptotic series, reflection, the positive-term erf series and erfc's continued
// fraction. Then the special values, PyTorch's: lgamma(0) = lgamma(−1) = lgamma(±∞) = +∞,
// digamma(±0) = ∓∞, digamma at the negative integers NaN, erf(±∞) = ±1, erfc(−∞) = 2, NaN
// propagates.
import { describe, expect, it } from 'vitest';
import { digamma, erf, erfc, lgamma, scope, tensor, type Tensor } from '../src/index.js';

const EULER = 0.5772156649015329;

/** ζ(k) − 1 for k ≥ 2: closed forms and constants below 8, the sum to 29 and Euler–Maclaurin's tail above. */
const zetaMinusOne: number[] = (() => {
  const known = [0, 0, Math.PI ** 2 / 6 - 1, 0.2020569031595942854, Math.PI ** 4 / 90 - 1, 0.0369277551433699263, Math.PI ** 6 / 945 - 1, 0.0083492773819228268];
  const z = [...known];
  for (let k = 8; k <= 80; k++) {
    const n = 30;
    let s = 0;
    for (let j = n - 1; j >= 2; j--) s += j ** -k;
    z[k] = s + n ** (1 - k) / (k - 1) + 0.5 * n ** -k + (k / 12) * n ** (-k - 1);
  }
  return z;
})();

/** log Γ(2 + t) = (1 − γ)t + Σₖ (−1)ᵏ (ζ(k) − 1)/k · tᵏ for |t| ≤ 1 (terms shrink like (t/2)ᵏ). */
function lgamma2(t: number): number {
  let sum = 0;
  for (let k = 80; k >= 2; k--) sum = (sum + ((k % 2 === 0 ? 1 : -1) * zetaMinusOne[k]) / k) * t;
  return ((1 - EULER) + sum) * t;
}

/** ψ(2 + t) = 1 − γ + Σₖ (−1)ᵏ (ζ(k) − 1)·tᵏ⁻¹ for |t| ≤ 1. */
function digamma2(t: number): number {
  let sum = 0;
  for (let k = 80; k >= 2; k--) sum = sum * t + (k % 2 === 0 ? 1 : -1) * zetaMinusOne[k];
  return 1 - EULER + sum * t;
}

/** sin(πx) and cot(πx) of a float x, reduced by the nearest integer first (exact). */
const sinPi = (x: number) => Math.sin(Math.PI * (x - Math.round(x)));
const cotPi = (x: number) => 1 / Math.tan(Math.PI * (x - Math.round(x)));

/** log|Γ(x)| in double, relative accuracy kept next to the roots 1 and 2. */
function lgammaRef(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && x === Math.floor(x)) return Infinity;
  if (x < 0) return Math.log(Math.PI / Math.abs(sinPi(x))) - lgammaRef(1 - x);
  if (x < 0.5) return lgamma2(x) - Math.log1p(x) - Math.log(x); // log Γ(2 + x) − log(1 + x) − log x
  if (x < 1.5) return lgamma2(x - 1) - Math.log1p(x - 1);
  if (x < 2.5) return lgamma2(x - 2);
  if (x < 12) {
    let p = 1, y = x;
    while (y >= 2.5) p *= --y;
    return lgamma2(y - 2) + Math.log(p);
  }
  const z = 1 / (x * x);
  const series = (1 / 12 - z * (1 / 360 - z * (1 / 1260 - z * (1 / 1680 - z * (1 / 1188 - z * (691 / 360360 - z / 156)))))) / x;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series;
}

/** ψ(x) in double (PyTorch's edges: ψ(±0) = ∓∞, NaN at the negative integers and −∞). */
function digammaRef(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x === 0) return Object.is(x, -0) ? Infinity : -Infinity;
  if (x < 0) return x === Math.floor(x) ? NaN : digammaRef(1 - x) - Math.PI * cotPi(x);
  if (x < 1) return digamma2(x - 1) - 1 / x; // ψ(1 + x) − 1/x
  if (x < 3) return digamma2(x - 2);
  let shift = 0, y = x;
  while (y < 10) shift -= 1 / y++;
  const z = 1 / (y * y);
  const tail = z * (1 / 12 - z * (1 / 120 - z * (1 / 252 - z * (1 / 240 - z * (1 / 132 - z * (691 / 32760 - z / 12))))));
  return shift + Math.log(y) - 0.5 / y - tail;
}

/** erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): positive terms, no cancellation. */
function erfSeries(x: number): number {
  let term = x, sum = x;
  for (let n = 1; n < 400 && Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** erfc(x) for x ≥ 2: e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))), by modified Lentz. */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-17) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

function erfRef(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  const r = a < 2 ? erfSeries(a) : a > 6 ? 1 : 1 - erfcFraction(a);
  return x < 0 || Object.is(x, -0) ? -r : r;
}

function erfcRef(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  const upper = a < 2 ? 1 - erfSeries(a) : a > 27 ? 0 : erfcFraction(a); // erfc(|x|)
  return x < 0 ? 2 - upper : upper;
}

/** |got − want| in float32 ulps of want rounded to float (subnormals at 2^−149); exact match required for ±∞ and NaN. */
function ulps(got: number, want: number): number {
  const w = Math.fround(want);
  if (Number.isNaN(w)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(w)) return got === w ? 0 : Infinity;
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(w) || 2 ** -126)), -126);
  return Math.abs(got - want) / 2 ** (exponent - 23);
}

/** The sweep: random bit patterns, then dense runs next to the hard points; a length no vector width divides. */
function sweep(): Float32Array {
  const xs: number[] = [];
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  let state = 0x9e3779b9;
  for (let i = 0; i < 150_001; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bits[0] = state;
    if (Number.isFinite(asFloat[0])) xs.push(asFloat[0]);
  }
  // Every float within 2048 ulps of each point, and a run ±1e-3 around it.
  const points = [1, 2, 1.4616321449683623, 0.5, 1.5, 2.5, 3, 8, 0.25, 3.92, 4, 10.05, 10.5,
    // lgamma's negative roots, digamma's, and halfway between poles
    -2.457024738220801, -2.747682646727413, -3.14358088834998, -3.955294284858598, -4.039361839740537, -4.991544640560048,
    -0.5040830082644554, -1.5734984731623509, -2.6107208684441426, -3.635293366436901, -1e-3, -0.5, -1.5, -7.5];
  for (const p of points) {
    const f = new Float32Array([p]);
    const b = new Uint32Array(f.buffer)[0];
    for (let k = -2048; k <= 2048; k += 1) {
      bits[0] = (b + k) >>> 0;
      xs.push(asFloat[0]);
    }
    for (let k = -2000; k <= 2000; k++) xs.push(p + k * 5e-7);
  }
  // Next to the poles: the negative integers ± a few ulps and ± 1e-6 … 1e-1.
  for (let n = 0; n >= -40; n--) {
    for (const d of [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.3]) xs.push(n + d, n - d);
    for (let k = 1; k <= 8; k++) xs.push(Math.fround(n + k * 2 ** -20), Math.fround(n - k * 2 ** -20));
  }
  // Magnitudes 2^−149 … 2^127, a few per binade, both signs.
  for (let e = -149; e <= 127; e++) for (const m of [1, 1.1, 1.5, 1.9]) xs.push(m * 2 ** e, -m * 2 ** e);
  if (xs.length % 16 === 0) xs.push(0.75);
  return Float32Array.from(xs);
}

const xs = sweep();

// Bounds: what the exhaustive run over every float found (native/src/cpu/vmath.h's Note), plus a
// little; negative lgamma/digamma arguments are the double-precision results rounded once.
const cases: [string, (x: Tensor) => Tensor, (v: number) => number, number, number][] = [
  ['lgamma', lgamma, lgammaRef, 1.5, 1],
  ['digamma', digamma, digammaRef, 1.5, 1],
  ['erf', erf, erfRef, 1.5, 1.5],
  ['erfc', erfc, erfcRef, 3, 1.5],
];

describe('lgamma, digamma, erf, erfc on the cpu: float32 ulps against double references', () => {
  it(`the sweep has ${xs.length} values`, () => expect(xs.length).toBeGreaterThan(250_000));

  for (const [name, f, reference, positiveBound, negativeBound] of cases) {
    it(`${name}: within ${positiveBound} ulp for x ≥ 0 and ${negativeBound} ulp for x < 0`, () => {
      scope(() => {
        const ys = f(tensor(xs)).dataSync() as Float32Array;
        const worst = [0, 0], at = [0, 0];
        xs.forEach((x, i) => {
          const side = x < 0 ? 1 : 0;
          const e = ulps(ys[i], reference(x));
          if (!(e <= worst[side])) [worst[side], at[side]] = [e, i];
        });
        for (const [side, bound] of [[0, positiveBound], [1, negativeBound]] as const) {
          const x = xs[at[side]];
          expect(worst[side], `${name}(${x}) = ${ys[at[side]]}, want ${reference(x)} (${worst[side].toFixed(2)} ulp)`).toBeLessThanOrEqual(bound);
        }
      });
    });
  }

  it('special values are PyTorch’s', () => {
    scope(() => {
      const inputs = [0, -0, 1, 2, -1, -2, -1e30, 1e30, 3e38, -3e38, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-37];
      const expected: Record<string, number[]> = {
        lgamma: [Infinity, Infinity, 0, 0, Infinity, Infinity, Infinity, 6.8077554e31, Infinity, Infinity, Infinity, Infinity, NaN, 103.27893, 103.27893, 85.195648],
        digamma: [-Infinity, Infinity, -EULER, 1 - EULER, NaN, NaN, NaN, 69.0776, 88.59685, NaN, Infinity, NaN, NaN, -Infinity, Infinity, -1e37],
        erf: [0, -0, 0.84270079, 0.99532227, -0.84270079, -0.99532227, -1, 1, 1, -1, 1, -1, NaN, 2 ** -149, -(2 ** -149), 1.1283792e-37],
        erfc: [1, 1, 0.15729921, 0.0046777348, 1.84270079, 1.99532227, 2, 0, 0, 2, 0, 2, NaN, 1, 1, 1],
      };
      for (const [name, f] of [['lgamma', lgamma], ['digamma', digamma], ['erf', erf], ['erfc', erfc]] as const) {
        const got = Array.from(f(tensor(inputs)).dataSync() as Float32Array);
        got.forEach((v, i) => {
          const want = expected[name][i];
          const what = `${name}(${Object.is(inputs[i], -0) ? '-0' : inputs[i]}) = ${v}, want ${want}`;
          if (Number.isNaN(want) || !Number.isFinite(want) || want === 0 || Math.abs(want) < 2 ** -126) expect(Object.is(v, want), what).toBe(true);
          else expect(Math.abs(v - want), what).toBeLessThanOrEqual(Math.abs(want) * 1e-5);
        });
      }
    });
  });
});
