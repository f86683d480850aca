/**
 * The plan of `autopilot eval`, made from the log before anything runs: the checkpoints (resolved
 * from RunFinished.checkpoints and the incumbent, hashed without following a link), the held-out
 * seeds (clear of every training seed the log recorded), each evaluator's argv, and the bootstrap
 * seed of the paired comparison. What it makes is recorded as `EvaluationPlanned`.
 */
import { join } from 'node:path';
import { sha256Confined } from '../fs/sha256-fd.js';
import { redactArgv } from '../secrets.js';
import type { Config } from '../../domain/config/config.js';
import type { Settings } from '../../domain/config/settings.js';
import { heldOutSeeds } from '../../domain/evaluation/held-out-seeds.js';
import { resolveTarget, type CheckpointChoices, type ResolvedTarget } from '../../domain/evaluation/target.js';
import { AutopilotError } from '../../domain/errors.js';
import { pairedSeed } from '../../domain/stats/paired.js';
import { renderArgs } from '../../domain/trainer-io/render-args.js';
import type { DataOf } from '../../events/catalogue.js';
import { checkpointPointers, type WorkspaceView } from '../../projections/view.js';

/** One target as it is launched: the recorded target, and the argv as run (unredacted). */
export interface PlannedTarget {
  target: DataOf<'EvaluationPlanned'>['targets'][number];
  argv: string[];
  /** Absolute path of the checkpoint. */
  path: string;
}

/** The plan: the event to record, and what launching needs beside it. */
export interface EvaluationPlan {
  planned: DataOf<'EvaluationPlanned'>;
  targets: PlannedTarget[];
}

/** The checkpoints the log offers: each run's recorded ones (less those pruned), the incumbent's and the latest. */
export function checkpointChoices(view: WorkspaceView): CheckpointChoices {
  const runs = new Map([...view.runs.values()].map((r) => [r.runId, { runId: r.runId, checkpoints: r.finished?.checkpoints ?? [] }]));
  return { runs, ...checkpointPointers(view) };
}

/** Every training seed the log recorded: the seed of each launch (RunStarted). */
export function trainingSeeds(view: WorkspaceView): number[] {
  return [...view.runs.values()].flatMap((r) => r.launches.map((l) => l.seed).filter((s): s is number => s !== null));
}

/** The config a run trained with, less the orchestrator's resume path (an evaluation loads its own checkpoint). */
function runConfig(view: WorkspaceView, runId: string): Config {
  const config = view.runs.get(runId)?.accepted?.config;
  if (!config) throw new AutopilotError('failed', `run ${runId} has no accepted config in the log`);
  const { load_model_path: _resume, ...rest } = config;
  return rest;
}

/** The next evaluation id: `e001`, `e002`, … */
export function nextEvaluationId(view: WorkspaceView): string {
  return `e${String(view.evaluations.size + 1).padStart(3, '0')}`;
}

/**
 * Plans the evaluation of `specs` (one, or two to compare) on `episodes` held-out seeds; `promotion`
 * names the run whose journal step asks for it (absent: the `eval` command). @throws AutopilotError
 */
export async function planEvaluation(args: { root: string; view: WorkspaceView; settings: Settings; specs: string[]; episodes: number; promotion?: string }): Promise<EvaluationPlan> {
  const { root, view, settings, episodes } = args;
  const choices = checkpointChoices(view);
  const resolved: ResolvedTarget[] = args.specs.map((s) => resolveTarget(s, choices));
  if (resolved.length === 2 && resolved[0]!.checkpoint === resolved[1]!.checkpoint) {
    throw new AutopilotError('usage', `"${resolved[0]!.spec}" and "${resolved[1]!.spec}" are the same checkpoint (${resolved[0]!.checkpoint}): nothing to compare`);
  }
  const evaluationId = nextEvaluationId(view);
  const seeds = heldOutSeeds(trainingSeeds(view), episodes);
  const command = settings.evaluation.command ?? settings.trainer.command;
  const targets: PlannedTarget[] = [];
  for (const t of resolved) {
    const path = join(root, t.checkpoint);
    const sha256 = await sha256Confined(root, path);
    if (sha256 === null) throw new AutopilotError('failed', `the checkpoint ${t.checkpoint} of run ${t.runId} is missing, or not a regular file (links are not followed)`, { file: path });
    const evalFlags = ['--eval-only', '--load-checkpoint', path, '--eval.episodes', String(episodes), '--eval.seed', String(seeds.first)];
    const argv = [...command, ...renderArgs(runConfig(view, t.runId), settings.trainer.flag_names), ...evalFlags];
    targets.push({ target: { ...t, sha256, argv: redactArgv(argv, settings.secrets.record) }, argv, path });
  }
  const planned: DataOf<'EvaluationPlanned'> = {
    evaluationId,
    targets: targets.map((t) => t.target),
    metric: settings.metric.name,
    direction: settings.metric.direction,
    seeds,
    bootstrapSeed: targets.length === 2 ? pairedSeed(evaluationId) : null,
    ...(args.promotion === undefined ? { by: 'command' as const } : { by: 'promotion' as const, runId: args.promotion }),
  };
  return { planned, targets };
}
