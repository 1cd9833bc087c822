export { parseFlags, chooseDevice, runFolder, inRun, intFlag, floatFlag, dataFlags, type FlagSpec } from './run.js';
export { trainEpoch, evaluate, type Batch, type EpochResult, type Evaluation, type StepOptimizer } from './classify.js';
export { writeCurves, writeLines, writeConfusion, writeFilters, writeWeightImages, emptyHistory, type History } from './plots.js';
export { formatTable } from './table.js';
export { fitClassifier, type FitOptions, type FitResult } from './fit.js';
export type { RunOptions, FashionRunOptions } from './options.js';
