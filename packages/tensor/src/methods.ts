// Tensor methods, PyTorch style (x.add(y), x.sum(1), x.sum({ dim: 1, keepdim: true }) …), delegating
// to the op functions.
import { backward, type BackwardOptions } from './autograd/backward.js';
import { registerHook, retainGrad, retainsGrad, type GradHook, type HookHandle } from './autograd/hooks.js';
import { Device, type DeviceLike } from './device.js';
import { checkDType, dtypes, notADType, pytorchDTypeHint, type DType } from './dtype.js';
import { guardArity } from './arity.js';
import { trapPyTorchSpellings } from './pytorch-spellings.js';
import { addInPlaceMethods } from './inplace-methods.js';
import { trapDataHabit } from './data-habit.js';
import { DeviceError, fmtShape, fromNative, ShapeError, ValueError } from './errors.js';
import { checkOptions } from './options.js';
import { native } from './native.js';
import * as ops from './ops/table/index.js';
import { broadcastsTo, checkShape } from './shape.js';
import { Tensor } from './tensor.js';
import { tensorArg } from './ops/check-args.js';

declare module './tensor.js' {
  interface Tensor {
    add(other: ops.Operand): Tensor;
    mul(other: ops.Operand): Tensor;
    /** Sum over all elements, a dim, a list of dims, or { dim, keepdim }. */
    sum(dims?: ops.ReduceArg): Tensor;
    /** One dim may be -1 (inferred); x.reshape(-1) flattens. */
    reshape(shape: readonly number[] | number): Tensor;
    view(shape: readonly number[] | number): Tensor;
    expand(shape: readonly number[]): Tensor;
    cast(dtype: DType): Tensor;
    /** A tensor on `device` (this one when already there), or cast to a dtype (x.to('int64')). */
    to(deviceOrDType: DeviceLike | DType): Tensor;
    cpu(): Tensor;
    cuda(index?: number): Tensor;
    /** The same values with no history (shares storage). */
    detach(): Tensor;
    /** Gradients into every leaf's .grad; `backward(options)` or `backward(grad, options)`. */
    backward(gradOrOptions?: Tensor | BackwardOptions | null, options?: BackwardOptions): void;
  }
}

const proto = Tensor.prototype;
proto.add = function (other) {
  return ops.add(this, other);
};
proto.mul = function (other) {
  return ops.mul(this, other);
};
proto.sum = function (options) {
  return ops.sum(this, options);
};
proto.reshape = function (shape) {
  return ops.reshape(this, shape);
};
proto.view = function (shape) {
  return ops.view(this, shape);
};
proto.expand = function (shape) {
  return ops.expand(this, shape);
};
proto.cast = function (dtype) {
  return ops.cast(this, dtype);
};
proto.to = function (spec) {
  // PyTorch's x.to(torch.int64): a dtype name casts.
  if (typeof spec === 'string' && (dtypes as readonly string[]).includes(spec)) return ops.cast(this, spec as DType);
  if (typeof spec === 'string' && !/^(cpu|cuda)(:\d+)?$/.test(spec)) {
    const expected = `a device ('cpu', 'cuda', 'cuda:N') or a dtype (${dtypes.join(', ')})`;
    if (pytorchDTypeHint(spec)) throw notADType('to', spec, expected);
    throw new DeviceError(`to: expected ${expected}, got '${spec}'`);
  }
  const device = Device.of(spec, 'to');
  if (device === this.device) return this;
  try {
    const handle = native().transfer(this.handle('to'), this.nbytes, device.typeId, device.index);
    return new Tensor(handle, this.shape, this.dtype, device);
  } catch (err) {
    throw fromNative(err);
  }
};
proto.cpu = function () {
  return this.to('cpu');
};
proto.cuda = function (index?: number) {
  index ??= 0;
  return this.to(`cuda:${index}`);
};
proto.detach = function () {
  const t = new Tensor(native().share(this.handle('detach')), this.shape, this.dtype, this.device);
  t.version = this.version; // the same storage (Note [version counter])
  return t;
};
proto.backward = function (grad, options) {
  // loss.backward({ retainGraph: true }): the options alone, as PyTorch's keyword arguments read.
  if (grad !== undefined && grad !== null && !(grad as Tensor).isTensor && options === undefined && typeof grad === 'object') {
    backward(this, undefined, grad as BackwardOptions);
    return;
  }
  backward(this, (grad ?? undefined) as Tensor | undefined, options);
};

// ---- random (ops/table/random.ts) ----
declare module './tensor.js' {
  interface Tensor {
    /** 1 with probability this[i], else 0 (this holds probabilities in [0, 1]). */
    bernoulli(options?: { generator?: ops.Generator }): Tensor;
  }
}
proto.bernoulli = function (options) {
  return ops.bernoulli(this, options);
};

