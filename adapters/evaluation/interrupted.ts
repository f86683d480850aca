/**
 * Ending an evaluation whose process died while it ran: its evaluators still running are stopped
 * (a local one by its recorded pid, a cluster job cancelled by its recorded id, or found by its
 * name when only its submission was recorded), and the message says which.
 */
import { join } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import type { EvaluationView } from '../../projections/evaluations.js';
import type { Settings } from '../../domain/config/settings.js';
import { stopRecordedLaunch } from '../launcher/stop-recorded.js';
import { cancelEvaluatorJobs, evaluatorScheduler } from './evaluator-cluster.js';

type LocalEvaluator = Exclude<DataOf<'EvaluatorStarted'>, { launcher: 'slurm' }>;

/** Stops every process of the recorded local evaluator and waits until nothing of it runs. Returns whether it was still running. */
export function stopInterruptedEvaluator(root: string, e: LocalEvaluator): Promise<boolean> {
  const dir = join(root, 'logs', 'eval', `${e.evaluationId}-${e.index}`);
  return stopRecordedLaunch(root, e, { logFile: join(dir, 'eval.log'), exitFile: join(dir, 'exit.json') });
}

/**
 * The EvaluationFailed of an evaluation `who` left unended (`who`: "the loop's process"), after stopping
 * what of it still runs: left running, an evaluator would go on beside the next one until its own
 * wall-clock limit. `then` ends the message (what happens next).
 */
export async function endInterrupted(root: string, settings: Settings, ev: EvaluationView, who: string, then: string): Promise<DataOf<'EvaluationFailed'>> {
  const stillRan: string[] = [];
  const problems: string[] = [];
  for (const e of ev.evaluators) if (e.launcher !== 'slurm' && (await stopInterruptedEvaluator(root, e))) stillRan.push(`pid ${e.pid}`);
  if (ev.jobsPlanned.length > 0 || ev.evaluators.some((e) => e.launcher === 'slurm')) {
    const { launcher, policy } = evaluatorScheduler(settings);
    for (const s of await cancelEvaluatorJobs(launcher, ev.evaluators, ev.jobsPlanned, policy.poll_seconds * 1000)) {
      const job = `${launcher.name} job ${s.jobId ?? '?'}${s.foundBy === 'name' ? ', found by its name' : ''}`;
      if ('error' in s) problems.push(`${job} could not be cancelled: ${s.error}`);
      else if (s.stopped === 'cancelled') stillRan.push(job);
    }
  }
  const n = stillRan.length;
  const left = n === 0 ? '' : `; its evaluator${n > 1 ? 's' : ''} (${stillRan.join('; ')}) still ran and ${n > 1 ? 'were' : 'was'} stopped`;
  const trouble = problems.length === 0 ? '' : `; ${problems.join('; ')}`;
  return { evaluationId: ev.planned.evaluationId, reason: 'interrupted', message: `${who} ended while it ran${left}${trouble}; ${then}` };
}
