import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../domain/policy/policy.js';
import type { AutopilotEvent } from '../../../events/catalogue.js';
import type { StoredEvent } from '../../../events/store.js';
import { foldParams, paramKeys, paramsOf, scaleOf } from '../../../projections/inspector/params.js';
import { foldRows, rowsOf } from '../../../projections/inspector/rows.js';
import { historyEvents } from '../../support/history-events.js';

const events = historyEvents('loop-3');
const rowsFold = foldRows(events);
const rows = rowsOf(rowsFold);

// The fixture's events with the policy input of its LoopStarted replaced by `text` (undefined: removed).
function withPolicy(text: string | undefined): StoredEvent<AutopilotEvent>[] {
  return events.map((s) => {
    const e = s.event;
    if (e.type !== 'LoopStarted') return s;
    const inputs = (e.data.inputs ?? []).flatMap((f) => (f.path !== 'policy.json' ? [f] : text === undefined ? [] : [{ ...f, text }]));
    return { ...s, event: { ...e, data: { ...e.data, inputs } } };
  });
}

describe('the parameters fold', () => {
  it('gives every run of loop-3 the value of every policy key in its accepted config, with its metric mean and status', () => {
    const view = paramsOf(foldParams(events), rows, rowsFold.metrics);
    expect(view.session).toBe('0001');
    expect(view.metric).toEqual({ name: 'mean_reward', direction: 'maximize' });
    expect(view.policyProblem).toBeNull();
    expect(view.keys.map((k) => k.key)).toContain('train.learning_rate');
    expect(view.runs.map((r) => r.id)).toEqual(['001', '002', '003']);
    // The baseline changed nothing, yet each key has its value; the proposal's values are its config's, not only the diff's.
    const [baseline, proposal] = view.runs;
    expect(baseline!.values['train.learning_rate']).toBe(0.0001);
    expect(proposal!.values['train.learning_rate']).toBe(0.000149741);
    expect(proposal!.values['train.gamma']).toBe(0.99887);
    for (const r of view.runs) {
      expect(Object.keys(r.values)).toEqual(view.keys.map((k) => k.key));
      expect(r.status).toBe('finished');
      expect(r.metric).toBe(rows.find((x) => x.id === r.id)!.metric!.mean);
    }
    expect(view.keys.find((k) => k.key === 'train.learning_rate')).toMatchObject({ kind: 'number', scale: 'log', min: 0.0001, max: 0.05 });
    expect(view.keys.find((k) => k.key === 'train.gamma')?.scale).toBe('linear');
  });

  it('answers nothing for a log with no session, and keeps the last config of a run accepted twice', () => {
    expect(paramsOf(foldParams([]), [], new Map())).toEqual({ session: null, metric: null, policyProblem: null, keys: [], runs: [] });
    const accepted = events.find((s) => s.event.type === 'ProposalAccepted' && s.event.data.runId === '002')!;
    if (accepted.event.type !== 'ProposalAccepted') throw new Error('no ProposalAccepted of run 002');
    const again: StoredEvent<AutopilotEvent> = { ...accepted, seq: 999, event: { ...accepted.event, data: { ...accepted.event.data, config: { train: { learning_rate: 0.02 } } } } };
    const view = paramsOf(foldParams([...events, again]), rows, rowsFold.metrics);
    expect(view.runs[1]!.values['train.learning_rate']).toBe(0.02);
    expect(view.runs[1]!.values['train.gamma']).toBeNull();
  });

  it('falls back on the keys the runs changed when the session recorded no readable policy, and says why', () => {
    for (const text of [undefined, '{"version": 2}', 'not json']) {
      const view = paramsOf(foldParams(withPolicy(text)), rows, rowsFold.metrics);
      expect(view.policyProblem).toMatch(/policy\.json/);
      const changed = [...new Set(rows.flatMap((r) => r.changed.map((c) => c.key)))];
      expect(view.keys.map((k) => k.key)).toEqual(changed);
      expect(view.keys.every((k) => k.scale === 'linear')).toBe(true);
    }
  });
});

describe('the scale of a policy key', () => {
  it('is log for log-normal, powers-of-two and decade-wide ranges, categorical for booleans and enums', () => {
    const policy = parsePolicy({
      version: 1,
      keys: {
        lr: { type: 'number', min: 1e-5, max: 1e-2, distribution: 'log_normal' },
        wide: { type: 'number', min: 0.001, max: 1 },
        clip: { type: 'number', min: 0.1, max: 0.3 },
        batch: { type: 'integer', min: 64, max: 1024, distribution: 'uniform_pow2' },
        steps: { type: 'integer', min: 4, max: 64, distribution: 'log_normal' },
        epochs: { type: 'integer', min: 1, max: 10 },
        norm: { type: 'boolean' },
        opt: { type: 'enum', choices: ['adam', 'sgd'] },
      },
    });
    expect(Object.fromEntries(Object.entries(policy.keys).map(([k, spec]) => [k, scaleOf(k, spec)]))).toEqual({
      lr: 'log',
      wide: 'log',
      clip: 'linear',
      batch: 'log',
      steps: 'log',
      epochs: 'linear',
      norm: 'categorical',
      opt: 'categorical',
    });
    expect(paramKeys(policy).find((k) => k.key === 'norm')).toEqual({ key: 'norm', kind: 'boolean', scale: 'categorical', choices: [false, true] });
  });
});
