/**
 * Statistics of the evaluate step: the seeded bootstrap verdict of a candidate sample against the
 * incumbent's, Welch's t-test as a cross-check, and the labbook line. Pure (no `node:*`).
 */
export {
  type CompareOptions,
  type Comparison,
  type ComparisonMethod,
  type Direction,
  type IntervalMethod,
  type SampleSummary,
  type Sidedness,
  type WelchResult,
  DEFAULT_ALPHA,
  MAX_RESAMPLES,
  MIN_RESAMPLES,
  compareSamples,
  evaluationSeed,
} from './compare.js';
export { type BootstrapInterval, bootstrapInterval, meanDifferenceAcceleration, resampleMeanDifferences } from './bootstrap.js';
export { welchTest } from './welch.js';
export { VERDICTS, type Verdict } from './verdict.js';
export { decimalsFor } from './format.js';
export { type MeanInterval, meanInterval } from './mean-interval.js';
export { type PairedComparison, type PairedOptions, pairedBootstrap, pairedSeed, resamplePairedMeans } from './paired.js';
