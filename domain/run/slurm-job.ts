/**
 * One attempt as a Slurm batch job: its name and comment (by which a restarted orchestrator finds
 * it), the `sbatch` argv, and the job script. The script runs the trainer (no shell between it and
 * its argv), forwards USR1 and TERM to it (Slurm's warning before the time limit, autopilot's own
 * stop, a requeue), and records how it ended in the result file, atomically. Pure.
 */
import type { SlurmSettings } from '../config/launcher-settings.js';

/** What names and places one attempt's job. */
export interface SlurmAttempt {
  /** Tells this workspace's jobs from another's of the same account (both have a session 0001). */
  workspaceId: string;
  session: string;
  runId: string;
  attempt: number;
}

/** What names and places one evaluator's job: the `index`-th checkpoint of an evaluation (its folder is `logs/eval/<evaluation>-<index>`). */
export interface SlurmEvaluator {
  workspaceId: string;
  /** The session its events carry: the loop's, or for `autopilot eval` the log's last. */
  session: string;
  evaluationId: string;
  index: number;
}

/** A job autopilot submits: a trainer's attempt or an evaluator. */
export type SlurmJobOf = SlurmAttempt | SlurmEvaluator;

/** `ap-<run>-a<attempt>`, or `ap-<evaluation>-e<index>` for an evaluator: the job's name. */
export function slurmJobName(a: SlurmJobOf): string {
  return 'evaluationId' in a ? `ap-${a.evaluationId}-e${a.index}` : `ap-${a.runId}-a${a.attempt}`;
}

/**
 * `autopilot:<workspace>/<session>/<run>/<attempt>` (`…/<evaluation>/e<index>` for an evaluator): the
 * job's comment, which names the workspace and session the job belongs to, so `stop --now` cancels both kinds.
 */
export function slurmJobComment(a: SlurmJobOf): string {
  return `autopilot:${a.workspaceId}/${a.session}/${'evaluationId' in a ? `${a.evaluationId}/e${a.index}` : `${a.runId}/${a.attempt}`}`;
}

/** Whether a job's comment says it belongs to `session` of this workspace (its jobs are cancelled together). */
export function jobOfSession(comment: string, workspaceId: string, session: string): boolean {
  return comment.startsWith(`autopilot:${workspaceId}/${session}/`);
}

/** A string as one single-quoted shell word (the only quoting that needs no other escapes). */
export function shellWord(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Whole minutes Slurm's `--time` needs for `seconds` (at least 1). */
export function slurmMinutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** What the submission needs besides the settings. */
export type SubmitPlan = SlurmJobOf & {
  /** Absolute paths: the script, the log the job appends to, the trainer's working directory. */
  script: string;
  log: string;
  cwd: string;
  /** The session's wall-clock limit of one run (or of one evaluator), used for `--time` when the settings give none. */
  wallSeconds: number;
};

/** The `sbatch` argv of an attempt (no shell involved). */
export function sbatchArgv(s: SlurmSettings, p: SubmitPlan): string[] {
  const time = s.time ?? String(slurmMinutes(p.wallSeconds + s.signal_lead_seconds));
  return [
    'sbatch',
    '--parsable',
    `--job-name=${slurmJobName(p)}`,
    `--comment=${slurmJobComment(p)}`,
    '--requeue',
    '--open-mode=append',
    `--signal=B:USR1@${s.signal_lead_seconds}`,
    // sbatch reads % in a file name as a pattern (%j: the job id); %% is a literal %.
    `--output=${p.log.replaceAll('%', '%%')}`,
    `--chdir=${p.cwd}`,
    `--time=${time}`,
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.gpus !== undefined ? [`--gpus=${s.gpus}`] : []),
    ...(s.cpus_per_task !== undefined ? [`--cpus-per-task=${s.cpus_per_task}`] : []),
    ...(s.mem ? [`--mem=${s.mem}`] : []),
    ...(s.account ? [`--account=${s.account}`] : []),
    ...(s.qos ? [`--qos=${s.qos}`] : []),
    ...s.extra_sbatch,
    p.script,
  ];
}

/** What the script needs: the trainer's (or evaluator's) argv and where to record its end. */
export type ScriptPlan = SlurmJobOf & {
  argv: readonly string[];
  /** Absolute path of the result file (in the run's or evaluator's folder, which the job may write). */
  resultFile: string;
};

/**
 * The job script. Only bash and coreutils are assumed on the node. Its end is recorded as JSON
 * `{exitCode, signal, startedAt, endedAt, restarts, jobId, host}` by writing a temporary file and
 * renaming it, so a reader never sees half of it; a requeued job removes the record of its earlier
 * start first.
 */
export function slurmJobScript(p: ScriptPlan): string {
  const argv = p.argv.map(shellWord).join(' ');
  return `#!/bin/bash
# autopilot: session ${p.session}, ${'evaluationId' in p ? `evaluation ${p.evaluationId}, evaluator ${p.index}` : `run ${p.runId}, attempt ${p.attempt}`}. Written and recorded (sha256) by autopilot: do not edit.
set -u
job_cwd=$PWD
# The result is written relative to its folder, held as this shell's cwd from the start: a link put at the folder's path later is not followed.
cd -P -- ${shellWord(dirOf(p.resultFile))} || exit 1
result=${shellWord(baseOf(p.resultFile))}
# Slurm's USR1 (before the time limit) and a TERM (scancel, requeue) reach the trainer as TERM, so it may save a checkpoint; one that comes before it starts stops it at once.
child=
stopping=0
interrupted=0
forward() { stopping=1; interrupted=1; if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; fi; }
trap forward USR1 TERM
rm -f -- "$result"
# A requeued or preempted job starts again: a trainer that supports resume continues from its latest checkpoint.
export PUFFER_AUTOPILOT_RESTART_COUNT="\${SLURM_RESTART_COUNT:-0}"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
(cd -- "$job_cwd" && exec ${argv}) &
child=$!
if [ "$stopping" = 1 ]; then kill -TERM "$child" 2>/dev/null; fi
# A trapped signal ends wait early (status > 128): wait again for the trainer's own status. A wait that finds
# it collected already (127) after a late signal leaves the status it got.
code=
while :; do
  interrupted=0
  wait "$child"
  status=$?
  if [ "$status" = 127 ] && [ -n "$code" ]; then break; fi
  code=$status
  [ "$interrupted" = 1 ] || break
done
if [ "$code" -gt 128 ]; then exit_json=null; signal_json=$((code - 128)); else exit_json=$code; signal_json=null; fi
tmp=".$result.tmp.$$"
printf '{"exitCode":%s,"signal":%s,"startedAt":"%s","endedAt":"%s","restarts":%s,"jobId":"%s","host":"%s"}\\n' \\
  "$exit_json" "$signal_json" "$started" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "\${SLURM_RESTART_COUNT:-0}" "\${SLURM_JOB_ID:-}" "$(hostname)" >"$tmp" && mv -f -- "$tmp" "$result"
exit "$code"
`;
}
