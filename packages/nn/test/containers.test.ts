// Model surgery on Sequential and ModuleList, as PyTorch users do it (found by a user trial:
// `delete seq[1]` then `push` overwrote the last layer, a function assigned over a layer dropped
// it, integer-like record keys ran out of order, shared modules were walked twice).
import { describe, expect, it } from 'vitest';
import { ones } from '@nutshell/tensor';
import { BatchNorm1d, Identity, Linear, MODULE_ARRAY_WARNING, Module, ModuleList, ReLU, Sequential, Tanh } from '../src/index.js';

const names = (m: Module) => [...m.namedChildren()].map(([k, c]) => `${k}:${c.constructor.name}`);

describe('Sequential and ModuleList keep their modules numbered 0…n-1, as PyTorch', () => {
  it('delete seq[i] renumbers the rest, so push appends instead of overwriting the last layer', () => {
    const last = new Linear(4, 2);
    const seq = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 4), new ReLU(), last);
    delete (seq as unknown as Record<string, Module>)[1];
    expect(names(seq)).toEqual(['0:Linear', '1:Linear', '2:ReLU', '3:Linear']);
    expect(seq.at(3)).toBe(last);
    seq.push(new Tanh());
    expect(names(seq)).toEqual(['0:Linear', '1:Linear', '2:ReLU', '3:Linear', '4:Tanh']);
    expect([...seq.stateDict().keys()]).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']);
    expect(seq.forward(ones([2, 3])).shape).toEqual([2, 2]);
  });

  it('insert, pop, extend and slice, as PyTorch’s insert, pop, extend and seq[a:b]', () => {
    const [a, b, c] = [new Linear(2, 2), new ReLU(), new Linear(2, 1)];
    const seq = new Sequential(a, c);
    seq.insert(1, b);
    expect([...seq]).toEqual([a, b, c]);
    seq.insert(-1, new Identity());
    expect(names(seq)).toEqual(['0:Linear', '1:ReLU', '2:Identity', '3:Linear']);
    expect(seq.pop(2)).toBeInstanceOf(Identity);
    expect(seq.pop()).toBe(c);
    expect(names(seq)).toEqual(['0:Linear', '1:ReLU']);
    seq.extend([new Tanh(), c]);
    const head = seq.slice(0, -1);
    expect(head).toBeInstanceOf(Sequential);
    expect(names(head)).toEqual(['0:Linear', '1:ReLU', '2:Tanh']);
    expect(head.at(0)).toBe(a); // shared, not copied
    seq.insert(seq.length, new Identity());
    expect(names(seq).at(-1)).toBe('4:Identity');
    expect(() => seq.insert(9, new ReLU())).toThrow(/^Sequential\.insert: index expected an integer from -5 to 5, got 9$/);
    expect(() => seq.pop(5)).toThrow(/^Sequential\.pop: index expected an integer from -5 to 4, got 5$/);
    expect(() => seq.insert(0, 'relu' as never)).toThrow(/^Sequential\.insert: expected a Module, got "relu"$/);
  });

  it('ModuleList has the same operations and checks what it is given', () => {
    const list = new ModuleList([new Linear(1, 1), new Linear(1, 2), new Linear(2, 3)]);
    delete (list as unknown as Record<string, Module>)['0'];
    expect(names(list)).toEqual(['0:Linear', '1:Linear']);
    list.insert(0, new ReLU());
    expect(names(list)).toEqual(['0:ReLU', '1:Linear', '2:Linear']);
    expect(list.slice(1)).toBeInstanceOf(ModuleList);
    expect(() => list.push((() => 0) as never)).toThrow(/^ModuleList\.push: expected a Module, got the function \(anonymous\)$/);
    expect(() => new ModuleList([new ReLU(), 3 as never])).toThrow(/^ModuleList\.push: expected a Module, got 3$/);
  });

  it('named Sequentials take pop and slice; insert, which needs numbers, says so', () => {
    const seq = new Sequential({ fc: new Linear(2, 2), act: new ReLU() });
    expect(() => seq.insert(0, new Tanh())).toThrow(/^Sequential\.insert: works on numbered modules, but these have names \(fc, act\)/);
    expect(seq.pop()).toBeInstanceOf(ReLU);
    expect(names(seq)).toEqual(['fc:Linear']);
  });

  it('refuses integer-like names in a record, which JavaScript would run first', () => {
    expect(() => new Sequential({ flatten: new Identity(), 1: new Linear(2, 2), head: new ReLU() })).toThrow(
      /^Sequential: entry '1' has an integer-like name, which JavaScript orders before the other names/,
    );
  });
});

