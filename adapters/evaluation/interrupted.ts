/** Ending an evaluation whose process died while it ran: its evaluators still running are stopped, and the message says so. */
import { join } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import type { EvaluationView } from '../../projections/evaluations.js';
import { stopRecordedLaunch } from '../launcher/stop-recorded.js';

/** Stops every process of the recorded evaluator and waits until nothing of it runs. Returns whether it was still running. */
export function stopInterruptedEvaluator(root: string, e: DataOf<'EvaluatorStarted'>): Promise<boolean> {
  const dir = join(root, 'logs', 'eval', `${e.evaluationId}-${e.index}`);
  return stopRecordedLaunch(root, e, { logFile: join(dir, 'eval.log'), exitFile: join(dir, 'exit.json') });
}

/**
 * The EvaluationFailed of an evaluation `who` left unended (`who`: "the loop's process"), after stopping
 * what of it still runs: left running, an evaluator would go on beside the next one until its own
 * wall-clock limit. `then` ends the message (what happens next).
 */
export async function endInterrupted(root: string, ev: EvaluationView, who: string, then: string): Promise<DataOf<'EvaluationFailed'>> {
  const stillRan: number[] = [];
  for (const e of ev.evaluators) if (await stopInterruptedEvaluator(root, e)) stillRan.push(e.pid);
  const left = stillRan.length === 0 ? '' : `; its evaluator${stillRan.length > 1 ? 's' : ''} (pid ${stillRan.join(', ')}) still ran and ${stillRan.length > 1 ? 'were' : 'was'} stopped`;
  return { evaluationId: ev.planned.evaluationId, reason: 'interrupted', message: `${who} ended while it ran${left}; ${then}` };
}
