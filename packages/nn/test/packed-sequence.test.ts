// Variable-length batches (Note [packed sequences]): recurrent layers on packed input against
// PyTorch (fixtures from scripts/fixtures_nn.py: unsorted lengths, initial states, every
// gradient), and the padding utilities.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile, scope, tensor, type RawTensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import * as nn from '../src/index.js';

const fixture = (name: string) => readSafetensorsFile(fileURLToPath(new URL(`./fixtures/${name}.safetensors`, import.meta.url)));
const toTensor = (r: RawTensor, requiresGrad = false) => tensor(r.data, { shape: r.shape, dtype: r.dtype, requiresGrad });
const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

describe('recurrent layers on packed sequences match PyTorch', () => {
  for (const name of ['packed_lstm_bidirectional', 'packed_gru_batchfirst', 'packed_lstm_projected']) {
    it(name, () => {
      scope(() => {
        const { tensors, metadata } = fixture(name);
        const spec = JSON.parse(metadata.spec) as { cls: 'LSTM' | 'GRU'; args: [number, number, nn.RNNOptions] };
        const batchFirst = JSON.parse(metadata.batchFirst) as boolean;
        const layer = spec.cls === 'LSTM' ? new nn.LSTM(...spec.args) : new nn.GRU(...spec.args);
        layer.loadStateDict(new Map([...tensors].filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), toTensor(v)])));
        const x = toTensor(tensors.get('input')!, true);
        const h0 = toTensor(tensors.get('h0')!, true);
        const c0 = tensors.has('c0') ? toTensor(tensors.get('c0')!, true) : undefined;
        const lengths = Array.from(tensors.get('lengths')!.data as BigInt64Array, Number);
        const packed = nn.packPaddedSequence(x, lengths, { batchFirst, enforceSorted: false });
        const r = layer instanceof nn.LSTM ? layer.forward(packed, { h0, c0 }) : layer.forward(packed, { h0 });
        const total = x.shape[batchFirst ? 1 : 0];
        const { padded, lengths: outLengths } = nn.padPackedSequence(r.output, { batchFirst, paddingValue: -1, totalLength: total });
        expect(Array.from(outLengths.dataSync() as BigInt64Array, Number)).toEqual(lengths);
        const outs: Record<string, Tensor> = { output: padded, h: r.h, ...('c' in r ? { c: (r as { c: Tensor }).c } : {}) };
        let loss: Tensor | undefined;
        for (const [k, o] of Object.entries(outs)) {
          const want = tensors.get(`out.${k}`)!;
          expect(o.shape, k).toEqual(want.shape);
          expectClose(o.dataSync(), want.data, 1e-5, 1e-5, k);
          const term = o.mul(toTensor(tensors.get(`upstream.${k}`)!)).sum();
          loss = loss ? loss.add(term) : term;
        }
        loss!.backward();
        expectClose(x.grad!.dataSync(), tensors.get('grad.input')!.data, 1e-5, 1e-4, 'input gradient');
        expectClose(h0.grad!.dataSync(), tensors.get('grad.h0')!.data, 1e-5, 1e-4, 'h0 gradient');
        if (c0) expectClose(c0.grad!.dataSync(), tensors.get('grad.c0')!.data, 1e-5, 1e-4, 'c0 gradient');
        for (const [k, p] of layer.namedParameters()) expectClose(p.grad!.dataSync(), tensors.get(`grad.param.${k}`)!.data, 1e-5, 1e-4, `gradient of ${k}`);
      });
    });
  }

  it('equal lengths give exactly the unpacked call', () => {
    scope(() => {
      const lstm = new nn.LSTM(2, 3);
      const x = tensor(Array.from({ length: 4 * 2 * 2 }, (_, i) => Math.sin(i)), { shape: [4, 2, 2] });
      const plain = lstm.forward(x);
      const packed = lstm.forward(nn.packPaddedSequence(x, [4, 4]));
      expect(values(nn.padPackedSequence(packed.output).padded)).toEqual(values(plain.output));
      expect(values(packed.c)).toEqual(values(plain.c));
    });
  });
});

