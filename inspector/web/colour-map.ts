/** Colours of the charts: a sequential map for the metric (better is brighter), a jitter for categorical columns, and series colours. Pure. */

// Viridis, sampled at 7 stops: perceptually even, and readable by the colour-blind.
const STOPS: readonly [number, number, number][] = [
  [68, 1, 84],
  [68, 57, 131],
  [49, 104, 142],
  [33, 145, 140],
  [53, 183, 121],
  [144, 215, 67],
  [253, 231, 37],
];

/** The colour at `t` in [0, 1] along the map (clamped; a non-finite `t` is grey). */
export function sequential(t: number): string {
  if (!Number.isFinite(t)) return 'rgb(140, 140, 140)';
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [STOPS[i]!, STOPS[i + 1]!];
  const mix = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** Where `value` stands between the worst and the best of [min, max] (0 worst, 1 best), for `direction`. */
export function goodness(value: number, min: number, max: number, direction: 'maximize' | 'minimize'): number {
  const t = max > min ? (value - min) / (max - min) : 0.5;
  return direction === 'maximize' ? t : 1 - t;
}

/** A deterministic offset in [-width/2, width/2] for `id` (FNV-1a), so a categorical column's points do not overlap and stay put between draws. */
export function jitter(id: string, width: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h / 0xffffffff - 0.5) * width;
}

// Distinct hues for overlaid series (Tableau 10).
const SERIES = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour of the `i`-th overlaid series (cycling after ten). */
export function seriesColour(i: number): string {
  return SERIES[((i % SERIES.length) + SERIES.length) % SERIES.length]!;
}
