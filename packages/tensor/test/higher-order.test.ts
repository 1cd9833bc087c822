// Higher-order gradients (Note [create graph]): grad() and backward({ createGraph }) record the
// gradient computation, so gradients can be differentiated again — a WGAN-GP gradient penalty, a
// Hessian-vector product, double backward through a convolution — against PyTorch 2.13's
// torch.autograd.grad(create_graph=True) on inputs seq(shape, a, b) = sin(a·i + b) (float32).
import { describe, expect, it } from 'vitest';
import {
  add, backward, conv2d, copyInto, grad, gru, leakyRelu, linear, maxPool2d, mean, memory, mul, noGrad, powScalar, reshape, scope, sigmoid, softplus, sqrt, sub, sum, tanh, tensor, type Tensor,
} from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

const seq = (shape: number[], a = 0.37, b = 0.1, requiresGrad = false): Tensor =>
  tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(a * i + b)), { shape, requiresGrad });

const torchValues = {"penalty":{"g":[-0.2873379,-0.6220178,-0.7860248,-0.0886429,-0.2280498,-0.3048832,-0.2560008,-0.6227674,-0.8186555,0.4422482,0.3841407,0.2206304],"pen":[0.1290776],"gW1":[-0.0194509,-0.0056032,0.0117332,-0.1230512,-0.1092651,-0.0662979,-0.1624159,-0.1406575,-0.1019587,-0.0415513,-0.0033265,0.0427823,0.0241899,0.0207599,0.0152995],"gb1":[-0.0454426,0.0075932,-0.1912802,-0.0923446,0.0295199],"gW2":[-0.0730204,-0.2332503,-0.0384099,0.1824743,0.1245134],"gx":[-0.0052013,-0.0108637,-0.0135452,0.0513584,0.1351935,0.1819334,0.0015798,0.0093631,0.0145772,0.0931834,0.0609696,0.0120267]},"hvp":{"g":[1.0482217,3.2443218,3.3296168,1.1284333,0.1980595,0.0791909],"hv":[1.2349057,4.1616764,4.7485938,1.9277924,0.3354743,0.0828538]},"conv":{"gx":[0.3070686,0.3933861,-0.1257859,0.1568057,0.1487704,0.3325069,0.2069908,0.2688044,0.2918788,-0.0707371,-0.2694532,-0.1347749,0.2491738,0.0871667,-9.75e-05,-0.0348164,-0.1619461,-0.0952767,0.2611602,0.7024623,-0.1178619,-0.0560873,0.3906017,0.5865195,0.2481277,-0.2948791,-0.0925452,-0.0497549,-0.0196929,0.0926864,0.2962599,0.1686307,-0.318122,0.1612936,0.2027835,0.2500162,0.1113456,0.1712142,0.2139506,-0.0069873,0.1502296,0.2818923,-0.1979989,-0.5783631,-0.2816117,-0.0171265,-0.0579063,0.1661841,0.5718129,0.7344956],"t":[3.9555771],"gw":[-0.5184131,-0.5064617,-0.1645892,-0.616202,-0.1716788,0.2334407,0.2860826,0.3116392,0.5147252,0.3444301,0.2237445,0.3444396,1.487062,2.1604347,1.3532853,0.0837232,-0.1374744,-0.4733753,0.0846568,0.2610693,0.2500483,0.6125089,0.6964983,0.4906057,0.1624059,0.1745982,0.3678891,0.1860334,0.0246801,-0.3082123,-0.2524038,0.0540214,0.4765319,-0.0021292,0.1310005,0.0399834,-0.2541298,-0.2445735,-0.2375715,-0.4030304,-0.292038,-0.1199116,0.2568002,0.4305477,0.8596776,-0.1425211,0.3243964,0.6108559,1.6265049,2.22067,1.1165075,-0.0656918,-0.370069,-0.4958362],"gb":[-2.2719035,-0.5416591,-2.1292877],"gxx":[-0.6915882,-0.9360264,-0.0228518,-0.0057573,-0.0458583,-0.7943635,-0.493589,-0.3453264,-0.3081647,0.204057,0.6571491,0.6315573,-0.0173699,0.2299151,0.1805506,0.1354951,0.2931041,-0.1621271,-1.4444259,-2.7613182,0.1252217,0.0170091,-1.4360092,-2.2258799,-1.123767,0.7081078,0.2661142,0.0852735,0.1288521,0.0670305,-0.6656711,-0.6079843,0.0998927,-0.2459027,-0.2118975,-0.7113624,-0.3842865,-0.2787319,-0.1729386,0.2779953,-0.2010821,-0.3550913,1.2985226,2.397016,1.176643,0.0831715,0.0894597,-0.5361215,-1.7831979,-2.5643716]}};

