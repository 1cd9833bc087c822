export { ProgressBar, fmtMetric, type ProgressOptions } from './progress.js';
export { parseFlags, chooseDevice, runFolder, inRun, intFlag, floatFlag, type FlagSpec } from './run.js';
export { trainEpoch, evaluate, type Batch, type EpochResult, type Evaluation, type StepOptimizer } from './classify.js';
export { writeCurves, writeLines, writeConfusion, writeFilters, emptyHistory, type History } from './plots.js';
export { pngSize } from './check-png.js';
