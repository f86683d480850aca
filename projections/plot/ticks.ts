/** Axis ticks a person reads easily: steps of 1, 2 or 5 times a power of ten, or decades on a log axis. */

/** A closed range of data values. */
export interface Extent {
  min: number;
  max: number;
}

/** The 1-2-5 step nearest to `raw` (raw > 0). */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

// Floating sums like 0.1 + 0.2 print as 0.30000000000000004: round ticks to the step's own precision.
function clean(x: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(x.toFixed(Math.min(digits, 15)));
}

/**
 * Linear ticks covering `extent` (about `count` of them), and the domain widened to the outer ticks.
 * A zero-width extent is widened around its value, so one point still gets an axis. `integer`: whole-number steps.
 */
export function linearTicks(extent: Extent, count = 5, { integer = false } = {}): { ticks: number[]; domain: Extent } {
  let { min, max } = extent;
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  // Run indexes and step counts: never a tick between two whole numbers.
  const step = integer ? Math.max(1, niceStep((max - min) / count)) : niceStep((max - min) / count);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(clean(lo + i * step, step));
  return { ticks, domain: { min: clean(lo, step), max: clean(hi, step) } };
}

/**
 * Log ticks for a positive `extent`: the decades it spans; 1-2-5 within decades when it spans fewer
 * than two; and the domain from the decade below the minimum to the one above the maximum, or to
 * the nearest such tick when that is tighter.
 */
export function logTicks(extent: Extent): { ticks: number[]; domain: Extent } {
  const lo = Math.floor(Math.log10(extent.min));
  const hi = Math.ceil(Math.log10(extent.max));
  const decades: number[] = [];
  for (let e = lo; e <= Math.max(hi, lo + 1); e++) decades.push(Number((10 ** e).toPrecision(12)));
  if (decades.length >= 4) {
    // Many decades: every k-th one, so the labels do not run into each other.
    const k = Math.ceil(decades.length / 8);
    return { ticks: decades.filter((_, i) => i % k === 0), domain: { min: decades[0]!, max: decades[decades.length - 1]! } };
  }
  const fine = decades.flatMap((d) => [d, 2 * d, 5 * d]).map((t) => Number(t.toPrecision(12)));
  const below = fine.filter((t) => t <= extent.min);
  const above = fine.filter((t) => t >= extent.max);
  const min = below.length > 0 ? below[below.length - 1]! : fine[0]!;
  const max = above.length > 0 ? above[0]! : fine[fine.length - 1]!;
  return { ticks: fine.filter((t) => t >= min && t <= max), domain: { min, max } };
}
