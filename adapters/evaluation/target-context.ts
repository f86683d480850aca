/** What launching one checkpoint's evaluator needs, and its folder and environment, whatever runs it. */
import { join } from 'node:path';
import { trainerFullEnv } from '../actors/trainer-env.js';
import { ensureDirConfined } from '../fs/confined.js';
import type { WorkspacePaths } from '../workspace.js';
import type { Containment, DataOf } from '../../events/catalogue.js';
import type { Settings } from '../../domain/config/settings.js';
import type { PlannedTarget } from './plan.js';
import type { EvaluatorCluster } from './evaluator-cluster.js';

/** Omit over each member of a union. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Everything a target's launch needs. */
export interface TargetContext {
  paths: WorkspacePaths;
  settings: Settings;
  containment: Containment['mode'];
  evaluationId: string;
  /** 1 for the first target, 2 for the one it is compared with. */
  index: number;
  episodes: number;
  /** The cluster it runs on as a job (the workspace's launcher is Slurm); absent or null: this machine. */
  cluster?: EvaluatorCluster | null;
  /** Set to stop the evaluator (a signal to the command, or the job cancelled). */
  onHandle?: (stop: () => void) => void;
  /** Records the evaluator launched (EvaluatorStarted): a local one before it may start, a job once submitted. */
  onStarted: (started: OmitEach<DataOf<'EvaluatorStarted'>, 'evaluationId'>) => void;
  /** Records a job before it is submitted (EvaluatorJobPlanned). */
  onPlanned?: (planned: Omit<DataOf<'EvaluatorJobPlanned'>, 'evaluationId'>) => void;
  /** Records a scheduler command that failed (LauncherCommandFailed). */
  onCommandFailed?: (failed: DataOf<'LauncherCommandFailed'>) => void;
}

/** The folder of the `index`-th evaluator of an evaluation: workspace-relative, and absolute (made if missing). */
export function evaluatorFolder(c: TargetContext): { rel: string; dir: string } {
  const rel = join('logs', 'eval', `${c.evaluationId}-${c.index}`);
  const dir = join(c.paths.root, rel);
  ensureDirConfined(c.paths.root, dir);
  return { rel, dir };
}

/** The evaluator's environment: a trainer's, with its folder as the run folder. */
export function evaluatorEnv(t: PlannedTarget, c: TargetContext, dir: string): Record<string, string> {
  return trainerFullEnv(c.settings, { workspace: c.paths.root, runDir: dir, runId: `${c.evaluationId}-${t.target.runId}` });
}
