/**
 * The inspector's contract: the JSON shapes its server sends and its web app reads. Types only (no
 * runtime code), so the browser bundle can import this file with nothing of the server behind it.
 * The pure folds that build these shapes live in `projections/inspector/`.
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import type { ParamsView } from '../projections/inspector/params.js';
import type { Curve, EdgeCounts, MetricInfo, RunRow, SlotInFlight, StatechartGraph } from '../projections/inspector/types.js';

export type { MachineAt, ReplayReport, RunSummary, SessionSummary, ViewSummary } from '../projections/replay.js';
export type * from '../projections/inspector/types.js';

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

/** `GET /api/runs/:id/curve`: one attempt's learning curve, downsampled (first, last and extremes kept). */
export interface CurveResponse extends Curve {
  runId: string;
  /** The metric on the y axis. */
  metric: string;
}

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
  /** A session with several runs in flight: each slot's state, the drawn state it shows on, its run and GPU (absent: one run at a time). */
  slots?: SlotInFlight[];
  /** A slotted session's moves the one-run chart draws no edge for (absent: one run at a time). */
  offChart?: number;
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

// --- Static export (`autopilot inspect --export`, inspector/export.ts) ---

/** The id of the `<script type="application/json">` element that holds an export's data. */
export const EMBEDDED_DATA_ID = 'ap-data';

/** One embedded answer: a JSON body (kept as its value) or a text one, with the status it had. */
export type EmbeddedAnswer = { status: number; json: unknown } | { status: number; type: string; text: string };

/** The data an exported page holds in `#ap-data`: the server's answers by API path (no leading slash, query included). */
export interface EmbeddedExport {
  format: 'autopilot-inspector-export/1';
  /** When the export was written (ISO 8601). */
  exportedAt: string;
  workspace: string;
  /** The path of the events page the tail shows (the log's last events). */
  tail: string | null;
  /** What was left out (time-travel seqs past the cap, paths past the size cap), as sentences. */
  omitted: string[];
  answers: Record<string, EmbeddedAnswer>;
}

// Parameters view (issue 17, round 3).
export type { ParamKey, ParamRun, ParamScale } from '../projections/inspector/params.js';

/** `GET /api/params[?session=S]`: the session's policy keys and, per run with an accepted config, each key's value, its metric mean and status. */
export interface ParamsResponse extends ParamsView {
  lastSeq: number;
}

/** A row of `GET /api/events` (what `autopilot events --json` prints for one event). */
export interface EventRow {
  seq: number;
  stream: string;
  type: AutopilotEvent['type'];
  at: string;
  data: unknown;
}

/** What the time-travel view draws at seq N (besides what changed since N-1): `GET /api/at/N`, the event's payload from `GET /api/events`, and `GET /api/runs?at=N`. */
export interface TimeTravelData {
  seq: number;
  report: import('../projections/replay.js').ReplayReport;
  /** The event's data (null: not to be had, as in a static export that holds no row for it). */
  payload: { data: unknown } | null;
  runs: RunsResponse;
}

/** `GET /api/at/N/step`: the reports `replay --at N-1 --json` (null at N = 1) and `replay --at N --json` print, folded in one pass. */
export interface ReplayStepResponse {
  before: import('../projections/replay.js').ReplayReport | null;
  at: import('../projections/replay.js').ReplayReport;
}

/** Time travel to N read with N-1's report (`before`; undefined: not read, as in a static export, which holds no `/step` answers). */
export interface TimeTravelStepData extends TimeTravelData {
  before: import('../projections/replay.js').ReplayReport | null | undefined;
}
