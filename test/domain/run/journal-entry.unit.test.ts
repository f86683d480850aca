import { describe, expect, it } from 'vitest';
import { decideJournal, type JournalFacts } from '../../../domain/run/journal-entry.js';
import type { DataOf, IncumbentRef } from '../../../events/catalogue.js';
import { evaluation } from '../fixtures.js';

const incumbent: IncumbentRef = { runId: '004', metric: 'mean_reward', mean: 400, n: 32, sample: Array(32).fill(400), override: {} };
const facts = (ev: DataOf<'RunEvaluated'>, over: Partial<JournalFacts> = {}): JournalFacts => ({
  runId: ev.runId,
  index: 7,
  kind: 'proposal',
  attempt: 1,
  proposal: null,
  accepted: null,
  finished: { runId: ev.runId, attempt: 1, exitCode: 0, durationMs: 1000, summarySource: 'summary', metrics: { mean_reward: 441.2 }, samples: { mean_reward: Array(32).fill(441.2) } },
  failure: null,
  evaluation: ev,
  ...over,
});

describe('when the journal decides a run that improved', () => {
  it('holds it back for a replicate and says so, the incumbent staying', () => {
    const d = decideJournal(facts(evaluation()), incumbent, { name: 'mean_reward' }, 3, 10, null, { replicates: 1, inconclusiveReplicates: 0 });
    expect(d.promote).toBeNull();
    expect(d.entry.replication).toEqual({ parent: '007', reason: 'improved', target: 1, done: 0, decision: 'replicate' });
    expect(d.entry.outcome).toBe('improved: +41.2 [18.5, 63.0] vs 004 (n=32/32); replicate 1 time(s) before promoting; incumbent stays 004');
  });

  it('promotes it at once without replication', () => {
    const d = decideJournal(facts(evaluation()), incumbent, { name: 'mean_reward' }, 3, 10, null, { replicates: 0, inconclusiveReplicates: 0 });
    expect(d.promote).toMatchObject({ runId: '007', n: 32 });
    expect(d.promote!.mean).toBeCloseTo(441.2, 9);
    expect(d.entry.outcome).toBe('improved: +41.2 [18.5, 63.0] vs 004 (n=32/32) -> incumbent');
  });

  it('promotes the parent, with the pooled sample, when its replicate confirms it (confirmation: pooled)', () => {
    const ev = evaluation({ runId: '008', candidate: { mean: 441.2, n: 64 }, pooled: ['007', '008'] });
    const replication = { parent: '007', reason: 'improved' as const, target: 1, done: 0, runs: ['007'], sample: Array(32).fill(441.2), override: { 'train.learning_rate': 0.003 } };
    const d = decideJournal(facts(ev, { runId: '008', kind: 'replicate', parent: '007', index: 8 }), incumbent, { name: 'mean_reward' }, 4, 10, replication, {
      replicates: 1,
      inconclusiveReplicates: 0,
      confirmation: 'pooled',
    });
    expect(d.promote).toMatchObject({ runId: '007', n: 64, override: { 'train.learning_rate': 0.003 } });
    expect(d.entry.action).toMatch(/^run 008 \(replicate of 007\)/);
    expect(d.entry.observation).toContain('pooled with 007: n=64');
    expect(d.entry.outcome).toBe('improved: +41.2 [18.5, 63.0] vs 004 (n=64/32); replicate 1 of 1 of 007: confirmed -> incumbent 007');
  });

  it("says a replicate's seed was not set when its accepted config got no fresh seed, and not when it did", () => {
    const replication = { parent: '007', reason: 'improved' as const, target: 1, done: 0, runs: ['007'], sample: Array(32).fill(441.2), override: {} };
    const accepted = (normalizations: { key: string; before: number | null; after: number; rule: string }[]) =>
      ({
        runId: '008',
        attempt: 0,
        proposer: 'baseline',
        base: '004',
        config: {},
        override: {},
        diff: [],
        normalizations,
        rationale: 'r',
        hypothesis: 'h',
      }) as unknown as JournalFacts['accepted'];
    const action = (a: JournalFacts['accepted'], parent: string) =>
      decideJournal(facts(evaluation({ runId: '008' }), { runId: '008', kind: 'replicate', parent, index: 8, accepted: a }), incumbent, { name: 'mean_reward' }, 4, 10, replication, {
        replicates: 1,
        inconclusiveReplicates: 0,
      }).entry.action;
    expect(action(accepted([]), '007')).toMatch(/^run 008 \(replicate of 007, seed not set\): /);
    expect(action(accepted([]), '004')).toMatch(/^run 008 \(re-run of the incumbent 004, seed not set\): /);
    expect(action(accepted([{ key: 'seed', before: 1, after: 99, rule: 'replicate:fresh_seed' }]), '007')).toMatch(/^run 008 \(replicate of 007\): /);
  });
});

