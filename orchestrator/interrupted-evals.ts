/**
 * The evaluations an `autopilot eval` killed while it ran left unended (its EvaluationPlanned with
 * no end), found under the lock by the next `eval` or a starting loop: their evaluators still running are stopped (by
 * pid, or their Slurm jobs cancelled) and each is recorded `EvaluationFailed{interrupted}`, so
 * nothing of a dead `eval` runs beside the loop's trainers and `journal/evaluations.md` stops
 * showing it unfinished. The loop's own promotion evaluations are its journal step's to resume.
 */
import type { Settings } from '../domain/config/settings.js';
import type { AutopilotEvent } from '../events/catalogue.js';
import { makeEvent } from '../adapters/actors/deps.js';
import { endInterrupted } from '../adapters/evaluation/interrupted.js';
import type { WorkspaceView } from '../projections/view.js';

/** Ends each unended evaluation of the eval command, recording it with `persist`; returns a line per evaluation ended. */
export async function endDeadEvalCommands(root: string, settings: Settings, view: WorkspaceView, persist: (e: AutopilotEvent) => void): Promise<string[]> {
  const unended = [...view.evaluations.values()].filter((e) => e.planned.by === 'command' && !e.finished && !e.failed);
  // An evaluation is recorded in the log's last session, as `eval` records its own.
  const session = [...view.sessions.keys()].at(-1);
  if (unended.length === 0 || session === undefined) return [];
  const lines: string[] = [];
  for (const ev of unended) {
    const data = await endInterrupted(root, settings, ev, 'the eval command', 'run autopilot eval again for a verdict');
    persist(makeEvent('EvaluationFailed', data, session));
    lines.push(`evaluation ${data.evaluationId} failed, interrupted: ${data.message}`);
  }
  return lines;
}
