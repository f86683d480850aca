/** `autopilot replay --at SEQ`: the machine's state and context, and the workspace view, right after event SEQ. */
import { outOfRangeMessage } from '../projections/replay.js';
import { replayAt } from '../orchestrator/replay.js';
import { openReader } from './open-store.js';
import type { CliIo } from './io.js';
import { EXIT, UsageError } from '../domain/errors.js';

/** Runs `replay`; returns 0, or throws a UsageError (exit 2) when SEQ is not a sequence number of the log. */
export function replayCommand(o: { workspace: string; at: string; json?: boolean }, io: CliIo): number {
  const { store } = openReader(o.workspace);
  const last = store?.lastSeq() ?? 0;
  const seq = /^\d+$/.test(o.at) ? Number(o.at) : Number.NaN;
  if (!store || !Number.isSafeInteger(seq) || seq < 1 || seq > last) {
    store?.close();
    throw new UsageError(outOfRangeMessage(o.at, last), { key: '--at' });
  }
  try {
    replayAt(store, seq, o, io);
    return EXIT.ok;
  } finally {
    store.close();
  }
}
