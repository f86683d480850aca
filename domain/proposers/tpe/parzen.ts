/**
 * Multivariate Parzen estimators in the manner of Optuna's TPE: a weighted
 * mixture with one kernel per observation plus a broad prior kernel, each a
 * product over dimensions of a truncated Gaussian on [0, 1] (numeric keys, in
 * their unit coordinate) or a smoothed categorical (boolean and enum keys).
 * Each observation may have its own kernel width (see ./bandwidth.ts).
 *
 * Two ways to score: `density`, the mixture's true density (each kernel a normalized truncated
 * Gaussian), and `optuna`, which scores as Optuna 3.1's estimator does: a categorical kernel
 * smoothed by 1 / (n + 1) whatever its width, and a continuous kernel scored without its 1/sigma
 * factor (Optuna's `_truncnorm.logpdf` before 3.5: optuna/optuna#5109, fixed by #5110). Every
 * continuous kernel is then as tall as the prior's at its centre, so l(x) / g(x) measures how near
 * a point lies to good runs against bad ones, not how narrow each group's kernels are; on funnel
 * landscapes that proposes steps toward the good runs where the density ratio favours points far
 * from every run (bench:proposers measures both). Two differences from Optuna 3.1 remain: a
 * discrete key's kernel keeps its half-cell floor (binding only where a kernel is narrower than
 * half a cell), and a log-scaled integer key is scored by its cell's mass, where Optuna scores it
 * as a continuous key.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { CategoricalDim, NumericDim } from './space.js';

/** Weight of the prior kernel, relative to an observation's weight of 1 (Optuna's default). */
export const PRIOR_WEIGHT = 1;
/** Optuna's multivariate bandwidth factor: sigma = 0.2 * n^(-1/(d+4)) of the range (the width when none is given). */
const SIGMA0_MAGNITUDE = 0.2;
/**
 * The narrowest kernel: Optuna's "magic clip" 1 / min(100, n + 2) of the range, times this
 * factor, so kernels can narrow to a fifth of what Optuna allows but never collapse onto a point.
 */
const MIN_WIDTH_FACTOR = 0.2;
/** A discrete key's kernel is at least this share of its value's cell wide, so neighbouring values keep mass. */
export const MIN_CELL_WIDTHS = 0.5;
/** Observations beyond this many are down-weighted linearly by age (Optuna's `default_weights`). */
const FLAT_WEIGHTS = 25;

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Where a point sits in one dimension: a unit coordinate (continuous key), a
 * cell of it (discrete key), a choice index (categorical key), or null (unknown:
 * the key was missing or not a valid value).
 */
export type Coordinate = { u: number } | { cell: { centre: number; width: number } } | { index: number } | null;

/** One kernel of one dimension. */
type Kernel = { kind: 'normal'; mu: number; sigma: number; logZ: number } | { kind: 'categorical'; logP: number[] };

/** One mixture component: a kernel per dimension, the observation it stands for (null: the prior) and its width. */
interface Component {
  anchor: number | null;
  width: number;
  kernels: Kernel[];
}

/** How an estimator scores a point (see the module comment). */
export type Scoring = 'density' | 'optuna';

/** A fitted estimator: normalized mixture weights and components, dimensions in `dims` order. */
export interface Parzen {
  dims: ReadonlyArray<NumericDim | CategoricalDim>;
  scoring: Scoring;
  weights: number[];
  logWeights: number[];
  components: Component[];
}

/**
 * Fits a Parzen estimator to `points` (one coordinate per dimension each, in the
 * order the observations happened; `anchors[i]` names point i for explanations).
 *
 * Point i's numeric kernels sit on its coordinate with width `widths[i]` (in unit
 * coordinates), or Optuna's multivariate bandwidth 0.2 * max(n, 1)^(-1/(d + 4))
 * when none is given, kept within [`minWidth`, 1] (default {@link minKernelWidth}(n));
 * a discrete key's kernel is also at least {@link MIN_CELL_WIDTHS} of its cell
 * wide. The prior kernel is N(0.5, 1) truncated to [0, 1]. A categorical kernel puts
 * weight 1 on the observed choice plus min(PRIOR_WEIGHT / (n + 1), width) on
 * every choice (normalized), so a narrow kernel also sticks to its choice; the
 * prior is uniform. A coordinate that is unknown gets the prior's kernel in that
 * dimension. With `scoring` `optuna`, a categorical kernel's smoothing is PRIOR_WEIGHT / (n + 1)
 * whatever its width, and {@link logDensity} leaves out each continuous kernel's 1/sigma.
 * `scale[i]` multiplies point i's mixture weight (default 1; the model down-weights runs in flight).
 */
