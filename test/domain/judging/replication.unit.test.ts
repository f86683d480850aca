import { describe, expect, it } from 'vitest';
import { decideReplication, incumbentOf, nextReplication, pooledSample, type Replication, type ReplicationFacts } from '../../../domain/judging/replication.js';

const K1 = { replicates: 1, inconclusiveReplicates: 0 };
/** The rule before independent confirmation: replicates pool with the sample that selected them. */
const P1 = { ...K1, confirmation: 'pooled' as const };
const run = (over: Partial<ReplicationFacts>): ReplicationFacts => ({
  runId: '005',
  kind: 'proposal',
  verdict: 'improved',
  sample: [1, 2, 3],
  override: { 'train.learning_rate': 0.01 },
  ...over,
});
const replicating = (over: Partial<Replication> = {}): Replication => ({
  parent: '005',
  reason: 'improved',
  target: 1,
  done: 0,
  runs: ['005'],
  sample: [1, 2, 3],
  override: { 'train.learning_rate': 0.01 },
  ...over,
});

describe('when a proposal has been evaluated', () => {
  it('holds back an improvement for K replicates, or promotes it at once when K is 0', () => {
    expect(decideReplication(run({}), null, K1)).toEqual({ record: { parent: '005', reason: 'improved', target: 1, done: 0, decision: 'replicate' }, promote: null });
    expect(decideReplication(run({}), null, { replicates: 0, inconclusiveReplicates: 0 })).toEqual({ record: undefined, promote: 'run' });
  });

  it('replicates an inconclusive candidate only within its budget, and never a regression or a failure', () => {
    expect(decideReplication(run({ verdict: 'inconclusive' }), null, K1)).toEqual({ record: undefined, promote: null });
    expect(decideReplication(run({ verdict: 'inconclusive' }), null, { replicates: 1, inconclusiveReplicates: 2 }).record).toMatchObject({ reason: 'inconclusive', target: 2 });
    expect(decideReplication(run({ verdict: 'regressed' }), null, { replicates: 3, inconclusiveReplicates: 3 })).toEqual({ record: undefined, promote: null });
    expect(decideReplication(run({ verdict: null }), null, { replicates: 3, inconclusiveReplicates: 3 })).toEqual({ record: undefined, promote: null });
  });

  it('promotes a baseline at once, and replicates it only when it has a single value and the budget allows', () => {
    const base = run({ runId: '001', kind: 'baseline', verdict: 'baseline' });
    expect(decideReplication(base, null, K1)).toEqual({ record: undefined, promote: 'run' });
    expect(decideReplication({ ...base, sample: [7] }, null, K1)).toEqual({ record: undefined, promote: 'run' });
    expect(decideReplication({ ...base, sample: [7] }, null, { replicates: 1, inconclusiveReplicates: 2 })).toEqual({
      record: { parent: '001', reason: 'baseline', target: 2, done: 0, decision: 'replicate' },
      promote: 'run',
    });
  });
});

describe('when a replicate has been evaluated on the pooled sample (confirmation: pooled)', () => {
  const rep = (verdict: ReplicationFacts['verdict']) => run({ runId: '006', kind: 'replicate', verdict, sample: [4, 5] });

  it('confirms the parent once the last replicate still says improved', () => {
    expect(decideReplication(rep('improved'), replicating(), P1)).toEqual({
      record: { parent: '005', reason: 'improved', target: 1, done: 1, decision: 'confirmed' },
      promote: 'parent',
    });
  });

  it('goes on while replicates are wanted, and stops at the first that does not confirm', () => {
    expect(decideReplication(rep('improved'), replicating({ target: 2 }), K1).record).toMatchObject({ done: 1, decision: 'replicate' });
    expect(decideReplication(rep('inconclusive'), replicating({ target: 2 }), K1)).toEqual({
      record: { parent: '005', reason: 'improved', target: 2, done: 1, decision: 'not-confirmed' },
      promote: null,
    });
    expect(decideReplication(rep(null), replicating(), K1).record).toMatchObject({ decision: 'failed' });
  });

  it('lets pooling settle an inconclusive candidate: promoted once improved with K replicates, dropped when regressed or out of budget', () => {
    const inc = replicating({ reason: 'inconclusive', target: 2 });
    expect(decideReplication(rep('improved'), inc, P1)).toMatchObject({ record: { decision: 'confirmed' }, promote: 'parent' });
    expect(decideReplication(rep('improved'), inc, { replicates: 2, inconclusiveReplicates: 2, confirmation: 'pooled' })).toMatchObject({
      record: { decision: 'replicate', target: 2 },
      promote: null,
    });
    expect(decideReplication(rep('regressed'), inc, K1).record).toMatchObject({ decision: 'not-confirmed' });
    expect(decideReplication(rep('inconclusive'), inc, K1).record).toMatchObject({ decision: 'replicate', done: 1 });
    expect(decideReplication(rep('inconclusive'), { ...inc, done: 1 }, K1).record).toMatchObject({ decision: 'budget-spent', done: 2 });
  });

  it('keeps re-promoting a single-value baseline with its growing sample', () => {
    const b = replicating({ parent: '001', reason: 'baseline', target: 2, runs: ['001'], sample: [7] });
    const r = run({ runId: '002', kind: 'replicate', verdict: 'baseline', sample: [9] });
    const d = decideReplication(r, b, K1);
    expect(d).toEqual({ record: { parent: '001', reason: 'baseline', target: 2, done: 1, decision: 'replicate' }, promote: 'parent' });
    expect(incumbentOf('parent', r, b, 'score')).toEqual({ runId: '001', metric: 'score', mean: 8, n: 2, sample: [7, 9], override: b.override });
  });
});