describe('padding utilities', () => {
  it('padSequence pads on the right (or left), time-major or batch-first, with gradients', () => {
    scope(() => {
      const a = tensor([1, 2, 3], { requiresGrad: true });
      const b = tensor([4], { requiresGrad: true });
      expect(nn.padSequence([a, b]).shape).toEqual([3, 2]);
      expect(values(nn.padSequence([a, b], { batchFirst: true, paddingValue: -1 }))).toEqual([1, 2, 3, 4, -1, -1]);
      expect(values(nn.padSequence([a, b], { batchFirst: true, paddingSide: 'left' }))).toEqual([1, 2, 3, 0, 0, 4]);
      nn.padSequence([a, b]).sum().backward();
      expect(values(b.grad!)).toEqual([1]);
      const m = nn.padSequence([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])], { batchFirst: true });
      expect(m.shape).toEqual([2, 2, 2]);
      expect(values(m)).toEqual([1, 2, 0, 0, 3, 4, 5, 6]);
    });
  });

  it('packSequence and PackedSequence report lengths and PyTorch batch sizes', () => {
    scope(() => {
      const p = nn.packSequence([tensor([1, 2, 3]), tensor([4, 5]), tensor([6])]);
      expect(p.lengths).toEqual([3, 2, 1]);
      expect(p.batchSizes).toEqual([3, 2, 1]);
      expect(String(p)).toBe('PackedSequence(padded=[3,3], lengths=[3, 2, 1])');
      expect(values(nn.padPackedSequence(p, { batchFirst: true, paddingValue: 9 }).padded)).toEqual([1, 2, 3, 4, 5, 9, 6, 9, 9]);
    });
  });

  it("data, sortedIndices, unsortedIndices and batchSizes are PyTorch's (lengths [3, 5, 1, 5], enforceSorted false)", () => {
    scope(() => {
      const x = tensor(Array.from({ length: 6 * 4 }, (_, i) => i), { shape: [6, 4, 1], requiresGrad: true });
      const p = nn.packPaddedSequence(x, [3, 5, 1, 5], { enforceSorted: false });
      expect(p.sortedIndices).toEqual([1, 3, 0, 2]);
      expect(p.unsortedIndices).toEqual([2, 0, 3, 1]);
      expect(p.batchSizes).toEqual([4, 3, 3, 2, 2]);
      expect(values(p.data)).toEqual([1, 3, 0, 2, 5, 7, 4, 9, 11, 8, 13, 15, 17, 19]);
      p.data.sum().backward();
      expect(values(x.grad!).filter((g) => g === 1).length).toBe(14);
    });
  });

  it('refuse bad lengths and arguments, naming the function', () => {
    scope(() => {
      const x = tensor(new Float32Array(3 * 2), { shape: [3, 2] });
      expect(() => nn.packPaddedSequence(x, [1, 3])).toThrow(/^packPaddedSequence: lengths expected in decreasing order when enforceSorted is true \(pass enforceSorted: false for any order\), got \[1, 3\]$/);
      expect(() => nn.packPaddedSequence(x, [3, 0])).toThrow(/^packPaddedSequence: lengths\[1\] expected an integer from 1 to 3 \(the padded length\), got 0$/);
      expect(() => nn.packPaddedSequence(x, [4, 1])).toThrow(/^packPaddedSequence: lengths\[0\] expected an integer from 1 to 3/);
      expect(() => nn.packPaddedSequence(x, [3])).toThrow(/^packPaddedSequence: lengths has 1 entries but the batch has 2 sequences \(input is \[T, N, …\] unless batchFirst: true\)$/);
      expect(() => nn.packPaddedSequence(x, [3, 2], { batch_first: true } as never)).toThrow(/^packPaddedSequence: unknown option 'batch_first'/);
      expect(() => nn.padPackedSequence(nn.packPaddedSequence(x, [3, 2]), { totalLength: 2 })).toThrow(/^padPackedSequence: totalLength expected an integer at least 3/);
      expect(() => nn.padPackedSequence(x as never)).toThrow(/^padPackedSequence: sequence expected a PackedSequence/);
      expect(() => nn.padSequence([tensor([1, 2]), tensor([[1, 2]])])).toThrow(/^padSequence: sequences\[1\] \[1,2\] has trailing dimensions unlike sequences\[0\] \[2\]$/);
      const lstm = new nn.LSTM(1, 2);
      const packed = nn.packPaddedSequence(tensor(new Float32Array(6), { shape: [3, 2, 1] }), [3, 1]);
      expect(() => lstm.forward(packed, { h0: tensor(new Float32Array(6), { shape: [1, 3, 2] }) })).toThrow(/^LSTM: h0 expected \[layers·directions, 2, hidden\] \(the packed batch's 2 sequences\), got \[1,3,2\]$/);
    });
  });
});
