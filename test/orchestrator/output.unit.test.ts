import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../events/catalogue.js';
import { describeEvent } from '../../orchestrator/output.js';

const paths = Array.from({ length: 500 }, (_, i) => ({ path: `junk/f${String(i).padStart(3, '0')}`, change: 'created' as const, restored: true }));
const violation = (source: 'proposer' | 'trainer' | 'inputs' | 'workspace'): EventOf<'GuardrailViolation'> => ({
  type: 'GuardrailViolation',
  data: { runId: '002', attempt: 1, proposer: 'command', source, paths, action: 'reverted' },
  metadata: { session: '0001', at: '2026-01-01T00:00:00.000Z' },
});

describe('when a violation of 500 paths is printed', () => {
  it.each(['proposer', 'trainer', 'inputs', 'workspace'] as const)('names the first 20 and counts the rest (source %s)', (source) => {
    const line = describeEvent(violation(source))!;
    expect(line).toContain('junk/f000, ');
    expect(line).toContain('junk/f019, … and 480 more');
    expect(line).not.toContain('junk/f020');
    expect(line.length).toBeLessThan(600);
  });

  it('lists a short violation whole', () => {
    const line = describeEvent({ ...violation('trainer'), data: { ...violation('trainer').data, paths: paths.slice(0, 2) } })!;
    expect(line).toBe('run 002: GUARDRAIL the trainer changed junk/f000, junk/f001; reverted');
  });
});

describe('when a proposal is printed', () => {
  const received = (overrides: unknown): EventOf<'ProposalReceived'> => ({
    type: 'ProposalReceived',
    data: { runId: '004', attempt: 1, proposer: 'replicate', seed: null, overrides, rationale: 're-run of the incumbent 001', hypothesis: '' },
    metadata: { session: '0001', at: '2026-01-01T00:00:00.000Z' },
  });

  it('names its changes, or says it changes nothing (a re-run of a baseline incumbent)', () => {
    expect(describeEvent(received({ train: { learning_rate: 0.003 } }))).toBe('run 004: replicate proposed train.learning_rate=0.003');
    expect(describeEvent(received({}))).toBe('run 004: replicate proposed the baseline config unchanged');
  });
});
