/**
 * How many runs the loop keeps in flight at once (k), and which GPU each slot gets. Pure: the
 * caller lists the GPUs (adapters/launcher/gpus.ts) and counts the cores.
 */
import { AutopilotError, UsageError } from '../errors.js';

/** The most runs in flight at once autopilot allows. */
export const MAX_PARALLEL = 64;

/** What decides k: the command line, settings, the GPUs, the machine. */
export interface ParallelInputs {
  /** `--parallel`. */
  option?: number;
  /** `parallel` in autopilot.json. */
  setting?: number;
  /** The GPUs the local launcher may use (ids for CUDA_VISIBLE_DEVICES); empty: none. */
  gpus: string[];
  /** `launcher.local.cpus_per_run`. */
  cpusPerRun?: number;
  /** Cores of this machine. */
  cores: number;
  launcher: 'local' | 'slurm';
}

/** k, where it came from, the GPU of each slot (null: none), and a note when k was lowered. */
export interface Parallel {
  k: number;
  source: 'option' | 'settings' | 'gpus' | 'default';
  gpusBySlot: (string | null)[];
  note?: string;
}

/**
 * Resolves k: `--parallel`, else the `parallel` setting, else (local launcher with GPUs) one run
 * per GPU, else 1. On the local launcher a slot gets one GPU, so k may not exceed the GPUs listed,
 * and `cpus_per_run` caps k at the cores it fits in: a k asked for beyond either is an error
 * (exit 2), one derived is lowered with a note. Slurm jobs ask for their own GPUs and cores, so
 * neither applies there.
 */
export function resolveParallel(a: ParallelInputs): Parallel {
  const local = a.launcher === 'local';
  const gpus = local ? a.gpus : [];
  const asked = a.option !== undefined ? { k: a.option, source: 'option' as const } : a.setting !== undefined ? { k: a.setting, source: 'settings' as const } : null;
  if (asked) checkRange(asked.k, asked.source);
  const notes: string[] = [];
  let k = asked?.k ?? (gpus.length > 0 ? gpus.length : 1);
  const source = asked?.source ?? (gpus.length > 0 ? 'gpus' : 'default');
  if (asked && gpus.length > 0 && k > gpus.length) {
    throw refusal(asked.source, `${named(asked.source, k)} asks for ${k} runs at once but only ${gpus.length} GPU(s) are available (${gpus.join(', ')}), one run per GPU`, {
      hint: `set ${asked.source === 'option' ? '--parallel' : '"parallel"'} to at most ${gpus.length}, or list more GPUs in launcher.local.gpus`,
    });
  }
  // A machine with more GPUs than autopilot allows runs still runs: on the first MAX_PARALLEL.
  if (k > MAX_PARALLEL) {
    notes.push(`parallel lowered from ${k} (one per GPU) to ${MAX_PARALLEL}, the most autopilot runs at once`);
    k = MAX_PARALLEL;
  }
  if (local && a.cpusPerRun !== undefined) {
    const max = Math.max(1, Math.floor(a.cores / a.cpusPerRun));
    if (k > max && asked) {
      throw refusal(
        asked.source,
        `${named(asked.source, k)} needs ${k} × ${a.cpusPerRun} cores (launcher.local.cpus_per_run ${a.cpusPerRun}) but this machine has ${a.cores}: at most ${max} run(s) fit`,
        {
          hint: `set ${asked.source === 'option' ? '--parallel' : '"parallel"'} to at most ${max}, or lower launcher.local.cpus_per_run`,
        },
      );
    }
    if (k > max) {
      notes.push(`parallel lowered from ${k} to ${max}: launcher.local.cpus_per_run ${a.cpusPerRun} on ${a.cores} cores fits ${max} run(s) at once`);
      k = max;
    }
  }
  const gpusBySlot = Array.from({ length: k }, (_, i) => gpus[i] ?? null);
  return notes.length > 0 ? { k, source, gpusBySlot, note: notes.join('; ') } : { k, source, gpusBySlot };
}

function checkRange(k: number, source: 'option' | 'settings'): void {
  if (Number.isInteger(k) && k >= 1 && k <= MAX_PARALLEL) return;
  throw refusal(source, `${source === 'option' ? '--parallel' : '"parallel"'} must be a whole number from 1 to ${MAX_PARALLEL}, not ${k}`, {});
}

function named(source: 'option' | 'settings', k: number): string {
  return source === 'option' ? `--parallel ${k}` : `"parallel": ${k}`;
}

// A command-line value is a usage error, a settings value a settings error: both exit 2.
function refusal(source: 'option' | 'settings', problem: string, details: { hint?: string }): AutopilotError {
  return source === 'option'
    ? new UsageError(problem, { ...details, key: '--parallel' })
    : new AutopilotError('settings-invalid', problem, { ...details, file: 'autopilot.json', key: 'parallel' });
}
