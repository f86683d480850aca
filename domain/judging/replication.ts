/**
 * Replication: a candidate judged `improved` is run again (same config, fresh seed) before it
 * becomes the incumbent. With `confirmation: 'independent'` (the default) each replicate is judged
 * on its own fresh sample, against fresh re-runs of the incumbent made for it: the samples that
 * selected the candidate (its own first sample, and the incumbent's sample it beat) never count
 * as evidence for the confirmation, so selection cannot inflate it (the winner's curse). A
 * confirmed candidate becomes the incumbent with its replicates' samples only. With `'pooled'`
 * (the rule before) replicates pool with the parent and are judged against the incumbent's
 * recorded sample. An `inconclusive` candidate (or a baseline with fewer than 2 values) may get
 * replicates that pool with it, up to a budget. Pure.
 */
import type { DataOf, IncumbentRef } from '../../events/catalogue.js';
import { mean } from './sample.js';

/** The replication settings of `autopilot.json` (`statistics`). */
export interface ReplicationSettings {
  /** Replicates that must confirm an improvement before promotion; 0 promotes at once. */
  replicates: number;
  /** Replicates an inconclusive candidate (or a baseline with fewer than 2 values) may get. */
  inconclusiveReplicates: number;
  /** How a replicate confirms an improvement (default `independent`). */
  confirmation?: 'independent' | 'pooled';
  /** Re-runs of the incumbent per confirmation round, compared with the replicate (independent only; default 1). */
  incumbentReplicates?: number;
  /** An inconclusive candidate is replicated only if its interval reaches this gain (metric units, better orientation). */
  minEffect?: number | null;
  /** Replicates of inconclusive candidates a session may spend (absent: no session limit). */
  maxExtraRuns?: number;
}

/** What JournalWritten records about a replication. */
export type ReplicationRecord = NonNullable<DataOf<'JournalWritten'>['replication']>;

/** A replication under way, as the loop carries it from one run to the next. */
export interface Replication {
  parent: string;
  reason: ReplicationRecord['reason'];
  /** Replicates wanted. */
  target: number;
  /** Replicates journaled so far. */
  done: number;
  /** The parent and the replicates so far, whose samples are pooled in `sample`. */
  runs: string[];
  sample: number[];
  /** The parent's accepted overrides: what every replicate runs. */
  override: IncumbentRef['override'];
  /** Re-runs of the incumbent made for the current confirmation round, and their pooled sample. */
  remeasures?: string[];
  remeasureSample?: number[];
  /** Replicates that confirmed so far, and their pooled sample (the incumbent's sample on promotion). */
  confirmations?: string[];
  confirmationSample?: number[];
}

/** The facts of the run just evaluated that replication needs. */
export interface ReplicationFacts {
  runId: string;
  kind: 'baseline' | 'proposal' | 'replicate';
  /** The run a replicate repeats: the candidate, or the incumbent when it is re-measured (absent: none). */
  parent?: string | null;
  /** Null when the run failed (no evaluation). */
  verdict: DataOf<'RunEvaluated'>['verdict'] | null;
  /** Its interval of the gain (better orientation), when it has one. */
  interval?: [number, number] | null;
  /** The run's own sample of the metric (not pooled). */
  sample: number[];
  override: IncumbentRef['override'];
}

/** Who a journaled run promotes: itself, the replication's parent, the incumbent with its grown sample, or nobody. */
export type Promotion = 'run' | 'parent' | 'incumbent' | null;

/** The journal's replication decision: what to record, and who (if anyone) becomes the incumbent. */
export interface ReplicationDecision {
  record: ReplicationRecord | undefined;
  promote: Promotion;
}

/** True when `run` re-measures the incumbent for `replication` rather than repeating its candidate. */
export function isRemeasure(run: { kind: ReplicationFacts['kind']; parent?: string | null }, replication: Replication | null): boolean {
  return run.kind === 'replicate' && replication !== null && run.parent != null && run.parent !== replication.parent;
}

