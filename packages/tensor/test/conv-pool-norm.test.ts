// The user-level functions of the conv / pool / norm family: what the op table cannot see
// (option parsing, unbatched inputs, conv1d as a view onto conv2d, 'same' padding, batchNorm's
// running statistics, no leaked intermediates). Expected values come from PyTorch 2.13 (the
// snippet that made them is in the comment above `torchValues`), on inputs sin(a·i + b).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  backends,
  batchNorm,
  conv1d,
  conv2d,
  layerNorm,
  maxPool2d,
  memory,
  mul,
  scope,
  setNumThreads,
  sum,
  tensor,
  type Tensor,
} from '../src/index.js';
import { expectClose, hashString, normal, seededRandom } from '../src/testing/index.js';
import * as T from '../src/index.js';

const seq = (shape: number[], a = 0.37, b = 0.1, requiresGrad = false): Tensor =>
  tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(a * i + b)), { shape, requiresGrad });

// Standard-normal values of `shape` from `rand`.
const randomTensor = (rand: () => number, shape: number[], requiresGrad = false): Tensor =>
  tensor(Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => normal(rand)), { shape, requiresGrad });

// The parity runs of our cpu convolution kernels: conv2d's output and the gradients of
// Σ y·up (Σ y without `up`) on `threads` threads, with `algo` ('direct' forces oneDNN's).
function convWithGradients(x: Tensor, w: Tensor, b: Tensor | undefined, up: Tensor | null, options: Parameters<typeof conv2d>[3], threads: number) {
  return scope(() => {
    setNumThreads(threads);
    x.grad = null;
    w.grad = null;
    const y = conv2d(x, w, b, options);
    sum(up ? mul(y, up) : y).backward();
    return { y: y.dataSync(), dx: x.grad?.dataSync(), dw: w.grad!.dataSync() };
  });
}
const firstDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.prototype.findIndex.call(a, (v: number, i: number) => v !== b[i]);

