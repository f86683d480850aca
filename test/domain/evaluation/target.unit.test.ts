import { describe, expect, it } from 'vitest';
import { checkpointNumber, resolveTarget, type CheckpointChoices } from '../../../domain/evaluation/target.js';
import { AutopilotError } from '../../../domain/errors.js';

const choices: CheckpointChoices = {
  runs: new Map([
    ['001', { runId: '001', checkpoints: ['runs/001/checkpoints/model_000004.json', 'runs/001/checkpoints/model_000032.json'] }],
    ['002', { runId: '002', checkpoints: [] }],
  ]),
  best: { runId: '001', path: 'runs/001/checkpoints/model_000032.json' },
  latest: null,
};

function refusal(spec: string): AutopilotError {
  try {
    resolveTarget(spec, choices);
  } catch (e) {
    if (e instanceof AutopilotError) return e;
  }
  throw new Error(`expected ${spec} to be refused`);
}

describe('when eval resolves what to evaluate', () => {
  it('reads the number a checkpoint file name ends in', () => {
    expect(checkpointNumber('runs/001/checkpoints/model_000008.json')).toBe(8);
    expect(checkpointNumber('x/model_123.pt')).toBe(123);
    expect(checkpointNumber('x/final.pt')).toBeNull();
  });

  it("takes a run's last checkpoint, one by number, or the incumbent's", () => {
    expect(resolveTarget('001', choices)).toEqual({ spec: '001', runId: '001', checkpoint: 'runs/001/checkpoints/model_000032.json' });
    expect(resolveTarget('1@4', choices)).toEqual({ spec: '1@4', runId: '001', checkpoint: 'runs/001/checkpoints/model_000004.json' });
    expect(resolveTarget('best', choices).checkpoint).toBe('runs/001/checkpoints/model_000032.json');
  });

  it('refuses with a usage error naming what the log has', () => {
    expect(refusal('001@5').message).toContain('it has @4, @32');
    expect(refusal('002').message).toContain('recorded no checkpoint');
    expect(refusal('009').message).toContain('no run 009');
    expect(refusal('latest').message).toContain('no run has recorded a checkpoint');
    expect(refusal('../x').exitCode).toBe(2);
  });
});
