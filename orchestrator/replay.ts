/**
 * The body of `autopilot replay --at SEQ`: the report (`replayReport`, which the inspector serves as
 * well) and its printing to the stream it is given (the CLI passes its out stream; the benchmark a sink).
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, SnapshotStore, StoredEvent } from '../events/store.js';
import { loadMachineSnapshot, loadSummarySnapshot } from '../projections/snapshots.js';
import { foldMachine, type LoopSnapshot } from '../projections/machine-snapshot.js';
import { buildReplay, renderReplay, scanTo, type MachineAt, type ReplayReport } from '../projections/replay.js';
import { printJson, printText, type Streams } from './console.js';
import { describeEvent } from './output.js';
import { stateName } from '../machines/machine-for.js';
import { readerOf, type RangeReader } from './range-reader.js';

/** Where the replay prints: an `out` stream alone. */
export type OutputStreams = Pick<Streams, 'out'>;

/** The report's machine part of a folded snapshot. */
export function machineOf(snapshot: LoopSnapshot): MachineAt {
  return { state: stateName(snapshot.value), status: snapshot.status, context: snapshot.context };
}

/** The report's readable line for an event. */
export function headline(e: AutopilotEvent): string | null {
  return e.type === 'StateEntered' ? `${e.data.from ?? '(start)'} -> ${e.data.to} on ${e.data.event}` : describeEvent(e);
}

/** The events of `session` among `stored`. */
function* ofSession(stored: Iterable<StoredEvent<AutopilotEvent>>, session: string): Generator<AutopilotEvent> {
  for (const s of stored) if (s.event.metadata.session === session) yield s.event;
}

/** The machine right after an event, and the machine snapshot it was folded on from (null: from the session's first event). */
export interface MachineFold {
  snapshot: LoopSnapshot;
  snapshotSeq: number | null;
}

/**
 * The machine of `session` (whose first event is `firstSeq`) right after event `seq`: folded on from
 * the nearest machine snapshot at or before `seq` when that one holds this session from its first
 * event, else from the session's first event.
 */
export function machineAt(store: EventStore<AutopilotEvent> & SnapshotStore, session: string, firstSeq: number, seq: number, read: RangeReader = readerOf(store)): MachineFold {
  const snap = loadMachineSnapshot(store, seq);
  if (snap?.session === session && snap.firstSeq === firstSeq) return { snapshot: foldMachine(ofSession(read(snap.seq + 1, seq), session), snap.snapshot), snapshotSeq: snap.seq };
  // foldMachine from the initial snapshot is `foldSession`: the same transitions, the unhandled events skipped.
  return { snapshot: foldMachine(ofSession(read(firstSeq, seq), session)), snapshotSeq: null };
}

/**
 * The machine's state and context, and the workspace view, right after event `seq` of `store` (a
 * sequence number of the log: the caller checked it), as the report `replay --at SEQ --json` prints.
 * The view folds on from the nearest summary snapshot at or before `seq`; the machine from the
 * nearest machine snapshot of the event's session, else from the session's first event. Reads, never writes.
 */
export function replayReport(store: EventStore<AutopilotEvent> & SnapshotStore, seq: number, read: RangeReader = readerOf(store)): ReplayReport {
  const [target] = read(seq, seq);
  if (!target) throw new Error(`event ${seq} vanished from the log`);
  const session = target.event.metadata.session;
  // The summary view from the nearest snapshot at or before SEQ (if any), folded on to SEQ.
  const from = loadSummarySnapshot(store, seq);
  const scan = scanTo(read((from?.lastSeq ?? 0) + 1, seq), session, from);
  // The plain machine: the pure transition records invocations but never runs an actor.
  const { snapshot } = machineAt(store, session, scan.sessionFirstSeq, seq, read);
  return buildReplay(target, scan, machineOf(snapshot), headline(target.event));
}

/** Prints a replay report: as JSON with `json`, else as text. */
export function printReplay(report: ReplayReport, o: { json?: boolean }, io: OutputStreams): void {
  if (o.json) printJson(report, io.out);
  else printText(renderReplay(report), io.out);
}

/** The body of `replay --at SEQ`: {@link replayReport}, printed. */
export function replayAt(store: EventStore<AutopilotEvent> & SnapshotStore, seq: number, o: { json?: boolean }, io: OutputStreams): void {
  printReplay(replayReport(store, seq), o, io);
}