// import torch.nn.functional as F; seq(n, a, b) = [sin(a*i + b) for i in range(n)] as float32
// conv1d: F.conv1d(x[2,3,7], w[4,3,3](.53,.2), b[4](1.1,.3), padding='same', dilation=2), upstream seq(.71,.4)
// conv1dStride: F.conv1d(x[1,4,9], w[2,2,3](.53,.2), stride=2, padding=1, groups=2)
// conv2dSame: F.conv2d(x[1,2,5,6], w[3,2,2,4](.53,.2), padding='same')
// bn: F.batch_norm(x[4,3,2,2], rm=seq(3,.9,.5), rv=|seq(3,.4,.2)|+.5, training=True, momentum=.2)
// adaptive: F.adaptive_avg_pool2d(x[3,5,7], (2, None)); maxUnbatched: F.max_pool2d(x[3,5,7], 2, 1, 1, 2, ceil_mode=True)
const torchValues = {"conv1d":{"y":[2.145416,1.680666,1.673356,0.586285,-0.54014,-0.763548,-1.331766,0.139964,-0.483123,-1.691233,-2.05722,-2.011395,-0.84354,-0.365459,-1.348788,-0.955792,-1.087606,-0.042682,1.08902,1.446917,2.070189,0.178722,0.847066,2.039996,2.526315,2.610815,1.484175,1.077869,-0.485012,-1.127268,-2.327521,-2.729869,-2.722745,-1.556607,-1.103319,-0.96013,-0.58087,-0.746748,0.289099,1.419193,1.808369,2.44146,1.154955,1.840886,3.022037,3.543671,3.666686,2.545365,2.164983,1.567142,1.266873,1.568771,0.592995,-0.522933,-1.041239,-1.718134],"gx":[0.803533,-0.385819,0.011181,0.120119,0.171006,-1.272045,-1.764698,2.005701,2.687679,1.167099,0.994336,0.341034,1.256458,-0.563037,-0.880562,0.282599,-0.056003,-0.158306,-0.184104,1.22379,1.786322,-0.895864,-1.640499,0.152621,0.166924,0.100557,-1.706874,-0.994964,2.566585,1.425443,0.744128,-0.031846,-0.79243,-1.347872,-2.504322,0.797294,1.585755,-0.181199,-0.165701,-0.070123,1.758639,1.091143],"gw":[-2.595652,2.563956,4.338963,3.971842,0.481129,-3.802269,-4.169912,-3.383503,2.137753,2.988543,4.910095,1.401376,-0.932925,-4.700386,-3.405625,-1.399415,3.096457,4.399704,4.118441,-0.062055,-3.624902,-4.447207,-2.876175,2.066959,3.456852,4.961278,0.104082,-0.890023,-4.941715,-3.248417,-1.333115,3.234853,4.458828,3.160827,-0.568476,-4.34667],"gb":[0.294086,3.016705,1.243052,-2.383317]},"conv1dStride":{"y":[0.113603,-0.030228,-0.184809,-0.242723,-0.034817,-0.389622,-0.019068,0.105285,0.174568,-0.25315]},"conv2dSame":{"y":[5.376587,7.757204,7.383657,6.010768,2.548779,0.068853,-0.9608,-4.356121,-6.387328,-7.55404,-5.601336,-2.934787,-4.214879,-2.490197,0.33929,3.122856,4.223822,3.479611,6.057029,7.36703,5.97709,3.778181,0.494293,-1.272427,-1.773447,-3.448469,-4.071123,-4.14277,-2.774105,-1.290201,-4.849729,-4.225288,-1.883374,0.713445,2.940862,3.189789,4.736294,7.083308,6.578112,5.182599,1.699918,-0.610656,-0.876945,-4.339172,-6.07025,-6.979749,-4.99624,-2.451441,-3.675975,-1.836795,0.761456,3.256647,4.34106,3.574705,2.86006,3.537331,2.98014,2.019601,0.33626,-0.601148,0.306547,-2.805818,-5.176633,-6.846815,-5.995015,-3.806792,-4.589405,-3.944421,-1.321203,1.480834,3.609295,3.650382,5.242523,7.575036,6.774106,5.056332,1.631001,-0.606901,-1.749354,-5.214589,-6.8694,-7.594468,-5.581345,-2.916575,-1.578102,-0.696736,0.578859,1.776109,2.38006,1.994653]},"bn":{"y":[-0.038907,0.450162,0.854321,1.118867,1.333312,1.229536,0.94198,0.509565,0.274284,-0.244407,-0.708532,-1.055273,-1.541927,-1.5355,-1.345234,-0.99688,-0.508585,0.027518,0.542529,0.966745,1.488343,1.576044,1.471922,1.19007,0.418815,-0.073712,-0.580246,-1.03223,-1.385333,-1.570015,-1.559569,-1.35541,-0.672175,-0.200672,0.319477,0.817874,0.866826,1.125412,1.207695,1.102538,0.928313,0.491581,-0.02905,-0.563117,-0.723732,-1.065133,-1.240885,-1.227203],"rv0":[0.698669,1.064642,1.341471],"rm":[0.409124,0.805917,0.574164],"rv":[0.670106,0.951562,1.179352]},"adaptive":{"y":[-0.102318,-0.019109,0.066687,0.143457,0.20081,0.230985,0.229898,-0.234431,-0.217208,-0.170587,-0.100878,-0.017516,0.068217,0.144717,-0.015922,0.069744,0.145971,0.202441,0.231512,0.229249,0.195958,-0.215985,-0.168379,-0.097985,-0.014328,0.071268,0.147218,0.203242,0.072788,0.148458,0.204034,0.231996,0.228558,0.194185,0.133531,-0.16614,-0.095072,-0.011137,0.074305,0.149691,0.204817,0.232221]},"maxUnbatched":{"y":[0.081502,0.436399,0.081502,-0.284426,-0.611858,-0.856478,-0.985178,0.452886,0.744643,0.935616,0.999958,0.935616,0.999958,0.92896,0.926416,0.999872,0.926416,0.727573,0.430257,0.074708,-0.290952,-0.591716,-0.260157,0.106612,0.458951,0.749174,0.938,0.749174,0.926416,0.999872,0.926416,0.727573,0.430257,0.074708,-0.290952,-0.297465,0.067911,-0.297465,-0.622581,-0.863433,-0.835782,-0.977772,0.753671,0.94034,0.999739,0.94034,0.999739,0.999561,0.942637,0.718156,0.921198,0.718156,0.417915,0.06111,-0.303965,-0.6279,-0.246974,0.120153,0.471018,0.758132,0.942637,0.999561,0.942637,0.718156,0.921198,0.718156,0.417915,0.06111,-0.303965,-0.6279,-0.633189,-0.31045,-0.633189,-0.870229,-0.828221,-0.569524,-0.828221,0.94489,0.999335,0.94489,0.999335,0.999064,0.947099,0.999064,0.405494,0.708605,0.405494,0.047501,-0.31692,-0.569524,-0.828221,0.133672,0.482996,0.766949,0.947099,0.999064,0.947099,0.999064,0.405494,0.708605,0.405494,0.047501,-0.31692,-0.638449,-0.873566]}};

