// einsum, PyTorch's torch.einsum, composed: each operand first loses its repeated subscripts
// (diagonals) and the subscripts nothing else needs (summed), then operands are contracted left
// to right, each pair as one batched matmul (oneDNN / cuBLAS) — shared subscripts still needed
// later are the batch, shared ones needed no more are summed by the product, the rest are the
// rows and columns — and the result is summed and permuted into the output's order. Gradients
// come from those ops. '...' stands for the dims no letter names, broadcast from the right; an
// explicit output without '...' sums over them, as PyTorch's ('b...,b...->b').

import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { clone } from './composed-ops.js';
import { diagonal } from './composed-shape.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { contiguous, expand, permute, reshape } from './shape.js';
import { tensorArg } from '../check-args.js';

/** An operand with one label per dim (labels are single characters; '...' dims get private ones). */
interface Labelled {
  t: Tensor;
  labels: string[];
}

const ELLIPSIS_BASE = 0x2460; // private labels ①②③… for the dims '...' covers

function parse(equation: string, count: number): { inputs: string[][]; output: string[] | null } {
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  if (eq.indexOf('->', arrow + 1) >= 0 && arrow >= 0) throw new ValueError(`einsum: equation '${equation}' has more than one '->'`);
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const stray = /[^a-zA-Z.,]/.exec(lhs + (arrow >= 0 ? eq.slice(arrow + 2) : ''));
  if (stray) throw new ValueError(`einsum: equation '${equation}' has '${stray[0]}'; subscripts are letters a-z, A-Z and '...', operands are separated by ',' and the output follows '->'`);
  const terms = lhs.split(',');
  if (terms.length !== count) throw new ValueError(`einsum: equation '${equation}' has ${terms.length} operand${terms.length > 1 ? 's' : ''} but ${count} tensor${count === 1 ? ' was' : 's were'} given`);
  const split = (term: string, where: string): string[] => {
    const out: string[] = [];
    for (let i = 0; i < term.length; i++) {
      if (term.startsWith('...', i)) {
        if (out.includes('...')) throw new ValueError(`einsum: ${where} '${term}' has '...' twice`);
        out.push('...');
        i += 2;
      } else if (/[a-zA-Z]/.test(term[i])) out.push(term[i]);
      else throw new ValueError(`einsum: ${where} '${term}' has '${term[i]}'; subscripts are letters a-z, A-Z and '...'`);
    }
    return out;
  };
  return {
    inputs: terms.map((t, i) => split(t, `operand ${i}`)),
    output: arrow >= 0 ? split(eq.slice(arrow + 2), 'output') : null,
  };
}

/** PyTorch's einsum: `einsum('bij,bjk->bik', a, b)`; the operands may also come as one array. */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  if (typeof equation !== 'string') throw new ValueError(`einsum: equation expected a string, got ${typeof equation}`);
  const tensors = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  tensors.forEach((t, i) => {
    tensorArg('einsum', `operand ${i}`, t);
    // Pairs contract through matmul, which is float32 only here (PyTorch also contracts integers).
    if (t.dtype !== 'float32') throw new DTypeError(`einsum: operand ${i} expected float32, got ${t.dtype} (cast it with .float())`);
  });
  if (tensors.length === 0) throw new ValueError('einsum: expected at least one operand');
  const { inputs, output } = parse(equation, tensors.length);

  // '...' → private labels, right-aligned across operands (broadcast like elementwise ops).
  const ellipsisDims = Math.max(0, ...inputs.map((labels, i) => (labels.includes('...') ? tensors[i].shape.length - (labels.length - 1) : 0)));
  const ellipsisLabels = Array.from({ length: ellipsisDims }, (_, k) => String.fromCharCode(ELLIPSIS_BASE + k));
  const operandsLabelled: Labelled[] = inputs.map((labels, i) => {
    const t = tensors[i];
    const named = labels.filter((l) => l !== '...').length;
    if (labels.includes('...') ? t.shape.length < named : t.shape.length !== named) {
      throw new ShapeError(`einsum: operand ${i} has ${t.shape.length} dims ${fmtShape(t.shape)} but subscripts '${labels.join('')}' name ${named}`);
    }
    const own = t.shape.length - named;
    return { t, labels: labels.flatMap((l) => (l === '...' ? ellipsisLabels.slice(ellipsisDims - own) : [l])) };
  });

  // Sizes: one per label; 1 broadcasts.
  const size = new Map<string, number>();
  const sizeFrom = new Map<string, number>();
  operandsLabelled.forEach(({ t, labels }, i) =>
    labels.forEach((l, d) => {
      const s = t.shape[d];
      const seen = size.get(l);
      if (seen === undefined || seen === 1) {
        size.set(l, s);
        sizeFrom.set(l, i);
      } else if (s !== seen && s !== 1) {
        const name = l.charCodeAt(0) >= ELLIPSIS_BASE ? "a '...' dim" : `subscript '${l}'`;
        const j = sizeFrom.get(l)!;
        throw new ShapeError(`einsum: ${name} has size ${seen} in operand ${j} ${fmtShape(tensors[j].shape)} but ${s} in operand ${i}${i === j ? '' : ` ${fmtShape(t.shape)}`}`);
      }
    }),
  );

  // Without '->': '...' first, then the letters that appear once in the whole equation, sorted.
  const total = new Map<string, number>();
  for (const { labels } of operandsLabelled) for (const l of labels) total.set(l, (total.get(l) ?? 0) + 1);
  const letters = [...total.keys()].filter((l) => l.charCodeAt(0) < ELLIPSIS_BASE);
  const outLabels = output ? output.flatMap((l) => (l === '...' ? ellipsisLabels : [l])) : [...ellipsisLabels, ...letters.filter((l) => total.get(l) === 1).sort()];
  if (output) {
    const seen = new Set<string>();
    for (const l of outLabels) {
      if (seen.has(l)) throw new ValueError(`einsum: output subscript '${l}' appears twice in '${equation}'`);
      seen.add(l);
      if (!size.has(l)) throw new ValueError(`einsum: output subscript '${l}' appears in no operand of '${equation}'`);
    }
  }

  return scope(() => {
    let ops = operandsLabelled.map((o) => takeDiagonals(o));
    // A label only one operand has and the output lacks is summed at once.
    ops = ops.map((o, i) => sumOut(o, (l) => !outLabels.includes(l) && !ops.some((p, j) => j !== i && p.labels.includes(l))));
    // While contracting with operand i, a label is still needed if the output or a later operand has it.
    const neededAfter = (i: number) => new Set([...outLabels, ...ops.slice(i + 1).flatMap((o) => o.labels)]);
    let acc = ops[0];
    for (let i = 1; i < ops.length; i++) acc = contract(acc, ops[i], neededAfter(i), size);
    acc = sumOut(acc, (l) => !outLabels.includes(l));
    const full = broadcastTo(acc, size);
    const order = outLabels.map((l) => acc.labels.indexOf(l));
    const result = order.every((d, i) => d === i) ? full : permute(full, order);
    return tensors.includes(result) ? clone(result) : result; // always a new tensor, as every op's
  });
}

