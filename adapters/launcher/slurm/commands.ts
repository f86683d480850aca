/**
 * Slurm's commands (sbatch, squeue, scontrol, scancel), each run once with a timeout and read through
 * parse.ts. A command that fails throws SlurmCommandError, which names it, its exit code and its stderr.
 */
import { execa } from 'execa';
import { LauncherCommandError } from '../cluster.js';
import { parseAccountingStorageType, parseJobDetails, parseQueue, parseSacct, parseSbatchJobId, QUEUE_FORMAT, SACCT_FORMAT, type JobDetails, type QueueEntry } from './parse.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const STDERR_CAP = 4096;

/** How a Slurm command is run: extra environment (e.g. SLURM_CONF, over this process's) and its timeout (default 30 s). */
export interface SlurmEnv {
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** A Slurm command that failed: which, its argv, exit code (null: could not run, e.g. ENOENT, or timed out), stderr (trimmed, capped at 4 KiB). */
export class SlurmCommandError extends LauncherCommandError {
  constructor(
    command: string,
    argv: string[],
    exitCode: number | null,
    readonly stderr: string,
    message: string,
  ) {
    super(command, argv, exitCode, message);
    this.name = 'SlurmCommandError';
  }
}

interface Finished {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `command argv`; resolves with its output whatever its exit code, throws when it could not run or timed out. */
async function run(command: string, argv: string[], opts: SlurmEnv & { cwd?: string } = {}): Promise<Finished> {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const r = await execa(command, argv, { reject: false, timeout, env: opts.env, cwd: opts.cwd, stdin: 'ignore' });
  const stderr = capped(r.stderr);
  if (r.timedOut) throw new SlurmCommandError(command, argv, null, stderr, `${command} timed out after ${timeout} ms${stderr ? `: ${stderr}` : ''}`);
  if (r.code === 'ENOENT') throw new SlurmCommandError(command, argv, null, stderr, `${command} is not installed or not on PATH (Slurm's client commands are needed)`);
  if (r.exitCode === undefined) throw new SlurmCommandError(command, argv, null, stderr, `${command} could not run: ${r.shortMessage ?? r.message}`);
  return { exitCode: r.exitCode, stdout: r.stdout, stderr };
}

/** Like run, and a non-zero exit throws too. */
async function runOk(command: string, argv: string[], opts?: SlurmEnv & { cwd?: string }): Promise<string> {
  const r = await run(command, argv, opts);
  if (r.exitCode !== 0) throw failed(command, argv, r);
  return r.stdout;
}

function failed(command: string, argv: string[], r: Finished): SlurmCommandError {
  // Some failures (scontrol's "Partition x not found") are on stdout.
  const text = r.stderr || capped(r.stdout);
  return new SlurmCommandError(command, argv, r.exitCode, r.stderr, `${command} failed (exit ${r.exitCode})${text ? `: ${text}` : ''}`);
}

function capped(text: string | undefined): string {
  const t = (text ?? '').trim();
  return t.length > STDERR_CAP ? `${t.slice(0, STDERR_CAP)}…` : t;
}

/** A job id as Slurm prints them (`123`, an array task `123_4`), checked so that it cannot pass as an option. */
function checkedJobId(jobId: string): string {
  if (!/^\d+(?:_\d+)?$/.test(jobId)) throw new Error(`not a Slurm job id: ${JSON.stringify(jobId)}`);
  return jobId;
}

/** Submits `scriptPath` with `sbatch --parsable ...args` from `cwd`; returns the job id. */
export async function sbatch(args: string[], scriptPath: string, opts: SlurmEnv & { cwd: string }): Promise<string> {
  return parseSbatchJobId(await runOk('sbatch', ['--parsable', ...args, scriptPath], opts));
}

/** Every job the controller still knows (pending, running, and those ended less than MinJobAge ago), in one squeue call. */
export async function squeueAll(opts?: SlurmEnv): Promise<QueueEntry[]> {
  return parseQueue(await runOk('squeue', ['-h', '--states=all', '-O', QUEUE_FORMAT], opts));
}

/** The job's details from `scontrol show job -o`; null when the controller no longer knows the id. */
export async function scontrolShowJob(jobId: string, opts?: SlurmEnv): Promise<JobDetails | null> {
  const argv = ['show', 'job', '-o', checkedJobId(jobId)];
  const r = await run('scontrol', argv, opts);
  if (r.exitCode !== 0) {
    if (/Invalid job id specified/i.test(r.stderr)) return null;
    throw failed('scontrol', argv, r);
  }
  return parseJobDetails(r.stdout, jobId);
}

/**
 * Cancels the job, or with `signal` only signals it (`--batch`: its batch shell alone, not its steps).
 * Slurm 22.05's scancel exits 0 for a job that has ended or is unknown.
 */
export async function scancel(jobId: string, opts: SlurmEnv & { signal?: string; batch?: boolean } = {}): Promise<void> {
  const flags = [...(opts.signal ? [`--signal=${opts.signal}`] : []), ...(opts.batch ? ['--batch'] : [])];
  await runOk('scancel', [...flags, checkedJobId(jobId)], opts);
}

/** How a job ended, from Slurm's accounting (call only where {@link accountingEnabled}: without it sacct fails); null when it lists no such job. */
export async function sacctJob(jobId: string, opts?: SlurmEnv): Promise<ReturnType<typeof parseSacct>> {
  return parseSacct(await runOk('sacct', ['-j', checkedJobId(jobId), '-n', '-P', '-X', '-o', SACCT_FORMAT], opts), jobId);
}

/** Whether Slurm keeps job accounting (so sacct works): AccountingStorageType is not accounting_storage/none. */
export async function accountingEnabled(opts?: SlurmEnv): Promise<boolean> {
  return parseAccountingStorageType(await runOk('scontrol', ['show', 'config'], opts)) !== 'accounting_storage/none';
}

/** `scontrol ping`: ok when the controller answers; otherwise ok false with why (controller down, tools missing). */
export async function slurmPing(opts?: SlurmEnv): Promise<{ ok: boolean; message: string }> {
  try {
    const r = await run('scontrol', ['ping'], opts);
    // Less the RESTORE SLURMCTLD DAEMON TO SERVICE banner it prints under a DOWN.
    const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim());
    const message = lines.filter((l) => l !== '' && !l.startsWith('*')).join('\n');
    return { ok: r.exitCode === 0 && /\bis UP\b/.test(r.stdout), message };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/** Whether the controller has a partition called `name`. */
export async function partitionExists(name: string, opts?: SlurmEnv): Promise<boolean> {
  const argv = ['show', 'partition', name];
  const r = await run('scontrol', argv, opts);
  if (r.exitCode === 0) return r.stdout.includes(`PartitionName=${name}`);
  if (/not found/i.test(r.stdout + r.stderr)) return false;
  throw failed('scontrol', argv, r);
}
