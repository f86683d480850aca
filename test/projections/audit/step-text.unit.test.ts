import { describe, expect, it } from 'vitest';
import { describe as describeStep, verdictLine } from '../../../projections/audit/step-text.js';
import type { AuditStepOf } from '../../../projections/audit/steps.js';

const base = { seq: 3, at: '2026-01-01T00:00:03.000Z', stream: 'run-002' };

describe('when a launch is described', () => {
  it('quotes only the argv elements a shell would split', () => {
    const step: AuditStepOf<'RunStarted'> = {
      ...base,
      type: 'RunStarted',
      attempt: 1,
      launcher: 'setsid',
      argv: ['bash', 'train.sh', "it's here", '--lr=0.1'],
      cwd: '/ws',
      pid: 9,
      pid_start_time: null,
      seed: null,
      log_path: 'runs/002/train.log',
      log_offset: 0,
      exit_file: null,
    };
    expect(describeStep(step)).toEqual({
      head: 'attempt 1 launched (setsid): pid 9, seed n/a',
      details: [`argv: bash train.sh 'it'\\''s here' --lr=0.1`, 'cwd: /ws', 'log: runs/002/train.log'],
    });
  });
});

describe('when an evaluation is described', () => {
  it("heads it with the audit's verdict line, naming the incumbent by its run id", () => {
    const step: AuditStepOf<'RunEvaluated'> = {
      ...base,
      type: 'RunEvaluated',
      verdict: 'regressed',
      metric: 'loss',
      direction: 'minimize',
      method: 'bootstrap-percentile',
      candidate: { mean: 0.5, n: 4 },
      incumbent: { run_id: '001', mean: 0.25, n: 4 },
      delta: 0.25,
      seed: null,
    };
    expect(verdictLine(step)).toBe('regressed — loss 0.5 (n=4) vs run 001 0.25 (n=4), delta +0.25');
    expect(describeStep(step)).toEqual({ head: verdictLine(step), details: ['method: bootstrap-percentile (minimize loss)'] });
  });
});
