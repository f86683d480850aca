/** Axes for the hand-drawn charts: value ↔ unit position (linear or log), padded extents, and readable ticks. Pure. */

/** A numeric axis: `unit` maps a value to [0, 1] along it (outside when off the domain; null when it cannot be placed). */
export interface NumericScale {
  log: boolean;
  domain: [number, number];
  unit(v: number): number | null;
  ticks: number[];
}

/** The extent of the finite values (positive only when `log`), padded by `pad` of its width (a factor on a log axis); null: none. */
export function extent(values: readonly number[], log: boolean, pad = 0.05): [number, number] | null {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (usable.length === 0) return null;
  let lo = Math.min(...usable);
  let hi = Math.max(...usable);
  if (log) {
    if (lo === hi) return [lo / 2, hi * 2];
    const f = Math.pow(hi / lo, pad);
    return [lo / f, hi * f];
  }
  if (lo === hi) {
    const d = Math.abs(lo) * 0.1 || 1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * pad;
  lo -= d;
  hi += d;
  return [lo, hi];
}

/** About `count` round ticks (steps of 1, 2 or 5 times a power of ten) inside [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  // The round step whose number of intervals is nearest the one asked for.
  const steps = [1, 2, 5, 10].map((m) => m * mag);
  const step = steps.reduce((best, s) => (Math.abs((hi - lo) / s - count) < Math.abs((hi - lo) / best - count) ? s : best));
  const out: number[] = [];
  for (let i = Math.ceil(lo / step); i * step <= hi + step * 1e-9; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** Ticks of a log axis over [lo, hi] (lo > 0): powers of ten, with 2 and 5 between them when the axis spans less than three decades. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return lo > 0 ? [lo] : [];
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const mults = last - first <= 3 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = first; e <= last; e++) for (const m of mults) out.push(Number((m * Math.pow(10, e)).toPrecision(12)));
  const inside = out.filter((v) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9));
  // A narrow log axis holds no round value: its ends, then.
  return inside.length >= 2 ? inside : [lo, hi];
}

/** A scale over `domain`: log when asked and the domain is positive, else linear. */
export function numericScale(domain: [number, number], log: boolean): NumericScale {
  const [lo, hi] = domain;
  if (log && lo > 0) {
    const a = Math.log(lo);
    const w = Math.log(hi) - a || 1;
    return { log: true, domain, unit: (v) => (v > 0 ? (Math.log(v) - a) / w : null), ticks: logTicks(lo, hi) };
  }
  const w = hi - lo || 1;
  return { log: false, domain, unit: (v) => (Number.isFinite(v) ? (v - lo) / w : null), ticks: linearTicks(lo, hi) };
}
