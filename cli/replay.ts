/** `autopilot replay --at SEQ`: the machine's state and context, and the workspace view, right after event SEQ. */
import { loopMachine } from '../machines/loop.machine.js';
import { foldSession } from '../orchestrator/restore.js';
import { describeEvent } from '../orchestrator/output.js';
import { loadSummarySnapshot } from '../projections/snapshots.js';
import { buildReplay, outOfRangeMessage, renderReplay, scanTo } from '../projections/replay.js';
import type { AutopilotEvent } from '../events/catalogue.js';
import { printJson, printText } from '../orchestrator/console.js';
import { openReader } from './open-store.js';
import { EXIT, UsageError } from '../domain/errors.js';

function headline(e: AutopilotEvent): string | null {
  return e.type === 'StateEntered' ? `${e.data.from ?? '(start)'} -> ${e.data.to} on ${e.data.event}` : describeEvent(e);
}

/** Runs `replay`; returns the exit code (2 when SEQ is not a sequence number of the log). */
export function replayCommand(o: { workspace: string; at: string; json?: boolean }): number {
  const { store } = openReader(o.workspace);
  const last = store?.lastSeq() ?? 0;
  const seq = /^\d+$/.test(o.at) ? Number(o.at) : Number.NaN;
  if (!store || !Number.isSafeInteger(seq) || seq < 1 || seq > last) {
    store?.close();
    throw new UsageError(outOfRangeMessage(o.at, last), { key: '--at' });
  }
  try {
    const [target] = store.readAll({ fromSeq: seq, toSeq: seq });
    if (!target) throw new Error(`event ${seq} vanished from the log`);
    const session = target.event.metadata.session;
    // The summary view from the nearest snapshot at or before SEQ (if any), folded on to SEQ.
    const from = loadSummarySnapshot(store, seq);
    const scan = scanTo(store.readAll({ fromSeq: (from?.lastSeq ?? 0) + 1, toSeq: seq }), session, from);
    // The plain machine: the pure transition records invocations but never runs an actor.
    const snapshot = foldSession(loopMachine, store, session, scan.sessionFirstSeq, seq);
    const report = buildReplay(
      target,
      scan,
      { state: String(snapshot.value), status: snapshot.status, context: snapshot.context },
      headline(target.event),
    );
    if (o.json) printJson(report);
    else printText(renderReplay(report));
    return EXIT.ok;
  } finally {
    store.close();
  }
}
