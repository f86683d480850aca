/**
 * The TPE's model for one proposal: scored points ranked, the best gamma(n) as the good group,
 * the rest (failed and pending included) as the bad one, and a Parzen estimator fitted to each;
 * a pending run's kernel in g weighs `pendingWeight` of a finished run's.
 * Shared by the proposer and by `status --optimizer`'s kernel widths, so both see the same model.
 */
import { nearestRunWidths } from './bandwidth.js';
import { broadMinWidth, fitParzen, minKernelWidth, type Parzen } from './parzen.js';
import type { Point } from './points.js';
import type { Space } from './space.js';

/** A fitted model: the ranking, the groups, and l(x) and g(x). */
export interface Model {
  /** Scored points, best first (ties: the earlier run first). */
  ranked: Point[];
  nGood: number;
  good: Point[];
  bad: Point[];
  l: Parzen;
  g: Parzen;
}

/**
 * Fits the model to `points` (at least one scored); `gamma(n)` sizes the good group for the n
 * finished points (pending ones are guesses, not observations: as in Optuna, they do not grow it).
 * `widths`: `nearest` (each run's kernel as wide as its distance to the nearest other run) or
 * `broad` (Optuna 3.1's multivariate estimator: Scott's width floored at its magic clip
 * 1 / min(100, n + 2), and its scoring, tpe/parzen.ts). `pendingWeight` (default 1): the mixture
 * weight of each pending point's kernel in g, relative to a finished point's.
 */
export function fitModel(
  space: Space,
  points: readonly Point[],
  direction: 'maximize' | 'minimize',
  gamma: (n: number) => number,
  widths: 'nearest' | 'broad' = 'nearest',
  pendingWeight = 1,
): Model {
  const scored = points.filter((p) => p.status === 'scored');
  const sign = direction === 'maximize' ? -1 : 1;
  const ranked = scored
    .map((p, i) => ({ p, i }))
    .sort((a, b) => sign * ((a.p.value as number) - (b.p.value as number)) || a.i - b.i)
    .map((x) => x.p);
  const nGood = Math.max(1, Math.min(scored.length, Math.floor(gamma(points.filter((p) => p.status !== 'pending').length))));
  const goodSet = new Set(ranked.slice(0, nGood));
  const good = points.filter((p) => goodSet.has(p));
  const bad = points.filter((p) => !goodSet.has(p));
  const scale = bad.map((p) => (p.status === 'pending' ? pendingWeight : 1));
  if (widths === 'broad') return { ranked, nGood, good, bad, l: fitBroad(space, points, good), g: fitBroad(space, points, bad, scale) };
  // One width floor for both, so g is nowhere sharper than l can be and l/g cannot explode beside a run.
  const floor = minKernelWidth(good.length);
  return { ranked, nGood, good, bad, l: fit(space, points, good, floor), g: fit(space, points, bad, floor, scale) };
}

/** Optuna 3.1's estimator of `group`: one width for every kernel, never under its magic clip, scored as Optuna scores it. */
function fitBroad(space: Space, points: readonly Point[], group: readonly Point[], scale: readonly number[] = []): Parzen {
  return fitParzen(
    space.modelled,
    group.map((p) => p.coords),
    group.map((p) => points.indexOf(p)),
    [],
    broadMinWidth(group.length),
    'optuna',
    scale,
  );
}

/**
 * A Parzen estimator of `group` (a subset of `points`, in order); anchors are indices into
 * `points`, and each kernel is as wide as the distance from its run to the nearest other run,
 * and at least `minWidth`; `scale` multiplies each kernel's weight.
 */
function fit(space: Space, points: readonly Point[], group: readonly Point[], minWidth: number, scale: readonly number[] = []): Parzen {
  const anchors = group.map((p) => points.indexOf(p));
  const widths = nearestRunWidths(
    space.modelled,
    points.map((p) => p.coords),
    anchors,
  );
  return fitParzen(
    space.modelled,
    group.map((p) => p.coords),
    anchors,
    widths,
    minWidth,
    'density',
    scale,
  );
}
