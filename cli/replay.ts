/** `autopilot replay --at SEQ`: the machine's state and context, and the workspace view, right after event SEQ. */
import { outOfRangeMessage } from '../projections/replay.js';
import { printError } from '../orchestrator/console.js';
import { replayAt } from '../orchestrator/replay.js';
import { guarded, openReader } from './open-store.js';

/** Runs `replay`; returns the exit code (2 when SEQ is not a sequence number of the log). */
export function replayCommand(o: { workspace: string; at: string; json?: boolean }): number {
  return guarded(() => {
    const { store } = openReader(o.workspace);
    const last = store?.lastSeq() ?? 0;
    const seq = /^\d+$/.test(o.at) ? Number(o.at) : Number.NaN;
    if (!store || !Number.isSafeInteger(seq) || seq < 1 || seq > last) {
      store?.close();
      printError(`autopilot: ${outOfRangeMessage(o.at, last)}`);
      return 2;
    }
    try {
      replayAt(store, seq, o, { out: process.stdout });
      return 0;
    } finally {
      store.close();
    }
  });
}
