/**
 * A small chart renderer: deterministic SVG text (the same data gives the same bytes), with axes and
 * 1-2-5 or decade ticks, points with interval whiskers, step and plain lines, × markers and a legend.
 * Every text that may come from the log goes through {@link xmlText}.
 */
import { fmt } from '../../domain/text/numbers.js';
import { linearTicks, logTicks, type Extent } from './ticks.js';
import { num, xmlText } from './xml.js';

/** A data point; `lo`/`hi` draw a whisker (an interval) through it. */
export interface Point {
  x: number;
  y: number;
  lo?: number;
  hi?: number;
}

/** One series: `points` (markers, whiskers), `step` (a step line held to the right edge), `line`, or `crosses` (× markers; y null sits on the x axis). */
export type Series = { kind: 'points' | 'step' | 'line'; name: string; points: Point[] } | { kind: 'crosses'; name: string; points: { x: number; y: number | null }[] };

/** What to draw. */
export interface ChartSpec {
  title: string;
  /** A second line under the title (what the whiskers are, what was left out). */
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** A log y axis: values ≤ 0 are left out, and the subtitle says how many. */
  logY?: boolean;
  /** Whole-number x ticks (run indexes, step counts). */
  integerX?: boolean;
  /** What the chart says when there is nothing to plot. */
  empty: string;
  /** Pixels; height defaults to 9/16 of it. */
  width?: number;
  height?: number;
}

/** The default width in pixels (the PNG's too). */
export const DEFAULT_WIDTH = 960;

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"';
const M = { left: 84, right: 190, top: 64, bottom: 60 };

// A loop, not Math.min(...values): a long run's hundred thousand progress reports would overflow the call stack.
function extentOf(values: number[]): Extent | null {
  if (values.length === 0) return null;
  let [min, max] = [values[0]!, values[0]!];
  for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  return { min, max };
}

