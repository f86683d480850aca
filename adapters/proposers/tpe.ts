/**
 * The `tpe` proposer in the loop: warm-starts the TPE core from every run the log holds (its
 * config as run, its own score, or a failure) and proposes for the run at hand. Deterministic
 * given the log and the seed, so a proposer restarted after a crash proposes the same again.
 */
import { baseConfigFor } from '../../domain/config/base-config.js';
import { scalarsAt, type Scalar } from '../../domain/config/config.js';
import type { IncumbentRef } from '../../events/catalogue.js';
import { proposeTpe, type Observation, type TpeProposal } from '../../domain/proposers/tpe.js';
import { mean, sampleOf } from '../../domain/judging/sample.js';
import { boundBaseline } from '../actors/input-guard.js';
import type { WorkspaceView } from '../../projections/view.js';
import { SETUP_FAILURES } from '../../machines/loop.machine.js';
import type { LoopDeps } from '../actors/deps.js';
import type { Mode } from '../../domain/config/mode.js';

/** Failure reasons that are no verdict on the config that ran. */
const NOT_THE_CONFIG: ReadonlySet<string> = new Set([...SETUP_FAILURES, 'killed', 'orphaned', 'launch-error']);

/** The runs of `view` as TPE observations (the run `except` left out): journaled runs only. */
export function observationsOf(view: WorkspaceView, policyKeys: string[], metric: string, except: string): Observation[] {
  const out: Observation[] = [];
  for (const r of view.runs.values()) {
    if (r.runId === except || !r.journal || !r.accepted) continue;
    // A run that failed for a reason not of its config's making (could not start, no metric, killed, orphaned) says nothing of the config.
    const last = r.failures.at(-1);
    if (r.journal.status === 'failed' && last && NOT_THE_CONFIG.has(last.reason)) continue;
    const overrides = scalarsAt(r.accepted.config, policyKeys);
    // A failed run is a bad observation, not a missing one; the core pools the samples of runs of one config (replicates), weighted by n.
    const sample = r.finished ? sampleOf(r.finished, metric) : [];
    const value = r.journal.status === 'failed' || sample.length === 0 ? null : mean(sample);
    out.push({ runId: r.runId, overrides, value: value !== null && Number.isFinite(value) ? value : null, n: Math.max(1, sample.length) });
  }
  return out;
}

/** One TPE proposal for `runId`, merged (by the validator) into the incumbent's config. */
export function proposeWithTpe(deps: LoopDeps, a: { runId: string; mode: Mode; incumbent: IncumbentRef | null; seed: number; pending?: ReadonlyArray<Record<string, Scalar>> }): TpeProposal {
  const base = baseConfigFor(boundBaseline(deps, a.mode), a.incumbent?.override);
  const history = observationsOf(deps.history(), Object.keys(deps.policy.keys), deps.settings.metric.name, a.runId);
  const [proposal] = proposeTpe(deps.policy, history, { seed: a.seed, direction: deps.settings.metric.direction, base, ...(a.pending?.length ? { pending: a.pending } : {}) });
  if (!proposal) throw new Error('the TPE proposer made no proposal');
  return proposal;
}
