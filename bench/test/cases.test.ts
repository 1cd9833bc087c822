import { describe, expect, it } from 'vitest';
import { allCases, CUDA_ALGOS, opCases, overheadCases } from '../src/suites/cases.js';
import { shapes } from '../src/paths.js';

// The cases are only described here (nothing runs): the cuda ones cannot run without a GPU, and
// their description is what the harness, python/ops.py and the goals rely on.
describe('bench cases per device', () => {
  it('cpu keeps its ids and peers', () => {
    const ids = opCases('cpu').map((c) => c.id);
    expect(ids).toContain('conv.resnet3x3.fwdbwd');
    expect(ids).toContain('lstm.fwdbwd');
    expect(ids.every((id) => !id.startsWith('cuda.'))).toBe(true);
    const conv = opCases('cpu').find((c) => c.id === 'conv.resnet3x3.fwd')!;
    expect(conv.py).toMatchObject({ kind: 'conv', device: 'cpu', backward: false });
    expect(conv.ort).toBeDefined();
    expect(conv.tfjs).toBeDefined();
    expect(opCases('cpu').find((c) => c.id === 'matmul.1024')!.numpy).toBe(true);
  });

  it('cuda: one convolution row per cuDNN algorithm and pass, PyTorch beside auto only, no cpu-only peers', () => {
    const cases = [...opCases('cuda'), ...overheadCases('cuda')];
    expect(cases.every((c) => c.id.startsWith('cuda.') && c.label.startsWith('cuda '))).toBe(true);
    const convs = cases.filter((c) => c.id.startsWith('cuda.conv.'));
    expect(convs).toHaveLength(shapes.conv.length * 2 * CUDA_ALGOS.length);
    expect(convs.filter((c) => c.py).map((c) => c.id.split('.').pop())).toEqual(Array(shapes.conv.length * 2).fill('auto'));
    for (const c of cases) {
      expect(c.ort).toBeUndefined();
      expect(c.tfjs).toBeUndefined();
      expect(c.numpy).toBeFalsy();
      if (c.py) expect(c.py.device).toBe('cuda');
    }
    expect(cases.map((c) => c.id)).toEqual(expect.arrayContaining(['cuda.lstm.fwdbwd', 'cuda.matmul.1024', 'cuda.maxpool.fwd', 'cuda.overhead.add', 'cuda.overhead.autograd', 'cuda.conv.incep5x5.fwd.fft']));
  });

  it('every id is unique across devices (the child looks cases up by id)', () => {
    const ids = allCases().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
