/** The runs in flight beside the one being proposed for: what the built-in proposer counts as liars and an agent is shown. */
import { scalarsAt, type Scalar } from '../../domain/config/config.js';
import type { RunContext } from '../../machines/run-context.js';
import type { LoopDeps } from './deps.js';

/** A run in flight: its id, kind, and its config at the policy's keys. */
export interface InFlightRun {
  runId: string;
  kind: RunContext['kind'];
  overrides: Record<string, Scalar>;
}

/** The runs of `runs` that have an accepted config (the ones training or being judged), at the policy's keys. */
export function inFlightRuns(deps: Pick<LoopDeps, 'policy'>, runs: readonly RunContext[]): InFlightRun[] {
  const keys = Object.keys(deps.policy.keys);
  return runs.filter((r) => r.accepted !== null).map((r) => ({ runId: r.runId, kind: r.kind, overrides: scalarsAt(r.accepted!.config, keys) }));
}

/** The constant liars of a TPE proposal, as ProposalReceived records them. */
export function pendingOf(deps: Pick<LoopDeps, 'policy'>, runs: readonly RunContext[]): { runId: string; overrides: Record<string, Scalar> }[] {
  return inFlightRuns(deps, runs).map(({ runId, overrides }) => ({ runId, overrides }));
}
