/** The config a proposal is validated against and merged into. */
import { mergeConfig, type Config, type Scalar } from './config.js';
import { compareKeys } from './diff.js';

/**
 * The base of a proposal: proposals are deltas on the incumbent, so the base is
 * the mode's baseline with the incumbent's flat override applied, or the
 * baseline itself when there is no incumbent yet. Pure; never mutates its inputs.
 */
export function baseConfigFor(baseline: Config, incumbentOverride: Record<string, Scalar> | null | undefined): Config {
  return incumbentOverride ? mergeConfig(baseline, incumbentOverride) : baseline;
}

/**
 * A run's override relative to the baseline (what the incumbent carries): the override of the
 * incumbent it was proposed on, with its own accepted override on top. Without this, a run
 * proposed as a delta on an incumbent would, once promoted, drop that incumbent's changes from
 * every later base. Pure; keys in sorted order.
 */
export function overrideFromBaseline(
  accepted: { base: string; override: Record<string, Scalar> } | null | undefined,
  incumbent: { runId: string; override: Record<string, Scalar> } | null | undefined,
): Record<string, Scalar> {
  if (!accepted) return {};
  const merged = accepted.base !== 'baseline' && incumbent && incumbent.runId === accepted.base ? { ...incumbent.override, ...accepted.override } : accepted.override;
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => compareKeys(a, b)));
}
