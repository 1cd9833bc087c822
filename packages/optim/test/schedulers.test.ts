// LR schedulers composed as PyTorch composes them (Note [schedulers]: the chainable form): two
// schedulers stepped together, an lr set by hand between steps, SequentialLR's warmup → cosine,
// ChainedScheduler, LambdaLR, MultiplicativeLR, PolynomialLR, cosine past TMax, repeated
// milestones — 30 steps each against PyTorch 2.13's lr sequences (second user trial of the
// training workflow found the closed forms overwriting each other).
import { describe, expect, it } from 'vitest';
import { zeros } from '@nutshell/tensor';
import * as optim from '../src/index.js';

const torchLrs: Record<string, number[]> = {"linear+exp": [0.010000000000000002, 0.025200000000000004, 0.03726000000000001, 0.04665600000000001, 0.05380020000000001, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012, 0.025418658283290013, 0.022876792454961013, 0.020589113209464913, 0.01853020188851842, 0.01667718169966658, 0.015009463529699923, 0.013508517176729932, 0.01215766545905694, 0.010941898913151246, 0.009847709021836121, 0.00886293811965251, 0.007976644307687259, 0.007178979876918534, 0.006461081889226681, 0.005814973700304013, 0.005233476330273611, 0.00471012869724625, 0.004239115827521626], "step+cos": [0.1, 0.09755282581475769, 0.09045084971874738, 0.07938926261462367, 0.06545084971874739, 0.025000000000000005, 0.01727457514062632, 0.010305368692688176, 0.0047745751406263175, 0.001223587092621162, 0.0, 0.0024471741852423235, 0.009549150281252666, 0.020610737385376433, 0.034549150281252786, 0.025000000000000112, 0.03272542485937383, 0.039694631307312, 0.04522542485937389, 0.04877641290737906, 0.02500000000000011, 0.024388206453689526, 0.02261271242968695, 0.019847315653656, 0.016362712429686916, 0.006250000000000028, 0.004318643785156599, 0.0025763421731720554, 0.001193643785156585, 0.00030589677315529245, 0.0], "step-manual": [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125, 0.0625, 0.0625, 0.0625, 0.0625, 0.03125, 0.03125, 0.03125], "sequential": [0.001, 0.0208, 0.0406, 0.060399999999999995, 0.0802, 0.1, 0.09939057285945932, 0.09757729755661011, 0.09460482294732421, 0.09054634122155991, 0.0855017856687341, 0.07959536998847742, 0.07297252973710756, 0.0657963412215599, 0.05824350601949144, 0.0505, 0.04275649398050859, 0.03520365877844011, 0.02802747026289244, 0.02140463001152259, 0.015498214331265903, 0.010453658778440109, 0.006395177052675795, 0.0034227024433899004, 0.001609427140540686, 0.001, 0.0016094271405406803, 0.003422702443389889, 0.006395177052675788, 0.010453658778440095, 0.015498214331265886], "chained": [0.05, 0.06333333333333332, 0.07520833333333332, 0.08573749999999998, 0.08145062499999997, 0.07737809374999997, 0.07350918906249997, 0.06983372960937496, 0.06634204312890621, 0.06302494097246089, 0.059873693923837845, 0.05688000922764595, 0.05403600876626365, 0.05133420832795047, 0.048767497911552944, 0.0463291230159753, 0.044012666865176533, 0.0418120335219177, 0.03972143184582182, 0.03773536025353073, 0.03584859224085419, 0.034056162628811476, 0.0323533544973709, 0.030735686772502355, 0.029198902433877235, 0.02773895731218337, 0.0263520094465742, 0.02503440897424549, 0.023782688525533214, 0.022593554099256553, 0.021463876394293722], "lambda": [0.1, 0.05, 0.03333333333333333, 0.025, 0.020000000000000004, 0.016666666666666666, 0.014285714285714285, 0.0125, 0.011111111111111112, 0.010000000000000002, 0.009090909090909092, 0.008333333333333333, 0.007692307692307693, 0.007142857142857143, 0.006666666666666667, 0.00625, 0.0058823529411764705, 0.005555555555555556, 0.005263157894736842, 0.005000000000000001, 0.004761904761904762, 0.004545454545454546, 0.004347826086956522, 0.004166666666666667, 0.004, 0.0038461538461538464, 0.003703703703703704, 0.0035714285714285713, 0.0034482758620689655, 0.0033333333333333335, 0.0032258064516129032], "multiplicative": [0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012, 0.025418658283290013, 0.022876792454961013, 0.020589113209464913, 0.01853020188851842, 0.01667718169966658, 0.015009463529699923, 0.013508517176729932, 0.01215766545905694, 0.010941898913151246, 0.009847709021836121, 0.00886293811965251, 0.007976644307687259, 0.007178979876918534, 0.006461081889226681, 0.005814973700304013, 0.005233476330273611, 0.00471012869724625, 0.004239115827521626], "poly": [0.1, 0.08100000000000002, 0.06400000000000002, 0.048999999999999995, 0.036000000000000004, 0.025000000000000005, 0.016000000000000007, 0.009000000000000008, 0.004, 0.001, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], "cos-restart": [0.1, 0.09140576474687263, 0.06890576474687263, 0.04109423525312736, 0.018594235253127367, 0.01, 0.018594235253127367, 0.04109423525312739, 0.06890576474687267, 0.09140576474687269, 0.10000000000000006, 0.09140576474687272, 0.06890576474687268, 0.0410942352531274, 0.01859423525312738, 0.01, 0.018594235253127367, 0.04109423525312739, 0.0689057647468727, 0.09140576474687272, 0.10000000000000012, 0.09140576474687274, 0.06890576474687281, 0.04109423525312742, 0.018594235253127388, 0.01, 0.018594235253127367, 0.041094235253127394, 0.06890576474687271, 0.09140576474687276, 0.10000000000000017], "multistep": [0.1, 0.1, 0.1, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125, 0.0125]};

