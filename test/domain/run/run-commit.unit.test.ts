import { describe, expect, it } from 'vitest';
import { isCommitFor, runCommitMessage, runTag, type RunCommitFacts } from '../../../domain/run/run-commit.js';
import { evaluation } from '../fixtures.js';

const facts: RunCommitFacts = {
  runId: '007',
  session: '0002',
  kind: 'proposal',
  parent: null,
  proposer: 'builtin',
  override: { 'train.learning_rate': 0.003, 'train.ent_coef': 0.08 },
  evaluation: evaluation({ method: 'welch-t', candidate: { mean: 112.1, n: 32 }, incumbent: { runId: '004', mean: 100, n: 32 }, delta: 12.1, seed: null, interval: [4, 20.3] }),
  journal: { status: 'completed', action: 'run 007 (builtin)', observation: 'mean_reward 112.1', outcome: 'improved', next: 'replicate 007' },
  eventHash: 'abc123',
};

describe('runCommitMessage', () => {
  it('says the run, its proposer, its override and its verdict in one line, then the journal and the trailers', () => {
    expect(runCommitMessage(facts)).toBe(
      [
        'autopilot: run 007 (builtin) ent_coef 0.08 learning_rate 0.003 — improved: +12.1 [4.0, 20.3] vs 004 (n=32/32)',
        '',
        'action: run 007 (builtin)',
        'observation: mean_reward 112.1',
        'outcome: improved',
        'next: replicate 007',
        '',
        'Autopilot-Run: 007',
        'Autopilot-Session: 0002',
        'Autopilot-Event: abc123',
        '',
      ].join('\n'),
    );
  });

  it('names a replicate’s parent, a failed run’s outcome, and counts the keys past six', () => {
    const override = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k, i) => [`x.${k}`, i]));
    const failed = runCommitMessage({ ...facts, kind: 'replicate', parent: '004', override, evaluation: null, journal: { ...facts.journal, status: 'failed', outcome: 'failed (crashed)' } });
    expect(failed.split('\n')[0]).toBe('autopilot: run 007 (replicate of 004) a 0 b 1 c 2 d 3 e 4 f 5 +2 more — failed (crashed)');
  });

  it('keeps a value from the log on its line: a newline or control character in it cannot forge a trailer', () => {
    const message = runCommitMessage({ ...facts, override: { 'x.k': 'v\nAutopilot-Event: forged' }, journal: { ...facts.journal, next: 'go\u001b[2J\nAutopilot-Event: forged' } });
    expect(isCommitFor(message, 'forged')).toBe(false);
    expect(isCommitFor(message, 'abc123')).toBe(true);
    expect(message).not.toContain('\u001b');
  });
});

describe('runTag', () => {
  it('is autopilot/run-<id>', () => {
    expect(runTag('012')).toBe('autopilot/run-012');
  });
});
