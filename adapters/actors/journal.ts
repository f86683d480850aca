/** The journal actor: promotes the run if it won, and records its labbook entry. */
import { fromCallback, type EventObject } from 'xstate';
import { decideJournal } from '../../domain/journal-entry.js';
import type { JournalInput } from '../../machines/loop.machine.js';
import { makeEvent, type LoopDeps } from './deps.js';

/** Creates the `journal` actor. */
export function journalActor(deps: LoopDeps) {
  return fromCallback<EventObject, JournalInput>(({ input, sendBack }) => {
    const s = deps.settings.statistics;
    const { entry, promote } = decideJournal(input.run, input.incumbent, input.metric, input.runsCompleted, input.runsRequested, input.replication, {
      replicates: s.replicates,
      inconclusiveReplicates: s.inconclusive_replicates,
    });
    // A journal step restarted after a crash must not promote the same incumbent twice.
    const already = input.incumbent !== null && promote !== null && input.incumbent.runId === promote.runId && input.incumbent.n === promote.n;
    if (promote && !already)
      sendBack(
        makeEvent('IncumbentChanged', { runId: promote.runId, previous: input.incumbent?.runId ?? null, incumbent: promote }, input.session, deps.now()),
      );
    sendBack(makeEvent('JournalWritten', { runId: input.run.runId, ...entry }, input.session, deps.now()));
  });
}
