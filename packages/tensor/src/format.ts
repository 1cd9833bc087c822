// toString in PyTorch's manner: tensor([[ 0.1000, -2.0000], …], dtype=int32, device='cuda:0').
//
// Note [printing like PyTorch]: torch/_tensor_str.py's formatter, rule for rule, since a user
// reads gradients by printing them: one format for the whole tensor, chosen from the finite
// non-zero values shown — whole numbers print as `1.`; scientific (`1.0000e-06`) when the largest
// is over 1e8 or over 1000 times the smallest, or (not all whole) the smallest is under 1e-4;
// otherwise 4 decimals. Every element is padded to the widest, and rows wrap at 80 columns. (Fixed
// 4 decimals printed a gradient of 1e-6 as 0.0000.) Elements of an abridged tensor (over 1000)
// are chosen from the 3 at each end of every dimension, as PyTorch does.
import type { Tensor } from './tensor.js';

const EDGE = 3; // items shown at each end of an abridged dimension
const THRESHOLD = 1000; // numel above which dimensions are abridged
const LINE_WIDTH = 80;
const PRECISION = 4;
const PREFIX = 'tensor(';

type Value = number | bigint | boolean;

/** Python's `{:.4e}`: at least two exponent digits (JS writes 1.0000e-8). */
function scientific(n: number): string {
  const [mantissa, exponent] = n.toExponential(PRECISION).split('e');
  const sign = exponent[0] === '-' ? '-' : '+';
  const digits = exponent.replace(/^[+-]/, '');
  return `${mantissa}e${sign}${digits.padStart(2, '0')}`;
}

/** Python's `{:.Nf}`, which keeps the sign of -0 (JS's toFixed drops it there only). */
function fixed(n: number, digits: number): string {
  const text = n.toFixed(digits);
  return Object.is(n, -0) ? '-' + text : text;
}

function nonFinite(n: number): string {
  return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
}

/** How every element of one tensor is written, from the values that will be shown. */
function formatterFor(floating: boolean, shown: readonly Value[]): (v: Value) => string {
  const plain = (v: Value) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  if (!floating) {
    const width = Math.max(1, ...shown.map((v) => plain(v).length));
    return (v) => plain(v).padStart(width);
  }
  const finite = shown.map(Number).filter((n) => Number.isFinite(n) && n !== 0);
  // With nothing finite and non-zero to go by, PyTorch keeps its whole-number format: zeros print as `0.`.
  let mode: 'int' | 'sci' | 'fixed' = 'int';
  let width = 1;
  if (finite.length > 0) {
    const abs = finite.map(Math.abs);
    const least = Math.min(...abs);
    const most = Math.max(...abs);
    const whole = finite.every((n) => n === Math.ceil(n));
    const wide = most / least > 1000 || most > 1e8;
    mode = whole ? (wide ? 'sci' : 'int') : wide || least < 1e-4 ? 'sci' : 'fixed';
    for (const n of finite) {
      const text = mode === 'sci' ? scientific(n) : mode === 'int' ? fixed(n, 0) + '.' : fixed(n, PRECISION);
      width = Math.max(width, text.length);
    }
  }
  return (v) => {
    const n = Number(v);
    let text: string;
    if (!Number.isFinite(n)) text = nonFinite(n);
    else if (mode === 'sci') text = scientific(n);
    else if (mode === 'int') text = fixed(n, 0) + '.';
    else text = fixed(n, PRECISION);
    return text.padStart(width);
  };
}

export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return `tensor(<disposed>, shape=[${t.shape.join(', ')}], dtype=${t.dtype})`;
  const raw = t.dataSync();
  const value = (i: number): Value => (t.dtype === 'bool' ? raw[i] !== 0 : raw[i]);
  const abridge = t.numel > THRESHOLD;
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  // The positions of dimension `dim` that are shown (-1: the "..." between the two ends).
  const shownAt = (dim: number): number[] => {
    const n = t.shape[dim];
    return abridge && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
  };
  const shownValues = (dim: number, offset: number): Value[] =>
    dim === t.shape.length ? [value(offset)] : shownAt(dim).filter((i) => i >= 0).flatMap((i) => shownValues(dim + 1, offset + i * strides[dim]));
  const format = formatterFor(t.dtype === 'float32', t.numel === 0 ? [] : shownValues(0, 0));

  const render = (dim: number, offset: number, indent: number): string => {
    if (dim === t.shape.length - 1) {
      const items = shownAt(dim).map((i) => (i < 0 ? ' ...' : format(value(offset + i))));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (format(value(offset)).length + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
    }
    const sep = ',' + '\n'.repeat(t.shape.length - dim - 1) + ' '.repeat(indent + 1);
    return '[' + shownAt(dim).map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * strides[dim], indent + 1))).join(sep) + ']';
  };
  // PyTorch's suffixes: the shape of an empty tensor unless 1-d; the dtype unless float32, or
  // int64 and bool when there are values to tell them by (1 vs 1., True).
  const extras: string[] = [];
  if (t.numel === 0 && t.shape.length !== 1) extras.push(`size=(${t.shape.join(', ')})`);
  const evident = t.numel > 0 && (t.dtype === 'int64' || t.dtype === 'bool');
  if (t.dtype !== 'float32' && !evident) extras.push(`dtype=${t.dtype}`);
  if (t.device.type !== 'cpu') extras.push(`device='${t.device}'`);
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}Backward>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  const body = t.numel === 0 ? '[]' : t.shape.length === 0 ? format(value(0)).trim() : render(0, 0, PREFIX.length);
  return `${PREFIX}${body}${extras.length ? ', ' + extras.join(', ') : ''})`;
}
