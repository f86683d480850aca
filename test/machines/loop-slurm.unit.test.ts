/** The loop machine with a Slurm attempt: its planned submission, requeues and a launcher that keeps failing. */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { AutopilotEvent } from '../../events/catalogue.js';
import { ev, inertLoop, intoTrain } from '../support/loop-harness.js';

const limits = { maxProposalAttempts: 1, maxRunAttempts: 3, maxConsecutiveFailures: 3 };
const job = { name: 'ap-001-a1', comment: 'autopilot:w/0001/001/1', script: 'runs/001/slurm/attempt-1.sh', scriptSha256: 'x', resultFile: 'runs/001/slurm/attempt-1.result.json' };
const planned = ev('AttemptPlanned', { runId: '001', attempt: 1, launcher: 'slurm', job, argv: ['sbatch'] });
const startedOnSlurm = ev('RunStarted', {
  runId: '001',
  attempt: 1,
  launcher: 'slurm',
  argv: ['t'],
  cwd: '/',
  pid: null,
  pidStartTime: null,
  seed: 1,
  logPath: 'l',
  exitFile: 'r',
  logOffset: 0,
  job: { ...job, id: '42' },
});

function fold(events: AutopilotEvent[]) {
  const actor = createActor(inertLoop()).start();
  for (const e of events) actor.send(e);
  return actor.getSnapshot();
}

describe('the loop machine with a Slurm attempt', () => {
  it('keeps a submission recorded without a job id, so that a restart looks for the job by name, and forgets it once the job started', () => {
    const before = fold([...intoTrain(limits), planned]);
    expect(before.value).toBe('train');
    expect(before.context.run?.planned).toEqual(planned.data);
    const after = fold([...intoTrain(limits), planned, startedOnSlurm]);
    expect(after.context.run?.planned).toBeNull();
    expect(after.context.run?.started?.job?.id).toBe('42');
  });

  it('keeps the highest restart count of the attempt, so a reattached follower does not record the same requeue twice', () => {
    const requeued = (restarts: number) => ev('RunRequeued', { runId: '001', attempt: 1, jobId: '42', restarts, state: 'PENDING', reason: 'BeginTime' });
    const s = fold([...intoTrain(limits), planned, startedOnSlurm, requeued(1), requeued(2), requeued(1)]);
    expect(s.value).toBe('train');
    expect(s.context.run?.restarts).toBe(2);
  });

  it('does not retry a launcher error and halts with its message once the run is journaled', () => {
    const failed = ev('RunFailed', { runId: '001', attempt: 1, reason: 'launcher-error', exitCode: null, signal: null, durationMs: 0, message: 'sbatch failed 4 time(s); last: nope' });
    const s = fold([...intoTrain(limits), planned, failed]);
    expect(s.value).toBe('journal');
    expect(s.context.fatal).toBe('run 001: the launcher failed: sbatch failed 4 time(s); last: nope');
    expect(s.context.run?.planned).toBeNull();
    const done = fold([...intoTrain(limits), planned, failed, ev('JournalWritten', { runId: '001', status: 'failed', action: 'a', observation: 'o', outcome: 'x', next: 'n' })]);
    expect(done.value).toBe('halted');
    expect(done.context.haltReason).toBe('run 001: the launcher failed: sbatch failed 4 time(s); last: nope');
  });

  it('retries a lost or cancelled job under the retry policy', () => {
    for (const reason of ['lost', 'cancelled'] as const) {
      const failed = ev('RunFailed', { runId: '001', attempt: 1, reason, exitCode: null, signal: null, durationMs: 0, message: 'gone' });
      const s = fold([...intoTrain(limits), planned, startedOnSlurm, failed]);
      expect(s.value).toBe('train');
      expect(s.context.fatal).toBeNull();
    }
  });
});
