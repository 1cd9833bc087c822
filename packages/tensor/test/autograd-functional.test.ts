// torch.autograd.functional (src/autograd/functional.ts, Note [autograd functional]) against
// PyTorch 2.13: jacobian, hessian, vjp, jvp, vhp, hvp — single tensors and arrays on either side,
// v given or implied, vectorize, and with createGraph the gradients of Σ upstream ⊙ result (a third
// derivative for hessian, vhp, hvp) — from test/fixtures/autograd-functional.safetensors
// (scripts/fixtures_autograd_functional.py). Then grad()'s PyTorch forms (a single input tensor,
// several outputs), the refusals and hints a PINN trial met (Note [grad hints] in backward.ts),
// the functional API's refusals, its exports, and that it leaves nothing behind.
import { describe, expect, it } from 'vitest';
import {
  ValueError, ShapeError, add, autograd, backward, enableGrad, exp, grad, hessian, hvp, jacobian, jvp, matmul, memory, mul, noGrad, onesLike, scope, sin, sum, tanh, tensor, vhp, vjp, type Tensor,
} from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { describeGoldenCases, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('autograd-functional');

/** Nested arrays of tensors as one flat list, in order (the fixture's flat()). */
const flat = (r: unknown): Tensor[] => ((r as Tensor).isTensor ? [r as Tensor] : (r as unknown[]).flatMap(flat));

// The fixture script's functions, op for op.
const fVec = (x: Tensor) => mul(sin(x), sum(x));
const fMat = (x: Tensor, w: Tensor) => tanh(matmul(x, w));
const fPair = (a: Tensor, b: Tensor) => [mul(a, sum(b)), mul(sum(mul(a, a)), exp(b))];
const fTwoOut = (x: Tensor) => [exp(x), sum(mul(x, x))];
const fDot = (a: Tensor, b: Tensor) => sum(mul(a, sin(b)));
const fUnused = (a: Tensor, _b: Tensor) => mul(a, 2);
const sCubic = (x: Tensor) => add(sum(mul(mul(x, x), x)), mul(sum(x), sum(x)));
const sMat = (x: Tensor) => sum(tanh(matmul(x, x)));
const sPair = (a: Tensor, b: Tensor) => add(mul(mul(sum(a), sum(a)), sum(sin(b))), sum(mul(a, a)));
const sSin = (x: Tensor) => sum(mul(mul(mul(x, x), x), sin(x)));
const sPairCubic = (a: Tensor, b: Tensor) => add(mul(sum(mul(a, a)), sum(tanh(b))), sum(mul(mul(b, b), b)));
const fSqSin = (x: Tensor) => mul(mul(x, x), sin(x));
const fPairOut = (a: Tensor, b: Tensor) => [mul(a, b), mul(sum(a), sum(b))];

const graph = { createGraph: true };
const calls: Record<string, GoldenCall> = {
  jacVec: (x) => jacobian(fVec, x),
  jacVecGraph: (x) => jacobian(fVec, x, graph),
  jacVecVectorize: (x) => jacobian(fVec, x, { vectorize: true }),
  jacMat: (x, w) => jacobian((a) => fMat(a, w), x),
  jacMatGraph: (x, w) => jacobian((a) => fMat(a, w), x, graph),
  jacPair: (a, b) => flat(jacobian(fPair, [a, b])),
  jacPairGraph: (a, b) => flat(jacobian(fPair, [a, b], graph)),
  jacTwoOut: (x) => flat(jacobian(fTwoOut, x)),
  jacDot: (a, b) => flat(jacobian(fDot, [a, b])),
  jacUnused: (a, b) => flat(jacobian(fUnused, [a, b])),
  hessCubic: (x) => hessian(sCubic, x),
  hessCubicGraph: (x) => hessian(sCubic, x, graph),
  hessSin: (x) => hessian(sSin, x, graph),
  hessMat: (x) => hessian(sMat, x),
  hessPair: (a, b) => flat(hessian(sPair, [a, b])),
  hessPairGraph: (a, b) => flat(hessian(sPair, [a, b], graph)),
  vjpSqSin: (x, v) => flat(vjp(fSqSin, x, v)),
  vjpSqSinGraph: (x, v) => flat(vjp(fSqSin, x, v, graph)),
  vjpPair: (a, b, va, vb) => flat(vjp(fPairOut, [a, b], [va, vb])),
  vjpScalar: (x) => flat(vjp(sCubic, x)),
  vjpMat: (x, w, v) => flat(vjp((a) => fMat(a, w), x, v)),
  jvpSqSin: (x, v) => flat(jvp(fSqSin, x, v)),
  jvpSqSinGraph: (x, v) => flat(jvp(fSqSin, x, v, graph)),
  jvpPair: (a, b, va, vb) => flat(jvp(fPairOut, [a, b], [va, vb])),
  jvpMat: (x, w, v) => flat(jvp((a) => fMat(a, w), x, v)),
  vhpSin: (x, v) => flat(vhp(sSin, x, v)),
  vhpSinGraph: (x, v) => flat(vhp(sSin, x, v, graph)),
  vhpMat: (x, v) => flat(vhp(sMat, x, v)),
  hvpSin: (x, v) => flat(hvp(sSin, x, v)),
  hvpSinGraph: (x, v) => flat(hvp(sSin, x, v, graph)),
  hvpPair: (a, b, va, vb) => flat(hvp(sPairCubic, [a, b], [va, vb])),
  vhpPair: (a, b, va, vb) => flat(vhp(sPairCubic, [a, b], [va, vb])),
};

// strictRequiresGrad: without createGraph every result comes back without a graph, as PyTorch's.
describeGoldenCases(fx, calls, (device) => `autograd.functional matches PyTorch (${device})`, { output: [1e-5, 1e-4], grad: [1e-4, 1e-3], strictRequiresGrad: true });

const vec = (values: number[], requiresGrad = false) => tensor(values, { requiresGrad });

describe('autograd.functional: PyTorch semantics', () => {
  it('gives a tensor for a tensor and an array for an array, on either side', () => {
    scope(() => {
      const x = vec([1, 2, 3]);
      const f = (a: Tensor) => mul(a, a);
      expect(jacobian(f, x).shape).toEqual([3, 3]);
      const one = jacobian(f, [x]);
      expect(Array.isArray(one) && one.length).toBe(1);
      const outs = jacobian((a: Tensor) => [mul(a, a)], x);
      expect(Array.isArray(outs) && outs.length).toBe(1);
      const both = jacobian((a: Tensor, b: Tensor) => [mul(a, b)], [x, vec([1, 1, 1])]);
      expect(both.length).toBe(1);
      expect(both[0].map((t) => t.shape)).toEqual([[3, 3], [3, 3]]);
      // A scalar output of shape [] gives the input's shape; a [1] output keeps its dim.
      expect(jacobian((a: Tensor) => sum(a), x).shape).toEqual([3]);
      expect(jacobian((a: Tensor) => sum(a, { keepdim: true }), x).shape).toEqual([1, 3]);
      const h = hessian((a: Tensor, b: Tensor) => sum(mul(a, b)), [x, vec([4, 5, 6])]);
      expect(h.map((r) => r.map((t) => t.shape))).toEqual([[[3, 3], [3, 3]], [[3, 3], [3, 3]]]);
      expect(nums(h[0][1])).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    });
  });

  it('returns [output, product] that also reads by name', () => {
    scope(() => {
      const x = vec([1, 2, 3]);
      const r = vjp(fSqSin, x, onesLike(x));
      const [out, g] = r;
      expect(r.output).toBe(out);
      expect(r.vjp).toBe(g);
      expect(jvp(fSqSin, x, onesLike(x)).jvp.shape).toEqual([3]);
      expect(vhp(sSin, x, onesLike(x)).vhp.shape).toEqual([3]);
      expect(hvp(sSin, x, onesLike(x)).hvp.shape).toEqual([3]);
      // The options may stand where v goes when v is implied.
      expect(vjp(sCubic, vec([1, 2]), { createGraph: false }).vjp.shape).toEqual([2]);
    });
  });

  it('differentiates the argument, not the same tensor closed over (PyTorch makes a new tensor for fn too)', () => {
    scope(() => {
      const x = vec([1, 2, 3], true);
      expect(nums(jacobian((a: Tensor) => mul(a, x), x))).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3]);
    });
  });

  it('answers zeros for an output independent of an input, and refuses it with strict', () => {
    scope(() => {
      const [ja, jb] = jacobian(fUnused, [vec([1, 2]), vec([3])]);
      expect(nums(ja)).toEqual([2, 0, 0, 2]);
      expect(jb.shape).toEqual([2, 1]);
      expect(nums(jb)).toEqual([0, 0]);
      expect(nums(jacobian(() => tensor([5, 6]), vec([1, 2, 3])))).toEqual([0, 0, 0, 0, 0, 0]);
      expect(() => jacobian(fUnused, [vec([1, 2]), vec([3])], { strict: true })).toThrow(/^jacobian: output 0 of fn is independent of input 1 \(not allowed with strict: true\)$/);
      expect(() => jacobian(() => tensor([5, 6]), vec([1]), { strict: true })).toThrow(/^jacobian: output 0 of fn does not require grad: with strict: true the outputs must be computed differentiably from the inputs$/);
      expect(() => jacobian((a: Tensor) => mul(a, 2), vec([1]), { strict: true, createGraph: true })).toThrow(/^jacobian: the Jacobian of fn is independent of input 0 \(not allowed with strict: true and createGraph: true\)$/);
      expect(() => hessian((a: Tensor) => sum(a), vec([1, 2]), { strict: true })).toThrow(/^hessian: the Jacobian of fn with respect to input 0 is independent of the input \(not allowed with strict: true/);
      expect(nums(hessian((a: Tensor) => sum(a), vec([1, 2])))).toEqual([0, 0, 0, 0]);
      expect(() => vjp(fUnused, [vec([1]), vec([2])], vec([1]), { strict: true })).toThrow(/^vjp: the output of fn is independent of input 1 \(not allowed with strict: true\)$/);
      expect(() => jvp(() => tensor([1]), vec([1]), vec([1]), { strict: true })).toThrow(/^jvp: output 0 of fn does not require grad/);
      expect(() => vhp((a: Tensor) => sum(mul(a, 3)), vec([1]), vec([1]), { strict: true })).toThrow(/^vhp: the Jacobian of fn with respect to input 0 is independent of the input/);
      expect(nums(hvp((a: Tensor) => sum(mul(a, 3)), vec([1, 2]), vec([1, 1])).hvp)).toEqual([0, 0]);
    });
  });

  it('without createGraph gives results without a graph, and says so when one is differentiated', () => {
    scope(() => {
      const x = vec([1, 2], true);
      const J = jacobian(fSqSin, x);
      expect(J.requiresGrad).toBe(false);
      const { output, vjp: g } = vjp(fSqSin, x, vec([1, 1]));
      expect(output.requiresGrad).toBe(false);
      expect(g.requiresGrad).toBe(false);
      expect(() => grad(J, [x], { gradOutput: onesLike(J) })).toThrow(/^grad: tensor does not require grad: this tensor came from jacobian\(\) without createGraph: true/);
      expect(() => grad(g, [x], { gradOutput: onesLike(g) })).toThrow(/came from vjp\(\) without createGraph: true/);
      const Jg = jacobian(fSqSin, x, { createGraph: true });
      expect(Jg.requiresGrad).toBe(true);
      expect(grad(sum(Jg), x)[0]!.shape).toEqual([2]);
    });
  });

  it('works inside noGrad (fn records regardless, as under PyTorch\'s enable_grad)', () => {
    scope(() => {
      const J = noGrad(() => jacobian(fSqSin, vec([1, 2])));
      expect(J.shape).toEqual([2, 2]);
      const H = noGrad(() => hessian(sSin, vec([1, 2]), { createGraph: true }));
      expect(H.shape).toEqual([2, 2]);
    });
  });

  it('agrees with itself: jvp = J·v, vjp = vᵀJ, hvp = vhp = H·v', () => {
    scope(() => {
      const x = vec([0.3, -1.2, 2]);
      const v = vec([0.5, 1, -2]);
      const J = jacobian(fVec, x);
      const Jv = matmul(J, v);
      const vJ = matmul(v, J);
      expectClose(nums(jvp(fVec, x, v).jvp), nums(Jv), 1e-5, 1e-4, 'jvp');
      expectClose(nums(vjp(fVec, x, v).vjp), nums(vJ), 1e-5, 1e-4, 'vjp');
      const H = hessian(sSin, x);
      expectClose(nums(hvp(sSin, x, v).hvp), nums(matmul(H, v)), 1e-5, 1e-4, 'hvp');
      expectClose(nums(vhp(sSin, x, v).vhp), nums(matmul(v, H)), 1e-5, 1e-4, 'vhp');
    });
  });
});