export function fitParzen(
  dims: ReadonlyArray<NumericDim | CategoricalDim>,
  points: ReadonlyArray<readonly Coordinate[]>,
  anchors: readonly number[],
  widths: ReadonlyArray<number | null> = [],
  minWidth: number = minKernelWidth(points.length),
  scoring: Scoring = 'density',
  scale: readonly number[] = [],
): Parzen {
  const n = points.length;
  const nKernels = n + 1;
  const scott = SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (dims.length + 4));
  const prior: Kernel[] = dims.map((dim) => priorKernel(dim));
  // A categorical kernel's mass on every choice: Optuna's prior share, or at most the kernel's width (narrow kernels stick to their choice).
  const smoothing = (width: number) => (scoring === 'optuna' ? PRIOR_WEIGHT / nKernels : Math.min(PRIOR_WEIGHT / nKernels, width));
  const components: Component[] = points.map((point, i) => {
    const width = clamp(widths[i] ?? scott, minWidth, 1);
    return {
      anchor: anchors[i] ?? null,
      width,
      kernels: dims.map((dim, d) => observedKernel(dim, point[d] ?? null, width, smoothing(width)) ?? (prior[d] as Kernel)),
    };
  });
  components.push({ anchor: null, width: 1, kernels: prior });
  const raw = [...ageWeights(n).map((w, i) => w * (scale[i] ?? 1)), PRIOR_WEIGHT];
  const total = raw.reduce((s, w) => s + w, 0);
  const weights = raw.map((w) => w / total);
  return { dims, scoring, weights, logWeights: weights.map((w) => Math.log(w)), components };
}

/**
 * The narrowest kernel (unit coordinates) for an estimator of `n` observations:
 * MIN_WIDTH_FACTOR / min(100, n + 2), Optuna's magic clip scaled down.
 */
export function minKernelWidth(n: number): number {
  return MIN_WIDTH_FACTOR / Math.min(100, n + 2);
}

/** Optuna's magic clip: no kernel of an estimator of `n` observations narrower than 1 / min(100, n + 2) of the range. */
export function broadMinWidth(n: number): number {
  return 1 / Math.min(100, n + 2);
}

/**
 * Optuna's `default_weights`: 1 for each of the newest 25 observations, a ramp
 * from 1/n up to 1 for the older ones, so old history fades slowly.
 */
export function ageWeights(n: number): number[] {
  if (n <= FLAT_WEIGHTS) return Array.from({ length: n }, () => 1);
  const ramp = n - FLAT_WEIGHTS;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < FLAT_WEIGHTS; i++) out.push(1);
  return out;
}

/** log of the estimator's density (continuous keys) or mass (discrete keys) at a point; with `optuna` scoring, without each continuous kernel's 1/sigma. */
export function logDensity(parzen: Parzen, point: readonly Coordinate[]): number {
  const terms = parzen.components.map((c, k) => {
    let sum = parzen.logWeights[k] ?? -Infinity;
    for (let d = 0; d < c.kernels.length; d++) sum += logKernel(c.kernels[d] as Kernel, point[d] ?? null, parzen.scoring === 'density');
    return sum;
  });
  return logSumExp(terms);
}

/**
 * A draw from the estimator: the component it came from, then one coordinate per dimension.
 * With `prior`, the draw comes from the prior component alone (N(0.5, 1) truncated to [0, 1]
 * on each unit coordinate, every choice equally likely).
 */
export function sampleParzen(parzen: Parzen, rng: () => number, prior = false): { component: number; units: number[] } {
  let component = parzen.components.length - 1;
  // The prior draw spends no uniform on choosing the component.
  const r = prior ? Infinity : rng();
  let acc = 0;
  for (let k = 0; k < parzen.weights.length && r !== Infinity; k++) {
    acc += parzen.weights[k] ?? 0;
    if (r < acc) {
      component = k;
      break;
    }
  }
  const chosen = parzen.components[component] as Component;
  const units = chosen.kernels.map((kernel) => sampleKernel(kernel, rng()));
  return { component, units };
}

