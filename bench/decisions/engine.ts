/**
 * The loop's run-by-run decisions without the loop: which run comes next (the baseline, a
 * replicate or a re-run of the incumbent, or a fresh proposal), how each is judged, and who is
 * the incumbent, all by the product's own pure functions (judgeRun, decideReplication,
 * nextReplication, incumbentOf, replicatePlan — what the evaluate, propose and journal actors
 * call). The caller supplies proposals and samples, so one engine serves bench:decisions'
 * synthetic sessions and bench:proposers' in-process loop suite.
 */
import type { Scalar } from '../../domain/config/config.js';
import type { StatisticsSettings } from '../../domain/judging/error-control.js';
import { judgeRun, replicationSettings } from '../../domain/judging/judge.js';
import { replicatePlan } from '../../domain/judging/replicate-plan.js';
import { decideReplication, incumbentOf, nextReplication, type Replication } from '../../domain/judging/replication.js';
import type { IncumbentRef } from '../../events/catalogue.js';

/** A run's config as the loop records it: the policy keys' values over the baseline. */
export type Override = Record<string, Scalar>;

/** What comes next: its id and kind, and for a replicate the run it repeats and the override it runs. */
export interface NextRun {
  runId: string;
  kind: 'baseline' | 'proposal' | 'replicate';
  parent: string | null;
  /** Set for the baseline (the empty override) and replicates; a proposal's comes from the proposer. */
  override: Override | null;
}

/** One decided run: what ran, its own sample, and whether it re-measured the incumbent. */
export interface DecidedRun extends NextRun {
  override: Override;
  sample: number[];
  rerun: boolean;
}

/** A session of `runs` runs judged as the loop with statistics `stats` would, on a maximized metric. */
export class DecidedSession {
  readonly runs: DecidedRun[] = [];
  incumbent: IncumbentRef | null = null;
  /** The run (1-based) at which the current incumbent was promoted. */
  promotedAt = 1;
  #replication: Replication | null = null;
  #extraRuns = 0;
  readonly #settings;
  readonly #metric = { name: 'score', direction: 'maximize' as const };

  constructor(
    readonly total: number,
    readonly stats: StatisticsSettings,
  ) {
    this.#settings = replicationSettings(stats);
  }

  /** The run to make next. */
  next(): NextRun {
    const runId = String(this.runs.length + 1).padStart(3, '0');
    if (this.runs.length === 0) return { runId, kind: 'baseline', parent: null, override: {} };
    if (!this.#replication) return { runId, kind: 'proposal', parent: null, override: null };
    const plan = replicatePlan(this.#replication, this.incumbent, this.#settings);
    return { runId, kind: 'replicate', parent: plan.parent, override: plan.overrides };
  }

  /** Records `run` (from {@link next}, its override filled in) with its own `sample`, judged and journaled as the loop does. */
  record(run: NextRun & { override: Override }, sample: number[]): DecidedRun {
    const replication = this.#replication;
    // A replicate of the incumbent (as it stands when the run is planned) re-measures it.
    const rerun = run.kind === 'replicate' && run.parent === this.incumbent?.runId;
    const ev = judgeRun(run, sample, replication, this.incumbent, this.#metric, this.stats, this.total);
    const facts = { runId: run.runId, kind: run.kind, parent: run.parent, verdict: ev.verdict, interval: ev.interval ?? null, sample, override: run.override };
    const decision = decideReplication(facts, replication, this.#settings, this.#extraRuns);
    if (run.kind === 'replicate' && replication?.reason === 'inconclusive' && run.parent === replication.parent) this.#extraRuns++;
    if (decision.promote) {
      const next = incumbentOf(decision.promote, facts, replication, this.#metric.name, this.incumbent, this.#settings);
      if (next.runId !== this.incumbent?.runId) this.promotedAt = this.runs.length + 1;
      this.incumbent = next;
    }
    this.#replication = nextReplication(decision.record, facts, replication);
    const decided = { ...run, sample, rerun };
    this.runs.push(decided);
    return decided;
  }
}
