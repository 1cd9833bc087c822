import { describe, expect, it } from 'vitest';
import { copyInto, noGrad, ones, scope, sum, tensor, zeros, type Tensor } from '@nutshell/tensor';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, GRU, MaxPool2d, Embedding, Identity, LSTM, Linear, Module, ModuleDict, ModuleList, Parameter, ReLU, Sequential, packPaddedSequence, summary } from '../src/index.js';

class Net extends Module {
  conv1 = new Conv2d(1, 4, 3);
  bn = new BatchNorm2d(4);
  blocks = new ModuleList([new Linear(4, 4), new Linear(4, 2)]);
  forward(x: Tensor): Tensor {
    return x;
  }
}

describe('Module', () => {
  it('registers parameters, buffers and submodules by assignment with PyTorch names', () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([k]) => k)).toEqual([
      'conv1.weight', 'conv1.bias', 'bn.weight', 'bn.bias', 'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias',
    ]);
    expect([...net.stateDict().keys()]).toEqual([
      'conv1.weight', 'conv1.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked',
      'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias',
    ]);
    expect([...net.children()].length).toBe(3);
    expect([...net.modules()].length).toBe(6);
  });

  it('LSTM parameters carry PyTorch names and shapes', () => {
    const lstm = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const shapes = Object.fromEntries([...lstm.namedParameters()].map(([k, p]) => [k, p.shape]));
    expect(Object.keys(shapes)).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    expect(shapes.weight_ih_l0).toEqual([20, 3]);
    expect(shapes.weight_ih_l1).toEqual([20, 10]);
    expect(shapes.weight_hh_l1_reverse).toEqual([20, 5]);
  });

  it('train()/eval() reach every submodule', () => {
    const net = new Net().eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.bn.training).toBe(true);
  });

  it('loadStateDict copies into the existing tensors, strictly by default', () => {
    const a = new Linear(3, 2);
    const b = new Linear(3, 2);
    const weightBefore = b.weight;
    b.loadStateDict(a.stateDict());
    expect(b.weight).toBe(weightBefore);
    expect(Array.from(b.weight.dataSync())).toEqual(Array.from(a.weight.dataSync()));
    expect(() => b.loadStateDict(new Map([['weight', a.weight]]))).toThrowError(/loadStateDict: missing keys: bias/);
    expect(() => b.loadStateDict(new Map([['weight', ones([2, 4])], ['bias', a.bias!]]))).toThrowError(/'weight' has shape \[2,4\] in the state dict but \[2,3\] in the model/);
    const r = b.loadStateDict(new Map([['weight', a.weight], ['extra', a.weight]]), { strict: false });
    expect(r).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    // Keys and shapes in one message (a user saw the missing key, then the mismatch on the next try).
    expect(() => b.loadStateDict(new Map([['weight', ones([2, 4])], ['extra', a.weight]]))).toThrowError(
      /^loadStateDict: missing keys: bias; unexpected keys: extra; 'weight' has shape \[2,4\] in the state dict but \[2,3\] in the model$/,
    );
    // Object.entries of the Map stateDict() returns is empty: the message says so.
    expect(() => b.loadStateDict(Object.fromEntries(Object.entries(a.stateDict())))).toThrowError(/the state is an empty object: stateDict\(\) returns a Map/);
  });

  it('console.log(model) prints the layer summary, as print(model) in PyTorch (it dumped the internals)', async () => {
    const { inspect } = await import('node:util');
    const m = new Linear(3, 2);
    expect(inspect(m)).toBe(m.toString());
  });

  it('freezing: a frozen module gets no gradients and its parameters do not move', async () => {
    const { SGD } = await import('@nutshell/optim');
    const frozen = new Linear(3, 3);
    const head = new Linear(3, 1);
    frozen.requiresGrad_(false);
    const before = Array.from(frozen.weight.dataSync());
    const opt = new SGD([...frozen.parameters(), ...head.parameters()], { lr: 0.5 });
    scope(() => {
      sum(head.forward(frozen.forward(tensor([[1, 2, 3]])))).backward();
      opt.step();
    });
    expect(frozen.weight.grad).toBeNull();
    expect(head.weight.grad).not.toBeNull();
    expect(Array.from(frozen.weight.dataSync())).toEqual(before);
  });

  it('containers: Sequential chains, ModuleDict names, Identity passes through', () => {
    const seq = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect([...seq.stateDict().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const out = scope(() => seq.forward(tensor([[1, 2]])).dataSync());
    expect(out.length).toBe(1);
    const dict = new ModuleDict({ enc: new Linear(2, 2), dec: new Identity() });
    expect(dict.keys()).toEqual(['enc', 'dec']);
    expect([...dict.stateDict().keys()]).toEqual(['enc.weight', 'enc.bias']);
  });

  it('summary prints each layer with output shape and parameter count', () => {
    const seq = new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new ReLU());
    const s = summary(seq, [1, 1, 28, 28]);
    expect(s.totalParams).toBe(6 * 25 + 6);
    expect(s.layers[0]).toMatchObject({ name: '0', type: 'Conv2d', outputShape: [1, 6, 28, 28], params: 156 });
    expect(s.text).toContain('Total params: 156');
  });

  it("summary shows the model's own parameters in a row of their own, and layer reprs show every setting (second user trial)", () => {
    class WithPosition extends Module {
      pos = Parameter(zeros([5, 4]));
      fc = new Linear(4, 2);
      forward(x: Tensor): Tensor {
        return this.fc.forward(x.add(this.pos));
      }
    }
    const s = summary(new WithPosition(), [5, 4]);
    expect(s.layers.map((l) => [l.name, l.params])).toEqual([['(own)', 20], ['fc', 10]]);
    expect(s.layers[0].outputShape).toEqual([5, 2]);
    expect(s.totalParams).toBe(30);
    expect(new LSTM(4, 8, { numLayers: 2, dropout: 0.3, bias: false }).toString()).toBe('LSTM(4, 8, numLayers=2, bias=false, dropout=0.3)');
  });

  it('summary passes arguments that are not tensors as given (lengths), and shows packed and tuple outputs (found by a user trial)', () => {
    class Encoder extends Module {
      emb = new Embedding(10, 4, { paddingIdx: 0 });
      rnn = new GRU(4, 5, { batchFirst: true });
      forward(src: Tensor, lengths: number[]): Tensor {
        return this.rnn.forward(packPaddedSequence(this.emb.forward(src), lengths, { batchFirst: true, enforceSorted: false })).h;
      }
    }
    const src = tensor([[1, 2, 3], [4, 0, 0]], { dtype: 'int64' });
    const s = summary(new Encoder(), [src, [3, 1]]);
    expect(s.layers.map((l) => [l.name, l.outputShape])).toEqual([['emb', [2, 3, 4]], ['rnn', [4, 5]]]);
    expect(() => summary(new Encoder(), [[2, 3], ['x' as never]])).toThrow(/^summary: shape 1 expected non-negative integers, got \[string\]; to pass other arguments, give the forward's arguments with tensors among them$/);
  });

  it('summary leaves the model as it was: batch norm statistics, modes, own forwards (found by a user trial)', () => {
    scope(() => {
      class Block extends Module {
        fc = new Linear(4, 4);
        forward = (x: Tensor): Tensor => this.fc.forward(x).relu(); // an arrow-function field
      }
      const bn = new BatchNorm2d(2);
      const frozen = new Linear(4, 4).eval();
      const model = new Sequential(new Conv2d(1, 2, 3), bn);
      const before = Array.from(bn.running_var!.dataSync());
      summary(model, [2, 1, 5, 5]);
      expect(Array.from(bn.running_var!.dataSync())).toEqual(before);
      expect(Number(bn.num_batches_tracked!.dataSync()[0])).toBe(0);
      expect(model.training && bn.training).toBe(true);
      const outer = new Sequential(new Block(), frozen);
      summary(outer, [3, 4]);
      expect(outer.forward(ones([3, 4])).shape).toEqual([3, 4]); // Block's own forward is back
      expect(Object.getOwnPropertyDescriptor(frozen, 'forward')).toBeUndefined();
      expect(frozen.training).toBe(false); // a module in eval mode stays so
    });
  });

  it('visits a module registered under two names once (modules, apply, summary), as PyTorch does', () => {
    const shared = new Linear(2, 2);
    const model = new Sequential(shared, new ReLU(), shared);
    expect([...model.modules()]).toHaveLength(3);
    let visits = 0;
    model.apply((m) => void (m === shared && visits++));
    expect(visits).toBe(1);
    // summary lists calls, as torchinfo does: the shared layer twice, its parameters once.
    const s = summary(model, [1, 2]);
    expect(s.layers.map((l) => [l.name, l.params, l.recursive])).toEqual([['0', 6, false], ['1', 0, false], ['0', 0, true]]);
    expect(s.text).toMatch(/^0 \(Linear\) +\[1, 2\] +\(recursive\)$/m);
    expect(s.totalParams).toBe(6);
  });

  it('summary lists calls in call order, parents before children, and modules never called last (a U-Net trial)', () => {
    class Net extends Module {
      unused = new Linear(3, 3);
      pool = new MaxPool2d(2);
      conv = new Conv2d(1, 2, 3, { padding: 1 });
      forward(x: Tensor): Tensor {
        return this.pool.forward(this.conv.forward(this.pool.forward(x)));
      }
    }
    const s = summary(new Net(), [1, 1, 8, 8]);
    expect(s.layers.map((l) => [l.name, l.outputShape])).toEqual([['pool', [1, 1, 4, 4]], ['conv', [1, 2, 4, 4]], ['pool', [1, 2, 2, 2]], ['unused', null]]);
    const nested = summary(new Sequential(new Sequential(new Linear(2, 3)), new ReLU()), [1, 2]);
    expect(nested.layers.map((l) => l.name)).toEqual(['0', '0.0', '1']);
  });

  it('default initialisation follows PyTorch: Linear weight within ±1/sqrt(fanIn)', () => {
    const l = new Linear(100, 50);
    const w = l.weight.dataSync() as Float32Array;
    const bound = 1 / Math.sqrt(100);
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    expect(Math.max(...w)).toBeGreaterThan(bound * 0.9);
  });
});