// Repeated labels within one operand ('ii'): their diagonal, one dim per label.
function takeDiagonals({ t, labels }: Labelled): Labelled {
  let x = t;
  let ls = [...labels];
  for (;;) {
    const d0 = ls.findIndex((l, i) => ls.indexOf(l) !== i);
    if (d0 < 0) return { t: x, labels: ls };
    const first = ls.indexOf(ls[d0]);
    if (x.shape[first] !== x.shape[d0]) throw new ShapeError(`einsum: subscript '${ls[d0]}' repeats over dims of sizes ${x.shape[first]} and ${x.shape[d0]} ${fmtShape(x.shape)}`);
    // Move the pair to the end, take the diagonal of the last two dims (it becomes the last dim).
    const rest = ls.map((_, i) => i).filter((i) => i !== first && i !== d0);
    x = diagonal(permute(x, [...rest, first, d0]));
    ls = [...rest.map((i) => ls[i]), ls[d0]];
  }
}

function sumOut({ t, labels }: Labelled, drop: (label: string) => boolean): Labelled {
  const dims = labels.map((l, i) => (drop(l) ? i : -1)).filter((i) => i >= 0);
  if (dims.length === 0) return { t, labels };
  return { t: sum(t, { dim: dims }), labels: labels.filter((l) => !drop(l)) };
}

// An operand's dims expanded to the full label sizes (size-1 dims broadcast).
function broadcastTo({ t, labels }: Labelled, size: Map<string, number>): Tensor {
  const full = labels.map((l) => size.get(l)!);
  return full.every((s, i) => s === t.shape[i]) ? t : contiguous(expand(t, full));
}

// One batched matmul: a [batch…, left…, shared…] · b [batch…, shared…, right…].
function contract(a: Labelled, b: Labelled, needed: Set<string>, size: Map<string, number>): Labelled {
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed.has(l));
  const shared = a.labels.filter((l) => inB.has(l) && !needed.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !a.labels.includes(l));
  const arrange = (o: Labelled, order: string[]) => {
    const x = broadcastTo(o, size);
    const perm = order.map((l) => o.labels.indexOf(l));
    return perm.every((d, i) => d === i) ? x : permute(x, perm);
  };
  const n = (ls: string[]) => ls.reduce((p, l) => p * size.get(l)!, 1);
  const am = reshape(arrange(a, [...batch, ...left, ...shared]), [n(batch), n(left), n(shared)]);
  const bm = reshape(arrange(b, [...batch, ...shared, ...right]), [n(batch), n(shared), n(right)]);
  const product = matmul(am, bm);
  const labels = [...batch, ...left, ...right];
  return { t: reshape(product, labels.map((l) => size.get(l)!)), labels };
}