describe('conv1d', () => {
  it('matches PyTorch forward and backward (same padding, dilation, bias)', () => {
    scope(() => {
      const x = seq([2, 3, 7], 0.37, 0.1, true);
      const w = seq([4, 3, 3], 0.53, 0.2, true);
      const b = seq([4], 1.1, 0.3, true);
      const y = conv1d(x, w, b, { padding: 'same', dilation: 2 });
      expect(y.shape).toEqual([2, 4, 7]);
      expectClose(y.dataSync(), torchValues.conv1d.y, 1e-4, 1e-4, 'output');
      y.backward(seq([2, 4, 7], 0.71, 0.4));
      expectClose(x.grad!.dataSync(), torchValues.conv1d.gx, 1e-4, 1e-4, 'input grad');
      expectClose(w.grad!.dataSync(), torchValues.conv1d.gw, 1e-4, 1e-4, 'weight grad');
      expectClose(b.grad!.dataSync(), torchValues.conv1d.gb, 1e-4, 1e-4, 'bias grad');
    });
  });

  it('takes stride, padding and groups, and unbatched [C,L] input', () => {
    scope(() => {
      const y = conv1d(seq([1, 4, 9]), seq([2, 2, 3], 0.53, 0.2), null, { stride: 2, padding: 1, groups: 2 });
      expect(y.shape).toEqual([1, 2, 5]);
      expectClose(y.dataSync(), torchValues.conv1dStride.y, 1e-4, 1e-4);
      const u = conv1d(seq([4, 9]), seq([2, 2, 3], 0.53, 0.2), undefined, { stride: 2, padding: 1, groups: 2 });
      expect(u.shape).toEqual([2, 5]);
      expectClose(u.dataSync(), torchValues.conv1dStride.y, 1e-4, 1e-4);
    });
  });

  it('refuses a weight of the wrong rank, naming conv1d', () => {
    scope(() => {
      expect(() => conv1d(seq([1, 4, 9]), seq([2, 4, 3, 1]))).toThrow(/conv1d: weight expected 3 dimensions \[O,C\/groups,k\], got \[2,4,3,1\]/);
      expect(() => conv1d(seq([1, 2, 4, 9]), seq([2, 4, 3]))).toThrow(/conv1d: input expected \[N,C,L\] or \[C,L\], got \[1,2,4,9\]/);
    });
  });
});

