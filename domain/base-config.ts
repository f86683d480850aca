/** The config a proposal is validated against and merged into. */
import { mergeConfig, type Config, type Scalar } from './config.js';

/**
 * The base of a proposal: proposals are deltas on the incumbent, so the base is
 * the mode's baseline with the incumbent's flat override applied, or the
 * baseline itself when there is no incumbent yet. Pure; never mutates its inputs.
 */
export function baseConfigFor(baseline: Config, incumbentOverride: Record<string, Scalar> | null | undefined): Config {
  return incumbentOverride ? mergeConfig(baseline, incumbentOverride) : baseline;
}
