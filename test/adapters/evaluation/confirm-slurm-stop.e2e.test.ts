/**
 * A promotion's confirmation on the real one-node Slurm when things go wrong: `stop --now` while the
 * evaluator's job runs stops the job and records the evaluation killed; an `sbatch` that refuses the
 * evaluator's job fails the evaluation (cannot start, with Slurm's message), and the loop goes on.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AutopilotEvent, EventOf } from '../../../events/catalogue.js';
import { logOf } from '../../support/hostile.js';
import { waitForJobState } from '../../support/slurm.js';
import { useConfirmingSlurmWorkspaces, tempGo, waitFor, waitForEvent } from '../../support/slurm-loop.js';
import { CLI, FAKE_TRAINER, ROOT, patchSettings } from '../../support/workspace.js';

const STALL = join(ROOT, 'test', 'fixtures', 'stall-once.mjs');

/** A confirming Slurm workspace, its jobs cancelled after the tests. */
const confirmingWorkspace = useConfirmingSlurmWorkspaces();

const of = <T extends AutopilotEvent['type']>(log: AutopilotEvent[], type: T) => log.filter((e): e is EventOf<T> => e.type === type);
const loopIn = (ws: string, runs: number, env: Record<string, string> = {}) =>
  execa('node', [CLI, 'loop', '--runs', String(runs), '--workspace', ws], { reject: false, all: true, timeout: 120_000, env });

describe('stop --now while the confirmation’s evaluator job runs', () => {
  let log: AutopilotEvent[];
  let exitCode: number | undefined;
  let jobId: string;
  let stalledPid: number;
  beforeAll(async () => {
    const ws = confirmingWorkspace();
    const mark = join(ws, '..', 'stalled.pid');
    patchSettings(ws, { evaluation: { command: [process.execPath, STALL, mark, FAKE_TRAINER], grace_seconds: 2 } });
    const loop = loopIn(ws, 3);
    const started = await waitForEvent(ws, 'EvaluatorStarted', 90_000);
    jobId = (started.data as { job: { id: string } }).job.id;
    await waitFor(() => Promise.resolve(existsSync(mark)), 30_000);
    stalledPid = Number(readFileSync(mark, 'utf8'));
    await waitForJobState(jobId, ['RUNNING'], 10_000);
    const stop = await execa('node', [CLI, 'stop', '--now', '--workspace', ws], { reject: false, all: true });
    expect(stop.exitCode, stop.all).toBe(0);
    ({ exitCode } = await loop);
    log = logOf(ws);
  }, 150_000);

  it('ends the job (the evaluator in it stopped) and halts the loop', async () => {
    expect(exitCode).toBe(1);
    expect(await waitForJobState(jobId, ['COMPLETED', 'FAILED', 'CANCELLED'], 30_000)).toBeDefined();
    expect(() => process.kill(stalledPid, 0)).toThrow();
    expect(log.at(-1)?.type).toBe('LoopHalted');
  });

  it('records the evaluation killed, and no promotion', () => {
    expect(of(log, 'EvaluationFailed').map((e) => [e.data.evaluationId, e.data.reason, e.data.message])).toEqual([['e001', 'killed', 'stopped by request']]);
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001']);
  });
});

describe('an sbatch that refuses the evaluator’s job', () => {
  let log: AutopilotEvent[];
  beforeAll(async () => {
    // The real sbatch for the trainers' jobs; the evaluators' (named ap-e…) refused as a cluster refuses a bad account.
    const shim = await tempGo();
    const real = (await execa('which', ['sbatch'])).stdout.trim();
    writeFileSync(
      join(shim, 'sbatch'),
      `#!/bin/bash\nfor a in "$@"; do case "$a" in --job-name=ap-e*) echo 'sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified' >&2; exit 1;; esac; done\nexec '${real}' "$@"\n`,
      { mode: 0o755 },
    );
    const ws = confirmingWorkspace();
    const r = await loopIn(ws, 2, { PATH: `${shim}:${process.env.PATH}` });
    expect(r.exitCode, r.all).toBe(0);
    log = logOf(ws);
  }, 150_000);

  it('records the evaluation failed to start, with Slurm’s message, after the recorded tries', () => {
    expect(of(log, 'EvaluatorJobPlanned').map((e) => e.data.job.name)).toEqual(['ap-e001-e1']);
    expect(of(log, 'EvaluatorStarted')).toEqual([]);
    const tries = of(log, 'LauncherCommandFailed');
    expect(tries.map((e) => [e.data.runId, e.data.command, e.data.try, e.data.tries])).toEqual([
      [undefined, 'sbatch', 1, 2],
      [undefined, 'sbatch', 2, 2],
    ]);
    const [failed] = of(log, 'EvaluationFailed');
    expect(failed!.data).toMatchObject({ evaluationId: 'e001', target: '002', reason: 'cannot-start' });
    expect(failed!.data.message).toMatch(
      /^Slurm did not take the evaluator's job ap-e001-e1 \(2 tries\): sbatch failed \(exit 1\): sbatch: error: Batch job submission failed: Invalid account/,
    );
  });

  it('leaves the incumbent, and the loop goes on to its end', () => {
    expect(of(log, 'IncumbentChanged').map((e) => e.data.runId)).toEqual(['001']);
    expect(of(log, 'JournalWritten').find((e) => e.data.runId === '002')?.data.outcome).toMatch(/promotion of 002 not confirmed: .*cannot-start: Slurm did not take/);
    expect(log.at(-1)?.type).toBe('LoopCompleted');
  });
});
