/** The learning-curves view's data: which runs it shows first, and several curves as uPlot's aligned columns. Pure. */
import type { CurvePoint, MetricDirection, RunRow } from '../api.js';

/** One run's curve, as the view overlays it. */
export interface RunCurve {
  id: string;
  points: readonly CurvePoint[];
}

/** uPlot's aligned data: the union of the curves' x, sorted, and one column per curve (null where it has no point). */
export interface Overlay {
  x: number[];
  series: (number | null)[][];
}

/** Overlays `curves` on one x axis (a curve's repeated x keeps its last y). */
export function overlayCurves(curves: readonly RunCurve[]): Overlay {
  const x = [...new Set(curves.flatMap((c) => c.points.map((p) => p.x)))].filter(Number.isFinite).sort((a, b) => a - b);
  const at = new Map(x.map((v, i) => [v, i]));
  const series = curves.map((c) => {
    const col: (number | null)[] = new Array<number | null>(x.length).fill(null);
    for (const p of c.points) {
      const i = at.get(p.x);
      if (i !== undefined && Number.isFinite(p.y)) col[i] = p.y;
    }
    return col;
  });
  return { x, series };
}

/** The runs shown when none is named: the incumbent (else the best measured run) and the latest launched run. */
export function defaultCurveRuns(rows: readonly RunRow[], direction: MetricDirection = 'maximize'): string[] {
  const judged = rows.filter((r) => r.delta !== null).at(-1);
  const measured = rows.filter((r) => r.metric !== null);
  const better = (a: RunRow, b: RunRow) => (direction === 'maximize' ? a.metric!.mean > b.metric!.mean : a.metric!.mean < b.metric!.mean);
  const best = measured.reduce<RunRow | null>((b, r) => (b === null || better(r, b) ? r : b), null);
  const incumbent = judged?.delta?.incumbent ?? best?.id ?? null;
  const latest = rows.filter((r) => r.startedAt !== null).at(-1)?.id ?? rows.at(-1)?.id ?? null;
  return [...new Set([incumbent, latest].filter((id): id is string => id !== null))];
}

/** The default runs once run `started` has started: the first (the incumbent) kept, the latest now `started`. */
export function withLatest(ids: readonly string[], started: string): string[] {
  return [...new Set([...ids.slice(0, 1), started])];
}

/** The run ids of `#/curves/007,012`'s list: each as written, blanks and repeats dropped. */
export function runList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}
