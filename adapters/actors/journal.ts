/** The journal actor: promotes the run if it won, and records its labbook entry. */
import { fromCallback, type EventObject } from 'xstate';
import { decideJournal } from '../../domain/run/journal-entry.js';
import { replicationSettings } from '../../domain/judging/judge.js';
import type { JournalInput } from '../../machines/loop.machine.js';
import { makeEvent, type ActorDeps } from './deps.js';
import { reporter } from '../recorder.js';
import { changedOutputs } from './run-outputs.js';
import { changedRunFolder } from './run-folder-after.js';
import { MAX_SUMMARY_BYTES } from './launch-outcome.js';
import { needsConfirmation, unconfirmedEntry } from '../../domain/evaluation/confirmation.js';
import type { AutopilotEvent, IncumbentRef } from '../../events/catalogue.js';
import { confirmThenWrite } from './confirm-promotion.js';

/** Creates the `journal` actor. */
export function journalActor(deps: ActorDeps) {
  return fromCallback<EventObject, JournalInput>(({ input, self, receive }) => {
    const record = reporter(deps.recorder, self);
    // Outputs changed since they were read, or anything else in the run folder: something outlived the run (its recorded result stands).
    const root = deps.paths.root;
    const outputs = changedOutputs(root, input.run.finished?.outputs ?? [], MAX_SUMMARY_BYTES).map((o) => ({ path: o.path, change: 'modified' as const }));
    const seen = new Set(outputs.map((o) => o.path));
    const recorded = input.run.finished?.folder;
    // Runs finished before the folder was recorded (older logs) have nothing to compare with.
    const folder = recorded ? changedRunFolder(root, deps.paths.runDir(input.run.runId), recorded).filter((c) => !seen.has(c.path)) : [];
    const changed = [...outputs, ...folder];
    if (changed.length > 0)
      record(
        makeEvent(
          'GuardrailViolation',
          {
            runId: input.run.runId,
            attempt: input.run.finished?.attempt ?? input.run.attempt,
            source: 'trainer',
            paths: changed.map((o) => ({ ...o, restored: false, note: 'changed after the run ended and its result was read; the recorded result stands' })),
            action: 'detected',
          },
          input.session,
          deps.now(),
        ),
      );
    const s = deps.settings.statistics;
    const { entry, promote } = decideJournal(
      input.run,
      input.incumbent,
      input.metric,
      input.runsCompleted,
      input.runsRequested,
      input.replication,
      replicationSettings(s),
      input.extraRuns,
      input.flight,
    );
    // A journal step restarted after a crash must not promote the same incumbent twice.
    const already = input.incumbent !== null && promote !== null && input.incumbent.runId === promote.runId && input.incumbent.n === promote.n;
    const promoteNow = promote && !already && !input.run.promoted ? promote : null;
    const write = (promoted: IncumbentRef | null, written: typeof entry) => {
      if (promoted) record(makeEvent('IncumbentChanged', { runId: promoted.runId, previous: input.incumbent?.runId ?? null, incumbent: promoted }, input.session, deps.now()));
      record(makeEvent('JournalWritten', { runId: input.run.runId, ...written }, input.session, deps.now()));
    };
    if (!promoteNow || !input.incumbent || !needsConfirmation(deps.settings.evaluation.confirm_promotion, promoteNow, input.incumbent)) return write(promoteNow, entry);
    // After a stop now no evaluator starts: a run that ended before it is judged, its promotion left unconfirmed.
    if (input.stopNow) return write(null, unconfirmedEntry(entry, input.run.runId, promoteNow, input.incumbent, 'a stop now was asked for before its evaluation started'));
    const confirming = confirmThenWrite(deps, self, { session: input.session, runId: input.run.runId, promote: promoteNow, incumbent: input.incumbent }, (confirmed, why) =>
      confirmed ? write(promoteNow, entry) : write(null, unconfirmedEntry(entry, input.run.runId, promoteNow, input.incumbent!, why)),
    );
    receive((event) => {
      if ((event as AutopilotEvent).type === 'StopRequested') confirming.stopNow();
    });
    return confirming.cleanup;
  });
}
