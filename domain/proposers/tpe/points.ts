/**
 * The runs the TPE learns from, as points of its search space: scored, failed or pending, in the
 * order they happened. Runs of one config (a proposal and its replicates) are pooled into one
 * better-measured point, so a replicate adds no zero-distance twin that would collapse the kernels.
 */
import type { Scalar } from '../../config/config.js';
import type { Coordinate } from './parzen.js';
import type { CategoricalDim, NumericDim, Space } from './space.js';

/**
 * A run the proposer learns from. `overrides` holds the values the run actually ran with for the
 * policy keys (flat dotted keys; missing keys are unknown). `value` is the run's score, or null when
 * it failed (a bad observation, never dropped; a non-finite value counts as failed). `n` is the size
 * of the sample behind `value` (default 1): runs of the same config are pooled, weighted by n.
 */
export type Observation = { runId: string; overrides: Record<string, Scalar>; value: number | null; n?: number };

/** A run (or a pool of runs of one config), scored, failed, or a pending liar. */
export interface Point {
  runId: string;
  overrides: Record<string, Scalar>;
  value: number | null;
  status: 'scored' | 'failed' | 'pending';
  coords: Coordinate[];
  /** The runs pooled into this point (one, unless the config was replicated). */
  runs: string[];
  /** The sample size behind `value`. */
  n: number;
}

/**
 * The points of `history` over `space`: scored runs with the same values of every searched key
 * become one point at the place of the first, with the n-weighted mean of their values; failed
 * runs stay apart (a failure says nothing of a replicate's score).
 */
export function pooledPoints(space: Space, history: readonly Observation[]): Point[] {
  const points: Point[] = [];
  const byConfig = new Map<string, Point>();
  for (const o of history) {
    const scored = typeof o.value === 'number' && Number.isFinite(o.value);
    const n = o.n !== undefined && Number.isFinite(o.n) && o.n > 0 ? o.n : 1;
    if (!scored) {
      points.push(toPoint(space, o.runId, o.overrides, null, 'failed'));
      continue;
    }
    const key = configKey(space, o.overrides);
    const same = byConfig.get(key);
    if (same === undefined) {
      const p = { ...toPoint(space, o.runId, o.overrides, o.value, 'scored'), n };
      byConfig.set(key, p);
      points.push(p);
      continue;
    }
    same.value = ((same.value as number) * same.n + (o.value as number) * n) / (same.n + n);
    same.n += n;
    same.runs.push(o.runId);
  }
  return points;
}

/** A point for one run. */
export function toPoint(space: Space, runId: string, overrides: Record<string, Scalar>, value: number | null, status: Point['status']): Point {
  return { runId, overrides, value, status, coords: coordinates(space, overrides), runs: [runId], n: 1 };
}

/** The name of a point in a rationale: `007`, or `007 (+2 replicates)` for a pool. */
export function pointName(p: Point): string {
  const more = p.runs.length - 1;
  return more === 0 ? p.runId : `${p.runId} (+${more} replicate${more === 1 ? '' : 's'})`;
}

/** Where a config sits in each modelled dimension (null where its value is missing or not allowed). */
export function coordinates(space: Space, overrides: Record<string, Scalar>): Coordinate[] {
  return space.modelled.map((dim) => coordinate(dim, Object.prototype.hasOwnProperty.call(overrides, dim.key) ? overrides[dim.key] : undefined));
}

function coordinate(dim: NumericDim | CategoricalDim, value: unknown): Coordinate {
  if (dim.kind === 'categorical') {
    const index = dim.indexOf(value);
    return index === null ? null : { index };
  }
  const u = dim.toUnit(value);
  if (u === null) return null;
  const cell = typeof value === 'number' ? dim.cell(value) : null;
  return cell === null ? { u } : { cell };
}

/** Identity of a config over the searched keys (modelled and constant), independent of key order. */
function configKey(space: Space, overrides: Record<string, Scalar>): string {
  const keys = [...space.modelled, ...space.constants].map((d) => d.key);
  return JSON.stringify(keys.map((k) => (Object.prototype.hasOwnProperty.call(overrides, k) ? overrides[k] : null)));
}