// ---- elementwise math, comparisons, activations (ops/table/{binary,unary,compare,activation}.ts) ----
declare module './tensor.js' {
  interface Tensor {
    sub(other: ops.Operand): Tensor;
    /** Python's % (the divisor's sign). */
    remainder(other: ops.Operand): Tensor;
    fmod(other: ops.Operand): Tensor;
    /** Python's // (rounded down, same dtype). */
    floorDivide(other: ops.Operand): Tensor;
    atan2(other: ops.Operand): Tensor;
    /** True division, or with { roundingMode: 'trunc' | 'floor' } the rounded quotient (PyTorch's rounding_mode). */
    div(other: ops.Operand, options?: ops.DivOptions): Tensor;
    pow(exponent: ops.Operand): Tensor;
    minimum(other: ops.Operand): Tensor;
    maximum(other: ops.Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    /** clamp({ min, max }) or clamp(min, max), null for an absent bound; a bound may be a tensor (broadcast). */
    clamp(minOrOptions: ops.ClampOptions | number | Tensor | null, max?: number | Tensor | null): Tensor;
    eq(other: ops.Operand): Tensor;
    ne(other: ops.Operand): Tensor;
    lt(other: ops.Operand): Tensor;
    le(other: ops.Operand): Tensor;
    gt(other: ops.Operand): Tensor;
    ge(other: ops.Operand): Tensor;
    logicalAnd(other: ops.Operand): Tensor;
    logicalOr(other: ops.Operand): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
  }
}

proto.div = function (this: Tensor, other: ops.Operand, options?: ops.DivOptions) {
  return ops.div(this, other, options);
};
for (const name of ['sub', 'pow', 'minimum', 'maximum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'remainder', 'fmod', 'floorDivide', 'atan2'] as const) {
  const fn = ops[name];
  proto[name] = function (this: Tensor, other: ops.Operand) {
    return fn(this, other);
  };
}
for (const name of ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'relu', 'sigmoid', 'tanh'] as const) {
  const fn = ops[name];
  proto[name] = function (this: Tensor) {
    return fn(this);
  };
}
proto.clamp = function (minOrOptions, max) {
  return ops.clamp(this, minOrOptions, max);
};

// ---- shape, indexing, matmul (ops/table/shape.ts, index-ops.ts, linalg.ts) ----
declare module './tensor.js' {
  interface Tensor {
    /** Dims reordered: result dim i is this tensor's dim dims[i] (a dense copy). */
    permute(dims: readonly number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** Matrix transpose; 0-D and 1-D tensors are returned as they are. */
    t(): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    /** This tensor (storage is always dense). */
    contiguous(): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    matmul(other: Tensor): Tensor;
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
  }
}
proto.permute = function (dims) {
  return ops.permute(this, dims);
};
proto.transpose = function (dim0, dim1) {
  return ops.transpose(this, dim0, dim1);
};
proto.t = function () {
  return ops.t(this);
};
proto.flatten = function (startDim, endDim) {
  return ops.flatten(this, startDim, endDim);
};
proto.squeeze = function (dim) {
  return ops.squeeze(this, dim);
};
proto.unsqueeze = function (dim) {
  return ops.unsqueeze(this, dim);
};
proto.contiguous = function () {
  return ops.contiguous(this);
};
proto.narrow = function (dim, start, length) {
  return ops.narrow(this, dim, start, length);
};
proto.indexSelect = function (dim, index) {
  return ops.indexSelect(this, dim, index);
};
proto.gather = function (dim, index) {
  return ops.gather(this, dim, index);
};
proto.matmul = function (other) {
  return ops.matmul(this, other);
};
proto.split = function (sizeOrSections, dim) {
  return ops.split(this, sizeOrSections, dim);
};
proto.chunk = function (chunks, dim) {
  return ops.chunk(this, chunks, dim);
};

// ---- reductions, softmax (ops/table/reduce.ts, softmax.ts) ----
declare module './tensor.js' {
  interface Tensor {
    mean(dims?: ops.ReduceArg): Tensor;
    /** Variance (correction 1 by default, like PyTorch). */
    var(dims?: ops.ReduceArg<ops.VarianceOptions>): Tensor;
    std(dims?: ops.ReduceArg<ops.VarianceOptions>): Tensor;
    /** The largest element, or along a dim (PyTorch's x.max(1)) { values, indices }. */
    max(options?: { keepdim?: boolean }): Tensor;
    max(dim: ops.DimSelect): ops.ValuesAndIndices;
    min(options?: { keepdim?: boolean }): Tensor;
    min(dim: ops.DimSelect): ops.ValuesAndIndices;
    /** int64 index of the first largest element (flat when no dim is given). */
    argmax(dim?: ops.DimArg): Tensor;
    argmin(dim?: ops.DimArg): Tensor;
    logsumexp(dims?: ops.ReduceArg): Tensor;
    softmax(dim: ops.SoftmaxDim): Tensor;
    logSoftmax(dim: ops.SoftmaxDim): Tensor;
  }
}
proto.mean = function (options) {
  return ops.mean(this, options);
};
proto.var = function (options) {
  return ops.variance(this, options);
};
proto.std = function (options) {
  return ops.std(this, options);
};
proto.max = function (this: Tensor, options?: ops.DimArg) {
  return ops.max(this, options as never);
} as Tensor['max'];
proto.min = function (this: Tensor, options?: ops.DimArg) {
  return ops.min(this, options as never);
} as Tensor['min'];
proto.argmax = function (options) {
  return ops.argmax(this, options);
};
proto.argmin = function (options) {
  return ops.argmin(this, options);
};
proto.logsumexp = function (options) {
  return ops.logsumexp(this, options);
};
proto.softmax = function (dim) {
  return ops.softmax(this, dim);
};
proto.logSoftmax = function (dim) {
  return ops.logSoftmax(this, dim);
};

// ---- ordering (ops/table/sort.ts) ----
declare module './tensor.js' {
  interface Tensor {
    /** Stable sort along a dim (default the last): { values, indices }. */
    sort(options?: ops.SortOptions | number): ops.ValuesAndIndices;
    argsort(options?: ops.SortOptions | number): Tensor;
    /** The k largest (or smallest) along a dim, in order: { values, indices }. */
    topk(k: number, dimOrOptions?: ops.TopkOptions | number): ops.ValuesAndIndices;
    kthvalue(k: number, options?: ops.KthvalueOptions): ops.ValuesAndIndices;
    /** The lower median of all elements, or along a dim with indices. */
    median(options?: { keepdim?: boolean }): Tensor;
    median(options: number | (ops.KthvalueOptions & { dim: number })): ops.ValuesAndIndices;
    /** median of the values that are not NaN (PyTorch's nanmedian). */
    nanmedian(options?: { keepdim?: boolean }): Tensor;
    nanmedian(options: number | (ops.KthvalueOptions & { dim: number })): ops.ValuesAndIndices;
  }
}
proto.sort = function (options) {
  return ops.sort(this, options);
};
proto.argsort = function (options) {
  return ops.argsort(this, options);
};
proto.topk = function (k, options) {
  return ops.topk(this, k, options);
};
proto.kthvalue = function (k, options) {
  return ops.kthvalue(this, k, options);
};
proto.median = function (this: Tensor, options?: number | ops.KthvalueOptions) {
  return ops.median(this, options as never);
} as Tensor['median'];
proto.nanmedian = function (this: Tensor, options?: number | ops.KthvalueOptions) {
  return ops.nanmedian(this, options as never);
} as Tensor['nanmedian'];

// ---- composed functions as methods (ops/table/composed-*.ts, multinomial.ts) ----
declare module './tensor.js' {
  interface Tensor {
    clone(): Tensor;
    square(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    trunc(): Tensor;
    tan(): Tensor;
    asin(): Tensor;
    acos(): Tensor;
    atan(): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    asinh(): Tensor;
    acosh(): Tensor;
    atanh(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    log2(): Tensor;
    log10(): Tensor;
    erf(): Tensor;
    erfc(): Tensor;
    erfinv(): Tensor;
    lgamma(): Tensor;
    digamma(): Tensor;
    /** ψ⁽ⁿ⁾ of this tensor (PyTorch's x.polygamma(n)). */
    polygamma(n: number): Tensor;
    logicalNot(): Tensor;
    isnan(): Tensor;
    isfinite(): Tensor;
    cumsum(dim: number): Tensor;
    cumprod(dim: number): Tensor;
    logcumsumexp(dim: number): Tensor;
    cummax(dim: number): ops.ValuesAndIndices;
    cummin(dim: number): ops.ValuesAndIndices;
    prod(options?: { dim?: number; keepdim?: boolean } | number): Tensor;
    any(dims?: ops.ReduceArg): Tensor;
    all(dims?: ops.ReduceArg): Tensor;
    norm(options?: ops.NormOptions): Tensor;
    repeat(sizes: readonly number[]): Tensor;
    flip(dims: number | readonly number[] | { dims: number | readonly number[] }): Tensor;
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    /** value: a number or a 0-d tensor (whose gradient is the sum over the filled elements). */
    maskedFill(mask: Tensor, value: number | Tensor): Tensor;
    /** PyTorch's x.where(condition, other): x where condition holds, other elsewhere. */
    where(condition: Tensor, other: ops.Operand): Tensor;
    select(dim: number, index: number): Tensor;
    unbind(dim?: number): Tensor[];
    roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
    diagonal(offset?: number): Tensor;
    diag(offset?: number): Tensor;
    trace(): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
    isclose(other: Tensor, options?: ops.IscloseOptions): Tensor;
    allclose(other: Tensor, options?: ops.IscloseOptions): boolean;
    equal(other: Tensor): boolean;
    multinomial(numSamples: number, options?: ops.MultinomialOptions): Tensor;
    /** PyTorch's dtype shorthands: float32, int64, int32, bool. */
    float(): Tensor;
    long(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    /** Nested arrays of the values (PyTorch's tolist; waits for the data, as arraySync). */
    tolist(): ReturnType<Tensor['arraySync']>;
    /** The last two dims swapped (PyTorch's x.mT; x.T for a matrix). */
    readonly mT: Tensor;
    /** A matrix transposed, a vector or scalar as it is (PyTorch's x.T for rank ≤ 2). */
    readonly T: Tensor;
  }
}
for (const name of ['clone', 'square', 'sin', 'cos', 'floor', 'ceil', 'round', 'trunc', 'logicalNot', 'isnan', 'isfinite', 'trace',
  'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'log1p', 'expm1', 'log2', 'log10', 'erf', 'erfc', 'erfinv', 'lgamma', 'digamma'] as const) {
  const fn = ops[name] as (x: Tensor) => Tensor;
  proto[name] = function (this: Tensor) {
    return fn(this);
  };
}
proto.polygamma = function (this: Tensor, n: number) {
  return ops.polygamma(n, this);
};
for (const name of ['mm', 'bmm', 'outer'] as const) {
  const fn = ops[name];
  proto[name] = function (this: Tensor, other: Tensor) {
    return fn(this, other);
  };
}
proto.cumsum = function (dim) {
  return ops.cumsum(this, dim);
};
proto.cumprod = function (dim) {
  return ops.cumprod(this, dim);
};
proto.logcumsumexp = function (dim) {
  return ops.logcumsumexp(this, dim);
};
proto.cummax = function (dim) {
  return ops.cummax(this, dim);
};
proto.cummin = function (dim) {
  return ops.cummin(this, dim);
};
proto.prod = function (options) {
  return ops.prod(this, options);
};
proto.any = function (dims) {
  return ops.any(this, dims);
};
proto.all = function (dims) {
  return ops.all(this, dims);
};
proto.norm = function (options) {
  return ops.norm(this, options);
};
proto.repeat = function (sizes) {
  return ops.repeat(this, sizes);
};
proto.flip = function (dims) {
  return ops.flip(this, dims);
};
proto.tril = function (diagonal) {
  return ops.tril(this, diagonal ?? 0);
};
proto.triu = function (diagonal) {
  return ops.triu(this, diagonal ?? 0);
};
proto.maskedFill = function (mask, value) {
  return ops.maskedFill(this, mask, value);
};
proto.where = function (condition, other) {
  return ops.where(condition, this, other);
};
proto.select = function (dim, index) {
  return ops.select(this, dim, index);
};
proto.unbind = function (dim) {
  return ops.unbind(this, dim ?? 0);
};
proto.roll = function (shifts, dims) {
  return ops.roll(this, shifts, dims);
};
proto.diagonal = function (offset) {
  return ops.diagonal(this, offset ?? 0);
};
proto.diag = function (offset) {
  return ops.diag(this, offset ?? 0);
};
proto.isclose = function (other, options) {
  return ops.isclose(this, other, options);
};
proto.allclose = function (other, options) {
  return ops.allclose(this, other, options);
};
proto.equal = function (other) {
  return ops.equal(this, other);
};
proto.multinomial = function (numSamples, options) {
  return ops.multinomial(this, numSamples, options);
};
proto.float = function () {
  return ops.cast(this, 'float32');
};
proto.long = function () {
  return ops.cast(this, 'int64');
};
proto.int = function () {
  return ops.cast(this, 'int32');
};
proto.bool = function () {
  return ops.cast(this, 'bool');
};
proto.tolist = function () {
  return this.arraySync();
};
Object.defineProperty(proto, 'mT', {
  get(this: Tensor) {
    if (this.ndim < 2) throw new ValueError(`mT: expected at least 2 dimensions, got ${this.ndim}`);
    return ops.transpose(this, -2, -1);
  },
  configurable: true,
});
Object.defineProperty(proto, 'T', {
  get(this: Tensor) {
    if (this.ndim > 2) throw new ValueError(`T: expected at most 2 dimensions (use mT or permute for more), got ${this.ndim}`);
    return this.ndim === 2 ? ops.transpose(this, 0, 1) : ops.clone(this);
  },
  configurable: true,
});

// ---- more composed functions as methods (ops/table/composed-index.ts, composed-shape.ts, composed-ops.ts) ----
declare module './tensor.js' {
  interface Tensor {
    /** PyTorch's x.scatter(dim, index, src) (out of place); src a tensor or a number. */
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    /** x.indexAdd(dim, index, source, { alpha }) (out of place). */
    indexAdd(dim: number, index: Tensor, source: Tensor, options?: ops.IndexAddOptions): Tensor;
    /** x.indexCopy(dim, index, source) (out of place). */
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    /** Each element (slice along { dim }) repeated in place; flattened without a dim. */
    repeatInterleave(repeats: number | Tensor, options?: ops.RepeatInterleaveOptions): Tensor;
    /** The largest values over dims (values only; gradient shared by ties). */
    amax(dims?: ops.ReduceArg): Tensor;
    amin(dims?: ops.ReduceArg): Tensor;
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    swapaxes(dim0: number, dim1: number): Tensor;
    swapdims(dim0: number, dim1: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    /** beta·this + alpha·(mat1 · mat2). */
    addmm(mat1: Tensor, mat2: Tensor, options?: ops.AddmmOptions): Tensor;
    /** beta·this + alpha·(batch1 · batch2), batched. */
    baddbmm(batch1: Tensor, batch2: Tensor, options?: ops.AddmmOptions): Tensor;
    /** This tensor broadcast to other's shape. */
    expandAs(other: Tensor): Tensor;
    /** This tensor reshaped to other's shape. */
    viewAs(other: Tensor): Tensor;
    /** This tensor cast to other's dtype (itself when they match). */
    typeAs(other: Tensor): Tensor;
    /** Zeros of `shape` with this tensor's dtype and device (unless the options say otherwise). */
    newZeros(shape: readonly number[] | number, options?: ops.CreateOptions): Tensor;
    newOnes(shape: readonly number[] | number, options?: ops.CreateOptions): Tensor;
    newFull(shape: readonly number[] | number, value: number, options?: ops.CreateOptions): Tensor;
    /** x.scatterAdd(dim, index, src) (out of place). */
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    /** x.scatterReduce(dim, index, src, reduce, { includeSelf }) (out of place; PyTorch's scatter_reduce). */
    scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: ops.ScatterReduction, options?: ops.ScatterReduceOptions): Tensor;
    /** The determinant of each matrix (torch.linalg.det). */
    det(): Tensor;
    /** The inverse of each matrix (torch.linalg.inv). */
    inverse(): Tensor;
    /** The indices of the non-zero elements, int64 [n, ndim]; a promise, as the count depends on the values: `await x.nonzero()`. */
    nonzero(): Promise<Tensor>;
    /** `await x.maskedSelect(mask)`: the elements where mask is true, 1-d. */
    maskedSelect(mask: Tensor): Promise<Tensor>;
    /** `await x.unique(options)`: the sorted distinct values (with inverse / counts when asked). */
    unique(options?: ops.UniqueOptions): Promise<ops.UniqueResult>;
    /** `await x.bincount(options)`: how often each value 0, 1, … max occurs. */
    bincount(options?: ops.BincountOptions): Promise<Tensor>;
    /** `await x.uniqueConsecutive(options)`: the first value (slice) of each run of equal ones, with inverse and counts. */
    uniqueConsecutive(options?: ops.UniqueConsecutiveOptions): Promise<ops.UniqueResult>;
    /** `await x.histc({ bins, min, max })`: a histogram of the values in equal bins (torch.histc). */
    histc(options?: ops.HistcOptions): Promise<Tensor>;
  }
}
proto.scatterAdd = function (dim, index, src) {
  return ops.scatterAdd(this, dim, index, src);
};
proto.scatterReduce = function (dim, index, src, reduce, options) {
  return ops.scatterReduce(this, dim, index, src, reduce, options);
};
proto.det = function () {
  return ops.det(this);
};
proto.inverse = function () {
  return ops.inv(this);
};
proto.nonzero = function () {
  return ops.nonzero(this);
};
proto.maskedSelect = function (mask) {
  return ops.maskedSelect(this, mask);
};
proto.unique = function (options) {
  return ops.unique(this, options);
};
proto.bincount = function (options) {
  return ops.bincount(this, options);
};
proto.uniqueConsecutive = function (options) {
  return ops.uniqueConsecutive(this, options);
};
proto.histc = function (options) {
  return ops.histc(this, options);
};
proto.scatter = function (dim, index, src) {
  return ops.scatter(this, dim, index, src);
};
proto.indexAdd = function (dim, index, source, options) {
  return ops.indexAdd(this, dim, index, source, options);
};
proto.indexCopy = function (dim, index, source) {
  return ops.indexCopy(this, dim, index, source);
};
proto.repeatInterleave = function (repeats, options) {
  return ops.repeatInterleave(this, repeats, options);
};
proto.amax = function (dims) {
  return ops.amax(this, dims);
};
proto.amin = function (dims) {
  return ops.amin(this, dims);
};
proto.movedim = function (source, destination) {
  return ops.movedim(this, source, destination);
};
proto.moveaxis = function (source, destination) {
  return ops.moveaxis(this, source, destination);
};
proto.swapaxes = function (dim0, dim1) {
  return ops.swapaxes(this, dim0, dim1);
};
proto.swapdims = function (dim0, dim1) {
  return ops.swapdims(this, dim0, dim1);
};
proto.unflatten = function (dim, sizes) {
  return ops.unflatten(this, dim, sizes);
};
proto.addmm = function (mat1, mat2, options) {
  return ops.addmm(this, mat1, mat2, options);
};
proto.baddbmm = function (batch1, batch2, options) {
  return ops.baddbmm(this, batch1, batch2, options);
};
proto.expandAs = function (other) {
  tensorArg('expandAs', 'other', other);
  if (!broadcastsTo(this.shape, other.shape)) throw new ShapeError(`expandAs: this tensor's shape ${fmtShape(this.shape)} does not broadcast to other's ${fmtShape(other.shape)}`);
  return ops.expand(this, other.shape);
};
proto.viewAs = function (other) {
  tensorArg('viewAs', 'other', other);
  if (this.numel !== other.numel) throw new ShapeError(`viewAs: this tensor's shape ${fmtShape(this.shape)} (${this.numel} elements) cannot be viewed as other's ${fmtShape(other.shape)} (${other.numel})`);
  return ops.view(this, other.shape);
};
proto.typeAs = function (other) {
  tensorArg('typeAs', 'other', other);
  return ops.cast(this, other.dtype);
};
// new_zeros & co: the shape checked and refused under the method's own name, the fill made by full.
function newFilled(fn: string, like: Tensor, shape: readonly number[] | number, value: number, options: ops.CreateOptions | undefined): Tensor {
  if (typeof options === 'number') throw new ValueError(`${fn}: pass the shape as one array, e.g. x.${fn}([2, 3]), got a number where the options go`);
  const o = ops.createOptions(fn, options);
  const dims = checkShape(fn, typeof shape === 'number' ? [shape] : shape);
  if (typeof value !== 'number') throw new ValueError(`${fn}: value expected a number, got ${value === null ? 'null' : typeof value}`);
  const dtype = checkDType(o.dtype ?? like.dtype, fn);
  ops.checkFillValue(fn, value, dtype);
  return ops.full(dims, value, { dtype, device: o.device ?? like.device, requiresGrad: o.requiresGrad });
}
proto.newZeros = function (shape, options) {
  return newFilled('newZeros', this, shape, 0, options);
};
proto.newOnes = function (shape, options) {
  return newFilled('newOnes', this, shape, 1, options);
};
proto.newFull = function (shape, value, options) {
  return newFilled('newFull', this, shape, value, options);
};

// ---- in place (ops/table/inplace.ts: writeBack) ----
declare module './tensor.js' {
  interface Tensor {
    /** x += alpha·other (alpha default 1), in place (under noGrad when x requires grad); returns x. */
    add_(other: ops.Operand, options?: { alpha?: number }): Tensor;
    /** x −= alpha·other, in place. */
    sub_(other: ops.Operand, options?: { alpha?: number }): Tensor;
    /** x += weight·(end − x), in place: an EMA of weights is ema.lerp_(p, 1 − decay). */
    lerp_(end: Tensor, weight: number | Tensor): Tensor;
    /** this + weight·(end − this). */
    lerp(end: Tensor, weight: number | Tensor): Tensor;
    mul_(other: ops.Operand): Tensor;
    div_(other: ops.Operand, options?: ops.DivOptions): Tensor;
    pow_(exponent: ops.Operand): Tensor;
    neg_(): Tensor;
    clamp_(minOrOptions: ops.ClampOptions | number | Tensor | null, max?: number | Tensor | null): Tensor;
    maskedFill_(mask: Tensor, value: number | Tensor): Tensor;
    zero_(): Tensor;
    fill_(value: number): Tensor;
    /** Copies src (broadcast to this shape, cast to this dtype) into this tensor. */
    copy_(src: Tensor): Tensor;
    /** Refills with uniform values in [low, high) (default [0, 1)), from `generator`'s stream if given. */
    uniform_(low?: number, high?: number, options?: { generator?: ops.Generator }): Tensor;
    normal_(mean?: number, std?: number, options?: { generator?: ops.Generator }): Tensor;
    /** The elementwise functions in place (PyTorch's exp_, sigmoid_ …): float results into float tensors. */
    exp_(): Tensor;
    log_(): Tensor;
    sqrt_(): Tensor;
    rsqrt_(): Tensor;
    abs_(): Tensor;
    sign_(): Tensor;
    square_(): Tensor;
    sigmoid_(): Tensor;
    tanh_(): Tensor;
    relu_(): Tensor;
    floor_(): Tensor;
    ceil_(): Tensor;
    round_(): Tensor;
    trunc_(): Tensor;
    sin_(): Tensor;
    cos_(): Tensor;
    erf_(): Tensor;
    /** PyTorch's x[...] (Note [python indexing]): x.index(':', 0) is x[:, 0]. */
    index(...specs: ops.IndexSpec[]): Tensor;
    /** PyTorch's x[...] = value, out of place. */
    indexPut(specs: readonly ops.IndexSpec[], value: Tensor | number, options?: ops.IndexPutOptions): Tensor;
    /** PyTorch's x[...] = value, in place. */
    indexPut_(specs: readonly ops.IndexSpec[], value: Tensor | number, options?: ops.IndexPutOptions): Tensor;
  }
}
for (const name of ['exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'square', 'sigmoid', 'tanh', 'relu', 'floor', 'ceil', 'round', 'trunc', 'sin', 'cos', 'erf'] as const) {
  const fn = ops[name] as (x: Tensor) => Tensor;
  proto[`${name}_`] = function (this: Tensor) {
    return ops.writeBack(`${name}_`, this, () => fn(this));
  };
}
proto.index = function (...specs) {
  return ops.index(this, ...specs);
};
proto.indexPut = function (specs, value, options) {
  return ops.indexPut(this, specs, value, options);
};
proto.indexPut_ = function (specs, value, options) {
  return ops.writeBack('indexPut_', this, () => ops.indexPut(this, specs, value, options), [value]);
};
for (const name of ['mul', 'pow'] as const) {
  const fn = ops[name];
  proto[`${name}_`] = function (this: Tensor, other: ops.Operand) {
    return ops.writeBack(`${name}_`, this, () => fn(this, other), [other]);
  };
}
proto.div_ = function (this: Tensor, other: ops.Operand, options?: ops.DivOptions) {
  return ops.writeBack('div_', this, () => ops.div(this, other, options), [other]);
};
for (const name of ['add', 'sub'] as const) {
  const fn = ops[name];
  proto[`${name}_`] = function (this: Tensor, other: ops.Operand, options: { alpha?: number } = {}) {
    checkOptions(`${name}_`, options, ['alpha']);
    const alpha = options.alpha ?? 1;
    if (typeof alpha !== 'number') throw new ValueError(`${name}_: alpha expected a number, got ${typeof alpha}`);
    // Scaled inside writeBack's scope, so the temporary is released with it.
    const scaled = () => (alpha === 1 ? other : typeof other === 'number' ? other * alpha : ops.mul(other as Tensor, alpha));
    return ops.writeBack(`${name}_`, this, () => fn(this, scaled()), [other]);
  };
}
proto.lerp_ = function (end, weight) {
  return ops.writeBack('lerp_', this, () => ops.lerp(this, end, weight), [end, weight]);
};
proto.lerp = function (end, weight) {
  return ops.lerp(this, end, weight);
};
proto.neg_ = function () {
  return ops.writeBack('neg_', this, () => ops.neg(this));
};
proto.clamp_ = function (minOrOptions, max) {
  return ops.writeBack('clamp_', this, () => ops.clamp(this, minOrOptions, max), clampSources(minOrOptions, max));
};
proto.maskedFill_ = function (mask, value) {
  return ops.writeBack('maskedFill_', this, () => ops.maskedFill(this, mask, value), [mask, value]);
};
proto.zero_ = function () {
  return ops.writeBack('zero_', this, () => ops.zerosLike(this));
};
proto.fill_ = function (value) {
  return ops.writeBack('fill_', this, () => ops.fullLike(this, value));
};
proto.copy_ = function (src) {
  tensorArg('copy_', 'src', src);
  if (!broadcastsTo(src.shape, this.shape)) {
    throw new ValueError(`copy_: src [${src.shape.join(',')}] does not broadcast to this tensor's shape [${this.shape.join(',')}]`);
  }
  return ops.writeBack('copy_', this, () => ops.cast(ops.expand(src, this.shape), this.dtype), [src]);
};
proto.uniform_ = function (low, high, options = {}) {
  checkOptions('uniform_', options, ['generator']);
  return ops.writeBack('uniform_', this, () => ops.uniform(this.shape, low ?? 0, high ?? 1, { device: this.device, generator: options.generator }));
};
proto.normal_ = function (mean, std, options = {}) {
  checkOptions('normal_', options, ['generator']);
  return ops.writeBack('normal_', this, () => ops.normal(mean ?? 0, std ?? 1, this.shape, { device: this.device, generator: options.generator }));
};

// ---- elementwise spellings PyTorch has (ops/table/composed-elementwise.ts) ----
declare module './tensor.js' {
  interface Tensor {
    /** 1/x (float32 for integer inputs). */
    reciprocal(): Tensor;
    isinf(): Tensor;
    isposinf(): Tensor;
    isneginf(): Tensor;
    /** this + value·tensor1·tensor2. */
    addcmul(tensor1: Tensor, tensor2: Tensor, options?: ops.AddcOptions): Tensor;
    /** this + value·tensor1/tensor2. */
    addcdiv(tensor1: Tensor, tensor2: Tensor, options?: ops.AddcOptions): Tensor;
    /** clamp({ min }); min a number or a tensor. */
    clampMin(min: number | Tensor): Tensor;
    /** clamp({ max }); max a number or a tensor. */
    clampMax(max: number | Tensor): Tensor;
    /** PyTorch's alias of clamp. */
    clip(minOrOptions: ops.ClampOptions | number | Tensor | null, max?: number | Tensor | null): Tensor;
    reciprocal_(): Tensor;
    /** this += value·tensor1·tensor2, in place (optimiser code: exp_avg_sq.addcmul_(g, g, { value: 1 − β₂ })). */
    addcmul_(tensor1: Tensor, tensor2: Tensor, options?: ops.AddcOptions): Tensor;
    addcdiv_(tensor1: Tensor, tensor2: Tensor, options?: ops.AddcOptions): Tensor;
    clampMin_(min: number | Tensor): Tensor;
    clampMax_(max: number | Tensor): Tensor;
    clip_(minOrOptions: ops.ClampOptions | number | Tensor | null, max?: number | Tensor | null): Tensor;
  }
}
for (const name of ['reciprocal', 'isinf', 'isposinf', 'isneginf'] as const) {
  const fn = ops[name];
  proto[name] = function (this: Tensor) {
    return fn(this);
  };
}
proto.addcmul = function (tensor1, tensor2, options) {
  return ops.addcmul(this, tensor1, tensor2, options);
};
proto.addcdiv = function (tensor1, tensor2, options) {
  return ops.addcdiv(this, tensor1, tensor2, options);
};
proto.clampMin = function (min) {
  return ops.clampMin(this, min);
};
proto.clampMax = function (max) {
  return ops.clampMax(this, max);
};
proto.clip = function (minOrOptions, max) {
  return ops.clip(this, minOrOptions, max);
};
proto.reciprocal_ = function () {
  return ops.writeBack('reciprocal_', this, () => ops.reciprocal(this));
};
proto.addcmul_ = function (tensor1, tensor2, options) {
  return ops.writeBack('addcmul_', this, () => ops.addcmul(this, tensor1, tensor2, options), [tensor1, tensor2]);
};
proto.addcdiv_ = function (tensor1, tensor2, options) {
  return ops.writeBack('addcdiv_', this, () => ops.addcdiv(this, tensor1, tensor2, options), [tensor1, tensor2]);
};
proto.clampMin_ = function (min) {
  return ops.writeBack('clampMin_', this, () => ops.clampMin(this, min), [min]);
};
proto.clampMax_ = function (max) {
  return ops.writeBack('clampMax_', this, () => ops.clampMax(this, max), [max]);
};
proto.clip_ = function (minOrOptions, max) {
  return ops.writeBack('clip_', this, () => ops.clip(this, minOrOptions, max), clampSources(minOrOptions, max));
};
// The tensors among clamp's bounds, for writeBack's check that no source requires grad.
function clampSources(minOrOptions: ops.ClampOptions | number | Tensor | null | undefined, max: unknown): unknown[] {
  const o = minOrOptions as ops.ClampOptions | null | undefined;
  return [minOrOptions, max, ...(o && typeof o === 'object' && !(o as unknown as Tensor).isTensor ? [o.min, o.max] : [])];
}

// ---- sequences and order statistics (ops/table/composed-sequences.ts) ----
declare module './tensor.js' {
  interface Tensor {
    /** Windows of `size` along `dim`, `step` apart, as a new last dim (PyTorch's Tensor.unfold; a copy). */
    unfold(dim: number, size: number, step: number): Tensor;
    /** The n-th forward difference along a dim (torch.diff). */
    diff(options?: ops.DiffOptions): Tensor;
    /** The q-th quantiles over a dim or all elements; q's dim first when q is a list. */
    quantile(q: number | readonly number[] | Tensor, options?: ops.QuantileOptions | number): Tensor;
    /** quantile ignoring NaN. */
    nanquantile(q: number | readonly number[] | Tensor, options?: ops.QuantileOptions | number): Tensor;
    /** Sum over a dim, a list of dims, or { dim, keepdim }, NaN counted as 0. */
    nansum(dims?: ops.ReduceArg): Tensor;
    /** Mean of the elements that are not NaN, over a dim, a list of dims, or { dim, keepdim }. */
    nanmean(dims?: ops.ReduceArg): Tensor;
  }
}
proto.unfold = function (dim, size, step) {
  return ops.unfold(this, dim, size, step);
};
proto.diff = function (options) {
  return ops.diff(this, options);
};
proto.quantile = function (q, options) {
  return ops.quantile(this, q, options);
};
proto.nanquantile = function (q, options) {
  return ops.nanquantile(this, q, options);
};
proto.nansum = function (dims) {
  return ops.nansum(this, dims);
};
proto.nanmean = function (dims) {
  return ops.nanmean(this, dims);
};

// ---- value replacement (ops/table/composed-values.ts) ----
declare module './tensor.js' {
  interface Tensor {
    /** NaN, +∞ and −∞ replaced by finite numbers (PyTorch's Tensor.nan_to_num). */
    nanToNum(options?: ops.NanToNumOptions): Tensor;
  }
}
proto.nanToNum = function (options) {
  return ops.nanToNum(this, options);
};

// ---- gradient hooks (autograd/hooks.ts) ----
declare module './tensor.js' {
  interface Tensor {
    /**
     * Calls `hook(grad)` with this tensor's total gradient in each backward/grad pass; a returned
     * tensor replaces the gradient (PyTorch's register_hook). `handle.remove()` stops it.
     */
    registerHook(hook: GradHook): HookHandle;
    /** Keeps an intermediate tensor's gradient in its .grad after backward (PyTorch's retain_grad). */
    retainGrad(): void;
    readonly retainsGrad: boolean;
  }
}
proto.registerHook = function (hook) {
  return registerHook(this, hook);
};
proto.retainGrad = function () {
  retainGrad(this);
};
Object.defineProperty(proto, 'retainsGrad', {
  get(this: Tensor) {
    return retainsGrad(this);
  },
  configurable: true,
});

declare module './tensor.js' {
  interface Tensor {
    /** The Cholesky factor (torch.linalg.cholesky; Tensor.cholesky): L lower, or Lᵀ with `upper`. */
    cholesky(options?: { upper?: boolean }): Tensor;
    /**
     * PyTorch's Tensor.qr: `{ Q, R }`, reduced (`some`, the default) or complete (`some: false`),
     * as linalg.qr's modes 'reduced' and 'complete'.
     */
    qr(options?: { some?: boolean }): ops.QrResult;
    /**
     * PyTorch's Tensor.svd (the old torch.svd, not linalg.svd): `{ U, S, V }` with V, not Vh
     * (A = U·diag(S)·Vᵀ); reduced factors by default (`some: true`), full ones with `some: false`.
     * Signs as linalg.svd's (each column of U has its largest entry positive).
     */
    svd(options?: { some?: boolean }): ops.UsvResult;
    /** The pseudo-inverse (torch.pinverse): singular values at or below rcond·σ_max (default 1e-15) taken as zero. */
    pinverse(options?: { rcond?: number }): Tensor;
    /** log det of each matrix (torch.logdet): NaN for a negative determinant, -∞ for a singular matrix. */
    logdet(): Tensor;
    /** This matrix to the integer power n (torch.linalg.matrix_power). */
    matrixPower(n: number): Tensor;
    /** Matrices with this tensor's last dim on their diagonal (torch.diag_embed). */
    diagEmbed(options?: ops.DiagEmbedOptions): Tensor;
    /** The covariance of the variables in this tensor's rows (torch.cov). */
    cov(options?: ops.CovOptions): Tensor;
    /** The correlation coefficients of the variables in this tensor's rows (torch.corrcoef). */
    corrcoef(): Tensor;
  }
}
proto.cholesky = function (options) {
  return ops.cholesky(this, options);
};
proto.qr = function (options = {}) {
  checkOptions('qr', options, ['some']);
  if (options.some !== undefined && typeof options.some !== 'boolean') throw new ValueError(`qr: some expected true or false, got ${String(options.some)}`);
  return ops.qr(this, { mode: options.some === false ? 'complete' : 'reduced' });
};
proto.svd = function (options) {
  return ops.svdWithV(this, options);
};
proto.pinverse = function (options = {}) {
  checkOptions('pinverse', options, ['rcond']);
  const rcond = options.rcond ?? 1e-15;
  if (typeof rcond !== 'number' || !(rcond >= 0)) throw new ValueError(`pinverse: rcond expected a number >= 0, got ${String(rcond)}`);
  return ops.pinv(this, { rtol: rcond });
};
proto.logdet = function () {
  return ops.logdet(this);
};
proto.matrixPower = function (n) {
  return ops.matrixPower(this, n);
};
proto.diagEmbed = function (options) {
  return ops.diagEmbed(this, options);
};
proto.cov = function (options) {
  return ops.cov(this, options);
};
proto.corrcoef = function () {
  return ops.corrcoef(this);
};

addInPlaceMethods(proto);

// Every method refuses more arguments than it declares (Note [arity guard] in arity.ts): the ones
// added here and the class's own.
for (const name of Object.getOwnPropertyNames(proto)) {
  const fn = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown; // not through getters
  if (name === 'constructor' || typeof fn !== 'function') continue;
  (proto as unknown as Record<string, unknown>)[name] = guardArity(name, fn as (...args: unknown[]) => unknown);
}

// x.masked_fill(…), x.grad_fn: refused, naming our spelling (Note [PyTorch spellings]).
// numpy() and double() differ by more than case: the message names what to write instead.
trapPyTorchSpellings([Tensor], {
  grad_fn: 'gradFn',
  numpy: 'await x.data() (a typed array) or await x.array() (nested arrays)',
  double: 'float(): tensors compute in float32 here (there is no float64)',
  half: "float(): there are no float16 tensors (float16 and bfloat16 are formats of saved checkpoints: nn's save(…, { dtype }))",
  bfloat16: "float(): there are no bfloat16 tensors (float16 and bfloat16 are formats of saved checkpoints: nn's save(…, { dtype }))",
  type: 'x.dtype to read it, x.to(dtype) to cast',
  stride: 'nothing: tensors are contiguous here (views that PyTorch shares are copies), so strides follow from the shape',
  nelement: 'numel (a property: x.numel)',
}, sparseAnswers());

/*
 * Note [no sparse tensors]: ported graph code calls x.to_sparse(), adj.to_sparse_csr(),
 * x.is_sparse or adj.sparse_mask(…), and JavaScript answered "x.to_sparse is not a function" (user
 * trial AQ). There are no sparse layouts here; each such name says so and what serves instead: a
 * sparse-times-dense product (message passing over an edge list) is a gather and a sum by index,
 * indexAdd(zeros([N, F]), 0, dst, indexSelect(h, 0, src)) (scatterReduce for max and mean), and
 * rows of weighted sums over variable-length index lists are embeddingBag with offsets.
 */
function sparseAnswers(): Record<string, string> {
  const instead =
    'for a sparse-times-dense product (message passing over an edge list [2, E]) gather and sum by index: indexAdd(zeros([N, F]), 0, dst, indexSelect(h, 0, src)) (scatterReduce for max or mean), or embeddingBag(indices, weight, { offsets, perSampleWeights, mode: \'sum\' }) for rows of weighted sums';
  const none = `nutshell has no sparse tensors (every tensor is dense); ${instead}`;
  const answers: Record<string, string> = {};
  for (const name of ['to_sparse', 'to_sparse_coo', 'to_sparse_csr', 'to_sparse_csc', 'to_sparse_bsr', 'to_sparse_bsc', 'sparse_mask', 'sparse_dim', 'dense_dim', 'sparse_resize_', 'sparse_resize_and_clear_', 'coalesce', 'is_coalesced', 'crow_indices', 'col_indices', 'ccol_indices', 'row_indices', '_indices', '_values', '_nnz']) answers[name] = none;
  for (const name of ['is_sparse', 'is_sparse_csr']) answers[name] = `nutshell has no sparse tensors: every tensor is dense (read it as false); ${instead}`;
  answers.to_dense = 'tensors are always dense here: use the tensor itself (nutshell has no sparse tensors)';
  return answers;
}

// p.data.mul_(…): refused naming what to write (Note [p.data]).
trapDataHabit(proto, ['shape', 'dtype', 'grad', 'gradFn']);
