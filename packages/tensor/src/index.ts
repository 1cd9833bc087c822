/// <reference types="node" preserve="true" />
// The declarations use Node.js types (Buffer, Symbol.dispose): consumers need @types/node, which
// TypeScript 6+ loads only when a file asks for it, as this line does.
import './methods.js';
// Types only: its module augmentation adds the in-place methods to Tensor's type (methods.ts imports its value).
import './inplace-methods.js';
import { qr as linalgQr, svd as linalgSvd, svdvals as linalgSvdvals, pinv as linalgPinv, matrixRank as linalgMatrixRank, lstsq as linalgLstsq, cholesky as linalgCholesky, choleskyEx as linalgCholeskyEx, eigh as linalgEigh, eigvalsh as linalgEigvalsh, solveTriangular as linalgSolveTriangular, cross as linalgCross, det as linalgDet, inv as linalgInv, luFactor as linalgLuFactor, luFactorEx as linalgLuFactorEx, luSolve as linalgLuSolve, slogdet as linalgSlogdet, solve as linalgSolve, vecdot as linalgVecdot, choleskySolve as linalgCholeskySolve, choleskyInverse as linalgCholeskyInverse, vectorNorm as linalgVectorNorm, matrixNorm as linalgMatrixNorm, cond as linalgCond, multiDot as linalgMultiDot, matrixPower as linalgMatrixPower, svdLowrank as linalgSvdLowrank } from './gen/public.gen.js';
import { gammainc as specialGammainc, gammaincc as specialGammaincc, lgamma as specialLgamma, digamma as specialDigamma, polygamma as specialPolygamma, erf as specialErf, erfc as specialErfc, erfinv as specialErfinv, sigmoid as specialSigmoid, logit as specialLogit, xlogy as specialXlogy, xlog1py as specialXlog1py, expm1 as specialExpm1, exp2 as specialExp2, log1p as specialLog1p, logsumexp as specialLogsumexp, softmax as specialSoftmax, logSoftmax as specialLogSoftmax, ndtr as specialNdtr, sinc as specialSinc, entr as specialEntr } from './gen/public.gen.js';
import { answerSnakeCase } from './namespace-spellings.js';
// torch.linalg.norm (the flat `norm` is the vector p-norm), kept out of the package's flat names.
import { linalgNorm } from './ops/table/linalg-norms.js';
import { guardArity } from './arity.js';
import { backward, grad } from './autograd/backward.js';
import { jacobian as functionalJacobian, hessian as functionalHessian, vjp as functionalVjp, jvp as functionalJvp, vhp as functionalVhp, hvp as functionalHvp } from './autograd/functional.js';

