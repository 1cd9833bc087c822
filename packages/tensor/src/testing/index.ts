// Helpers for testing ops and modules (used by this package's op-table test and by nn's tests).
export { seededRandom, normal, hashString } from './rng.js';
export { concreteSamples, upstreamValues, type ConcreteSample, type ConcreteInput } from './samples.js';
export { gradcheck, inputTensors, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export { expectClose, maxAbsDiff } from './compare.js';
