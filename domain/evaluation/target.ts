/**
 * What `autopilot eval` evaluates: `RUN` (its last checkpoint), `RUN@N` (its checkpoint whose file
 * name ends in the number N: `@8` is `model_000008.json`), `best` (the incumbent's last checkpoint)
 * or `latest` (the last checkpoint of the newest run that saved one), resolved against the
 * checkpoints the log records. Pure.
 */
import { AutopilotError } from '../errors.js';

/** A run's recorded checkpoints (workspace-relative, oldest first, less those pruned). */
export interface RunCheckpoints {
  runId: string;
  checkpoints: readonly string[];
}

/** What the log offers to resolve a target against. */
export interface CheckpointChoices {
  runs: ReadonlyMap<string, RunCheckpoints>;
  best: { runId: string; path: string } | null;
  latest: { runId: string; path: string } | null;
}

/** A resolved target: the spec as given, the run, and the checkpoint. */
export interface ResolvedTarget {
  spec: string;
  runId: string;
  checkpoint: string;
}

const SPEC = /^(?:(best|latest)|(\d{1,9})(?:@(\d{1,12}))?)$/;

/** The number a checkpoint's file name ends in (`runs/001/checkpoints/model_000008.json` → 8), or null. */
export function checkpointNumber(path: string): number | null {
  const stem = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
  const m = /(\d+)$/.exec(stem);
  return m ? Number(m[1]) : null;
}

function usage(spec: string, why: string): AutopilotError {
  return new AutopilotError('usage', `cannot evaluate "${spec}": ${why}`, {
    key: 'RUN',
    hint: 'name a run (003), one of its checkpoints by number (003@8 for model_000008), best (the incumbent) or latest',
  });
}

/** Resolves `spec` to a recorded checkpoint. @throws AutopilotError (usage) naming what is known */
export function resolveTarget(spec: string, choices: CheckpointChoices): ResolvedTarget {
  const m = SPEC.exec(spec.trim());
  if (!m) throw usage(spec, 'not a run id, RUN@N, best or latest');
  if (m[1] === 'best' || m[1] === 'latest') {
    const p = m[1] === 'best' ? choices.best : choices.latest;
    if (!p) throw usage(spec, m[1] === 'best' ? 'there is no incumbent with a checkpoint yet' : 'no run has recorded a checkpoint yet');
    return { spec, runId: p.runId, checkpoint: p.path };
  }
  const runId = m[2]!.padStart(3, '0');
  const run = choices.runs.get(runId);
  if (!run) throw usage(spec, `the log has no run ${runId}`);
  if (run.checkpoints.length === 0) throw usage(spec, `run ${runId} recorded no checkpoint (it failed, saved none, or they were pruned)`);
  if (m[3] === undefined) return { spec, runId, checkpoint: run.checkpoints.at(-1)! };
  const n = Number(m[3]);
  const found = run.checkpoints.filter((c) => checkpointNumber(c) === n);
  if (found.length !== 1) {
    const known = run.checkpoints.map((c) => `@${checkpointNumber(c) ?? '?'}`).join(', ');
    throw usage(spec, `run ${runId} recorded ${found.length === 0 ? 'no' : 'more than one'} checkpoint numbered ${n}; it has ${known}`);
  }
  return { spec, runId, checkpoint: found[0]! };
}
