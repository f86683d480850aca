/**
 * The shapes the inspector's pure folds produce (runs table rows, learning curves, the statechart
 * graph). Types only; `inspector/api.ts` re-exports them as part of the inspector's contract.
 */
import type { DataOf } from '../../events/catalogue.js';

/** Which way the metric is better. */
export type MetricDirection = 'maximize' | 'minimize';

/** The metric a session judges runs on (`LoopStarted.metric`). */
export interface MetricInfo {
  name: string;
  direction: MetricDirection;
}

/** A closed interval `[lo, hi]`. */
export type Interval = [number, number];

/** Where a run stands: planned (not launched yet), running, finished (measured), failed, or interrupted (its session ended first). */
export type RunStatus = 'planned' | 'running' | 'finished' | 'failed' | 'interrupted';

/** The verdict of a run's evaluation: `baseline`, or the comparison's verdict (`improved`, `regressed`, `inconclusive`…). */
export type RunVerdictName = DataOf<'RunEvaluated'>['verdict'];

/** One config key a proposal changed (`ProposalAccepted.diff`). */
export interface ChangedKey {
  key: string;
  from: string | number | boolean | null;
  to: string | number | boolean | null;
}

/** The run's own measurement of the session's metric (`RunFinished.samples[metric]`). */
export interface MetricStat {
  /** Mean of the run's samples. */
  mean: number;
  /** Number of samples. */
  n: number;
  /** 95% t-interval of the mean (`domain/stats/mean-interval.ts`); null when n < 2. */
  interval: Interval | null;
}

/** How the run compared with the incumbent (`RunEvaluated`); absent for a baseline. */
export interface DeltaStat {
  /** Candidate mean minus incumbent mean, in the metric's units. */
  value: number;
  /** Interval of the difference, oriented so positive is better; null when a side had too few values. */
  interval: Interval | null;
  /** The incumbent run the candidate was judged against. */
  incumbent: string;
  /** The candidate's mean and n as judged (a replicate pools with its parent). */
  candidate: { mean: number; n: number };
  /** The comparison method (`RunEvaluated.method`). */
  method: string;
}

/** A run's latest progress while it runs (its last `RunProgress`). */
export interface LiveProgress {
  /** `agent_steps` (else `epoch`) of the latest report; null when it reports neither. */
  step: number | null;
  metrics: Record<string, number>;
}

/** One row of the runs table. */
export interface RunRow {
  id: string;
  session: string;
  /** The run's index in its session (`RunPlanned.index`). */
  index: number;
  kind: 'baseline' | 'proposal' | 'replicate';
  /** The run a replicate repeats (null otherwise). */
  parent: string | null;
  /** The proposer whose proposal was accepted (null before one was). */
  proposer: string | null;
  changed: ChangedKey[];
  metric: MetricStat | null;
  delta: DeltaStat | null;
  verdict: RunVerdictName | null;
  status: RunStatus;
  /** Present only while the run is `running` and has reported progress. */
  live: LiveProgress | null;
  /** Duration of the last launch that ended (null: none has). */
  durationMs: number | null;
  /** The trainer seed of the last launch (null: none, or the trainer takes none). */
  seed: number | null;
  /** Launches so far. */
  attempts: number;
  /** When the first launch started (ISO time; null: not launched). */
  startedAt: string | null;
  plannedAt: string;
  /** The last rollback that made this run the incumbent again (`autopilot rollback`): when, by whom, why (absent: none). */
  rolledBack?: { at: string; by: string; why: string };
}

/** One point of a learning curve. */
export interface CurvePoint {
  x: number;
  y: number;
}

/** What a curve's x axis counts: the reported `agent_steps`, `epoch`, or the order of the progress events. */
export type CurveAxis = 'agent_steps' | 'epoch' | 'order';

/** One attempt's learning curve: the session's metric against `x`, downsampled (first, last and extremes kept). */
export interface Curve {
  attempt: number;
  x: CurveAxis;
  points: CurvePoint[];
  /** Points before downsampling. */
  total: number;
}

/** A state of the loop machine, as drawn. */
export interface StatechartNode {
  /** The state's id (`loop.train`). */
  id: string;
  /** The state's key (`train`), which `StateEntered.from`/`to` name. */
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** The `src` of each actor the state invokes. */
  invokes: string[];
  /** Events the state handles without leaving it (internal transitions). */
  internal: string[];
}

/** A transition, merged over guards: one per (source, target, event). */
export interface StatechartEdge {
  /** `source|event|target` (`event` empty for an eventless one). */
  id: string;
  /** Source state key. */
  source: string;
  /** Target state key. */
  target: string;
  /** The event type; null for an eventless (`always`) transition. */
  event: string | null;
  /** The named guards of the merged transitions, in definition order (an unguarded one adds none). */
  guards: string[];
}

/** The loop machine's states and transitions, walked with XState's public API. */
export interface StatechartGraph {
  /** The machine's id (`loop`). */
  id: string;
  /** Key of the initial state. */
  initial: string;
  nodes: StatechartNode[];
  edges: StatechartEdge[];
}

/** How many times each edge was taken (`StateEntered` events), by edge id. */
export type EdgeCounts = Record<string, number>;

/** One slot of a session with several runs in flight, as the statechart shows it. */
export interface SlotInFlight {
  slot: number;
  /** The slot's state in its region (`train`, `idle`, `awaitJudge`, `drained`…); null before its first entry. */
  state: string | null;
  /** The drawn state it shows on (null: one the one-run chart does not draw, as idle, awaitJudge and drained). */
  node: string | null;
  /** The run the slot holds (null: none, between runs). */
  runId: string | null;
  /** The GPU the slot's trainer gets (`LoopStarted.parallel.gpus`; null: none named). */
  gpu: string | null;
}
