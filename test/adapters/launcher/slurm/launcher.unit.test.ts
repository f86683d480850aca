import { describe, expect, it } from 'vitest';
import { slurmOutcome } from '../../../../adapters/launcher/slurm/launcher.js';
import type { JobEnd } from '../../../../adapters/launcher/cluster.js';

const details = (state: string, reason = 'None'): JobEnd => ({ state, reason, exitCode: 0, signal: 15 });

describe('how a Slurm job ended, when its state and not its exit says it', () => {
  it('leaves a job that wrote its result file and completed or failed to its exit code', () => {
    expect(slurmOutcome('7', 'COMPLETED', details('COMPLETED'), true, undefined)).toBeUndefined();
    expect(slurmOutcome('7', 'FAILED', details('FAILED', 'NonZeroExitCode'), true, undefined)).toBeUndefined();
  });

  it('calls a job that left the queue with no result file lost, saying why it can happen', () => {
    expect(slurmOutcome('7', null, null, false, undefined)).toEqual({
      reason: 'lost',
      message: expect.stringMatching(/Slurm job 7 left the queue without a result file \(Slurm forgets finished jobs after MinJobAge/) as unknown,
    });
    expect(slurmOutcome('7', 'COMPLETED', details('COMPLETED'), false, undefined)).toMatchObject({
      reason: 'lost',
      message: 'Slurm job 7 ended (COMPLETED) without writing its result file',
    });
  });

  it('names a cancellation from outside, a preemption, Slurm own time limit and a node failure, result file or not', () => {
    for (const recorded of [true, false]) {
      expect(slurmOutcome('7', 'CANCELLED', details('CANCELLED'), recorded, undefined)).toMatchObject({
        reason: 'cancelled',
        message: expect.stringMatching(/cancelled from outside autopilot/) as unknown,
      });
      expect(slurmOutcome('7', 'PREEMPTED', details('PREEMPTED', 'Preemption'), recorded, undefined)).toMatchObject({
        reason: 'cancelled',
        message: expect.stringMatching(/preempted and not requeued, reason Preemption/) as unknown,
      });
      expect(slurmOutcome('7', 'TIMEOUT', details('TIMEOUT'), recorded, undefined)).toMatchObject({ reason: 'timeout', message: expect.stringMatching(/its Slurm time limit/) as unknown });
      expect(slurmOutcome('7', 'NODE_FAIL', details('NODE_FAIL'), recorded, undefined)).toMatchObject({ reason: 'lost', message: expect.stringMatching(/its node failed/) as unknown });
    }
  });

  it('makes Slurm no longer answering about the job a launcher error (which halts the loop), saying how to find and cancel the job', () => {
    expect(slurmOutcome('7', 'RUNNING', null, false, 'squeue failed (exit 1): Unable to contact slurm controller')).toEqual({
      reason: 'launcher-error',
      message: 'Slurm stopped answering about job 7: squeue failed (exit 1): Unable to contact slurm controller; it may still run: see squeue -j 7, cancel it with scancel 7',
    });
  });
});
