/**
 * A run's learning curves: the session's metric in each of its `RunProgress` reports, one curve per
 * launch attempt, downsampled for drawing. Pure: the caller reads the run's stream (`run-<id>`).
 */
import type { AutopilotEvent } from '../../events/catalogue.js';
import type { StoredEvent } from '../../events/store.js';
import type { Curve, CurveAxis, CurvePoint } from './types.js';

/** Points a curve is drawn with at most, unless the caller says otherwise. */
export const MAX_CURVE_POINTS = 600;

/** The x axis the reports of one attempt share: `agent_steps` when each has it, else `epoch`, else their order. */
function axisOf(reports: readonly Record<string, number>[]): CurveAxis {
  if (reports.every((m) => Number.isFinite(m['agent_steps']))) return 'agent_steps';
  if (reports.every((m) => Number.isFinite(m['epoch']))) return 'epoch';
  return 'order';
}

/**
 * At most `max` (taken as 4 when smaller: first, last, lowest, highest) of `points`, in order, keeping the first, the last and each extreme: the
 * interior is cut into `⌊(max − 2) / 2⌋` buckets of consecutive points and each keeps its lowest and
 * its highest `y` (so the global minimum and maximum always survive). Points already within `max`
 * come back as they are.
 */
export function downsample(points: readonly CurvePoint[], max: number): CurvePoint[] {
  const cap = Math.max(4, Math.floor(max));
  if (points.length <= cap) return points.map((p) => ({ ...p }));
  const first = 0;
  const last = points.length - 1;
  const kept = new Set<number>([first, last]);
  const buckets = Math.floor((cap - 2) / 2);
  const interior = last - 1;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * interior) / buckets);
    const to = 1 + Math.floor(((b + 1) * interior) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (points[i]!.y < points[lo]!.y) lo = i;
      if (points[i]!.y > points[hi]!.y) hi = i;
    }
    if (from < to) kept.add(lo).add(hi);
  }
  return [...kept].sort((a, b) => a - b).map((i) => ({ ...points[i]! }));
}

/** One progress report of a launch attempt: the metrics it carried. */
export interface AttemptReport {
  attempt: number;
  metrics: Record<string, number>;
}

/**
 * The learning curves of `reports` (one run's, in log order), one per attempt in attempt order:
 * `metric` against the axis each attempt's reports share, reports without a finite value of the
 * metric left out, each curve at most `maxPoints` points. `total` counts the points before
 * downsampling. No report, no curve.
 */
export function curvesOfReports(reports: Iterable<AttemptReport>, metric: string, maxPoints = MAX_CURVE_POINTS): Curve[] {
  const byAttempt = new Map<number, Record<string, number>[]>();
  for (const r of reports) {
    const list = byAttempt.get(r.attempt) ?? [];
    list.push(r.metrics);
    byAttempt.set(r.attempt, list);
  }
  return [...byAttempt.entries()]
    .sort(([a], [b]) => a - b)
    .map(([attempt, list]) => {
      const x = axisOf(list);
      const points: CurvePoint[] = [];
      list.forEach((m, i) => {
        const y = m[metric];
        if (y !== undefined && Number.isFinite(y)) points.push({ x: x === 'order' ? i + 1 : (m[x] as number), y });
      });
      return { attempt, x, points: downsample(points, maxPoints), total: points.length };
    });
}

/** The learning curves of run `runId` from its events (its `RunProgress` reports), as `curvesOfReports` draws them. */
export function curvesOf(events: Iterable<StoredEvent<AutopilotEvent>>, runId: string, metric: string, maxPoints = MAX_CURVE_POINTS): Curve[] {
  const reports: AttemptReport[] = [];
  for (const { event: e } of events) if (e.type === 'RunProgress' && e.data.runId === runId) reports.push({ attempt: e.data.attempt, metrics: e.data.metrics });
  return curvesOfReports(reports, metric, maxPoints);
}