describe('container and state dict arguments (found by a user trial)', () => {
  it('Parameter refuses what is not a tensor (nn.Parameter() and nn.Parameter([1, 2]) got a raw TypeError or through)', () => {
    expect(() => (Parameter as (...a: unknown[]) => Tensor)()).toThrowError(/^Parameter: expected a Tensor, got nothing$/);
    expect(() => Parameter([1, 2] as never)).toThrowError(/^Parameter: expected a Tensor, got an array \(make it a tensor first: Parameter\(tensor\(\[\.\.\.\]\)\)\)$/);
    expect(() => Parameter(zeros([1]), 'yes' as never)).toThrowError(/^Parameter: requiresGrad expected a boolean, got string$/);
  });

  it('Sequential takes modules only; loadStateDict takes tensors only', () => {
    expect(() => new Sequential(new Linear(4, 3), 'relu' as never)).toThrow(/^Sequential: argument 1 expected a Module, got "relu"$/);
    expect(() => new Linear(1, 1).loadStateDict({ weight: [[1]] } as never, { strict: false })).toThrow(/^loadStateDict: 'weight' expected a Tensor, got an array$/);
  });

  it('refuses a structuredClone of a state dict by key, saying what copies tensors (a user trial: "src.to is not a function")', () => {
    scope(() => {
      const model = new Linear(2, 3);
      const before = Array.from(model.weight.dataSync());
      const cloned = structuredClone(model.stateDict());
      expect(() => model.loadStateDict(cloned)).toThrow(
        /^loadStateDict: 'weight' expected a Tensor, got a plain object \(structuredClone does not copy tensors: use model.clone\(\) or map each value with t.clone\(\)\)$/,
      );
      expect(Array.from(model.weight.dataSync())).toEqual(before); // refused before anything was copied
      // What the message points to works.
      const copies = new Map([...model.stateDict()].map(([k, t]) => [k, t.clone()]));
      expect(model.loadStateDict(copies)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      expect(() => model.loadStateDict({ weight: { a: 1 }, bias: 3 } as never)).toThrow(/^loadStateDict: 'weight' expected a Tensor, got a plain object$/);
    });
  });
});

describe('PyTorch habits from the transfer-learning trial', () => {
  it('a model built, or given a new head, inside scope() keeps its weights; dispose() releases them', () => {
    const model = scope(() => new Sequential(new Linear(4, 3), new ReLU()));
    scope(() => {
      (model as unknown as Record<string, Module>)['2'] = new Linear(3, 2);
    });
    const y = scope(() => model.forward(ones([1, 4])).sum().itemSync());
    expect(Number.isFinite(y)).toBe(true);
    const weight = model.at(0) as Linear;
    model.dispose();
    expect(weight.weight.isDisposed).toBe(true);
  });

  it('a checkpoint without num_batches_tracked loads strictly, keeping the count', () => {
    scope(() => {
      const bn = new BatchNorm2d(2);
      const sd = new Map([...bn.stateDict()].filter(([k]) => k !== 'num_batches_tracked'));
      expect(bn.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      expect(() => bn.loadStateDict(new Map([...sd].filter(([k]) => k !== 'running_mean')))).toThrow(/^loadStateDict: missing keys: running_mean$/);
    });
  });

  it('a refused load lists every shape mismatch and changes nothing', () => {
    scope(() => {
      const fc = new Linear(2, 3);
      const before = Array.from(fc.bias!.dataSync());
      const sd = new Map([
        ['weight', zeros([3, 3])],
        ['bias', zeros([4])],
      ]);
      expect(() => fc.loadStateDict(sd)).toThrow(/^loadStateDict: 2 shape mismatches: 'weight' has shape \[3,3\] in the state dict but \[3,2\] in the model; 'bias' has shape \[4\]/);
      expect(Array.from(fc.bias!.dataSync())).toEqual(before);
    });
  });

  it('registerBuffer takes persistent: false (moved by to(), left out of stateDict)', () => {
    class WithTable extends Module {
      constructor() {
        super();
        this.registerBuffer('table', ones([3]), { persistent: false });
        this.registerBuffer('kept', zeros([1]));
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new WithTable();
    expect([...m.stateDict().keys()]).toEqual(['kept']);
    expect([...m.namedBuffers()].map(([k]) => k)).toEqual(['table', 'kept']);
    expect(() => m.registerBuffer('x', null, { persist: false } as never)).toThrow(/^registerBuffer: unknown option 'persist' \(it takes 'persistent'\)$/);
  });

  it('namedParameters(prefix, recurse) as PyTorch; an options object is refused, not used as a prefix', () => {
    const net = new Net();
    expect([...net.namedParameters('', false)]).toEqual([]);
    expect([...net.conv1.namedParameters('c', false)].map(([k]) => k)).toEqual(['c.weight', 'c.bias']);
    expect([...net.parameters(false)]).toEqual([]);
    expect(() => [...net.namedParameters({ recurse: false } as never)]).toThrow(/^namedParameters: prefix expected a string, got object \(PyTorch's recurse=False is namedParameters\('', false\)\)$/);
  });

  it('requiresGrad is assignable on leaves; requires_grad is refused rather than ignored', () => {
    scope(() => {
      const fc = new Linear(2, 2);
      fc.weight.requiresGrad = false;
      expect(fc.weight.requiresGrad).toBe(false);
      expect(() => ((fc.weight as unknown as { requires_grad: boolean }).requires_grad = false)).toThrow(/^requires_grad: this API spells it requiresGrad/);
      expect(() => (fc.bias! as unknown as { requires_grad: boolean }).requires_grad).toThrow(/requiresGrad/);
      const y = fc.bias!.mul(2);
      expect(() => (y.requiresGrad = false)).toThrow(/^requiresGrad_: only leaves can stop requiring grad/);
    });
  });

  it('assigning a plain tensor over a parameter is refused (it silently left parameters() and the optimiser)', () => {
    scope(() => {
      const fc = new Linear(2, 2);
      expect(() => (fc.weight = ones([2, 2]))).toThrow(/^Linear: cannot assign a plain Tensor to parameter 'weight' \(a Parameter or null expected\); wrap it, this.weight = Parameter\(t\), or copy values in/);
      fc.weight = Parameter(ones([2, 2]));
      fc.bias = null;
      expect([...fc.namedParameters()].map(([k]) => k)).toEqual(['weight']);
      expect(fc instanceof Linear && fc instanceof Module).toBe(true);
    });
  });

  it('clone() deep-copies a model (EMA / teacher): same outputs, own tensors, ties kept', () => {
    scope(() => {
      class Tied extends Module {
        embed = new Embedding(5, 3);
        lstm = new LSTM(3, 4);
        bn = new BatchNorm1d(4);
        head = new Linear(3, 5);
        constructor() {
          super();
          this.head.weight = this.embed.weight;
        }
        forward(x: Tensor): Tensor {
          return this.head.forward(this.embed.forward(x));
        }
      }
      const model = new Tied();
      model.bn.forward(tensor(Array.from({ length: 8 }, (_, i) => Math.sin(i)), { shape: [2, 4] }));
      model.eval();
      const copy = model.clone();
      expect(copy).toBeInstanceOf(Tied);
      expect(copy).not.toBe(model);
      expect(copy.head.weight).toBe(copy.embed.weight);
      expect(copy.embed.weight).not.toBe(model.embed.weight);
      expect(copy.training).toBe(false);
      const x = tensor([1n, 4n], { dtype: 'int64' });
      expect(Array.from(copy.forward(x).dataSync())).toEqual(Array.from(model.forward(x).dataSync()));
      expect(Array.from(copy.bn.running_mean!.dataSync())).toEqual(Array.from(model.bn.running_mean!.dataSync()));
      expect(copy.stateDict().size).toBe(model.stateDict().size);
      noGrad(() => copyInto(copy.embed.weight, zeros([5, 3])));
      expect(model.embed.weight.abs().sum().itemSync()).toBeGreaterThan(0);
      expect(() => (copy.head.weight = ones([5, 3]))).toThrow(/cannot assign a plain Tensor/);
      expect(model.getParameter('lstm.weight_hh_l0')).toBe(model.lstm.weight_hh_l0);
      expect(model.getSubmodule('lstm')).toBe(model.lstm);
      expect(() => model.getSubmodule('lstm.cell')).toThrow(/^getSubmodule: LSTM has no submodule 'cell' \(path 'lstm.cell'\)$/);
      expect(() => model.getSubmodule(['lstm'] as never)).toThrow(/^getSubmodule: path expected a dotted string \('encoder.layers.0'\), got an array$/);
    });
  });

  it('clone refuses a forward defined as an arrow-function field and copies past a dead cached tensor (found by a review)', () => {
    class Arrow extends Module {
      fc = new Linear(2, 2);
      forward = (x: Tensor): Tensor => this.fc.forward(x);
    }
    expect(() => new Arrow().clone()).toThrow(/^clone: Arrow has forward as an arrow-function field, which stays bound to the original module; define forward as a method to clone it$/);
    const hooked = new Arrow();
    hooked.registerForwardHook(() => undefined);
    expect(() => hooked.clone()).toThrow(/^clone: Arrow has forward as an arrow-function field/);
    class Caching extends Module {
      fc = new Linear(2, 2);
      last: Tensor | null = null;
      forward(x: Tensor): Tensor {
        return (this.last = this.fc.forward(x));
      }
    }
    const caching = new Caching();
    scope(() => void caching.forward(ones([1, 2]))); // the cached output dies with the scope
    expect(() => caching.clone()).not.toThrow();
  });

  it('a tensor of an outer scope made a parameter in an inner one outlives both (found by a review)', () => {
    const lin = new Linear(2, 2);
    scope(() => {
      const w = ones([2, 2]);
      scope(() => {
        lin.weight = Parameter(w);
      });
    });
    expect(lin.weight.isDisposed).toBe(false);
    expect(Array.from(lin.weight.dataSync())).toEqual([1, 1, 1, 1]);
  });

  it('forward hooks: features out of a submodule, outputs and inputs replaced, handles removed', () => {
    scope(() => {
      const model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
      const seen: Tensor[] = [];
      const handle = model.at(1).registerForwardHook((_m, _inputs, output) => void seen.push(output));
      const x = tensor([[1, -2]]);
      const y = model.forward(x);
      expect(seen).toHaveLength(1);
      expect(seen[0].shape).toEqual([1, 3]);
      const zeroed = model.at(1).registerForwardHook((_m, _inputs, output: Tensor) => output.mul(0));
      expect(Array.from(model.forward(x).dataSync())).toEqual(Array.from((model.at(2) as Linear).bias!.dataSync()));
      zeroed.remove();
      handle.remove();
      expect(Object.getOwnPropertyDescriptor(model.at(1), 'forward')).toBeUndefined(); // the last hook gone, unwrapped
      expect(Array.from(model.forward(x).dataSync())).toEqual(Array.from(y.dataSync()));
      expect(seen).toHaveLength(2);
      const pre = model.at(0).registerForwardPreHook((_m, [input]) => [(input as Tensor).mul(0)]);
      expect(Array.from(model.forward(x).dataSync())).toEqual(Array.from(model.forward(zeros([1, 2])).dataSync()));
      pre.remove();
      expect([...model.namedParameters()].map(([k]) => k)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
      const copy = model.clone();
      model.at(1).registerForwardHook(() => {
        throw new Error('hooks stay with the original');
      });
      expect(() => copy.forward(x)).not.toThrow();
      expect(() => model.at(1).registerForwardHook(3 as never)).toThrow(/^registerForwardHook: hook expected a function, got number$/);
    });
  });

  it('summary takes one shape per forward argument, token dtypes, or the tensors themselves (found by a user trial)', () => {
    class TwoInputs extends Module {
      embed = new Embedding(10, 4);
      fc = new Linear(4, 2);
      forward(tokens: Tensor, extra: Tensor): Tensor {
        return this.fc.forward(this.embed.forward(tokens)).add(extra);
      }
    }
    const model = new TwoInputs();
    const a = summary(model, [[3, 5], [3, 5, 2]], { dtypes: ['int64', 'float32'] });
    expect(a.layers.map((l) => [l.name, l.outputShape])).toEqual([
      ['embed', [3, 5, 4]],
      ['fc', [3, 5, 2]],
    ]);
    const b = scope(() => summary(model, [zeros([1, 2], { dtype: 'int64' }), zeros([1, 2, 2])]));
    expect(b.layers[1].outputShape).toEqual([1, 2, 2]);
    expect(summary(new Linear(3, 1), [4, 3]).layers.map((l) => l.outputShape)).toEqual([[4, 1]]);
    expect(() => summary(model, [[3, 5]], { dtype: 'int64' } as never)).toThrow(/^summary: unknown option 'dtype' \(it takes 'dtypes'\); did you mean 'dtypes'\?$/);
  });

  it('layer reprs show their settings as PyTorch prints them', () => {
    expect(String(new Conv2d(3, 8, 3, { bias: false, stride: 2, padding: 1 }))).toBe('Conv2d(3, 8, kernelSize=[3,3], stride=2, padding=1, bias=false)');
    expect(String(new MaxPool2d(3, { stride: 2, ceilMode: true, padding: 1 }))).toBe('MaxPool2d(kernelSize=3, stride=2, padding=1, dilation=1, ceilMode=true)');
    expect(String(new AdaptiveAvgPool2d([1, 1]))).toBe('AdaptiveAvgPool2d(outputSize=[1, 1])');
    expect(String(new AvgPool2d(2))).toBe('AvgPool2d(kernelSize=2, stride=2, padding=0)');
  });

  it('ModuleDict keeps insertion order, refuses names that hide members or hold dots; Sequential takes names and iterates', () => {
    // A Map keeps the order written; a JavaScript object literal would put '10' first.
    const d = new ModuleDict(new Map<string, Module>([['b', new Linear(1, 1)], ['10', new Linear(1, 1)], ['a', new Identity()]]));
    d.set('2', new Linear(1, 1));
    expect(d.keys()).toEqual(['b', '10', 'a', '2']);
    expect([...d.namedParameters()].map(([k]) => k)).toEqual(['b.weight', 'b.bias', '10.weight', '10.bias', '2.weight', '2.bias']);
    expect([...d]).toEqual(d.keys());
    expect(d.has('a') && !d.has('training')).toBe(true);
    expect(() => d.set('training', new ReLU())).toThrow(/^ModuleDict: key 'training' would hide the module's own 'training'; choose another name$/);
    expect(() => d.set('to', new ReLU())).toThrow(/would hide the module's own 'to'/);
    expect(() => d.set('a.b', new ReLU())).toThrow(/^ModuleDict: key 'a.b' contains '.'/);
    const named = new Sequential({ fc1: new Linear(2, 3), act: new ReLU(), fc2: new Linear(3, 1) });
    expect([...named.namedParameters()].map(([k]) => k)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect([...named].length).toBe(3);
    named.push(new ReLU());
    expect(named.length).toBe(4);
  });
});
