/**
 * bench:parallel part (c): what the orchestrator costs per run on top of the trainer, read from a
 * session's event log (`autopilot events --json`). Two measures:
 *
 * - per run: the time from the run's first RunPlanned to its last JournalWritten, less the trainer's
 *   own time (the sum of its RunFinished.durationMs: the launcher's spawn-to-exit of each attempt).
 *   That is proposing, validating, launching, reading the result, judging and journaling the run.
 * - the same against the trainer's nominal time (span − attempts × 2 s): durationMs also holds the
 *   launcher's supervisor start-up and reaping, which the first measure credits to the trainer.
 * - per session: the slot-time not spent in a trainer, k × (LoopCompleted − LoopStarted) − Σ trainer
 *   time, divided over the runs. It adds what the per-run figure leaves out: the hand-over between
 *   runs on a slot, the slots that wait while a proposal is made or a run is judged (one slot at a
 *   time), and the tail where fewer than k runs are left.
 */
import { median, quantile } from '../measure.js';

/** One line of `autopilot events --json`. */
export interface LogEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/** One run's times in ms. */
export interface RunTiming {
  runId: string;
  /** First RunPlanned to last JournalWritten. */
  spanMs: number;
  /** Σ RunFinished.durationMs over its attempts. */
  trainerMs: number;
  /** spanMs − trainerMs. */
  overheadMs: number;
  attempts: number;
}

/** Per-run times of every run that was planned and journaled, in the order they were planned. */
export function runTimings(events: readonly LogEvent[]): RunTiming[] {
  const runs = new Map<string, { planned: number; journaled: number | null; trainerMs: number; attempts: number }>();
  for (const e of events) {
    const id = e.data['runId'];
    if (typeof id !== 'string') continue;
    const t = Date.parse(e.at);
    if (e.type === 'RunPlanned' && !runs.has(id)) runs.set(id, { planned: t, journaled: null, trainerMs: 0, attempts: 0 });
    const r = runs.get(id);
    if (r === undefined) continue;
    if (e.type === 'JournalWritten') r.journaled = t;
    if (e.type === 'RunFinished') {
      r.trainerMs += Number(e.data['durationMs']);
      r.attempts += 1;
    }
  }
  return [...runs].flatMap(([runId, r]) =>
    r.journaled === null ? [] : [{ runId, spanMs: r.journaled - r.planned, trainerMs: r.trainerMs, overheadMs: r.journaled - r.planned - r.trainerMs, attempts: r.attempts }],
  );
}

/** The most runs in flight at once: RunStarted opens an attempt, RunFinished closes it, in log order. */
export function maxInFlight(events: readonly LogEvent[]): number {
  let now = 0;
  let most = 0;
  for (const e of events) {
    if (e.type === 'RunStarted') most = Math.max(most, ++now);
    if (e.type === 'RunFinished') now--;
  }
  return most;
}

/** LoopStarted to the last LoopCompleted in ms; null when the log lacks either. */
export function sessionSpanMs(events: readonly LogEvent[]): number | null {
  const start = events.find((e) => e.type === 'LoopStarted');
  const end = events.filter((e) => e.type === 'LoopCompleted').at(-1);
  return start === undefined || end === undefined ? null : Date.parse(end.at) - Date.parse(start.at);
}

/** Part (c)'s numbers for one session at `k` slots; fractions are of `trainerMs`, the trainer's nominal time. */
export interface Overhead {
  runs: number;
  k: number;
  /** LoopStarted to LoopCompleted. */
  sessionMs: number;
  trainerTotalMs: number;
  perRun: { medianMs: number; p90Ms: number; medianFraction: number; p90Fraction: number; trainerMedianMs: number };
  /** Per run, span − attempts × trainerMs: the same with the launcher's own share of durationMs (its supervisor, reaping) counted in. */
  beyondNominal: { medianMs: number; p90Ms: number };
  /** (k × sessionMs − trainerTotalMs) / runs. */
  idleSlotPerRunMs: number;
  idleSlotPerRunFraction: number;
}

/** Summarizes a session's log (throws when it has no completed run or no LoopStarted/LoopCompleted). */
export function overhead(events: readonly LogEvent[], k: number, trainerMs: number): Overhead {
  const runs = runTimings(events);
  const sessionMs = sessionSpanMs(events);
  if (runs.length === 0 || sessionMs === null) throw new Error('the log holds no completed session with runs');
  const trainerTotalMs = runs.reduce((s, r) => s + r.trainerMs, 0);
  const over = runs.map((r) => r.overheadMs);
  const beyond = runs.map((r) => r.spanMs - r.attempts * trainerMs);
  const idle = (k * sessionMs - trainerTotalMs) / runs.length;
  return {
    runs: runs.length,
    k,
    sessionMs,
    trainerTotalMs,
    perRun: {
      medianMs: median(over),
      p90Ms: quantile(over, 0.9),
      medianFraction: median(over) / trainerMs,
      p90Fraction: quantile(over, 0.9) / trainerMs,
      trainerMedianMs: median(runs.map((r) => r.trainerMs)),
    },
    beyondNominal: { medianMs: median(beyond), p90Ms: quantile(beyond, 0.9) },
    idleSlotPerRunMs: idle,
    idleSlotPerRunFraction: idle / trainerMs,
  };
}

/** Part (c)'s report: a measurement, with no target in issue 18. */
export function overheadLines(o: Overhead, trainerMs: number): string[] {
  const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
  const p = o.perRun;
  return [
    `(c) orchestration overhead per run at k = ${o.k}, ${o.runs} runs, against the trainer's ${trainerMs / 1000} s (a measurement: issue 18 sets no target)`,
    `trainer's own time per run (RunFinished.durationMs, the launcher's spawn to exit): median ${p.trainerMedianMs.toFixed(0)} ms`,
    `per run, RunPlanned → JournalWritten less the trainer's own time (propose, validate, launch, read, judge, journal): ` +
      `median ${p.medianMs.toFixed(0)} ms (${pct(p.medianFraction)} of ${trainerMs / 1000} s), p90 ${p.p90Ms.toFixed(0)} ms (${pct(p.p90Fraction)})`,
    `per run, RunPlanned → JournalWritten less ${trainerMs / 1000} s per attempt (the launcher's own share of durationMs counted in): ` +
      `median ${o.beyondNominal.medianMs.toFixed(0)} ms (${pct(o.beyondNominal.medianMs / trainerMs)}), p90 ${o.beyondNominal.p90Ms.toFixed(0)} ms (${pct(o.beyondNominal.p90Ms / trainerMs)})`,
    `per session, slot-time not in a trainer, (k × log time ${(o.sessionMs / 1000).toFixed(1)} s − Σ trainer ${(o.trainerTotalMs / 1000).toFixed(1)} s) / ${o.runs} runs: ` +
      `${o.idleSlotPerRunMs.toFixed(0)} ms per run (${pct(o.idleSlotPerRunFraction)}); it includes the hand-over between runs on a slot and the tail with fewer than ${o.k} runs left`,
  ];
}
