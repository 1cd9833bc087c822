// Recurrent results destructure the PyTorch way (a user trial: `const [out, [h, c]] =
// lstm.forward(x)` gave "object is not iterable"), lengths come in every form an int64 tensor
// reads back as, an empty batch is refused as PyTorch refuses it, and dropout on a one-layer
// recurrent layer warns as PyTorch does.
import { describe, expect, it } from 'vitest';
import { scope, tensor, type Tensor } from '@nutshell/tensor';
import * as nn from '../src/index.js';

const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);
const sequence = (shape: number[]) => tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(0.7 * i)), { shape });

describe("recurrent results destructure as PyTorch's tuples and still read by name", () => {
  it('LSTM → [output, [h, c]] (torch: (output, (h_n, c_n)))', () => {
    scope(() => {
      const lstm = new nn.LSTM(2, 3);
      const r = lstm.forward(sequence([4, 1, 2]));
      const [out, [h, c]] = r;
      expect(out).toBe(r.output);
      expect(h).toBe(r.h);
      expect(c).toBe(r.c);
      expect(h.shape).toEqual([1, 1, 3]);
      // The names stay the only enumerable keys beside the positions, and destructuring by name works.
      const { output, h: h2, c: c2 } = r;
      expect([output, h2, c2]).toEqual([out, h, c]);
      expect(r.length).toBe(2);
    });
  });

  it('GRU and RNN → [output, h] (torch: (output, h_n))', () => {
    scope(() => {
      for (const layer of [new nn.GRU(2, 3), new nn.RNN(2, 3, { nonlinearity: 'relu' })]) {
        const r = layer.forward(sequence([4, 2, 2]));
        const [out, h] = r;
        expect(out).toBe(r.output);
        expect(h).toBe(r.h);
        expect(h.shape).toEqual([1, 2, 3]);
      }
    });
  });

  it('a packed batch through LSTM, then padPackedSequence → [padded, lengths]', () => {
    scope(() => {
      const lstm = new nn.LSTM(2, 3, { batchFirst: true });
      const x = sequence([2, 4, 2]);
      const [packedOut, [h]] = lstm.forward(nn.packPaddedSequence(x, [4, 2], { batchFirst: true }));
      const [padded, lengths] = nn.padPackedSequence(packedOut, { batchFirst: true });
      const byName = nn.padPackedSequence(packedOut, { batchFirst: true });
      expect(values(padded)).toEqual(values(byName.padded));
      expect(padded.shape).toEqual([2, 4, 3]);
      expect(Array.from(lengths.dataSync() as BigInt64Array, Number)).toEqual([4, 2]);
      expect(h.shape).toEqual([1, 2, 3]);
    });
  });

  it("LSTMCell → [h, c], and its result is the next step's state", () => {
    scope(() => {
      const cell = new nn.LSTMCell(2, 3);
      const x = sequence([1, 2]);
      const first = cell.forward(x);
      const [h, c] = first;
      expect([h, c]).toEqual([first.h, first.c]);
      const next = cell.forward(x, first);
      const byFields = cell.forward(x, { h, c });
      expect(values(next.h)).toEqual(values(byFields.h));
      // A bare tuple is still PyTorch's habit, refused as before.
      expect(() => cell.forward(x, [h, c] as never)).toThrow(/^LSTMCell: state expected an object \{ h, c \}, got an array/);
    });
  });
});