describe('higher-order gradients match PyTorch', () => {
  it('a gradient penalty: mean((‖∂s/∂x‖ − 1)²) through linear and tanh, backward to every parameter', () => {
    scope(() => {
      const want = torchValues.penalty;
      const x = seq([4, 3], 0.37, 0.1, true);
      const W1 = seq([5, 3], 0.53, 0.2, true);
      const b1 = seq([5], 1.1, 0.3, true);
      const W2 = seq([1, 5], 0.71, 0.4, true);
      const s = sum(linear(tanh(linear(x, W1, b1)), W2));
      const [g] = grad(s, [x], { createGraph: true });
      expectClose(g!.dataSync(), want.g, 1e-5, 1e-4, 'first-order gradient');
      expect(W1.grad).toBeNull(); // grad() hands gradients back instead of accumulating them
      const penalty = mean(powScalar(sub(sqrt(sum(mul(g!, g!), 1)), 1), 2));
      expectClose(penalty.dataSync(), want.pen, 1e-5, 1e-4, 'penalty');
      penalty.backward();
      expectClose(W1.grad!.dataSync(), want.gW1, 1e-5, 1e-3, 'W1');
      expectClose(b1.grad!.dataSync(), want.gb1, 1e-5, 1e-3, 'b1');
      expectClose(W2.grad!.dataSync(), want.gW2, 1e-5, 1e-3, 'W2');
      expectClose(x.grad!.dataSync(), want.gx, 1e-5, 1e-3, 'x');
    });
  });

  it('a Hessian-vector product of Σ softplus(x)³', () => {
    scope(() => {
      const want = torchValues.hvp;
      const x = seq([6], 0.9, 0.2, true);
      const v = seq([6], 0.4, 0.7);
      const [g] = grad(sum(powScalar(softplus(x), 3)), [x], { createGraph: true });
      expectClose(g!.dataSync(), want.g, 1e-5, 1e-4, 'gradient');
      const [hv] = grad(sum(mul(g!, v)), [x]);
      expectClose(hv!.dataSync(), want.hv, 1e-5, 1e-3, 'Hessian times v');
    });
  });

  it('double backward through conv2d, leaky relu and sigmoid (backward({ createGraph }) into .grad)', () => {
    scope(() => {
      const want = torchValues.conv;
      const x = seq([1, 2, 5, 5], 0.37, 0.1, true);
      const w = seq([3, 2, 3, 3], 0.53, 0.2, true);
      const b = seq([3], 1.1, 0.3, true);
      const y = sigmoid(leakyRelu(conv2d(x, w, b, { padding: 1 }), 0.1));
      const [gx] = grad(sum(mul(y, y)), [x], { createGraph: true });
      expectClose(gx!.dataSync(), want.gx, 1e-5, 1e-4, 'first-order gradient');
      const t = sum(mul(gx!, gx!));
      backward(t);
      expectClose(t.dataSync(), want.t, 1e-5, 1e-4, 'Σ gx²');
      expectClose(w.grad!.dataSync(), want.gw, 1e-5, 1e-3, 'w');
      expectClose(b.grad!.dataSync(), want.gb, 1e-5, 1e-3, 'b');
      expectClose(x.grad!.dataSync(), want.gxx, 1e-5, 1e-3, 'x');
    });
  });
});

describe('grad()', () => {
  it('takes intermediate tensors as inputs, sums a gradient reaching an input twice, and leaves .grad alone', () => {
    scope(() => {
      const x = tensor([1, 2, 3], { requiresGrad: true });
      const h = mul(x, x);
      const out = sum(mul(h, x)); // x³: ∂/∂h = x, ∂/∂x = 3x² (x reached twice)
      const [gh, gx] = grad(out, [h, x], { retainGraph: true });
      expect(Array.from(gh!.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(gx!.dataSync())).toEqual([3, 12, 27]);
      expect(x.grad).toBeNull();
      const y = tensor([1], { requiresGrad: true });
      expect(() => grad(out, [y], { retainGraph: true })).toThrow(/^grad: output does not depend on inputs\[0\] \(allowUnused: true gives null for it\)$/);
      expect(grad(out, [y], { allowUnused: true })).toEqual([null]);
    });
  });

  it('refuses to create a graph through an op whose gradient has no gradient of its own', () => {
    scope(() => {
      // The recurrent layers' backward ops have none (nor has PyTorch's cuDNN path).
      const x = seq([3, 1, 2], 0.37, 0.1, true);
      const weights = { weight_ih_l0: seq([6, 2], 0.11, 0.2), weight_hh_l0: seq([6, 2], 0.13, 0.3) };
      const h = gru(x, weights).output;
      const s = sum(mul(h, h)); // the gradient reaching gruBackward depends on x
      expect(() => grad(s, [x], { createGraph: true, retainGraph: true })).toThrow(/^backward: gruBackward has no gradient of its own, so a graph of the gradients through it cannot be created/);
      expect(grad(s, [x])[0]!.shape).toEqual([3, 1, 2]); // first order is fine
    });
  });

  it('runs only the part of the graph between the output and the inputs (found by a review)', () => {
    scope(() => {
      // Below h: a max pool and a tensor written in place since, which the walk must not reach.
      const x = seq([1, 1, 4, 4], 0.37, 0.1, true);
      const w = tensor([1, 2, 3, 4], { requiresGrad: true });
      const h = maxPool2d(mul(x, 2), 2);
      const a = mul(reshape(h, [4]), w);
      noGrad(() => copyInto(w.detach(), tensor([0, 0, 0, 0])));
      const [gh] = grad(sum(mul(tanh(h), tanh(h))), [h], { createGraph: true, retainGraph: true });
      expect(gh!.shape).toEqual([1, 1, 2, 2]);
      const [ga] = grad(sum(mul(a, a)), [a]);
      expect(ga!.shape).toEqual([4]);
    });
  });

  it('a plain backward leaves .grad outside any graph, even seeded by a tensor that has one', () => {
    scope(() => {
      const x = tensor([1, 2, 3], { requiresGrad: true });
      const v = mul(tensor([1, 1, 1], { requiresGrad: true }), 2);
      add(x, 1).backward(v);
      expect(x.grad!.requiresGrad).toBe(false);
      expect(x.grad!.gradFn).toBeNull();
    });
  });

  it('leaves nothing behind once its scope ends', () => {
    const before = memory().liveTensors;
    scope(() => {
      const x = seq([3, 4], 0.37, 0.1, true);
      const w = seq([2, 4], 0.53, 0.2, true);
      const [g] = grad(sum(tanh(linear(x, w))), [x], { createGraph: true });
      sum(mul(g!, g!)).backward();
    });
    expect(memory().liveTensors).toBe(before);
  });
});