type Sched = { step(): void };
function run(make: (o: optim.SGD) => Sched[], steps = 30, edit?: [number, number]): number[] {
  const o = new optim.SGD([zeros([1], { requiresGrad: true })], { lr: 0.1 });
  const scheds = make(o);
  const lrs = [o.paramGroups[0].options.lr];
  for (let e = 0; e < steps; e++) {
    for (const s of scheds) s.step();
    if (edit && e === edit[0]) o.paramGroups[0].options.lr = edit[1];
    lrs.push(o.paramGroups[0].options.lr);
  }
  return lrs;
}

const cases: [string, (o: optim.SGD) => Sched[], [number, number]?][] = [
  ['linear+exp', (o) => [new optim.LinearLR(o, { startFactor: 0.1, totalIters: 5 }), new optim.ExponentialLR(o, { gamma: 0.9 })]],
  ['step+cos', (o) => [new optim.StepLR(o, { stepSize: 5, gamma: 0.5 }), new optim.CosineAnnealingLR(o, { TMax: 10 })]],
  ['step-manual', (o) => [new optim.StepLR(o, { stepSize: 4, gamma: 0.5 })], [9, 1.0]],
  ['sequential', (o) => [new optim.SequentialLR(o, { schedulers: [new optim.LinearLR(o, { startFactor: 0.01, totalIters: 5 }), new optim.CosineAnnealingLR(o, { TMax: 20, etaMin: 0.001 })], milestones: [5] })]],
  ['chained', (o) => [new optim.ChainedScheduler([new optim.LinearLR(o, { startFactor: 0.5, totalIters: 3 }), new optim.ExponentialLR(o, { gamma: 0.95 })])]],
  ['lambda', (o) => [new optim.LambdaLR(o, { lrLambda: (e) => 1 / (1 + e) })]],
  ['multiplicative', (o) => [new optim.MultiplicativeLR(o, { lrLambda: () => 0.9 })]],
  ['poly', (o) => [new optim.PolynomialLR(o, { totalIters: 10, power: 2 })]],
  ['cos-restart', (o) => [new optim.CosineAnnealingLR(o, { TMax: 5, etaMin: 0.01 })]],
  ['multistep', (o) => [new optim.MultiStepLR(o, { milestones: [3, 3, 7], gamma: 0.5 })]],
];

describe('LR schedulers follow PyTorch step by step', () => {
  for (const [name, make, edit] of cases) {
    it(name, () => {
      const got = run(make, 30, edit);
      const want = torchLrs[name];
      expect(got.length).toBe(want.length);
      got.forEach((lr, i) => expect(Math.abs(lr - want[i]), `step ${i}: ${lr} vs ${want[i]}`).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(want[i])));
    });
  }
});