describe('conv2d options', () => {
  it("pads 'same' like PyTorch for an even kernel (the extra row and column at the end)", () => {
    scope(() => {
      const y = conv2d(seq([1, 2, 5, 6]), seq([3, 2, 2, 4], 0.53, 0.2), null, { padding: 'same' });
      expect(y.shape).toEqual([1, 3, 5, 6]);
      expectClose(y.dataSync(), torchValues.conv2dSame.y, 1e-4, 1e-4);
      const u = conv2d(seq([2, 5, 6]), seq([3, 2, 2, 4], 0.53, 0.2), null, { padding: 'same' });
      expect(u.shape).toEqual([3, 5, 6]);
      expectClose(u.dataSync(), torchValues.conv2dSame.y, 1e-4, 1e-4);
    });
  });

  it("refuses 'same' with a stride, an unknown algorithm and cuDNN-only algorithms on cpu", () => {
    scope(() => {
      const x = seq([1, 2, 5, 6]);
      const w = seq([3, 2, 3, 3]);
      // A batch of one-channel images without its channel dim reads as one image: said (user trial AO).
      expect(() => conv2d(seq([4, 6, 6]), seq([8, 1, 3, 3]))).toThrow(
        /^conv2d: weight has 1 input channels but input has 4 \(input \[1,4,6,6\], weight \[8,1,3,3\]\); a 3-d input \[4,6,6\] is one unbatched \[C, H, W\] image \(a batch of one-channel images is \[N, 1, H, W\]: x\.unsqueeze\(1\)\)$/,
      );
      expect(() => conv2d(x, w, null, { padding: 'same', stride: 2 })).toThrow(/conv2d: padding 'same' is not supported for strided convolutions/);
      expect(() => conv2d(x, w, null, { algo: 'fftTiling' })).toThrow(/conv2d: algo 'fftTiling' is not available on cpu; cpu supports 'auto', 'heuristic', 'direct', 'winograd'/);
      expect(() => conv2d(x, w, null, { algo: 'bogus' as never })).toThrow(/conv2d: option 'algo' expected one of 'auto'/);
      expect(() => conv2d(x, w, null, { stride: [1, 2, 3] as never })).toThrow(/conv2d: option 'stride' expected a number or \[h, w\]/);
    });
  });

  const avx512 = (backends().cpu.facts.isa ?? '').startsWith('avx512');
  it.skipIf(!avx512)(`winograd agrees with auto where oneDNN has it (AVX-512; this cpu: ${backends().cpu.facts.isa})`, () => {
    scope(() => {
      const x = seq([2, 16, 12, 12], 0.37, 0.1, true);
      const w = seq([32, 16, 3, 3], 0.53, 0.2, true);
      const a = conv2d(x, w, null, { padding: 1 });
      const b = conv2d(x, w, null, { padding: 1, algo: 'winograd' });
      expectClose(b.dataSync(), a.dataSync(), 1e-3, 1e-3, 'winograd vs auto');
      sum(b).backward();
      expect(x.grad!.shape).toEqual([2, 16, 12, 12]);
    });
  });

  it('keeps no intermediates alive (no bias, unbatched, conv1d)', () => {
    const x = seq([1, 2, 6, 6]);
    const w = seq([3, 2, 3, 3]);
    const w1 = seq([3, 2, 3]);
    const x1 = seq([2, 9]);
    const x3 = seq([2, 6, 6]);
    const before = memory().liveTensors;
    conv2d(x, w).dispose();
    conv2d(x3, w).dispose();
    conv1d(x1, w1, null, { padding: 'same' }).dispose();
    maxPool2d(x3, 2).dispose();
    layerNorm(x, [6]).dispose();
    const r = batchNorm(x, null, null, null, null, { training: true });
    r.output.dispose();
    expect(r.runningMean).toBeNull();
    expect(memory().liveTensors).toBe(before);
    for (const t of [x, w, w1, x1, x3]) t.dispose();
  });
});

describe('narrow-input convolution (Note [narrow-input convolution])', () => {
  // Big enough (over 64M multiply-adds) that the op runs on every thread even with passive
  // waiting; 10 output channels make two blocks, so a sample's blocks may land on two threads.
  it('gives the same output and weight gradient on 2 threads as on 1, and agrees with oneDNN', () => {
    const rand = seededRandom(hashString('narrow-conv-threads'));
    const [N, O] = [600, 10];
    const x = randomTensor(rand, [N, 1, 28, 28]);
    const w = randomTensor(rand, [O, 1, 5, 5], true);
    const b = randomTensor(rand, [O]);
    try {
      const run = (threads: number, algo: 'auto' | 'direct') => convWithGradients(x, w, b, null, { padding: 2, algo }, threads);
      const one = run(1, 'auto');
      const two = run(2, 'auto');
      // Each output and each weight's gradient is one thread's, summed in one order: bit for bit.
      expect(firstDifference(two.y, one.y)).toBe(-1);
      expect(firstDifference(two.dw, one.dw)).toBe(-1);
      const ref = run(1, 'direct');
      expectClose(one.y, ref.y, 1e-4, 1e-4, 'ours vs oneDNN direct');
      expectClose(one.dw, ref.dw, 1e-2, 1e-3, 'weight gradient, ours vs oneDNN direct (sums of 470k products)');
    } finally {
      setNumThreads(1);
      for (const t of [x, w, b]) t.dispose();
    }
  });
});

