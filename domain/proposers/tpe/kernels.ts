/**
 * The widths of the TPE's good-group kernels, per key, as the next proposal would fit them: what
 * `autopilot status --optimizer` shows so a dimension the model has narrowed to a point is visible.
 */
import type { Policy } from '../../policy/policy.js';
import { fitModel } from './model.js';
import { MIN_CELL_WIDTHS, minKernelWidth } from './parzen.js';
import { pooledPoints, type Observation } from './points.js';
import { buildSpace } from './space.js';

/** One key's kernels in l(x): numeric keys in fractions of the range (search scale), categorical ones as the mass off the run's choice. */
export interface KeyKernels {
  key: string;
  kind: 'numeric' | 'categorical';
  /** Smallest and median kernel width (numeric) or off-choice mass (categorical) over the good group. */
  min: number;
  median: number;
  /** The width floor every kernel keeps (numeric; for a discrete key, at least half its cell). */
  floor: number | null;
}

/**
 * The good group's kernels for the next proposal after `history` (scored runs of one config pooled,
 * as the proposer pools them); null until `startupTrials` configs have a score.
 */
export function goodKernels(
  policy: Policy,
  history: readonly Observation[],
  o: { direction: 'maximize' | 'minimize'; startupTrials: number; gamma: (n: number) => number },
): KeyKernels[] | null {
  const space = buildSpace(policy);
  const points = pooledPoints(space, history);
  const scored = points.filter((p) => p.status === 'scored');
  if (scored.length < o.startupTrials || scored.length === 0) return null;
  const { good, l } = fitModel(space, points, o.direction, o.gamma);
  const floor = minKernelWidth(good.length);
  return space.modelled.map((dim, d) => {
    const values = l.components
      .filter((c) => c.anchor !== null)
      .map((c) => {
        const k = c.kernels[d];
        if (k === undefined) return 1;
        return k.kind === 'normal' ? k.sigma : 1 - Math.max(...k.logP.map((p) => Math.exp(p)));
      })
      .sort((a, b) => a - b);
    const cellFloor = dim.kind === 'numeric' && good[0] !== undefined ? cellOf(good[0].coords[d]) : null;
    return {
      key: dim.key,
      kind: dim.kind,
      min: values[0] ?? 1,
      median: values[Math.floor((values.length - 1) / 2)] ?? 1,
      floor: dim.kind === 'numeric' ? Math.max(floor, cellFloor === null ? 0 : MIN_CELL_WIDTHS * cellFloor) : null,
    };
  });
}

function cellOf(at: unknown): number | null {
  return at !== null && typeof at === 'object' && 'cell' in at ? (at as { cell: { width: number } }).cell.width : null;
}
