/**
 * The parameters view's model: the runs it plots (finished, measured), one axis per policy key and
 * one for the metric (log for log-distributed keys, a column per choice for categorical ones), the
 * runs' positions on them, and which drawn line a pointer is on. Pure.
 */
import type { ParamKey, ParamsResponse } from '../api.js';
import { goodness, sequential } from './colour-map.js';
import { extent, numericScale, type NumericScale } from './scales.js';

type Value = string | number | boolean | null;

/** A run the view plots. */
export interface PlotRun {
  id: string;
  metric: number;
  values: Record<string, Value>;
}

/** One axis: numeric (with its scale) or categorical (with its columns' labels). */
export interface Axis {
  key: string;
  scale: NumericScale | null;
  categories: string[] | null;
  /** The value's place along the axis in [0, 1]; null when it cannot be placed (absent, or not a number on a numeric axis). */
  place(v: Value): number | null;
}

/** The finished runs with a finite metric mean: the ones a chart can place. */
export function plottedRuns(p: ParamsResponse): PlotRun[] {
  return p.runs.filter((r) => r.status === 'finished' && r.metric !== null && Number.isFinite(r.metric)).map((r) => ({ id: r.id, metric: r.metric!, values: r.values }));
}

const label = (v: Value) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A column per category (in the given order, then any other value seen), each at the middle of its cell. */
export function categoricalAxis(key: string, choices: readonly Value[], values: readonly Value[]): Axis {
  const categories = [...new Set([...choices, ...values.filter((v) => v !== null)].map(label))];
  return { key, scale: null, categories, place: (v) => (v === null || !categories.includes(label(v)) ? null : (categories.indexOf(label(v)) + 0.5) / categories.length) };
}

/** A numeric axis over the values and `range` (the policy's), log when asked and every bound is positive. */
export function numericAxis(key: string, values: readonly Value[], log: boolean, range: number[] = []): Axis {
  const nums = [...values.filter((v): v is number => typeof v === 'number'), ...range];
  const useLog = log && nums.length > 0 && nums.every((v) => v > 0);
  const scale = numericScale(extent(nums, useLog) ?? [0, 1], useLog);
  return { key, scale, categories: null, place: (v) => (typeof v === 'number' ? scale.unit(v) : null) };
}

/** The axis of a policy key over `runs`' values. */
export function keyAxis(k: ParamKey, runs: readonly PlotRun[]): Axis {
  const values = runs.map((r) => r.values[k.key] ?? null);
  if (k.scale === 'categorical' || values.some((v) => typeof v !== 'number' && v !== null)) return categoricalAxis(k.key, k.choices ?? [], values);
  return numericAxis(k.key, values, k.scale === 'log', k.min !== undefined && k.max !== undefined ? [k.min, k.max] : []);
}

/** The parallel-coordinates model: the axes (keys, then the metric), each run's places on them, and its colour. */
export interface ParallelModel {
  axes: Axis[];
  runs: PlotRun[];
  /** By run, its place on each axis (null: not placed; the line breaks there). */
  places: (number | null)[][];
  colours: string[];
}

/** The model of `p`'s parallel coordinates; the metric axis is named after the metric. */
export function parallelModel(p: ParamsResponse): ParallelModel {
  const runs = plottedRuns(p);
  const metricName = p.metric?.name ?? 'metric';
  const metricAxis = numericAxis(
    metricName,
    runs.map((r) => r.metric),
    false,
  );
  const axes = [...p.keys.map((k) => keyAxis(k, runs)), metricAxis];
  const means = runs.map((r) => r.metric);
  const [lo, hi] = [Math.min(...means), Math.max(...means)];
  return {
    axes,
    runs,
    places: runs.map((r) => [...p.keys.map((k, i) => axes[i]!.place(r.values[k.key] ?? null)), metricAxis.place(r.metric)]),
    colours: runs.map((r) => sequential(goodness(r.metric, lo, hi, p.metric?.direction ?? 'maximize'))),
  };
}

// Distance from (px, py) to the segment (ax, ay)–(bx, by).
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * The line nearest the point (x, y), in pixels: `xs` are the axes' x, `ys[run][axis]` the line's y
 * there (null: a break). Null when none passes within `within` pixels.
 */
export function nearestLine(xs: readonly number[], ys: readonly (readonly (number | null)[])[], x: number, y: number, within = 6): number | null {
  let best: number | null = null;
  let bestD = within;
  ys.forEach((line, i) => {
    for (let a = 0; a + 1 < xs.length; a++) {
      const [y0, y1] = [line[a], line[a + 1]];
      if (y0 == null || y1 == null) continue;
      const d = segmentDistance(x, y, xs[a]!, y0, xs[a + 1]!, y1);
      if (d <= bestD) [best, bestD] = [i, d];
    }
  });
  return best;
}
