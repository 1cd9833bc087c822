// toString in PyTorch's manner: tensor([[0.1000, 2.0000], …], dtype=int32, device='cuda:0').
import type { Tensor } from './tensor.js';

const EDGE = 3; // items shown at each end of an abridged dimension
const THRESHOLD = 1000; // numel above which dimensions are abridged

export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return `tensor(<disposed>, shape=[${t.shape.join(', ')}], dtype=${t.dtype})`;
  const values = t.dataSync();
  const abridge = t.numel > THRESHOLD;
  const asText = (v: number | bigint): string => {
    if (t.dtype === 'bool') return v ? 'True' : 'False';
    if (t.dtype !== 'float32') return String(v);
    const n = Number(v);
    if (Number.isNaN(n)) return 'nan';
    if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
    return n.toFixed(4);
  };
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const render = (dim: number, offset: number, indent: string): string => {
    if (t.shape.length === 0) return asText(values[0]);
    const n = t.shape[dim];
    const idx = abridge && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    if (dim === t.shape.length - 1) {
      return '[' + idx.map((i) => (i < 0 ? '...' : asText(values[offset + i]))).join(', ') + ']';
    }
    const sep = ',' + '\n'.repeat(t.shape.length - dim - 1) + indent + ' ';
    return '[' + idx.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * strides[dim], indent + ' '))).join(sep) + ']';
  };
  const extras: string[] = [];
  if (t.numel === 0) extras.push(`size=(${t.shape.join(', ')})`);
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.device.type !== 'cpu') extras.push(`device='${t.device}'`);
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}Backward>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  const body = t.numel === 0 ? '[]' : render(0, 0, '       ');
  return `tensor(${body}${extras.length ? ', ' + extras.join(', ') : ''})`;
}