/** True when replicates of `replication` are judged on their own sample against fresh incumbent re-runs. */
export function confirmsIndependently(replication: Replication | null, settings: ReplicationSettings): boolean {
  return replication?.reason === 'improved' && (settings.confirmation ?? 'independent') === 'independent';
}

/** The sample a run is judged on: its own, or pooled with its replication's for a pooled replicate. */
export function pooledSample(
  run: { kind: ReplicationFacts['kind']; parent?: string | null },
  own: number[],
  replication: Replication | null,
  settings: ReplicationSettings = { replicates: 1, inconclusiveReplicates: 0 },
): number[] {
  if (run.kind !== 'replicate' || !replication || isRemeasure(run, replication) || confirmsIndependently(replication, settings)) return own;
  return [...replication.sample, ...own];
}

/** Decides, after a run's evaluation, whether to replicate, and whom to promote. `extraRunsSpent`: inconclusive replicates this session so far. */
export function decideReplication(run: ReplicationFacts, replication: Replication | null, settings: ReplicationSettings, extraRunsSpent = 0): ReplicationDecision {
  const extraLeft = settings.maxExtraRuns === undefined || extraRunsSpent < settings.maxExtraRuns;
  if (run.kind !== 'replicate' || !replication) {
    const start = (reason: ReplicationRecord['reason'], target: number): ReplicationRecord => ({ parent: run.runId, reason, target, done: 0, decision: 'replicate' });
    switch (run.verdict) {
      case null:
      case 'regressed':
        return { record: undefined, promote: null };
      case 'baseline':
        // A baseline is the incumbent at once; with a single value it needs replicates to be compared against.
        return { record: run.sample.length < 2 && settings.inconclusiveReplicates > 0 ? start('baseline', settings.inconclusiveReplicates) : undefined, promote: 'run' };
      case 'improved':
        return settings.replicates > 0 ? { record: start('improved', settings.replicates), promote: null } : { record: undefined, promote: 'run' };
      case 'inconclusive':
        return {
          record: settings.inconclusiveReplicates > 0 && extraLeft && worthMore(run.interval, settings.minEffect) ? start('inconclusive', settings.inconclusiveReplicates) : undefined,
          promote: null,
        };
    }
  }
  const lists = { remeasures: replication.remeasures ?? [], confirmations: replication.confirmations ?? [] };
  const record = (decision: ReplicationRecord['decision'], over: Partial<ReplicationRecord> = {}): ReplicationRecord =>
    withLists({ parent: replication.parent, reason: replication.reason, target: replication.target, done: replication.done + 1, decision, ...over });
  if (isRemeasure(run, replication)) {
    // The incumbent's re-run: its sample is what the next replicate is compared with, and the incumbent's grows by it.
    if (run.verdict === null) return { record: record('failed', { done: replication.done }), promote: null };
    return {
      record: withLists({ ...record('replicate', { done: replication.done }), remeasures: [...lists.remeasures, run.runId], confirmations: lists.confirmations }),
      promote: 'incumbent',
    };
  }
  const done = replication.done + 1;
  if (run.verdict === null) return { record: record('failed'), promote: null };
  switch (replication.reason) {
    case 'baseline':
      // The baseline stays the incumbent; each replicate adds to its sample.
      return { record: record(done < replication.target ? 'replicate' : 'confirmed'), promote: 'parent' };
    case 'improved': {
      if (run.verdict !== 'improved') return { record: record('not-confirmed'), promote: null };
      // The pooled rule keeps no list: its promotion pools every run.
      const confirmations = confirmsIndependently(replication, settings) ? [...lists.confirmations, run.runId] : [];
      // A new round: the next replicate gets fresh incumbent re-runs of its own.
      return done < replication.target
        ? { record: withLists({ ...record('replicate'), confirmations, remeasures: [] }), promote: null }
        : { record: withLists({ ...record('confirmed'), confirmations }), promote: 'parent' };
    }
    case 'inconclusive': {
      if (run.verdict === 'regressed') return { record: record('not-confirmed'), promote: null };
      if (run.verdict === 'improved') {
        if (settings.replicates === 0) return { record: record('confirmed'), promote: 'parent' };
        // The pooled looks selected it: an improvement found that way is confirmed like any other, afresh.
        if ((settings.confirmation ?? 'independent') === 'independent') return { record: record('replicate', { reason: 'improved', target: settings.replicates, done: 0 }), promote: null };
        const target = Math.max(replication.target, settings.replicates, 1);
        return done < settings.replicates ? { record: record('replicate', { target }), promote: null } : { record: record('confirmed', { target }), promote: 'parent' };
      }
      return { record: record(done < replication.target && extraLeft ? 'replicate' : 'budget-spent'), promote: null };
    }
  }
}

