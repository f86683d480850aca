/**
 * Parsers for the text Slurm's commands print (checked against slurm-wlm 22.05): `sbatch --parsable`,
 * `squeue -O` with `|` after each field (QUEUE_FORMAT), `scontrol show job -o` and `scontrol show config`.
 * Pure: the commands are run by commands.ts.
 */

/** One job as `squeue --states=all` lists it. */
export interface QueueEntry {
  jobId: string;
  name: string;
  /** Slurm's job state, as printed: PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, … (unknown ones kept as they are). */
  state: string;
  /** Why the job is pending or ended as it did: None, BeginTime, NonZeroExitCode, … */
  reason: string;
  /** How many times the job was requeued. */
  restarts: number;
  /** The job's --comment; empty when it has none. */
  comment: string;
}

/** One job as `scontrol show job -o` describes it. */
export interface JobDetails {
  jobId: string;
  name: string;
  state: string;
  reason: string;
  /** The batch script's exit status (the N of ExitCode=N:S); meaningful once the job has ended, null when not shown. */
  exitCode: number | null;
  /** The signal that ended the script (the S of ExitCode=N:S), null when none did. */
  signal: number | null;
  restarts: number;
  /** Whether Slurm may requeue the job (Requeue=1). */
  requeue: boolean;
  comment: string;
}

/**
 * The squeue `-O` format queueEntries parses: every field ends in `|`, and a size-less field is printed
 * whole (no padding, no truncation). Comment comes last so that a `|` in it cannot shift other fields.
 */
export const QUEUE_FORMAT = 'JobID:|,Name:|,State:|,Reason:|,RestartCnt:|,Comment:';

/** The job id `sbatch --parsable` prints: `123`, or `123;cluster` on a federation; throws on anything else. */
export function parseSbatchJobId(stdout: string): string {
  const m = /^(\d+)(?:;\S+)?$/.exec(stdout.trim());
  if (!m) throw new Error(`sbatch --parsable printed no job id: ${JSON.stringify(stdout.slice(0, 200))}`);
  return m[1]!;
}

// Lazy name, digits-only restarts: the first split that fits, so a `|` in the name or the (last) comment stays in it.
const QUEUE_LINE = /^([^|]+)\|(.*?)\|([^|]+)\|([^|]*)\|(\d+)\|(.*)$/;

/** squeue prints an absent comment as `(null)`. */
function orEmpty(value: string): string {
  return value === '(null)' ? '' : value;
}

/** The lines of `squeue -h -O QUEUE_FORMAT`; throws on a line that does not have its fields. */
export function parseQueue(stdout: string): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const m = QUEUE_LINE.exec(line);
    if (!m) throw new Error(`unexpected squeue line (want ${QUEUE_FORMAT}): ${JSON.stringify(line.slice(0, 200))}`);
    const [, jobId, name, state, reason, restarts, comment] = m;
    entries.push({ jobId: jobId!.trim(), name: name!, state: state!, reason: reason!, restarts: Number(restarts), comment: orEmpty(comment!) });
  }
  return entries;
}

/** The keys scontrol prints after Comment= (22.05: the batch job's files, then Power= and the TRES lines). */
const AFTER_COMMENT = 'StdErr|StdIn|StdOut|Power|CpusPerTres|MemPerTres|TresBind|TresFreq|TresPerJob|TresPerNode|TresPerSocket|TresPerTask|MailUser|MailType|NtasksPerTRES';

/** The value of `key` in a `Key=Value …` line, up to the space before `next` when given (values with spaces), else up to the next space. */
function field(line: string, key: string, next?: string): string | undefined {
  const value = next ? `(.*?)(?: +(?=(?:${next})=)| *$)` : '(\\S*)';
  return new RegExp(`(?:^| )${key}=${value}`).exec(line)?.[1];
}

/**
 * The job in `scontrol show job -o` output (one line a job; the first line, or the one of `jobId` when
 * given, e.g. among an array's tasks). Only the keys JobDetails needs are read, each anchored on the key
 * that follows it where the value may hold spaces (JobName, Reason, Comment). Throws when there is no job line.
 */
export function parseJobDetails(stdout: string, jobId?: string): JobDetails {
  const lines = stdout.split('\n').filter((l) => l.startsWith('JobId='));
  const line = lines.find((l) => field(l, 'JobId') === jobId) ?? lines[0];
  if (!line) throw new Error(`unexpected scontrol show job output: ${JSON.stringify(stdout.slice(0, 200))}`);
  // Past JobName (which may hold anything), so a name cannot pose as a later key.
  const rest = line.slice(line.indexOf(' UserId=') + 1);
  const state = field(rest, 'JobState');
  if (!state) throw new Error(`scontrol show job printed no JobState: ${JSON.stringify(line.slice(0, 200))}`);
  const exit = /(?:^| )ExitCode=(\d+):(\d+)/.exec(rest);
  const signal = exit ? Number(exit[2]) : 0;
  return {
    jobId: field(line, 'JobId')!,
    name: field(line, 'JobName', 'UserId') ?? '',
    state,
    reason: field(rest, 'Reason', 'Dependency') ?? '',
    exitCode: exit ? Number(exit[1]) : null,
    signal: signal > 0 ? signal : null,
    restarts: Number(field(rest, 'Restarts') ?? 0),
    requeue: field(rest, 'Requeue') === '1',
    comment: field(rest, 'Comment', AFTER_COMMENT) ?? '',
  };
}

/** AccountingStorageType from `scontrol show config` (`accounting_storage/none` when Slurm keeps no accounting); throws when absent. */
export function parseAccountingStorageType(stdout: string): string {
  const m = /^AccountingStorageType\s*=\s*(\S+)/m.exec(stdout);
  if (!m) throw new Error('scontrol show config printed no AccountingStorageType');
  return m[1]!;
}

/** The fields `sacct` is asked for, in order (`-n -P -X -o`): one `|`-separated line for the job's allocation. */
export const SACCT_FORMAT = 'JobIDRaw,State,ExitCode,Reason';

/**
 * How a job ended, from `sacct -j ID -n -P -X -o JobIDRaw,State,ExitCode,Reason`; null when sacct
 * lists no such job. The state keeps its first word (`CANCELLED by 1000` is CANCELLED).
 */
export function parseSacct(stdout: string, jobId: string): { state: string; reason: string; exitCode: number | null; signal: number | null } | null {
  for (const line of stdout.split('\n')) {
    const [id, state, exit, ...reason] = line.trim().split('|');
    if (id !== jobId || state === undefined) continue;
    const m = /^(\d+):(\d+)$/.exec(exit ?? '');
    const signal = m ? Number(m[2]) : 0;
    return { state: state.split(' ')[0]!, reason: reason.join('|') || 'None', exitCode: m ? Number(m[1]) : null, signal: signal > 0 ? signal : null };
  }
  return null;
}
