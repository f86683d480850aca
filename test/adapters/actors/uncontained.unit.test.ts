import { describe, expect, it } from 'vitest';
import { uncontainedViolation } from '../../../adapters/actors/uncontained.js';

const at = new Date('2026-01-01T00:00:00Z');
const run = { runId: '002', attempt: 1, folder: 'runs/002' };

describe('when a trainer launch could not be confirmed contained', () => {
  it.each(['cgroup', 'subreaper', 'process-group'] as const)('is a trainer violation naming the run folder, detected, not restored (%s)', (mode) => {
    const e = uncontainedViolation('0001', at, run, { contained: false, neverStarted: false }, mode);
    expect(e?.type).toBe('GuardrailViolation');
    expect(e?.data).toMatchObject({ runId: '002', attempt: 1, source: 'trainer', action: 'detected' });
    expect(e?.data.paths).toEqual([
      { path: 'runs/002', change: 'modified', restored: false, kind: 'directory', note: expect.stringMatching(new RegExp(`^processes not contained \\(${mode}\\): `)) },
    ]);
    expect(e?.metadata).toEqual({ session: '0001', at: at.toISOString() });
  });

  it('is nothing when the launch was contained, or never started', () => {
    expect(uncontainedViolation('0001', at, run, { contained: true, neverStarted: false }, 'cgroup')).toBeNull();
    expect(uncontainedViolation('0001', at, run, { contained: false, neverStarted: true }, 'subreaper')).toBeNull();
  });
});
