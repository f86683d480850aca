import { describe, expect, it } from 'vitest';
import { evolveRun, fallBack, newRun } from '../../machines/run-context.js';
import { ev, started } from '../support/loop-harness.js';

const run = newRun({ runId: '002', index: 2, kind: 'proposal', mode: 'quick' });

describe('how its events change a run', () => {
  it('counts a launch that never started as a used attempt, and ends the launch in flight', () => {
    const s = evolveRun(run, started('002', 1));
    expect(s.started?.pid).toBe(1);
    const failed = evolveRun(s, ev('RunFailed', { runId: '002', attempt: 2, reason: 'orphaned', exitCode: null, signal: null, durationMs: 0, message: 'm', started: false }));
    expect(failed).toMatchObject({ started: null, attempt: 2, failure: { reason: 'orphaned' } });
  });

  it('leaves a local run without the Slurm fields, so its context is as it always was', () => {
    expect(Object.keys(evolveRun(run, started('002', 1)))).not.toContain('planned');
    expect(Object.keys(evolveRun(run, started('002', 1)))).not.toContain('restarts');
  });

  it('answers a request, hands back a rejection, and clears the errors once a proposal is accepted', () => {
    let s = evolveRun(run, ev('ProposalRequested', { runId: '002', attempt: 1, proposer: 'builtin', previousErrors: [] }));
    expect(s).toMatchObject({ proposalAttempt: 1, awaitingProposal: true });
    s = evolveRun(s, ev('ProposalRejected', { runId: '002', attempt: 1, errors: [{ key: 'k', value: 1, expected: 'e', rule: 'r', message: 'm' }], omitted: 3 }));
    expect(s).toMatchObject({ errors: [{ key: 'k' }], errorsOmitted: 3 });
    s = evolveRun(
      s,
      ev('ProposalAccepted', { runId: '002', attempt: 2, proposer: 'builtin', base: '001', config: {}, override: {}, diff: [], normalizations: [], rationale: 'r', hypothesis: 'h' }),
    );
    expect(s).toMatchObject({ errors: [], errorsOmitted: 0, accepted: { attempt: 2 } });
  });

  it('falls back from the attempt reached, and leaves a run alone on events that are not its own', () => {
    const s = fallBack({ ...run, proposalAttempt: 3 });
    expect(s).toMatchObject({ fallback: true, fallbackAt: 3 });
    expect(evolveRun(s, ev('StopRequested', { reason: 'r', now: false }))).toBe(s);
  });
});