describe('when a run proposed as a delta on the incumbent is promoted', () => {
  const accepted = (base: string, override: Record<string, number>) =>
    ({ runId: '007', attempt: 1, proposer: 'codex', base, config: {}, override, diff: [], normalizations: [], rationale: 'r', hypothesis: 'h' }) as unknown as JournalFacts['accepted'];
  const stacked: IncumbentRef = { ...incumbent, override: { 'train.learning_rate': 0.001, 'train.gamma': 0.99 } };

  it('carries the incumbent’s changes forward, its own on top, so the next base keeps both', () => {
    const d = decideJournal(facts(evaluation(), { accepted: accepted('004', { 'train.gamma': 0.995, 'train.ent_coef': 0.02 }) }), stacked, { name: 'mean_reward' }, 3, 10);
    expect(d.promote?.override).toEqual({ 'train.ent_coef': 0.02, 'train.gamma': 0.995, 'train.learning_rate': 0.001 });
    expect(Object.keys(d.promote!.override)).toEqual(['train.ent_coef', 'train.gamma', 'train.learning_rate']);
  });

  it('takes a run proposed on the baseline as it is', () => {
    const d = decideJournal(facts(evaluation(), { accepted: accepted('baseline', { 'train.gamma': 0.995 }) }), stacked, { name: 'mean_reward' }, 3, 10);
    expect(d.promote?.override).toEqual({ 'train.gamma': 0.995 });
  });
});

describe('when a run yields few values of its metric', () => {
  it('warns in the labbook below 8 values, naming the count', () => {
    const few = facts(evaluation(), { finished: { ...facts(evaluation()).finished!, samples: { mean_reward: [440, 441, 442, 443] } } });
    const d = decideJournal(few, incumbent, { name: 'mean_reward' }, 3, 10, null, { replicates: 0, inconclusiveReplicates: 0 });
    expect(d.entry.observation).toContain('only 4 values of mean_reward, fewer than 8');
  });

  it('says nothing at 8 values or more', () => {
    const eight = facts(evaluation(), { finished: { ...facts(evaluation()).finished!, samples: { mean_reward: Array(8).fill(441) } } });
    const d = decideJournal(eight, incumbent, { name: 'mean_reward' }, 3, 10, null, { replicates: 0, inconclusiveReplicates: 0 });
    expect(d.entry.observation).not.toContain('fewer than');
  });
});

describe('when an inconclusive run may be replicated for power', () => {
  it('states the rule: its interval reaches min_effect, so replicates pool with it', () => {
    const ev = evaluation({ verdict: 'inconclusive', interval: [-2, 9] });
    const d = decideJournal(facts(ev), incumbent, { name: 'mean_reward' }, 3, 10, null, { replicates: 1, inconclusiveReplicates: 2, minEffect: 5 });
    expect(d.entry.replication).toMatchObject({ reason: 'inconclusive', target: 2, decision: 'replicate' });
    expect(d.entry.outcome).toContain('; its interval reaches min_effect 5: up to 2 replicate(s), pooled with it, before it is dropped');
    const short = decideJournal(facts(evaluation({ verdict: 'inconclusive', interval: [-2, 4] })), incumbent, { name: 'mean_reward' }, 3, 10, null, {
      replicates: 1,
      inconclusiveReplicates: 2,
      minEffect: 5,
    });
    expect(short.entry.replication).toBeUndefined();
  });
});

describe('what comes next, with runs in flight', () => {
  const settings = { replicates: 0, inconclusiveReplicates: 0 };
  it('names the runs in flight to wait for, and the run proposed next while runs are left to plan', () => {
    const d = decideJournal(facts(evaluation()), incumbent, { name: 'mean_reward' }, 3, 10, null, settings, 0, { inFlight: ['008', '009'], nextRunIndex: 10 });
    expect(d.entry.next).toBe('propose run 010 and wait for run(s) 008, 009');
  });

  it('only waits once every run left is in flight, and finishes with the last', () => {
    expect(decideJournal(facts(evaluation()), incumbent, { name: 'mean_reward' }, 7, 10, null, settings, 0, { inFlight: ['009', '010'], nextRunIndex: 11 }).entry.next).toBe(
      'wait for run(s) 009, 010',
    );
    expect(decideJournal(facts(evaluation()), incumbent, { name: 'mean_reward' }, 9, 10, null, settings, 0, { inFlight: [], nextRunIndex: 11 }).entry.next).toBe('finish the loop');
    // One at a time, as before.
    expect(decideJournal(facts(evaluation()), incumbent, { name: 'mean_reward' }, 3, 10, null, settings).entry.next).toMatch(/^propose run \d{3}$/);
  });
});