/** True when an inconclusive interval still reaches a gain worth having (always, with no `minEffect`). */
function worthMore(interval: [number, number] | null | undefined, minEffect: number | null | undefined): boolean {
  if (minEffect == null) return true;
  return interval != null && interval[1] >= minEffect;
}

/** Drops empty run lists, so records of the pooled rule stay as they were. */
function withLists(r: ReplicationRecord): ReplicationRecord {
  const { remeasures, confirmations, ...rest } = r;
  return { ...rest, ...(remeasures && remeasures.length > 0 ? { remeasures } : {}), ...(confirmations && confirmations.length > 0 ? { confirmations } : {}) };
}

/** The replication the loop carries on with after a journaled run (null when none is under way). Pure. */
export function nextReplication(record: ReplicationRecord | undefined, run: ReplicationFacts, previous: Replication | null): Replication | null {
  if (!record || record.decision !== 'replicate') return null;
  if (run.kind !== 'replicate' || !previous)
    return { parent: run.runId, reason: record.reason, target: record.target, done: 0, runs: [run.runId], sample: run.sample, override: run.override };
  if (isRemeasure(run, previous)) return { ...previous, remeasures: [...(previous.remeasures ?? []), run.runId], remeasureSample: [...(previous.remeasureSample ?? []), ...run.sample] };
  const confirmed = (record.confirmations ?? []).includes(run.runId);
  return {
    ...previous,
    reason: record.reason,
    target: record.target,
    done: record.done,
    runs: [...previous.runs, run.runId],
    sample: [...previous.sample, ...run.sample],
    remeasures: [],
    remeasureSample: [],
    confirmations: record.confirmations ?? [],
    confirmationSample: confirmed ? [...(previous.confirmationSample ?? []), ...run.sample] : (previous.confirmationSample ?? []),
  };
}

/** The incumbent a promotion makes: this run, the replication's parent, or the incumbent with this re-run's values added. */
export function incumbentOf(
  promote: 'run' | 'parent' | 'incumbent',
  run: ReplicationFacts,
  replication: Replication | null,
  metric: string,
  incumbent: IncumbentRef | null = null,
  settings: ReplicationSettings = { replicates: 1, inconclusiveReplicates: 0 },
): IncumbentRef {
  const ref = (runId: string, sample: number[], override: IncumbentRef['override']): IncumbentRef => ({
    runId,
    metric,
    mean: sample.length > 0 && Number.isFinite(mean(sample)) ? mean(sample) : 0,
    n: sample.length,
    sample,
    override,
  });
  if (promote === 'incumbent' && incumbent) return ref(incumbent.runId, [...incumbent.sample, ...run.sample], incumbent.override);
  if (promote === 'run' || !replication) return ref(run.runId, run.sample, run.override);
  // Confirmed on fresh samples: only those speak for it, not the first one that selected it.
  if (confirmsIndependently(replication, settings)) return ref(replication.parent, [...(replication.confirmationSample ?? []), ...run.sample], replication.override);
  return ref(replication.parent, [...replication.sample, ...run.sample], replication.override);
}
