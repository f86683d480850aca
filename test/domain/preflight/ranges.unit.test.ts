import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../domain/policy/policy.js';
import { baselineRangeWarnings } from '../../../domain/preflight/ranges.js';

const policy = parsePolicy({
  version: 1,
  keys: {
    lr: { type: 'number', min: 0.1, max: 1 },
    batch: { type: 'integer', min: 64, max: 256 },
    opt: { type: 'enum', choices: ['adam', 'sgd'] },
    gone: { type: 'number', min: 0, max: 1, optional: true },
  },
});
const warn = (config: object) => baselineRangeWarnings(policy, { file: 'configs/baseline_quick.json', config: config as never });

describe('baseline values outside their policy range', () => {
  it('are each named with the value and the range', () => {
    const w = warn({ lr: 0.01, batch: 512, opt: 'muon' });
    expect(w.map((x) => x.key)).toEqual(['keys["lr"]', 'keys["batch"]', 'keys["opt"]']);
    expect(w[0]!.problem).toBe(
      "the baseline value 0.01 (configs/baseline_quick.json) is outside the policy's range, number in [0.1, 1]: the proposer searches only that range, away from the baseline",
    );
    expect(w[2]!.problem).toContain('one of ["adam", "sgd"]');
  });

  it('are not found for values inside, on the bounds, or absent', () => {
    expect(warn({ lr: 0.1, batch: 256, opt: 'sgd' })).toEqual([]);
    expect(warn({})).toEqual([]);
  });
});