describe('batch-lane convolution (Note [batch-lane convolution])', () => {
  // Over 64M multiply-adds each way, so forward (6 output channels), input and weight gradients
  // (12 input channels) run on every thread even with passive waiting; 48 samples are 3 AVX-512
  // vectors.
  it('gives the same output and gradients on 2 threads as on 1, and agrees with oneDNN', () => {
    const rand = seededRandom(hashString('batch-lane-conv-threads'));
    const [N, C, O] = [48, 12, 6];
    const x = randomTensor(rand, [N, C, 28, 28], true);
    const w = randomTensor(rand, [O, C, 5, 5], true);
    const b = randomTensor(rand, [O]);
    const up = randomTensor(rand, [N, O, 28, 28]);
    try {
      const run = (threads: number, algo: 'auto' | 'direct') => convWithGradients(x, w, b, up, { padding: 2, activation: 'relu', algo }, threads);
      const one = run(1, 'auto');
      const two = run(2, 'auto');
      expect(firstDifference(two.y, one.y)).toBe(-1);
      expect(firstDifference(two.dx!, one.dx!)).toBe(-1);
      expect(firstDifference(two.dw, one.dw)).toBe(-1);
      const ref = run(1, 'direct');
      expectClose(one.y, ref.y, 1e-4, 1e-4, 'ours vs oneDNN direct');
      expectClose(one.dx!, ref.dx!, 1e-4, 1e-4, 'input gradient, ours vs oneDNN direct');
      expectClose(one.dw, ref.dw, 1e-2, 1e-3, 'weight gradient, ours vs oneDNN direct (sums of 38k products)');
    } finally {
      setNumThreads(1);
      for (const t of [x, w, b, up]) t.dispose();
    }
  });
});

describe('1x1 convolution as matmul (Note [1x1 convolution as matmul])', () => {
  // 100M multiply-adds each way, so the matmuls run on both threads even with passive waiting.
  it('agrees with oneDNN convolution on 1 and 2 threads: output, input and weight gradients', () => {
    const rand = seededRandom(hashString('pointwise-conv'));
    const [N, C, O, S] = [32, 64, 48, 32];
    const x = randomTensor(rand, [N, C, S, S], true);
    const w = randomTensor(rand, [O, C, 1, 1], true);
    const b = randomTensor(rand, [O]);
    const up = randomTensor(rand, [N, O, S, S]);
    try {
      const run = (threads: number, algo: 'auto' | 'direct') => convWithGradients(x, w, b, up, { activation: 'relu', algo }, threads);
      // Without a bias the relu runs as the matmul's post-op.
      const noBias = (algo: 'auto' | 'direct') => scope(() => conv2d(x, w, undefined, { activation: 'relu', algo }).dataSync());
      expectClose(noBias('auto'), noBias('direct'), 1e-4, 1e-4, 'output without bias (relu as a post-op)');
      const ref = run(1, 'direct');
      for (const threads of [1, 2]) {
        const ours = run(threads, 'auto');
        expectClose(ours.y, ref.y, 1e-4, 1e-4, `output, ${threads} thread(s)`);
        expectClose(ours.dx!, ref.dx!, 1e-4, 1e-4, `input gradient, ${threads} thread(s)`);
        expectClose(ours.dw, ref.dw, 1e-2, 1e-3, `weight gradient, ${threads} thread(s) (sums of 33k products)`);
      }
    } finally {
      setNumThreads(1);
      for (const t of [x, w, b, up]) t.dispose();
    }
  });
});