function priorKernel(dim: NumericDim | CategoricalDim): Kernel {
  if (dim.kind === 'numeric') return normalKernel(0.5, 1);
  const p = -Math.log(dim.choices.length);
  return { kind: 'categorical', logP: dim.choices.map(() => p) };
}

/** The kernel of an observed coordinate; null when it is unknown (the caller uses the prior's). */
function observedKernel(dim: NumericDim | CategoricalDim, at: Coordinate, width: number, base: number): Kernel | null {
  if (at === null) return null;
  if (dim.kind === 'categorical') {
    if (!('index' in at)) return null;
    const total = base * dim.choices.length + 1;
    return { kind: 'categorical', logP: dim.choices.map((_, i) => Math.log((base + (i === at.index ? 1 : 0)) / total)) };
  }
  if ('u' in at) return normalKernel(clamp(at.u, 0, 1), width);
  if ('cell' in at) return normalKernel(clamp(at.cell.centre, 0, 1), Math.max(width, MIN_CELL_WIDTHS * at.cell.width));
  return null;
}

function normalKernel(mu: number, sigma: number): Kernel {
  return { kind: 'normal', mu, sigma, logZ: logMass((0 - mu) / sigma, (1 - mu) / sigma) };
}

function logKernel(kernel: Kernel, at: Coordinate, scaled: boolean): number {
  // An unknown coordinate carries no information: every kernel gives it the same weight.
  if (at === null) return 0;
  if (kernel.kind === 'categorical') return 'index' in at ? (kernel.logP[at.index] ?? -Infinity) : 0;
  const { mu, sigma, logZ } = kernel;
  if ('u' in at) {
    const z = (at.u - mu) / sigma;
    return -0.5 * z * z - LOG_SQRT_2PI - (scaled ? Math.log(sigma) : 0) - logZ;
  }
  if ('cell' in at) {
    const a = clamp(at.cell.centre - at.cell.width / 2, 0, 1);
    const b = clamp(at.cell.centre + at.cell.width / 2, 0, 1);
    return logMass((a - mu) / sigma, (b - mu) / sigma) - logZ;
  }
  return 0;
}

/** Inverse-CDF draw from a kernel given a uniform `r`: a unit coordinate, or a choice index for a categorical. */
function sampleKernel(kernel: Kernel, r: number): number {
  if (kernel.kind === 'categorical') {
    let acc = 0;
    for (let i = 0; i < kernel.logP.length; i++) {
      acc += Math.exp(kernel.logP[i] ?? -Infinity);
      if (r < acc) return i;
    }
    return kernel.logP.length - 1;
  }
  const { mu, sigma } = kernel;
  // mu lies in [0, 1], so the bounds sit on either side of the mode and neither CDF value is lost to rounding.
  const pa = normalCdf((0 - mu) / sigma, 0, 1);
  const pb = normalCdf((1 - mu) / sigma, 0, 1);
  const p = pa + r * (pb - pa);
  const u = mu + sigma * normalQuantile(p, 0, 1);
  return Number.isFinite(u) ? clamp(u, 0, 1) : p < 0.5 ? 0 : 1;
}

/** log Φ(x), kept accurate far into the lower tail by the asymptotic series. */
export function logPhi(x: number): number {
  if (x > -30) return Math.log(normalCdf(x, 0, 1));
  const x2 = x * x;
  return -0.5 * x2 - LOG_SQRT_2PI - Math.log(-x) + Math.log1p(-1 / x2 + 3 / (x2 * x2));
}

/** log(Φ(b) - Φ(a)) for a <= b, without cancellation in either tail. */
export function logMass(a: number, b: number): number {
  if (!(b > a)) return -Infinity;
  // Narrow cells: the midpoint rule is exact to ~1e-10 relative here and avoids subtracting near-equal CDFs.
  if (b - a < 1e-6) {
    const m = (a + b) / 2;
    return -0.5 * m * m - LOG_SQRT_2PI + Math.log(b - a);
  }
  if (a > 0) return logMass(-b, -a);
  if (b > 0) return Math.log(normalCdf(b, 0, 1) - normalCdf(a, 0, 1));
  const lb = logPhi(b);
  const la = logPhi(a);
  return lb + Math.log1p(-Math.exp(la - lb));
}

function logSumExp(xs: readonly number[]): number {
  let max = -Infinity;
  for (const x of xs) if (x > max) max = x;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - max);
  return max + Math.log(sum);
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
