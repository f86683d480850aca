/**
 * Adaptive kernel widths for the TPE's Parzen estimators: each run's kernel is
 * as wide as the distance from that run to the nearest other run (any run:
 * scored, failed or pending). Where runs are sparse, kernels are broad and the
 * model explores; where the search has gathered runs around a good region,
 * kernels narrow and proposals refine it, at the scale the runs there are
 * apart. This is the k-nearest-neighbour (k = 1) variable-bandwidth density
 * estimate, in place of Optuna's single Scott's-rule width, which at the
 * budgets of RL tuning stays at a fifth of each range and cannot refine.
 */
import type { Coordinate } from './parzen.js';
import type { CategoricalDim, NumericDim } from './space.js';

/**
 * The width (in unit coordinates) of each point of `group`: the root-mean-square
 * distance over numeric dimensions to the nearest other point of `all` (indices
 * into `all`). Only numeric dimensions known in both points are compared;
 * categorical ones have no scale to measure on. Null when nothing can be
 * compared (no other point, or no shared numeric dimension): the estimator
 * then uses its default width.
 */
export function nearestRunWidths(dims: ReadonlyArray<NumericDim | CategoricalDim>, all: ReadonlyArray<readonly Coordinate[]>, group: readonly number[]): Array<number | null> {
  const numeric = dims.flatMap((dim, d) => (dim.kind === 'numeric' ? [d] : []));
  const positions = all.map((coords) => numeric.map((d) => position(coords[d] ?? null)));
  return group.map((i) => {
    const from = positions[i];
    if (from === undefined) return null;
    let nearest: number | null = null;
    positions.forEach((to, j) => {
      if (j === i) return;
      let sum = 0;
      let shared = 0;
      for (let k = 0; k < from.length; k++) {
        const a = from[k];
        const b = to[k];
        if (a === null || a === undefined || b === null || b === undefined) continue;
        sum += (a - b) ** 2;
        shared++;
      }
      if (shared === 0) return;
      const distance = Math.sqrt(sum / shared);
      if (nearest === null || distance < nearest) nearest = distance;
    });
    return nearest;
  });
}

/** Where a numeric coordinate sits in [0, 1]: its value, or its cell's centre; null when unknown. */
function position(at: Coordinate): number | null {
  if (at === null) return null;
  if ('u' in at) return at.u;
  if ('cell' in at) return at.cell.centre;
  return null;
}