describe('our AVX2 kernels (Notes [narrow-input convolution], [batch-lane convolution], [2x2 max pooling])', () => {
  // The kernels follow oneDNN's instruction set, so ONEDNN_MAX_CPU_ISA=AVX2 runs their AVX2 builds
  // (8 lanes; the convolution in blocks of 4 channels) on an AVX-512 machine too; the choice is
  // made once per process.
  const isa = backends().cpu.facts.isa ?? '';
  it.skipIf(!/^avx(2|512)/.test(isa))(`agree with oneDNN, forward and backward, in a process limited to AVX2 (this cpu: ${isa})`, () => {
    const script = `
      import { conv2d, maxPool2d, tensor, backends, sum, mul } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const values = (n, a) => Float32Array.from({ length: n }, (_, i) => Math.sin(a * i + 0.1));
      // Forward, input gradient and weight gradient: all three run the narrow kernel with 'auto'.
      const run = (algo) => {
        const x = tensor(values(3 * 2 * 9 * 37, 0.37), { shape: [3, 2, 9, 37], requiresGrad: true });
        const w = tensor(values(7 * 2 * 3 * 4, 0.53), { shape: [7, 2, 3, 4], requiresGrad: true });
        const b = tensor(values(7, 1.1), { shape: [7] });
        const y = conv2d(x, w, b, { padding: [1, 2], activation: 'relu', algo });
        sum(mul(y, y)).backward();
        return [y.dataSync(), x.grad.dataSync(), w.grad.dataSync()];
      };
      // Batch-lane forward and gradients: 9 samples (two 8-lane vectors, 7 lanes of zeros)
      // writing 3 and 5 channels, rows too narrow for the narrow kernel.
      const lanes = (algo) => {
        const x = tensor(values(9 * 5 * 6 * 7, 0.41), { shape: [9, 5, 6, 7], requiresGrad: true });
        const w = tensor(values(3 * 5 * 3 * 4, 0.23), { shape: [3, 5, 3, 4], requiresGrad: true });
        const b = tensor(values(3, 0.7), { shape: [3] });
        const y = conv2d(x, w, b, { padding: [1, 0, 2, 1], activation: 'relu', algo });
        sum(mul(y, y)).backward();
        return [y.dataSync(), x.grad.dataSync(), w.grad.dataSync()];
      };
      // 2x2 max pooling (Note [2x2 max pooling]) against oneDNN's, which an odd width selects.
      const pool = (extra) => {
        const rows = values(2 * 3 * 6 * 36, 0.29), w = 36 + extra;
        const data = new Float32Array(2 * 3 * 6 * w);
        for (let r = 0; r < 2 * 3 * 6; r++) data.set(rows.subarray(r * 36, r * 36 + 36), r * w);
        const x = tensor(data, { shape: [2, 3, 6, w], requiresGrad: true });
        const p = maxPool2d(x, 2);
        sum(mul(p, p)).backward();
        return [p.dataSync(), x.grad.dataSync().filter((_, i) => i % w < 36)];
      };
      const ours = [...run('auto'), ...pool(0), ...lanes('auto')], ref = [...run('direct'), ...pool(1), ...lanes('direct')];
      let diff = 0;
      ours.forEach((a, k) => a.forEach((v, i) => { diff = Math.max(diff, Math.abs(v - ref[k][i]) / (1 + Math.abs(ref[k][i]))); }));
      console.log(JSON.stringify({ isa: backends().cpu.facts.isa, diff, n: ours[0].length }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ONEDNN_MAX_CPU_ISA: 'AVX2' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { isa: string; diff: number; n: number };
    expect(out.isa).toBe('avx2');
    expect(out.n).toBe(3 * 7 * 9 * 38);
    expect(out.diff).toBeLessThan(1e-4);
  });
});

describe('2x2 max pooling (Note [2x2 max pooling])', () => {
  // Over 1M elements, so two threads split the rows even with passive waiting. An extra input
  // column (dropped by the floor) sends the same pooling to oneDNN, the reference.
  it('gives the same output and gradient on 2 threads as on 1, and agrees with oneDNN', () => {
    const rand = seededRandom(hashString('max-pool-2x2'));
    const [N, C, H, W] = [400, 6, 28, 28];
    const even = Float32Array.from({ length: N * C * H * W }, () => normal(rand));
    const odd = new Float32Array(N * C * H * (W + 1));
    for (let r = 0; r < N * C * H; r++) odd.set(even.subarray(r * W, (r + 1) * W), r * (W + 1));
    const run = (threads: number, values: Float32Array, w: number) =>
      scope(() => {
        setNumThreads(threads);
        const x = tensor(values, { shape: [N, C, H, w], requiresGrad: true });
        const y = maxPool2d(x, 2);
        sum(mul(y, y)).backward();
        return { y: y.dataSync(), dx: x.grad!.dataSync() };
      });
    try {
      const one = run(1, even, W);
      const two = run(2, even, W);
      expect(two.y.findIndex((v, i) => v !== one.y[i])).toBe(-1);
      expect(two.dx.findIndex((v, i) => v !== one.dx[i])).toBe(-1);
      const ref = run(1, odd, W + 1);
      expect(ref.y.findIndex((v, i) => v !== one.y[i])).toBe(-1);
      const refDx = new Float32Array(one.dx.length);
      for (let r = 0; r < N * C * H; r++) refDx.set(ref.dx.subarray(r * (W + 1), r * (W + 1) + W), r * W);
      expect(refDx.findIndex((v, i) => v !== one.dx[i])).toBe(-1);
    } finally {
      setNumThreads(1);
    }
  });
});

describe('pooling functions', () => {
  it('max pooling with every option on unbatched input', () => {
    scope(() => {
      const y = maxPool2d(seq([3, 5, 7]), 2, { stride: 1, padding: 1, dilation: 2, ceilMode: true });
      expect(y.shape).toEqual([3, 5, 7]);
      expectClose(y.dataSync(), torchValues.maxUnbatched.y, 1e-6, 0);
    });
  });

  it('adaptive average pooling keeps a null size', () => {
    scope(() => {
      const y = adaptiveAvgPool2d(seq([3, 5, 7]), [2, null]);
      expect(y.shape).toEqual([3, 2, 7]);
      expectClose(y.dataSync(), torchValues.adaptive.y, 1e-5, 1e-5);
      expect(adaptiveAvgPool2d(seq([1, 1, 4, 4]), 1).shape).toEqual([1, 1, 1, 1]);
    });
  });

  it('average pooling defaults the stride to the kernel', () => {
    scope(() => {
      const y = avgPool2d(tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]), 2);
      expect(y.arraySync()).toEqual([[[[3.5, 5.5], [11.5, 13.5]]]]);
    });
  });
});

describe('batchNorm', () => {
  it('returns updated running statistics (unbiased variance), detached; eval returns the inputs', () => {
    scope(() => {
      const x = seq([4, 3, 2, 2], 0.37, 0.1, true);
      const rm = seq([3], 0.9, 0.5);
      const rv = tensor(torchValues.bn.rv0);
      const r = batchNorm(x, rm, rv, null, null, { training: true, momentum: 0.2 });
      expectClose(r.output.dataSync(), torchValues.bn.y, 1e-4, 1e-4, 'output');
      expectClose(r.runningMean!.dataSync(), torchValues.bn.rm, 1e-5, 1e-5, 'running mean');
      expectClose(r.runningVar!.dataSync(), torchValues.bn.rv, 1e-5, 1e-5, 'running var');
      expect(r.runningMean!.requiresGrad).toBe(false);
      expect(r.runningVar!.requiresGrad).toBe(false);
      expect(r.output.requiresGrad).toBe(true);
      expect(Array.from(rm.dataSync())).not.toEqual(Array.from(r.runningMean!.dataSync())); // inputs unchanged
      const e = batchNorm(x, rm, rv);
      expect(e.runningMean).toBe(rm);
      expect(e.runningVar).toBe(rv);
    });
  });
});

describe('batch norm accuracy (Note [batch norm kernels])', () => {
  // A GAN trial found oneDNN's batch norm 4-10x less accurate than PyTorch on inputs with a large
  // mean: statistics summed in float. Ours sum in double; forward and backward are checked against
  // float64 arithmetic on the same float32 values, where a float-accumulated version errs ~1e-5.
  it('matches float64 arithmetic on an input with mean 500, forward and backward', () => {
    const [n, c, s] = [16, 4, 36];
    const gen = new T.Generator(5);
    const x = T.add(T.mul(T.randn([n, c, 6, 6], { generator: gen }), 3), 500).requiresGrad_();
    const w = T.tensor([0.5, 1, 2, -1], { requiresGrad: true });
    const up = T.randn([n, c, 6, 6], { generator: gen });
    const { output } = T.batchNorm(x, null, null, w, null, { training: true });
    T.sum(T.mul(output, up)).backward();
    const [xs, ys, gs, dxs, ws] = [x, output, up, x.grad!, w].map((t) => t.dataSync() as Float32Array);
    let fwd = 0, bwd = 0;
    for (let ch = 0; ch < c; ch++) {
      const at = (i: number, k: number) => (i * c + ch) * s + k;
      let sum = 0, sq = 0, sg = 0, sgx = 0;
      for (let i = 0; i < n; i++) for (let k = 0; k < s; k++) sum += xs[at(i, k)];
      const mean = sum / (n * s);
      for (let i = 0; i < n; i++) for (let k = 0; k < s; k++) sq += (xs[at(i, k)] - mean) ** 2;
      const inv = 1 / Math.sqrt(sq / (n * s) + 1e-5);
      for (let i = 0; i < n; i++) for (let k = 0; k < s; k++) (sg += gs[at(i, k)]), (sgx += gs[at(i, k)] * (xs[at(i, k)] - mean) * inv);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < s; k++) {
          const xhat = (xs[at(i, k)] - mean) * inv;
          fwd = Math.max(fwd, Math.abs(ys[at(i, k)] - ws[ch] * xhat));
          const dx = ws[ch] * inv * (gs[at(i, k)] - sg / (n * s) - (xhat * sgx) / (n * s));
          bwd = Math.max(bwd, Math.abs(dxs[at(i, k)] - dx));
        }
      }
    }
    expect(fwd).toBeLessThan(2e-6); // PyTorch's float32 kernel errs 1e-5 here
    expect(bwd).toBeLessThan(1e-6);
  });
});

describe('max pooling of -inf windows (Note [all -inf windows] in cpu/pool.cc)', () => {
  it('gives -inf and routes the gradient as PyTorch does, also where a window reaches into the padding', () => {
    T.scope(() => {
      // Mostly -inf (masked scores), some finite, kernel 3 with padding: whole windows of -inf,
      // at the border too. The returnIndices path follows PyTorch's kernel rule for rule.
      const rnd = seededRandom(7);
      const values = Array.from({ length: 2 * 3 * 7 * 6 }, () => (rnd() < 0.8 ? -Infinity : normal(rnd)));
      const x = T.tensor(values, { shape: [2, 3, 7, 6], requiresGrad: true });
      const options = { stride: 2, padding: 1 };
      const y = T.maxPool2d(x, 3, options);
      const { output, indices } = T.maxPool2d(x.detach(), 3, { ...options, returnIndices: true });
      expect(Array.from(y.dataSync())).toEqual(Array.from(output.dataSync()));
      expect(Array.from(y.dataSync()).some((v) => v === -Infinity)).toBe(true);
      const w = T.tensor(Array.from({ length: y.numel }, (_, i) => i + 1), { shape: y.shape });
      T.sum(T.mul(T.where(T.isinf(y), 0, y), w)).backward();
      // The gradient each output sends lands at its PyTorch index (h·W + w in its plane).
      const expected = new Float32Array(x.numel);
      const idx = Array.from(indices.dataSync(), Number);
      const out = Array.from(output.dataSync());
      idx.forEach((k, o) => {
        if (out[o] !== -Infinity) expected[Math.floor(o / (y.shape[2] * y.shape[3])) * 42 + k] += o + 1;
      });
      expect(Array.from(x.grad!.dataSync())).toEqual(Array.from(expected));
    });
  });
});