describe('scheduler arguments and ReduceLROnPlateau', () => {
  const opt = () => new optim.SGD([zeros([1], { requiresGrad: true })], { lr: 0.1 });
  it('unknown options and bad compositions are refused', () => {
    expect(() => new optim.StepLR(opt(), { step_size: 3 } as never)).toThrow(/^StepLR: unknown option 'step_size'/);
    expect(() => new optim.SequentialLR(opt(), { schedulers: [], milestones: [] })).toThrow(/^SequentialLR: schedulers expected a non-empty array of LR schedulers/);
    const o = opt();
    expect(() => new optim.SequentialLR(o, { schedulers: [new optim.StepLR(o, { stepSize: 2 }), new optim.ExponentialLR(o, { gamma: 0.9 })], milestones: [] })).toThrow(/^SequentialLR: milestones expected 1 increasing positive integers/);
    expect(() => new optim.LambdaLR(o, { lrLambda: 3 as never })).toThrow(/^LambdaLR: lrLambda expected a function or one function per param group \(1\), got number$/);
    expect(() => new optim.ReduceLROnPlateau(o, { patiense: 3 } as never)).toThrow(/^ReduceLROnPlateau: unknown option 'patiense'/);
    expect(() => new optim.ReduceLROnPlateau(o, { mode: 'maximize' as never })).toThrow(/^ReduceLROnPlateau: mode expected 'min' or 'max', got 'maximize'$/);
  });

  it('ReduceLROnPlateau reads a one-element tensor metric without blocking and resumes from its state dict', async () => {
    const o = opt();
    const s = new optim.ReduceLROnPlateau(o, { patience: 1 });
    for (const v of [5, 4, 3, 2, 1]) {
      const pending = s.step(zeros([]).add(v)); // read asynchronously (a trial's server stalled on the blocking read)
      expect(pending).toBeInstanceOf(Promise);
      await pending;
    }
    expect(o.paramGroups[0].options.lr).toBe(0.1); // improving every epoch: no decay
    s.step(2);
    const saved = s.stateDict();
    const o2 = opt();
    const resumed = new optim.ReduceLROnPlateau(o2, { patience: 1 });
    resumed.loadStateDict(saved);
    resumed.step(3); // the second bad epoch in a row: decay, as the original would
    expect(o2.paramGroups[0].options.lr).toBeCloseTo(0.01, 12);
    expect(() => s.step(zeros([2]))).toThrow(/^ReduceLROnPlateau.step: metric expected a number or a one-element tensor, got shape \[2\]$/);
  });

  it('ReduceLROnPlateau takes the promise item() gives, and applies when it arrives', async () => {
    const o = opt();
    const s = new optim.ReduceLROnPlateau(o, { patience: 0 });
    await s.step(zeros([]).add(1).item());
    await s.step(zeros([]).add(2).item()); // worse, patience 0: decay
    expect(o.paramGroups[0].options.lr).toBeCloseTo(0.01, 12);
    expect(s.lastEpoch).toBe(2);
    await expect(s.step(Promise.resolve('1') as never)).rejects.toThrow(/^ReduceLROnPlateau.step: metric expected a promise of a number, got a promise of string$/);
    expect(() => s.step({} as never)).toThrow(/^ReduceLROnPlateau.step: metric expected a number or a one-element tensor, got object$/);
  });
});

describe('optimiser arguments and dispose (fourth user trial)', () => {
  it('name what is wrong', () => {
    const p = zeros([2], { requiresGrad: true });
    const model = { parameters: () => [p] };
    expect(() => new optim.SGD(model as never)).toThrow(/^SGD: params expected an iterable of tensors or of param groups, got a module \(pass model\.parameters\(\)\)$/);
    expect(() => new optim.Adam([p], { betas: 0.9 as never })).toThrow(/^Adam: betas expected a pair \[beta1, beta2\], got 0\.9$/);
    const a = new optim.Adam([p]);
    const b = new optim.Adam([zeros([3], { requiresGrad: true })]);
    p.grad = zeros([2]);
    a.step();
    expect(() => b.loadStateDict(a.stateDict())).toThrow(/^loadStateDict: state '\w+' of parameter 0 has shape \[2\] saved but the parameter is \[3\] here \(a different model\?\)$/);
  });

  it('dispose() frees the state at once and refuses later steps', () => {
    const p = zeros([2], { requiresGrad: true });
    const a = new optim.Adam([p]);
    p.grad = zeros([2]);
    a.step();
    const moments = Object.values(a.state.get(p)!).filter((v) => typeof v !== 'number') as { isDisposed: boolean }[];
    expect(moments.length).toBeGreaterThan(0);
    a.dispose();
    expect(moments.every((m) => m.isDisposed)).toBe(true);
    expect(a.state.size).toBe(0);
    expect(() => a.step()).toThrow(/^Adam: step\(\) after dispose\(\)$/);
  });
});
