/**
 * `autopilot.json`'s `launcher`: where trainers run. `"local"` (this machine, the default) or
 * `"slurm"` (one Slurm batch job per attempt), as a string, or as an object with the kind and each
 * launcher's settings. Slurm's settings may also sit at the top level (`"slurm": {…}`) beside
 * `"launcher": "slurm"`.
 */
import { z } from 'zod';

/** The launchers autopilot can start a trainer with. */
export const LAUNCHER_KINDS = ['local', 'slurm'] as const;
/** A launcher's name, as settings and RunStarted record it. */
export type LauncherKind = (typeof LAUNCHER_KINDS)[number];

// Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS (and UNLIMITED).
const SLURM_TIME = /^(UNLIMITED|INFINITE|\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2})$/;
// sbatch options autopilot sets itself for every job: a setting must not change them.
const RESERVED_SBATCH = ['--job-name', '--comment', '--output', '--error', '--open-mode', '--requeue', '--no-requeue', '--signal', '--parsable', '--wrap', '--chdir', '-J', '-o', '-e', '-D'];

/** Whether an `extra_sbatch` entry sets an option autopilot owns. */
export function reservedSbatchOption(arg: string): string | null {
  const name = arg.split('=')[0]!;
  return RESERVED_SBATCH.includes(name) ? name : null;
}

/** Settings of the Slurm launcher: what each job asks for, and how autopilot watches it. */
export const SlurmSettingsSchema = z.strictObject({
  /** `--partition` (absent: the cluster's default partition). */
  partition: z
    .string()
    .regex(/^[A-Za-z0-9_.,-]+$/, 'must be a partition name (letters, digits, _ . , -)')
    .optional(),
  /** `--time`, in Slurm's formats (`30`, `1:30:00`, `2-00:00:00`). */
  time: z.string().regex(SLURM_TIME, 'must be a Slurm time limit such as 30 (minutes), 1:30:00 or 2-00:00:00').optional(),
  /** `--gpus` per job. */
  gpus: z.number().int().min(0).optional(),
  /** `--cpus-per-task`. */
  cpus_per_task: z.number().int().min(1).optional(),
  /** `--mem`, such as `16G` or `4000M`. */
  mem: z
    .string()
    .regex(/^\d+[KMGT]?$/, 'must be a memory size such as 16G or 4000M')
    .optional(),
  account: z.string().min(1).optional(),
  qos: z.string().min(1).optional(),
  /** More `sbatch` options, each one argv entry starting with `-` (`--constraint=a100`); the ones autopilot sets are refused. */
  extra_sbatch: z
    .array(
      z
        .string()
        .regex(/^-/, 'must be one sbatch option starting with - (such as --constraint=a100)')
        .refine((a) => reservedSbatchOption(a) === null, { message: 'sets an option autopilot sets itself for every job (job name, comment, output, requeue, signal)' }),
    )
    .default([]),
  /** Seconds between two looks at the queue (one `squeue` for every job in flight). */
  poll_seconds: z.number().min(0.2).max(3600).default(15),
  /** Seconds before the job's time limit at which Slurm sends USR1 to the job script (`--signal=B:USR1@lead`). */
  signal_lead_seconds: z.number().int().min(1).max(3600).default(120),
  /** Retries of a failed Slurm command (controller down, `sbatch: error`) before the loop halts with its message. */
  command_retries: z.number().int().min(0).max(10).default(3),
  /** Wait before the first retry, in seconds; it doubles at each retry. */
  retry_seconds: z.number().min(0).max(600).default(5),
});
/** Parsed Slurm settings. */
export type SlurmSettings = z.infer<typeof SlurmSettingsSchema>;

/** Settings of the local launcher. */
export const LocalLauncherSchema = z.strictObject({
  /** GPUs to give one run each (`CUDA_VISIBLE_DEVICES`), or `"auto"` for those `nvidia-smi -L` lists. */
  gpus: z.union([z.literal('auto'), z.array(z.number().int().min(0)).min(1)]).optional(),
  /** Cores one run needs: limits how many run at once; pins nothing. */
  cpus_per_run: z.number().int().min(1).optional(),
});

const LauncherObject = z.strictObject({
  kind: z.enum(LAUNCHER_KINDS).default('local'),
  local: LocalLauncherSchema.default({}),
  slurm: SlurmSettingsSchema.optional(),
});

/** `launcher` as written: a kind, or an object. */
export const LauncherSettingSchema = z.union([z.enum(LAUNCHER_KINDS), LauncherObject]).default('local');

/** The launcher settings once normalized: the kind and each launcher's settings (Slurm's only when it is the kind). */
export interface LauncherSettings {
  kind: LauncherKind;
  local: z.infer<typeof LocalLauncherSchema>;
  slurm: SlurmSettings | null;
}

/**
 * Normalizes `launcher` and a top-level `slurm` into one object; returns the problem when they
 * disagree (Slurm settings given twice, or given for another launcher). Pure.
 */
export function normalizeLauncher(launcher: z.infer<typeof LauncherSettingSchema>, topSlurm: SlurmSettings | undefined): LauncherSettings | { error: string; path: string[] } {
  const object = typeof launcher === 'string' ? { kind: launcher, local: {}, slurm: undefined } : launcher;
  if (object.slurm && topSlurm) return { error: 'Slurm settings are given twice (launcher.slurm and slurm): keep one', path: ['slurm'] };
  const slurm = object.slurm ?? topSlurm;
  if (slurm && object.kind !== 'slurm') return { error: `Slurm settings are given but the launcher is "${object.kind}": set "launcher": "slurm" to use them`, path: ['slurm'] };
  return { kind: object.kind, local: object.local, slurm: object.kind === 'slurm' ? (slurm ?? SlurmSettingsSchema.parse({})) : null };
}
