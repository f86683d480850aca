/**
 * The reports of `replay --at N-1` and `replay --at N` in one pass, for the time-travel view (which
 * shows what changed between them): the view and the machine are folded once up to N-1, N-1's report
 * is made, then event N is folded on. Where the two reports start from different places (N opens a
 * session, or a snapshot sits right at N) it makes them one after the other. Reads, never writes.
 */
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore, SnapshotStore } from '../events/store.js';
import { foldMachine } from '../projections/machine-snapshot.js';
import { buildReplay, scanTo, type ReplayReport } from '../projections/replay.js';
import { loadSummarySnapshot, MACHINE_SNAPSHOT, SUMMARY_SNAPSHOT } from '../projections/snapshots.js';
import { evolveSummary } from '../projections/summary.js';
import { readerOf, type RangeReader } from './range-reader.js';
import { headline, machineAt, machineOf, replayReport } from './replay.js';

/** The reports right after event N-1 (null when N is 1) and right after event N. */
export interface ReplayStep {
  before: ReplayReport | null;
  at: ReplayReport;
}

type Reader = EventStore<AutopilotEvent> & SnapshotStore;

// A snapshot at exactly `seq` is one the report at seq starts from and the one at seq-1 does not.
const snapshotRightAt = (store: Reader, seq: number): boolean => store.loadSnapshot(SUMMARY_SNAPSHOT, seq)?.seq === seq || store.loadSnapshot(MACHINE_SNAPSHOT, seq)?.seq === seq;

/**
 * `replayReport(store, seq - 1)` and `replayReport(store, seq)` (`seq` an event of the log: the caller
 * checked it), the same reports, folded once where they share their start.
 */
export function replayStep(store: Reader, seq: number, read: RangeReader = readerOf(store)): ReplayStep {
  const [prev, target] = seq > 1 ? [...read(seq - 1, seq)] : [];
  if (!prev || !target || prev.event.metadata.session !== target.event.metadata.session || snapshotRightAt(store, seq))
    return { before: seq > 1 ? replayReport(store, seq - 1, read) : null, at: replayReport(store, seq, read) };
  // One session, no snapshot at seq: both reports fold on from the same summary and machine snapshots.
  const session = target.event.metadata.session;
  const from = loadSummarySnapshot(store, seq - 1);
  const scan = scanTo(read((from?.lastSeq ?? 0) + 1, seq - 1), session, from);
  const { snapshot } = machineAt(store, session, scan.sessionFirstSeq, seq - 1, read);
  // The report copies the summary's parts, and a machine snapshot is never changed in place.
  const before = buildReplay(prev, scan, machineOf(snapshot), headline(prev.event));
  evolveSummary(scan.summary, target);
  const after = foldMachine([target.event], snapshot);
  return { before, at: buildReplay(target, scan, machineOf(after), headline(target.event)) };
}
