/**
 * How many runs a new session keeps in flight, and the GPU of each slot: `--parallel`, the
 * `parallel` setting, or one run per GPU of `launcher.local.gpus` (listed by `nvidia-smi -L` for
 * `"auto"`), limited by `cpus_per_run` (domain/run/parallel.ts). Settled before anything is
 * recorded, so a k that cannot be had fails the start (exit 2) and records nothing.
 */
import { availableParallelism } from 'node:os';
import type { DataOf } from '../events/catalogue.js';
import type { Settings } from '../domain/config/settings.js';
import { resolveParallel } from '../domain/run/parallel.js';
import { listGpus } from '../adapters/launcher/gpus.js';

/** What LoopStarted records of k (undefined: one run at a time on no GPU, as before), and a note when k was lowered. */
export interface SessionParallel {
  recorded: DataOf<'LoopStarted'>['parallel'];
  note?: string;
}

/** Resolves k and the slots' GPUs for a new session on this machine. */
export async function sessionParallel(settings: Settings, option: number | undefined): Promise<SessionParallel> {
  const local = settings.launcher.kind === 'local';
  const gpus = local ? await listGpus(settings.launcher.local.gpus) : { source: 'none' as const, ids: [] };
  const p = resolveParallel({
    ...(option !== undefined ? { option } : {}),
    ...(settings.parallel !== undefined ? { setting: settings.parallel } : {}),
    gpus: gpus.ids,
    ...(local && settings.launcher.local.cpus_per_run !== undefined ? { cpusPerRun: settings.launcher.local.cpus_per_run } : {}),
    cores: availableParallelism(),
    launcher: settings.launcher.kind,
  });
  const note = [gpus.note, p.note].filter((n): n is string => n !== undefined).join('; ');
  // One run on no GPU is what every session before parallel runs recorded: nothing.
  const source = p.source;
  const recorded = source === 'default' || (p.k === 1 && p.gpusBySlot[0] === null) ? undefined : { k: p.k, source, gpus: p.gpusBySlot };
  return note ? { recorded, note } : { recorded };
}