describe('when the loop carries a replication from run to run', () => {
  it('starts from the parent, pools each replicate, and ends on any decision but replicate', () => {
    const parent = run({});
    const started = nextReplication({ parent: '005', reason: 'improved', target: 2, done: 0, decision: 'replicate' }, parent, null);
    expect(started).toEqual(replicating({ target: 2 }));
    const r = run({ runId: '006', kind: 'replicate', parent: '005', sample: [4, 5] });
    expect(pooledSample(r, r.sample, started, P1)).toEqual([1, 2, 3, 4, 5]);
    // Independent confirmation judges the replicate on its own sample.
    expect(pooledSample(r, r.sample, started, K1)).toEqual([4, 5]);
    const next = nextReplication({ parent: '005', reason: 'improved', target: 2, done: 1, decision: 'replicate' }, r, started);
    expect(next).toMatchObject({ done: 1, runs: ['005', '006'], sample: [1, 2, 3, 4, 5] });
    expect(nextReplication({ parent: '005', reason: 'improved', target: 2, done: 2, decision: 'confirmed' }, r, next)).toBeNull();
    expect(nextReplication(undefined, r, next)).toBeNull();
  });
});

describe('when an improvement is confirmed independently (the default)', () => {
  const incumbent = { runId: '004', metric: 'score', mean: 2, n: 3, sample: [1, 2, 3], override: {} };
  const remeasure = run({ runId: '006', kind: 'replicate', parent: '004', verdict: 'baseline', sample: [2, 2] });
  const replicate = (verdict: ReplicationFacts['verdict']) => run({ runId: '007', kind: 'replicate', parent: '005', verdict, sample: [9, 9] });

  it('re-runs the incumbent first: its sample grows, and the round goes on to the replicate', () => {
    const d = decideReplication(remeasure, replicating(), K1);
    expect(d).toEqual({ record: { parent: '005', reason: 'improved', target: 1, done: 0, decision: 'replicate', remeasures: ['006'] }, promote: 'incumbent' });
    expect(incumbentOf('incumbent', remeasure, replicating(), 'score', incumbent)).toMatchObject({ runId: '004', n: 5, sample: [1, 2, 3, 2, 2] });
    expect(nextReplication(d.record, remeasure, replicating())).toMatchObject({ remeasures: ['006'], remeasureSample: [2, 2], done: 0, runs: ['005'] });
  });

  it('abandons the replication when the incumbent re-run fails', () => {
    expect(decideReplication({ ...remeasure, verdict: null }, replicating(), K1)).toMatchObject({ record: { decision: 'failed', done: 0 }, promote: null });
  });

  it('promotes the parent with its replicates’ own samples only, never the first one that selected it', () => {
    const rep = { ...replicating(), remeasures: ['006'], remeasureSample: [2, 2] };
    const d = decideReplication(replicate('improved'), rep, K1);
    expect(d).toEqual({ record: { parent: '005', reason: 'improved', target: 1, done: 1, decision: 'confirmed', confirmations: ['007'] }, promote: 'parent' });
    expect(incumbentOf('parent', replicate('improved'), rep, 'score', incumbent, K1)).toMatchObject({ runId: '005', n: 2, sample: [9, 9] });
    // The pooled rule promotes with the pooled sample.
    expect(incumbentOf('parent', replicate('improved'), rep, 'score', incumbent, P1)).toMatchObject({ runId: '005', n: 5, sample: [1, 2, 3, 9, 9] });
    expect(decideReplication(replicate('inconclusive'), rep, K1).record).toMatchObject({ decision: 'not-confirmed' });
  });

  it('starts a fresh round (new incumbent re-runs) after each confirming replicate of several', () => {
    const rep = { ...replicating({ target: 2 }), remeasures: ['006'], remeasureSample: [2, 2] };
    const d = decideReplication(replicate('improved'), rep, K1);
    expect(d.record).toEqual({ parent: '005', reason: 'improved', target: 2, done: 1, decision: 'replicate', confirmations: ['007'] });
    expect(nextReplication(d.record, replicate('improved'), rep)).toMatchObject({ remeasures: [], confirmations: ['007'], confirmationSample: [9, 9], done: 1 });
  });

  it('confirms afresh an inconclusive candidate that pooled looks made an improvement', () => {
    const inc = replicating({ reason: 'inconclusive', target: 2 });
    const d = decideReplication(run({ runId: '006', kind: 'replicate', parent: '005', verdict: 'improved' }), inc, K1);
    expect(d).toEqual({ record: { parent: '005', reason: 'improved', target: 1, done: 0, decision: 'replicate' }, promote: null });
  });

  it('replicates an inconclusive candidate only when its interval reaches min_effect, and within the session’s extra runs', () => {
    const s = { replicates: 1, inconclusiveReplicates: 2, minEffect: 5, maxExtraRuns: 1 };
    expect(decideReplication(run({ verdict: 'inconclusive', interval: [-3, 6] }), null, s).record).toMatchObject({ reason: 'inconclusive' });
    expect(decideReplication(run({ verdict: 'inconclusive', interval: [-3, 4] }), null, s).record).toBeUndefined();
    expect(decideReplication(run({ verdict: 'inconclusive', interval: [-3, 6] }), null, s, 1).record).toBeUndefined();
    const inc = replicating({ reason: 'inconclusive', target: 2 });
    expect(decideReplication(run({ runId: '006', kind: 'replicate', parent: '005', verdict: 'inconclusive' }), inc, s, 1).record).toMatchObject({ decision: 'budget-spent' });
  });
});
