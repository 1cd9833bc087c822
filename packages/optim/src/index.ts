/// <reference types="node" preserve="true" />
// The declarations use Node.js types (Buffer, Symbol.dispose): consumers need @types/node, which
// TypeScript 6+ loads only when a file asks for it, as this line does.
export { Optimizer, type ParamGroup, type ParamsArg, type OptimizerState, type PreparedStep, type StepOps } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, NAdam, RAdam, type AdamOptions, type NAdamOptions, type RAdamOptions } from './adam.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { LBFGS, type LBFGSOptions, type LBFGSGroupOptions, type LBFGSState, type LBFGSStateDict, type LBFGSClosure } from './lbfgs.js';
export { LRScheduler, type SchedulableOptimizer } from './schedulers/lr-scheduler.js';
export { StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, PolynomialLR, LambdaLR, MultiplicativeLR } from './schedulers/basic.js';
export { SequentialLR, ChainedScheduler } from './schedulers/composite.js';
export { ConstantLR, type ConstantLROptions } from './schedulers/constant-lr.js';
export { OneCycleLR, type OneCycleOptions } from './schedulers/one-cycle.js';
export { CosineAnnealingWarmRestarts, CyclicLR, type CosineAnnealingWarmRestartsOptions, type CyclicLROptions } from './schedulers/cyclic.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedulers/plateau.js';
export { AveragedModel, type AveragedModelOptions, type AveragableModel } from './swa-utils.js';
export { SWALR, type SWALROptions, type AnnealStrategy } from './swa-utils-swalr.js';
export { type AvgFn, type MultiAvgFn } from './swa-utils-avg-fns.js';
export { type BatchNormHost, type UpdateBnOptions } from './swa-utils-update-bn.js';
// Behind the tensor package's arity guard: clipGradNorm(params, 1, Infinity) is refused, not read as the 2-norm.
import { guardAll } from '@nutshell/tensor';
import * as clip from './clip.js';
import * as checkpoint from './checkpoint.js';
import * as trainingCheckpoint from './training-checkpoint.js';
export const { clipGradNorm, clipGradValue } = guardAll(clip);
export { SPENT_PARAMETERS_WARNING } from './clip.js';
export const { saveOptimizer, loadOptimizer } = guardAll(checkpoint);
export const { saveCheckpoint, loadCheckpoint } = guardAll(trainingCheckpoint);
export type { CheckpointModel, CheckpointScheduler, TrainingParts, SaveCheckpointOptions, LoadCheckpointOptions, LoadedCheckpoint } from './training-checkpoint.js';
import * as avgFns from './swa-utils-avg-fns.js';
import * as updateBnFunctions from './swa-utils-update-bn.js';
export const { getEmaMultiAvgFn, getEmaAvgFn, getSwaMultiAvgFn, getSwaAvgFn } = guardAll(avgFns);
export const { updateBn } = guardAll(updateBnFunctions);

// Public methods behind the arity guard too: scheduler.step(epoch) beyond what a scheduler
// takes, or ReduceLROnPlateau.step(metric, epoch, extra), is refused instead of dropped.
import { guardMethods, trapPyTorchSpellings } from '@nutshell/tensor';
import * as optimizers from './optimizer.js';
import * as sgd from './sgd.js';
import * as adam from './adam.js';
import * as rmsprop from './rmsprop.js';
import * as adagrad from './adagrad.js';
import * as adamax from './adamax.js';
import * as adadelta from './adadelta.js';
import * as lbfgs from './lbfgs.js';
import * as base from './schedulers/lr-scheduler.js';
import * as basic from './schedulers/basic.js';
import * as composite from './schedulers/composite.js';
import * as oneCycle from './schedulers/one-cycle.js';
import * as cyclic from './schedulers/cyclic.js';
import * as plateau from './schedulers/plateau.js';
import * as constantLr from './schedulers/constant-lr.js';
const optimizerClasses = [optimizers, sgd, adam, rmsprop, adagrad, adamax, adadelta, lbfgs];
const schedulerClasses = [base, basic, constantLr, composite, oneCycle, cyclic, plateau];
guardMethods(['step', 'zeroGrad', 'stateDict', 'loadStateDict', 'addParamGroup', 'dispose', 'getLastLr'], [...optimizerClasses, ...schedulerClasses]);
// opt.zero_grad(), sched.get_last_lr(), opt.param_groups: refused, naming ours (Note [PyTorch spellings]).
trapPyTorchSpellings(optimizerClasses, { param_groups: 'paramGroups' });
trapPyTorchSpellings(schedulerClasses, { last_epoch: 'lastEpoch', base_lrs: 'baseLrs' });
// swa_utils: SWALR is a scheduler like the others; AveragedModel's update_parameters, n_averaged … refused, naming ours.
import * as swalr from './swa-utils-swalr.js';
import * as averagedModel from './swa-utils.js';
guardMethods(['step', 'stateDict', 'loadStateDict', 'getLastLr'], [swalr]);
trapPyTorchSpellings([swalr], { last_epoch: 'lastEpoch', base_lrs: 'baseLrs', anneal_epochs: 'annealEpochs', anneal_strategy: 'annealStrategy' });
guardMethods(['updateParameters', 'stateDict', 'loadStateDict', 'parameters', 'buffers', 'modules', 'train', 'eval', 'to', 'dispose'], [averagedModel]);
trapPyTorchSpellings([averagedModel], { n_averaged: 'nAveraged', use_buffers: 'useBuffers', avg_fn: 'avgFn', multi_avg_fn: 'multiAvgFn' });
