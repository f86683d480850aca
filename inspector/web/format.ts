/** How the page writes numbers, durations and intervals. Pure. */

/** A number in at most 4 significant digits (exponent form when very large or small); `—` for null. */
export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/** `[lo, hi]` as `[lo, hi]` text; `—` for null. */
export function fmtInterval(i: readonly [number, number] | null | undefined): string {
  return i ? `[${fmtNum(i[0])}, ${fmtNum(i[1])}]` : '—';
}

/** A duration in ms as `850 ms`, `12.3 s`, `4m 05s`; `—` for null. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS` (UTC, as the log records it); `—` for null. */
export function fmtTime(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '—';
}