describe('packPaddedSequence lengths (a user trial: Int32Array and [3n, 2n] were refused)', () => {
  const x = () => sequence([3, 2, 1]);
  const forms: [string, Parameters<typeof nn.packPaddedSequence>[1]][] = [
    ['Int32Array', new Int32Array([3, 2])],
    ['BigInt64Array', new BigInt64Array([3n, 2n])],
    ['bigints', [3n, 2n]],
    ['Uint8Array', new Uint8Array([3, 2])],
    ['Float64Array of integers', new Float64Array([3, 2])],
    ['int32 tensor', tensor([3, 2], { dtype: 'int32' })],
    ['int64 tensor', tensor([3, 2], { dtype: 'int64' })],
  ];
  for (const [name, lengths] of forms) {
    it(`takes ${name}`, () => {
      scope(() => {
        const p = nn.packPaddedSequence(x(), lengths);
        expect(p.lengths).toEqual([3, 2]);
        expect(p.batchSizes).toEqual([2, 2, 1]);
      });
    });
  }

  it('refuses bad entries naming them as given, and what is no list at all', () => {
    scope(() => {
      expect(() => nn.packPaddedSequence(x(), [4n, 2n])).toThrow(/^packPaddedSequence: lengths\[0\] expected an integer from 1 to 3 \(the padded length\), got 4n$/);
      expect(() => nn.packPaddedSequence(x(), new Int32Array([3, 0]))).toThrow(/^packPaddedSequence: lengths\[1\] expected an integer from 1 to 3 \(the padded length\), got 0$/);
      expect(() => nn.packPaddedSequence(x(), new Float32Array([3, 1.5]))).toThrow(/^packPaddedSequence: lengths\[1\] expected an integer from 1 to 3 \(the padded length\), got 1.5$/);
      expect(() => nn.packPaddedSequence(x(), ['3', 2] as never)).toThrow(/^packPaddedSequence: lengths\[0\] expected an integer from 1 to 3 \(the padded length\), got a string \('3'\)$/);
      expect(() => nn.packPaddedSequence(x(), { 0: 3, 1: 2 } as never)).toThrow(/^packPaddedSequence: lengths expected an array of integers, a typed array or a tensor, got a plain object$/);
    });
  });
});

describe('an empty batch (a user trial: an internal narrow error about -Infinity)', () => {
  it('is refused as PyTorch refuses it ("Cannot pack empty tensors"), naming the input', () => {
    scope(() => {
      expect(() => nn.packPaddedSequence(sequence([3, 1, 2]).narrow(1, 0, 0), [])).toThrow(/^packPaddedSequence: cannot pack an empty batch: input \[3,0,2\] has no sequences \(dim 1\)$/);
      expect(() => nn.packPaddedSequence(sequence([1, 3, 2]).narrow(0, 0, 0), [], { batchFirst: true })).toThrow(/^packPaddedSequence: cannot pack an empty batch: input \[0,3,2\] has no sequences \(dim 0\)$/);
      expect(() => nn.packPaddedSequence(sequence([1, 2, 2]).narrow(0, 0, 0), [1, 1])).toThrow(/^packPaddedSequence: cannot pack empty sequences: input \[0,2,2\] has a padded length of 0 \(dim 0\)$/);
      expect(() => nn.packSequence([])).toThrow(/^packSequence: cannot pack an empty batch: sequences is an empty array$/);
    });
  });
});

describe('dropout on a one-layer recurrent layer', () => {
  it("warns once with PyTorch's message and a code (dropout acts between layers only)", async () => {
    const warnings: Error[] = [];
    const listener = (w: Error) => warnings.push(w);
    process.on('warning', listener);
    try {
      new nn.LSTM(2, 3, { dropout: 0.5, numLayers: 2 }); // between two layers: no warning
      new nn.GRU(2, 3, { dropout: 0.2 });
      new nn.LSTM(2, 3, { dropout: 0.5 });
      new nn.RNN(2, 3); // no dropout: no warning
      await new Promise((r) => setImmediate(r)); // warnings are emitted on a later tick
    } finally {
      process.off('warning', listener);
    }
    const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'NUTSHELL_RNN_DROPOUT_ONE_LAYER');
    expect(ours.length).toBe(1);
    expect(ours[0].message).toBe(
      'dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects numLayers greater than 1, but got dropout=0.2 and numLayers=1',
    );
  });
});