export { Tensor, type NestedArray } from './tensor.js';
export { isTensor } from './is-tensor.js';
export { tensor, type TensorOptions } from './creation.js';
// The op table's functions behind the arity guard (Note [arity guard]), everything else as is.
export * from './gen/public.gen.js';
export { apply, applyOn } from './ops/apply.js';
export { defineOp, opTable, type OpDecl, type Sample, type SampleInput, type TensorMeta, type OpTest } from './ops/declare.js';
export { Device, getDefaultDevice, setDefaultDevice, type DeviceLike, type DeviceType } from './device.js';
export { type DType, dtypes, dtypeSize, type AnyTypedArray } from './dtype.js';
export * from './errors.js';
export { encodeSafetensors, decodeSafetensors, readSafetensorsFile, writeFileAtomic, checkSafetensorsMetadata, type RawTensor, type SafetensorsFile } from './io/safetensors.js';
export { scope, keep, memory, emptyCache, resetPeakMemoryStats, setNumThreads, getNumThreads, SCOPE_OPAQUE, type MemoryReport } from './memory.js';
export { readTogether } from './read-together.js';
export { trackSave } from './io/pending-saves.js';
export { sameShape } from './shape.js';
export { enableGrad, noGrad, isGradEnabled, withGradEnabled } from './autograd/grad-mode.js';
export { backward, grad, type BackwardOptions, type GradOptions } from './autograd/backward.js';
export { type GradHook, type HookHandle } from './autograd/hooks.js';
export { backends, formatBackends, type BackendsReport } from '@nutshell/native';
export * from './cuda-controls.js';
export { setCpuConvPrecision, cpuConvPrecision, type CpuConvPrecision } from './conv-precision.js';
export { profile, formatProfile, type OpProfileRow, type ProfileReport } from './profile.js';
export { checkOptions } from './options.js';
export { guardArity, guardAll } from './arity.js';
export { guardMethods } from './guard-methods.js';
export { trapPyTorchSpellings } from './pytorch-spellings.js';
export { zeroGrads, type ZeroGradOptions } from './autograd/zero-grads.js';
export { defineFunction, type FunctionContext, type FunctionSpec, type CustomFunction } from './autograd/function.js';
export { checkpoint } from './autograd/checkpoint.js';
// torch.autograd.functional: flat (jacobian, hessian …) and as autograd.functional.jacobian …,
// the same arity-guarded functions (Note [autograd functional]).
export const jacobian = guardArity('jacobian', functionalJacobian);
export const hessian = guardArity('hessian', functionalHessian);
export const vjp = guardArity('vjp', functionalVjp);
export const jvp = guardArity('jvp', functionalJvp);
export const vhp = guardArity('vhp', functionalVhp);
export const hvp = guardArity('hvp', functionalHvp);
export type { Tensors, DifferentiableFn, FunctionalOptions, JacobianOptions, HessianOptions, JacobianOf, HessianOf, VjpResult, JvpResult, VhpResult, HvpResult } from './autograd/functional.js';
/** torch.autograd's spellings in one namespace: autograd.grad, autograd.backward, autograd.functional.jacobian … */
export const autograd = Object.freeze({ grad, backward, functional: Object.freeze({ jacobian, hessian, vjp, jvp, vhp, hvp }) });
export * as distributions from './distributions/index.js';
// torch.linalg's spellings in one namespace (the same guarded functions the package exports).
const linalgFunctions = Object.freeze({
  solve: linalgSolve,
  inv: linalgInv,
  det: linalgDet,
  slogdet: linalgSlogdet,
  luFactor: linalgLuFactor,
  luFactorEx: linalgLuFactorEx,
  luSolve: linalgLuSolve,
  cholesky: linalgCholesky,
  choleskyEx: linalgCholeskyEx,
  choleskySolve: linalgCholeskySolve,
  choleskyInverse: linalgCholeskyInverse,
  solveTriangular: linalgSolveTriangular,
  eigh: linalgEigh,
  eigvalsh: linalgEigvalsh,
  qr: linalgQr,
  svd: linalgSvd,
  svdvals: linalgSvdvals,
  svdLowrank: linalgSvdLowrank,
  pinv: linalgPinv,
  matrixRank: linalgMatrixRank,
  lstsq: linalgLstsq,
  cross: linalgCross,
  vecdot: linalgVecdot,
  norm: guardArity('linalg.norm', linalgNorm),
  vectorNorm: linalgVectorNorm,
  matrixNorm: linalgMatrixNorm,
  cond: linalgCond,
  multiDot: linalgMultiDot,
  matrixPower: linalgMatrixPower,
});
// Note [namespace spellings]: linalg.matrix_rank(A) is answered with a TypeError naming ours.
export const linalg: typeof linalgFunctions = answerSnakeCase('linalg', linalgFunctions);

// torch.special's spellings in one namespace: its own functions (composed-special.ts) and the ops
// it shares with the flat namespace under torch's special names (gammaln, psi, expit …).
export const special = answerSnakeCase(
  'special',
  Object.freeze({
    gammaln: specialLgamma,
    digamma: specialDigamma,
    psi: specialDigamma,
    polygamma: specialPolygamma,
    erf: specialErf,
    erfc: specialErfc,
    erfinv: specialErfinv,
    gammainc: specialGammainc,
    gammaincc: specialGammaincc,
    expit: specialSigmoid,
    logit: specialLogit,
    xlogy: specialXlogy,
    xlog1py: specialXlog1py,
    expm1: specialExpm1,
    exp2: specialExp2,
    log1p: specialLog1p,
    logsumexp: specialLogsumexp,
    softmax: specialSoftmax,
    logSoftmax: specialLogSoftmax,
    ndtr: specialNdtr,
    sinc: specialSinc,
    entr: specialEntr,
  }),
);
export { namedTuple, type NamedTuple } from './named-tuple.js';
