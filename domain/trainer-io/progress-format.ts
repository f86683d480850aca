/**
 * Pure formatting of a running trainer's progress, for the loop's console:
 * `run 003 ▸ 12,288/40,960 steps (30%) · 21.3k SPS · ETA 0:04 · mean_reward 87.5`.
 */
import { fmt } from '../text/numbers.js';

/** Metrics that say how far a run is, never worth showing as "the latest metric". */
const BOOKKEEPING = new Set(['agent_steps', 'global_step', 'total_timesteps', 'sps', 'SPS', 'epoch', 'uptime', 'learning_rate', 'episodes', 'phase']);

/** Metrics shown first when present, in this order (after the configured metric). */
export const PREFERRED_METRICS = ['mean_reward', 'score', 'environment/score', 'success_rate'] as const;

/** An integer with thousands separators, independent of the locale: `12288` → `12,288`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A rate in compact form: `950`, `21.3k`, `1.2M`, `3.4B`. */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  const scaled = (div: number, unit: string) => {
    const x = n / div;
    return `${Math.abs(x) >= 100 ? Math.round(x) : Number(x.toFixed(1))}${unit}`;
  };
  if (a < 1000) return String(Math.round(n));
  // Bounds sit where rounding would print `1000k` instead of `1M`.
  if (a < 999_500) return scaled(1e3, 'k');
  if (a < 999_500_000) return scaled(1e6, 'M');
  return scaled(1e9, 'B');
}

/** A duration in seconds as `m:ss`, or `h:mm:ss` from an hour on: `4` → `0:04`, `3725` → `1:02:05`. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The steps done so far (`agent_steps`, else `global_step`). */
export function stepsOf(metrics: Readonly<Record<string, number>>): number | undefined {
  return metrics['agent_steps'] ?? metrics['global_step'];
}

/** The trainer's own steps per second (`sps`, else PufferLib's `SPS`). */
export function spsOf(metrics: Readonly<Record<string, number>>): number | undefined {
  return metrics['sps'] ?? metrics['SPS'];
}

/**
 * The metric worth showing: `preferred` when given and present, then mean_reward, score,
 * environment/score, success_rate, then the first metric that is not bookkeeping (steps, SPS, epoch…).
 */
export function pickMetric(metrics: Readonly<Record<string, number>>, preferred?: string): [string, number] | null {
  for (const key of [preferred, ...PREFERRED_METRICS]) {
    if (key === undefined) continue;
    const v = metrics[key];
    if (v !== undefined) return [key, v];
  }
  for (const [key, v] of Object.entries(metrics)) if (!BOOKKEEPING.has(key)) return [key, v];
  return null;
}

/** Seconds left at `rate` steps per second; null when it cannot be told. */
export function etaSeconds(steps: number | undefined, total: number | undefined, rate: number | undefined): number | null {
  if (steps === undefined || total === undefined || rate === undefined || !(rate > 0) || !Number.isFinite(rate)) return null;
  return Math.max(0, (total - steps) / rate);
}

/** What a progress line shows besides the metrics themselves. */
export interface ProgressTextOptions {
  /** Seconds left, or null when unknown. */
  etaS: number | null;
  /** The metric to prefer as "the latest metric" (the loop's configured metric). */
  metric?: string;
}

/** The progress line of one run: `run 003 ▸ 12,288/40,960 steps (30%) · 21.3k SPS · ETA 0:04 · mean_reward 87.5`. */
export function progressText(runId: string, metrics: Readonly<Record<string, number>>, options: ProgressTextOptions): string {
  const parts: string[] = [];
  const steps = stepsOf(metrics);
  const total = metrics['total_timesteps'];
  if (steps !== undefined) {
    if (total !== undefined && total > 0) {
      const pct = Math.min(100, Math.max(0, Math.floor((steps / total) * 100)));
      parts.push(`${formatCount(steps)}/${formatCount(total)} steps (${pct}%)`);
    } else parts.push(`${formatCount(steps)} steps`);
  }
  const sps = spsOf(metrics);
  if (sps !== undefined) parts.push(`${formatRate(sps)} SPS`);
  if (options.etaS !== null) parts.push(`ETA ${formatEta(options.etaS)}`);
  const latest = pickMetric(metrics, options.metric);
  if (latest) parts.push(`${latest[0]} ${fmt(latest[1])}`);
  return `run ${runId} ▸ ${parts.length > 0 ? parts.join(' · ') : 'running'}`;
}

/** Cuts `text` to at most `columns` characters (ending in `…`), so a live line never wraps. */
export function fitColumns(text: string, columns: number): string {
  const chars = [...text];
  if (columns < 1 || chars.length <= columns) return columns < 1 ? '' : text;
  return `${chars.slice(0, columns - 1).join('')}…`;
}
