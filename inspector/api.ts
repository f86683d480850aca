/**
 * The inspector's contract: the JSON shapes its server sends and its web app reads. Types only (no
 * runtime code), so the browser bundle can import this file with nothing of the server behind it.
 * The pure folds that build these shapes live in `projections/inspector/`.
 */
import type { AutopilotEvent } from '../events/catalogue.js';

export type { MachineAt, ReplayReport, RunSummary, SessionSummary, ViewSummary } from '../projections/replay.js';

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
export type RunVerdictName = Extract<AutopilotEvent, { type: 'RunEvaluated' }>['data']['verdict'];

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

/** A run's latest progress while it runs (`RunProgress` of its current attempt). */
export interface LiveProgress {
  /** `agent_steps` (else `epoch`, else the count of progress events) of the latest report. */
  step: number;
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
}

/** One session, as the inspector's header lists it. */
export interface SessionInfo {
  session: string;
  status: 'running' | 'completed' | 'halted';
  /** The machine's current state (`StateEntered.to`). */
  state: string | null;
  runsRequested: number;
  startedAt: string;
  firstSeq: number;
  metric: MetricInfo;
}

/** `GET /api/meta`: what the workspace holds. */
export interface MetaResponse {
  /** The workspace's path. */
  workspace: string;
  /** Seq of the last event in the log (0: empty). */
  lastSeq: number;
  sessions: SessionInfo[];
  /** The metric of the latest session (null: no session yet). */
  metric: MetricInfo | null;
  /** True when the workspace has no event log yet (the page waits for one). */
  empty: boolean;
}

/** `GET /api/runs`: the rows in run order, as of `lastSeq`. */
export interface RunsResponse {
  lastSeq: number;
  rows: RunRow[];
}

/** One point of a learning curve. */
export interface CurvePoint {
  x: number;
  y: number;
}

/** What a curve's x axis counts: the reported `agent_steps`, `epoch`, or the order of the progress events. */
export type CurveAxis = 'agent_steps' | 'epoch' | 'order';

/** `GET /api/runs/:id/curve`: one attempt's learning curve, downsampled (first, last and extremes kept). */
export interface CurveResponse {
  runId: string;
  attempt: number;
  /** The metric on the y axis. */
  metric: string;
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

/** Positions computed by the layout (ELK), by node and edge id. */
export interface StatechartLayout {
  width: number;
  height: number;
  nodes: Record<string, { x: number; y: number; width: number; height: number }>;
  edges: Record<string, { points: [number, number][]; label?: { x: number; y: number } }>;
}

/** `GET /api/statechart`: the graph, its layout, the counts, and where the selected session stands. */
export interface StatechartResponse {
  graph: StatechartGraph;
  layout: StatechartLayout | null;
  counts: EdgeCounts;
  /** Counts of `StateEntered` events that match no edge (a machine changed since they were recorded). */
  unmatched: number;
  /** The session's current state key (null: no session). */
  current: string | null;
  /** The id of the last edge taken (null: none yet). */
  last: string | null;
}

/** SSE `message` of the live tail (and a row of `GET /api/events`): one event of the log; the SSE id is `seq`. */
export interface LogMessage {
  seq: number;
  streamId: string;
  event: AutopilotEvent;
}

/** SSE `meta` message: the log grew or a session changed (sent at most once a second). */
export interface MetaMessage {
  lastSeq: number;
}
