/**
 * What one session of the through-the-loop suite did, read back from its workspace's event log
 * (`autopilot export`): each run in order with its kind, the config it ran with (its trainer
 * argv, parsed as the trainer parsed it), its sample and its true regret; and the proposals the
 * validator rejected.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flattenConfig, type Scalar } from '../../domain/config/config.js';
import { PROJECT_ROOT } from '../../adapters/workspace.js';
import type { LoopObjective } from '../objectives/multimodal.js';
import { parseTrainerArgs } from './trainer-core.js';

/** A run's role: the baseline, a proposal, a replicate of a candidate, or a re-run of the incumbent. */
export type RunKind = 'baseline' | 'proposal' | 'replicate' | 'rerun';

/** One run of a session, as the loop ran it. */
export interface LoopRun {
  runId: string;
  kind: RunKind;
  /** The policy keys' values as run (the trainer's argv). */
  config: Record<string, Scalar>;
  /** The per-episode values of the metric (null: the run failed). */
  sample: number[] | null;
  /** f of the config as run: its true regret (0 at the global optimum). */
  regret: number;
}

/** A session read back: its runs in order and the validator's rejections. */
export interface SessionResult {
  runs: LoopRun[];
  rejected: number;
}

interface LoggedEvent {
  type: string;
  data: Record<string, unknown>;
}

/** The workspace's event log, through `autopilot export` as a user would get it. */
export function exportEvents(workspace: string): LoggedEvent[] {
  const out = join(workspace, '..', 'events.jsonl');
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'autopilot.js'), 'export', '--workspace', workspace, '--out', out], { stdio: 'pipe' });
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LoggedEvent);
}

/** Folds the events of one session into its runs (see {@link SessionResult}). */
export function readSession(events: readonly LoggedEvent[], objective: LoopObjective, metric = 'mean_reward'): SessionResult {
  const keys = Object.keys(objective.policy.keys);
  const runs = new Map<string, { kind: RunKind; argv: string[] | null; sample: number[] | null }>();
  let incumbent: string | null = null;
  let rejected = 0;
  for (const e of events) {
    const d = e.data;
    const runId = d['runId'] as string;
    if (e.type === 'RunPlanned') {
      const kind = d['kind'] as 'baseline' | 'proposal' | 'replicate';
      // A replicate of the incumbent is a re-run of it, measured beside a candidate's replicate.
      runs.set(runId, { kind: kind === 'replicate' && d['parent'] === incumbent ? 'rerun' : kind, argv: null, sample: null });
    } else if (e.type === 'RunStarted') {
      const run = runs.get(runId);
      // The last attempt's argv is the config the result belongs to.
      if (run) run.argv = d['argv'] as string[];
    } else if (e.type === 'RunFinished') {
      const run = runs.get(runId);
      const samples = d['samples'] as Record<string, number[]> | undefined;
      const metrics = d['metrics'] as Record<string, number> | undefined;
      const value = metrics?.[metric];
      if (run) run.sample = samples?.[metric] ?? (typeof value === 'number' ? [value] : null);
    } else if (e.type === 'IncumbentChanged') {
      incumbent = runId;
    } else if (e.type === 'ProposalRejected') {
      rejected++;
    }
  }
  const out: LoopRun[] = [];
  for (const [runId, r] of runs) {
    if (r.argv === null) continue;
    // argv is [node, trainer.js, --objective, name, ...config flags].
    const config = parseTrainerArgs(r.argv.slice(2)).config;
    const flat = flattenConfig(config);
    const asRun: Record<string, Scalar> = {};
    for (const k of keys) if (flat[k] !== undefined) asRun[k] = flat[k];
    out.push({ runId, kind: r.kind, config: asRun, sample: r.sample, regret: objective.f(config) });
  }
  return { runs: out, rejected };
}
