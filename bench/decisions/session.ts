/**
 * One simulated tuning session, decided by the product's own pure decision functions (judgeRun,
 * decideReplication, nextReplication, incumbentOf, replicatePlan — what the loop's evaluate,
 * propose and journal actors call), on a synthetic trainer: each config has a true mean, and a run
 * of it yields `n` per-episode values drawn from N(mean, sd²) with a seeded generator.
 */
import { createRng } from '../../domain/rng.js';
import { judgeRun, replicationSettings } from '../../domain/judge.js';
import { replicatePlan } from '../../domain/replicate-plan.js';
import { decideReplication, incumbentOf, nextReplication, type Replication } from '../../domain/replication.js';
import type { StatisticsSettings } from '../../domain/error-control.js';
import type { IncumbentRef } from '../../events/catalogue.js';

/** A session to simulate: the true mean of the baseline (config 0) and of each proposal in order. */
export interface SessionSpec {
  runs: number;
  /** True means of the configs the proposer offers, in the order it offers them (config 0 is the baseline). */
  means: number[];
  sd: number;
  n: number;
  seed: number;
  stats: StatisticsSettings;
}

/** What a session ended with. */
export interface SessionOutcome {
  /** The incumbent's config at the end (0: the baseline). */
  config: number;
  /** The run (1-based) at which that config became the incumbent. */
  promotedAt: number;
}

function normals(rng: () => number, n: number, mean: number, sd: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u1 = 1 - rng();
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(mean + sd * r * Math.cos(2 * Math.PI * u2));
    if (out.length < n) out.push(mean + sd * r * Math.sin(2 * Math.PI * u2));
  }
  return out;
}

/** Runs one session of `spec.runs` runs and returns its final incumbent. */
export function simulateSession(spec: SessionSpec): SessionOutcome {
  const rng = createRng(spec.seed);
  const settings = replicationSettings(spec.stats);
  const metric = { name: 'score', direction: 'maximize' as const };
  let incumbent: IncumbentRef | null = null;
  let replication: Replication | null = null;
  let promotedAt = 1;
  let proposals = 0;
  let extraRuns = 0;
  for (let index = 1; index <= spec.runs; index++) {
    const runId = String(index).padStart(3, '0');
    let kind: 'baseline' | 'proposal' | 'replicate';
    let parent: string | null = null;
    let config: number;
    if (index === 1) {
      kind = 'baseline';
      config = 0;
    } else if (replication) {
      const plan = replicatePlan(replication, incumbent, settings);
      kind = 'replicate';
      parent = plan.parent;
      config = Number(plan.overrides.config);
    } else {
      kind = 'proposal';
      proposals++;
      config = proposals % spec.means.length === 0 ? 1 : proposals % spec.means.length;
    }
    const own = normals(rng, spec.n, spec.means[config]!, spec.sd);
    const run = { runId, kind, parent };
    const ev = judgeRun(run, own, replication, incumbent, metric, spec.stats, spec.runs);
    const facts = { runId, kind, parent, verdict: ev.verdict, interval: ev.interval ?? null, sample: own, override: { config } };
    const decision = decideReplication(facts, replication, settings, extraRuns);
    if (kind === 'replicate' && replication?.reason === 'inconclusive' && parent === replication.parent) extraRuns++;
    if (decision.promote) {
      const next = incumbentOf(decision.promote, facts, replication, metric.name, incumbent, settings);
      if (next.runId !== incumbent?.runId) promotedAt = index;
      incumbent = next;
    }
    replication = nextReplication(decision.record, facts, replication);
  }
  return { config: incumbent ? Number(incumbent.override.config ?? 0) : 0, promotedAt };
}
