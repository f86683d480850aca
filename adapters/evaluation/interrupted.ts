/** Stopping the evaluators an interrupted evaluation left running (the loop's process died while they ran). */
import { join } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import { stopRecordedLaunch } from '../launcher/stop-recorded.js';

/** Stops every process of the recorded evaluator and waits until nothing of it runs. Returns whether it was still running. */
export function stopInterruptedEvaluator(root: string, e: DataOf<'EvaluatorStarted'>): Promise<boolean> {
  const dir = join(root, 'logs', 'eval', `${e.evaluationId}-${e.index}`);
  return stopRecordedLaunch(root, e, { logFile: join(dir, 'eval.log'), exitFile: join(dir, 'exit.json') });
}