/** The chart as an SVG document (UTF-8 text, ending with a newline). */
export function renderChart(spec: ChartSpec): string {
  const W = spec.width ?? DEFAULT_WIDTH;
  const H = spec.height ?? Math.round((W * 9) / 16);
  const plot = { x0: M.left, x1: W - M.right, y0: M.top, y1: H - M.bottom };
  const ok = (y: number) => Number.isFinite(y) && (!spec.logY || y > 0);
  const ys = spec.series.flatMap((s) => s.points.flatMap((p) => [p.y, 'lo' in p ? p.lo : undefined, 'hi' in p ? p.hi : undefined]).filter((v): v is number => typeof v === 'number'));
  const left = ys.filter((v) => !ok(v)).length;
  const yExt = extentOf(ys.filter(ok));
  const xExt = extentOf(spec.series.flatMap((s) => s.points.map((p) => p.x)).filter(Number.isFinite));
  const notes = [spec.subtitle, spec.logY && left > 0 ? `${left} value(s) ≤ 0 left out of the log axis` : undefined].filter(Boolean).join('; ');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT} font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${num(W / 2)}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${xmlText(spec.title)}</text>`,
  ];
  if (notes) out.push(`<text x="${num(W / 2)}" y="46" text-anchor="middle" fill="#555555">${xmlText(notes)}</text>`);
  out.push(`<rect x="${plot.x0}" y="${plot.y0}" width="${plot.x1 - plot.x0}" height="${plot.y1 - plot.y0}" fill="none" stroke="#888888"/>`);
  if (!yExt || !xExt) {
    out.push(`<text x="${num((plot.x0 + plot.x1) / 2)}" y="${num((plot.y0 + plot.y1) / 2)}" text-anchor="middle" font-size="14" fill="#555555">${xmlText(spec.empty)}</text>`, '</svg>');
    return `${out.join('\n')}\n`;
  }
  const xt = linearTicks(xExt, 6, { integer: spec.integerX ?? false });
  const yt = spec.logY ? logTicks(yExt) : linearTicks(yExt);
  // A margin of 3% inside the frame, so points at the ends of the range are not drawn on it.
  const padded = (lo: number, hi: number) => [lo - (hi - lo) * 0.03, hi + (hi - lo) * 0.03] as const;
  const [x0, x1] = padded(xt.domain.min, xt.domain.max);
  const ly = (y: number) => (spec.logY ? Math.log10(y) : y);
  const [y0, y1] = padded(ly(yt.domain.min), ly(yt.domain.max));
  const sx = (x: number) => plot.x0 + ((x - x0) / (x1 - x0)) * (plot.x1 - plot.x0);
  const sy = (y: number) => plot.y1 - ((ly(y) - y0) / (y1 - y0)) * (plot.y1 - plot.y0);
  out.push(
    ...axes(
      spec,
      plot,
      xt.ticks.map((t) => [sx(t), t] as const),
      yt.ticks.map((t) => [sy(t), t] as const),
    ),
  );
  spec.series.forEach((s, i) => out.push(...drawSeries(s, PALETTE[i % PALETTE.length]!, sx, sy, ok, plot.y1, xt.domain.max)));
  out.push(...legend(spec.series, plot.x1 + 16, plot.y0));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

type Plot = { x0: number; x1: number; y0: number; y1: number };

function axes(spec: ChartSpec, p: Plot, xs: (readonly [number, number])[], ys: (readonly [number, number])[]): string[] {
  const out = ['<g stroke="#e5e5e5">'];
  for (const [x] of xs) out.push(`<line x1="${num(x)}" y1="${p.y0}" x2="${num(x)}" y2="${p.y1}"/>`);
  for (const [y] of ys) out.push(`<line x1="${p.x0}" y1="${num(y)}" x2="${p.x1}" y2="${num(y)}"/>`);
  out.push('</g>', '<g fill="#333333">');
  for (const [x, t] of xs) out.push(`<text x="${num(x)}" y="${p.y1 + 18}" text-anchor="middle">${xmlText(fmt(t))}</text>`);
  for (const [y, t] of ys) out.push(`<text x="${p.x0 - 8}" y="${num(y + 4)}" text-anchor="end">${xmlText(fmt(t))}</text>`);
  const midY = (p.y0 + p.y1) / 2;
  out.push(
    `<text x="${num((p.x0 + p.x1) / 2)}" y="${p.y1 + 42}" text-anchor="middle">${xmlText(spec.xLabel)}</text>`,
    `<text x="20" y="${num(midY)}" text-anchor="middle" transform="rotate(-90 20 ${num(midY)})">${xmlText(spec.yLabel + (spec.logY ? ' (log)' : ''))}</text>`,
    '</g>',
  );
  return out;
}

function drawSeries(s: Series, color: string, sx: (x: number) => number, sy: (y: number) => number, ok: (y: number) => boolean, axisY: number, xEnd: number): string[] {
  if (s.points.length === 0) return [];
  if (s.kind === 'crosses') {
    const out = [`<g stroke="${color}" stroke-width="2">`];
    for (const p of s.points) {
      if (p.y !== null && !ok(p.y)) continue;
      const [x, y] = [sx(p.x), p.y === null ? axisY : sy(p.y)];
      out.push(`<path d="M${num(x - 5)} ${num(y - 5)}L${num(x + 5)} ${num(y + 5)}M${num(x - 5)} ${num(y + 5)}L${num(x + 5)} ${num(y - 5)}"/>`);
    }
    return [...out, '</g>'];
  }
  const pts = s.points.filter((p) => ok(p.y)).sort((a, b) => a.x - b.x);
  if (s.kind === 'points') {
    const out = [`<g stroke="${color}" fill="${color}">`];
    for (const p of pts) {
      const x = sx(p.x);
      if (p.lo !== undefined && p.hi !== undefined && ok(p.lo) && ok(p.hi)) {
        const [lo, hi] = [sy(p.lo), sy(p.hi)];
        out.push(`<path d="M${num(x)} ${num(lo)}V${num(hi)}M${num(x - 4)} ${num(lo)}H${num(x + 4)}M${num(x - 4)} ${num(hi)}H${num(x + 4)}" fill="none"/>`);
      }
      out.push(`<circle cx="${num(x)}" cy="${num(sy(p.y))}" r="3.5"/>`);
    }
    return [...out, '</g>'];
  }
  if (pts.length === 0) return [];
  const d = pts.map((p, i) => {
    const [x, y] = [num(sx(p.x)), num(sy(p.y))];
    if (i === 0) return `M${x} ${y}`;
    return s.kind === 'step' ? `H${x}V${y}` : `L${x} ${y}`;
  });
  // The incumbent holds until something replaces it: the step runs on to the right edge.
  if (s.kind === 'step') d.push(`H${num(sx(xEnd))}`);
  const dots = pts.length === 1 && s.kind === 'line' ? [`<circle cx="${num(sx(pts[0]!.x))}" cy="${num(sy(pts[0]!.y))}" r="3" fill="${color}"/>`] : [];
  return [`<path d="${d.join('')}" fill="none" stroke="${color}" stroke-width="2"/>`, ...dots];
}

function legend(series: Series[], x: number, y: number): string[] {
  const out: string[] = [];
  let row = 0;
  series.forEach((s, i) => {
    // A series with nothing in it (no failed run) has no entry; colours stay with the series.
    if (s.points.length === 0) return;
    const color = PALETTE[i % PALETTE.length]!;
    const cy = y + 10 + row++ * 20;
    const mark =
      s.kind === 'points'
        ? `<circle cx="${x + 10}" cy="${cy}" r="3.5" fill="${color}"/>`
        : s.kind === 'crosses'
          ? `<path d="M${x + 5} ${cy - 5}L${x + 15} ${cy + 5}M${x + 5} ${cy + 5}L${x + 15} ${cy - 5}" stroke="${color}" stroke-width="2"/>`
          : `<line x1="${x}" y1="${cy}" x2="${x + 20}" y2="${cy}" stroke="${color}" stroke-width="2"/>`;
    out.push(mark, `<text x="${x + 26}" y="${cy + 4}">${xmlText(s.name)}</text>`);
  });
  return out;
}
