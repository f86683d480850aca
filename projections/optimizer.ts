/**
 * What the optimizer has been exploring: per policy key, the values the last proposals ran with and
 * how far apart they are, so a dimension the search has frozen is visible (`autopilot status
 * --optimizer`). Pure: a fold of the workspace view and the policy.
 */
import { getPath } from '../domain/config/config.js';
import type { Policy } from '../domain/policy/policy.js';
import { buildSpace, type CategoricalDim, type NumericDim } from '../domain/proposers/tpe/space.js';
import type { WorkspaceView } from './view.js';

/** One key's recent values. */
export interface KeyDiagnostics {
  key: string;
  kind: 'numeric' | 'categorical' | 'constant';
  /** Proposals looked at (those that set a value for the key). */
  proposals: number;
  /** Distinct values among them. */
  distinct: number;
  /** Smallest and largest value (numeric keys), or the most common choice and its share (categorical). */
  min?: number;
  max?: number;
  mode?: string;
  modeShare?: number;
  /**
   * Median distance, in fractions of the key's range on its own scale (log, logit, power of two), from
   * each recent value to the nearest other: the scale the TPE's kernels narrow to. Near 0: frozen.
   */
  spread?: number | null;
}

/** The diagnostics of the last `window` proposal runs (built-in, random or agent) with an accepted config. */
export function optimizerDiagnostics(view: WorkspaceView, policy: Policy, window = 20): { window: number; runs: string[]; keys: KeyDiagnostics[] } {
  const recent = [...view.runs.values()].filter((r) => r.kind === 'proposal' && r.accepted !== null).slice(-window);
  const space = buildSpace(policy);
  const keys: KeyDiagnostics[] = [];
  for (const dim of space.modelled) {
    const values = recent.map((r) => getPath(r.accepted!.config, dim.key)).filter((v) => v !== undefined && typeof v !== 'object');
    keys.push(dim.kind === 'numeric' ? numeric(dim, values) : categorical(dim, values));
  }
  for (const c of space.constants) keys.push({ key: c.key, kind: 'constant', proposals: recent.length, distinct: 1 });
  keys.sort((a, b) => a.key.localeCompare(b.key));
  return { window, runs: recent.map((r) => r.runId), keys };
}

function numeric(dim: NumericDim, values: unknown[]): KeyDiagnostics {
  const nums = values.filter((v): v is number => typeof v === 'number');
  const units = nums.map((v) => dim.toUnit(v)).filter((u): u is number => u !== null);
  const nearest = units.map((u, i) => Math.min(...units.filter((_, j) => j !== i).map((w) => Math.abs(u - w))));
  const finite = nearest.filter((d) => Number.isFinite(d)).sort((a, b) => a - b);
  return {
    key: dim.key,
    kind: 'numeric',
    proposals: nums.length,
    distinct: new Set(nums).size,
    ...(nums.length > 0 ? { min: Math.min(...nums), max: Math.max(...nums) } : {}),
    spread: finite.length > 0 ? finite[Math.floor((finite.length - 1) / 2)]! : null,
  };
}

function categorical(dim: CategoricalDim, values: unknown[]): KeyDiagnostics {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return {
    key: dim.key,
    kind: 'categorical',
    proposals: values.length,
    distinct: counts.size,
    ...(top ? { mode: top[0], modeShare: top[1] / values.length } : {}),
  };
}
