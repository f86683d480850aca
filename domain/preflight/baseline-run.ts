/**
 * The config of a workspace's first run: the mode's baseline, unchanged by any proposer, normalized
 * by the policy's rules and the launch plan exactly as the loop's validate step does for run 001.
 * Pure; `autopilot check` shows the argv it gives and `loop --dry-run` runs it.
 */
import type { Config } from '../config/config.js';
import { planLaunch, type SeedPolicy } from '../run/launch-plan.js';
import type { Policy } from '../policy/policy.js';
import { validateOverrides } from '../policy/validate.js';
import type { PreflightProblem } from './problem.js';

/** The baseline run's config, or (as preflight problems of `baselineFile`) why the loop would reject it. */
export function baselineRunConfig(baseline: Config, policy: Policy, seeds: SeedPolicy, baselineFile: string): { ok: true; config: Config } | { ok: false; problems: PreflightProblem[] } {
  const checked = validateOverrides({}, baseline, policy);
  const planned = checked.ok
    ? planLaunch({
        base: baseline,
        config: checked.config,
        override: checked.override,
        kind: 'baseline',
        runIndex: 1,
        runId: '001',
        seeds,
        checkpoints: { latest: null, best: null, known: [] },
        resolvePath: (p) => p,
      })
    : checked;
  if (planned.ok) return { ok: true, config: planned.config };
  return {
    ok: false,
    problems: planned.errors.map((e) => ({ file: baselineFile, key: e.key, problem: `the baseline run would be rejected: ${e.message}`, allowed: e.expected })),
  };
}