describe('autograd.functional refusals', () => {
  const x = () => vec([1, 2]);
  it('names the function, the argument, what it expected and what it got', () => {
    scope(() => {
      expect(() => jacobian(null as never, x())).toThrow(/^jacobian: fn expected a function of the inputs, got null$/);
      expect(() => jacobian(fSqSin, [1, 2] as never)).toThrow(/^jacobian: inputs\[0\] expected a tensor, got number$/);
      expect(() => jacobian(fSqSin, 'x' as never)).toThrow(/^jacobian: inputs expected a tensor or an array of tensors, got string$/);
      expect(() => hessian(sSin, [])).toThrow(/^hessian: inputs expected a tensor or a non-empty array of tensors, got an empty array$/);
      expect(() => jacobian(fSqSin, tensor([1, 2], { dtype: 'int64' }))).toThrow(/^jacobian: inputs expected a float32 tensor \(only float32 tensors can require gradients\), got int64$/);
      expect(() => jacobian(fSqSin, [x(), tensor([1], { dtype: 'int32' })])).toThrow(/^jacobian: inputs\[1\] expected a float32 tensor/);
      expect(() => jacobian((() => 3) as never, x())).toThrow(/^jacobian: fn's output expected a tensor or an array of tensors, got number$/);
      expect(() => jacobian((() => [x(), 'y']) as never, x())).toThrow(/^jacobian: fn's output\[1\] expected a tensor, got string$/);
      expect(() => vjp((async (a: Tensor) => a) as never, x(), x())).toThrow(/^vjp: fn returned a Promise; it must compute its outputs synchronously$/);
    });
  });

  it('checks v against what it stands for', () => {
    scope(() => {
      expect(() => vjp(fSqSin, x(), vec([1, 2, 3]))).toThrow(ShapeError);
      expect(() => vjp(fSqSin, x(), vec([1, 2, 3]))).toThrow(/^vjp: v expected shape \[2\] \(the shape of fn's output\), got \[3\]$/);
      expect(() => vjp(fSqSin, x())).toThrow(/^vjp: v can be left out only when fn's output is a single tensor with one element, got shape \[2\]$/);
      expect(() => vjp(fPairOut, [x(), x()], [x()])).toThrow(/^vjp: v expected an array of 2 tensors \(one per fn's output\), got 1$/);
      expect(() => vjp(fSqSin, x(), [x(), x()])).toThrow(/^vjp: v expected a single tensor \(fn's output is one tensor\), got an array of 2$/);
      expect(() => jvp(fPairOut, [x(), x()], [x(), vec([1])])).toThrow(/^jvp: v\[1\] expected shape \[2\] \(the shape of inputs\[1\]\), got \[1\]$/);
      expect(() => jvp(fSqSin, x())).toThrow(/^jvp: v can be left out only when inputs is a single tensor with one element, got shape \[2\]$/);
      expect(() => hvp(sSin, x(), 3 as never)).toThrow(/^hvp: v expected a tensor or an array of tensors, got number$/);
      expect(nums(jvp(fSqSin, vec([0])).jvp)).toEqual([0]); // implied for a one-element input
    });
  });

  it('refuses what needs a scalar function, options it does not take, and extra arguments', () => {
    scope(() => {
      expect(() => hessian(fSqSin, x())).toThrow(/^hessian: fn's output expected one element, got shape \[2\]$/);
      expect(() => hessian(((a: Tensor) => [sum(a)]) as never, x())).toThrow(/^hessian: fn expected to return a single tensor, got an array$/);
      expect(() => vhp(fSqSin, x(), x())).toThrow(/^vhp: fn's output expected one element, got shape \[2\]$/);
      expect(() => hvp(((a: Tensor) => [sum(a)]) as never, x(), x())).toThrow(/^hvp: fn expected to return a single tensor, got an array$/);
      expect(() => jacobian(fSqSin, x(), { create_graph: true } as never)).toThrow(/^jacobian: unknown option 'create_graph' .*did you mean 'createGraph'\?$/);
      expect(() => hessian(sSin, x(), { createGraf: true } as never)).toThrow(/^hessian: unknown option 'createGraf' .*did you mean 'createGraph'\?$/);
      expect(() => vjp(fSqSin, x(), x(), { retain_graph: true } as never)).toThrow(/^vjp: unknown option 'retain_graph' \(it takes 'createGraph', 'strict'\)$/);
      expect(() => jacobian(fSqSin, x(), { createGraph: 'yes' } as never)).toThrow(/^jacobian: option 'createGraph' expected a boolean, got string$/);
      expect(() => jacobian(fSqSin, x(), true as never)).toThrow(/^jacobian: options expected an object/);
      expect(() => jacobian(fSqSin, x(), { strict: true, vectorize: true })).toThrow(/^jacobian: strict: true and vectorize: true are not supported together/);
      expect(() => jacobian(fSqSin, x(), { strategy: 'forward-mode' })).toThrow(/^jacobian: strategy 'forward-mode' is not supported \(there is no forward-mode AD here\)/);
      expect(() => hessian(sSin, x(), { outerJacobianStrategy: 'sideways' as never })).toThrow(/^hessian: option 'outerJacobianStrategy' expected 'reverse-mode' or 'forward-mode', got 'sideways'$/);
      expect(() => (jacobian as (...a: unknown[]) => unknown)(fSqSin, x(), {}, true)).toThrow(/^jacobian: takes at most 3 arguments, got 4/);
    });
  });

  it('is exported flat and as autograd.functional (and autograd.grad, autograd.backward)', () => {
    expect(autograd.functional.jacobian).toBe(jacobian);
    expect(autograd.functional.hessian).toBe(hessian);
    expect(autograd.functional.vjp).toBe(vjp);
    expect(autograd.functional.jvp).toBe(jvp);
    expect(autograd.functional.vhp).toBe(vhp);
    expect(autograd.functional.hvp).toBe(hvp);
    expect(autograd.grad).toBe(grad);
    expect(autograd.backward).toBe(backward);
    expect(Object.isFrozen(autograd.functional)).toBe(true);
  });
});

describe('autograd.functional memory', () => {
  it('keeps only the results alive, and nothing once they are disposed', () => {
    const x = vec([0.3, -1.2, 2], true);
    const v = vec([0.5, 1, -2]);
    const base = memory().liveTensors;
    const J = jacobian(fVec, x);
    expect(memory().liveTensors).toBe(base + 1);
    J.dispose();
    const r = vjp(fVec, x, v);
    expect(memory().liveTensors).toBe(base + 2);
    r.forEach((t) => t.dispose());
    const H = hessian(sSin, [x, v]);
    expect(memory().liveTensors).toBe(base + 4);
    H.flat().forEach((t) => t.dispose());
    const h = hvp(sSin, x, v);
    expect(memory().liveTensors).toBe(base + 2);
    h.forEach((t) => t.dispose());
    expect(memory().liveTensors).toBe(base);
    x.dispose();
    v.dispose();
  });

  it('stays flat over repeated calls with createGraph and a backward through the results', () => {
    const x = vec([0.3, -1.2, 2], true);
    const v = vec([0.5, 1, -2]);
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) {
      scope(() => {
        const H = hessian(sSin, x, { createGraph: true });
        const { jvp: jv } = jvp(fVec, x, v, { createGraph: true });
        const { hvp: hv } = hvp(sSin, x, v, { createGraph: true });
        const { vhp: vh } = vhp(sSin, x, v, { createGraph: true });
        const J = jacobian(fPair, [x, v], { createGraph: true });
        add(add(add(sum(H), sum(jv)), add(sum(hv), sum(vh))), sum(J[1][0])).backward();
      });
      x.grad?.dispose();
      x.grad = null;
      counts.push(memory().liveTensors);
    }
    expect(new Set(counts).size).toBe(1);
    x.dispose();
    v.dispose();
  });
});

describe('grad(): PyTorch forms', () => {
  it('takes a single input tensor and gives a one-element array (PyTorch\'s 1-tuple)', () => {
    scope(() => {
      const x = vec([1, 2, 3], true);
      const gs = grad(sum(mul(x, x)), x);
      expect(gs.length).toBe(1);
      expect(nums(gs[0]!)).toEqual([2, 4, 6]);
    });
  });

  it('takes several outputs with one gradOutput each (null for a one-element output) and sums them', () => {
    scope(() => {
      const x = vec([0.5, 1, 2], true);
      const a = mul(x, x);
      const b = sum(sin(x));
      const ga = vec([1, -1, 2]);
      const [g] = grad([a, b], [x], { gradOutput: [ga, null], retainGraph: true });
      const want = nums(x).map((xi, i) => 2 * xi * nums(ga)[i] + Math.cos(xi));
      expectClose(nums(g!), want, 1e-6, 1e-5, 'Σ of both');
      // Seeds implied for one-element outputs; a leaf as an output; the same output twice.
      const [g2] = grad([b, sum(x), b], x, { retainGraph: true });
      expectClose(nums(g2!), nums(x).map((xi) => 2 * Math.cos(xi) + 1), 1e-6, 1e-5, 'implied seeds');
      expect(nums(grad([x], [x], { gradOutput: [ga] })[0]!)).toEqual(nums(ga));
    });
  });

  it('walks several outputs once: a hook on a tensor both depend on sees its total once', () => {
    scope(() => {
      const x = vec([1, 2], true);
      const h = mul(x, 3);
      const seen: number[][] = [];
      h.registerHook((g) => void seen.push(nums(g)));
      const [g] = grad([sum(h), sum(mul(h, h))], [x]);
      expect(seen).toEqual([[1 + 2 * 3, 1 + 2 * 6]]);
      expect(nums(g!)).toEqual([3 * 7, 3 * 13]);
    });
  });

  it('with createGraph gives a first derivative that can be differentiated again (a PINN residual u″)', () => {
    scope(() => {
      const x = vec([0.1, 0.7, -0.4], true);
      const u = sin(mul(x, 2));
      const [du] = grad(u, [x], { gradOutput: onesLike(u), createGraph: true });
      expect(du!.requiresGrad).toBe(true);
      const [d2u] = grad(du!, [x], { gradOutput: onesLike(du!) });
      expectClose(nums(d2u!), nums(x).map((xi) => -4 * Math.sin(2 * xi)), 1e-6, 1e-5, 'u″');
    });
  });
});

describe('grad(): refusals and hints (a PINN trial)', () => {
  it('refuses options it does not take, with PyTorch\'s spellings named', () => {
    scope(() => {
      const x = vec([1, 2], true);
      const u = mul(x, x);
      const ones = onesLike(u);
      expect(() => grad(u, [x], { gradOutput: ones, create_graph: true } as never)).toThrow(/^grad: unknown option 'create_graph' \(it takes 'gradOutput', 'retainGraph', 'createGraph', 'allowUnused'\); did you mean 'createGraph'\?$/);
      expect(() => grad(u, [x], { gradOutput: ones, retain_graph: true } as never)).toThrow(/did you mean 'retainGraph'\?$/);
      expect(() => grad(u, [x], { gradOutput: ones, createGraf: true } as never)).toThrow(/^grad: unknown option 'createGraf' .*did you mean 'createGraph'\?$/);
      expect(() => grad(u, [x], { gradOutputs: ones } as never)).toThrow(/^grad: unknown option 'gradOutputs' .*did you mean 'gradOutput'\?$/);
      expect(() => grad(u, [x], { grad_outputs: ones } as never)).toThrow(/^grad: unknown option 'grad_outputs' .*did you mean 'gradOutput'\?$/);
      expect(() => grad(u, [x], { gradOutput: ones, frobnicate: 1 } as never)).toThrow(/^grad: unknown option 'frobnicate' \(it takes 'gradOutput', 'retainGraph', 'createGraph', 'allowUnused'\)$/);
      expect(() => backward(sum(u), undefined, { createGraf: true } as never)).toThrow(/^backward: unknown option 'createGraf' .*did you mean 'createGraph'\?$/);
    });
  });

  it('refuses a tensor where the options go (PyTorch\'s positional grad_outputs), naming { gradOutput }', () => {
    scope(() => {
      const x = vec([1, 2], true);
      const u = mul(x, x);
      expect(() => grad(u, [x], onesLike(u) as never)).toThrow(/^grad: options expected an object \(\{ gradOutput, retainGraph, createGraph, allowUnused \}\), got a tensor; PyTorch's positional grad_outputs is grad\(output, inputs, \{ gradOutput: g \}\) here$/);
      expect(() => grad(u, [x], [onesLike(u)] as never)).toThrow(/^grad: options expected an object .*got an array of tensors; PyTorch's positional grad_outputs/);
      expect(() => (grad as (...a: unknown[]) => unknown)(u, [x], { gradOutput: onesLike(u) }, true)).toThrow(/^grad: takes at most 3 arguments, got 4/);
    });
  });

  it('refuses malformed outputs, inputs and gradOutput, naming the entry', () => {
    scope(() => {
      const x = vec([1, 2], true);
      const u = mul(x, x);
      expect(() => grad(sum(u), [])).toThrow(/^grad: inputs expected a tensor or a non-empty array of tensors, got an empty array$/);
      expect(() => grad(sum(u), 'x' as never)).toThrow(/^grad: inputs expected a tensor or an array of tensors, got string$/);
      expect(() => grad(sum(u), [x, 3] as never)).toThrow(/^grad: inputs\[1\] expected a tensor, got number$/);
      expect(() => grad([], [x])).toThrow(/^grad: outputs expected a tensor or a non-empty array of tensors, got an empty array$/);
      expect(() => grad({} as never, [x])).toThrow(/^grad: outputs expected a tensor or an array of tensors, got object$/);
      expect(() => grad([sum(u), 2] as never, [x])).toThrow(/^grad: outputs\[1\] expected a tensor, got number$/);
      expect(() => grad([u, sum(u)], [x], { gradOutput: onesLike(u) })).toThrow(/^grad: gradOutput expected an array of 2 tensors \(one per output, null for a one-element output\), got a tensor$/);
      expect(() => grad([u, sum(u)], [x], { gradOutput: [onesLike(u)] })).toThrow(/^grad: gradOutput expected 2 entries \(one per output, null for a one-element output\), got 1$/);
      expect(() => grad([u, sum(u)], [x], { gradOutput: [null, null] })).toThrow(/^grad: gradOutput\[0\] can be implied only for one-element outputs, got shape \[2\] for outputs\[0\]$/);
      expect(() => grad([u, u], [x], { gradOutput: [onesLike(u), vec([1])] })).toThrow(/^grad: gradOutput\[1\] shape \[1\] does not match outputs\[1\] shape \[2\]$/);
      expect(() => grad([u, vec([1])], [x], { gradOutput: [onesLike(u), null] })).toThrow(/^grad: outputs\[1\] does not require grad \(no op that made it/);
      expect(() => grad(u, [x])).toThrow(/^grad: gradOutput can be implied only for one-element outputs, got shape \[2\]$/);
      expect(() => grad(u, [x], { gradOutput: 1 as never })).toThrow(/^grad: gradOutput expected a tensor, got number$/);
    });
  });

  it('says where a tensor without a graph came from: grad() or backward() without createGraph, or noGrad', () => {
    scope(() => {
      const x = vec([0.1, 0.7], true);
      const u = sin(x);
      const [du] = grad(u, [x], { gradOutput: onesLike(u), retainGraph: true });
      expect(du!.requiresGrad).toBe(false);
      expect(() => grad(du!, [x], { gradOutput: onesLike(du!) })).toThrow(/^grad: tensor does not require grad: this tensor came from grad\(\) without createGraph: true, so it has no graph to differentiate again; pass \{ createGraph: true \} to that call$/);
      expect(() => grad(sum(x), [du!])).toThrow(/^grad: inputs\[0\] does not require grad: this tensor came from grad\(\) without createGraph: true/);
      sum(u).backward();
      expect(() => x.grad!.backward(onesLike(x))).toThrow(/^backward: tensor does not require grad: this tensor came from backward\(\) \(a \.grad\) without createGraph: true/);
      const z = noGrad(() => sum(mul(x, x)));
      expect(() => noGrad(() => grad(z, [x]))).toThrow(/^grad: tensor does not require grad: grad mode is off here \(inside noGrad\), so the ops that made it recorded no graph; compute it outside noGrad or inside enableGrad/);
      expect(() => grad(sum(du!), [x])).toThrow(/^grad: tensor does not require grad \(no op that made it had an input with requiresGrad: a leaf needs \{ requiresGrad: true \}, and a tensor computed from a gradient needs that grad\(\) or backward\(\) to pass \{ createGraph: true \}\)$/);
      // With createGraph the marks do not apply.
      const [dg] = grad(sum(mul(x, x)), [x], { createGraph: true });
      expect(enableGrad(() => grad(sum(dg!), [x]))[0]!.shape).toEqual([2]);
    });
  });
});
