// Note [PyTorch spellings]: snake_case names of our camelCase members are refused, naming ours;
// assignments to them still make ordinary properties.
import { describe, expect, it } from 'vitest';
import { Tensor, ValueError, getNumThreads, logSoftmax, randn, setNumThreads, softmax, trapPyTorchSpellings } from '../src/index.js';

describe('PyTorch spellings', () => {
  it('x.numpy() and x.double() name what to write (found by user trials: a bare TypeError)', () => {
    const x = randn([2]);
    expect(() => (x as unknown as { numpy(): void }).numpy()).toThrow(/^Tensor\.numpy: this API spells it await x\.data\(\) \(a typed array\) or await x\.array\(\)/);
    expect(() => (x as unknown as { double(): void }).double()).toThrow(/^Tensor\.double: this API spells it float\(\): tensors compute in float32 here/);
  });

  it("softmax and logSoftmax take PyTorch's dim keyword as { dim } too; getNumThreads reads setNumThreads", () => {
    const x = randn([2, 3]);
    expect(Array.from(softmax(x, { dim: 1 }).dataSync())).toEqual(Array.from(x.softmax(1).dataSync()));
    expect(Array.from(x.logSoftmax({ dim: 0 }).dataSync())).toEqual(Array.from(logSoftmax(x, 0).dataSync()));
    expect(() => softmax(x, { axis: 1 } as never)).toThrow(/^softmax: /);
    const before = getNumThreads();
    setNumThreads(2);
    expect(getNumThreads()).toBe(2);
    setNumThreads(before);
  });

  it("an in-place form we lack (x.index_select_, x.masked_select_) says so; one we have is named (user trial AC)", () => {
    const x = randn([3, 2]) as unknown as Record<string, unknown>;
    expect(() => x.index_select_).toThrow(/^Tensor\.index_select_: this API has no in-place index_select_; indexSelect returns a new tensor \(x = x\.indexSelect\(…\)\)$/);
    expect(() => x.masked_select_).toThrow(/no in-place masked_select_; maskedSelect returns a new tensor/);
    expect(() => x.masked_fill_).toThrow(/^Tensor\.masked_fill_: this API spells it maskedFill_$/);
    expect(() => x.index_add_).toThrow(/^Tensor\.index_add_: this API spells it indexAdd_$/);
    expect(() => x.scatter_reduce_).toThrow(/^Tensor\.scatter_reduce_: this API spells it scatterReduce_$/);
  });

  it("x.fill_diagonal_ names ours; x.to_sparse(), is_sparse and the other sparse names say there are no sparse tensors and what serves (user trial AQ: a bare TypeError)", () => {
    const x = randn([3, 3]) as unknown as Record<string, () => unknown>;
    expect(() => x.fill_diagonal_!()).toThrow(/^Tensor\.fill_diagonal_: this API spells it fillDiagonal_$/);
    expect(() => x.unique_consecutive!()).toThrow(/^Tensor\.unique_consecutive: this API spells it uniqueConsecutive$/);
    for (const name of ['to_sparse', 'to_sparse_coo', 'to_sparse_csr', 'to_sparse_csc', 'sparse_mask', 'coalesce', 'crow_indices', '_nnz']) {
      expect(() => x[name]!(), name).toThrow(new RegExp(`^Tensor\\.${name}: nutshell has no sparse tensors \\(every tensor is dense\\); for a sparse-times-dense product .*indexAdd\\(zeros\\(\\[N, F\\]\\), 0, dst, indexSelect\\(h, 0, src\\)\\).*embeddingBag\\(indices, weight, \\{ offsets`));
    }
    expect(() => x.is_sparse).toThrow(/^Tensor\.is_sparse: nutshell has no sparse tensors: every tensor is dense \(read it as false\); /);
    expect(() => x.to_dense!()).toThrow(/^Tensor\.to_dense: tensors are always dense here: use the tensor itself/);
  });

  it('x.masked_fill, x.requires_grad_, x.grad_fn, x.is_leaf name the spelling here', () => {
    const x = randn([2, 2]);
    const names = (x as unknown) as Record<string, () => unknown>;
    expect(() => names.masked_fill!(x.gt(0), 1)).toThrowError(/^Tensor\.masked_fill: this API spells it maskedFill$/);
    expect(() => names.requires_grad_!()).toThrowError(/^Tensor\.requires_grad_: this API spells it requiresGrad_$/);
    expect(() => names.grad_fn).toThrowError(/spells it gradFn/);
    expect(() => names.is_leaf).toThrowError(ValueError);
    // Our own names are untouched, and snake_case names we also have (add_) stay ours.
    expect(x.maskedFill(x.gt(0), 1).shape).toEqual([2, 2]);
    expect(typeof names.add_).toBe('function');
    // The traps live on an object between Tensor.prototype and its parent, which keeps only the
    // members (hundreds of accessors on it made every tensor method call slower).
    expect(Object.getOwnPropertyNames(Tensor.prototype)).not.toContain('masked_fill');
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(Tensor.prototype))).toContain('masked_fill');
  });

  it("p.data.mul_(…), PyTorch's EMA idiom, names what to write (Note [p.data]); data() still reads", async () => {
    const p = randn([3]);
    const read = p.data as unknown as Record<string, unknown>;
    expect(() => read.mul_).toThrowError(/^t\.data\.mul_: data\(\) reads the values here \(await t\.data\(\)\); PyTorch's t\.data is t\.detach\(\), or write in place under noGrad\(\(\) => t\.mul_\(…\)\)$/);
    expect(() => read.shape).toThrowError(/^t\.data\.shape: .* is t\.detach\(\)$/);
    expect((await p.data()).length).toBe(3);
    expect(p.data.name).toBe('data');
  });

  it('an assignment makes an own property; statics and extra names are trapped; own snake_case members stay', () => {
    class Base {
      static fromThing(): Base {
        return new Base();
      }
      paramGroups = [1];
      stateDict(): number {
        return 1;
      }
      load_it(): number {
        return 2;
      }
    }
    class Child extends Base {}
    trapPyTorchSpellings([Child], { param_groups: 'paramGroups' });
    const c = new Child() as unknown as Record<string, unknown>;
    expect(() => c.state_dict).toThrowError(/^Child\.state_dict: this API spells it stateDict$/);
    expect(() => c.param_groups).toThrowError(/^Child\.param_groups: this API spells it paramGroups$/);
    expect(() => (Child as unknown as Record<string, unknown>).from_thing).toThrowError(/^Base\.from_thing: this API spells it fromThing$/);
    expect((c.load_it as () => number)()).toBe(2);
    c.state_dict = 5;
    expect(c.state_dict).toBe(5);
    expect(() => (new Child() as unknown as Record<string, unknown>).state_dict).toThrowError(ValueError);
  });
});
