/**
 * The confirmation of a promotion (`evaluation.confirm_promotion`), run by the journal step: the
 * candidate's last checkpoint against the incumbent's on the same held-out seeds, recorded as
 * EvaluationPlanned (by `promotion`, with the journaled run's id) before any evaluator starts, then
 * EvaluationFinished with the paired verdict or EvaluationFailed.
 *
 * On a restart the journal step asks again, and the log answers first: an evaluation of this run
 * that ended is not run again (its verdict or failure stands); one planned without an end (the
 * loop's process ended while it ran) is recorded failed as `interrupted`, and a new one is run.
 */
import type { Containment } from '../../events/catalogue.js';
import type { AutopilotEvent, DataOf } from '../../events/catalogue.js';
import type { Settings } from '../../domain/config/settings.js';
import { confirmationOf, type Confirmation } from '../../domain/evaluation/confirmation.js';
import { AutopilotError } from '../../domain/errors.js';
import { pairedBootstrap } from '../../domain/stats/paired.js';
import type { WorkspaceView } from '../../projections/view.js';
import type { WorkspacePaths } from '../workspace.js';
import { planEvaluation } from './plan.js';
import { runTarget } from './run-target.js';
import { endInterrupted } from './interrupted.js';
import { evaluatorCluster } from './evaluator-cluster.js';
import { evaluatorRecords } from './records.js';

/** What a confirmation needs of the loop. */
export interface ConfirmContext {
  paths: WorkspacePaths;
  settings: Settings;
  containment: Containment['mode'];
  history: () => WorkspaceView;
  /** Records one event (dropped once the journal step was stopped). */
  record: (event: AutopilotEvent) => void;
  session: string;
  now: () => Date;
  /** Set to stop the evaluator running (the journal step was stopped). */
  onHandle: (stop: () => void) => void;
  /** True once the journal step was stopped: nothing more is started. */
  cancelled: () => boolean;
  /** True once a stop now was asked for: the evaluation ends as failed (killed), and nothing more is started. */
  stopped: () => boolean;
}

/** The promotion evaluations the journal step of `runId` asked for, oldest first. */
function evaluationsOf(view: WorkspaceView, runId: string) {
  return [...view.evaluations.values()].filter((e) => e.planned.by === 'promotion' && e.planned.runId === runId);
}

/**
 * Confirms (or not) the promotion of `candidate` over `incumbent` that the journal step of `runId`
 * decided; every failure is an answer (not confirmed, saying why), never a throw.
 */
export async function confirmPromotion(c: ConfirmContext, args: { runId: string; candidate: string; incumbent: string }): Promise<Confirmation> {
  const metadata = () => ({ session: c.session, at: c.now().toISOString() });
  const event = <T extends 'EvaluationPlanned' | 'EvaluationFinished' | 'EvaluationFailed'>(type: T, data: DataOf<T>) => c.record({ type, data, metadata: metadata() } as AutopilotEvent);
  const last = evaluationsOf(c.history(), args.runId).at(-1);
  if (last?.finished) return confirmationOf(last.planned, last.finished);
  if (last?.failed && last.failed.reason !== 'interrupted') return failedWhy(last.planned.evaluationId, last.failed);
  if (last && !last.failed) event('EvaluationFailed', await endInterrupted(c.paths.root, c.settings, last, "the loop's process", 'the confirmation is evaluated again'));
  const stoppedFirst: Confirmation = { confirmed: false, why: 'a stop now was asked for before its evaluation started' };
  if (c.stopped()) return stoppedFirst;
  const episodes = c.settings.evaluation.episodes;
  let plan;
  try {
    plan = await planEvaluation({ root: c.paths.root, view: c.history(), settings: c.settings, specs: [args.candidate, args.incumbent], episodes, promotion: args.runId });
  } catch (e) {
    if (!(e instanceof AutopilotError)) throw e;
    return { confirmed: false, why: `no evaluation on held-out seeds could be planned: ${e.message}` };
  }
  if (c.stopped()) return stoppedFirst;
  const { planned } = plan;
  const id = planned.evaluationId;
  // Recorded before any evaluator starts: a restart finds it.
  event('EvaluationPlanned', planned);
  const results: DataOf<'EvaluationFinished'>['results'] = [];
  for (const [i, t] of plan.targets.entries()) {
    if (c.cancelled()) return { confirmed: false, why: 'the journal step was stopped' };
    if (c.stopped()) {
      const failed = { evaluationId: id, reason: 'killed' as const, message: 'stopped by request before this checkpoint was evaluated' };
      event('EvaluationFailed', failed);
      return failedWhy(id, failed);
    }
    const outcome = await runTarget(t, {
      paths: c.paths,
      settings: c.settings,
      containment: c.containment,
      evaluationId: id,
      index: i + 1,
      episodes,
      // With a Slurm launcher, each evaluator is a job of the loop's session (stop --now cancels it with the trainers').
      cluster: evaluatorCluster(c.settings, c.paths.root, c.session),
      onHandle: c.onHandle,
      ...evaluatorRecords(id, c.record, metadata),
    });
    if (!outcome.ok) {
      const failed = { evaluationId: id, ...outcome.failure };
      event('EvaluationFailed', failed);
      return failedWhy(id, failed);
    }
    results.push(outcome.result);
  }
  const s = c.settings.statistics;
  const [a, b] = results;
  const paired = pairedBootstrap(a!.samples, b!.samples, { direction: planned.direction, seed: planned.bootstrapSeed!, resamples: s.resamples, alpha: s.alpha });
  const finished = { evaluationId: id, results, paired };
  event('EvaluationFinished', finished);
  return confirmationOf(planned, finished);
}

function failedWhy(id: string, f: Pick<DataOf<'EvaluationFailed'>, 'target' | 'reason' | 'message'>): Confirmation {
  return { confirmed: false, why: `evaluation ${id} on held-out seeds failed${f.target ? ` (${f.target})` : ''}, ${f.reason}: ${f.message}` };
}

/**
 * Whether `rel` (workspace-relative) is a file or folder the loop's own promotion evaluations write:
 * their evaluators' folders under `logs/eval/` and their projections (`runs/<id>/eval/<evaluation>.json`,
 * `journal/evaluations.md`). An agent proposing beside runs in flight must not be blamed for them.
 */
export function promotionEvaluationPath(view: WorkspaceView): (rel: string) => boolean {
  const own = [...view.evaluations.values()].filter((e) => e.planned.by === 'promotion').map((e) => e.planned);
  if (own.length === 0) return () => false;
  const exact = new Set(['logs/eval', 'journal/evaluations.md']);
  for (const p of own) for (const t of p.targets) for (const rel of [`runs/${t.runId}/eval`, `runs/${t.runId}/eval/${p.evaluationId}.json`]) exact.add(rel);
  const folders = own.flatMap((p) => p.targets.map((_, i) => `logs/eval/${p.evaluationId}-${i + 1}`));
  return (rel) => exact.has(rel) || folders.some((f) => rel === f || rel.startsWith(`${f}/`));
}