describe('assigning over a submodule', () => {
  it('refuses what is not a Module (a function where an instance was meant), as PyTorch', () => {
    const seq = new Sequential(new Linear(2, 2), new ReLU(), new Linear(2, 1));
    const relu = (x: unknown) => x;
    expect(() => ((seq as unknown as Record<string, unknown>)[1] = relu)).toThrow(/^Sequential: cannot assign the function relu as submodule '1' \(a Module, or null to remove it, expected\)$/);
    expect(() => ((seq as unknown as Record<string, unknown>)[0] = 'oops')).toThrow(/^Sequential: cannot assign string as submodule '0'/);
    expect(names(seq)).toEqual(['0:Linear', '1:ReLU', '2:Linear']);
    (seq as unknown as Record<string, unknown>)[1] = new Tanh(); // a Module replaces a Module
    expect(names(seq)[1]).toBe('1:Tanh');
  });

  it('null removes a submodule, as PyTorch’s None', () => {
    class Net extends Module {
      fc: Linear | null = new Linear(2, 2);
      forward(x: never) {
        return x;
      }
    }
    const net = new Net();
    net.fc = null;
    expect([...net.parameters()]).toHaveLength(0);
  });
});

describe('a module registered under two names', () => {
  it('namedModules and namedBuffers list it once; stateDict keeps both names, as PyTorch', () => {
    const bn = new BatchNorm1d(3);
    const model = new Sequential({ a: new Linear(3, 3), bn, b: new Linear(3, 3), bn2: bn });
    expect([...model.namedModules()].map(([k]) => k)).toEqual(['', 'a', 'bn', 'b']);
    expect([...model.namedModules('', false)].map(([k]) => k)).toEqual(['', 'a', 'bn', 'b', 'bn2']);
    expect([...model.namedBuffers()].map(([k]) => k)).toEqual(['bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect([...model.stateDict().keys()].filter((k) => k.startsWith('bn2.'))).toHaveLength(5);
  });
});

describe('a plain array of modules', () => {
  it('warns once that its modules are not registered, naming ModuleList (as a Python list, but silent there)', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    try {
      class Net extends Module {
        layers = [new Linear(2, 2), new Linear(2, 2)];
        forward(x: never) {
          return x;
        }
      }
      class Referring extends Module {
        fc1 = new Linear(2, 2);
        fc2 = new Linear(2, 2);
        layers = [this.fc1, this.fc2]; // references to registered children: no warning
        forward(x: never) {
          return x;
        }
      }
      expect([...new Referring().parameters()]).toHaveLength(4);
      const net = new Net();
      expect([...net.parameters()]).toHaveLength(0);
      [...new Net().parameters()];
      await new Promise((r) => setImmediate(r));
      expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual([MODULE_ARRAY_WARNING]);
      expect(warnings[0].message).toMatch(/^Net\.layers is an array of modules, which registers none of them: .* Use new ModuleList\(\[\.\.\.\]\)/);
    } finally {
      process.off('warning', listen);
    }
  });
});

describe("Sequential's forward follows every change to its modules (it keeps the list between calls)", () => {
  class AddN extends Module {
    constructor(readonly n: number) {
      super();
    }
    forward(x: ReturnType<typeof ones>) {
      return x.add(this.n);
    }
  }
  const run = async (s: Sequential) => (await s.forward(ones([1])).data())[0];
  it('after assignment, delete, append, insert and pop', async () => {
    const s = new Sequential(new AddN(1), new AddN(10));
    expect(await run(s)).toBe(12);
    (s as unknown as Record<string, Module>)['1'] = new AddN(100);
    expect(await run(s)).toBe(102);
    s.append(new AddN(1000));
    expect(await run(s)).toBe(1102);
    delete (s as unknown as Record<string, Module>)['0'];
    expect(await run(s)).toBe(1101);
    s.insert(0, new AddN(5));
    expect(await run(s)).toBe(1106);
    s.pop();
    expect(await run(s)).toBe(106);
    (s as unknown as Record<string, Module | null>)['0'] = null;
    expect(await run(s)).toBe(101);
  });
});
