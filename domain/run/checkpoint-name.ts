/**
 * Checkpoint names (pure): the step a trainer wrote into a checkpoint's file name, and the one
 * name scheme the orchestrator exposes every indexed checkpoint under,
 * `runs/<run>/checkpoints/<run>-s<seed>-<step>.<ext>`.
 *
 * Names read: the built-in trainer's `model_000042.json` (trainers/cartpole/checkpoint.ts);
 * PufferLib's `model_000042.pt` (`clean_pufferl.py` `save_checkpoint`, PufferAI/PufferLib
 * 91460f7b14edd1b43d6b19150cef5c51b80cbb7f: `{data_dir}/{exp_id}/model_{epoch:06d}.pt`) and its
 * 3.0 form `model_{env}_{epoch:06d}.pt`; `checkpoint-1000`, `ckpt_500`, `epoch=3-step=1200.ckpt`
 * and Stable-Baselines' `rl_model_10000_steps.zip`. Anything else (PufferLib's
 * `trainer_state.pt`, its final `{env}_{run_id}.pt` whose digits are a time) has no step.
 */

/** Prefixes whose trailing number is the step (or epoch) the file was saved at. */
const STEP_PREFIX = /^(?:model|checkpoint|ckpt|policy|weights|agent|epoch|iter|step)(?:.*[_.=-])?(\d+)$/i;
/** An explicit `step=N`, `step_N`, `stepN` anywhere in the name. */
const STEP_WORD = /(?:^|[_.=-])step[=_-]?(\d+)(?:$|[_.-])/i;
/** `<digits>_steps` at the end (Stable-Baselines' callback). */
const STEPS_SUFFIX = /[_.-](\d+)[_-]?steps?$/i;
/** The longest step kept: beyond it a number is not a step count but noise. */
const MAX_STEP = Number.MAX_SAFE_INTEGER;

/** `name` split at its last dot (no dot, or a leading one only: no extension). */
export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? { stem: name, ext: '' } : { stem: name.slice(0, dot), ext: name.slice(dot + 1) };
}

/** The step a checkpoint's file name carries (see the module's list), or null when it names none. */
export function stepOfName(name: string): number | null {
  const { stem } = splitExtension(name);
  const match = STEP_WORD.exec(stem) ?? STEPS_SUFFIX.exec(stem) ?? STEP_PREFIX.exec(stem);
  if (!match) return null;
  const step = Number(match[1]);
  return Number.isSafeInteger(step) && step <= MAX_STEP ? step : null;
}

/** What makes one exposed name: the run, its seed (null: none recorded), the step (null: the file's own stem stands in). */
export interface NameParts {
  runId: string;
  seed: number | null;
  step: number | null;
  /** The trainer's file name, for its extension (and its stem when there is no step). */
  source: string;
}

/** A stem safe in a file name: letters, digits, `_` and `.`, at most 64 characters. */
function safeStem(stem: string): string {
  const safe =
    stem
      .replace(/[^A-Za-z0-9_.]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 64) || '_';
  // An all-digit stem would read back as a step it is not.
  return /^\d+$/.test(safe) ? `f${safe}` : safe;
}

/** `<run>-s<seed>-<step>.<ext>` (`<run>-<step>.<ext>` without a seed; the trainer's stem for a step-less file). */
export function exposedName(p: NameParts): string {
  const { stem, ext } = splitExtension(p.source);
  const head = p.seed === null ? p.runId : `${p.runId}-s${p.seed}`;
  const tail = p.step === null ? safeStem(stem) : String(p.step);
  const safeExt = ext.replace(/[^A-Za-z0-9_]/g, '').slice(0, 16);
  return safeExt ? `${head}-${tail}.${safeExt}` : `${head}-${tail}`;
}

const EXPOSED = /^(\d{3,})(?:-s(\d+))?-([A-Za-z0-9_.]+?)(?:~(\d+))?(?:\.([A-Za-z0-9_]+))?$/;

/** The parts of an exposed name (see {@link exposedName}); null for any other name. */
export function parseExposedName(name: string): { runId: string; seed: number | null; step: number | null; ext: string } | null {
  const m = EXPOSED.exec(name);
  if (!m) return null;
  const step = /^\d+$/.test(m[3]!) ? Number(m[3]) : null;
  return { runId: m[1]!, seed: m[2] === undefined ? null : Number(m[2]), step, ext: m[5] ?? '' };
}

/** Whether `name` is one the orchestrator exposed for run `runId` (so a scan of the run's folder leaves it out). */
export function isExposedName(name: string, runId: string): boolean {
  return parseExposedName(name)?.runId === runId;
}

/** `name` made unique among `taken` by a `~2`, `~3`… before its extension (two sources with the same step). */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const { stem, ext } = splitExtension(name);
  for (let k = 2; ; k++) {
    const next = ext ? `${stem}~${k}.${ext}` : `${stem}~${k}`;
    if (!taken.has(next)) return next;
  }
}
